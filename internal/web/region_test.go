package web

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/region"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// regionOf creates a region of the communes orgs through the API, as the
// platform's admin.
func (a *app) regionOf(slug, name string, orgs ...*store.Org) {
	a.t.Helper()
	if res := a.as(adminEmail, "POST", "/api/v1/regions", map[string]string{"slug": slug, "name": name}); res.Code != http.StatusCreated {
		a.t.Fatalf("create region: %d %s", res.Code, res.Body)
	}
	for _, o := range orgs {
		if res := a.as(adminEmail, "POST", "/api/v1/regions/"+slug+"/communes", map[string]string{"org": o.Slug}); res.Code != http.StatusOK {
			a.t.Fatalf("add %s to the region: %d %s", o.Slug, res.Code, res.Body)
		}
	}
}

// coordinator creates the coordinator account of a region.
func (a *app) coordinator(email, region string) {
	a.t.Helper()
	res := a.as(adminEmail, "POST", "/api/v1/users", map[string]string{"email": email, "password": testPassword, "role": "coordinator", "region": region})
	if res.Code != http.StatusCreated {
		a.t.Fatalf("create coordinator: %d %s", res.Code, res.Body)
	}
}

const (
	hrCEmail     = "rh@commune-c.example"
	regionCoord  = "coordination@valais-romand.example"
	regionSlug   = "valais-romand"
	regionName   = "Région Valais romand"
	heldSessions = "2026-02-17T08:30:00+01:00"
)

// regionWorld is a region of three communes: A and B share their
// figures, C does not. Every commune held a session, its people gave
// feedback naming colleagues (A five people, B four, C five), A ran an
// état des lieux that closed, A and C published their exchange of
// experience (naming people), B only saved it.
type regionWorld struct {
	orgC *store.Org
	// unrated is a person of B present at its session who gave no
	// feedback yet: the fifth, when a test needs one.
	unrated string
}

// regionPeople are the people of each commune, with names a count of
// words or a published text could carry.
var regionPeople = map[string][]string{
	"commune-a": {"Nadia Bonvin", "Hugo Zufferey", "Marie Dupont", "Jean-Pierre Rochat", "Léa Crettaz", "Sven Imboden", "Alice Theytaz", "Yann Pralong"},
	"commune-b": {"Noémie Fournier", "Bastien Gillioz", "Chloé Mottier", "Loïc Carron", "Mathilde Vouilloz", "Julien Tornay"},
	"commune-c": {"Sophie Rausis", "Damien Michellod", "Céline Luisier", "Fabien Bruchez", "Aline Moret", "Cédric Sarrasin"},
}

