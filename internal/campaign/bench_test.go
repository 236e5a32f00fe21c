package campaign_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/campaign"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// bigCommune fills f's commune with 5,000 people: 40 services of 25 to
// 225 people and 15 council members; every 7th person trained on the
// format (present at a session held last year), every 53rd booked in a
// coming one; the room taken every Friday afternoon of 2027. Rows go in
// with plain SQL in one transaction, to set up in a second.
func bigCommune(tb testing.TB, f *fixture, format string) {
	tb.Helper()
	ctx := context.Background()
	db, err := f.store.SQL()
	if err != nil {
		tb.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) sql.Result {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
		return res
	}
	t0 := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	var sizes []int
	total := 0
	for d := range 40 {
		n := 25 + (d*37)%201
		sizes = append(sizes, n)
		total += n
	}
	sizes[0] += 4985 - total
	id := int64(1_000_000) // clear of the ids the fixture's rows took
	for d, n := range sizes {
		dep := int64(d + 1_000)
		exec("INSERT INTO departments (id, org_id, name, created_at) VALUES ($1, $2, $3, $4)", dep, f.org.ID, fmt.Sprintf("Service %02d", d), t0)
		for range n {
			id++
			exec("INSERT INTO people (id, org_id, department_id, name, email, role, language, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'staff', 'fr', $6, $6)",
				id, f.org.ID, dep, fmt.Sprintf("Personne %d", id), fmt.Sprintf("p%d@big.example", id), t0)
		}
	}
	for range 15 {
		id++
		exec("INSERT INTO people (id, org_id, name, role, language, created_at, updated_at) VALUES ($1, $2, $3, 'council_member', 'fr', $4, $4)", id, f.org.ID, fmt.Sprintf("Conseil %d", id), t0)
	}
	session := func(sid int64, start time.Time, room string) {
		exec("INSERT INTO sessions (id, uid, org_id, format_slug, title, starts_at, ends_at, location_name, location_room, capacity, language, status, created_at, updated_at) VALUES ($1, $2, $3, $4, 'T', $5, $6, 'Salle du Conseil', $7, 500, 'fr', 'scheduled', $8, $8)",
			sid, fmt.Sprintf("s%d@big", sid), f.org.ID, format, start.UTC(), start.Add(3*time.Hour).UTC(), room, t0)
	}
	session(1_000, time.Date(2026, 6, 2, 8, 0, 0, 0, tz.Zurich), "Annexe")
	session(1_001, time.Date(2027, 12, 20, 8, 0, 0, 0, tz.Zurich), "Annexe")
	for d, n := time.Date(2027, 1, 15, 13, 0, 0, 0, tz.Zurich), int64(1_002); d.Year() == 2027; d, n = d.AddDate(0, 0, 7), n+1 {
		session(n, d, "2e étage")
	}
	for p := int64(1_000_001); p <= id; p++ {
		switch {
		case p%7 == 0:
			exec("INSERT INTO registrations (session_id, person_id, org_id, status, attendance, token, created_at, updated_at) VALUES (1000, $1, $2, 'booked', 'present', $3, $4, $4)", p, f.org.ID, fmt.Sprintf("t%d", p), t0)
		case p%53 == 0:
			exec("INSERT INTO registrations (session_id, person_id, org_id, status, attendance, token, created_at, updated_at) VALUES (1001, $1, $2, 'booked', 'unknown', $3, $4, $4)", p, f.org.ID, fmt.Sprintf("t%d", p), t0)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// bigRequest plans everyone over 2027: two sessions a day on weekdays,
// council evenings on Mondays and Wednesdays.
func bigRequest(format string) campaign.Request {
	r := campaign.Request{Format: format, Audience: campaign.Audience{All: true}, From: "2027-01-11", To: "2027-12-17", Capacity: 12,
		Location: campaign.Location{Name: "Salle du Conseil", Room: "2e étage"}}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		r.Slots = append(r.Slots, campaign.Slot{Weekday: d, Start: "08:30"}, campaign.Slot{Weekday: d, Start: "13:30"})
	}
	r.Slots = append(r.Slots, campaign.Slot{Weekday: "mon", Start: "18:30", Council: true}, campaign.Slot{Weekday: "wed", Start: "18:30", Council: true})
	return r
}

// BenchmarkPropose5000 plans 5,000 people through the domain: loading
// the audience, the trained, the booked and the room, planning, storing
// the plan. Formats: aubonne (mixed) and ucv-consultation (team).
func BenchmarkPropose5000(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		for _, format := range []string{"aubonne", "ucv-consultation"} {
			b.Run(kind+"/"+format, func(b *testing.B) {
				f := newFixture(b, storetest.Fresh(b, kind))
				bigCommune(b, f, format)
				req := bigRequest(format)
				for b.Loop() {
					if _, err := f.svc.Propose(context.Background(), f.hr, req); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestPropose5000 checks the benchmark's plan (everyone placed once or
// unplaced with the right reason, no rule broken) and that planning 5,000
// people on SQLite takes under a second (ten under the race detector).
func TestPropose5000(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ctx := context.Background()
	f := newFixture(t, storetest.Fresh(t, "sqlite"))
	bigCommune(t, f, "aubonne")
	start := time.Now()
	p, err := f.svc.Propose(ctx, f.hr, bigRequest("aubonne"))
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	limit := time.Second
	if raceEnabled {
		limit *= 10
	}
	if took > limit {
		t.Errorf("planning 5,000 people took %v, more than %v", took, limit)
	}
	seen := map[int64]int{}
	placed := 0
	for _, s := range p.Proposal.Sessions {
		placed += len(s.People)
		for _, id := range s.People {
			seen[id]++
		}
		if tz.In(s.Start).Weekday() == time.Friday && tz.In(s.Start).Hour() == 13 {
			t.Errorf("a session on a Friday afternoon, when the room is taken: %s", s.Start)
		}
	}
	reasons := map[string]int{}
	for _, u := range p.Proposal.Unplaced {
		seen[u.PersonID]++
		reasons[string(u.Reason)]++
		switch {
		case u.PersonID%7 == 0 && u.Reason != "trained", u.PersonID%7 != 0 && u.PersonID%53 == 0 && u.Reason != "booked":
			t.Errorf("person %d unplaced as %s", u.PersonID, u.Reason)
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("person %d appears %d times", id, n)
		}
	}
	if len(seen) != 5000 || len(p.Unaccepted()) > 0 {
		t.Errorf("%d people in the plan, violations %v", len(seen), p.Unaccepted())
	}
	t.Logf("5,000 people: %d sessions, %d placed, unplaced %v, in %v", len(p.Proposal.Sessions), placed, reasons, took)
}
