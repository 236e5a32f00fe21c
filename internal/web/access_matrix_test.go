package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/roadmap"
	"github.com/atelier-ch/atelier/internal/store"
)

// The access matrix: every route of the router × every kind of caller ×
// a resource of their own or of another commune. Each cell says the status
// the caller gets; every answer is also scanned for what must not reach
// that caller (another commune's names, emails and tokens; any token for a
// trainer). A route added without a row fails the test.

// role is a kind of caller, relative to the resource of the request.
type role string

const (
	rAdmin       role = "admin"         // an administrator without a commune
	rHR          role = "hr"            // HR of commune A, the resource's
	rTrainerOf   role = "trainer_of"    // a trainer of A running the session
	rTrainerNot  role = "trainer_not"   // a trainer of A not running it
	rHROther     role = "hr_other"      // HR of commune B, on A's closed resources
	rHROtherOpen role = "hr_other_open" // HR of commune B, on A's session open to all
	rParticipant role = "participant"   // a participant's token, nothing else
	rAnon        role = "anon"          // nobody
	// rCoordinator coordinates the region of A and B: every route is walked
	// with it too (coordinatorCells), and no answer may carry a name, an
	// address or a token of either commune.
	rCoordinator role = "coordinator"
)

var matrixRoles = []role{rAdmin, rHR, rTrainerOf, rTrainerNot, rHROther, rHROtherOpen, rParticipant, rAnon}

const (
	trainerNotEmail  = "formateur2@commune-a.example"
	coordinatorEmail = "coordination@region.example"
)

// want is the status of each role, in matrixRoles' order.
type want [8]int

// api: the six accounts, then participant and nobody (401: the API needs
// an account; a participant's token is no bearer token).
func api(admin, hr, trOf, trNot, other, otherOpen int) want {
	return want{admin, hr, trOf, trNot, other, otherOpen, 401, 401}
}

// pages: the six accounts; participant and nobody go to the sign-in page.
func pages(admin, hr, trOf, trNot, other, otherOpen int) want {
	return want{admin, hr, trOf, trNot, other, otherOpen, 303, 303}
}

func same(n int) want { return want{n, n, n, n, n, n, n, n} }

// mreq is one request of the matrix.
type mreq struct {
	method, path string
	json         any
	form         url.Values
	multipart    map[string]string // file field → content
	// fresh asks for credentials of their own (the request revokes them).
	fresh bool
	// token is the participant's token, for /r/ routes.
	token string
}

// matrix is the world the requests run in.
type matrix struct {
	a         *app
	s, open   sessionJSON // A's sessions: closed (run by trainer_of) and open to all
	personA   int64
	depA      int64
	regS      registrationJSON // a person of A in s, marked present: the participant
	trainerOf int64
	planA     int64 // a plan of A, made on first use
	n         int
	cookies   map[role]*http.Cookie
	// surveyA is an open survey of A; surveyToken the participant's own
	// link to it (the participant's person is invited).
	surveyA     int64
	surveyToken string
	// formatA is a format of A's own (a copy of the session's format).
	formatA string
}

func (m *matrix) next() int { m.n++; return m.n }

// session is the session a role's request is about.
func (m *matrix) session(r role) int64 {
	if r == rHROtherOpen {
		return m.open.ID
	}
	return m.s.ID
}

// personOf creates a person of commune org with a secret-looking name.
func (m *matrix) personOf(org *store.Org) int64 {
	n := m.next()
	email := fmt.Sprintf("secret%d@%s.example", n, org.Slug)
	p := &store.Person{OrgID: org.ID, Name: fmt.Sprintf("Secret %s %d", org.Slug, n), Email: &email, Role: "staff", Language: "fr"}
	if err := m.a.store.CreatePerson(context.Background(), p); err != nil {
		m.a.t.Fatal(err)
	}
	return p.ID
}

// freshReg books a new person into the role's session: a person of B for
// B's HR on the open session, of A otherwise.
func (m *matrix) freshReg(r role) registrationJSON {
	org, email := m.a.orgA, hrAEmail
	if r == rHROtherOpen {
		org, email = m.a.orgB, hrBEmail
	}
	p := m.personOf(org)
	return m.a.book(email, m.session(r), map[string]any{"person_id": p}).Registrations[0]
}

// freshRegOfA books a new person of A into the role's session.
func (m *matrix) freshRegOfA(r role) registrationJSON {
	return m.a.book(hrAEmail, m.session(r), map[string]any{"person_id": m.personOf(m.a.orgA)}).Registrations[0]
}

func (m *matrix) freshSession(open bool) int64 {
	body := sessionBody(m.s.Format, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC), 5)
	body["open_to_other_communes"] = open
	body["allow_room_overlap"] = true // one more each time
	return m.a.createSession(hrAEmail, body).ID
}

// failedMail is a mail of A's that could not be sent.
func (m *matrix) failedMail() int64 {
	reg := m.freshRegOfA(rHR)
	db, _ := m.a.store.SQL()
	var id int64
	if err := db.QueryRow("SELECT id FROM outbox_messages WHERE registration_id = $1", reg.ID).Scan(&id); err != nil {
		m.a.t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE outbox_messages SET status = 'failed', last_error = 'boom' WHERE id = $1", id); err != nil {
		m.a.t.Fatal(err)
	}
	return id
}

// freshDepartment creates an empty service of A.
func (m *matrix) freshDepartment() int64 {
	d := &store.Department{OrgID: m.a.orgA.ID, Name: fmt.Sprintf("Service jetable %d", m.next())}
	if err := m.a.store.CreateDepartment(context.Background(), d); err != nil {
		m.a.t.Fatal(err)
	}
	return d.ID
}

func (m *matrix) freshTrainerA() int64 {
	acc, err := m.a.srv.svc.Auth.CreateUser(context.Background(), nil, auth.NewUser{Email: fmt.Sprintf("t%d@commune-a.example", m.next()), Password: testPassword, Role: store.RoleTrainer, Org: "commune-a"})
	if err != nil {
		m.a.t.Fatal(err)
	}
	return acc.ID
}

func id(n int64) string { return fmt.Sprint(n) }

// planBody is a plan request: everyone, every Tuesday at 8:00 in a room
// no other session takes.
func planBody(format string) map[string]any {
	return map[string]any{"format": format, "audience": map[string]any{"all": true}, "from": "2026-03-09", "to": "2026-06-30",
		"slots": []map[string]any{{"weekday": "tue", "start": "08:00"}}, "capacity": 12, "location": map[string]string{"name": "Salle des plans"}}
}

// freshPlan proposes a plan of A with one more person of A, so that it
// holds someone whatever other rows booked.
func (m *matrix) freshPlan(format string) int64 {
	m.personOf(m.a.orgA)
	res := m.a.as(hrAEmail, "POST", "/api/v1/plans", planBody(format))
	if res.Code != http.StatusCreated {
		m.a.t.Fatalf("propose: %d %s", res.Code, res.Body)
	}
	var out struct{ ID int64 }
	mustJSON(m.a.t, res, &out)
	return out.ID
}

// plan is A's plan the read and edit rows use.
func (m *matrix) plan() int64 {
	if m.planA == 0 {
		m.planA = m.freshPlan(m.s.Format)
	}
	return m.planA
}

