package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Regressions found by a review of the code; each test failed before its fix.

// Redirect targets that browsers resolve to another host are refused.
func TestNoOpenRedirect(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	cookie := a.browserSession(hrAEmail)
	norm := strings.NewReplacer("\t", "", "\n", "", "\\", "/")
	for _, next := range []string{"/\t/evil.example", "/./\\evil.example", "/../\\evil.example", "//evil.example", "https://evil.example", "/%2F/evil.example", "javascript:alert(1)"} {
		res := a.page(cookie, "GET", "/login?next="+url.QueryEscape(next), nil)
		if loc := norm.Replace(res.Header().Get("Location")); strings.HasPrefix(loc, "//") || strings.Contains(loc, ":") {
			t.Errorf("GET next=%q: Location %q", next, res.Header().Get("Location"))
		}
		form := url.Values{"email": {hrAEmail}, "password": {testPassword}, "next": {next}}
		res = a.do("POST", "/login", "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if loc := norm.Replace(res.Header().Get("Location")); strings.HasPrefix(loc, "//") || strings.Contains(loc, ":") {
			t.Errorf("POST next=%q: Location %q", next, res.Header().Get("Location"))
		}
	}
	if got := safeNext("/app/sessions/3?done=created"); got != "/app/sessions/3?done=created" {
		t.Errorf("a plain path is kept: %q", got)
	}
}

// Another commune's HR never sees a participant's token, and a feed opened
// with one token does not hand out the person's other tokens.
func TestTokensStayWithTheirCommune(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		bOnly := a.createSession(hrBEmail, sessionBody(f.Slug, start, 5))
		body := sessionBody(f.Slug, start.Add(48*time.Hour), 5)
		body["open_to_other_communes"] = true
		open := a.createSession(hrAEmail, body)
		p := a.addPeople(a.orgB, 1, "staff", nil)[0]
		regB := a.book(hrBEmail, bOnly.ID, map[string]any{"person_id": p}).Registrations[0]
		regOpen := a.book(hrBEmail, open.ID, map[string]any{"person_id": p}).Registrations[0]
		for _, r := range a.registrations(hrAEmail, open.ID) {
			if r.Token != "" || r.Links != nil {
				t.Errorf("commune A sees the token of B's person: %+v", r)
			}
		}
		feed := strings.ReplaceAll(a.do("GET", "/r/"+regOpen.Token+"/feed.ics", "", nil).Body.String(), "\r\n ", "")
		if strings.Contains(feed, regB.Token) {
			t.Error("a feed hands out the person's other token")
		}
		if !strings.Contains(feed, "/r/"+regOpen.Token) {
			t.Error("the feed's own registration keeps its link")
		}
	})
}

// Erasing a person frees their places in sessions to come.
func TestEraseFreesTheSeat(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 1))
		ids := a.addPeople(a.orgA, 3, "staff", nil)
		a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids})
		if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/people/%d", ids[0]), nil); res.Code != 204 {
			t.Fatalf("erase: %d %s", res.Code, res.Body)
		}
		a.checkWaitlist(s.ID, 1, 1)
		if regs := a.registrations(hrAEmail, s.ID); *regs[0].PersonID != ids[1] {
			t.Errorf("the first waiting did not take the seat: %+v", regs[0])
		}
		// Erasing someone waiting moves the list forward.
		if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/people/%d", ids[2]), nil); res.Code != 204 {
			t.Fatal(res.Body)
		}
		a.checkWaitlist(s.ID, 1, 0)
	})
}

// After a walk-in beyond capacity, a cancellation promotes nobody.
func TestNoPromotionIntoAFullRoom(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, start, 1))
		ids := a.addPeople(a.orgA, 2, "staff", nil)
		regs := a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids}).Registrations
		// Doors open before the start: a walk-in fills the room while
		// bookings can still change.
		a.setNow(start.Add(-20 * time.Minute))
		if res := a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/walkins", s.ID), map[string]any{"name": "Jean Passant"}); res.Code != 201 {
			t.Fatalf("walk-in: %d %s", res.Code, res.Body)
		}
		if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/registrations/%d", regs[0].ID), nil); res.Code != 200 {
			t.Fatalf("cancel: %d %s", res.Code, res.Body)
		}
		a.checkWaitlist(s.ID, 1, 1)
	})
}

