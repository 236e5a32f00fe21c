package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/memento"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/roadmap"
	"github.com/atelier-ch/atelier/internal/tz"
)

// readMemento reads a memento answer.
type readMemento struct {
	memento.Memento
	Version   int        `json:"version"`
	Language  string     `json:"language"`
	UpdatedAt *time.Time `json:"updated_at"`
	Latest    int        `json:"latest_version"`
	Links     struct {
		PDF    string  `json:"pdf"`
		Public *string `json:"public"`
	} `json:"links"`
}

func (a *app) memento(email, query string) readMemento {
	a.t.Helper()
	res := a.as(email, "GET", "/api/v1/memento"+query, nil)
	if res.Code != 200 {
		a.t.Fatalf("memento: %d %s", res.Code, res.Body)
	}
	var m readMemento
	mustJSON(a.t, res, &m)
	return m
}

func (a *app) saveMemento(email string, m any) readMemento {
	a.t.Helper()
	res := a.as(email, "PUT", "/api/v1/memento", m)
	if res.Code != 200 {
		a.t.Fatalf("save memento: %d %s", res.Code, res.Body)
	}
	var out readMemento
	mustJSON(a.t, res, &out)
	return out
}

// pdfPages counts a PDF's pages with pdfinfo.
func pdfPages(t *testing.T, data []byte) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v %s", err, out)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo: %s", out)
	}
	var n int
	fmt.Sscan(string(m[1]), &n)
	return n
}