// rows are the cells, by route.
func matrixRows() map[string]struct {
	fill func(m *matrix, r role) mreq
	want want
} {
	type row = struct {
		fill func(m *matrix, r role) mreq
		want want
	}
	get := func(path string) func(*matrix, role) mreq {
		return func(*matrix, role) mreq { return mreq{method: "GET", path: path} }
	}
	onSession := func(method, suffix string, body func(m *matrix, r role) any) func(*matrix, role) mreq {
		return func(m *matrix, r role) mreq {
			q := mreq{method: method, path: "/api/v1/sessions/" + id(m.session(r)) + suffix}
			if body != nil {
				q.json = body(m, r)
			}
			return q
		}
	}
	pageOnSession := func(method, suffix string, form func(m *matrix, r role) url.Values) func(*matrix, role) mreq {
		return func(m *matrix, r role) mreq {
			q := mreq{method: method, path: "/app/sessions/" + id(m.session(r)) + suffix}
			if form != nil {
				q.form = form(m, r)
			} else if method == "POST" {
				q.form = url.Values{}
			}
			return q
		}
	}
	pdf := func(suffix string) row {
		return row{onSession("GET", suffix, nil), api(403, 200, 200, 403, 404, 404)}
	}
	rows := map[string]row{
		// Public.
		"GET /healthz":           {get("/healthz"), same(200)},
		"GET /static/*filepath":  {get("/static/css/atelier.css"), same(200)},
		"HEAD /static/*filepath": {func(*matrix, role) mreq { return mreq{method: "HEAD", path: "/static/css/atelier.css"} }, same(200)},
		"GET /favicon.ico":       {get("/favicon.ico"), same(200)},
		"HEAD /favicon.ico":      {func(*matrix, role) mreq { return mreq{method: "HEAD", path: "/favicon.ico"} }, same(200)},
		"GET /":                  {get("/"), same(303)},
		"GET /login":             {get("/login"), want{303, 303, 303, 303, 303, 303, 200, 200}},
		"POST /login": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/login", form: url.Values{"email": {fmt.Sprintf("nobody%d@nowhere.example", m.next())}, "password": {"not the password"}}}
		}, same(401)},
		"POST /logout": {func(*matrix, role) mreq {
			return mreq{method: "POST", path: "/logout", form: url.Values{}, fresh: true}
		}, same(303)},
		"POST /api/v1/auth/token": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/auth/token", json: map[string]string{"email": fmt.Sprintf("nobody%d@nowhere.example", m.next()), "password": "wrong"}}
		}, same(401)},
		"GET /api/v1/formats":                  {get("/api/v1/formats"), same(200)},
		"GET /api/v1/formats/:slug":            {get("/api/v1/formats/ucv-consultation"), same(200)},
		"GET /api/v1/formats/:slug/sheets.pdf": {get("/api/v1/formats/ucv-consultation/sheets.pdf"), same(200)},

		// A commune's own formats: its staff read them, its HR copies and
		// adapts them; another commune does not see them.
		"GET /api/v1/formats/:slug/versions": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: "/api/v1/formats/" + m.formatA + "/versions"}
		}, api(403, 200, 200, 200, 404, 404)},
		"POST /api/v1/formats/:slug/copy": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/formats/" + m.formatA + "/copy"}
		}, api(403, 201, 403, 403, 404, 404)},
		"PATCH /api/v1/formats/:slug": {func(m *matrix, r role) mreq {
			return mreq{method: "PATCH", path: "/api/v1/formats/" + m.formatA, json: map[string]string{"title": fmt.Sprintf("Format de A %d", m.next())}}
		}, api(403, 200, 403, 403, 404, 404)},
		"GET /app/formats/:slug/edit": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: "/app/formats/" + m.formatA + "/edit"}
		}, pages(403, 200, 403, 403, 404, 404)},
		"POST /app/formats/:slug": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/formats/" + m.formatA, form: m.formatFormA()}
		}, pages(403, 303, 403, 403, 404, 404)},
		"POST /app/formats/:slug/copy": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/formats/" + m.formatA + "/copy", form: url.Values{}}
		}, pages(403, 303, 403, 403, 404, 404)},
		// Withdrawn as soon as published: B (of the same region) never
		// sees it in the other rows.
		"POST /api/v1/formats/:slug/publish": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/formats/" + m.formatA + "/publish", json: map[string]bool{"published": false}}
		}, api(403, 200, 403, 403, 404, 404)},
		"POST /app/formats/:slug/publish": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/formats/" + m.formatA + "/publish", form: url.Values{"published": {"0"}}}
		}, pages(403, 303, 403, 403, 404, 404)},

		// Participant links: the token is the key; a wrong one opens nothing.
		"GET /r/:token": {participantRoute("GET", ""), participantOnly(200)},
		"POST /r/:token/cancel": {func(m *matrix, r role) mreq {
			q := participantRoute("POST", "/cancel")(m, r)
			if r == rParticipant {
				q.token = m.freshRegOfA(rHR).Token
				q.path = "/r/" + q.token + "/cancel"
			}
			return q
		}, participantOnly(303)},
		"POST /r/:token/feedback": {participantRoute("POST", "/feedback"), participantOnly(409)}, // the session has not ended
		"POST /r/:token/rsvp": {func(m *matrix, r role) mreq {
			q := participantRoute("POST", "/rsvp")(m, r)
			q.form = url.Values{"answer": {"accepted"}}
			return q
		}, participantOnly(303)},
		"GET /r/:token/qr.png":          {participantRoute("GET", "/qr.png"), participantOnly(200)},
		"GET /r/:token/certificate.pdf": {participantRoute("GET", "/certificate.pdf"), participantOnly(200)},
		"GET /r/:token/invite.ics":      {participantRoute("GET", "/invite.ics"), participantOnly(200)},
		"GET /r/:token/feed.ics":        {participantRoute("GET", "/feed.ics"), participantOnly(200)},
		"GET /feeds/:file":              {get("/feeds/" + strings.Repeat("X", 52) + ".ics"), same(404)},

		// API: the platform.
		"DELETE /api/v1/auth/token": {func(*matrix, role) mreq { return mreq{method: "DELETE", path: "/api/v1/auth/token", fresh: true} }, api(204, 204, 204, 204, 204, 204)},
		"POST /api/v1/orgs": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/orgs", json: map[string]string{"slug": fmt.Sprintf("commune-%d", m.next()), "name": "Nouvelle"}}
		}, api(201, 403, 403, 403, 403, 403)},
		"GET /api/v1/orgs": {get("/api/v1/orgs"), api(200, 403, 403, 403, 403, 403)},
		"POST /api/v1/users": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/users", json: map[string]string{"email": fmt.Sprintf("u%d@commune-a.example", m.next()), "password": testPassword, "role": "trainer", "org": "commune-a"}}
		}, api(201, 201, 403, 403, 422, 422)},
		"GET /api/v1/users":         {get("/api/v1/users"), api(200, 200, 403, 403, 200, 200)},
		"GET /api/v1/staff-actions": {get("/api/v1/staff-actions"), api(200, 403, 403, 403, 403, 403)},
		"PATCH /api/v1/users/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "PATCH", path: "/api/v1/users/" + id(m.freshTrainerA()), json: map[string]string{"role": "hr"}}
		}, api(200, 403, 403, 403, 403, 403)},

		"POST /api/v1/users/:id/password-reset": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/users/" + id(m.freshTrainerA()) + "/password-reset"}
		}, api(201, 201, 403, 403, 404, 404)},
		"PUT /api/v1/me/password": {func(m *matrix, r role) mreq {
			return mreq{method: "PUT", path: "/api/v1/me/password", json: map[string]string{"current_password": "not the password", "password": "another long password"}}
		}, api(422, 422, 422, 422, 422, 422)},
		"GET /reset/:token": {get("/reset/" + strings.Repeat("B", 52)), same(200)},
		"POST /reset/:token": {func(*matrix, role) mreq {
			return mreq{method: "POST", path: "/reset/" + strings.Repeat("B", 52), form: url.Values{"password": {"a long new password"}}}
		}, same(404)},

		// API: a commune's people and services.
		"POST /api/v1/departments": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/departments", json: map[string]string{"name": fmt.Sprintf("Service %d", m.next())}}
		}, api(403, 201, 403, 403, 201, 201)},
		"GET /api/v1/departments": {get("/api/v1/departments"), api(403, 200, 200, 200, 200, 200)},
		"PATCH /api/v1/departments/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "PATCH", path: "/api/v1/departments/" + id(m.depA), json: map[string]string{"name": fmt.Sprintf("Finances %d", m.next())}}
		}, api(403, 200, 403, 403, 404, 404)},
		"DELETE /api/v1/departments/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "DELETE", path: "/api/v1/departments/" + id(m.freshDepartment())}
		}, api(403, 204, 403, 403, 404, 404)},
		"POST /api/v1/departments/:id/merge": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/departments/" + id(m.freshDepartment()) + "/merge", json: map[string]int64{"into": m.depA}}
		}, api(403, 200, 403, 403, 404, 404)},
		"POST /api/v1/people": {func(m *matrix, r role) mreq {
			n := m.next()
			return mreq{method: "POST", path: "/api/v1/people", json: map[string]string{"name": fmt.Sprintf("Nouvelle %d", n), "email": fmt.Sprintf("n%d@x.example", n), "role": "staff"}}
		}, api(403, 201, 403, 403, 201, 201)},
		"GET /api/v1/people":            {get("/api/v1/people"), api(403, 200, 200, 200, 200, 200)},
		"GET /api/v1/people/export.csv": {get("/api/v1/people/export.csv"), api(403, 200, 403, 403, 200, 200)},
		"POST /api/v1/people/import": {func(m *matrix, r role) mreq {
			n := m.next()
			return mreq{method: "POST", path: "/api/v1/people/import", multipart: map[string]string{"file": fmt.Sprintf("Nom;Prénom;E-mail\nImporté;Api %d;api%d@x.example\n", n, n)}}
		}, api(403, 200, 403, 403, 200, 200)},
		"GET /api/v1/people/:id": {func(m *matrix, r role) mreq { return mreq{method: "GET", path: "/api/v1/people/" + id(m.personA)} }, api(403, 200, 200, 200, 404, 404)},
		"PATCH /api/v1/people/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "PATCH", path: "/api/v1/people/" + id(m.personA), json: map[string]string{"language": "fr"}}
		}, api(403, 200, 403, 403, 404, 404)},
		"GET /api/v1/people/:id/export": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: "/api/v1/people/" + id(m.personA) + "/export"}
		}, api(403, 200, 403, 403, 404, 404)},
		"DELETE /api/v1/people/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "DELETE", path: "/api/v1/people/" + id(m.personOf(m.a.orgA))}
		}, api(403, 204, 403, 403, 404, 404)},
		"POST /api/v1/people/:id/leave": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/people/" + id(m.personOf(m.a.orgA)) + "/leave"}
		}, api(403, 200, 403, 403, 404, 404)},
		"POST /api/v1/people/:id/return": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/people/" + id(m.personA) + "/return"}
		}, api(403, 200, 403, 403, 404, 404)},

		// API: sessions.
		"POST /api/v1/sessions": {func(m *matrix, r role) mreq {
			body := sessionBody(m.s.Format, time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC), 5)
			body["allow_room_overlap"] = true // one more for each role
			return mreq{method: "POST", path: "/api/v1/sessions", json: body}
		}, api(403, 201, 403, 403, 201, 201)},
		"GET /api/v1/sessions":     {get("/api/v1/sessions"), api(403, 200, 200, 200, 200, 200)},
		"GET /api/v1/sessions/:id": {onSession("GET", "", nil), api(403, 200, 200, 200, 404, 200)},
		"PATCH /api/v1/sessions/:id": {onSession("PATCH", "", func(m *matrix, r role) any {
			return map[string]string{"title": fmt.Sprintf("Titre %d", m.next())}
		}), api(403, 200, 403, 403, 404, 404)},
		"POST /api/v1/sessions/:id/cancel": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/sessions/" + id(m.freshSession(r == rHROtherOpen)) + "/cancel"}
		}, api(403, 200, 403, 403, 404, 404)},
		"POST /api/v1/sessions/:id/registrations": {onSession("POST", "/registrations", func(m *matrix, r role) any {
			org := m.a.orgA
			if r == rHROther || r == rHROtherOpen {
				org = m.a.orgB
			}
			return map[string]int64{"person_id": m.personOf(org)}
		}), api(403, 201, 403, 403, 404, 201)},
		"GET /api/v1/sessions/:id/registrations": {onSession("GET", "/registrations", nil), api(403, 200, 200, 403, 404, 200)},
		"GET /api/v1/sessions/:id/history":       {onSession("GET", "/history", nil), api(403, 200, 403, 403, 404, 404)},
		"POST /api/v1/sessions/:id/checkin": {onSession("POST", "/checkin", func(m *matrix, r role) any {
			return map[string]string{"token": m.freshRegOfA(r).Token}
		}), api(403, 200, 200, 403, 404, 404)},
		"POST /api/v1/sessions/:id/walkins": {onSession("POST", "/walkins", func(m *matrix, r role) any {
			return map[string]string{"name": fmt.Sprintf("Passant %d", m.next())}
		}), api(403, 201, 201, 403, 404, 404)},
		"GET /api/v1/sessions/:id/sheets.pdf":       pdf("/sheets.pdf"),
		"GET /api/v1/sessions/:id/signin-sheet.pdf": pdf("/signin-sheet.pdf"),
		"GET /api/v1/sessions/:id/programme.pdf":    pdf("/programme.pdf"),
		"GET /api/v1/sessions/:id/certificates.pdf": pdf("/certificates.pdf"),
		"DELETE /api/v1/registrations/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "DELETE", path: "/api/v1/registrations/" + id(m.freshRegOfA(r).ID)}
		}, api(403, 200, 403, 403, 404, 404)},
		"PUT /api/v1/registrations/:id/attendance": {func(m *matrix, r role) mreq {
			return mreq{method: "PUT", path: "/api/v1/registrations/" + id(m.freshRegOfA(r).ID) + "/attendance", json: map[string]string{"status": "present"}}
		}, api(403, 200, 200, 403, 404, 404)},

		"POST /api/v1/registrations/:id/resend": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/registrations/" + id(m.freshRegOfA(r).ID) + "/resend"}
		}, api(403, 202, 403, 403, 404, 404)},
		"POST /api/v1/outbox/:id/retry": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/outbox/" + id(m.failedMail()) + "/retry"}
		}, api(403, 200, 403, 403, 404, 404)},
		"POST /app/registrations/:id/resend": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/registrations/" + id(m.freshRegOfA(r).ID) + "/resend", form: url.Values{}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"POST /app/outbox/:id/retry": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/outbox/" + id(m.failedMail()) + "/retry", form: url.Values{}}
		}, pages(403, 303, 403, 403, 404, 404)},
		// API: campaign plans, which belong to their commune.
		"POST /api/v1/plans": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/plans", json: planBody(m.s.Format)}
		}, api(403, 201, 403, 403, 201, 201)},
		"GET /api/v1/plans/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: "/api/v1/plans/" + id(m.plan())}
		}, api(403, 200, 403, 403, 404, 404)},
		"PATCH /api/v1/plans/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "PATCH", path: "/api/v1/plans/" + id(m.plan()), json: map[string]any{"accept": []string{}}}
		}, api(403, 200, 403, 403, 404, 404)},
		"POST /api/v1/plans/:id/confirm": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/plans/" + id(m.freshPlan("ucv-consultation")) + "/confirm"}
		}, api(403, 200, 403, 403, 404, 404)},

		// API: what HR reads.
		"GET /api/v1/outbox":                 {get("/api/v1/outbox"), api(403, 200, 403, 403, 200, 200)},
		"GET /api/v1/reports/attendance.csv": {get("/api/v1/reports/attendance.csv"), api(403, 200, 403, 403, 200, 200)},
		"GET /api/v1/reports/campaign":       {get("/api/v1/reports/campaign"), api(403, 200, 403, 403, 200, 200)},
		"GET /api/v1/reports/campaign.pdf":   {get("/api/v1/reports/campaign.pdf"), api(403, 200, 403, 403, 200, 200)},
		"GET /api/v1/feed":                   {get("/api/v1/feed"), api(403, 200, 200, 200, 200, 200)},
		"POST /api/v1/feed/rotate":           {func(*matrix, role) mreq { return mreq{method: "POST", path: "/api/v1/feed/rotate"} }, api(403, 201, 201, 201, 201, 201)},
		"DELETE /api/v1/feed":                {func(*matrix, role) mreq { return mreq{method: "DELETE", path: "/api/v1/feed"} }, api(204, 204, 204, 204, 204, 204)},
		"DELETE /api/v1/users/:id/feed": {func(m *matrix, r role) mreq {
			return mreq{method: "DELETE", path: "/api/v1/users/" + id(m.freshTrainerA()) + "/feed"}
		}, api(204, 403, 403, 403, 403, 403)},
		"POST /app/feed/rotate": {func(*matrix, role) mreq { return mreq{method: "POST", path: "/app/feed/rotate", form: url.Values{}} }, pages(403, 200, 200, 200, 200, 200)},

		// Staff pages.
		"GET /app":               {get("/app"), pages(303, 200, 200, 200, 200, 200)},
		"GET /app/catalog":       {get("/app/catalog"), pages(200, 200, 200, 200, 200, 200)},
		"GET /app/catalog/:slug": {get("/app/catalog/ucv-consultation"), pages(200, 200, 200, 200, 200, 200)},
		"GET /app/sessions":      {get("/app/sessions"), pages(403, 200, 200, 200, 200, 200)},
		"GET /app/sessions/new":  {get("/app/sessions/new"), pages(403, 200, 403, 403, 200, 200)},
		"POST /app/sessions": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/sessions", form: url.Values{"format": {m.s.Format}, "starts_at": {"2026-06-01T09:00"}, "capacity": {"5"}, "location_name": {"Salle"}, "allow_room_overlap": {"on"}}}
		}, pages(403, 303, 403, 403, 303, 303)},
		"GET /app/sessions/:id": {pageOnSession("GET", "", nil), pages(403, 200, 403, 403, 404, 200)},
		"POST /app/sessions/:id/book": {pageOnSession("POST", "/book", func(m *matrix, r role) url.Values {
			org := m.a.orgA
			if r == rHROther || r == rHROtherOpen {
				org = m.a.orgB
			}
			return url.Values{"mode": {"people"}, "person_ids": {id(m.personOf(org))}}
		}), pages(403, 303, 403, 403, 404, 303)},
		"POST /app/sessions/:id/edit": {pageOnSession("POST", "/edit", func(m *matrix, r role) url.Values {
			return url.Values{"trainers_present": {"1"}, "trainers": {id(m.trainerOf)}}
		}), pages(403, 303, 403, 403, 404, 404)},
		"POST /app/sessions/:id/cancel": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/sessions/" + id(m.freshSession(r == rHROtherOpen)) + "/cancel", form: url.Values{"confirmed": {"1"}}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"GET /app/sessions/:id/day": {pageOnSession("GET", "/day", nil), pages(403, 200, 200, 403, 404, 404)},
		"POST /app/sessions/:id/checkin": {pageOnSession("POST", "/checkin", func(m *matrix, r role) url.Values {
			return url.Values{"code": {m.freshRegOfA(r).Token}}
		}), pages(403, 303, 303, 403, 404, 404)},
		"POST /app/sessions/:id/walkin": {pageOnSession("POST", "/walkin", func(m *matrix, r role) url.Values {
			return url.Values{"name": {fmt.Sprintf("Passante %d", m.next())}}
		}), pages(403, 303, 303, 403, 404, 404)},
		"POST /app/registrations/:id/attendance": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/registrations/" + id(m.freshRegOfA(r).ID) + "/attendance", form: url.Values{"status": {"present"}}}
		}, pages(403, 303, 303, 403, 404, 404)},
		"POST /app/registrations/:id/cancel": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/registrations/" + id(m.freshRegOfA(r).ID) + "/cancel", form: url.Values{"confirmed": {"1"}}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"GET /app/people":     {get("/app/people"), pages(403, 200, 403, 403, 200, 200)},
		"GET /app/people/new": {get("/app/people/new"), pages(403, 200, 403, 403, 200, 200)},
		"POST /app/people": {func(m *matrix, r role) mreq {
			n := m.next()
			return mreq{method: "POST", path: "/app/people", form: url.Values{"family_name": {fmt.Sprintf("Nouveau %d", n)}, "email": {fmt.Sprintf("nv%d@x.example", n)}, "role": {"staff"}, "language": {"fr"}}}
		}, pages(403, 303, 403, 403, 303, 303)},
		"POST /app/people/import": {func(m *matrix, r role) mreq {
			n := m.next()
			return mreq{method: "POST", path: "/app/people/import", multipart: map[string]string{"file": fmt.Sprintf("Nom;Prénom;E-mail\nImporté;Page %d;imp%d@x.example\n", n, n)}}
		}, pages(403, 200, 403, 403, 200, 200)},
		"GET /app/people/:id/edit": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: "/app/people/" + id(m.personA) + "/edit"}
		}, pages(403, 200, 403, 403, 404, 404)},
		"POST /app/people/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/people/" + id(m.personA), form: url.Values{"given_name": {"Secret commune-a"}, "family_name": {"1"}, "email": {"secret1@commune-a.example"}, "role": {"staff"}, "language": {"fr"}}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"POST /app/people/:id/erase": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/people/" + id(m.personOf(m.a.orgA)) + "/erase", form: url.Values{"confirmed": {"1"}}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"POST /app/people/:id/leave": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/people/" + id(m.personOf(m.a.orgA)) + "/leave", form: url.Values{"confirmed": {"1"}}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"POST /app/people/:id/return": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/people/" + id(m.personA) + "/return"}
		}, pages(403, 303, 403, 403, 404, 404)},
		"GET /app/departments": {get("/app/departments"), pages(403, 200, 403, 403, 200, 200)},
		"POST /app/departments": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/departments", form: url.Values{"name": {fmt.Sprintf("Service %d", m.next())}}}
		}, pages(403, 303, 403, 403, 303, 303)},
		"POST /app/departments/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/departments/" + id(m.depA), form: url.Values{"name": {fmt.Sprintf("Finances %d", m.next())}}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"POST /app/departments/:id/delete": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/departments/" + id(m.freshDepartment()) + "/delete", form: url.Values{}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"POST /app/departments/:id/merge": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/departments/" + id(m.freshDepartment()) + "/merge", form: url.Values{"into": {id(m.depA)}}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"GET /app/reports":  {get("/app/reports"), pages(403, 200, 403, 403, 200, 200)},
		"GET /app/admin":    {get("/app/admin"), pages(200, 403, 403, 403, 403, 403)},
		"GET /app/accounts": {get("/app/accounts"), pages(200, 200, 403, 403, 200, 200)},
		"POST /app/accounts": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/accounts", form: url.Values{"email": {fmt.Sprintf("acc%d@x.example", m.next())}, "password": {testPassword}, "role": {"trainer"}}}
		}, pages(422, 303, 403, 403, 303, 303)},
		"POST /app/accounts/:id/disable": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/accounts/" + id(m.freshTrainerA()) + "/disable", form: url.Values{}}
		}, pages(303, 303, 403, 403, 404, 404)},
		"POST /app/accounts/:id/enable": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/accounts/" + id(m.freshTrainerA()) + "/enable", form: url.Values{}}
		}, pages(303, 303, 403, 403, 404, 404)},
		"POST /app/accounts/:id/reset": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/accounts/" + id(m.freshTrainerA()) + "/reset", form: url.Values{}}
		}, pages(200, 200, 403, 403, 404, 404)},
		"GET /app/account": {get("/app/account"), pages(200, 200, 200, 200, 200, 200)},
		"POST /app/account/password": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/account/password", form: url.Values{"current_password": {"wrong"}, "password": {"another long password"}}}
		}, pages(422, 422, 422, 422, 422, 422)},
		"GET /app/plans/new": {get("/app/plans/new?format=aubonne"), pages(403, 200, 403, 403, 200, 200)},
		"POST /app/plans": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/plans", form: url.Values{"format": {m.s.Format}, "from": {"2026-03-09"}, "to": {"2026-06-30"},
				"slot_weekday_0": {"wed"}, "slot_start_0": {"08:00"}, "capacity": {"12"}, "location_name": {"Salle des plans"}, "skip_trained": {"on"}}}
		}, pages(403, 303, 403, 403, 303, 303)},
		"GET /app/plans/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: "/app/plans/" + id(m.plan())}
		}, pages(403, 200, 403, 403, 404, 404)},
		"POST /app/plans/:id/move": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/plans/" + id(m.plan()) + "/move", form: url.Values{"person_id": {id(m.personA)}, "to_session": {"out"}}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"POST /app/plans/:id/remove": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/plans/" + id(m.freshPlan(m.s.Format)) + "/remove", form: url.Values{"session": {"0"}}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"POST /app/plans/:id/accept": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/plans/" + id(m.plan()) + "/accept", form: url.Values{}}
		}, pages(403, 303, 403, 403, 404, 404)},
		"GET /app/plans/:id/confirm": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: "/app/plans/" + id(m.plan()) + "/confirm"}
		}, pages(403, 200, 403, 403, 404, 404)},
		"POST /app/plans/:id/confirm": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/plans/" + id(m.freshPlan("ucv-consultation")) + "/confirm", form: url.Values{}}
		}, pages(403, 303, 403, 403, 404, 404)},

		// The strategy (guide §3): surveys, memento, roadmap. Both communes
		// have an état des lieux open, so a launch is refused (409) once
		// access is granted: one survey of a kind at a time.
		"POST /api/v1/surveys": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/surveys", json: map[string]any{"kind": "etat_des_lieux", "audience": map[string]bool{"all": true}, "closes_at": "2026-06-30"}}
		}, api(403, 409, 403, 403, 409, 409)},
		"GET /api/v1/surveys": {get("/api/v1/surveys"), api(403, 200, 200, 200, 200, 200)},
		"GET /api/v1/surveys/:id/results": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: fmt.Sprintf("/api/v1/surveys/%d/results", m.surveyA)}
		}, api(403, 200, 200, 200, 404, 404)},
		"GET /api/v1/surveys/:id/results.pdf": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: fmt.Sprintf("/api/v1/surveys/%d/results.pdf", m.surveyA)}
		}, api(403, 200, 200, 200, 404, 404)},
		"GET /api/v1/memento": {get("/api/v1/memento"), api(403, 200, 200, 200, 200, 200)},
		"PUT /api/v1/memento": {func(m *matrix, r role) mreq {
			return mreq{method: "PUT", path: "/api/v1/memento", json: map[string]any{"rules": []string{fmt.Sprintf("Règle %d", m.next())}}}
		}, api(403, 200, 403, 403, 200, 200)},
		"GET /api/v1/memento.pdf": {get("/api/v1/memento.pdf"), api(403, 200, 200, 200, 200, 200)},
		"GET /api/v1/roadmap":     {get("/api/v1/roadmap"), api(403, 200, 403, 403, 200, 200)},
		"PUT /api/v1/roadmap": {func(m *matrix, r role) mreq {
			return mreq{method: "PUT", path: "/api/v1/roadmap", json: roadmap.Default()}
		}, api(403, 200, 403, 403, 200, 200)},
		"GET /api/v1/roadmap.pdf": {get("/api/v1/roadmap.pdf"), api(403, 200, 403, 403, 200, 200)},
		"GET /s/:token":           {surveyRoute("GET"), participantOnly(200)},
		"POST /s/:token":          {surveyRoute("POST"), participantOnly(303)},
		"POST /r/:token/memento":  {participantRoute("POST", "/memento"), participantOnly(303)},
		"GET /m/:slug":            {get("/m/commune-a"), same(200)},
		"GET /app/surveys":        {get("/app/surveys"), pages(403, 200, 200, 200, 200, 200)},
		"POST /app/surveys": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/surveys", form: url.Values{"closes_at": {"2026-06-30"}}}
		}, pages(403, 409, 403, 403, 409, 409)},
		"GET /app/surveys/:id": {func(m *matrix, r role) mreq {
			return mreq{method: "GET", path: fmt.Sprintf("/app/surveys/%d", m.surveyA)}
		}, pages(403, 200, 200, 200, 404, 404)},
		"GET /app/memento": {get("/app/memento"), pages(403, 200, 200, 200, 200, 200)},
		"POST /app/memento": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/memento", form: url.Values{"rules[0]": {fmt.Sprintf("Règle de page %d", m.next())}, "language": {"fr"}}}
		}, pages(403, 303, 403, 403, 303, 303)},
		"GET /app/roadmap": {get("/app/roadmap"), pages(403, 200, 403, 403, 200, 200)},
		"POST /app/roadmap": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/roadmap", form: url.Values{"owner.name": {"Secrétaire municipal"}}}
		}, pages(403, 303, 403, 403, 303, 303)},
		"POST /app/admin/orgs": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/admin/orgs", form: url.Values{"slug": {fmt.Sprintf("page-%d", m.next())}, "name": {"Par la page"}}}
		}, pages(303, 403, 403, 403, 403, 403)},
		"POST /app/admin/users": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/admin/users", form: url.Values{"email": {fmt.Sprintf("pu%d@commune-a.example", m.next())}, "password": {testPassword}, "role": {"trainer"}, "org": {"commune-a"}}}
		}, pages(303, 303, 403, 403, 403, 403)},
		"POST /app/admin/users/:id/role": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/admin/users/" + id(m.freshTrainerA()) + "/role", form: url.Values{"role": {"trainer"}}}
		}, pages(303, 403, 403, 403, 403, 403)},

		// Communes together: A and B are in one region and share with it;
		// both saved their exchange of experience, A published it.
		"POST /api/v1/regions": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/regions", json: map[string]string{"slug": fmt.Sprintf("region-%d", m.next()), "name": "Région"}}
		}, api(201, 403, 403, 403, 403, 403)},
		"GET /api/v1/regions": {get("/api/v1/regions"), api(200, 403, 403, 403, 403, 403)},
		"POST /api/v1/regions/:slug/communes": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/regions/region-ab/communes", json: map[string]string{"org": "commune-a"}}
		}, api(200, 403, 403, 403, 403, 403)},
		"PATCH /api/v1/orgs/:slug": {func(m *matrix, r role) mreq {
			return mreq{method: "PATCH", path: "/api/v1/orgs/commune-a", json: map[string]bool{"share_with_region": true}}
		}, api(200, 200, 403, 403, 404, 404)},
		"GET /api/v1/region/report":     {get("/api/v1/region/report"), api(403, 403, 403, 403, 403, 403)},
		"GET /api/v1/region/report.pdf": {get("/api/v1/region/report.pdf"), api(403, 403, 403, 403, 403, 403)},
		"GET /api/v1/region/experience": {get("/api/v1/region/experience"), api(403, 200, 403, 403, 200, 200)},
		"GET /api/v1/experience":        {get("/api/v1/experience"), api(403, 200, 403, 403, 200, 200)},
		"POST /api/v1/experience": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/api/v1/experience", json: experienceBody(fmt.Sprintf("Tâche %d", m.next()))}
		}, api(403, 200, 403, 403, 200, 200)},
		"POST /api/v1/experience/publish": {func(*matrix, role) mreq { return mreq{method: "POST", path: "/api/v1/experience/publish"} }, api(403, 200, 403, 403, 200, 200)},
		"GET /app/region":                 {get("/app/region"), pages(403, 403, 403, 403, 403, 403)},
		"GET /app/region/experience":      {get("/app/region/experience"), pages(403, 200, 403, 403, 200, 200)},
		"GET /app/commune":                {get("/app/commune"), pages(403, 200, 403, 403, 200, 200)},
		"POST /app/commune/share": {func(*matrix, role) mreq {
			return mreq{method: "POST", path: "/app/commune/share", form: url.Values{"share": {"1"}, "confirmed": {"1"}}}
		}, pages(403, 303, 403, 403, 303, 303)},
		"GET /app/experience": {get("/app/experience"), pages(403, 200, 403, 403, 200, 200)},
		"POST /app/experience": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/experience", form: url.Values{"favourable_tasks[0]": {fmt.Sprintf("Tâche %d", m.next())},
				"time_gains[0].task": {"Procès-verbaux"}, "time_gains[0].hours_per_month": {"4,5"}, "quality_controls[0]": {"Relecture"},
				"general_tools[0].tool": {"Copilot"}, "general_tools[0].tasks": {"Résumés"}, "language": {"fr"}}}
		}, pages(403, 303, 403, 403, 303, 303)},
		"POST /app/experience/publish": {func(*matrix, role) mreq {
			return mreq{method: "POST", path: "/app/experience/publish", form: url.Values{"confirmed": {"1"}}}
		}, pages(403, 303, 403, 403, 303, 303)},
		"POST /app/admin/regions": {func(m *matrix, r role) mreq {
			return mreq{method: "POST", path: "/app/admin/regions", form: url.Values{"slug": {fmt.Sprintf("page-region-%d", m.next())}, "name": {"Par la page"}}}
		}, pages(303, 403, 403, 403, 403, 403)},
		"POST /app/admin/regions/communes": {func(*matrix, role) mreq {
			return mreq{method: "POST", path: "/app/admin/regions/communes", form: url.Values{"region": {"region-ab"}, "org": {"commune-b"}}}
		}, pages(303, 403, 403, 403, 403, 403)},
	}
	return rows
}

