package booking_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// hostStart is when the pooled sessions of these tests start.
var hostStart = time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)

// commune is another commune of the fixture, with its HR.
type commune struct {
	org *store.Org
	hr  access.Caller
}

func (f *fixture) commune(tb testing.TB, slug string) commune {
	tb.Helper()
	ctx := context.Background()
	o := &store.Org{Slug: slug, Name: "Commune " + slug}
	if err := f.store.CreateOrg(ctx, o); err != nil {
		tb.Fatal(err)
	}
	u := &store.User{OrgID: &o.ID, Email: "rh@" + slug + ".example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
	if err := f.store.CreateUser(ctx, u); err != nil {
		tb.Fatal(err)
	}
	return commune{org: o, hr: access.User(u.ID, u.Email, access.RoleHR, o.ID)}
}

// peopleOf creates n people of a commune.
func (f *fixture) peopleOf(tb testing.TB, org *store.Org, n int) []int64 {
	tb.Helper()
	ids := make([]int64, n)
	for i := range n {
		email := fmt.Sprintf("p%d@%s.example", i, org.Slug)
		p := &store.Person{OrgID: org.ID, Name: fmt.Sprintf("%s %03d", org.Slug, i), Email: &email, Role: "staff", Language: "fr"}
		if err := f.store.CreatePerson(context.Background(), p); err != nil {
			tb.Fatal(err)
		}
		ids[i] = p.ID
	}
	return ids
}

func (f *fixture) pooled(tb testing.TB, capacity int, quotas map[string]int) *booking.SessionView {
	tb.Helper()
	in := input("ecublens-collaborateurs", hostStart, "Q")
	in.Capacity, in.Quotas = &capacity, &quotas
	s, err := f.svc.CreateSession(context.Background(), f.hr, in)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// lists reads a session's registrations as the database holds them:
// booked count and waiting positions per commune.
func (f *fixture) lists(tb testing.TB, sessionID int64) (booked map[int64]int, waiting map[int64][]int) {
	tb.Helper()
	rows, err := f.store.RegistrationRows(context.Background(), store.RegistrationFilter{SessionID: sessionID})
	if err != nil {
		tb.Fatal(err)
	}
	booked, waiting = map[int64]int{}, map[int64][]int{}
	for _, r := range rows {
		switch r.Status {
		case store.RegBooked:
			booked[r.OrgID]++
		case store.RegWaitlisted:
			if r.WaitlistScope != r.OrgID {
				tb.Errorf("registration %d of commune %d waits on list %d", r.ID, r.OrgID, r.WaitlistScope)
			}
			waiting[r.OrgID] = append(waiting[r.OrgID], *r.WaitlistPosition)
		}
	}
	for _, ps := range waiting {
		slices.Sort(ps)
	}
	return booked, waiting
}

func positions(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func code(t *testing.T, err error, want apperr.Code, field string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != want {
		t.Fatalf("%v, want %s", err, want)
	}
	if field != "" {
		if _, ok := e.Fields[field]; !ok {
			t.Fatalf("%v does not name %s", err, field)
		}
	}
}

// TestQuotas: each commune books its own people against its own seats
// and waits on its own list, 1..n; a freed seat goes to the head of its
// commune's list; quotas change only as far as the people booked allow.
func TestQuotas(t *testing.T) {
	tr := i18n.MustLoad()
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			b, c := f.commune(t, "aubonne"), f.commune(t, "morges")

			// The rules of the quotas, each refused naming its field.
			capacity, no, yes := 10, false, true
			for name, tc := range map[string]struct {
				quotas map[string]int
				open   *bool
				past   *bool
				field  string
				de     string
			}{
				"unknown commune":  {map[string]int{"nowhere": 2}, nil, nil, "quotas.nowhere", `Unbekannte Gemeinde: «nowhere».`},
				"more than seats":  {map[string]int{"aubonne": 6, "morges": 5}, nil, nil, "quotas", "Die Kontingente ergeben 11 Plätze, die Kapazität beträgt nur 10."},
				"negative":         {map[string]int{"aubonne": -1}, nil, nil, "quotas.aubonne", "Ein Kontingent umfasst 0 bis 500 Plätze."},
				"closed session":   {map[string]int{"aubonne": 2}, &no, nil, "open_to_other_communes", "Eine Veranstaltung mit Kontingenten ist für andere Gemeinden offen."},
				"recorded session": {map[string]int{"aubonne": 2}, nil, &yes, "quotas", "Eine nachträglich erfasste Veranstaltung hat keine Kontingente."},
			} {
				in := input("ecublens-collaborateurs", hostStart, "Q")
				q := tc.quotas
				in.Capacity, in.Quotas, in.OpenToOtherCommunes, in.RecordPast = &capacity, &q, tc.open, tc.past
				_, err := f.svc.CreateSession(ctx, f.hr, in)
				e, ok := apperr.As(err)
				if !ok || e.Code != apperr.CodeValidation || e.Fields[tc.field].Key == "" || tr.Msg("de", e.Fields[tc.field]) != tc.de {
					t.Errorf("%s: %v, want 422 on %s saying %q", name, err, tc.field, tc.de)
				}
			}

			// Ten seats: three for Aubonne, the seven others the host's.
			s := f.pooled(t, 10, map[string]int{"aubonne": 3})
			if !s.OpenToOtherCommunes || len(s.Quotas) != 1 {
				t.Fatalf("pooled session: %+v", s)
			}
			hostPeople, bPeople, cPeople := f.people(t, 8, "host"), f.peopleOf(t, b.org, 5), f.peopleOf(t, c.org, 1)
			if _, err := f.svc.Book(ctx, b.hr, s.ID, booking.BookRequest{PersonIDs: &bPeople}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Book(ctx, f.hr, s.ID, booking.BookRequest{PersonIDs: &hostPeople}); err != nil {
				t.Fatal(err)
			}
			code(t, func() error {
				_, err := f.svc.Book(ctx, c.hr, s.ID, booking.BookRequest{PersonIDs: &cPeople})
				return err
			}(), apperr.CodeConflict, "")
			booked, waiting := f.lists(t, s.ID)
			if booked[b.org.ID] != 3 || booked[f.org.ID] != 7 || !slices.Equal(waiting[b.org.ID], []int{1, 2}) || !slices.Equal(waiting[f.org.ID], []int{1}) {
				t.Fatalf("booked %v, waiting %v", booked, waiting)
			}
			// Each commune's HR sees its own people only; the host, everyone,
			// but of another commune's people no more than their names.
			rows, err := f.svc.Registrations(ctx, b.hr, s.ID)
			if err != nil || len(rows) != 5 {
				t.Fatalf("Aubonne sees %d rows (%v)", len(rows), err)
			}
			rows, _ = f.svc.Registrations(ctx, f.hr, s.ID)
			for _, r := range rows {
				if r.OrgID == b.org.ID && (r.PersonEmail != nil || r.Token != "" || r.PersonName == "") {
					t.Errorf("the host sees of Aubonne's %s: email %v, token %q", r.PersonName, r.PersonEmail, r.Token)
				}
			}
			// Counts per commune: every commune to the host, its own to Aubonne.
			hv, _ := f.svc.Session(ctx, f.hr, s.ID)
			bv, _ := f.svc.Session(ctx, b.hr, s.ID)
			if len(hv.Communes) != 2 || hv.Communes[0].OrgID != f.org.ID || *hv.Communes[0].Seats != 7 || hv.Communes[1].Waitlisted != 2 ||
				len(bv.Communes) != 1 || bv.Communes[0].OrgID != b.org.ID || *bv.Communes[0].Seats != 3 || bv.Communes[0].Booked != 3 {
				t.Errorf("communes: host %+v, Aubonne %+v", hv.Communes, bv.Communes)
			}

			// A seat freed by Aubonne goes to Aubonne's list, not the host's.
			regOf := func(caller access.Caller, person int64) int64 {
				rows, _ := f.svc.Registrations(ctx, caller, s.ID)
				for _, r := range rows {
					if r.PersonID != nil && *r.PersonID == person {
						return r.ID
					}
				}
				t.Fatalf("no registration of %d", person)
				return 0
			}
			if _, err := f.svc.CancelRegistration(ctx, b.hr, regOf(b.hr, bPeople[0])); err != nil {
				t.Fatal(err)
			}
			booked, waiting = f.lists(t, s.ID)
			if booked[b.org.ID] != 3 || !slices.Equal(waiting[b.org.ID], []int{1}) || !slices.Equal(waiting[f.org.ID], []int{1}) {
				t.Fatalf("after Aubonne's cancellation: booked %v, waiting %v", booked, waiting)
			}
			// A host's waiting person who cancels moves nobody of Aubonne.
			if _, err := f.svc.CancelRegistration(ctx, f.hr, regOf(f.hr, hostPeople[7])); err != nil {
				t.Fatal(err)
			}
			if _, waiting = f.lists(t, s.ID); len(waiting[f.org.ID]) != 0 || !slices.Equal(waiting[b.org.ID], []int{1}) {
				t.Fatalf("after the host's waiting cancellation: %v", waiting)
			}

			// Quotas change as far as the people booked allow.
			update := func(in booking.SessionInput) error { _, err := f.svc.UpdateSession(ctx, f.hr, s.ID, in); return err }
			quotas := func(q map[string]int) booking.SessionInput { return booking.SessionInput{Quotas: &q} }
			code(t, update(quotas(map[string]int{"aubonne": 2})), apperr.CodeConflict, "")
			code(t, update(quotas(map[string]int{"morges": 2})), apperr.CodeConflict, "")
			code(t, update(quotas(map[string]int{})), apperr.CodeConflict, "") // Aubonne has someone waiting
			two, five := 2, 5
			code(t, update(booking.SessionInput{Capacity: &two}), apperr.CodeValidation, "capacity") // below Aubonne's 3
			code(t, update(booking.SessionInput{Capacity: &five}), apperr.CodeConflict, "")          // the host has 7 booked
			// Three more seats, one more for Aubonne, two for Morges: Aubonne's
			// first waiting takes the new seat.
			thirteen := 13
			if _, err := f.svc.UpdateSession(ctx, f.hr, s.ID, booking.SessionInput{Capacity: &thirteen, Quotas: &map[string]int{"aubonne": 4, "morges": 2}}); err != nil {
				t.Fatal(err)
			}
			booked, waiting = f.lists(t, s.ID)
			if booked[b.org.ID] != 4 || len(waiting[b.org.ID]) != 0 || booked[f.org.ID] != 7 {
				t.Fatalf("after the quota grew: booked %v, waiting %v", booked, waiting)
			}
			// Morges now books against its two seats; the host keeps seven.
			if _, err := f.svc.Book(ctx, c.hr, s.ID, booking.BookRequest{PersonIDs: &cPeople}); err != nil {
				t.Fatal(err)
			}
			code(t, update(quotas(map[string]int{"aubonne": 4})), apperr.CodeConflict, "") // Morges has someone booked
			regs, err := f.svc.Book(ctx, f.hr, s.ID, booking.BookRequest{PersonIDs: &[]int64{hostPeople[7]}})
			if err != nil || regs[0].Status != store.RegWaitlisted || *regs[0].WaitlistPosition != 1 {
				t.Errorf("the host's eighth: %v %+v", err, regs)
			}
			var hist []string
			entries, _ := f.store.SessionHistory(ctx, s.ID, false, 0)
			for _, e := range entries {
				hist = append(hist, e.Action)
			}
			if !slices.Contains(hist, "quotas_changed") || !slices.Contains(hist, "capacity_changed") {
				t.Errorf("history %v", hist)
			}
		})
	}
}

// TestQuotaStorm: two communes book their people one by one, all at once,
// into a session with quotas: no commune is ever over its seats, and each
// commune's waiting list is exactly 1..n.
func TestQuotaStorm(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			b := f.commune(t, "aubonne")
			s := f.pooled(t, 12, map[string]int{"aubonne": 5})
			const n = 40
			hostPeople, bPeople := f.people(t, n, "host"), f.peopleOf(t, b.org, n)
			var wg sync.WaitGroup
			errs := make(chan error, 2*n)
			start := make(chan struct{})
			for i := range n {
				for _, job := range []struct {
					who    access.Caller
					person int64
				}{{f.hr, hostPeople[i]}, {b.hr, bPeople[i]}} {
					wg.Go(func() {
						<-start
						if _, err := f.svc.Book(ctx, job.who, s.ID, booking.BookRequest{PersonID: &job.person}); err != nil {
							errs <- err
						}
					})
				}
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("booking failed: %v", err)
			}
			booked, waiting := f.lists(t, s.ID)
			if booked[f.org.ID] != 7 || booked[b.org.ID] != 5 {
				t.Errorf("booked %v, want 7 for the host and 5 for Aubonne", booked)
			}
			if !slices.Equal(waiting[f.org.ID], positions(n-7)) || !slices.Equal(waiting[b.org.ID], positions(n-5)) {
				t.Errorf("waiting lists %v", waiting)
			}
			// Cancelling from both lists at once keeps them contiguous and
			// fills each commune's seats from its own list.
			rowsOf := func(caller access.Caller) []store.RegistrationRow {
				rows, err := f.svc.Registrations(ctx, caller, s.ID)
				if err != nil {
					t.Fatal(err)
				}
				return rows
			}
			var cancel []struct {
				who access.Caller
				id  int64
			}
			for _, who := range []access.Caller{f.hr, b.hr} {
				for i, r := range rowsOf(who) {
					if r.OrgID == who.OrgID && i%3 == 0 {
						cancel = append(cancel, struct {
							who access.Caller
							id  int64
						}{who, r.ID})
					}
				}
			}
			for _, c := range cancel {
				wg.Go(func() {
					if _, err := f.svc.CancelRegistration(ctx, c.who, c.id); err != nil {
						t.Errorf("cancel: %v", err)
					}
				})
			}
			wg.Wait()
			booked, waiting = f.lists(t, s.ID)
			for org, seats := range map[int64]int{f.org.ID: 7, b.org.ID: 5} {
				left := 0
				for _, r := range rowsOf(f.hr) {
					if r.OrgID == org && r.Status != store.RegCancelled {
						left++
					}
				}
				if booked[org] != min(seats, left) || !slices.Equal(waiting[org], positions(left-booked[org])) {
					t.Errorf("commune %d after cancellations: %d booked of %d seats, %d left, waiting %v", org, booked[org], seats, left, waiting[org])
				}
			}
		})
	}
}