func seedRegion(t *testing.T, a *app) *regionWorld {
	t.Helper()
	ctx := context.Background()
	w := &regionWorld{orgC: &store.Org{Slug: "commune-c", Name: "Commune C"}}
	if err := a.store.CreateOrg(ctx, w.orgC); err != nil {
		t.Fatal(err)
	}
	if _, err := a.srv.svc.Auth.CreateUser(ctx, nil, auth.NewUser{Email: hrCEmail, Password: testPassword, Role: store.RoleHR, Org: "commune-c"}); err != nil {
		t.Fatal(err)
	}
	a.regionOf(regionSlug, regionName, a.orgA, a.orgB, w.orgC)
	a.coordinator(regionCoord, regionSlug)
	for _, hr := range []string{hrAEmail, hrBEmail} {
		if res := a.as(hr, "PATCH", "/api/v1/orgs/"+strings.Replace(strings.TrimPrefix(hr, "rh@"), ".example", "", 1), map[string]bool{"share_with_region": true}); res.Code != http.StatusOK {
			t.Fatalf("share as %s: %d %s", hr, res.Code, res.Body)
		}
	}
	raters := map[string]int{"commune-a": 5, "commune-b": 4, "commune-c": 5}
	for _, o := range []*store.Org{a.orgA, a.orgB, w.orgC} {
		hr := "rh@" + o.Slug + ".example"
		dep := a.department(o, "Finances")
		var ids []int64
		for i, name := range regionPeople[o.Slug] {
			role := "staff"
			if i == 0 {
				role = "head_of_service"
			}
			email := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(name, " ", "."), "é", "e")) + "@" + o.Slug + ".example"
			ids = append(ids, a.person(o, name, email, role, "fr", &dep))
		}
		held := sessionBody("ucv-consultation", time.Date(2026, 2, 17, 8, 30, 0, 0, tz.Zurich), 12)
		held["record_past"] = true
		held["allow_room_overlap"] = true // beside the pages' own sessions
		regs := a.book(hr, a.createSession(hr, held).ID, map[string]any{"person_ids": ids}).Registrations
		for i, r := range regs[:raters[o.Slug]] {
			colleague := regionPeople[o.Slug][(i+1)%len(regionPeople[o.Slug])]
			email := strings.ToLower(strings.ReplaceAll(colleague, " ", ".")) + "@" + o.Slug + ".example"
			res := a.do("POST", "/r/"+r.Token+"/feedback", "", map[string]any{"overall": 4 + i%2, "will_use": 4, "confidence_before": 2, "confidence_after": 4,
				"use_cases": "Procès-verbaux avec " + colleague + ", procès-verbaux", "worries": "Confidentialité ; écrire à " + email + " ou " + strings.Fields(colleague)[1]})
			if res.Code != http.StatusOK && res.Code != http.StatusCreated {
				t.Fatalf("feedback: %d %s", res.Code, res.Body)
			}
		}
		if o == a.orgB {
			w.unrated = regs[raters[o.Slug]].Token
		}
		if o == a.orgA { // someone did not come
			if res := a.as(hr, "PUT", fmt.Sprintf("/api/v1/registrations/%d/attendance", regs[7].ID), map[string]string{"status": "absent"}); res.Code != http.StatusOK {
				t.Fatalf("absent: %d %s", res.Code, res.Body)
			}
		}
	}
	// A's état des lieux: six answers, then it closes.
	sv := a.launch(hrAEmail, map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-20"})
	db, _ := a.store.SQL()
	rows, err := db.Query("SELECT token FROM survey_invitations WHERE survey_id = $1 ORDER BY id LIMIT 6", sv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for rows.Next() {
		var tok string
		rows.Scan(&tok)
		tokens = append(tokens, tok)
	}
	rows.Close()
	for _, tok := range tokens {
		if res := a.answerSurvey(tok, validAnswers(4, "Comme Nadia Bonvin, résumer les préavis")); res.Code >= 300 {
			t.Fatalf("answer: %d %s", res.Code, res.Body)
		}
	}
	// The exchange of experience, naming people.
	for hr, publish := range map[string]bool{hrAEmail: true, hrBEmail: false, hrCEmail: true} {
		body := experienceBody("Procès-verbaux, avec l'aide de Marie Dupont (marie.dupont@commune-a.example) et de Rochat")
		body["publish"] = publish
		if res := a.as(hr, "POST", "/api/v1/experience", body); res.Code != http.StatusOK {
			t.Fatalf("experience of %s: %d %s", hr, res.Code, res.Body)
		}
	}
	a.setNow(time.Date(2026, 3, 25, 9, 0, 0, 0, tz.Zurich))
	return w
}

// regionSecrets lists what identifies the people of the three communes:
// names and their parts, addresses, personal links, and the communes'
// accounts.
func regionSecrets(t *testing.T, a *app) []string {
	t.Helper()
	db, _ := a.store.SQL()
	var out []string
	for _, q := range []string{
		"SELECT name FROM people", "SELECT COALESCE(email, '') FROM people", "SELECT token FROM registrations",
		"SELECT token FROM survey_invitations WHERE token IS NOT NULL", "SELECT email FROM users WHERE org_id IS NOT NULL",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		rows.Close()
	}
	for _, names := range regionPeople {
		for _, n := range names {
			out = append(out, strings.FieldsFunc(n, func(r rune) bool { return r == ' ' || r == '-' })...)
		}
	}
	return out
}

// containsWord reports whether s holds w (case aside) as a word: not inside
// a longer word.
func containsWord(s, w string) bool {
	s, w = strings.ToLower(s), strings.ToLower(w)
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (start == 0 || !unicode.IsLetter(before)) && (end == len(s) || !unicode.IsLetter(after)) {
			return true
		}
		i = start + 1
	}
}

// checkNoSecret fails when body carries any secret.
func checkNoSecret(t *testing.T, what, body string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && containsWord(body, s) {
			t.Errorf("%s carries %q", what, s)
		}
	}
}