// keepPNG renders a PDF's first page to PNG under ATELIER_SCREENSHOTS, to
// look at it.
func keepPNG(t *testing.T, name string, data []byte) {
	dir := os.Getenv("ATELIER_SCREENSHOTS")
	if dir == "" {
		return
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	_ = os.WriteFile(path, data, 0o600)
	if out, err := exec.Command("pdftoppm", "-png", "-r", "70", path, filepath.Join(dir, name)).CombinedOutput(); err != nil {
		t.Logf("pdftoppm: %v %s", err, out)
	}
}

func TestMemento(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		// No memento yet: the template, in the commune's language.
		m := a.memento(hrAEmail, "")
		if m.Version != 0 || m.Latest != 0 || m.UpdatedAt != nil || m.Links.Public != nil || m.Language != "fr" || len(m.Tools) == 0 || m.Tools[0].Name != "Microsoft Copilot" {
			t.Fatalf("template %+v", m)
		}
		a.person(a.orgB, "Anna", "anna@commune-b.example", "staff", "de", nil)
		a.person(a.orgB, "Beat", "beat@commune-b.example", "staff", "de", nil)
		a.person(a.orgB, "Chloé", "chloe@commune-b.example", "staff", "fr", nil)
		if mb := a.memento(hrBEmail, ""); mb.Language != "de" || !strings.Contains(mb.Contact.Name, "Ansprechperson") {
			t.Errorf("commune B speaks German: %+v", mb.Contact)
		}
		if res := a.do("GET", "/m/commune-a", "", nil); res.Code != 404 {
			t.Errorf("public page before any version: %d", res.Code)
		}

		// Refusals name the row and the field.
		e := expectError(t, a.as(hrAEmail, "PUT", "/api/v1/memento", map[string]any{
			"tools": []map[string]string{{"name": "Copilot"}, {"licence": "M365"}}, "contact": map[string]string{"name": "IT", "email": "pas une adresse"},
		}), 422, "validation", "tools[1].name", "contact.email")
		if len(e.Error.Fields) != 2 {
			t.Errorf("fields %v", e.Error.Fields)
		}
		expectError(t, a.as(hrAEmail, "PUT", "/api/v1/memento", map[string]any{"rules": []string{"x"}, "language": "it"}), 422, "validation", "language")
		expectError(t, a.as(trainerAEmail, "PUT", "/api/v1/memento", map[string]any{"rules": []string{"x"}}), 403, "forbidden")

		// Each saved version is kept; saving the same again keeps the version.
		m.Rules = append(m.Rules, "Ne jamais coller un dossier nominatif.")
		v1 := a.saveMemento(hrAEmail, m.Memento)
		if v1.Version != 1 || v1.Latest != 1 || v1.UpdatedAt == nil || v1.Links.Public == nil || *v1.Links.Public != "https://atelier.example/m/commune-a" {
			t.Fatalf("version 1 %+v", v1)
		}
		if again := a.saveMemento(hrAEmail, m.Memento); again.Version != 1 {
			t.Errorf("the same memento saved again made version %d", again.Version)
		}
		m.Contact = memento.Contact{Name: "Service informatique", Email: "informatique@commune-a.example"}
		v2 := a.saveMemento(hrAEmail, m.Memento)
		if v2.Version != 2 || v2.Contact.Email != "informatique@commune-a.example" {
			t.Fatalf("version 2 %+v", v2)
		}
		if old := a.memento(hrAEmail, "?version=1"); old.Version != 1 || old.Latest != 2 || old.Contact.Email != "" {
			t.Errorf("version 1 kept: %+v", old)
		}
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/memento?version=7", nil), 404, "not_found")
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/memento?version=un", nil), 422, "validation", "version")
		if tr := a.memento(trainerAEmail, ""); tr.Version != 2 {
			t.Errorf("the trainer reads version %d", tr.Version)
		}

		// The public page, read-only, for the intranet.
		res := a.do("GET", "/m/commune-a", "", nil)
		if res.Code != 200 || !strings.Contains(res.Body.String(), "Ne jamais coller un dossier nominatif.") || strings.Contains(res.Body.String(), "<form") || strings.Contains(res.Body.String(), hrAEmail) {
			t.Errorf("public page: %d %s", res.Code, res.Body)
		}
		if res := a.do("GET", "/m/commune-b", "", nil); res.Code != 404 {
			t.Errorf("B has no memento: %d", res.Code)
		}

		// The PDF: the commune, the version, the text; two pages at most.
		res = a.as(hrAEmail, "GET", "/api/v1/memento.pdf", nil)
		if res.Code != 200 || res.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d", res.Code)
		}
		text := pdfText(t, res.Body.Bytes())
		for _, want := range []string{"Memento sur l’utilisation des outils d’IA générative", "Commune A", "version 2 du 02.03.2026", "Ne jamais coller un dossier nominatif.", "informatique@commune-a.example", "Données qui ne vont jamais dans un outil d’IA"} {
			if !strings.Contains(text, want) {
				t.Errorf("memento PDF lacks %q:\n%s", want, text)
			}
		}
		if n := pdfPages(t, res.Body.Bytes()); n > 2 {
			t.Errorf("memento PDF: %d pages", n)
		}
		keepPNG(t, "memento-"+string(a.store.Dialect()), res.Body.Bytes())
		// A memento far too long still prints on two pages, and says where
		// the rest is.
		long := memento.Memento{Contact: m.Contact}
		for i := range memento.MaxItems {
			long.Tools = append(long.Tools, memento.Tool{Name: fmt.Sprintf("Outil %d", i), Licence: strings.Repeat("licence ", 20), Use: strings.Repeat("usage détaillé ", 30)})
			long.Rules = append(long.Rules, fmt.Sprintf("Règle %d : ", i)+strings.Repeat("texte de la règle ", 25))
		}
		a.saveMemento(hrAEmail, long)
		res = a.as(hrAEmail, "GET", "/api/v1/memento.pdf?lang=fr", nil)
		if n := pdfPages(t, res.Body.Bytes()); n != 2 {
			t.Errorf("long memento: %d pages, want 2", n)
		}
		if text := pdfText(t, res.Body.Bytes()); !strings.Contains(text, "https://atelier.example/m/commune-a") || !strings.Contains(text, "Outil 0") {
			t.Errorf("long memento PDF:\n%s", text)
		}
		a.saveMemento(hrAEmail, m.Memento) // version 4, short again

		// The page: the form with two spare rows per list, « add a row » by
		// saving; a refused row comes back with its message.
		hr := a.browserSession(hrAEmail)
		page := a.page(hr, "GET", "/app/memento", nil).Body.String()
		if got := strings.Count(page, `name="tools[`) / 3; got != len(m.Tools)+2 {
			t.Errorf("%d tool rows, want %d", got, len(m.Tools)+2)
		}
		form := url.Values{"tools[0].name": {"Copilot"}, "tools[1].name": {""}, "tools[1].licence": {"Licence sans outil"}, "rules[0]": {"Vérifier"}, "language": {"fr"}}
		res = a.page(hr, "POST", "/app/memento", form)
		if res.Code != 422 || !strings.Contains(res.Body.String(), "Licence sans outil") || !strings.Contains(res.Body.String(), "Champ obligatoire") {
			t.Errorf("refused memento form: %d %s", res.Code, res.Body)
		}
		form.Set("tools[1].name", "DeepL Pro")
		if res := a.page(hr, "POST", "/app/memento", form); res.Code != http.StatusSeeOther {
			t.Fatalf("memento form: %d %s", res.Code, res.Body)
		}
		if m5 := a.memento(hrAEmail, ""); m5.Version != 5 || len(m5.Tools) != 2 || m5.Tools[1].Name != "DeepL Pro" {
			t.Errorf("after the form %+v", m5)
		}
		trainer := a.browserSession(trainerAEmail)
		if page := a.page(trainer, "GET", "/app/memento", nil); page.Code != 200 || strings.Contains(page.Body.String(), `action="/app/memento"`) {
			t.Errorf("trainer's memento page: %d (the form must not show)", page.Code)
		}

		// A participant reads it from their page and confirms; the report
		// counts the confirmation in their service.
		dep := a.department(a.orgA, "Urbanisme")
		pid := a.person(a.orgA, "Nora Petit", "nora@commune-a.example", "staff", "fr", &dep)
		f := pickFormat(t, a, catalog.Voluntary)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 5))
		reg := a.book(hrAEmail, s.ID, map[string]any{"person_id": pid}).Registrations[0]
		res = a.do("GET", "/r/"+reg.Token, "", nil)
		if !strings.Contains(res.Body.String(), `href="/m/commune-a"`) || !strings.Contains(res.Body.String(), "/r/"+reg.Token+"/memento") {
			t.Fatalf("participant page without the memento: %s", res.Body)
		}
		res = a.do("POST", "/r/"+reg.Token+"/memento", "", url.Values{}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if res.Code != http.StatusSeeOther {
			t.Fatalf("confirm: %d %s", res.Code, res.Body)
		}
		res = a.do("GET", "/r/"+reg.Token+"?done=memento", "", nil)
		if !strings.Contains(res.Body.String(), "Lu, confirmé le") || strings.Contains(res.Body.String(), "/r/"+reg.Token+"/memento") {
			t.Errorf("after confirming: %s", res.Body)
		}
		var again struct {
			Version int `json:"version"`
		}
		mustJSON(t, a.do("POST", "/r/"+reg.Token+"/memento", "", map[string]any{}), &again)
		if again.Version != 5 {
			t.Errorf("confirmed version %d", again.Version)
		}
		var rep report.Campaign
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/reports/campaign", nil), &rep)
		for _, d := range rep.Departments {
			if d.Name == "Urbanisme" && d.MementoRead != 1 {
				t.Errorf("Urbanisme: %d confirmations", d.MementoRead)
			}
		}
		if rep.Commune.MementoVersion != 5 || rep.Commune.MementoRead != 1 {
			t.Errorf("commune: memento v%d read by %d", rep.Commune.MementoVersion, rep.Commune.MementoRead)
		}
		if page := a.page(hr, "GET", "/app/reports", nil).Body.String(); !strings.Contains(page, "Avant et après la formation, par service") || !strings.Contains(page, `data-label="Memento lu">1/1</td>`) {
			t.Errorf("the reports page does not count the confirmation")
		}
		res = a.as(hrAEmail, "GET", "/api/v1/reports/campaign.pdf", nil)
		if text := pdfText(t, res.Body.Bytes()); !strings.Contains(text, "Memento version 5 : lu par 1 des") || !strings.Contains(text, "Urbanisme") {
			t.Errorf("campaign PDF:\n%s", text)
		}
		// A new version asks again.
		a.saveMemento(hrAEmail, long)
		if res := a.do("GET", "/r/"+reg.Token, "", nil); !strings.Contains(res.Body.String(), "/r/"+reg.Token+"/memento") {
			t.Errorf("a new version is not offered to confirm")
		}

		// A participant of a commune without a memento: no card, and 409.
		pb := a.person(a.orgB, "Paul B", "paul@commune-b.example", "staff", "fr", nil)
		open := sessionBody(f.Slug, time.Date(2026, 3, 11, 9, 0, 0, 0, tz.Zurich), 5)
		open["open_to_other_communes"] = true
		so := a.createSession(hrAEmail, open)
		regB := a.book(hrBEmail, so.ID, map[string]any{"person_id": pb}).Registrations[0]
		if res := a.do("GET", "/r/"+regB.Token, "", nil); strings.Contains(res.Body.String(), `id="memento"`) {
			t.Errorf("B's participant sees A's memento")
		}
		expectError(t, a.do("POST", "/r/"+regB.Token+"/memento", "", map[string]any{}), 409, "conflict")

		// The Yverdon formats' pages link the current memento.
		res = a.page(hr, "GET", "/app/catalog/yverdon-cadres", nil)
		if !strings.Contains(res.Body.String(), `href="/m/commune-a"`) {
			t.Errorf("the Yverdon format page does not link the memento")
		}
		if res := a.page(hr, "GET", "/app/catalog/ucv-consultation", nil); strings.Contains(res.Body.String(), `href="/m/commune-a"`) {
			t.Errorf("a format that does not present the memento links it")
		}
	})
}

