package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/auth"
)

func TestAuth(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		cases := map[string]struct {
			body   any
			status int
			code   string
		}{
			"good":           {map[string]string{"email": hrAEmail, "password": testPassword}, http.StatusCreated, ""},
			"email any case": {map[string]string{"email": strings.ToUpper(hrAEmail), "password": testPassword}, http.StatusCreated, ""},
			"wrong password": {map[string]string{"email": hrAEmail, "password": "nope nope nope"}, http.StatusUnauthorized, "unauthorized"},
			"unknown email":  {map[string]string{"email": "who@x.example", "password": testPassword}, http.StatusUnauthorized, "unauthorized"},
			"missing fields": {map[string]string{}, http.StatusUnprocessableEntity, "validation"},
			"malformed":      {`{"email":`, http.StatusBadRequest, "bad_request"},
		}
		for name, tc := range cases {
			res := a.do("POST", "/api/v1/auth/token", "", tc.body)
			if tc.code != "" {
				expectError(t, res, tc.status, tc.code)
				continue
			}
			if res.Code != tc.status {
				t.Fatalf("%s: %d %s", name, res.Code, res.Body)
			}
			var out struct {
				Token     string    `json:"token"`
				ExpiresAt time.Time `json:"expires_at"`
			}
			mustJSON(t, res, &out)
			if len(out.Token) < 26 || !strings.Contains(res.Body.String(), "+01:00") {
				t.Errorf("%s: token %q, expires %s (want a Zurich offset)", name, out.Token, res.Body)
			}
		}
		// The token is stored hashed: the table never holds it.
		tok := a.token(hrAEmail)
		db, _ := a.store.SQL()
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM auth_tokens WHERE hash = $1", tok).Scan(&n); err != nil || n != 0 {
			t.Errorf("token stored in clear (n=%d, err=%v)", n, err)
		}
		// The password is stored as a bcrypt hash.
		var hash string
		if err := db.QueryRow("SELECT password_hash FROM users WHERE email = $1", hrAEmail).Scan(&hash); err != nil || !strings.HasPrefix(hash, "$2a$") {
			t.Errorf("password hash %q, err %v", hash, err)
		}

		expectError(t, a.do("GET", "/api/v1/departments", "", nil), http.StatusUnauthorized, "unauthorized")
		expectError(t, a.do("GET", "/api/v1/departments", "not-a-token", nil), http.StatusUnauthorized, "unauthorized")
		if res := a.do("GET", "/api/v1/departments", tok, nil); res.Code != http.StatusOK {
			t.Fatalf("with token: %d %s", res.Code, res.Body)
		}
		// Expired after its lifetime.
		a.setNow(a.clock().Add(8 * 24 * time.Hour))
		a.tokens[hrAEmail] = tok
		expectError(t, a.do("GET", "/api/v1/departments", tok, nil), http.StatusUnauthorized, "unauthorized")
		// Logout revokes.
		delete(a.tokens, hrAEmail)
		tok = a.token(hrAEmail)
		if res := a.do("DELETE", "/api/v1/auth/token", tok, nil); res.Code != http.StatusNoContent {
			t.Fatalf("logout: %d", res.Code)
		}
		expectError(t, a.do("GET", "/api/v1/departments", tok, nil), http.StatusUnauthorized, "unauthorized")
	})
}

func TestOrgsAndUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		res := a.as(adminEmail, "POST", "/api/v1/orgs", map[string]string{"slug": "ecublens", "name": "Commune d’Ecublens"})
		if res.Code != http.StatusCreated || !strings.Contains(res.Body.String(), `"slug":"ecublens"`) {
			t.Fatalf("create org: %d %s", res.Code, res.Body)
		}
		expectError(t, a.as(adminEmail, "POST", "/api/v1/orgs", map[string]string{"slug": "ecublens", "name": "Bis"}), http.StatusConflict, "conflict")
		e := expectError(t, a.as(adminEmail, "POST", "/api/v1/orgs", map[string]string{"slug": "Not A Slug"}), http.StatusUnprocessableEntity, "validation", "slug", "name")
		if !strings.Contains(e.Error.Fields["name"], "obligatoire") {
			t.Errorf("French message expected: %+v", e.Error.Fields)
		}
		e = expectError(t, a.as(adminEmail, "POST", "/api/v1/orgs", map[string]string{"slug": "x y"}, "Accept-Language", "de-CH,de;q=0.9"), http.StatusUnprocessableEntity, "validation", "slug", "name")
		if e.Error.Fields["name"] != "Pflichtfeld." {
			t.Errorf("German message expected: %+v", e.Error.Fields)
		}
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/orgs", map[string]string{"slug": "x", "name": "X"}), http.StatusForbidden, "forbidden")
		expectError(t, a.as(trainerAEmail, "GET", "/api/v1/orgs", nil), http.StatusForbidden, "forbidden")

		users := a.count("users")
		cases := map[string]struct {
			as     string
			body   map[string]string
			status int
			code   string
			fields []string
		}{
			"admin creates hr":         {adminEmail, map[string]string{"email": "rh@ecublens.example", "password": testPassword, "role": "hr", "org": "ecublens"}, 201, "", nil},
			"hr creates trainer":       {hrAEmail, map[string]string{"email": "t2@commune-a.example", "password": testPassword, "role": "trainer", "org": "commune-a"}, 201, "", nil},
			"hr cannot create admin":   {hrAEmail, map[string]string{"email": "boss@commune-a.example", "password": testPassword, "role": "admin"}, 403, "forbidden", nil},
			"hr other commune":         {hrAEmail, map[string]string{"email": "t3@commune-b.example", "password": testPassword, "role": "trainer", "org": "commune-b"}, 422, "validation", []string{"org"}},
			"trainer cannot":           {trainerAEmail, map[string]string{"email": "t4@commune-a.example", "password": testPassword, "role": "trainer"}, 403, "forbidden", nil},
			"duplicate email":          {adminEmail, map[string]string{"email": strings.ToUpper(hrAEmail), "password": testPassword, "role": "hr", "org": "commune-a"}, 409, "conflict", nil},
			"unknown role":             {adminEmail, map[string]string{"email": "x@commune-a.example", "password": testPassword, "role": "boss", "org": "commune-a"}, 422, "validation", []string{"role"}},
			"short password, bad mail": {adminEmail, map[string]string{"email": "x@", "password": "short", "role": "hr", "org": "commune-a"}, 422, "validation", []string{"email", "password"}},
			"unknown org":              {adminEmail, map[string]string{"email": "y@commune-a.example", "password": testPassword, "role": "hr", "org": "nowhere"}, 422, "validation", []string{"org"}},
		}
		created := 0
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				res := a.as(tc.as, "POST", "/api/v1/users", tc.body)
				if tc.code == "" {
					if res.Code != tc.status {
						t.Fatalf("%d %s", res.Code, res.Body)
					}
					created++
					return
				}
				expectError(t, res, tc.status, tc.code, tc.fields...)
			})
		}
		if got := a.count("users"); got != users+int64(created) {
			t.Errorf("users: %d, want %d (a refused request must write nothing)", got, users+int64(created))
		}
		// The new account can sign in.
		if res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": "rh@ecublens.example", "password": testPassword}); res.Code != 201 {
			t.Errorf("new user login: %d", res.Code)
		}
	})
}