// TestRegionView: the coordinator's view of a region of three communes,
// one not sharing; every regional answer (JSON, page, PDF text, the
// exchange of experience) holds no name, address or token of any
// commune's people; four people's answers are never shown alone, five
// are.
func TestRegionView(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		w := seedRegion(t, a)
		secrets := regionSecrets(t, a)
		report := func() region.Report {
			t.Helper()
			res := a.as(regionCoord, "GET", "/api/v1/region/report", nil)
			if res.Code != http.StatusOK {
				t.Fatalf("report: %d %s", res.Code, res.Body)
			}
			checkNoSecret(t, "the report's JSON", res.Body.String(), secrets)
			var r region.Report
			mustJSON(t, res, &r)
			return r
		}
		r := report()
		if r.Region.Slug != regionSlug || len(r.Communes) != 3 {
			t.Fatalf("report: %+v", r)
		}
		ca, cb, cc := r.Communes[0], r.Communes[1], r.Communes[2]
		if !ca.Shared || !cb.Shared || cc.Shared || cc.Figures != nil || cc.Name != "Commune C" {
			t.Fatalf("who shares: %+v %+v %+v", ca, cb, cc)
		}
		// Training and sessions of A and B (C's people are not counted).
		if ca.Figures.Training == nil || ca.Figures.Training.People != 8 || ca.Figures.Training.Trained != 7 || cb.Figures.Training.People != 6 {
			t.Errorf("training A %+v B %+v", ca.Figures.Training, cb.Figures.Training)
		}
		if tr := r.Total.Training; tr == nil || tr.People != 14 || tr.Trained != 13 {
			t.Errorf("region training %+v, want 13 of 14 (C left out)", tr)
		}
		if r.Total.Sessions.Held != 2 || ca.Figures.Sessions.Held != 1 || len(ca.Figures.Formats) != 1 || ca.Figures.Formats[0].Slug != "ucv-consultation" {
			t.Errorf("sessions: region %+v, A %+v %+v", r.Total.Sessions, ca.Figures.Sessions, ca.Figures.Formats)
		}
		if at := ca.Figures.Attendance; at == nil || at.Expected != 8 || at.NoShowRate == nil || *at.NoShowRate != 1.0/8 {
			t.Errorf("A's attendance %+v", at)
		}
		// Four of B rated: B cannot be shown alone, nor A (the region minus
		// A would be B): both count in « autres communes ».
		if ca.Figures.Feedback != nil || cb.Figures.Feedback != nil {
			t.Errorf("feedback shown alone with four answers in B: A %+v, B %+v", ca.Figures.Feedback, cb.Figures.Feedback)
		}
		if o := r.Others.Feedback; o == nil || o.Respondents != 9 || len(r.Others.Communes[region.BlockFeedback]) != 2 {
			t.Errorf("« autres communes »: %+v %v", o, r.Others.Communes)
		}
		if f := r.Total.Feedback; f == nil || f.Respondents != 9 || *f.Interest != 4 || *f.ConfidenceGain != 2 {
			t.Errorf("region feedback %+v", f)
		}
		if f := r.Total.Feedback; f == nil || len(f.TopUseCases) == 0 || f.TopUseCases[0].Word != "procès-verbaux" {
			t.Errorf("use cases %+v", r.Total.Feedback)
		}
		// A's état des lieux (six answers) is shown, with its tasks.
		if s := ca.Figures.Survey; s == nil || s.Respondents != 6 || len(s.TopTasks) == 0 || s.TopTasks[0].Label == "" {
			t.Errorf("A's survey %+v", ca.Figures.Survey)
		}
		if len(r.Formats) != 1 || r.Formats[0].SessionsHeld != 2 || r.Formats[0].Communes != 2 || r.Formats[0].Feedback == nil || r.Formats[0].Feedback.Respondents != 9 {
			t.Errorf("formats %+v", r.Formats)
		}

		// The page and the PDF say the same, without a name.
		cookie := a.browserSession(regionCoord)
		page := a.pageText(cookie, "/app/region")
		checkNoSecret(t, "the regional page", page, secrets)
		for _, want := range []string{"Commune C", "n’a pas partagé", "Autres communes", "UCV : deux heures"} {
			if !strings.Contains(page, want) {
				t.Errorf("the regional page lacks %q", want)
			}
		}
		for _, path := range []string{"/api/v1/region/report.pdf", "/api/v1/region/report?format=pdf"} {
			res := a.as(regionCoord, "GET", path, nil)
			if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/pdf" {
				t.Fatalf("%s: %d %s", path, res.Code, res.Header())
			}
			text := pdfText(t, res.Body.Bytes())
			checkNoSecret(t, path, text, secrets)
			for _, want := range []string{"Rapport régional", regionName, "Commune C", "n’a pas partagé", "Autres communes", "procès-verbaux"} {
				if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
					t.Errorf("%s lacks %q:\n%s", path, want, text)
				}
			}
		}

		// The exchange of experience: A and C published, B did not; the
		// names are masked.
		for _, who := range []string{regionCoord, hrBEmail, hrCEmail} {
			res := a.as(who, "GET", "/api/v1/region/experience", nil)
			if res.Code != http.StatusOK {
				t.Fatalf("experience as %s: %d %s", who, res.Code, res.Body)
			}
			checkNoSecret(t, "the region's experience as "+who, res.Body.String(), secrets)
			var e region.RegionExperience
			mustJSON(t, res, &e)
			if len(e.Communes) != 2 || e.Communes[0].Commune.Slug != "commune-a" || e.Communes[1].Commune.Slug != "commune-c" || len(e.NotPublished) != 1 || len(e.Questions) != 5 {
				t.Errorf("experience: %+v", e)
			}
			if got := e.Questions[0].Answers[0].Lines; len(got) != 1 || !strings.Contains(got[0], "Procès-verbaux") || !strings.Contains(got[0], "[…]") {
				t.Errorf("A's favourable tasks as published: %q", got)
			}
			if e.Communes[0].HoursPerMonth != 6 {
				t.Errorf("hours: %v", e.Communes[0].HoursPerMonth)
			}
		}
		checkNoSecret(t, "the region's experience page", a.pageText(cookie, "/app/region/experience"), secrets)
		// (B's page shows its reader's own address at the foot.)
		checkNoSecret(t, "the region's experience page for B", strings.ReplaceAll(a.pageText(a.browserSession(hrBEmail), "/app/region/experience"), hrBEmail, ""), secrets)
		// HR reads the region's experience, not the coordinator's view.
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/region/report", nil), http.StatusForbidden, "forbidden")

		// Five in B: now each commune is shown alone.
		if res := a.do("POST", "/r/"+w.unrated+"/feedback", "", map[string]any{"overall": 5, "will_use": 5, "confidence_before": 1, "confidence_after": 5}); res.Code >= 300 {
			t.Fatalf("fifth feedback: %d %s", res.Code, res.Body)
		}
		r = report()
		if fa, fb := r.Communes[0].Figures.Feedback, r.Communes[1].Figures.Feedback; fa == nil || fb == nil || fa.Respondents != 5 || fb.Respondents != 5 || r.Others.Feedback != nil {
			t.Errorf("five and five: A %+v B %+v others %+v", fa, fb, r.Others.Feedback)
		}

		// A stops sharing: it shows as not shared, and its people no longer count.
		if res := a.as(hrAEmail, "PATCH", "/api/v1/orgs/commune-a", map[string]bool{"share_with_region": false}); res.Code != http.StatusOK {
			t.Fatalf("stop sharing: %d %s", res.Code, res.Body)
		}
		r = report()
		if r.Communes[0].Shared || r.Communes[0].Figures != nil || r.Total.Training.People != 6 {
			t.Errorf("after A stopped: %+v, region %+v", r.Communes[0], r.Total.Training)
		}
	})
}