type readRoadmap struct {
	roadmap.Roadmap
	UpdatedAt *time.Time `json:"updated_at"`
	PilotName *string    `json:"pilot_name"`
	Links     struct {
		Survey         *string `json:"survey"`
		MementoPublic  *string `json:"memento_public"`
		CampaignReport string  `json:"campaign_report"`
		PDF            string  `json:"pdf"`
	} `json:"links"`
}

func TestRoadmap(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		var r readRoadmap
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/roadmap", nil), &r)
		if len(r.Steps) != 6 || r.Steps[0].Status != roadmap.Todo || r.Questions.ITAgreement.Answer != roadmap.Open || r.UpdatedAt != nil || r.Links.Survey != nil || r.Links.CampaignReport != "/api/v1/reports/campaign" {
			t.Fatalf("default roadmap %+v", r)
		}
		expectError(t, a.as(trainerAEmail, "GET", "/api/v1/roadmap", nil), 403, "forbidden")

		depB := a.department(a.orgB, "Service de B")
		fin := a.department(a.orgA, "Finances")
		bad := roadmap.Default()
		bad.Steps = bad.Steps[:5]
		expectError(t, a.as(hrAEmail, "PUT", "/api/v1/roadmap", bad), 422, "validation", "steps")
		bad = roadmap.Default()
		bad.Pilot.DepartmentID = &depB
		expectError(t, a.as(hrAEmail, "PUT", "/api/v1/roadmap", bad), 422, "validation", "pilot.department_id")
		bad = roadmap.Default()
		bad.Steps[0].StartsOn = "12.03.2026"
		bad.Steps[1].StartsOn, bad.Steps[1].EndsOn = "2026-04-10", "2026-04-01"
		expectError(t, a.as(hrAEmail, "PUT", "/api/v1/roadmap", bad), 422, "validation", "steps[0].starts_on", "steps[1].ends_on")

		// What the commune decided, and the état des lieux and memento it holds.
		people := a.addPeople(a.orgA, 6, "staff", &fin)
		sv := a.launch(hrAEmail, map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-20"})
		for i, p := range people {
			a.answerSurvey(a.surveyToken(p), validAnswers(2+i%3, ""))
		}
		a.saveMemento(hrAEmail, memento.Template("fr"))
		rm := roadmap.Default()
		rm.Owner = roadmap.Owner{Name: "Claire Rochat", Role: "Secrétaire municipale"}
		rm.Questions.CouncilSupport = roadmap.Reply{Answer: roadmap.Yes, Note: "Décision du 2 mars"}
		rm.Questions.ITAgreement = roadmap.Reply{Answer: roadmap.No, Note: "Licences à négocier"}
		rm.Steps[0] = roadmap.Step{Key: "etat_des_lieux", Status: roadmap.Done, StartsOn: "2026-03-02", EndsOn: "2026-03-20"}
		rm.Steps[1] = roadmap.Step{Key: "discussion_strategique", Status: roadmap.Doing, StartsOn: "2026-03-23", Owner: "Claire Rochat", Notes: strings.Repeat("Budget de la phase de test à présenter au conseil. ", 38)}
		for i := 2; i < 6; i++ {
			rm.Steps[i].StartsOn = fmt.Sprintf("2026-%02d-01", 3+i)
			rm.Steps[i].Notes = strings.Repeat("Une note longue qui ne tient pas sur une ligne. ", 30)
		}
		rm.Pilot = roadmap.Pilot{DepartmentID: &fin, DecidedOn: "2026-03-02"}
		res := a.as(hrAEmail, "PUT", "/api/v1/roadmap", rm)
		if res.Code != 200 {
			t.Fatalf("save roadmap: %d %s", res.Code, res.Body)
		}
		mustJSON(t, res, &r)
		if r.PilotName == nil || *r.PilotName != "Finances" || r.UpdatedAt == nil || r.Links.Survey == nil || *r.Links.Survey != fmt.Sprintf("/api/v1/surveys/%d/results", sv.ID) ||
			r.Links.MementoPublic == nil || r.Owner.Name != "Claire Rochat" || r.Steps[1].Status != roadmap.Doing {
			t.Errorf("saved roadmap %+v", r)
		}
		var rb readRoadmap
		mustJSON(t, a.as(hrBEmail, "GET", "/api/v1/roadmap", nil), &rb)
		if rb.UpdatedAt != nil || rb.Owner.Name != "" {
			t.Errorf("B sees A's roadmap: %+v", rb)
		}

		// The council's page: one page, whatever the notes' length.
		for _, lang := range []string{"fr", "de"} {
			res = a.as(hrAEmail, "GET", "/api/v1/roadmap.pdf?lang="+lang, nil)
			if res.Code != 200 {
				t.Fatalf("roadmap pdf: %d %s", res.Code, res.Body)
			}
			if n := pdfPages(t, res.Body.Bytes()); n != 1 {
				t.Errorf("%s: the council's page has %d pages", lang, n)
			}
			text := pdfText(t, res.Body.Bytes())
			want := []string{"Feuille de route du projet stratégique sur l’IA", "Commune A", "Où en est la commune", "Ce qui a été décidé", "Prochaines étapes",
				"1. État des lieux — Fait", "Claire Rochat, Secrétaire municipale", "Finances, décidé le 02.03.2026", "Non : Les personnes en charge de l’informatique",
				"6 réponses sur 6 (100 %) · chiffres à la clôture", "version 1 du", "Personnes formées", "2. Discussion stratégique préliminaire — En cours · dès le 23.03.2026"}
			if lang == "de" {
				want = []string{"Fahrplan", "Commune A", "Wo die Gemeinde steht", "Was entschieden wurde", "Nächste Schritte", "Finances, entschieden am 02.03.2026"}
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s council's page lacks %q:\n%s", lang, w, text)
				}
			}
			keepPNG(t, "council-"+lang+"-"+string(a.store.Dialect()), res.Body.Bytes())
		}

		// The page: the form, and a refused date shown beside its field.
		hr := a.browserSession(hrAEmail)
		page := a.page(hr, "GET", "/app/roadmap", nil)
		if page.Code != 200 || !strings.Contains(page.Body.String(), `value="Claire Rochat"`) || !strings.Contains(page.Body.String(), fmt.Sprintf(`href="/app/surveys/%d"`, sv.ID)) {
			t.Fatalf("roadmap page: %d", page.Code)
		}
		form := url.Values{"owner.name": {"Claire Rochat"}, "steps[2].starts_on": {"2026-13-01"}, "questions.council_support.answer": {"yes"}}
		res = a.page(hr, "POST", "/app/roadmap", form)
		if res.Code != 422 || !strings.Contains(res.Body.String(), "Date invalide") {
			t.Errorf("refused roadmap form: %d %s", res.Code, res.Body)
		}
		form.Set("steps[2].starts_on", "2026-05-04")
		form.Set("steps[2].status", "doing")
		form.Set("pilot.department_id", fmt.Sprint(fin))
		if res := a.page(hr, "POST", "/app/roadmap", form); res.Code != http.StatusSeeOther {
			t.Fatalf("roadmap form: %d %s", res.Code, res.Body)
		}
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/roadmap", nil), &r)
		if r.Steps[2].Status != roadmap.Doing || r.Steps[2].StartsOn != "2026-05-04" || r.Questions.CouncilSupport.Answer != roadmap.Yes || *r.PilotName != "Finances" {
			t.Errorf("after the form %+v", r)
		}
	})
}

