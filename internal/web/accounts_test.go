package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	appsvc "github.com/atelier-ch/atelier/internal/app"
)

// TestDisableAccount: disabling an account ends its sign-ins at once, on
// every instance; it cannot sign in again until enabled.
func TestDisableAccount(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		// A second instance on the same database.
		svc, err := appsvc.Build(appsvc.Config{Store: a.store, Catalog: loadCatalog(t), BaseURL: "https://atelier.example", Now: a.clock, BcryptCost: 4})
		if err != nil {
			t.Fatal(err)
		}
		other, err := New(Deps{Services: svc, BaseURL: "https://atelier.example", Now: a.clock, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		token := a.token(trainerAEmail)
		cookie := a.browserSession(trainerAEmail)
		onOther := func() int {
			req := newRequest("GET", "/api/v1/sessions", token)
			res := recorder()
			other.Handler().ServeHTTP(res, req)
			return res.Code
		}
		if code := onOther(); code != 200 {
			t.Fatalf("before: %d", code)
		}
		id := a.trainerID()
		var u userJSON
		res := a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", id), map[string]bool{"disabled": true})
		mustJSON(t, res, &u)
		if res.Code != 200 || !u.Disabled {
			t.Fatalf("disable: %d %s", res.Code, res.Body)
		}
		if code := onOther(); code != 401 {
			t.Errorf("the other instance still takes the token: %d", code)
		}
		if res := a.do("GET", "/api/v1/sessions", token, nil); res.Code != 401 {
			t.Errorf("this instance still takes the token: %d", res.Code)
		}
		if res := a.page(cookie, "GET", "/app", nil); res.Code != http.StatusSeeOther {
			t.Errorf("the browser session still works: %d", res.Code)
		}
		if res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": trainerAEmail, "password": testPassword}); res.Code != 401 {
			t.Errorf("a disabled account signs in: %d", res.Code)
		}
		// Rules: nobody disables themself; HR neither an admin nor another
		// commune's account.
		var hr userJSON
		for _, x := range a.users(hrAEmail) {
			if x.Email == hrAEmail {
				hr = x
			}
		}
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", hr.ID), map[string]bool{"disabled": true}), 409, "conflict")
		expectError(t, a.as(hrBEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", id), map[string]bool{"disabled": false}), 404, "not_found")
		var admin userJSON
		for _, x := range a.users(adminEmail) {
			if x.Email == adminEmail {
				admin = x
			}
		}
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", admin.ID), map[string]bool{"disabled": true}), 404, "not_found")
		// Enabled again, the account signs in.
		if res := a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", id), map[string]bool{"disabled": false}); res.Code != 200 {
			t.Fatalf("enable: %d %s", res.Code, res.Body)
		}
		if res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": trainerAEmail, "password": testPassword}); res.Code != 201 {
			t.Errorf("enabled account: %d", res.Code)
		}
	})
}

// TestPasswordReset: a reset link is shown once when no mail leaves (and
// queued for the owner), sets a new password once, and expires.
func TestPasswordReset(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		id := a.trainerID()
		var r resetJSON
		res := a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/users/%d/password-reset", id), nil)
		mustJSON(t, res, &r)
		if res.Code != 201 || !r.Mailed || !strings.HasPrefix(r.Link, "https://atelier.example/reset/") {
			t.Fatalf("reset: %d %s", res.Code, res.Body)
		}
		var mails []outboxJSON
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/outbox", nil), &mails)
		if len(mails) != 1 || mails[0].Kind != "password_reset" || mails[0].To != trainerAEmail || mails[0].SessionID != nil || !strings.Contains(mails[0].Text, r.Link) {
			t.Fatalf("reset mail: %+v", mails)
		}
		path := strings.TrimPrefix(r.Link, "https://atelier.example")
		if res := a.page(nil, "GET", path, nil); res.Code != 200 || !strings.Contains(res.Body.String(), `name="password"`) {
			t.Errorf("reset page: %d", res.Code)
		}
		if res := a.page(nil, "POST", path, url.Values{"password": {"short"}}); res.Code != 422 {
			t.Errorf("short password: %d", res.Code)
		}
		if res := a.page(nil, "POST", path, url.Values{"password": {"a brand new password"}}); res.Code != 303 {
			t.Fatalf("set password: %d %s", res.Code, res.Body)
		}
		if res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": trainerAEmail, "password": "a brand new password"}); res.Code != 201 {
			t.Errorf("sign in with the new password: %d", res.Code)
		}
		if res := a.page(nil, "POST", path, url.Values{"password": {"yet another password"}}); res.Code != 404 {
			t.Errorf("a link used twice: %d", res.Code)
		}
		// A link expires after 24 hours.
		mustJSON(t, a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/users/%d/password-reset", id), nil), &r)
		a.setNow(a.clock().Add(25 * time.Hour))
		if res := a.page(nil, "POST", strings.TrimPrefix(r.Link, "https://atelier.example"), url.Values{"password": {"yet another password"}}); res.Code != 404 {
			t.Errorf("an expired link: %d", res.Code)
		}
	})
}

// TestChangeOwnPassword: everyone changes their own password, given the
// current one.
func TestChangeOwnPassword(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	expectError(t, a.as(trainerAEmail, "PUT", "/api/v1/me/password", map[string]string{"current_password": "wrong", "password": "a new long password"}), 422, "validation", "current_password")
	if res := a.as(trainerAEmail, "PUT", "/api/v1/me/password", map[string]string{"current_password": testPassword, "password": "a new long password"}); res.Code != 204 {
		t.Fatalf("change: %d %s", res.Code, res.Body)
	}
	if res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": trainerAEmail, "password": "a new long password"}); res.Code != 201 {
		t.Errorf("sign in with the new password: %d", res.Code)
	}
}

func newRequest(method, path, token string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func recorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// TestAccountInTwoCommunes: creating an account never tells a commune who
// has an account in another: someone working for two communes simply has
// one account in each, and the password says which one signs in.
func TestAccountInTwoCommunes(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		res := a.as(hrAEmail, "POST", "/api/v1/users", map[string]string{"email": strings.ToUpper(hrBEmail), "password": "password of A's account", "role": "hr"})
		if res.Code != 201 {
			t.Fatalf("an address used in another commune: %d %s", res.Code, res.Body)
		}
		var u userJSON
		mustJSON(t, res, &u)
		if u.Org != "commune-a" || u.Role != "hr" {
			t.Errorf("created: %+v", u)
		}
		// Within the commune the address is taken: that tells nothing new.
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/users", map[string]string{"email": hrBEmail, "password": "another password here", "role": "trainer"}), 409, "conflict")
		for pw, org := range map[string]string{"password of A's account": "commune-a", testPassword: "commune-b"} {
			res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": hrBEmail, "password": pw})
			if res.Code != 201 {
				t.Fatalf("sign in to %s: %d", org, res.Code)
			}
			var tok struct{ Token string }
			mustJSON(t, res, &tok)
			var users []userJSON
			mustJSON(t, a.do("GET", "/api/v1/users", tok.Token, nil), &users)
			if len(users) == 0 || users[0].Org != org {
				t.Errorf("password %q signed into %+v, want %s", pw, users, org)
			}
		}
	})
}
