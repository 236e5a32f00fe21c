package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// voluntaryFormat and mandatoryFormat pick formats of the real catalogue.
func pickFormat(t testing.TB, a *app, p catalog.Participation) *catalog.Format {
	t.Helper()
	for _, f := range a.srv.svc.Catalog.Formats() {
		if f.Participation == p {
			return f
		}
	}
	t.Fatalf("no %s format in the catalogue", p)
	return nil
}

// addPeople creates n people of org directly in the store.
func (a *app) addPeople(org *store.Org, n int, role string, dep *int64) []int64 {
	a.t.Helper()
	ids := make([]int64, n)
	for i := range n {
		a.seq++
		email := fmt.Sprintf("p%d@%s.example", a.seq, org.Slug)
		p := &store.Person{OrgID: org.ID, Name: fmt.Sprintf("Personne %03d %s", a.seq-1, role), Email: &email, Role: role, Language: "fr", DepartmentID: dep}
		if err := a.store.CreatePerson(context.Background(), p); err != nil {
			a.t.Fatal(err)
		}
		ids[i] = p.ID
	}
	return ids
}

// createSession schedules a session as email and returns it.
func (a *app) createSession(email string, body map[string]any) sessionJSON {
	a.t.Helper()
	res := a.as(email, "POST", "/api/v1/sessions", body)
	if res.Code != http.StatusCreated {
		a.t.Fatalf("create session: %d %s", res.Code, res.Body)
	}
	var s sessionJSON
	mustJSON(a.t, res, &s)
	return s
}

func (a *app) session(email string, id int64) sessionJSON {
	a.t.Helper()
	var s sessionJSON
	res := a.as(email, "GET", fmt.Sprintf("/api/v1/sessions/%d", id), nil)
	if res.Code != 200 {
		a.t.Fatalf("get session: %d %s", res.Code, res.Body)
	}
	mustJSON(a.t, res, &s)
	return s
}

func (a *app) registrations(email string, id int64) []registrationJSON {
	a.t.Helper()
	var out []registrationJSON
	res := a.as(email, "GET", fmt.Sprintf("/api/v1/sessions/%d/registrations", id), nil)
	if res.Code != 200 {
		a.t.Fatalf("registrations: %d %s", res.Code, res.Body)
	}
	mustJSON(a.t, res, &out)
	return out
}

type bookAnswer struct {
	Registrations []registrationJSON `json:"registrations"`
}

func (a *app) book(email string, sessionID int64, body any) bookAnswer {
	a.t.Helper()
	res := a.as(email, "POST", fmt.Sprintf("/api/v1/sessions/%d/registrations", sessionID), body)
	if res.Code != http.StatusCreated {
		a.t.Fatalf("book: %d %s", res.Code, res.Body)
	}
	var out bookAnswer
	mustJSON(a.t, res, &out)
	return out
}

func sessionBody(format string, start time.Time, capacity int) map[string]any {
	return map[string]any{
		"format": format, "starts_at": start.Format(time.RFC3339), "capacity": capacity,
		"location": map[string]string{"name": "Salle du Conseil", "address": "Place de l’Hôtel-de-Ville 1, 1400 Yverdon-les-Bains", "room": "2e étage"},
	}
}

// inRoom puts a session body in another room of the same place, so that
// tests can hold two sessions at once.
func inRoom(body map[string]any, room string) map[string]any {
	loc := body["location"].(map[string]string)
	body["location"] = map[string]string{"name": loc["name"], "address": loc["address"], "room": room}
	return body
}