// A trainer sees and prints only the sessions they run, and never tokens.
func TestTrainerOnlyTheirSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		other := a.createSession(hrAEmail, sessionBody(f.Slug, start, 5))
		body := inRoom(sessionBody(f.Slug, start, 5), "Salle 2")
		body["trainers"] = []int64{a.trainerID()}
		mine := a.createSession(hrAEmail, body)
		ids := a.addPeople(a.orgA, 1, "staff", nil)
		a.book(hrAEmail, other.ID, map[string]any{"person_ids": ids})
		a.book(hrAEmail, mine.ID, map[string]any{"person_ids": ids})
		expectError(t, a.as(trainerAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/registrations", other.ID), nil), 403, "forbidden")
		expectError(t, a.as(trainerAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/signin-sheet.pdf", other.ID), nil), 403, "forbidden")
		regs := a.registrations(trainerAEmail, mine.ID)
		if len(regs) != 1 || regs[0].Token != "" || regs[0].PersonName == "" {
			t.Errorf("trainer's view of their session: %+v", regs)
		}
		if res := a.as(trainerAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/signin-sheet.pdf", mine.ID), nil); res.Code != 200 {
			t.Errorf("trainer prints their sign-in sheet: %d", res.Code)
		}
	})
}

// Dates outside 2000–2100 are refused; they could not even be written back.
func TestExtremeTimesRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		for _, tc := range []map[string]any{
			{"starts_at": "9999-12-31T23:30:00Z"},
			{"starts_at": "0001-01-01T00:00:00Z", "ends_at": "0000-12-31T00:00:00Z"},
			{"starts_at": "2026-03-10T13:30:00+01:00", "ends_at": "2026-03-10T12:00:00+01:00", "format": "nope"},
		} {
			b := sessionBody(f.Slug, time.Now(), 5)
			for k, v := range tc {
				b[k] = v
			}
			expectError(t, a.as(hrAEmail, "POST", "/api/v1/sessions", b), 422, "validation")
		}
		if n := a.count("sessions"); n != 0 {
			t.Errorf("%d sessions written", n)
		}
	})
}

// An account without a commune cannot become hr, nor act on sessions.
func TestNoCommunelessHR(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	var u userJSON
	mustJSON(t, a.as(adminEmail, "POST", "/api/v1/users", map[string]any{"email": "admin2@atelier.example", "password": testPassword, "role": "admin"}), &u)
	expectError(t, a.as(adminEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), map[string]any{"role": "hr"}), 422, "validation", "role")
	f := pickFormat(t, a, catalog.Voluntary)
	expectError(t, a.as(adminEmail, "POST", "/api/v1/sessions", sessionBody(f.Slug, time.Date(2026, 5, 5, 9, 0, 0, 0, tz.Zurich), 5)), 403, "forbidden")
}

// A registration whose person is gone does not block the session's changes.
func TestSessionChangesSurviveAMissingPerson(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 5, 5, 9, 0, 0, 0, tz.Zurich), 5))
		ids := a.addPeople(a.orgA, 2, "staff", nil)
		a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids})
		db, _ := a.store.SQL()
		if _, err := db.Exec("DELETE FROM people WHERE id = $1", ids[0]); err != nil {
			t.Fatal(err)
		}
		if res := a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"location": map[string]string{"name": "Aula"}}); res.Code != 200 {
			t.Errorf("reschedule: %d %s", res.Code, res.Body)
		}
		if res := a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/cancel", s.ID), nil); res.Code != 200 {
			t.Errorf("cancel: %d %s", res.Code, res.Body)
		}
	})
}

// Booking and erasing the same people at once leaves no registration
// pointing to an erased person.
func TestBookEraseRace(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 5, 5, 9, 0, 0, 0, tz.Zurich), 500))
		ids := a.addPeople(a.orgA, 100, "staff", nil)
		token := a.token(hrAEmail)
		done := make(chan string, 2*len(ids))
		for _, id := range ids {
			go func() {
				res := a.doConcurrent("POST", fmt.Sprintf("/api/v1/sessions/%d/registrations", s.ID), token, map[string]any{"person_id": id})
				done <- fmt.Sprint(res.Code)
			}()
			go func() {
				res := a.doConcurrent("DELETE", fmt.Sprintf("/api/v1/people/%d", id), token, nil)
				done <- fmt.Sprint(res.Code)
			}()
		}
		for range 2 * len(ids) {
			if code := <-done; code != "201" && code != "204" && code != "404" {
				t.Errorf("status %s", code)
			}
		}
		db, _ := a.store.SQL()
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM registrations r LEFT JOIN people p ON p.id = r.person_id WHERE r.person_id IS NOT NULL AND p.id IS NULL").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			t.Errorf("%d registrations point to erased people", n)
		}
	})
}

// An edit racing an erasure never brings the erased person back.
func TestEditEraseRace(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		ids := a.addPeople(a.orgA, 100, "staff", nil)
		token := a.token(hrAEmail)
		type result struct {
			id      int64
			code    int
			erasing bool
		}
		done := make(chan result, 2*len(ids))
		for _, id := range ids {
			go func() {
				r := a.doConcurrent("PATCH", fmt.Sprintf("/api/v1/people/%d", id), token, map[string]any{"name": "Renamed"})
				done <- result{id, r.Code, false}
			}()
			go func() {
				r := a.doConcurrent("DELETE", fmt.Sprintf("/api/v1/people/%d", id), token, nil)
				done <- result{id, r.Code, true}
			}()
		}
		erased := 0
		for range 2 * len(ids) {
			r := <-done
			if r.erasing && r.code == 204 {
				erased++
			}
		}
		if n := a.count("people"); n != int64(len(ids)-erased) {
			t.Errorf("%d people left, want %d: erased people came back", n, len(ids)-erased)
		}
	})
}

// A method a path does not take answers 404 with the contract's error JSON.
func TestUnknownMethod(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	expectError(t, a.do("PUT", "/api/v1/formats", "", map[string]any{}), 404, "not_found")
}
