package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// planAnswer is a plan as the API answers it.
type planAnswer struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"`
	Changed  bool   `json:"changed"`
	Sessions []struct {
		Index     int            `json:"index"`
		StartsAt  time.Time      `json:"starts_at"`
		EndsAt    time.Time      `json:"ends_at"`
		Council   bool           `json:"council"`
		People    []int64        `json:"people"`
		ByService map[string]int `json:"by_service"`
	} `json:"sessions"`
	Unplaced []struct {
		PersonID int64  `json:"person_id"`
		Reason   string `json:"reason"`
		Message  string `json:"message"`
	} `json:"unplaced"`
	Warnings []struct {
		ID        string `json:"id"`
		Code      string `json:"code"`
		Violation bool   `json:"violation"`
		Accepted  bool   `json:"accepted"`
		Message   string `json:"message"`
	} `json:"warnings"`
	Totals struct {
		Sessions, Bookings, Mailed int
	} `json:"totals"`
	SessionIDs []int64 `json:"session_ids"`
}

// violations lists the IDs of the broken rules, and those not accepted.
func (p planAnswer) violations() (all, open []string) {
	for _, w := range p.Warnings {
		if w.Violation {
			all = append(all, w.ID)
			if !w.Accepted {
				open = append(open, w.ID)
			}
		}
	}
	return all, open
}

// where says which session holds person id: its index, -1 when unplaced
// (with the reason), -2 when nowhere.
func (p planAnswer) where(id int64) (int, string) {
	for _, s := range p.Sessions {
		if slices.Contains(s.People, id) {
			return s.Index, ""
		}
	}
	for _, u := range p.Unplaced {
		if u.PersonID == id {
			return -1, u.Reason
		}
	}
	return -2, ""
}

func (a *app) planCall(email, method, path string, body any, want int) planAnswer {
	a.t.Helper()
	res := a.as(email, method, path, body)
	if res.Code != want {
		a.t.Fatalf("%s %s: %d, want %d: %s", method, path, res.Code, want, res.Body)
	}
	var out planAnswer
	mustJSON(a.t, res, &out)
	return out
}

// commune is a generated commune: services of the given sizes (staff and
// a head each), council members, people by id with their service and role.
type commune struct {
	services []int64
	dept     map[int64]int64 // person → service (0: none)
	role     map[int64]string
	all      []int64
}

func (a *app) generateCommune(org *store.Org, sizes []int, council int) *commune {
	a.t.Helper()
	ctx := context.Background()
	c := &commune{dept: map[int64]int64{}, role: map[int64]string{}}
	for i, n := range sizes {
		d := &store.Department{OrgID: org.ID, Name: fmt.Sprintf("Service %c", 'A'+i)}
		if err := a.store.CreateDepartment(ctx, d); err != nil {
			a.t.Fatal(err)
		}
		c.services = append(c.services, d.ID)
		for k, id := range append(a.addPeople(org, 1, "head_of_service", &d.ID), a.addPeople(org, n-1, "staff", &d.ID)...) {
			c.dept[id], c.role[id] = d.ID, "staff"
			if k == 0 {
				c.role[id] = "head_of_service"
			}
			c.all = append(c.all, id)
		}
	}
	for _, id := range a.addPeople(org, council, "council_member", nil) {
		c.dept[id], c.role[id] = 0, "council_member"
		c.all = append(c.all, id)
	}
	return c
}