func TestCreateSession(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, start, 12))
		if !s.EndsAt.Equal(start.Add(time.Duration(f.DurationMinutes)*time.Minute)) || s.Title != f.Title || s.Status != "scheduled" || s.Sequence != 0 {
			t.Errorf("defaults: %+v", s)
		}
		if _, off := s.StartsAt.Zone(); off != 3600 || !strings.Contains(s.UID, "@atelier.example") || s.Language != "fr" {
			t.Errorf("zurich offset, uid, language: %+v", s)
		}
		// Summer time gives +02:00.
		summer := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 6, 10, 9, 0, 0, 0, tz.Zurich), 5))
		if _, off := summer.StartsAt.Zone(); off != 7200 {
			t.Errorf("summer offset %d", off)
		}
		// In the past: refused, unless it records a training already held.
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/sessions", map[string]any{
			"format": f.Slug, "starts_at": "2025-11-04T08:30:00+01:00", "location": map[string]string{"name": "Aula"}, "capacity": 20,
		}), 422, "validation", "starts_at")
		var trainer userJSON
		for _, u := range a.users(hrAEmail) {
			if u.Email == trainerAEmail {
				trainer = u
			}
		}
		past := a.createSession(hrAEmail, map[string]any{
			"format": f.Slug, "starts_at": "2025-11-04T08:30:00+01:00", "ends_at": "2025-11-04T12:00:00+01:00",
			"location": map[string]string{"name": "Aula"}, "capacity": 20, "title": "Séance spéciale", "language": "de",
			"registration_deadline": "2025-11-01T12:00:00+01:00", "trainers": []int64{trainer.ID}, "open_to_other_communes": true,
			"record_past": true,
		})
		if past.Title != "Séance spéciale" || past.Language != "de" || !past.OpenToOtherCommunes || len(past.Trainers) != 1 || past.RegistrationDeadline == nil {
			t.Errorf("full create: %+v", past)
		}

		sessions := a.count("sessions")
		cases := map[string]struct {
			mutate func(b map[string]any)
			fields []string
		}{
			"end before start":     {func(b map[string]any) { b["ends_at"] = "2026-03-10T12:00:00+01:00" }, []string{"ends_at"}},
			"zero capacity":        {func(b map[string]any) { b["capacity"] = 0 }, []string{"capacity"}},
			"negative capacity":    {func(b map[string]any) { b["capacity"] = -3 }, []string{"capacity"}},
			"capacity above 500":   {func(b map[string]any) { b["capacity"] = 501 }, []string{"capacity"}},
			"unknown format":       {func(b map[string]any) { b["format"] = "no-such-format" }, []string{"format"}},
			"start not rfc 3339":   {func(b map[string]any) { b["starts_at"] = "10.03.2026 13:30" }, []string{"starts_at"}},
			"deadline after start": {func(b map[string]any) { b["registration_deadline"] = "2026-03-11T00:00:00+01:00" }, []string{"registration_deadline"}},
			"missing everything":   {func(b map[string]any) { clear(b) }, []string{"format", "starts_at", "capacity", "location.name"}},
			"trainer of b":         {func(b map[string]any) { b["trainers"] = []int64{999999} }, []string{"trainers"}},
			"bad language":         {func(b map[string]any) { b["language"] = "en" }, []string{"language"}},
			"place with only crlf": {func(b map[string]any) { b["location"] = map[string]string{"name": "\r\n"} }, []string{"location.name"}},
		}
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				b := sessionBody(f.Slug, start, 12)
				tc.mutate(b)
				e := expectError(t, a.as(hrAEmail, "POST", "/api/v1/sessions", b), 422, "validation", tc.fields...)
				for _, msg := range e.Error.Fields {
					if strings.Contains(msg, "err.") {
						t.Errorf("untranslated message %q", msg)
					}
				}
			})
		}
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/sessions", `{"format": 3`), 400, "bad_request")
		expectError(t, a.as(trainerAEmail, "POST", "/api/v1/sessions", sessionBody(f.Slug, start, 12)), 403, "forbidden")
		if got := a.count("sessions"); got != sessions {
			t.Errorf("sessions %d, want %d: refused requests wrote", got, sessions)
		}
		// Another commune's session is a 404.
		expectError(t, a.as(hrBEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d", s.ID), nil), 404, "not_found")
		expectError(t, a.as(hrBEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"capacity": 3}), 404, "not_found")
		// ...unless it is open to other communes (read only for them).
		if res := a.as(hrBEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d", past.ID), nil); res.Code != 200 {
			t.Errorf("open session for b: %d", res.Code)
		}
		expectError(t, a.as(hrBEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/cancel", past.ID), nil), 404, "not_found")
		var listB []sessionJSON
		mustJSON(t, a.as(hrBEmail, "GET", "/api/v1/sessions", nil), &listB)
		if len(listB) != 1 || listB[0].ID != past.ID {
			t.Errorf("b sees %+v", listB)
		}
		var listA []sessionJSON
		mustJSON(t, a.as(trainerAEmail, "GET", "/api/v1/sessions?trainer=me", nil), &listA)
		if len(listA) != 1 || listA[0].ID != past.ID {
			t.Errorf("trainer's sessions %+v", listA)
		}
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/sessions?from=2026-01-01", nil), &listA)
		if len(listA) != 2 {
			t.Errorf("from filter: %d sessions", len(listA))
		}
	})
}