func TestDepartmentsAndPeople(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		var dep struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}
		res := a.as(hrAEmail, "POST", "/api/v1/departments", map[string]string{"name": "Travaux publics"})
		if res.Code != 201 {
			t.Fatalf("create department: %d %s", res.Code, res.Body)
		}
		mustJSON(t, res, &dep)
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/departments", map[string]string{"name": "Travaux publics"}), 409, "conflict")
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/departments", map[string]string{"name": " \r\n "}), 422, "validation", "name")
		// The same name in another commune is fine.
		if res := a.as(hrBEmail, "POST", "/api/v1/departments", map[string]string{"name": "Travaux publics"}); res.Code != 201 {
			t.Fatalf("other commune's department: %d", res.Code)
		}

		person := func(as string, body any) *personJSON {
			t.Helper()
			res := a.as(as, "POST", "/api/v1/people", body)
			if res.Code != 201 {
				t.Fatalf("create person: %d %s", res.Code, res.Body)
			}
			var p personJSON
			mustJSON(t, res, &p)
			return &p
		}
		chef := person(hrAEmail, map[string]any{"name": "Stéphane Zufferey", "email": "stephane.zufferey@commune-a.example", "role": "head_of_service", "department_id": dep.ID})
		if chef.Language != "fr" || chef.DepartmentID == nil || *chef.DepartmentID != dep.ID {
			t.Errorf("person: %+v", chef)
		}
		person(hrAEmail, map[string]any{"name": "Martina Zenklusen", "email": "martina@commune-a.example", "role": "council_member", "language": "de"})
		bPerson := person(hrBEmail, map[string]any{"name": "Personne B", "email": "b@commune-b.example", "role": "staff"})

		before := a.count("people")
		bad := map[string]struct {
			body   any
			status int
			code   string
			fields []string
		}{
			"malformed json":       {`{"name": "x"`, 400, "bad_request", nil},
			"unknown field":        {map[string]any{"name": "x", "role": "staff", "colour": "blue"}, 400, "bad_request", nil},
			"missing name, role":   {map[string]any{"email": "a@b.example"}, 422, "validation", []string{"name", "role"}},
			"unknown role":         {map[string]any{"name": "X", "role": "mayor"}, 422, "validation", []string{"role"}},
			"bad email":            {map[string]any{"name": "X", "role": "staff", "email": "x\r\nBcc: y@z.example"}, 422, "validation", []string{"email"}},
			"other department":     {map[string]any{"name": "X", "role": "staff", "department_id": 999999}, 422, "validation", []string{"department_id"}},
			"wrong type":           {map[string]any{"name": "X", "role": "staff", "department_id": "five"}, 422, "validation", []string{"department_id"}},
			"bad language":         {map[string]any{"name": "X", "role": "staff", "language": "it"}, 422, "validation", []string{"language"}},
			"duplicate email":      {map[string]any{"name": "X", "role": "staff", "email": "STEPHANE.zufferey@commune-a.example"}, 409, "conflict", nil},
			"too long":             {map[string]any{"name": strings.Repeat("é", 201), "role": "staff"}, 422, "validation", []string{"name"}},
			"body over 1 megabyte": {fmt.Sprintf(`{"name": %q}`, strings.Repeat("x", 1<<20)), 413, "too_large", nil},
		}
		for name, tc := range bad {
			t.Run(name, func(t *testing.T) {
				expectError(t, a.as(hrAEmail, "POST", "/api/v1/people", tc.body), tc.status, tc.code, tc.fields...)
			})
		}
		if got := a.count("people"); got != before {
			t.Errorf("people %d, want %d: a refused request wrote", got, before)
		}

		// Tenancy: another commune's person is a 404, never its data.
		for _, path := range []string{fmt.Sprintf("/api/v1/people/%d", bPerson.ID)} {
			res := a.as(hrAEmail, "GET", path, nil)
			expectError(t, res, 404, "not_found")
			if strings.Contains(res.Body.String(), "Personne B") {
				t.Error("leaked another commune's data")
			}
			expectError(t, a.as(hrAEmail, "PATCH", path, map[string]any{"name": "Hijack"}), 404, "not_found")
			expectError(t, a.as(trainerAEmail, "GET", path, nil), 404, "not_found")
		}
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/people/abc", nil), 404, "not_found")

		// Lists are scoped and filtered.
		var list []personJSON
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/people", nil), &list)
		if len(list) != 2 || list[0].Name != "Martina Zenklusen" {
			t.Errorf("list: %+v", list)
		}
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/people?role=head_of_service", nil), &list)
		if len(list) != 1 || list[0].ID != chef.ID {
			t.Errorf("by role: %+v", list)
		}
		mustJSON(t, a.as(trainerAEmail, "GET", fmt.Sprintf("/api/v1/people?department_id=%d", dep.ID), nil), &list)
		if len(list) != 1 || list[0].ID != chef.ID {
			t.Errorf("by department: %+v", list)
		}
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/people?role=king", nil), 422, "validation", "role")
		var deps []departmentJSON
		mustJSON(t, a.as(hrBEmail, "GET", "/api/v1/departments", nil), &deps)
		if len(deps) != 1 || deps[0].ID == dep.ID {
			t.Errorf("departments of b: %+v", deps)
		}

		// PATCH changes only what it names; null clears the department.
		res = a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/people/%d", chef.ID), map[string]any{"language": "de", "department_id": nil})
		var p personJSON
		mustJSON(t, res, &p)
		if res.Code != 200 || p.Language != "de" || p.DepartmentID != nil || p.Name != chef.Name || p.Role != chef.Role {
			t.Errorf("patch: %d %+v", res.Code, p)
		}
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/people/%d", chef.ID), map[string]any{"role": "king"}), 422, "validation", "role")
		expectError(t, a.as(trainerAEmail, "PATCH", fmt.Sprintf("/api/v1/people/%d", chef.ID), map[string]any{"name": "T"}), 403, "forbidden")
	})
}