// checkPlanRules checks every rule of the issue on a stored proposal.
func checkPlanRules(t *testing.T, p planAnswer, c *commune, capacity int, share float64, busy [][2]time.Time, left map[int64]string) {
	t.Helper()
	seen := map[int64]int{}
	size := map[int64]int{}
	for _, id := range c.all {
		size[c.dept[id]]++
	}
	for i, s := range p.Sessions {
		if len(s.People) > capacity {
			t.Errorf("session %d: %d people for %d seats", i, len(s.People), capacity)
		}
		per := map[int64]int{}
		for _, id := range s.People {
			seen[id]++
			per[c.dept[id]]++
			if (c.role[id] == "council_member") != s.Council {
				t.Errorf("session %d (council %t) holds %d, a %s", i, s.Council, id, c.role[id])
			}
		}
		for d, n := range per {
			if limit := max(1, int(math.Floor(share*float64(size[d])+1e-9))); d != 0 && n > limit {
				t.Errorf("session %d: %d of service %d (of %d), limit %d", i, n, d, size[d], limit)
			}
			if d != 0 && fmt.Sprint(s.ByService[fmt.Sprint(d)]) != fmt.Sprint(n) {
				t.Errorf("session %d: by_service %v, counted %v", i, s.ByService, per)
			}
		}
		for j, o := range p.Sessions[:i] {
			if s.StartsAt.Before(o.EndsAt) && o.StartsAt.Before(s.EndsAt) {
				t.Errorf("sessions %d and %d overlap", j, i)
			}
		}
		for _, b := range busy {
			if s.StartsAt.Before(b[1]) && b[0].Before(s.EndsAt) {
				t.Errorf("session %d takes the room at %s, already used", i, s.StartsAt)
			}
		}
	}
	for _, u := range p.Unplaced {
		seen[u.PersonID]++
		if want, ok := left[u.PersonID]; ok && u.Reason != want {
			t.Errorf("person %d unplaced as %s, want %s", u.PersonID, u.Reason, want)
		}
		if u.Message == "" {
			t.Errorf("unplaced %d without a message", u.PersonID)
		}
	}
	for _, id := range c.all {
		if seen[id] != 1 {
			t.Errorf("person %d appears %d times", id, seen[id])
		}
		if reason, ok := left[id]; ok {
			if where, got := p.where(id); where != -1 || got != reason {
				t.Errorf("person %d: in %d (%s), want unplaced as %s", id, where, got, reason)
			}
		}
	}
	if all, _ := p.violations(); len(all) > 0 {
		t.Errorf("a fresh proposal breaks rules: %v", all)
	}
}