func (a *app) users(email string) []userJSON {
	var out []userJSON
	mustJSON(a.t, a.as(email, "GET", "/api/v1/users", nil), &out)
	return out
}

func TestBookingRules(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		f := pickFormat(t, a, catalog.Voluntary)
		dep := &store.Department{OrgID: a.orgA.ID, Name: "Finances"}
		if err := a.store.CreateDepartment(ctx, dep); err != nil {
			t.Fatal(err)
		}
		heads := a.addPeople(a.orgA, 5, "head_of_service", nil)
		staff := a.addPeople(a.orgA, 3, "staff", &dep.ID)
		depHead := a.addPeople(a.orgA, 1, "head_of_service", &dep.ID)
		council := a.addPeople(a.orgA, 2, "council_member", nil)
		others := a.addPeople(a.orgB, 2, "staff", nil)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 4))
		path := fmt.Sprintf("/api/v1/sessions/%d/registrations", s.ID)

		// Every head of service, in one action: 4 fit, 2 wait in order.
		got := a.book(hrAEmail, s.ID, map[string]any{"audience": map[string]any{"role": "head_of_service"}})
		if len(got.Registrations) != 6 {
			t.Fatalf("audience booked %d", len(got.Registrations))
		}
		var statuses []string
		for _, r := range got.Registrations {
			st := r.Status
			if r.WaitlistPosition != nil {
				st += fmt.Sprint(*r.WaitlistPosition)
			}
			statuses = append(statuses, st)
			if len(r.Token) < 26 || !strings.HasPrefix(r.Links.Page, "https://atelier.example/r/") || !strings.HasSuffix(r.Links.Invite, "/invite.ics") {
				t.Errorf("token/links: %+v", r)
			}
		}
		if strings.Join(statuses, ",") != "booked,booked,booked,booked,waitlisted1,waitlisted2" {
			t.Errorf("statuses %v", statuses)
		}
		// Booking the same people again is idempotent.
		again := a.book(hrAEmail, s.ID, map[string]any{"person_ids": append(heads, depHead...)})
		if len(again.Registrations) != 6 || a.count("registrations") != 6 {
			t.Errorf("rebooking: %d answers, %d rows", len(again.Registrations), a.count("registrations"))
		}
		one := a.book(hrAEmail, s.ID, map[string]any{"person_id": heads[0]})
		var firstHead registrationJSON
		for _, r := range got.Registrations {
			if *r.PersonID == heads[0] {
				firstHead = r
			}
		}
		if len(one.Registrations) != 1 || one.Registrations[0].ID != firstHead.ID {
			t.Errorf("single rebook %+v, want registration %d", one, firstHead.ID)
		}
		// A role within a department, then a whole department.
		a.book(hrAEmail, s.ID, map[string]any{"audience": map[string]any{"role": "staff", "department_id": dep.ID}})
		a.book(hrAEmail, s.ID, map[string]any{"audience": map[string]any{"department_id": dep.ID}})
		a.book(hrAEmail, s.ID, map[string]any{"audience": map[string]any{"role": "council_member"}})
		ss := a.session(hrAEmail, s.ID)
		if ss.Booked != 4 || ss.Waitlisted != 7 {
			t.Fatalf("counts %d/%d, want 4/7", ss.Booked, ss.Waitlisted)
		}

		// Who sits and who waits comes from a fair draw: read it back.
		regs := a.registrations(hrAEmail, s.ID)
		var first, headOfList, waitingSecond registrationJSON
		for _, r := range regs {
			switch {
			case r.Status == "booked" && first.ID == 0:
				first = r
			case r.Status == "waitlisted" && *r.WaitlistPosition == 1:
				headOfList = r
			case r.Status == "waitlisted" && *r.WaitlistPosition == 2:
				waitingSecond = r
			}
		}
		// Cancelling a booked seat promotes the first waiting, at once.
		res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/registrations/%d", first.ID), nil)
		if res.Code != 200 {
			t.Fatalf("cancel: %d %s", res.Code, res.Body)
		}
		// Twice: idempotent, same answer.
		if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/registrations/%d", first.ID), nil); res.Code != 200 || !strings.Contains(res.Body.String(), `"status":"cancelled"`) {
			t.Errorf("second cancel: %d %s", res.Code, res.Body)
		}
		a.checkWaitlist(s.ID, 4, 6)
		after := map[int64]registrationJSON{}
		for _, r := range a.registrations(hrAEmail, s.ID) {
			after[r.ID] = r
		}
		if after[headOfList.ID].Status != "booked" {
			t.Errorf("first on the list not promoted: %+v", after[headOfList.ID])
		}
		// Cancelling someone waiting moves those behind forward.
		if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/registrations/%d", waitingSecond.ID), nil); res.Code != 200 {
			t.Fatal(res.Body)
		}
		a.checkWaitlist(s.ID, 4, 5)

		// Capacity: lowering below booked is refused; raising promotes.
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"capacity": 3}), 409, "conflict")
		res = a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"capacity": 7})
		var patched sessionJSON
		mustJSON(t, res, &patched)
		if patched.Booked != 7 || patched.Waitlisted != 2 || patched.Sequence != 0 {
			t.Errorf("after raise: %+v", patched)
		}
		a.checkWaitlist(s.ID, 7, 2)

		// Reschedule raises the sequence; a capacity change does not.
		res = a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"starts_at": "2026-03-12T08:30:00+01:00"})
		mustJSON(t, res, &patched)
		if patched.Sequence != 1 || !patched.EndsAt.Equal(time.Date(2026, 3, 12, 8, 30, 0, 0, tz.Zurich).Add(time.Duration(f.DurationMinutes)*time.Minute)) {
			t.Errorf("reschedule: %+v", patched)
		}
		res = a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"location": map[string]string{"name": "Salle 2"}})
		mustJSON(t, res, &patched)
		if patched.Sequence != 2 || patched.Location.Name != "Salle 2" {
			t.Errorf("move: %+v", patched)
		}

		// Bad bookings change nothing.
		rows := a.count("registrations")
		bad := map[string]struct {
			body   any
			status int
			code   string
			fields []string
		}{
			"other commune's person": {map[string]any{"person_id": others[0]}, 404, "not_found", nil},
			"unknown audience role":  {map[string]any{"audience": map[string]any{"role": "mayor"}}, 422, "validation", []string{"audience.role"}},
			"unknown department":     {map[string]any{"audience": map[string]any{"department_id": 999999}}, 422, "validation", []string{"audience.department_id"}},
			"empty audience":         {map[string]any{"audience": map[string]any{}}, 422, "validation", []string{"audience"}},
			"empty list":             {map[string]any{"person_ids": []int64{}}, 422, "validation", []string{"person_ids"}},
			"over 1000 ids":          {map[string]any{"person_ids": make([]int64, 1001)}, 422, "validation", []string{"person_ids"}},
			"nothing":                {map[string]any{}, 422, "validation", []string{"person_ids"}},
			"mixed valid and not":    {map[string]any{"person_ids": []int64{council[0], others[1]}}, 404, "not_found", nil},
		}
		for name, tc := range bad {
			t.Run(name, func(t *testing.T) {
				expectError(t, a.as(hrAEmail, "POST", path, tc.body), tc.status, tc.code, tc.fields...)
			})
		}
		expectError(t, a.as(trainerAEmail, "POST", path, map[string]any{"person_id": council[0]}), 403, "forbidden")
		if got := a.count("registrations"); got != rows {
			t.Errorf("registrations %d, want %d", got, rows)
		}
		// B cannot book into A's closed session: the session is a 404.
		expectError(t, a.as(hrBEmail, "POST", path, map[string]any{"person_id": others[0]}), 404, "not_found")

		// History: who did what.
		var hist []auditJSON
		mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil), &hist)
		actions := map[string]int{}
		for _, h := range hist {
			actions[h.Action]++
			if h.Actor != hrAEmail || h.UserID == nil {
				t.Errorf("actor of %+v", h)
			}
		}
		if actions["session_created"] != 1 || actions["booked"] < 4 || actions["waitlisted"] < 2 || actions["promoted"] != 4 ||
			actions["cancelled"] != 2 || actions["capacity_changed"] != 1 || actions["rescheduled"] != 2 {
			t.Errorf("history actions %v", actions)
		}
		expectError(t, a.as(hrBEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil), 404, "not_found")
		expectError(t, a.as(trainerAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil), 403, "forbidden")

		// Cancelling the session cancels every registration; booking into it is a 409.
		res = a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/cancel", s.ID), nil)
		mustJSON(t, res, &patched)
		if res.Code != 200 || patched.Status != "cancelled" || patched.Booked != 0 || patched.Waitlisted != 0 || patched.Sequence != 3 {
			t.Errorf("cancel session: %d %+v", res.Code, patched)
		}
		for _, r := range a.registrations(hrAEmail, s.ID) {
			if r.Status != "cancelled" || r.WaitlistPosition != nil {
				t.Errorf("left after session cancel: %+v", r)
			}
		}
		expectError(t, a.as(hrAEmail, "POST", path, map[string]any{"person_id": council[0]}), 409, "conflict")
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"capacity": 9}), 409, "conflict")
		_ = staff
	})
}

