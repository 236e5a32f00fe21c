package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// surveyToken reads the survey link of a person (tests only: no API gives
// it, it travels by mail).
func (a *app) surveyToken(personID int64) string {
	a.t.Helper()
	db, err := a.store.SQL()
	if err != nil {
		a.t.Fatal(err)
	}
	var tok string
	if err := db.QueryRow("SELECT token FROM survey_invitations WHERE person_id = $1 ORDER BY id DESC LIMIT 1", personID).Scan(&tok); err != nil {
		a.t.Fatalf("survey token of person %d: %v", personID, err)
	}
	return tok
}

// person adds a person to org and returns its id.
func (a *app) person(org *store.Org, name, email, role, lang string, dep *int64) int64 {
	a.t.Helper()
	p := &store.Person{OrgID: org.ID, Name: name, Role: role, Language: lang, DepartmentID: dep}
	if email != "" {
		p.Email = &email
	}
	if err := a.store.CreatePerson(context.Background(), p); err != nil {
		a.t.Fatal(err)
	}
	return p.ID
}

func (a *app) department(org *store.Org, name string) int64 {
	a.t.Helper()
	d := &store.Department{OrgID: org.ID, Name: name}
	if err := a.store.CreateDepartment(context.Background(), d); err != nil {
		a.t.Fatal(err)
	}
	return d.ID
}

func (a *app) launch(email string, body map[string]any) surveyJSON {
	a.t.Helper()
	res := a.as(email, "POST", "/api/v1/surveys", body)
	if res.Code != http.StatusCreated {
		a.t.Fatalf("launch: %d %s", res.Code, res.Body)
	}
	var sv surveyJSON
	mustJSON(a.t, res, &sv)
	return sv
}

// answerSurvey posts answers to a survey link as JSON.
func (a *app) answerSurvey(token string, answers map[string]any) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.do("POST", "/s/"+token, "", answers)
}

// validAnswers are answers to every required question of the état des
// lieux; wish is the free text.
func validAnswers(interest int, wish string) map[string]any {
	out := map[string]any{
		"tools":      map[string]any{"choices": []string{"chatgpt", "deepl"}},
		"tasks":      map[string]any{"choices": []string{"writing", "translation"}},
		"frequency":  map[string]any{"choices": []string{"weekly"}},
		"competence": map[string]any{"value": 3},
		"worries":    map[string]any{"choices": []string{"data_protection", "other"}, "other": "la qualité des traductions"},
		"interest":   map[string]any{"value": interest},
	}
	if wish != "" {
		out["wishes"] = map[string]any{"text": wish}
	}
	return out
}

