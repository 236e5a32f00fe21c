package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// hrA is HR of commune A as the domain sees them.
func (a *app) hrA() access.Caller {
	a.t.Helper()
	u, err := a.store.UserByEmail(context.Background(), hrAEmail)
	if err != nil {
		a.t.Fatal(err)
	}
	return access.User(u.ID, u.Email, access.RoleHR, a.orgA.ID)
}

// formatAnswer is a format as the API answers it.
type formatAnswer struct {
	Slug            string  `json:"slug"`
	Title           string  `json:"title"`
	Owner           string  `json:"owner"`
	Version         *int    `json:"version"`
	LatestVersion   *int    `json:"latest_version"`
	BasedOn         *string `json:"based_on"`
	Published       bool    `json:"published"`
	DurationMinutes int     `json:"duration_minutes"`
}

// TestAdaptedFormatKeepsPastSessions adapts a format of the catalogue,
// schedules and holds a session of it, changes the format, publishes it to
// the region, where another commune copies it and changes its copy, and
// changes it again: the past session's certificate, programme and
// invitation stay as they were (read back with pdftotext and as the
// calendar file), only a session scheduled afterwards has the new version,
// and each commune's copy changes only by its own hand.
func TestAdaptedFormatKeepsPastSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		// HR copies Aubonne's format into commune A.
		res := a.as(hrAEmail, "POST", "/api/v1/formats/aubonne/copy", nil)
		if res.Code != http.StatusCreated {
			t.Fatalf("copy: %d %s", res.Code, res.Body)
		}
		var own formatAnswer
		mustJSON(t, res, &own)
		if own.Slug != "aubonne-commune-a" || own.Owner != "commune-a" || *own.Version != 1 || *own.BasedOn != "aubonne" {
			t.Fatalf("copy: %+v", own)
		}
		// The list shows it, with its owner, to A only.
		for email, want := range map[string]bool{hrAEmail: true, trainerAEmail: true, hrBEmail: false, "": false} {
			var list []formatAnswer
			res := a.do("GET", "/api/v1/formats", "", nil)
			if email != "" {
				res = a.as(email, "GET", "/api/v1/formats", nil)
			}
			mustJSON(t, res, &list)
			found := false
			for _, f := range list {
				found = found || f.Slug == own.Slug
				if f.Owner == "catalog" && f.Version != nil {
					t.Errorf("a catalogue format has a version: %+v", f)
				}
			}
			if found != want {
				t.Errorf("%q sees A's format: %v", email, found)
			}
		}

		// A session of it is scheduled, held, and someone attends.
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		s := a.createSession(hrAEmail, sessionBody(own.Slug, start, 5))
		if s.Format != own.Slug || s.FormatVersion == nil || *s.FormatVersion != 1 || !s.EndsAt.Equal(start.Add(3*time.Hour)) {
			t.Fatalf("session of the format: %+v", s)
		}
		id := a.addPeople(a.orgA, 1, "staff", nil)[0]
		a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/people/%d", id), map[string]any{"name": "Élodie Jacquier"})
		reg := a.book(hrAEmail, s.ID, map[string]any{"person_id": id}).Registrations[0]
		invite := func() string {
			res := a.do("GET", "/r/"+reg.Token+"/invite.ics", "", nil)
			return strings.ReplaceAll(res.Body.String(), "\r\n ", "")
		}
		inviteBefore := invite()
		a.setNow(start.Add(4 * time.Hour))
		if res := a.as(hrAEmail, "PUT", fmt.Sprintf("/api/v1/registrations/%d/attendance", reg.ID), map[string]string{"status": "present"}); res.Code != 200 {
			t.Fatalf("present: %d %s", res.Code, res.Body)
		}
		docs := func() (cert, own, programme string) {
			get := func(path string) string {
				res := a.as(hrAEmail, "GET", path, nil)
				if res.Code != 200 {
					t.Fatalf("%s: %d %s", path, res.Code, res.Body)
				}
				return pdfText(t, res.Body.Bytes())
			}
			res := a.do("GET", "/r/"+reg.Token+"/certificate.pdf", "", nil)
			if res.Code != 200 {
				t.Fatalf("own certificate: %d", res.Code)
			}
			return get(fmt.Sprintf("/api/v1/sessions/%d/certificates.pdf", s.ID)), pdfText(t, res.Body.Bytes()),
				get(fmt.Sprintf("/api/v1/sessions/%d/programme.pdf", s.ID))
		}
		certBefore, ownBefore, progBefore := docs()
		if !strings.Contains(certBefore, "Élodie Jacquier") || !strings.Contains(certBefore, "Aubonne : trois heures") || !strings.Contains(certBefore, "3 h") {
			t.Fatalf("certificate: %s", certBefore)
		}

		// HR changes the format: title, summary, a shorter agenda.
		patch := map[string]any{
			"version": 1, "title": "Notre atelier IA", "summary": "Résumé propre à la commune",
			"agenda": []map[string]any{
				{"minutes": 30, "title": "Accueil et règles", "kind": "talk"},
				{"minutes": 90, "title": "Pratique guidée", "kind": "hands_on"},
			},
			"exercises": []string{"prompt-structure", "verifier-reponse"},
		}
		res = a.as(hrAEmail, "PATCH", "/api/v1/formats/"+own.Slug, patch)
		if res.Code != 200 {
			t.Fatalf("change: %d %s", res.Code, res.Body)
		}
		var changed formatAnswer
		mustJSON(t, res, &changed)
		if *changed.Version != 2 || changed.DurationMinutes != 120 || changed.Title != "Notre atelier IA" {
			t.Fatalf("changed: %+v", changed)
		}
		// The same change again, on version 1: refused, nothing saved.
		expectError(t, a.as(hrAEmail, "PATCH", "/api/v1/formats/"+own.Slug, patch), 409, "conflict")
		// The rules of the catalogue, with their messages, in German too.
		e := expectError(t, a.as(hrAEmail, "PATCH", "/api/v1/formats/"+own.Slug, map[string]any{"exercises": []string{"nope"}}, "Accept-Language", "de"),
			422, "validation", "exercises[0]")
		if e.Error.Fields["exercises[0]"] != `Unbekannte Übung "nope"` {
			t.Errorf("German message: %+v", e.Error.Fields)
		}
		expectError(t, a.as(hrBEmail, "PATCH", "/api/v1/formats/"+own.Slug, map[string]any{"title": "x"}), 404, "not_found")

		// The held session keeps version 1: same certificate, programme, invitation.
		certAfter, ownAfter, progAfter := docs()
		if certAfter != certBefore || ownAfter != ownBefore || progAfter != progBefore {
			t.Errorf("the past session's documents changed:\n%s\n---\n%s", certBefore, certAfter)
		}
		if strings.Contains(certAfter, "Notre atelier IA") || strings.Contains(progAfter, "Pratique guidée") {
			t.Error("the new version reached the past session")
		}
		if inv := invite(); strings.Contains(inv, "Résumé propre") || !strings.Contains(inviteBefore, "Trois heures de formation") || !strings.Contains(inv, "Trois heures de formation") {
			t.Errorf("invitation: %s", inv)
		}
		if got := a.session(hrAEmail, s.ID); *got.FormatVersion != 1 {
			t.Errorf("the session moved to version %d", *got.FormatVersion)
		}
		// A campaign plan takes the commune's own formats too.
		if res := a.as(hrAEmail, "POST", "/api/v1/plans", planBody(own.Slug)); res.Code != http.StatusCreated {
			t.Errorf("plan of the commune's format: %d %s", res.Code, res.Body)
		}
		// A session scheduled now takes version 2; version 1 stays readable.
		s2 := a.createSession(hrAEmail, sessionBody(own.Slug, start.AddDate(0, 0, 14), 5))
		if *s2.FormatVersion != 2 || s2.Title != "Notre atelier IA" || !s2.EndsAt.Equal(start.AddDate(0, 0, 14).Add(2*time.Hour)) {
			t.Errorf("new session: %+v", s2)
		}
		var v1 formatAnswer
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/formats/"+own.Slug+"?version=1", nil), &v1)
		if v1.Title == "Notre atelier IA" || *v1.LatestVersion != 2 {
			t.Errorf("version 1: %+v", v1)
		}
		var versions []struct{ Version int }
		mustJSON(t, a.as(trainerAEmail, "GET", "/api/v1/formats/"+own.Slug+"/versions", nil), &versions)
		if len(versions) != 2 || versions[0].Version != 2 {
			t.Errorf("versions: %+v", versions)
		}
		// Its sheets: the current version, or an older one, to A's staff.
		if res := a.as(trainerAEmail, "GET", "/api/v1/formats/"+own.Slug+"/sheets.pdf?version=1", nil); res.Code != 200 {
			t.Errorf("sheets of version 1: %d", res.Code)
		}
		if res := a.do("GET", "/api/v1/formats/"+own.Slug+"/sheets.pdf", "", nil); res.Code != 404 {
			t.Errorf("sheets without signing in: %d", res.Code)
		}

		// A publishes it to its region (A and B); C, outside, never sees it.
		orgC := &store.Org{Slug: "commune-c", Name: "Commune C"}
		if err := a.store.CreateOrg(context.Background(), orgC); err != nil {
			t.Fatal(err)
		}
		if _, err := a.srv.svc.Auth.CreateUser(context.Background(), nil, auth.NewUser{Email: "rh@commune-c.example", Password: testPassword, Role: store.RoleHR, Org: "commune-c"}); err != nil {
			t.Fatal(err)
		}
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/formats/"+own.Slug+"/publish", nil), 409, "conflict") // no region yet
		a.regionOf("region-ab", "Région AB", a.orgA, a.orgB)
		expectError(t, a.as(hrBEmail, "GET", "/api/v1/formats/"+own.Slug, nil), 404, "not_found")
		var published formatAnswer
		mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/formats/"+own.Slug+"/publish", nil), &published)
		if !published.Published {
			t.Fatalf("publish: %+v", published)
		}
		sees := func(email, slug string) bool {
			var list []formatAnswer
			mustJSON(t, a.as(email, "GET", "/api/v1/formats", nil), &list)
			for _, f := range list {
				if f.Slug == slug {
					return f.Owner == "commune-a" && f.Published
				}
			}
			return false
		}
		if !sees(hrBEmail, own.Slug) || sees("rh@commune-c.example", own.Slug) {
			t.Errorf("B sees it: %v; C sees it: %v", sees(hrBEmail, own.Slug), sees("rh@commune-c.example", own.Slug))
		}
		expectError(t, a.as("rh@commune-c.example", "GET", "/api/v1/formats/"+own.Slug, nil), 404, "not_found")
		// B reads its current version, never the older ones, and cannot change it.
		expectError(t, a.as(hrBEmail, "GET", "/api/v1/formats/"+own.Slug+"?version=1", nil), 404, "not_found")
		expectError(t, a.as(hrBEmail, "GET", "/api/v1/formats/"+own.Slug+"/versions", nil), 404, "not_found")
		expectError(t, a.as(hrBEmail, "PATCH", "/api/v1/formats/"+own.Slug, map[string]any{"title": "x"}), 404, "not_found")
		expectError(t, a.as(hrBEmail, "POST", "/api/v1/formats/"+own.Slug+"/publish", nil), 404, "not_found")
		// B copies it, then changes its copy.
		res = a.as(hrBEmail, "POST", "/api/v1/formats/"+own.Slug+"/copy", nil)
		if res.Code != http.StatusCreated {
			t.Fatalf("B's copy: %d %s", res.Code, res.Body)
		}
		var copyB formatAnswer
		mustJSON(t, res, &copyB)
		if copyB.Slug != "aubonne-commune-b" || copyB.Owner != "commune-b" || *copyB.BasedOn != own.Slug || copyB.Title != "Notre atelier IA" || copyB.DurationMinutes != 120 {
			t.Fatalf("B's copy: %+v", copyB)
		}
		if res := a.as(hrBEmail, "PATCH", "/api/v1/formats/"+copyB.Slug, map[string]any{"title": "L’atelier de B"}); res.Code != 200 {
			t.Fatalf("B changes its copy: %d %s", res.Code, res.Body)
		}
		// A changes its format again: B's copy and the held session stay.
		if res := a.as(hrAEmail, "PATCH", "/api/v1/formats/"+own.Slug, map[string]any{"title": "Notre atelier IA, deuxième édition"}); res.Code != 200 {
			t.Fatalf("A's third version: %d %s", res.Code, res.Body)
		}
		var b2 formatAnswer
		mustJSON(t, a.as(hrBEmail, "GET", "/api/v1/formats/"+copyB.Slug, nil), &b2)
		if b2.Title != "L’atelier de B" || *b2.Version != 2 {
			t.Errorf("B's copy after A's change: %+v", b2)
		}
		var seen formatAnswer
		mustJSON(t, a.as(hrBEmail, "GET", "/api/v1/formats/"+own.Slug, nil), &seen)
		if seen.Title != "Notre atelier IA, deuxième édition" || *seen.Version != 3 {
			t.Errorf("B sees A's current version: %+v", seen)
		}
		if cert, ownCert, prog := docs(); cert != certBefore || ownCert != ownBefore || prog != progBefore {
			t.Errorf("the held session's documents changed after the third version:\n%s", cert)
		}
		// B schedules its copy; A withdraws its format, B's copy stays B's.
		sB := a.createSession(hrBEmail, sessionBody(copyB.Slug, start.AddDate(0, 0, 21), 5))
		if sB.Title != "L’atelier de B" || *sB.FormatVersion != 2 {
			t.Errorf("B's session: %+v", sB)
		}
		expectError(t, a.as(hrBEmail, "POST", "/api/v1/sessions", sessionBody(own.Slug, start.AddDate(0, 0, 22), 5)), 422, "validation", "format")
		if res := a.as(hrAEmail, "POST", "/api/v1/formats/"+own.Slug+"/publish", map[string]bool{"published": false}); res.Code != 200 {
			t.Fatalf("withdraw: %d", res.Code)
		}
		if sees(hrBEmail, own.Slug) {
			t.Error("B still sees the withdrawn format")
		}
		expectError(t, a.as(hrBEmail, "GET", "/api/v1/formats/"+own.Slug, nil), 404, "not_found")
		if res := a.as(hrBEmail, "GET", "/api/v1/formats/"+copyB.Slug, nil); res.Code != 200 {
			t.Errorf("B's copy after the withdrawal: %d", res.Code)
		}
	})
}