func TestFormatsAndHealth(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		var list []map[string]any
		res := a.do("GET", "/api/v1/formats", "", nil)
		mustJSON(t, res, &list)
		if res.Code != 200 || len(list) < 8 {
			t.Fatalf("formats: %d, %d items", res.Code, len(list))
		}
		for _, key := range []string{"slug", "title", "source", "summary", "duration_minutes", "participation", "grouping", "audiences", "trainer", "themes", "agenda", "exercises"} {
			if _, ok := list[0][key]; !ok {
				t.Errorf("format lacks %q", key)
			}
		}
		slug := list[0]["slug"].(string)
		var detail struct {
			Exercises []map[string]any `json:"exercises"`
		}
		mustJSON(t, a.do("GET", "/api/v1/formats/"+slug, "", nil), &detail)
		if len(detail.Exercises) == 0 {
			t.Fatal("format detail without exercises")
		}
		for _, key := range []string{"slug", "title", "minutes", "objective", "scenario", "steps", "prompts", "questions", "rules", "trainer_notes", "material"} {
			if _, ok := detail.Exercises[0][key]; !ok {
				t.Errorf("exercise lacks %q", key)
			}
		}
		expectError(t, a.do("GET", "/api/v1/formats/nope", "", nil), 404, "not_found")

		if res := a.do("GET", "/healthz", "", nil); res.Code != 200 {
			t.Errorf("healthz: %d", res.Code)
		}
		a.store.Close()
		if res := a.do("GET", "/healthz", "", nil); res.Code != 503 {
			t.Errorf("healthz with the database closed: %d", res.Code)
		}
	})
}

func TestRenameDepartmentAndRoles(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		var dep departmentJSON
		mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/departments", map[string]string{"name": "Finances"}), &dep)
		a.as(hrAEmail, "POST", "/api/v1/departments", map[string]string{"name": "Écoles"})
		res := a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/departments/%d", dep.ID), map[string]string{"name": "Finances et contrôle"})
		if res.Code != 200 || !strings.Contains(res.Body.String(), "Finances et contrôle") {
			t.Errorf("rename: %d %s", res.Code, res.Body)
		}
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/departments/%d", dep.ID), map[string]string{"name": "Écoles"}), 409, "conflict")
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/departments/%d", dep.ID), map[string]string{"name": ""}), 422, "validation", "name")
		expectError(t, a.as(hrBEmail, "PATCH", fmt.Sprintf("/api/v1/departments/%d", dep.ID), map[string]string{"name": "X"}), 404, "not_found")

		var trainer userJSON
		for _, u := range a.users(hrAEmail) {
			if u.Email == trainerAEmail {
				trainer = u
			}
		}
		res = a.as(adminEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", trainer.ID), map[string]string{"role": "hr"})
		if res.Code != 200 || !strings.Contains(res.Body.String(), `"role":"hr"`) {
			t.Errorf("role change: %d %s", res.Code, res.Body)
		}
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", trainer.ID), map[string]string{"role": "admin"}), 403, "forbidden")
		expectError(t, a.as(adminEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", trainer.ID), map[string]string{"role": "king"}), 422, "validation", "role")
		var adminID int64
		for _, u := range a.users(adminEmail) {
			if u.Email == adminEmail {
				adminID = u.ID
			}
		}
		expectError(t, a.as(adminEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", adminID), map[string]string{"role": "hr"}), 409, "conflict")
	})
}

func TestLoginRateLimit(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	for i := range auth.FreeFailures {
		res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": hrAEmail, "password": fmt.Sprintf("wrong guess %d", i)})
		expectError(t, res, 401, "unauthorized")
	}
	// Even the right password is refused now, with a 429 that says why.
	e := expectError(t, a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": hrAEmail, "password": testPassword}), 429, "rate_limited")
	if !strings.Contains(e.Error.Message, "Trop de tentatives") {
		t.Errorf("message %q", e.Error.Message)
	}
	// Another account is not blocked by it.
	if res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": hrBEmail, "password": testPassword}); res.Code != 201 {
		t.Errorf("other account: %d", res.Code)
	}
	// The window passes.
	a.setNow(a.clock().Add(16 * time.Minute))
	if res := a.do("POST", "/api/v1/auth/token", "", map[string]string{"email": hrAEmail, "password": testPassword}); res.Code != 201 {
		t.Errorf("after the window: %d", res.Code)
	}
}