// experienceBody is a valid exchange of experience.
func experienceBody(task string) map[string]any {
	return map[string]any{
		"favourable_tasks": []string{task},
		"time_gains":       []map[string]any{{"task": "Procès-verbaux", "hours_per_month": 6}},
		"quality_controls": []string{"Relecture à quatre yeux"},
		"general_tools":    []map[string]string{{"tool": "Microsoft Copilot", "tasks": "Résumés de séances"}},
	}
}

// coordinatorCells is the status the region's coordinator gets on each
// route: the regional view and the region's experience, the public pages,
// their own account; nothing of a commune (404: it does not exist for
// them) and nothing of the platform (403).
func coordinatorCells() map[string]int {
	return map[string]int{
		"GET /healthz": 200, "GET /static/*filepath": 200, "HEAD /static/*filepath": 200, "GET /favicon.ico": 200, "HEAD /favicon.ico": 200,
		"GET /": 303, "GET /login": 303, "POST /login": 401, "POST /logout": 303, "POST /api/v1/auth/token": 401,
		"GET /api/v1/formats": 200, "GET /api/v1/formats/:slug": 200, "GET /api/v1/formats/:slug/sheets.pdf": 200,
		// A commune's own formats are its staff's.
		"GET /api/v1/formats/:slug/versions": 404, "POST /api/v1/formats/:slug/copy": 404, "PATCH /api/v1/formats/:slug": 404,
		"POST /api/v1/formats/:slug/publish": 404, "GET /app/formats/:slug/edit": 404, "POST /app/formats/:slug": 404,
		"POST /app/formats/:slug/copy": 404, "POST /app/formats/:slug/publish": 404,
		"GET /r/:token": 404, "POST /r/:token/cancel": 404, "POST /r/:token/feedback": 404, "POST /r/:token/rsvp": 404,
		"GET /r/:token/qr.png": 404, "GET /r/:token/certificate.pdf": 404, "GET /r/:token/invite.ics": 404, "GET /r/:token/feed.ics": 404,
		"GET /feeds/:file": 404, "GET /s/:token": 404, "POST /s/:token": 404, "POST /r/:token/memento": 404, "GET /m/:slug": 200,
		"GET /reset/:token": 200, "POST /reset/:token": 404,
		"DELETE /api/v1/auth/token": 204, "PUT /api/v1/me/password": 422,
		// The platform.
		"POST /api/v1/orgs": 403, "GET /api/v1/orgs": 403, "POST /api/v1/users": 404, "GET /api/v1/users": 404, "GET /api/v1/staff-actions": 403,
		"PATCH /api/v1/users/:id": 403, "POST /api/v1/users/:id/password-reset": 404, "DELETE /api/v1/users/:id/feed": 403,
		"POST /api/v1/regions": 403, "GET /api/v1/regions": 403, "POST /api/v1/regions/:slug/communes": 403,
		"GET /app/admin": 403, "POST /app/admin/orgs": 403, "POST /app/admin/users": 403, "POST /app/admin/users/:id/role": 403,
		"POST /app/admin/regions": 403, "POST /app/admin/regions/communes": 403,
		// A commune's people, services, sessions, mails, plans, reports.
		"POST /api/v1/departments": 404, "GET /api/v1/departments": 404, "PATCH /api/v1/departments/:id": 404, "DELETE /api/v1/departments/:id": 404,
		"POST /api/v1/departments/:id/merge": 404, "POST /api/v1/people": 404, "GET /api/v1/people": 404, "GET /api/v1/people/export.csv": 404,
		"POST /api/v1/people/import": 404, "GET /api/v1/people/:id": 404, "PATCH /api/v1/people/:id": 404, "GET /api/v1/people/:id/export": 404,
		"DELETE /api/v1/people/:id": 404, "POST /api/v1/people/:id/leave": 404, "POST /api/v1/people/:id/return": 404,
		"POST /api/v1/sessions": 404, "GET /api/v1/sessions": 404, "GET /api/v1/sessions/:id": 404, "PATCH /api/v1/sessions/:id": 404,
		"POST /api/v1/sessions/:id/cancel": 404, "POST /api/v1/sessions/:id/registrations": 404, "GET /api/v1/sessions/:id/registrations": 404,
		"GET /api/v1/sessions/:id/history": 404, "POST /api/v1/sessions/:id/checkin": 404, "POST /api/v1/sessions/:id/walkins": 404,
		"GET /api/v1/sessions/:id/sheets.pdf": 404, "GET /api/v1/sessions/:id/signin-sheet.pdf": 404, "GET /api/v1/sessions/:id/programme.pdf": 404,
		"GET /api/v1/sessions/:id/certificates.pdf": 404, "DELETE /api/v1/registrations/:id": 404, "PUT /api/v1/registrations/:id/attendance": 404,
		"POST /api/v1/registrations/:id/resend": 404, "POST /api/v1/outbox/:id/retry": 404,
		"POST /api/v1/plans": 404, "GET /api/v1/plans/:id": 404, "PATCH /api/v1/plans/:id": 404, "POST /api/v1/plans/:id/confirm": 404,
		"GET /api/v1/outbox": 404, "GET /api/v1/reports/attendance.csv": 404, "GET /api/v1/reports/campaign": 404, "GET /api/v1/reports/campaign.pdf": 404,
		"GET /api/v1/feed": 404, "POST /api/v1/feed/rotate": 404, "DELETE /api/v1/feed": 204, // ending no feed is nothing
		"POST /api/v1/surveys": 404, "GET /api/v1/surveys": 404, "GET /api/v1/surveys/:id/results": 404, "GET /api/v1/surveys/:id/results.pdf": 404,
		"GET /api/v1/memento": 404, "PUT /api/v1/memento": 404, "GET /api/v1/memento.pdf": 404,
		"GET /api/v1/roadmap": 404, "PUT /api/v1/roadmap": 404, "GET /api/v1/roadmap.pdf": 404,
		"PATCH /api/v1/orgs/:slug": 404, "GET /api/v1/experience": 404, "POST /api/v1/experience": 404, "POST /api/v1/experience/publish": 404,
		// Staff pages of a commune.
		"POST /app/feed/rotate": 404, "GET /app/sessions": 404, "GET /app/sessions/new": 404, "POST /app/sessions": 404, "GET /app/sessions/:id": 404,
		"POST /app/sessions/:id/book": 404, "POST /app/sessions/:id/edit": 404, "POST /app/sessions/:id/cancel": 404, "GET /app/sessions/:id/day": 404,
		"POST /app/sessions/:id/checkin": 404, "POST /app/sessions/:id/walkin": 404, "POST /app/registrations/:id/attendance": 404,
		"POST /app/registrations/:id/cancel": 404, "POST /app/registrations/:id/resend": 404, "POST /app/outbox/:id/retry": 404,
		"GET /app/people": 404, "GET /app/people/new": 404, "POST /app/people": 404, "POST /app/people/import": 404, "GET /app/people/:id/edit": 404,
		"POST /app/people/:id": 404, "POST /app/people/:id/erase": 404, "POST /app/people/:id/leave": 404, "POST /app/people/:id/return": 404,
		"GET /app/departments": 404, "POST /app/departments": 404, "POST /app/departments/:id": 404, "POST /app/departments/:id/delete": 404,
		"POST /app/departments/:id/merge": 404, "GET /app/reports": 404, "GET /app/accounts": 404, "POST /app/accounts": 404,
		"POST /app/accounts/:id/disable": 404, "POST /app/accounts/:id/enable": 404, "POST /app/accounts/:id/reset": 404,
		"GET /app/plans/new": 404, "POST /app/plans": 404, "GET /app/plans/:id": 404, "POST /app/plans/:id/move": 404, "POST /app/plans/:id/remove": 404,
		"POST /app/plans/:id/accept": 404, "GET /app/plans/:id/confirm": 404, "POST /app/plans/:id/confirm": 404,
		"GET /app/surveys": 404, "POST /app/surveys": 404, "GET /app/surveys/:id": 404, "GET /app/memento": 404, "POST /app/memento": 404,
		"GET /app/roadmap": 404, "POST /app/roadmap": 404, "GET /app/commune": 404, "POST /app/commune/share": 404,
		"GET /app/experience": 404, "POST /app/experience": 404, "POST /app/experience/publish": 404,
		// Their own pages: the start page leads to the regional view.
		"GET /app": 303, "GET /app/catalog": 200, "GET /app/catalog/:slug": 200, "GET /app/account": 200, "POST /app/account/password": 422,
		"GET /api/v1/region/report": 200, "GET /api/v1/region/report.pdf": 200, "GET /api/v1/region/experience": 200,
		"GET /app/region": 200, "GET /app/region/experience": 200,
	}
}