// checkWaitlist asserts a session's booked count and that its waiting list
// is exactly positions 1..waiting.
func (a *app) checkWaitlist(sessionID int64, booked, waiting int) {
	a.t.Helper()
	regs := a.registrations(hrAEmail, sessionID)
	var b int
	var pos []int
	for _, r := range regs {
		switch r.Status {
		case "booked":
			b++
			if r.WaitlistPosition != nil {
				a.t.Errorf("booked with a position: %+v", r)
			}
		case "waitlisted":
			pos = append(pos, *r.WaitlistPosition)
		}
	}
	sort.Ints(pos)
	for i, p := range pos {
		if p != i+1 {
			a.t.Errorf("waiting list positions %v, want 1..%d", pos, waiting)
			break
		}
	}
	if b != booked || len(pos) != waiting {
		a.t.Errorf("booked %d, waiting %d; want %d, %d", b, len(pos), booked, waiting)
	}
}

func TestPooledSession(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		body := sessionBody(f.Slug, time.Date(2026, 4, 2, 9, 0, 0, 0, tz.Zurich), 3)
		body["open_to_other_communes"] = true
		s := a.createSession(hrAEmail, body)
		peopleA := a.addPeople(a.orgA, 2, "staff", nil)
		peopleB := a.addPeople(a.orgB, 2, "staff", nil)
		a.book(hrAEmail, s.ID, map[string]any{"person_ids": peopleA})
		got := a.book(hrBEmail, s.ID, map[string]any{"person_ids": peopleB})
		if got.Registrations[0].Status != "booked" || got.Registrations[1].Status != "waitlisted" {
			t.Errorf("b's bookings %+v", got)
		}
		// A sees everyone in its session; B sees only its own people.
		if n := len(a.registrations(hrAEmail, s.ID)); n != 4 {
			t.Errorf("a sees %d", n)
		}
		if n := len(a.registrations(hrBEmail, s.ID)); n != 2 {
			t.Errorf("b sees %d", n)
		}
		// A cannot book B's people; B cannot cancel A's.
		expectError(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/registrations", s.ID), map[string]any{"person_id": peopleB[0]}), 404, "not_found")
		regsA := a.registrations(hrAEmail, s.ID)
		var aReg int64
		for _, r := range regsA {
			if *r.PersonID == peopleA[0] {
				aReg = r.ID
			}
		}
		expectError(t, a.as(hrBEmail, "DELETE", fmt.Sprintf("/api/v1/registrations/%d", aReg), nil), 404, "not_found")
		// B cannot see the history or edit A's session.
		expectError(t, a.as(hrBEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil), 404, "not_found")
	})
}