// TestPlanAPI walks the API end to end on a generated commune: propose,
// check every rule, move, remove, accept, confirm; the sessions, bookings,
// invitations and history are exactly the plan's; confirming again and
// confirming after the commune changed answer 409.
func TestPlanAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		c := a.generateCommune(a.orgA, []int{7, 5, 4, 3}, 3)
		a.generateCommune(a.orgB, []int{4}, 0) // another commune's people never show
		f, _ := a.srv.svc.Catalog.Format("aubonne")
		if f.Grouping != catalog.GroupMixed {
			t.Fatal("aubonne is mixed")
		}
		// Someone trained on the format already (recorded after the fact),
		// someone booked in a coming session of it (in another room).
		past := sessionBody("aubonne", time.Date(2026, 2, 10, 13, 30, 0, 0, tz.Zurich), 5)
		past["record_past"] = true
		held := a.createSession(hrAEmail, past)
		trained, booked := c.all[1], c.all[2]
		a.book(hrAEmail, held.ID, map[string]any{"person_id": trained})
		coming := a.createSession(hrAEmail, inRoom(sessionBody("aubonne", time.Date(2026, 5, 5, 8, 0, 0, 0, tz.Zurich), 5), "Annexe"))
		a.book(hrAEmail, coming.ID, map[string]any{"person_id": booked})
		// The room is taken on the first Tuesday afternoon.
		taken := a.createSession(hrAEmail, sessionBody("yverdon-cadres", time.Date(2026, 3, 10, 14, 0, 0, 0, tz.Zurich), 5))

		body := map[string]any{
			"format": "aubonne", "audience": map[string]any{"all": true}, "from": "2026-03-09", "to": "2026-04-30",
			"slots":    []map[string]any{{"weekday": "tue", "start": "13:30"}, {"weekday": "thu", "start": "08:30"}, {"weekday": "mon", "start": "18:30", "council": true}},
			"capacity": 6, "location": map[string]string{"name": "Salle du Conseil", "address": "Place de l’Hôtel-de-Ville 1, 1400 Yverdon-les-Bains", "room": "2e étage"},
			"max_share_of_service": 0.5,
		}
		p := a.planCall(hrAEmail, "POST", "/api/v1/plans", body, http.StatusCreated)
		if p.Status != "proposed" || p.Changed || len(p.Sessions) == 0 {
			t.Fatalf("proposal: %+v", p)
		}
		busy := [][2]time.Time{{taken.StartsAt, taken.EndsAt}}
		left := map[int64]string{trained: "trained", booked: "booked"}
		// Stored: read back, the same rules hold.
		p = a.planCall(hrAEmail, "GET", fmt.Sprintf("/api/v1/plans/%d", p.ID), nil, 200)
		checkPlanRules(t, p, c, 6, 0.5, busy, left)
		for _, s := range p.Sessions {
			t.Logf("session %d: %s council=%t %v %v", s.Index, s.StartsAt.Format("Mon 02.01 15:04"), s.Council, s.People, s.ByService)
		}
		if n := a.count("sessions"); n != 3 {
			t.Fatalf("a proposal booked something: %d sessions", n)
		}

		// Move someone of a big service into another session: it breaks a
		// rule, which confirming refuses until it is accepted.
		mover := c.all[0]
		from, _ := p.where(mover)
		to := (from + 1) % len(p.Sessions)
		for p.Sessions[to].Council {
			to = (to + 1) % len(p.Sessions)
		}
		for _, id := range c.all[3:7] { // more of service A into the same session
			if w, _ := p.where(id); w >= 0 && w != to {
				p = a.planCall(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"move": map[string]any{"person_id": id, "to_session": to}}, 200)
			}
		}
		p = a.planCall(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"move": map[string]any{"person_id": mover, "to_session": to}}, 200)
		if w, _ := p.where(mover); w != to {
			t.Fatalf("moved to %d, want %d", w, to)
		}
		all, open := p.violations()
		t.Logf("after the moves: %v", all)
		if len(open) == 0 {
			t.Fatalf("the moves break no rule: %+v", p.Warnings)
		}
		res := a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/plans/%d/confirm", p.ID), nil)
		var refused struct{ Plan planAnswer }
		if res.Code != http.StatusConflict {
			t.Fatalf("confirm with violations: %d %s", res.Code, res.Body)
		}
		mustJSON(t, res, &refused)
		if refused.Plan.ID != p.ID || !strings.Contains(res.Body.String(), `"code":"conflict"`) {
			t.Errorf("409 without the plan: %s", res.Body)
		}
		if n := a.count("sessions"); n != 3 {
			t.Fatalf("a refused confirmation created sessions: %d", n)
		}
		// Unknown and informational warnings cannot be accepted.
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"accept": []string{"over_capacity:s99"}}), 422, "validation", "accept[0]")
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"accept": all, "remove_session": 0}), 422, "validation", "edit")
		p = a.planCall(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"accept": all}, 200)
		if _, open := p.violations(); len(open) != 0 {
			t.Fatalf("accepted, still open: %v", open)
		}

		// Remove the last staff session: its people are placed again or
		// listed without a place; the rules are checked again.
		last := -1
		for _, s := range p.Sessions {
			if !s.Council && !slices.Contains(s.People, mover) {
				last = s.Index
			}
		}
		removed := p.Sessions[last].People
		before := len(p.Sessions)
		p = a.planCall(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"remove_session": last}, 200)
		if len(p.Sessions) != before-1 {
			t.Fatalf("%d sessions after removing one of %d", len(p.Sessions), before)
		}
		for _, id := range removed {
			if w, reason := p.where(id); w == -2 || (w == -1 && reason != "no_room") {
				t.Errorf("person %d of the removed session: %d %q", id, w, reason)
			}
		}
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"remove_session": 42}), 422, "validation", "remove_session")
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"move": map[string]any{"person_id": 999999, "to_session": 0}}), 422, "validation", "move.person_id")
		// Out of the plan, and back in.
		p = a.planCall(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"move": map[string]any{"person_id": c.all[10], "to_session": nil}}, 200)
		if w, reason := p.where(c.all[10]); w != -1 || reason != "excluded" {
			t.Errorf("taken out: %d %s", w, reason)
		}
		all, open = p.violations()
		if len(open) > 0 {
			p = a.planCall(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"accept": all}, 200)
		}

		// Confirm: the sessions and bookings are exactly the plan's.
		confirmed := a.planCall(hrAEmail, "POST", fmt.Sprintf("/api/v1/plans/%d/confirm", p.ID), nil, 200)
		if confirmed.Status != "confirmed" || len(confirmed.SessionIDs) != len(p.Sessions) {
			t.Fatalf("confirmed: %+v", confirmed)
		}
		mailed := 0
		for i, sid := range confirmed.SessionIDs {
			want := p.Sessions[i]
			s := a.session(hrAEmail, sid)
			if !s.StartsAt.Equal(want.StartsAt) || !s.EndsAt.Equal(want.EndsAt) || s.Location.Room != "2e étage" || s.Format != "aubonne" {
				t.Errorf("session %d: %+v, want %s–%s", i, s, want.StartsAt, want.EndsAt)
			}
			if _, off := s.StartsAt.Zone(); off != 3600 && off != 7200 {
				t.Errorf("session %d not in Zurich time: %s", i, s.StartsAt)
			}
			var got []int64
			for _, r := range a.registrations(hrAEmail, sid) {
				if r.Status != "booked" {
					t.Errorf("session %d: %+v", i, r)
				}
				got = append(got, *r.PersonID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want.People) {
				t.Errorf("session %d books %v, the plan says %v", i, got, want.People)
			}
			var mails []outboxJSON
			mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/outbox?session_id=%d", sid), nil), &mails)
			if len(mails) != len(want.People) {
				t.Errorf("session %d: %d mails for %d people", i, len(mails), len(want.People))
			}
			for _, m := range mails {
				if m.Kind != "booked" || m.CalendarMethod != "REQUEST" {
					t.Errorf("mail %+v", m)
				}
			}
			mailed += len(mails)
			var history []auditJSON
			mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", sid), nil), &history)
			planned := false
			for _, e := range history {
				if e.Action == "planned" && fmt.Sprint(e.Details["plan_id"]) == fmt.Sprint(p.ID) {
					planned = true
				}
				if e.Action == "session_created" && fmt.Sprint(e.Details["plan_id"]) != fmt.Sprint(p.ID) {
					t.Errorf("session_created without the plan: %+v", e)
				}
			}
			if !planned {
				t.Errorf("session %d's history does not record the plan: %+v", i, history)
			}
		}
		if mailed != confirmed.Totals.Mailed || confirmed.Totals.Bookings != mailed {
			t.Errorf("totals %+v, %d mails", confirmed.Totals, mailed)
		}
		// Once: confirming again, or editing, is a conflict.
		expectError(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/plans/%d/confirm", p.ID), nil), 409, "conflict")
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/plans/%d", p.ID), map[string]any{"accept": []string{}}), 409, "conflict")
		if got := a.planCall(hrAEmail, "GET", fmt.Sprintf("/api/v1/plans/%d", p.ID), nil, 200); !slices.Equal(got.SessionIDs, confirmed.SessionIDs) || got.Status != "confirmed" {
			t.Errorf("read back: %+v", got)
		}

		// Another plan; the commune changes before it is confirmed.
		body["format"], body["from"], body["to"] = "ecublens-collaborateurs", "2026-05-01", "2026-06-30"
		body["slots"] = []map[string]any{{"weekday": "wed", "start": "08:30"}}
		q := a.planCall(hrAEmail, "POST", "/api/v1/plans", body, http.StatusCreated)
		newcomer := a.addPeople(a.orgA, 1, "staff", &c.services[0])[0]
		if got := a.planCall(hrAEmail, "GET", fmt.Sprintf("/api/v1/plans/%d", q.ID), nil, 200); !got.Changed {
			t.Error("the plan does not say the commune changed")
		}
		res = a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/plans/%d/confirm", q.ID), nil)
		if res.Code != http.StatusConflict {
			t.Fatalf("confirm after a change: %d %s", res.Code, res.Body)
		}
		var changed struct{ Plan planAnswer }
		mustJSON(t, res, &changed)
		if w, _ := changed.Plan.where(newcomer); w < 0 || changed.Plan.Changed {
			t.Errorf("the new proposal lacks the newcomer: %d %+v", w, changed.Plan)
		}
		// The new proposal is the plan now: confirming it works.
		if n := a.count("plan_sessions"); n != int64(len(confirmed.SessionIDs)) {
			t.Errorf("%d plan sessions", n)
		}
		done := a.planCall(hrAEmail, "POST", fmt.Sprintf("/api/v1/plans/%d/confirm", q.ID), nil, 200)
		if w, _ := done.where(newcomer); w < 0 {
			t.Error("the newcomer is not booked")
		}
		// Someone trained meanwhile is a change too.
		r := a.planCall(hrAEmail, "POST", "/api/v1/plans", map[string]any{
			"format": "equipe-service", "audience": map[string]any{"department_id": c.services[1]}, "from": "2026-07-01", "to": "2026-07-31",
			"slots": []map[string]any{{"weekday": "fri", "start": "08:00"}}, "capacity": 12, "location": map[string]string{"name": "Salle du Conseil"},
		}, http.StatusCreated)
		if len(r.Sessions) != 1 || len(r.Sessions[0].People) != 5 {
			t.Fatalf("a team of 5: %+v", r.Sessions)
		}
		rec := sessionBody("equipe-service", time.Date(2026, 2, 20, 8, 0, 0, 0, tz.Zurich), 5)
		rec["record_past"] = true
		a.book(hrAEmail, a.createSession(hrAEmail, rec).ID, map[string]any{"person_id": r.Sessions[0].People[0]})
		expectError(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/plans/%d/confirm", r.ID), nil), 409, "conflict")
	})
}