// participantRoute builds a /r/ request: the participant uses their own
// token; everyone else tries a token that opens nothing.
func participantRoute(method, suffix string) func(*matrix, role) mreq {
	return func(m *matrix, r role) mreq {
		token := strings.Repeat("A", 26)
		if r == rParticipant {
			token = m.regS.Token
		}
		q := mreq{method: method, path: "/r/" + token + suffix, token: token}
		if method == "POST" {
			q.form = url.Values{"overall": {"5"}, "will_use": {"5"}, "confidence_before": {"2"}, "confidence_after": {"4"}, "confirmed": {"1"}}
		}
		return q
	}
}

// surveyRoute builds a /s/ request: the participant uses their own survey
// link; everyone else tries a token that opens nothing.
func surveyRoute(method string) func(*matrix, role) mreq {
	return func(m *matrix, r role) mreq {
		token := strings.Repeat("S", 26)
		if r == rParticipant {
			token = m.surveyToken
		}
		q := mreq{method: method, path: "/s/" + token, token: token}
		if method == "POST" {
			q.form = url.Values{"tools": {"none"}, "frequency": {"never"}, "competence": {"2"}, "worries": {"reliability"}, "interest": {"4"}}
		}
		return q
	}
}

func participantOnly(n int) want {
	w := same(404)
	w[slices.Index(matrixRoles, rParticipant)] = n
	return w
}

