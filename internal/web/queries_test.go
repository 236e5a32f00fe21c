package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// pageRequest is a page or report read by a signed-in user.
type pageRequest struct {
	name, email, path string
	// browser reads the page with the browser's cookie, else the bearer
	// token.
	browser bool
}

// pageRequests are the lists and reports of issue 13 (point 5), each at
// the commune world w, and the participant's and staff's calendars.
func pageRequests(w communeWorld) []pageRequest {
	big, past := fmt.Sprint(w.Big), fmt.Sprint(w.Past)
	return []pageRequest{
		{"dashboard", hrAEmail, "/app", true},
		{"dashboard trainer", trainerAEmail, "/app", true},
		{"sessions page", hrAEmail, "/app/sessions", true},
		{"sessions page past", hrAEmail, "/app/sessions?show=past", true},
		{"sessions api", hrAEmail, "/api/v1/sessions?limit=1000", false},
		{"sessions api trainer", trainerAEmail, "/api/v1/sessions?trainer=me&limit=1000", false},
		{"session page", hrAEmail, "/app/sessions/" + big, true},
		{"session page search", hrAEmail, "/app/sessions/" + big + "?q=" + w.Search, true},
		{"session api", hrAEmail, "/api/v1/sessions/" + big, false},
		{"registrations api", hrAEmail, "/api/v1/sessions/" + big + "/registrations", false},
		{"history api", hrAEmail, "/api/v1/sessions/" + big + "/history", false},
		{"day page", trainerAEmail, "/app/sessions/" + past + "/day", true},
		{"people page", hrAEmail, "/app/people", true},
		{"people page search", hrAEmail, "/app/people?q=" + w.Search, true},
		{"people api", hrAEmail, "/api/v1/people?q=" + w.Search, false},
		{"departments page", hrAEmail, "/app/departments", true},
		{"departments api", hrAEmail, "/api/v1/departments", false},
		{"accounts page", hrAEmail, "/app/accounts", true},
		{"users api", hrAEmail, "/api/v1/users", false},
		{"admin page", adminEmail, "/app/admin", true},
		{"outbox api", hrAEmail, "/api/v1/outbox?session_id=" + big, false},
		{"reports page", hrAEmail, "/app/reports", true},
		{"campaign report", hrAEmail, "/api/v1/reports/campaign", false},
		{"campaign report pdf", hrAEmail, "/api/v1/reports/campaign.pdf", false},
		{"attendance csv", hrAEmail, "/api/v1/reports/attendance.csv", false},
		{"participant page", "", "/r/" + w.Token, false},
		{"participant invite", "", "/r/" + w.Token + "/invite.ics", false},
		{"participant feed", "", "/r/" + w.Token + "/feed.ics", false},
	}
}

// signedIn holds the credentials of each user, made once per app.
type signedIn struct {
	a       *app
	cookies map[string]*http.Cookie
}

func (s *signedIn) request(r pageRequest) *http.Request {
	req := httptest.NewRequest("GET", r.path, nil)
	switch {
	case r.email == "":
	case r.browser:
		if s.cookies == nil {
			s.cookies = map[string]*http.Cookie{}
		}
		if s.cookies[r.email] == nil {
			s.cookies[r.email] = s.a.browserSession(r.email)
		}
		req.AddCookie(s.cookies[r.email])
	default:
		req.Header.Set("Authorization", "Bearer "+s.a.token(r.email))
	}
	return req
}

// countQueries reads each request once through the router and counts its
// SQL statements.
func countQueries(t *testing.T, a *app, reqs []pageRequest) map[string]int {
	t.Helper()
	s := &signedIn{a: a}
	out := map[string]int{}
	for _, r := range reqs {
		req := s.request(r)
		q := &storetest.Queries{}
		req = req.WithContext(q.Context(req.Context()))
		res := httptest.NewRecorder()
		a.h.ServeHTTP(res, req)
		if res.Code != http.StatusOK {
			t.Fatalf("%s: %s: %d %.300s", r.name, r.path, res.Code, res.Body)
		}
		out[r.name] = q.N()
		if testing.Verbose() {
			t.Logf("%s: %d queries\n  %s", r.name, q.N(), strings.Join(q.SQL(), "\n  "))
		}
	}
	return out
}

// TestQueriesBounded reads every list and report at a commune of n rows
// and one of 10n, and fails when a page runs more SQL statements at the
// larger: lists and reports load in a fixed number of queries.
func TestQueriesBounded(t *testing.T) {
	small := largeCommune.div(200) // 25 people, 2 sessions…
	small.Sessions, small.Big, small.Departments, small.Trainers = 4, 2, 2, 2
	large := communeShape{Departments: 20, People: 250, Sessions: 40, Registrations: 1000, Big: 20, Trainers: 20}
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			counts := map[communeShape]map[string]int{}
			for _, shape := range []communeShape{small, large} {
				a := newApp(t, storetest.Fresh(t, db.Name))
				storetest.CountQueries(t, a.store)
				w := fillCommune(t, a, shape)
				counts[shape] = countQueries(t, a, pageRequests(w))
			}
			for _, r := range pageRequests(communeWorld{}) {
				n, n10 := counts[small][r.name], counts[large][r.name]
				if n10 > n {
					t.Errorf("%s: %d queries at %v, %d at %v", r.name, n, small, n10, large)
				}
				if n > 25 {
					t.Errorf("%s: %d queries", r.name, n)
				}
			}
		})
	}
}
