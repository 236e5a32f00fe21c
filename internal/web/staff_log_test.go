package web

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestStaffActionsAreRecorded: account creation, role changes, disabling,
// reset links, exports and erasures of personal data and imports are
// recorded — who, when, what — and only admins read them.
func TestStaffActionsAreRecorded(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		var u userJSON
		mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/users", map[string]string{"email": "nouveau@commune-a.example", "password": testPassword, "role": "trainer"}), &u)
		a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), map[string]bool{"disabled": true})
		var reset resetJSON
		mustJSON(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/users/%d/password-reset", u.ID), nil), &reset)
		a.as(adminEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), map[string]string{"role": "hr"})
		p := a.addPeople(a.orgA, 1, "staff", nil)[0]
		a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/people/%d/export", p), nil)
		a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/people/%d", p), nil)
		a.as(hrAEmail, "GET", "/api/v1/people/export.csv", nil)
		a.as(hrAEmail, "GET", "/api/v1/reports/attendance.csv", nil)
		req := newRequest("POST", "/api/v1/people/import", a.token(hrAEmail))
		req.Body = ioNopCloser("Nom;Prénom;E-mail\nImport;Une;une@x.example\n")
		req.Header.Set("Content-Type", "text/csv")
		res := recorder()
		a.h.ServeHTTP(res, req)
		if res.Code != 200 {
			t.Fatalf("import: %d %s", res.Code, res.Body)
		}
		var log []staffActionJSON
		res = a.as(adminEmail, "GET", "/api/v1/staff-actions", nil)
		mustJSON(t, res, &log)
		got := map[string]string{}
		for _, e := range log {
			got[e.Action] = e.Actor
		}
		for action, actor := range map[string]string{
			"account_created": hrAEmail, "account_disabled": hrAEmail, "password_reset_link": hrAEmail, "role_changed": adminEmail,
			"person_exported": hrAEmail, "person_erased": hrAEmail, "people_exported": hrAEmail, "attendance_exported": hrAEmail, "people_imported": hrAEmail,
		} {
			if got[action] != actor {
				t.Errorf("%s by %q, want %q (log: %v)", action, got[action], actor, got)
			}
		}
		token := reset.Link[strings.LastIndex(reset.Link, "/")+1:]
		if strings.Contains(res.Body.String(), token) || strings.Contains(res.Body.String(), testPassword) {
			t.Error("the staff log holds a secret")
		}
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/staff-actions", nil), 403, "forbidden")
		page := a.page(a.browserSession(adminEmail), "GET", "/app/admin", nil).Body.String()
		if !strings.Contains(page, "Personne effacée") {
			t.Error("the admin page does not show the staff log")
		}
	})
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