func TestParticipantLink(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		vol := pickFormat(t, a, catalog.Voluntary)
		mand := pickFormat(t, a, catalog.Mandatory)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		body := sessionBody(vol.Slug, start, 1)
		body["registration_deadline"] = "2026-03-06T17:00:00+01:00"
		s := a.createSession(hrAEmail, body)
		m := a.createSession(hrAEmail, inRoom(sessionBody(mand.Slug, start, 5), "Salle 2"))
		ids := a.addPeople(a.orgA, 2, "staff", nil)
		regs := a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids}).Registrations
		mreg := a.book(hrAEmail, m.ID, map[string]any{"person_id": ids[0]}).Registrations[0]

		res := a.do("GET", "/r/"+regs[0].Token, "", nil)
		page := res.Body.String()
		if res.Code != 200 || !strings.Contains(page, "Personne 000 staff") || !strings.Contains(page, "mardi 10 mars 2026, 13\u00a0h\u00a030") ||
			!strings.Contains(page, "/r/"+regs[0].Token+"/cancel") || !strings.Contains(page, "Inscription confirmée") {
			t.Fatalf("participant page: %d\n%s", res.Code, page)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
			if res.Header().Get(h) == "" {
				t.Errorf("missing header %s", h)
			}
		}
		// The person's language comes first; the switch overrides it.
		if res := a.do("GET", "/r/"+regs[0].Token, "", nil, "Accept-Language", "de-CH"); !strings.Contains(res.Body.String(), "mardi 10 mars") {
			t.Errorf("person's French should win over Accept-Language: %s", res.Body)
		}
		if res := a.do("GET", "/r/"+regs[0].Token+"?lang=de", "", nil); !strings.Contains(res.Body.String(), "Dienstag, 10. März 2026") || !strings.Contains(res.Header().Get("Set-Cookie"), "lang=de") {
			t.Errorf("German page: %s", res.Body)
		}
		// Mandatory: no cancel button, and the post is refused.
		res = a.do("GET", "/r/"+mreg.Token, "", nil)
		if strings.Contains(res.Body.String(), "/cancel") {
			t.Error("cancel offered on a mandatory session")
		}
		res = a.do("POST", "/r/"+mreg.Token+"/cancel", "", "", "Content-Type", "application/x-www-form-urlencoded")
		if res.Code != 403 || !strings.Contains(res.Body.String(), "obligatoire") {
			t.Errorf("mandatory cancel: %d %s", res.Code, res.Body)
		}
		expectError(t, a.do("POST", "/r/"+mreg.Token+"/cancel", "", map[string]any{}), 403, "forbidden")
		// A cross-site form post is refused.
		res = a.do("POST", "/r/"+regs[0].Token+"/cancel", "", "", "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site")
		if res.Code != 403 {
			t.Errorf("cross-site post: %d", res.Code)
		}
		// Voluntary, before the deadline: the form cancels and redirects; the
		// waiting person takes the seat.
		// The form first asks, saying what will happen; nothing changes yet.
		res = a.do("POST", "/r/"+regs[0].Token+"/cancel", "", "", "Content-Type", "application/x-www-form-urlencoded")
		if res.Code != 200 || !strings.Contains(res.Body.String(), "Votre place sera libérée") || !strings.Contains(res.Body.String(), `name="confirmed" value="1"`) {
			t.Fatalf("cancel confirmation: %d %s", res.Code, res.Body)
		}
		if got := a.registrations(hrAEmail, s.ID); got[0].PersonID == nil || *got[0].PersonID != ids[0] {
			t.Fatalf("the confirmation step cancelled already: %+v", got)
		}
		res = a.do("POST", "/r/"+regs[0].Token+"/cancel", "", "confirmed=1", "Content-Type", "application/x-www-form-urlencoded")
		if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/r/"+regs[0].Token+"?done=cancelled" {
			t.Fatalf("form cancel: %d %v", res.Code, res.Header())
		}
		if got := a.registrations(hrAEmail, s.ID); got[0].PersonID == nil || *got[0].PersonID != ids[1] || got[0].Status != "booked" {
			t.Errorf("not promoted: %+v", got)
		}
		var hist []auditJSON
		mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil), &hist)
		if last := hist[len(hist)-2]; last.Action != "cancelled" || last.Actor != "participant" || last.UserID != nil {
			t.Errorf("participant's cancel in history: %+v", last)
		}
		// After the deadline: refused with a clear message, HR still can.
		a.setNow(time.Date(2026, 3, 7, 9, 0, 0, 0, tz.Zurich))
		res = a.do("POST", "/r/"+regs[1].Token+"/cancel", "", "", "Content-Type", "application/x-www-form-urlencoded")
		if res.Code != 409 || !strings.Contains(res.Body.String(), "Le délai d’inscription est passé") {
			t.Errorf("after deadline: %d %s", res.Code, res.Body)
		}
		e := expectError(t, a.do("POST", "/r/"+regs[1].Token+"/cancel", "", map[string]any{}, "Accept-Language", "de"), 409, "conflict")
		if !strings.Contains(e.Error.Message, "Anmeldeschluss") {
			t.Errorf("German refusal: %q", e.Error.Message)
		}
		if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/registrations/%d", regs[1].ID), nil); res.Code != 200 {
			t.Errorf("hr after deadline: %d", res.Code)
		}
		// Unknown tokens: a 404 page that tells nothing.
		for _, tok := range []string{"AAAAAAAAAAAAAAAAAAAAAAAAAA", "x", strings.Repeat("Z", 200), regs[0].Token[:20]} {
			res := a.do("GET", "/r/"+tok, "", nil)
			if res.Code != 404 || strings.Contains(res.Body.String(), "Personne") {
				t.Errorf("token %q: %d", tok, res.Code)
			}
			if res := a.do("POST", "/r/"+tok+"/cancel", "", ""); res.Code != 404 {
				t.Errorf("cancel with token %q: %d", tok, res.Code)
			}
		}
	})
}