// pageText reads a staff page with a sign-in cookie.
func (a *app) pageText(cookie *http.Cookie, path string) string {
	a.t.Helper()
	res := a.page(cookie, "GET", path, nil)
	if res.Code != http.StatusOK {
		a.t.Fatalf("%s: %d %s", path, res.Code, res.Body)
	}
	return res.Body.String()
}

// TestRegionSetUp: regions, communes and coordinators through the API, the
// sharing switch and its rules.
func TestRegionSetUp(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		a.regionOf("valais-romand", "Région Valais romand", a.orgA)
		expectError(t, a.as(adminEmail, "POST", "/api/v1/regions", map[string]string{"slug": "valais-romand", "name": "Encore"}), 409, "conflict")
		expectError(t, a.as(adminEmail, "POST", "/api/v1/regions", map[string]string{"slug": "Pas Valide", "name": ""}), 422, "validation", "slug", "name")
		expectError(t, a.as(adminEmail, "POST", "/api/v1/regions/valais-romand/communes", map[string]string{"org": "nulle-part"}), 422, "validation", "org")
		expectError(t, a.as(adminEmail, "POST", "/api/v1/regions/nulle-part/communes", map[string]string{"org": "commune-a"}), 404, "not_found")
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/regions", map[string]string{"slug": "autre", "name": "Autre"}), 403, "forbidden")

		// Coordinators: with a region, without a commune; only admins.
		a.coordinator("coord@region.example", "valais-romand")
		for name, tc := range map[string]struct {
			body   map[string]string
			fields []string
		}{
			"no region":                  {map[string]string{"role": "coordinator"}, []string{"region"}},
			"unknown region":             {map[string]string{"role": "coordinator", "region": "nulle-part"}, []string{"region"}},
			"a coordinator of a commune": {map[string]string{"role": "coordinator", "region": "valais-romand", "org": "commune-a"}, []string{"org"}},
			"hr with a region":           {map[string]string{"role": "hr", "region": "valais-romand", "org": "commune-a"}, []string{"region"}},
		} {
			t.Run(name, func(t *testing.T) {
				body := map[string]string{"email": "x@region.example", "password": testPassword}
				for k, v := range tc.body {
					body[k] = v
				}
				e := expectError(t, a.as(adminEmail, "POST", "/api/v1/users", body, "Accept-Language", "de"), 422, "validation", tc.fields...)
				if strings.Contains(e.Error.Fields[tc.fields[0]], "region.") {
					t.Errorf("untranslated: %v", e.Error.Fields)
				}
			})
		}
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/users", map[string]string{"email": "y@region.example", "password": testPassword, "role": "coordinator", "region": "valais-romand"}), 403, "forbidden")
		var users []userJSON
		mustJSON(t, a.as(adminEmail, "GET", "/api/v1/users", nil), &users)
		var coord userJSON
		for _, u := range users {
			if u.Email == "coord@region.example" {
				coord = u
			}
		}
		if coord.Role != "coordinator" || coord.Region != "valais-romand" || coord.Org != "" {
			t.Fatalf("coordinator as listed: %+v", coord)
		}
		expectError(t, a.as(adminEmail, "PATCH", fmt.Sprintf("/api/v1/users/%d", coord.ID), map[string]string{"role": "hr"}), 422, "validation", "role")

		// Sharing: off by default; HR of the commune or an admin; only with
		// a region.
		var orgs []orgJSON
		mustJSON(t, a.as(adminEmail, "GET", "/api/v1/orgs", nil), &orgs)
		for _, o := range orgs {
			if o.ShareWithRegion {
				t.Errorf("%s shares by default", o.Slug)
			}
		}
		expectError(t, a.as(hrBEmail, "PATCH", "/api/v1/orgs/commune-b", map[string]bool{"share_with_region": true}), 422, "validation", "share_with_region")
		expectError(t, a.as(hrBEmail, "PATCH", "/api/v1/orgs/commune-a", map[string]bool{"share_with_region": true}), 404, "not_found")
		expectError(t, a.as(trainerAEmail, "PATCH", "/api/v1/orgs/commune-a", map[string]bool{"share_with_region": true}), 403, "forbidden")
		expectError(t, a.as(hrAEmail, "PATCH", "/api/v1/orgs/commune-a", map[string]any{}), 422, "validation", "share_with_region")
		var sh struct {
			orgJSON
			Region *region.Ref `json:"region"`
		}
		mustJSON(t, a.as(hrAEmail, "PATCH", "/api/v1/orgs/commune-a", map[string]bool{"share_with_region": true}), &sh)
		if !sh.ShareWithRegion || sh.Region == nil || sh.Region.Slug != "valais-romand" {
			t.Fatalf("shared: %+v", sh)
		}
		// Moving the commune to another region ends its sharing.
		a.regionOf("haut-valais", "Oberwallis", a.orgA)
		var moved orgJSON
		mustJSON(t, a.as(adminEmail, "GET", "/api/v1/orgs", nil), &orgs)
		for _, o := range orgs {
			if o.Slug == "commune-a" {
				moved = o
			}
		}
		if moved.ShareWithRegion || moved.RegionID == nil {
			t.Errorf("moved: %+v", moved)
		}
		var regions []regionJSON
		mustJSON(t, a.as(adminEmail, "GET", "/api/v1/regions", nil), &regions)
		if len(regions) != 2 || len(regions[0].Communes) != 1 || len(regions[1].Communes) != 0 {
			t.Errorf("regions: %+v", regions)
		}
	})
}