func TestAccessMatrix(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		m := setupMatrix(t, a)
		rows, coord := matrixRows(), coordinatorCells()
		seen := map[string]bool{}
		for _, rt := range a.srv.router.Routes() {
			key := rt.Method + " " + rt.Path
			seen[key] = true
			row, ok := rows[key]
			if !ok {
				t.Errorf("route %s has no row in the access matrix: add one", key)
				continue
			}
			for i, r := range matrixRoles {
				q := row.fill(m, r)
				res := m.send(r, q)
				if res.Code != row.want[i] {
					t.Errorf("%s as %s: %d, want %d: %.300s", key, r, res.Code, row.want[i], res.Body)
				}
				m.checkLeaks(t, key, r, res)
			}
			want, ok := coord[key]
			if !ok {
				t.Errorf("route %s has no coordinator cell (coordinatorCells): add one", key)
				continue
			}
			res := m.send(rCoordinator, row.fill(m, rCoordinator))
			if res.Code != want {
				t.Errorf("%s as %s: %d, want %d: %.300s", key, rCoordinator, res.Code, want, res.Body)
			}
			m.checkLeaks(t, key, rCoordinator, res)
		}
		for key := range rows {
			if !seen[key] {
				t.Errorf("the matrix has a row for %s, which is no route", key)
			}
		}
		for key := range coord {
			if !seen[key] {
				t.Errorf("coordinatorCells has a cell for %s, which is no route", key)
			}
		}
	})
}