// TestConcurrentBooking fires 100 bookings at once for 100 different people
// at a 12-seat session: exactly 12 booked, 88 waiting at 1..88.
func TestConcurrentBooking(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 5, 5, 9, 0, 0, 0, tz.Zurich), 12))
		ids := a.addPeople(a.orgA, 100, "staff", nil)
		token := a.token(hrAEmail)
		path := fmt.Sprintf("/api/v1/sessions/%d/registrations", s.ID)
		var wg sync.WaitGroup
		errs := make(chan string, len(ids))
		start := make(chan struct{})
		for _, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res := a.doConcurrent("POST", path, token, map[string]any{"person_id": id})
				if res.Code != http.StatusCreated {
					errs <- fmt.Sprintf("%d %s", res.Code, res.Body)
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("booking failed: %s", e)
		}
		a.checkWaitlist(s.ID, 12, 88)
		if n := a.count("registrations"); n != 100 {
			t.Errorf("%d registrations, want 100", n)
		}
		// One mail each, queued with the booking (composed when read), each
		// its own.
		db, err := a.store.SQL()
		if err != nil {
			t.Fatal(err)
		}
		var mails, composed, distinct, booked, waiting int
		err = db.QueryRow(`SELECT count(*), sum(CASE WHEN event <> '' AND subject = '' AND ics = '' THEN 1 ELSE 0 END),
  count(DISTINCT message_id), sum(CASE WHEN kind = 'booked' THEN 1 ELSE 0 END), sum(CASE WHEN kind = 'waitlisted' THEN 1 ELSE 0 END)
FROM outbox_messages WHERE session_id = $1`, s.ID).Scan(&mails, &composed, &distinct, &booked, &waiting)
		if err != nil {
			t.Fatal(err)
		}
		if mails != 100 || composed != 100 || distinct != 100 || booked != 12 || waiting != 88 {
			t.Errorf("mails %d (queued %d, distinct %d, booked %d, waiting %d), want 100 (100, 100, 12, 88)", mails, composed, distinct, booked, waiting)
		}
	})
}