// TestPlanRequestErrors: what is wrong with a request is a 422 naming the
// JSON field.
func TestPlanRequestErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		a.generateCommune(a.orgA, []int{3}, 1)
		b := a.generateCommune(a.orgB, []int{3}, 0)
		base := func() map[string]any {
			return map[string]any{"format": "aubonne", "audience": map[string]any{"all": true}, "from": "2026-03-09", "to": "2026-04-30",
				"slots": []map[string]any{{"weekday": "tue", "start": "13:30"}}, "capacity": 12, "location": map[string]string{"name": "Salle"}}
		}
		cases := map[string]struct {
			change func(m map[string]any)
			field  string
		}{
			"unknown format":            {func(m map[string]any) { m["format"] = "nope" }, "format"},
			"bad weekday":               {func(m map[string]any) { m["slots"] = []map[string]any{{"weekday": "mardi", "start": "13:30"}} }, "slots[0].weekday"},
			"bad clock":                 {func(m map[string]any) { m["slots"] = []map[string]any{{"weekday": "tue", "start": "25:00"}} }, "slots[0].start"},
			"window backwards":          {func(m map[string]any) { m["to"] = "2026-03-01" }, "to"},
			"bad date":                  {func(m map[string]any) { m["from"] = "9 mars" }, "from"},
			"no place":                  {func(m map[string]any) { m["location"] = map[string]string{"name": " "} }, "location.name"},
			"capacity 0":                {func(m map[string]any) { m["capacity"] = 0 }, "capacity"},
			"share 0":                   {func(m map[string]any) { m["max_share_of_service"] = 0 }, "max_share_of_service"},
			"share above 1":             {func(m map[string]any) { m["max_share_of_service"] = 1.5 }, "max_share_of_service"},
			"slots and starts":          {func(m map[string]any) { m["starts"] = []string{"2026-03-10T13:30:00+01:00"} }, "slots"},
			"a bad start":               {func(m map[string]any) { delete(m, "slots"); m["starts"] = []string{"demain"} }, "starts[0]"},
			"another commune's service": {func(m map[string]any) { m["audience"] = map[string]any{"department_id": b.services[0]} }, "audience.department_id"},
			"all and a role":            {func(m map[string]any) { m["audience"] = map[string]any{"all": true, "role": "staff"} }, "audience"},
			"nobody":                    {func(m map[string]any) { m["audience"] = map[string]any{"role": "municipal_secretary"} }, "audience"},
		}
		for name, tc := range cases {
			m := base()
			tc.change(m)
			t.Run(name, func(t *testing.T) {
				expectError(t, a.as(hrAEmail, "POST", "/api/v1/plans", m), 422, "validation", tc.field)
			})
		}
		// Explicit starts, one of them for the council, as strings or objects.
		m := base()
		delete(m, "slots")
		m["starts"] = []any{"2026-03-10T13:30:00+01:00", map[string]any{"at": "2026-03-11T18:30:00+01:00", "council": true}}
		p := a.planCall(hrAEmail, "POST", "/api/v1/plans", m, http.StatusCreated)
		if len(p.Sessions) != 2 || !p.Sessions[0].StartsAt.Equal(time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)) || !p.Sessions[1].Council {
			t.Errorf("starts: %+v", p.Sessions)
		}
		if n := a.count("plans"); n != 1 {
			t.Errorf("%d plans stored after refusals", n)
		}
	})
}

