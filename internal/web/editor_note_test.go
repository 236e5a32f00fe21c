package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/tz"
)

// TestEditorNoteForStaffOnly: a format's note on how it was adapted from
// the guide shows in the catalogue, never on the participant's page, in
// the invitation or in a mail.
func TestEditorNoteForStaffOnly(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	f, ok := a.srv.svc.Catalog.Format("ucv-consultation")
	if !ok || f.EditorNote == "" || f.DE == nil || f.DE.EditorNote == "" {
		t.Fatal("ucv-consultation has no editor's note in both languages")
	}
	note := f.EditorNote[:40]
	if strings.Contains(f.Summary, "Le guide ne") {
		t.Error("the summary still holds the editor's remark")
	}
	page := a.page(a.browserSession(hrAEmail), "GET", "/app/catalog/ucv-consultation", nil).Body.String()
	if !strings.Contains(page, note) {
		t.Error("the catalogue does not show the note to staff")
	}
	s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 8, 30, 0, 0, tz.Zurich), 5))
	reg := a.book(hrAEmail, s.ID, map[string]any{"person_ids": a.addPeople(a.orgA, 1, "staff", nil)}).Registrations[0]
	var mails []outboxJSON
	mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/outbox?session_id=%d", s.ID), nil), &mails)
	unfold := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n ", ""), "\\,", ",") }
	for where, body := range map[string]string{
		"participant page": a.do("GET", "/r/"+reg.Token, "", nil).Body.String(),
		"invitation":       unfold(a.do("GET", "/r/"+reg.Token+"/invite.ics", "", nil).Body.String()),
		"mail":             mails[0].Text,
	} {
		if strings.Contains(body, note) || strings.Contains(body, "Le guide ne") {
			t.Errorf("the %s carries the editor's note", where)
		}
	}
	if !strings.Contains(mails[0].Text, f.Summary[:30]) {
		t.Error("the mail should still carry the summary")
	}
}
