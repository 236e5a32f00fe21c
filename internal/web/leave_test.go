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

// TestPersonLeaves: HR records that someone left the commune, through the
// API (with a dry run first) and the people pages (with a confirmation):
// their place to come is cancelled and goes to the waiting list, they can
// no longer be booked (422 naming them), the list marks them, and coming
// back makes them bookable again.
func TestPersonLeaves(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 1))
		ids := a.addPeople(a.orgA, 2, "staff", nil)
		leaver, waiting := ids[0], ids[1]
		a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids})
		leave := fmt.Sprintf("/api/v1/people/%d/leave", leaver)

		var dry leaveJSON
		mustJSON(t, a.as(hrAEmail, "POST", leave+"?dry_run=true", nil), &dry)
		if !dry.DryRun || dry.PlacesCancelled != 1 || dry.Person.LeftAt != nil || dry.PurgeOn == nil {
			t.Errorf("dry run: %+v", dry)
		}
		for _, r := range a.registrations(hrAEmail, s.ID) {
			if want := map[int64]string{leaver: "booked", waiting: "waitlisted"}[*r.PersonID]; r.Status != want {
				t.Fatalf("the dry run changed the session: person %d is %s", *r.PersonID, r.Status)
			}
		}
		var done leaveJSON
		res := a.as(hrAEmail, "POST", leave, nil)
		if res.Code != 200 {
			t.Fatalf("leave: %d %s", res.Code, res.Body)
		}
		mustJSON(t, res, &done)
		if done.PlacesCancelled != 1 || done.Person.LeftAt == nil || done.PurgeOn == nil {
			t.Errorf("leave: %+v", done)
		}
		// 24 months after today (the test clock).
		if want := tz.In(a.clock()).AddDate(2, 0, 0).Format(time.DateOnly); *done.PurgeOn != want {
			t.Errorf("purge on %s, want %s", *done.PurgeOn, want)
		}
		for _, r := range a.registrations(hrAEmail, s.ID) {
			if want := map[int64]string{leaver: "cancelled", waiting: "booked"}[*r.PersonID]; r.Status != want {
				t.Errorf("person %d is %s, want %s", *r.PersonID, r.Status, want)
			}
		}
		res = a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/registrations", s.ID), map[string]any{"person_id": leaver})
		e := expectError(t, res, 422, "validation", "person_ids")
		if !strings.Contains(e.Error.Fields["person_ids"], "a quitté la commune") {
			t.Errorf("booking someone who left: %q", e.Error.Fields["person_ids"])
		}
		var p personJSON
		mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/people/%d", leaver), nil), &p)
		if p.LeftAt == nil {
			t.Error("the person does not say they left")
		}

		// The pages: the list marks them; the edit page offers the return.
		cookie := a.browserSession(hrAEmail)
		list := a.page(cookie, "GET", "/app/people", nil).Body.String()
		if !strings.Contains(list, "a quitté la commune") {
			t.Error("the people page does not mark who left")
		}
		edit := a.page(cookie, "GET", fmt.Sprintf("/app/people/%d/edit", leaver), nil).Body.String()
		if !strings.Contains(edit, "seront effacées le") || !strings.Contains(edit, fmt.Sprintf("/app/people/%d/return", leaver)) {
			t.Error("the edit page does not say when the data goes, or offer the return")
		}
		if res := a.page(cookie, "POST", fmt.Sprintf("/app/people/%d/return", leaver), url.Values{}); res.Code != 303 {
			t.Fatalf("return: %d", res.Code)
		}
		a.book(hrAEmail, s.ID, map[string]any{"person_id": leaver}) // bookable again (waiting list)

		// Leaving from the page asks first, and says what it does.
		ask := a.page(cookie, "POST", fmt.Sprintf("/app/people/%d/leave", waiting), url.Values{})
		body := ask.Body.String()
		if ask.Code != 200 || !strings.Contains(body, "confirmed") || !strings.Contains(body, "24 mois") {
			t.Fatalf("leave without confirmation: %d", ask.Code)
		}
		for _, r := range a.registrations(hrAEmail, s.ID) {
			if *r.PersonID == waiting && r.Status != "booked" {
				t.Fatalf("asking changed something: %s", r.Status)
			}
		}
		if res := a.page(cookie, "POST", fmt.Sprintf("/app/people/%d/leave", waiting), url.Values{"confirmed": {"1"}}); res.Code != 303 {
			t.Fatalf("confirmed leave: %d", res.Code)
		}
		for _, r := range a.registrations(hrAEmail, s.ID) {
			// The place freed goes to the one who came back.
			if want := map[int64]string{leaver: "booked", waiting: "cancelled"}[*r.PersonID]; r.Status != want {
				t.Errorf("after the page: person %d is %s, want %s", *r.PersonID, r.Status, want)
			}
		}
	})
}
