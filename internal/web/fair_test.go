package web

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// TestFairAudienceBooking: booking an audience larger than the free seats
// gives them first to people not yet trained, turn by turn across
// services, by a draw whose seed is in the history — never alphabetically;
// a dry run says how many get a seat and writes nothing.
func TestFairAudienceBooking(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		var deps []int64
		for _, name := range []string{"Écoles", "Finances", "Travaux"} {
			var d departmentJSON
			mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/departments", map[string]string{"name": name}), &d)
			deps = append(deps, d.ID)
		}
		byDep := map[int64][]int64{}
		for _, d := range deps {
			byDep[d] = a.addPeople(a.orgA, 4, "staff", &d)
		}
		// Two of Écoles were trained in a session held before.
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		past := a.createSession(hrAEmail, sessionBody(f.Slug, start, 10))
		trained := byDep[deps[0]][:2]
		for _, r := range a.book(hrAEmail, past.ID, map[string]any{"person_ids": trained}).Registrations {
			a.setNow(start.Add(-10 * time.Minute))
			if res := a.as(hrAEmail, "PUT", fmt.Sprintf("/api/v1/registrations/%d/attendance", r.ID), map[string]string{"status": "present"}); res.Code != 200 {
				t.Fatalf("mark: %d %s", res.Code, res.Body)
			}
		}
		a.setNow(start.Add(7 * 24 * time.Hour))
		s := a.createSession(hrAEmail, sessionBody(f.Slug, start.Add(14*24*time.Hour), 3))
		path := fmt.Sprintf("/api/v1/sessions/%d/registrations", s.ID)
		var dry struct{ Booked, Waitlisted, Unchanged int }
		res := a.as(hrAEmail, "POST", path+"?dry_run=true", map[string]any{"audience": map[string]string{"role": "staff"}})
		mustJSON(t, res, &dry)
		if res.Code != 200 || dry.Booked != 3 || dry.Waitlisted != 9 {
			t.Fatalf("dry run: %d %+v", res.Code, dry)
		}
		if n := a.count("registrations"); n != 2 {
			t.Fatalf("the dry run wrote: %d registrations", n)
		}
		got := a.book(hrAEmail, s.ID, map[string]any{"audience": map[string]string{"role": "staff"}}).Registrations
		var seated []int64
		for _, r := range got {
			if r.Status == "booked" {
				seated = append(seated, *r.PersonID)
			}
		}
		// One seat per service, none to the two already trained.
		for _, d := range deps {
			n := 0
			for _, p := range seated {
				if slices.Contains(byDep[d], p) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("service %d got %d seats of %v", d, n, seated)
			}
		}
		for _, p := range trained {
			if slices.Contains(seated, p) {
				t.Errorf("a trained person got a seat before the untrained: %d", p)
			}
		}
		// The trained come last on the waiting list.
		if last := *got[len(got)-1].PersonID; !slices.Contains(trained, last) {
			t.Errorf("the last waiting should be trained: %d", last)
		}
		// The history tells the draw, and the seed replays the order.
		var hist []auditJSON
		mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil), &hist)
		var seed uint64
		for _, e := range hist {
			if e.Action == "audience_drawn" {
				seed, _ = strconv.ParseUint(fmt.Sprint(e.Details["seed"]), 10, 64)
			}
		}
		if seed == 0 {
			t.Fatalf("no draw in the history: %+v", hist)
		}
		var cands []booking.Candidate
		for _, d := range deps {
			for _, p := range byDep[d] {
				cands = append(cands, booking.Candidate{PersonID: p, DepartmentID: d, Attended: slices.Contains(trained, p)})
			}
		}
		var order []int64
		for _, r := range got {
			order = append(order, *r.PersonID)
		}
		if replay := booking.FairOrder(cands, seed); !slices.Equal(replay, order) {
			t.Errorf("the seed does not replay the order:\n%v\n%v", replay, order)
		}
		// Not alphabetical: people were created in name order.
		var all []int64
		for _, d := range deps {
			all = append(all, byDep[d]...)
		}
		if slices.Equal(order, all) {
			t.Error("the order is the alphabetical one")
		}
	})
}