// TestExperienceAPI: the §4 answers, refused with French and German
// messages naming the question, saved, published (masked), and changed
// afterwards without reaching the region until published again.
func TestExperienceAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		a.person(a.orgA, "Nadia Bonvin", "nadia.bonvin@commune-a.example", "staff", "fr", nil)
		var e region.Experience
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/experience", nil), &e)
		if e.UpdatedAt != nil || e.Region != nil || e.Answers.FavourableTasks == nil {
			t.Fatalf("before anything: %+v", e)
		}
		for lang, want := range map[string]string{"fr": "Quelles tâches sont particulièrement favorables", "de": "Welche Aufgaben eignen sich"} {
			res := a.as(hrAEmail, "POST", "/api/v1/experience", map[string]any{"time_gains": []map[string]any{{"task": "PV", "hours_per_month": 5000}}}, "Accept-Language", lang)
			ae := expectError(t, res, 422, "validation", "favourable_tasks", "time_gains[0].hours_per_month", "quality_controls", "general_tools")
			if !strings.Contains(ae.Error.Fields["favourable_tasks"], want) {
				t.Errorf("%s: %q does not name the question", lang, ae.Error.Fields["favourable_tasks"])
			}
		}
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/experience", map[string]any{"tasks": []string{"x"}}), 400, "bad_request")
		// Without a region: saved, not published.
		body := experienceBody("Courriers de Nadia Bonvin")
		body["publish"] = true
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/experience", body), 422, "validation", "publish")
		delete(body, "publish")
		mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/experience", body), &e)
		if e.UpdatedAt == nil || e.Published != nil || e.Answers.FavourableTasks[0] != "Courriers de Nadia Bonvin" {
			t.Fatalf("saved: %+v", e)
		}
		a.regionOf("valais-romand", "Région Valais romand", a.orgA, a.orgB)
		mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/experience/publish", nil), &e)
		if e.Published == nil || e.PublishedAt == nil || e.Changed || strings.Contains(e.Published.FavourableTasks[0], "Bonvin") {
			t.Fatalf("published: %+v", e.Published)
		}
		body["favourable_tasks"] = []string{"Traductions"}
		mustJSON(t, a.as(hrAEmail, "POST", "/api/v1/experience", body), &e)
		if !e.Changed || !strings.HasPrefix(e.Published.FavourableTasks[0], "Courriers de") {
			t.Errorf("changed after publishing: %+v", e)
		}
		var re region.RegionExperience
		mustJSON(t, a.as(hrBEmail, "GET", "/api/v1/region/experience", nil), &re)
		if len(re.Communes) != 1 || re.Communes[0].Answers.FavourableTasks[0] == "Traductions" {
			t.Errorf("the region reads a draft: %+v", re.Communes)
		}
		expectError(t, a.as(hrBEmail, "POST", "/api/v1/experience/publish", nil), 409, "conflict")
	})
}

// TestReportDataOfMatchesReportData: loading several communes at once
// gives each the data it has alone.
func TestReportDataOfMatchesReportData(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		w := seedRegion(t, a)
		// A pooled session: B's people in A's session open to all.
		open := sessionBody("aubonne", time.Date(2026, 4, 14, 8, 30, 0, 0, tz.Zurich), 10)
		open["open_to_other_communes"] = true
		s := a.createSession(hrAEmail, open)
		a.book(hrBEmail, s.ID, map[string]any{"person_ids": a.addPeople(a.orgB, 2, "staff", nil)})
		ids := []int64{a.orgA.ID, a.orgB.ID, w.orgC.ID}
		all, err := a.store.ReportDataOf(context.Background(), ids)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			one, err := a.store.ReportData(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(all[id], one) {
				t.Errorf("commune %d: together %+v\nalone %+v", id, all[id], one)
			}
			if len(one.Registrations) == 0 || len(one.Feedback) == 0 {
				t.Errorf("commune %d: no data to compare", id)
			}
		}
	})
}