func setupMatrix(t *testing.T, a *app) *matrix {
	m := &matrix{a: a, cookies: map[role]*http.Cookie{}}
	ctx := context.Background()
	if _, err := a.srv.svc.Auth.CreateUser(ctx, nil, auth.NewUser{Email: trainerNotEmail, Password: testPassword, Role: store.RoleTrainer, Org: "commune-a"}); err != nil {
		t.Fatal(err)
	}
	m.trainerOf = a.trainerID()
	dep := &store.Department{OrgID: a.orgA.ID, Name: "Finances"}
	if err := a.store.CreateDepartment(ctx, dep); err != nil {
		t.Fatal(err)
	}
	m.depA = dep.ID
	f := pickFormat(t, a, catalog.Voluntary)
	// The closed session starts in 20 minutes: doors are open, bookings too.
	body := sessionBody(f.Slug, a.clock().Add(20*time.Minute), 200)
	body["trainers"] = []int64{m.trainerOf}
	m.s = a.createSession(hrAEmail, body)
	body = sessionBody(f.Slug, a.clock().Add(48*time.Hour), 200)
	body["open_to_other_communes"] = true
	m.open = a.createSession(hrAEmail, body)
	m.personA = m.personOf(a.orgA)
	// Both communes have people in both sessions, with tokens, mails and
	// history: what must not cross.
	m.regS = m.freshReg(rHR)
	m.freshReg(rHROtherOpen)
	a.book(hrAEmail, m.open.ID, map[string]any{"person_id": m.personOf(a.orgA)})
	if res := a.as(hrAEmail, "PUT", fmt.Sprintf("/api/v1/registrations/%d/attendance", m.regS.ID), map[string]string{"status": "present"}); res.Code != 200 {
		t.Fatalf("mark present: %d %s", res.Code, res.Body)
	}
	// An état des lieux open in each commune (the participant's person is
	// invited to A's), and a memento published in A.
	for _, email := range []string{hrAEmail, hrBEmail} {
		res := a.as(email, "POST", "/api/v1/surveys", map[string]any{"kind": "etat_des_lieux", "audience": map[string]bool{"all": true}, "closes_at": "2026-04-30"})
		if res.Code != http.StatusCreated {
			t.Fatalf("launch survey as %s: %d %s", email, res.Code, res.Body)
		}
		if email == hrAEmail {
			var sv surveyJSON
			mustJSON(t, res, &sv)
			m.surveyA = sv.ID
		}
	}
	m.surveyToken = a.surveyToken(*m.regS.PersonID)
	if res := a.as(hrAEmail, "PUT", "/api/v1/memento", map[string]any{"rules": []string{"Vérifier chaque réponse."}}); res.Code != http.StatusOK {
		t.Fatalf("save memento: %d %s", res.Code, res.Body)
	}
	res := a.as(hrAEmail, "POST", "/api/v1/formats/"+f.Slug+"/copy", map[string]string{"slug": "format-de-a"})
	if res.Code != http.StatusCreated {
		t.Fatalf("copy a format: %d %s", res.Code, res.Body)
	}
	m.formatA = "format-de-a"
	// A region of A and B, both sharing, with its coordinator; both
	// communes saved their exchange of experience and A published it.
	a.regionOf("region-ab", "Région AB", a.orgA, a.orgB)
	for _, email := range []string{hrAEmail, hrBEmail} {
		if res := a.as(email, "PATCH", "/api/v1/orgs/"+map[string]string{hrAEmail: "commune-a", hrBEmail: "commune-b"}[email], map[string]bool{"share_with_region": true}); res.Code != http.StatusOK {
			t.Fatalf("share as %s: %d %s", email, res.Code, res.Body)
		}
		body := experienceBody("Rédaction de courriers")
		body["publish"] = email == hrAEmail
		if res := a.as(email, "POST", "/api/v1/experience", body); res.Code != http.StatusOK {
			t.Fatalf("experience as %s: %d %s", email, res.Code, res.Body)
		}
	}
	a.coordinator(coordinatorEmail, "region-ab")
	for _, r := range []role{rAdmin, rHR, rTrainerOf, rTrainerNot, rHROther, rHROtherOpen, rCoordinator} {
		m.cookies[r] = a.browserSession(m.email(r))
	}
	return m
}