// TestPlanAccess: a plan belongs to its commune.
func TestPlanAccess(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		a.generateCommune(a.orgA, []int{4}, 0)
		body := map[string]any{"format": "aubonne", "audience": map[string]any{"all": true}, "from": "2026-03-09", "to": "2026-04-30",
			"slots": []map[string]any{{"weekday": "tue", "start": "13:30"}}, "capacity": 12, "location": map[string]string{"name": "Salle"}}
		p := a.planCall(hrAEmail, "POST", "/api/v1/plans", body, http.StatusCreated)
		path := fmt.Sprintf("/api/v1/plans/%d", p.ID)
		for _, tc := range []struct {
			who, method, path string
			body              any
			status            int
		}{
			{hrBEmail, "GET", path, nil, 404},
			{hrBEmail, "PATCH", path, map[string]any{"accept": []string{}}, 404},
			{hrBEmail, "POST", path + "/confirm", nil, 404},
			{trainerAEmail, "GET", path, nil, 403},
			{trainerAEmail, "POST", "/api/v1/plans", body, 403},
			{trainerAEmail, "POST", path + "/confirm", nil, 403},
			{adminEmail, "GET", path, nil, 403},
		} {
			if res := a.as(tc.who, tc.method, tc.path, tc.body); res.Code != tc.status {
				t.Errorf("%s %s %s: %d, want %d", tc.who, tc.method, tc.path, res.Code, tc.status)
			}
		}
		if res := a.as(hrAEmail, "GET", "/api/v1/plans/999999", nil); res.Code != 404 {
			t.Errorf("no such plan: %d", res.Code)
		}
		if n := a.count("sessions"); n != 0 {
			t.Errorf("refused confirmations created %d sessions", n)
		}
	})
}