// TestSurveyResultsPDF reads the results PDF back: the figures of the
// services shown, « autres » named with what it gathers.
func TestSurveyResultsPDF(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		big := a.department(a.orgA, "Travaux publics")
		small := a.department(a.orgA, "Bibliothèque")
		mid := a.department(a.orgA, "Écoles")
		var ids []int64
		ids = append(ids, a.addPeople(a.orgA, 7, "staff", &big)...)
		ids = append(ids, a.addPeople(a.orgA, 3, "staff", &small)...)
		ids = append(ids, a.addPeople(a.orgA, 5, "staff", &mid)...)
		sv := a.launch(hrAEmail, map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-20"})
		for i, p := range ids {
			a.answerSurvey(a.surveyToken(p), validAnswers(1+i%5, fmt.Sprintf("Souhait numéro %d", i)))
		}
		res := a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/surveys/%d/results.pdf", sv.ID), nil)
		if res.Code != 200 {
			t.Fatalf("results pdf: %d %s", res.Code, res.Body)
		}
		// Open: the response rates only.
		if text := pdfText(t, res.Body.Bytes()); !strings.Contains(text, "seuls les taux de réponse s’affichent") || strings.Contains(text, "Souhait numéro") {
			t.Errorf("open survey's PDF:\n%s", text)
		}
		a.setNow(time.Date(2026, 3, 21, 9, 0, 0, 0, tz.Zurich))
		res = a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/surveys/%d/results.pdf", sv.ID), nil)
		text := pdfText(t, res.Body.Bytes())
		for _, want := range []string{"État des lieux : l’IA générative dans notre administration", "Commune A", "15 / 15 (100 %)", "Par service", "Travaux publics",
			"« Autres » regroupe : Bibliothèque, Écoles", "Souhait numéro 0", "Rédiger ou reformuler des courriers et des e-mails (15)"} {
			if !strings.Contains(text, want) {
				t.Errorf("results PDF lacks %q:\n%s", want, text)
			}
		}
		keepPNG(t, "results-"+string(a.store.Dialect()), res.Body.Bytes())
		var raw map[string]json.RawMessage
		mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/surveys/%d/results", sv.ID), nil), &raw)
		if _, ok := raw["services"]; !ok {
			t.Errorf("results JSON %s", raw)
		}
	})
}