// formatFormA is the form of A's format as its page fills it, with a new
// title.
func (m *matrix) formatFormA() url.Values {
	d, err := m.a.srv.svc.Formats.Get(context.Background(), m.a.hrA(), m.formatA, 0)
	if err != nil {
		m.a.t.Fatal(err)
	}
	f := formatForm(d.Format)
	f.Values.Set("title", fmt.Sprintf("Format de A par la page %d", m.next()))
	return f.Values
}

func (m *matrix) email(r role) string {
	switch r {
	case rAdmin:
		return adminEmail
	case rHR:
		return hrAEmail
	case rTrainerOf:
		return trainerAEmail
	case rTrainerNot:
		return trainerNotEmail
	case rHROther, rHROtherOpen:
		return hrBEmail
	case rCoordinator:
		return coordinatorEmail
	}
	return ""
}

// send makes the request as role r: a bearer token for the API, the sign-in
// cookie for pages, nothing else on participant links.
func (m *matrix) send(r role, q mreq) *httptest.ResponseRecorder {
	a := m.a
	var body *bytes.Reader
	contentType := ""
	switch {
	case q.json != nil:
		data, err := jsonBytes(q.json)
		if err != nil {
			a.t.Fatal(err)
		}
		body, contentType = bytes.NewReader(data), "application/json"
	case q.multipart != nil:
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for field, content := range q.multipart {
			fw, _ := w.CreateFormFile(field, "people.csv")
			fw.Write([]byte(content))
		}
		w.Close()
		body, contentType = bytes.NewReader(buf.Bytes()), w.FormDataContentType()
	case q.form != nil:
		body, contentType = bytes.NewReader([]byte(q.form.Encode())), "application/x-www-form-urlencoded"
	default:
		body = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(q.method, q.path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	account := m.email(r) != ""
	switch {
	case strings.HasPrefix(q.path, "/api/"):
		switch {
		case account && q.fresh:
			req.Header.Set("Authorization", "Bearer "+m.freshToken(r))
		case account:
			req.Header.Set("Authorization", "Bearer "+a.token(m.email(r)))
		case r == rParticipant:
			req.Header.Set("Authorization", "Bearer "+m.regS.Token)
		}
	case account && !strings.HasPrefix(q.path, "/r/"):
		c := m.cookies[r]
		if q.fresh {
			c = a.browserSession(m.email(r))
		}
		req.AddCookie(c)
	}
	res := httptest.NewRecorder()
	a.h.ServeHTTP(res, req)
	return res
}

func (m *matrix) freshToken(r role) string {
	res := m.a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": m.email(r), "password": testPassword})
	var out struct{ Token string }
	mustJSON(m.a.t, res, &out)
	return out.Token
}

// secrets lists what identifies the people and accounts of a commune.
func (m *matrix) secrets(org *store.Org) (names []string, tokens []string) {
	db, err := m.a.store.SQL()
	if err != nil {
		m.a.t.Fatal(err)
	}
	rows, err := db.Query("SELECT name, COALESCE(email, '') FROM people WHERE org_id = $1 AND name LIKE 'Secret %'", org.ID)
	if err != nil {
		m.a.t.Fatal(err)
	}
	for rows.Next() {
		var n, e string
		rows.Scan(&n, &e)
		names = append(names, n, e)
	}
	rows.Close()
	rows, err = db.Query("SELECT email FROM users WHERE org_id = $1", org.ID)
	if err != nil {
		m.a.t.Fatal(err)
	}
	for rows.Next() {
		var e string
		rows.Scan(&e)
		names = append(names, e)
	}
	rows.Close()
	// Personal links: registrations', and the survey links, which open a
	// person's answers and must reach nobody but their person.
	rows, err = db.Query("SELECT token FROM registrations WHERE org_id = $1 UNION ALL SELECT token FROM survey_invitations WHERE org_id = $1 AND token IS NOT NULL", org.ID)
	if err != nil {
		m.a.t.Fatal(err)
	}
	for rows.Next() {
		var tok string
		rows.Scan(&tok)
		tokens = append(tokens, tok)
	}
	rows.Close()
	return names, tokens
}

// checkLeaks fails when an answer carries what its caller must not see.
func (m *matrix) checkLeaks(t *testing.T, key string, r role, res *httptest.ResponseRecorder) {
	t.Helper()
	body := strings.ReplaceAll(res.Body.String(), "\r\n ", "") // unfold .ics lines
	namesA, tokensA := m.secrets(m.a.orgA)
	namesB, tokensB := m.secrets(m.a.orgB)
	var forbidden []string
	switch r {
	case rHROther, rHROtherOpen:
		forbidden = append(append(append(forbidden, namesA...), tokensA...), m.surveyTokens(m.a.orgB)...)
	case rHR:
		// HR holds its people's registration links, never their survey links.
		forbidden = append(append(append(forbidden, namesB...), tokensB...), m.surveyTokens(m.a.orgA)...)
	case rTrainerOf, rTrainerNot:
		forbidden = append(append(append(forbidden, namesB...), tokensB...), tokensA...)
	case rAdmin:
		forbidden = append(append(forbidden, tokensA...), tokensB...)
	case rCoordinator:
		// Nothing personal of any commune: no name, no address, no link.
		forbidden = append(append(append(append(forbidden, namesA...), namesB...), tokensA...), tokensB...)
	case rParticipant, rAnon:
		for _, tok := range append(tokensA, tokensB...) {
			if tok != m.regS.Token && tok != m.surveyToken {
				forbidden = append(forbidden, tok)
			}
		}
		forbidden = append(forbidden, namesB...)
		// A participant sees their own name and address, nobody else's.
		own, err := m.a.store.Person(context.Background(), m.a.orgA.ID, *m.regS.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range namesA {
			if r == rAnon || (n != own.Name && n != *own.Email) {
				forbidden = append(forbidden, n)
			}
		}
	}
	for _, s := range forbidden {
		if s != "" && strings.Contains(body, s) {
			t.Errorf("%s as %s: the answer carries %q", key, r, s)
		}
	}
}

// surveyTokens lists the survey links of a commune.
func (m *matrix) surveyTokens(org *store.Org) []string {
	db, err := m.a.store.SQL()
	if err != nil {
		m.a.t.Fatal(err)
	}
	rows, err := db.Query("SELECT token FROM survey_invitations WHERE org_id = $1 AND token IS NOT NULL", org.ID)
	if err != nil {
		m.a.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var tok string
		rows.Scan(&tok)
		out = append(out, tok)
	}
	return out
}

func jsonBytes(v any) ([]byte, error) { return json.Marshal(v) }
