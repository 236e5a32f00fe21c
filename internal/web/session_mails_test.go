package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// TestSessionPageLinksAndMails: HR sees on the session page each of its
// people's personal link and the session's mails with their state,
// resends an invitation and retries a failed mail; the host never sees
// another commune's people's links or mails.
func TestSessionPageLinksAndMails(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		body := sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 5)
		body["open_to_other_communes"] = true
		s := a.createSession(hrAEmail, body)
		mine := a.book(hrAEmail, s.ID, map[string]any{"person_ids": a.addPeople(a.orgA, 1, "staff", nil)}).Registrations[0]
		theirs := a.book(hrBEmail, s.ID, map[string]any{"person_ids": a.addPeople(a.orgB, 1, "staff", nil)}).Registrations[0]
		hr := a.browserSession(hrAEmail)
		page := a.page(hr, "GET", fmt.Sprintf("/app/sessions/%d", s.ID), nil).Body.String()
		if !strings.Contains(page, "/r/"+mine.Token) || strings.Contains(page, theirs.Token) {
			t.Errorf("links on the host's page: own shown, other commune's hidden")
		}
		if !strings.Contains(page, `id="mails"`) || !strings.Contains(page, "en attente") || strings.Contains(page, "p2@commune-b.example") {
			t.Errorf("mails on the host's page: own shown, other commune's hidden")
		}
		// Resend: a new mail for the same registration.
		res := a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/registrations/%d/resend", mine.ID), nil)
		if res.Code != 202 {
			t.Fatalf("resend: %d %s", res.Code, res.Body)
		}
		var mails []outboxJSON
		mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/outbox?session_id=%d", s.ID), nil), &mails)
		if len(mails) != 2 || *mails[0].RegistrationID != mine.ID || mails[0].CalendarMethod != "REQUEST" {
			t.Fatalf("after resend: %+v", mails)
		}
		// The host cannot resend to another commune's person.
		expectError(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/registrations/%d/resend", theirs.ID), nil), 403, "forbidden")
		// Retry: only a failed mail, back to pending.
		expectError(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/outbox/%d/retry", mails[0].ID), nil), 409, "conflict")
		db, _ := a.store.SQL()
		if _, err := db.Exec("UPDATE outbox_messages SET status = 'failed', last_error = '550 mailbox unavailable' WHERE id = $1", mails[0].ID); err != nil {
			t.Fatal(err)
		}
		page = a.page(hr, "GET", fmt.Sprintf("/app/sessions/%d", s.ID), nil).Body.String()
		if !strings.Contains(page, "550 mailbox unavailable") || !strings.Contains(page, fmt.Sprintf("/app/outbox/%d/retry", mails[0].ID)) {
			t.Errorf("a failed mail shows its error and a retry button")
		}
		var m outboxJSON
		res = a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/outbox/%d/retry", mails[0].ID), nil)
		mustJSON(t, res, &m)
		if res.Code != 200 || m.Status != "pending" {
			t.Errorf("retry: %d %+v", res.Code, m)
		}
		// Once the session has started, nothing to resend.
		a.setNow(time.Date(2026, 3, 10, 14, 0, 0, 0, tz.Zurich))
		expectError(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/registrations/%d/resend", mine.ID), nil), 409, "conflict")
	})
}