func TestSurveyLaunchAndAnswer(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		fin := a.department(a.orgA, "Finances")
		lea := a.person(a.orgA, "Léa Favre", "lea@commune-a.example", "staff", "fr", &fin)
		jonas := a.person(a.orgA, "Jonas Meier", "jonas@commune-a.example", "head_of_service", "de", &fin)
		a.person(a.orgA, "Sans Adresse", "", "staff", "fr", &fin)
		a.person(a.orgA, "Marc Conseil", "marc@commune-a.example", "council_member", "fr", nil)

		// Refusals name their fields.
		for name, tc := range map[string]struct {
			body   map[string]any
			fields []string
		}{
			"nothing":           {map[string]any{}, []string{"kind", "audience", "closes_at"}},
			"all and a role":    {map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true, "role": "staff"}, "closes_at": "2026-03-20"}, []string{"audience"}},
			"unknown role":      {map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"role": "mayor"}, "closes_at": "2026-03-20"}, []string{"audience.role"}},
			"other's service":   {map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"department_id": 999999}, "closes_at": "2026-03-20"}, []string{"audience.department_id"}},
			"closes tomorrow":   {map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-02T12:00:00+01:00"}, []string{"closes_at"}},
			"not a date":        {map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "bientôt"}, []string{"closes_at"}},
			"a role, no person": {map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"role": "municipal_secretary"}, "closes_at": "2026-03-20"}, []string{"audience"}},
		} {
			t.Run(name, func(t *testing.T) {
				expectError(t, a.as(hrAEmail, "POST", "/api/v1/surveys", tc.body), 422, "validation", tc.fields...)
			})
		}

		res := a.as(hrAEmail, "POST", "/api/v1/surveys", map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-20"})
		var sv launchedJSON
		if res.Code != 201 {
			t.Fatalf("launch: %d %s", res.Code, res.Body)
		}
		mustJSON(t, res, &sv)
		if sv.WithoutEmail != 1 {
			t.Errorf("without_email %d, want 1", sv.WithoutEmail)
		}
		closes := time.Date(2026, 3, 20, 23, 59, 0, 0, tz.Zurich)
		if sv.Invited != 3 || sv.Responses != 0 || sv.Status != "open" || !sv.ClosesAt.Equal(closes) || sv.ReminderAt == nil || !sv.ReminderAt.Equal(closes.Add(-48*time.Hour)) {
			t.Fatalf("launched %+v", sv)
		}
		// One survey of a kind at a time.
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/surveys", map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-25"}), 409, "conflict")

		// The mails are in the outbox, in each person's language, and HR
		// reads them without their text: it holds the personal link.
		res = a.as(hrAEmail, "GET", "/api/v1/outbox", nil)
		var mails []outboxJSON
		mustJSON(t, res, &mails)
		tokLea, tokJonas := a.surveyToken(lea), a.surveyToken(jonas)
		kinds := map[string]int{}
		for _, m := range mails {
			kinds[m.Kind]++
			if m.Kind == "survey_invitation" && (m.Text != "" || m.SessionID != nil) {
				t.Errorf("survey mail shown with text or session: %+v", m)
			}
		}
		if kinds["survey_invitation"] != 3 || strings.Contains(res.Body.String(), tokLea) {
			t.Errorf("outbox %v; the link must not show: %s", kinds, res.Body)
		}
		var body, subject string
		db, _ := a.store.SQL()
		if err := db.QueryRow("SELECT subject, text_body FROM outbox_messages WHERE to_email = $1", "jonas@commune-a.example").Scan(&subject, &body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(subject, "Bestandsaufnahme") || !strings.Contains(body, "https://atelier.example/s/"+tokJonas) || !strings.Contains(body, "20. März 2026") {
			t.Errorf("German invitation: %s\n%s", subject, body)
		}

		// The form, in the person's language.
		res = a.do("GET", "/s/"+tokJonas, "", nil)
		if res.Code != 200 || !strings.Contains(res.Body.String(), "Bestandsaufnahme") || !strings.Contains(res.Body.String(), `lang="de-CH"`) {
			t.Fatalf("German form: %d %.500s", res.Code, res.Body)
		}
		res = a.do("GET", "/s/"+tokLea, "", nil)
		if res.Code != 200 || !strings.Contains(res.Body.String(), "État des lieux") || strings.Contains(res.Body.String(), "Léa") {
			t.Fatalf("French form (without the person's name): %d %.500s", res.Code, res.Body)
		}

		// The feedback's error rules: 422 naming the questions, as JSON…
		e := expectError(t, a.do("POST", "/s/"+tokLea, "", map[string]any{"tools": map[string]any{"choices": []string{"none", "chatgpt"}}, "competence": map[string]any{"value": 9}}), 422, "validation", "tools", "competence", "frequency", "worries", "interest")
		if !strings.Contains(e.Error.Fields["competence"], "1 à 5") {
			t.Errorf("scale message %q", e.Error.Fields["competence"])
		}
		expectError(t, a.do("POST", "/s/"+tokLea, "", `{"tools":{"choices":["chatgpt"],"colour":"red"}}`), 400, "bad_request")
		// … and as the page again, with what was typed and the messages.
		form := url.Values{"tools": {"chatgpt"}, "competence": {"4"}, "worries": {"other"}, "wishes": {"Résumer les préavis"}}
		res = a.do("POST", "/s/"+tokLea, "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		page := res.Body.String()
		if res.Code != 422 || !strings.Contains(page, "Veuillez répondre à cette question.") || !strings.Contains(page, "Précisez votre réponse") ||
			!strings.Contains(page, `value="chatgpt" checked`) || !strings.Contains(page, "Résumer les préavis") {
			t.Fatalf("refused form: %d %s", res.Code, page)
		}

		// A valid answer, then a second one that replaces it.
		res = a.do("POST", "/s/"+tokLea, "", validAnswers(4, "Résumer les préavis"))
		if res.Code != 200 {
			t.Fatalf("answer: %d %s", res.Code, res.Body)
		}
		form = url.Values{"tools": {"copilot"}, "frequency": {"daily"}, "competence": {"5"}, "worries": {"none"}, "interest": {"2"}}
		res = a.do("POST", "/s/"+tokLea, "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/s/"+tokLea+"?done=1" {
			t.Fatalf("form answer: %d %s", res.Code, res.Body)
		}
		if n := a.count("survey_responses"); n != 1 {
			t.Errorf("%d responses after two answers of one person, want 1", n)
		}
		res = a.do("GET", "/s/"+tokLea+"?done=1", "", nil)
		page = res.Body.String()
		if !strings.Contains(page, "Merci") || !strings.Contains(page, `value="copilot" checked`) || strings.Contains(page, `value="chatgpt" checked`) || !strings.Contains(page, `name="interest" value="2" checked`) {
			t.Errorf("the page shows the second answer only: %s", page)
		}
		var list []surveyJSON
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/surveys", nil), &list)
		if len(list) != 1 || list[0].Responses != 1 || list[0].Invited != 3 {
			t.Errorf("list %+v", list)
		}

		// Another commune neither sees the survey nor its results.
		expectError(t, a.as(hrBEmail, "GET", fmt.Sprintf("/api/v1/surveys/%d/results", sv.ID), nil), 404, "not_found")
		mustJSON(t, a.as(hrBEmail, "GET", "/api/v1/surveys", nil), &list)
		if len(list) != 0 {
			t.Errorf("B sees %+v", list)
		}

		// After closes_at: 409, and the page says it closed, without the
		// answers.
		a.setNow(closes.Add(time.Minute))
		expectError(t, a.do("POST", "/s/"+tokJonas, "", validAnswers(3, "")), 409, "conflict")
		res = a.do("POST", "/s/"+tokLea, "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if res.Code != 409 || !strings.Contains(res.Body.String(), "clos") {
			t.Errorf("closed form post: %d %s", res.Code, res.Body)
		}
		res = a.do("GET", "/s/"+tokLea, "", nil)
		if res.Code != 200 || strings.Contains(res.Body.String(), `checked`) || !strings.Contains(res.Body.String(), "clos depuis le vendredi 20 mars 2026") {
			t.Errorf("closed page: %d %s", res.Code, res.Body)
		}
		// Sealing cuts the answers from the links for good.
		if _, sealed, err := a.srv.svc.Surveys.Tick(context.Background()); err != nil || sealed != 1 {
			t.Fatalf("seal: %d %v", sealed, err)
		}
		var keys int
		if err := db.QueryRow("SELECT COUNT(*) FROM survey_responses WHERE respondent_key IS NOT NULL").Scan(&keys); err != nil || keys != 0 {
			t.Errorf("%d responses still keyed after sealing (%v)", keys, err)
		}
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/surveys", nil), &list)
		if list[0].Status != "closed" || list[0].Responses != 1 {
			t.Errorf("after closing %+v", list[0])
		}
		// An unknown link opens nothing.
		if res := a.do("GET", "/s/"+strings.Repeat("Z", 26), "", nil); res.Code != 404 {
			t.Errorf("unknown link: %d", res.Code)
		}
	})
}

