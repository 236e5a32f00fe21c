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

// TestWalkInMatchesPeople: a walk-in is the person of the commune with
// that email, or the only one with that name — no second person; several
// people of that name are a 409 listing them, and the trainer picks one.
func TestWalkInMatchesPeople(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		var deps []departmentJSON
		for _, name := range []string{"Travaux publics", "Écoles"} {
			var d departmentJSON
			mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/departments", map[string]string{"name": name}), &d)
			deps = append(deps, d)
		}
		person := func(given, family, email string, dep int64) int64 {
			body := map[string]any{"given_name": given, "family_name": family, "role": "staff", "department_id": dep}
			if email != "" {
				body["email"] = email
			}
			var p personJSON
			res := a.as(hrAEmail, "POST", "/api/v1/people", body)
			if res.Code != 201 {
				t.Fatalf("person: %d %s", res.Code, res.Body)
			}
			mustJSON(t, res, &p)
			return p.ID
		}
		rochat := person("Jean-Marc", "Rochat", "jm.rochat@commune-a.example", deps[0].ID)
		favre1 := person("Anne", "Favre", "", deps[0].ID)
		person("Anne", "Favre", "", deps[1].ID)
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		body := sessionBody(f.Slug, start, 5)
		body["trainers"] = []int64{a.trainerID()}
		s := a.createSession(hrAEmail, body)
		a.setNow(start.Add(-10 * time.Minute)) // doors open
		path := fmt.Sprintf("/api/v1/sessions/%d/walkins", s.ID)
		before := a.count("people")
		cases := []struct {
			name    string
			body    map[string]any
			status  int
			person  int64
			matched bool
		}{
			{"same name", map[string]any{"name": "Jean-Marc Rochat"}, 201, rochat, true},
			{"family name first, no accents or case", map[string]any{"name": "ROCHAT jean-marc"}, 201, rochat, true},
			{"same email", map[string]any{"name": "J.-M. Rochat", "email": "JM.Rochat@commune-a.example"}, 201, rochat, true},
			{"chosen among namesakes", map[string]any{"name": "Anne Favre", "person_id": favre1}, 201, favre1, true},
		}
		for _, tc := range cases {
			res := a.as(trainerAEmail, "POST", path, tc.body)
			if res.Code != tc.status {
				t.Fatalf("%s: %d %s", tc.name, res.Code, res.Body)
			}
			var out walkInJSON
			mustJSON(t, res, &out)
			if *out.PersonID != tc.person || out.Matched != tc.matched || out.Attendance != "present" {
				t.Errorf("%s: %+v", tc.name, out)
			}
		}
		if n := a.count("people"); n != before {
			t.Errorf("walk-ins of known people created %d people", n-before)
		}
		// Namesakes: a 409 with both, their services, and nothing written.
		res := a.as(trainerAEmail, "POST", path, map[string]any{"name": "anne favre"})
		var amb struct {
			apiError
			Candidates []candidateJSON `json:"candidates"`
		}
		mustJSON(t, res, &amb)
		if res.Code != 409 || amb.Error.Code != "conflict" || len(amb.Candidates) != 2 || amb.Candidates[0].Department == amb.Candidates[1].Department {
			t.Errorf("namesakes: %d %+v", res.Code, amb)
		}
		// Someone new is a new person.
		res = a.as(trainerAEmail, "POST", path, map[string]any{"name": "Paul Passant"})
		var out walkInJSON
		mustJSON(t, res, &out)
		if res.Code != 201 || out.Matched || a.count("people") != before+1 {
			t.Errorf("a new walk-in: %d %+v", res.Code, out)
		}
		// The day page offers the namesakes to choose from.
		page := a.page(a.browserSession(trainerAEmail), "POST", fmt.Sprintf("/app/sessions/%d/walkin", s.ID), url.Values{"name": {"Anne Favre"}})
		if page.Code != 409 || strings.Count(page.Body.String(), `name="person_id"`) != 2 {
			t.Errorf("day page with namesakes: %d", page.Code)
		}
	})
}