// TestFormatPages copies a format from its page, adapts it with the form
// (a step added, one changed, an exercise chosen) and refuses a form that
// breaks the catalogue's rules, showing the message beside the step.
func TestFormatPages(t *testing.T) {
	a := newApp(t, storetestSQLite(t))
	hr := a.browserSession(hrAEmail)
	res := a.page(hr, "POST", "/app/formats/yverdon-cadres/copy", url.Values{})
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/app/formats/yverdon-cadres-commune-a/edit?done=copied" {
		t.Fatalf("copy: %d %v", res.Code, res.Header())
	}
	res = a.page(hr, "GET", "/app/formats/yverdon-cadres-commune-a/edit?done=copied", nil)
	if res.Code != 200 || !strings.Contains(res.Body.String(), "a été copié") || !strings.Contains(res.Body.String(), `name="agenda[0].minutes"`) {
		t.Fatalf("edit page: %d", res.Code)
	}
	d, err := a.srv.svc.Formats.Get(context.Background(), a.hrA(), "yverdon-cadres-commune-a", 0)
	if err != nil {
		t.Fatal(err)
	}
	form := formatForm(d.Format)
	form.Values.Set("version", "1")
	n := len(d.Agenda)
	form.Values.Set(agendaField(0, "minutes"), strconv.Itoa(d.Agenda[0].Minutes+15))
	form.Values.Set(agendaField(n, "minutes"), "15")
	form.Values.Set(agendaField(n, "title"), "Questions de la commune")
	form.Values.Set(agendaField(n, "kind"), "discussion")
	res = a.page(hr, "POST", "/app/formats/yverdon-cadres-commune-a", form.Values)
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/app/catalog/yverdon-cadres-commune-a?done=saved" {
		t.Fatalf("save: %d %s", res.Code, res.Body)
	}
	got, _ := a.srv.svc.Formats.Get(context.Background(), a.hrA(), "yverdon-cadres-commune-a", 0)
	if got.Version != 2 || len(got.Agenda) != n+1 || got.DurationMinutes != d.DurationMinutes+30 || !slices.Equal(got.Exercises, d.Exercises) {
		t.Errorf("saved: version %d, %d steps, %d min, exercises %v", got.Version, len(got.Agenda), got.DurationMinutes, got.Exercises)
	}
	// The same form again: nothing new.
	form.Values.Set("version", "2")
	if res := a.page(hr, "POST", "/app/formats/yverdon-cadres-commune-a", form.Values); res.Header().Get("Location") != "/app/catalog/yverdon-cadres-commune-a?done=unchanged" {
		t.Errorf("unchanged: %d %v", res.Code, res.Header())
	}
	// A step without minutes: the form again, the message beside the step.
	form.Values.Set(agendaField(1, "minutes"), "")
	res = a.page(hr, "POST", "/app/formats/yverdon-cadres-commune-a", form.Values)
	if res.Code != 422 || !strings.Contains(res.Body.String(), "agenda[1].minutes doit être positif (0)") || !strings.Contains(res.Body.String(), "Questions de la commune") {
		t.Errorf("invalid form: %d %s", res.Code, res.Body)
	}
	// The catalogue's own formats are copied, never edited.
	if res := a.page(hr, "GET", "/app/formats/yverdon-cadres/edit", nil); res.Code != 403 {
		t.Errorf("editing the catalogue: %d", res.Code)
	}
	page := a.page(hr, "GET", "/app/catalog", nil).Body.String()
	if !strings.Contains(page, "Les formats de la commune") || !strings.Contains(page, "/app/catalog/yverdon-cadres-commune-a") {
		t.Errorf("catalogue page lacks the commune's format")
	}
}