// resultsRead reads a survey's results.
type resultsRead struct {
	Partial  bool       `json:"partial"`
	Overall  partView   `json:"overall"`
	Services []partView `json:"services"`
	Groups   []partView `json:"groups"`
}

// resultsOf reads a survey's results as the API answers them.
func (a *app) resultsOf(email string, id int64) (resultsRead, string) {
	a.t.Helper()
	res := a.as(email, "GET", fmt.Sprintf("/api/v1/surveys/%d/results", id), nil)
	if res.Code != 200 {
		a.t.Fatalf("results: %d %s", res.Code, res.Body)
	}
	var out resultsRead
	if err := json.Unmarshal(res.Body.Bytes(), &out); err != nil {
		a.t.Fatal(err)
	}
	return out, res.Body.String()
}

// TestSurveyAnonymity: through the API, a service of 4 respondents never
// shows on its own — not its figures, not its texts — while services of 5
// and 6 do; no answer names a respondent.
func TestSurveyAnonymity(t *testing.T) {
	for _, n := range []int{4, 5, 6} {
		t.Run(fmt.Sprintf("%d respondents", n), func(t *testing.T) {
			eachDB(t, func(t *testing.T, a *app) {
				small := a.department(a.orgA, "Petit service")
				mid := a.department(a.orgA, "Service moyen")
				big := a.department(a.orgA, "Grand service")
				type who struct{ id, dep int64 }
				var people []who
				var names []string
				add := func(dep int64, count int, role string) {
					for i := range count {
						name := fmt.Sprintf("Secret %d-%d", dep, i)
						names = append(names, name)
						people = append(people, who{dep: dep, id: a.person(a.orgA, name, fmt.Sprintf("p%d-%d@commune-a.example", dep, i), role, "fr", &dep)})
					}
				}
				add(small, n+1, "head_of_service") // one does not answer
				add(mid, 6, "staff")
				add(big, 8, "staff")
				sv := a.launch(hrAEmail, map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-20"})
				answered := map[int64]int{}
				for i, p := range people {
					if p.dep == small && answered[small] == n {
						continue
					}
					wish := ""
					if p.dep == small {
						wish = fmt.Sprintf("Secret wish of the small service number %d", i)
					}
					if res := a.answerSurvey(a.surveyToken(p.id), validAnswers(1+i%5, wish)); res.Code != 200 {
						t.Fatalf("answer: %d %s", res.Code, res.Body)
					}
					answered[p.dep]++
				}
				// While open, only who answered shows, not what.
				r, body := a.resultsOf(hrAEmail, sv.ID)
				if !r.Partial || r.Overall.Figures == nil || r.Overall.Figures.Respondents != n+14 || len(r.Overall.Figures.Wishes) != 0 || strings.Contains(body, "Secret wish") {
					t.Errorf("open survey's results: %s", body)
				}
				a.setNow(time.Date(2026, 3, 21, 9, 0, 0, 0, tz.Zurich))
				r, body = a.resultsOf(hrAEmail, sv.ID)
				if r.Partial {
					t.Errorf("closed survey's results still partial")
				}
				for _, name := range names {
					if strings.Contains(body, name) {
						t.Errorf("results name %s", name)
					}
				}
				all := append(append([]partView{r.Overall}, r.Services...), r.Groups...)
				for _, p := range all {
					if p.Figures != nil && p.Figures.Respondents < 5 {
						t.Errorf("part %s shows figures of %d respondents", p.Name, p.Figures.Respondents)
					}
					if p.Withheld && p.Figures != nil {
						t.Errorf("withheld part %s has figures", p.Name)
					}
					if p.Figures == nil {
						continue
					}
					// The small service's texts only inside a part where its
					// answers are mixed with at least as many others'.
					for _, w := range p.Figures.Wishes {
						if strings.HasPrefix(w, "Secret wish") && p.Figures.Respondents < 5 {
							t.Errorf("part %s shows a text of fewer than five", p.Name)
						}
					}
				}
				var own *partView
				for i := range r.Services {
					if r.Services[i].Key == fmt.Sprint(small) {
						own = &r.Services[i]
					}
				}
				merged := false
				for _, p := range r.Services {
					merged = merged || (p.Key == "others" && strings.Contains(strings.Join(p.Merged, ","), "Petit service"))
				}
				switch n {
				case 4:
					if own != nil || !merged {
						t.Errorf("4 respondents: the service shows on its own (%+v) or is not in « autres»: %s", own, body)
					}
					// The heads of service are the small service: that group
					// does not show on its own either.
					for _, g := range r.Groups {
						if g.Key == "heads_of_service" {
							t.Errorf("4 heads of service shown as a group: %+v", g)
						}
					}
				default:
					if own == nil || own.Figures == nil || own.Figures.Respondents != n || own.Figures.Population != n+1 {
						t.Fatalf("%d respondents: the service should show: %s", n, body)
					}
					if len(own.Figures.Wishes) != n {
						t.Errorf("%d wishes, want %d", len(own.Figures.Wishes), n)
					}
				}
				// The page shows the same parts.
				page := a.page(a.browserSession(hrAEmail), "GET", fmt.Sprintf("/app/surveys/%d", sv.ID), nil)
				mergedShown := strings.Contains(page.Body.String(), `<span class="muted small">Petit service`)
				if page.Code != 200 || (n == 4) != mergedShown {
					t.Errorf("results page %d: the small service merged %v with %d respondents", page.Code, mergedShown, n)
				}
				// Its charts show no more than its tables: 4 respondents
				// leave no trace of the service or of their group in any
				// chart; 5 and 6 show both, with their figures.
				charts := chartsOf(t, page.Body.String())
				if len(charts) < 4 {
					t.Fatalf("%d charts on the results page", len(charts))
				}
				drawn := ""
				for _, c := range charts {
					drawn += c.text() + "\n"
				}
				switch n {
				case 4:
					for _, hidden := range []string{"Petit service", "Chef·fe·s de service", fmt.Sprintf("(%d réponses)", n)} {
						if strings.Contains(drawn, hidden) {
							t.Errorf("4 respondents: a chart shows %q:\n%s", hidden, drawn)
						}
					}
				default:
					interest := map[int]string{5: "3,0", 6: "2,7"}[n]
					hasEntries(t, chartTitled(t, charts, "Maîtrise et intérêt pour une formation, par service"),
						fmt.Sprintf("Petit service (%d réponses)\u00a0: maîtrise 3,0, intérêt %s", n, interest))
					hasEntries(t, chartTitled(t, charts, "Maîtrise et intérêt pour une formation, par groupe"),
						fmt.Sprintf("Chef·fe·s de service (%d réponses)\u00a0: maîtrise 3,0, intérêt %s", n, interest))
				}
			})
		})
	}
}

// partView reads a part of the results.
type partView struct {
	Key      string   `json:"key"`
	Name     string   `json:"name"`
	Merged   []string `json:"merged"`
	Withheld bool     `json:"withheld"`
	Figures  *struct {
		Respondents int      `json:"respondents"`
		Population  int      `json:"population"`
		Wishes      []string `json:"wishes"`
	} `json:"figures"`
}

// TestSurveyExportAndErase: the export says a person was asked, never what
// they answered; erasing them keeps their anonymous answer and the
// survey's population, and their link opens nothing any more.
func TestSurveyExportAndErase(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		ids := a.addPeople(a.orgA, 2, "staff", nil)
		sv := a.launch(hrAEmail, map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-20"})
		tok := a.surveyToken(ids[0])
		if res := a.answerSurvey(tok, validAnswers(5, "Un souhait très personnel")); res.Code != 200 {
			t.Fatal(res.Body)
		}
		res := a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/people/%d/export", ids[0]), nil)
		var exp struct {
			Surveys []struct {
				SurveyID int64  `json:"survey_id"`
				Kind     string `json:"kind"`
			} `json:"surveys"`
			Mail []struct {
				Subject string `json:"subject"`
			} `json:"mail"`
		}
		mustJSON(t, res, &exp)
		if len(exp.Surveys) != 1 || exp.Surveys[0].SurveyID != sv.ID || exp.Surveys[0].Kind != "etat_des_lieux" || len(exp.Mail) != 1 {
			t.Errorf("export %s", res.Body)
		}
		if strings.Contains(res.Body.String(), "Un souhait très personnel") || strings.Contains(res.Body.String(), tok) {
			t.Errorf("the export carries the answers or the link: %s", res.Body)
		}
		if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/people/%d", ids[0]), nil); res.Code != 204 {
			t.Fatalf("erase: %d %s", res.Code, res.Body)
		}
		if res := a.do("GET", "/s/"+tok, "", nil); res.Code != 404 {
			t.Errorf("the erased person's link: %d", res.Code)
		}
		var list []surveyJSON
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/surveys", nil), &list)
		if list[0].Invited != 2 || list[0].Responses != 1 {
			t.Errorf("after the erasure %+v", list[0])
		}
		db, _ := a.store.SQL()
		var mails int
		if err := db.QueryRow("SELECT COUNT(*) FROM outbox_messages WHERE to_email LIKE 'p1@%'").Scan(&mails); err != nil || mails != 0 {
			t.Errorf("%d mails of the erased person left (%v)", mails, err)
		}
	})
}
