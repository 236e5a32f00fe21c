package web

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	appsvc "github.com/atelier-ch/atelier/internal/app"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// TestControlCharactersRefusedAtTheEdge: a NUL byte (or another control
// character) anywhere a user can type answers a 400/422 naming the field,
// never a 500 — PostgreSQL refuses NUL in text — and changes nothing.
func TestControlCharactersRefusedAtTheEdge(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		hr := a.browserSession(hrAEmail)
		before := a.count("people")
		api := []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"people search", "GET", "/api/v1/people?q=a%00b", nil, 422, "q"},
			{"sign-in email", "POST", "/api/v1/auth/token", map[string]string{"email": "rh\x00@commune-a.example", "password": "x"}, 422, "email"},
			{"person name", "POST", "/api/v1/people", map[string]any{"name": "Anne\x00", "role": "staff"}, 422, "name"},
			{"nested location", "POST", "/api/v1/sessions", map[string]any{"format": "ucv-consultation", "location": map[string]string{"name": "Salle\x07"}}, 422, "location.name"},
			{"walk-in email", "POST", "/api/v1/sessions/1/walkins", map[string]string{"name": "X", "email": "x\x00@y.ch"}, 422, "email"},
			{"check-in token", "POST", "/api/v1/sessions/1/checkin", map[string]string{"token": "ABC\x00"}, 422, "token"},
		}
		for _, tc := range api {
			token := a.token(hrAEmail)
			if tc.path == "/api/v1/auth/token" {
				token = ""
			}
			res := a.do(tc.method, tc.path, token, tc.body)
			expectError(t, res, tc.status, "validation", tc.field)
		}
		if res := a.do("GET", "/feeds/x%00.ics", "", nil); res.Code != 400 {
			t.Errorf("feed with NUL: %d %s", res.Code, res.Body)
		}
		if res := a.do("GET", "/r/ABCDEFGHIJKLMNOPQRSTUVWXYZ%00", "", nil); res.Code != 400 {
			t.Errorf("participant link with NUL: %d", res.Code)
		}
		pages := []struct {
			path string
			form url.Values
		}{
			{"/app/people?q=%00", nil},
			{"/app/people", url.Values{"name": {"Zoé\x00"}, "role": {"staff"}, "language": {"fr"}}},
			{"/login", url.Values{"email": {"rh\x00@x.ch"}, "password": {"x"}}},
		}
		for _, tc := range pages {
			method := "GET"
			if tc.form != nil {
				method = "POST"
			}
			res := a.page(hr, method, tc.path, tc.form)
			if res.Code != 422 || !strings.Contains(res.Body.String(), "contrôle") {
				t.Errorf("%s %s: %d", method, tc.path, res.Code)
			}
		}
		if n := a.count("people"); n != before {
			t.Errorf("people %d → %d", before, n)
		}
	})
}

// TestLogsKeepNoToken: the request log names the route, never a personal
// token (participant links, calendar feeds).
func TestLogsKeepNoToken(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	var buf bytes.Buffer
	svc, err := appsvc.Build(appsvc.Config{Store: a.store, Catalog: loadCatalog(t), BaseURL: "https://atelier.example", Now: a.clock, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{Services: svc, BaseURL: "https://atelier.example", Now: a.clock, Log: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f := pickFormat(t, a, catalog.Voluntary)
	s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 5))
	reg := a.book(hrAEmail, s.ID, map[string]any{"person_ids": a.addPeople(a.orgA, 1, "staff", nil)}).Registrations[0]
	var feed feedJSON
	mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/feed", nil), &feed)
	feedToken := strings.TrimSuffix(feed.URL[strings.LastIndex(feed.URL, "/")+1:], ".ics")
	for _, path := range []string{"/r/" + reg.Token, "/r/" + reg.Token + "/invite.ics", "/r/" + reg.Token + "/feed.ics", "/r/" + reg.Token + "/qr.png", "/feeds/" + feedToken + ".ics"} {
		res := httptest.NewRecorder()
		srv.Handler().ServeHTTP(res, httptest.NewRequest("GET", path, nil))
		if res.Code != 200 {
			t.Errorf("%s: %d", path, res.Code)
		}
	}
	logged := buf.String()
	if strings.Contains(logged, reg.Token) || strings.Contains(logged, feedToken) {
		t.Errorf("a token reached the log:\n%s", logged)
	}
	if !strings.Contains(logged, "route=/r/:token/invite.ics") {
		t.Errorf("the log should name the route:\n%s", logged)
	}
}

// TestHeaders: API answers are never cached; over https browsers are told
// to stay on https.
func TestHeaders(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	for _, path := range []string{"/api/v1/formats", "/api/v1/sessions", "/api/v1/nowhere"} {
		res := a.as(hrAEmail, "GET", path, nil)
		if got := res.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
		if !strings.HasPrefix(res.Header().Get("Strict-Transport-Security"), "max-age=") {
			t.Errorf("%s: no HSTS over https", path)
		}
	}
}
