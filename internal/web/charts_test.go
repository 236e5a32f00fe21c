package web

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// svgChart is one inline chart of a page, read back.
type svgChart struct {
	Title string
	// Desc holds every row's label and figures, as screen readers get
	// them; Texts are the texts drawn.
	Desc  string
	Texts []string
	Raw   string
}

// text is everything the chart says, drawn or described.
func (c svgChart) text() string { return c.Title + "\n" + c.Desc + "\n" + strings.Join(c.Texts, "\n") }

var svgRE = regexp.MustCompile(`(?s)<svg\b.*?</svg>`)

// chartsOf reads the inline charts of a page and checks what each must
// hold: an image with an accessible name, a viewBox to scale with the
// page, and neither style attribute nor script (the CSP).
func chartsOf(t *testing.T, body string) []svgChart {
	t.Helper()
	var out []svgChart
	for _, raw := range svgRE.FindAllString(body, -1) {
		if !strings.Contains(raw, `class="chart `) {
			continue // an icon
		}
		var root struct {
			Role     string `xml:"role,attr"`
			Labelled string `xml:"aria-labelledby,attr"`
			ViewBox  string `xml:"viewBox,attr"`
			Title    struct {
				ID   string `xml:"id,attr"`
				Text string `xml:",chardata"`
			} `xml:"title"`
			Desc struct {
				ID   string `xml:"id,attr"`
				Text string `xml:",chardata"`
			} `xml:"desc"`
		}
		if err := xml.Unmarshal([]byte(raw), &root); err != nil {
			t.Fatalf("chart does not parse: %v\n%s", err, raw)
		}
		if root.Role != "img" || root.Labelled != root.Title.ID+" "+root.Desc.ID || root.Title.Text == "" || !strings.HasPrefix(root.ViewBox, "0 0 400 ") {
			t.Errorf("chart without an accessible name or a viewBox: %.300s", raw)
		}
		for _, bad := range []string{"style=", "<script", " on", "href"} {
			if strings.Contains(raw, bad) {
				t.Errorf("chart holds %q: %.300s", bad, raw)
			}
		}
		c := svgChart{Title: root.Title.Text, Desc: root.Desc.Text, Raw: raw}
		dec := xml.NewDecoder(strings.NewReader(raw))
		inText := false
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch tk := tok.(type) {
			case xml.StartElement:
				inText = tk.Name.Local == "text"
			case xml.EndElement:
				inText = false
			case xml.CharData:
				if inText {
					c.Texts = append(c.Texts, string(tk))
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// chartTitled returns the chart of that title, failing the test without it.
func chartTitled(t *testing.T, charts []svgChart, title string) svgChart {
	t.Helper()
	for _, c := range charts {
		if strings.HasPrefix(c.Title, title) {
			return c
		}
	}
	var titles []string
	for _, c := range charts {
		titles = append(titles, c.Title)
	}
	t.Fatalf("no chart %q among %q", title, titles)
	return svgChart{}
}

// hasEntries asserts that a chart describes these rows, each with its
// figures ("Finances : 67 % (4 / 6)").
func hasEntries(t *testing.T, c svgChart, entries ...string) {
	t.Helper()
	desc := "; " + c.Desc + ";"
	for _, e := range entries {
		if !strings.Contains(desc, "; "+e+";") {
			t.Errorf("chart %q lacks %q:\n%s", c.Title, e, c.Desc)
		}
	}
}

// chartWorld is a commune of three services — Finances (6 people), Écoles
// (5) and Voirie (4) — two sessions held and two to come over five weeks,
// feedback from those trained, and an état des lieux everyone answered,
// closed: Voirie's 4 answers are merged into « autres », and Écoles, the
// smallest shown, with them.
type chartWorld struct {
	survey int64
}

func seedCharts(t *testing.T, a *app) chartWorld {
	t.Helper()
	fin := a.department(a.orgA, "Finances")
	eco := a.department(a.orgA, "Écoles")
	voi := a.department(a.orgA, "Voirie")
	finP := a.addPeople(a.orgA, 6, "staff", &fin)
	ecoP := a.addPeople(a.orgA, 5, "staff", &eco)
	voiP := a.addPeople(a.orgA, 4, "staff", &voi)

	f := pickFormat(t, a, catalog.Voluntary)
	held := func(day time.Time, people []int64) []registrationJSON {
		body := sessionBody(f.Slug, day, 12)
		body["record_past"] = true
		s := a.createSession(hrAEmail, body)
		return a.book(hrAEmail, s.ID, map[string]any{"person_ids": people}).Registrations
	}
	feedback := func(regs []registrationJSON, before, after, will int) {
		for _, r := range regs {
			res := a.do("POST", "/r/"+r.Token+"/feedback", "", map[string]any{"overall": 4, "will_use": will, "confidence_before": before, "confidence_after": after})
			if res.Code != 200 && res.Code != 201 {
				t.Fatalf("feedback: %d %s", res.Code, res.Body)
			}
		}
	}
	regs := held(time.Date(2026, 2, 10, 8, 30, 0, 0, tz.Zurich), finP[:4])
	feedback(regs, 2, 4, 4)
	regs = held(time.Date(2026, 2, 24, 13, 30, 0, 0, tz.Zurich), append(ecoP[:2:2], voiP[0]))
	feedback(regs[:2], 1, 3, 5)
	feedback(regs[2:], 3, 5, 2)
	a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 8, 30, 0, 0, tz.Zurich), 12))
	a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 12, 8, 30, 0, 0, tz.Zurich), 12))

	sv := a.launch(hrAEmail, map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-20"})
	for _, g := range []struct {
		people   []int64
		interest int
	}{{finP, 4}, {ecoP, 2}, {voiP, 5}} {
		for _, p := range g.people {
			if res := a.answerSurvey(a.surveyToken(p), validAnswers(g.interest, "")); res.Code != 200 {
				t.Fatalf("answer: %d %s", res.Code, res.Body)
			}
		}
	}
	a.setNow(time.Date(2026, 3, 21, 9, 0, 0, 0, tz.Zurich))
	return chartWorld{survey: sv.ID}
}

// TestReportCharts: the campaign report's page shows its key figures as
// inline SVG — the share trained per service with its counts, the
// sessions per week, confidence before and after, and the état des lieux
// beside the feedback — and its PDF and the council's page print them.
// A service merged into « autres » of the état des lieux has no « before »
// bar.
func TestReportCharts(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		seedCharts(t, a)
		hr := a.browserSession(hrAEmail)
		page := a.page(hr, "GET", "/app/reports", nil)
		if page.Code != 200 {
			t.Fatalf("reports page: %d", page.Code)
		}
		if !regexp.MustCompile(`<link rel="stylesheet" href="/static/css/chart\.[0-9a-f]{8}\.css">`).MatchString(page.Body.String()) {
			t.Errorf("the reports page does not link chart.css")
		}
		charts := chartsOf(t, page.Body.String())
		if len(charts) != 5 {
			t.Errorf("%d charts on the reports page, want 5", len(charts))
		}
		trained := chartTitled(t, charts, "Part des personnes formées, par service")
		hasEntries(t, trained, "Toute la commune\u00a0: 47\u202f% (7 / 15)", "Finances\u00a0: 67\u202f% (4 / 6)", "Écoles\u00a0: 40\u202f% (2 / 5)", "Voirie\u00a0: 25\u202f% (1 / 4)")
		for _, drawn := range []string{"Finances", "67\u202f% (4 / 6)", "25\u202f% (1 / 4)"} {
			if !strings.Contains(strings.Join(trained.Texts, "\n"), drawn) {
				t.Errorf("the trained chart does not draw %q: %q", drawn, trained.Texts)
			}
		}
		sessions := chartTitled(t, charts, "Séances de la campagne, par semaine")
		hasEntries(t, sessions, "09.02\u00a0: 1", "16.02\u00a0: 0", "23.02\u00a0: 1", "02.03\u00a0: 0", "09.03\u00a0: 2")
		hasEntries(t, chartTitled(t, charts, "Confiance avant et après la séance"),
			"Finances\u00a0: avant la séance 2,0, après la séance 4,0", "Voirie\u00a0: avant la séance 3,0, après la séance 5,0")
		competence := chartTitled(t, charts, "Maîtrise avant la formation et confiance après")
		hasEntries(t, competence, "Finances\u00a0: avant (état des lieux) 3,0, après (retours) 4,0",
			"Écoles\u00a0: avant (état des lieux) –, après (retours) 3,0", "Voirie\u00a0: avant (état des lieux) –, après (retours) 5,0")
		hasEntries(t, chartTitled(t, charts, "Intérêt avant la formation"),
			"Finances\u00a0: avant (état des lieux) 4,0, après (retours) 4,0", "Voirie\u00a0: avant (état des lieux) –, après (retours) 2,0")

		// In German, the same figures.
		de := chartsOf(t, a.page(hr, "GET", "/app/reports?lang=de", nil).Body.String())
		hasEntries(t, chartTitled(t, de, "Anteil geschulter Personen, nach Abteilung"), "Finances: 67\u202f% (4 / 6)")
		hasEntries(t, chartTitled(t, de, "Kompetenz vor der Schulung"), "Finances: vorher (Bestandsaufnahme) 3.0, nachher (Rückmeldungen) 4.0")

		// The API gives the sessions over time.
		var rep struct {
			Calendar struct {
				Unit    string `json:"unit"`
				Periods []struct {
					Start    string `json:"start"`
					Sessions int    `json:"sessions"`
				} `json:"periods"`
			} `json:"sessions_over_time"`
		}
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/reports/campaign", nil), &rep)
		if got := fmt.Sprint(rep.Calendar); got != "{week [{2026-02-09 1} {2026-02-16 0} {2026-02-23 1} {2026-03-02 0} {2026-03-09 2}]}" {
			t.Errorf("sessions_over_time %s", got)
		}

		// The report's PDF prints the same charts, figures beside the bars.
		res := a.as(hrAEmail, "GET", "/api/v1/reports/campaign.pdf", nil)
		text := strings.Join(strings.Fields(pdfText(t, res.Body.Bytes())), " ")
		for _, want := range []string{"Part des personnes formées, par service", "Finances 67 % (4 / 6)", "Voirie 25 % (1 / 4)", "Séances de la campagne, par semaine", "09.02", "23.02",
			"Confiance avant et après la séance", "Maîtrise avant la formation et confiance après", "avant (état des lieux)", "après (retours)"} {
			if !strings.Contains(text, want) {
				t.Errorf("campaign PDF lacks %q:\n%s", want, text)
			}
		}
		keepPNG(t, "report-charts-"+string(a.store.Dialect()), res.Body.Bytes())

		// The council's page, with a short roadmap, has room for two.
		res = a.as(hrAEmail, "GET", "/api/v1/roadmap.pdf", nil)
		if n := pdfPages(t, res.Body.Bytes()); n != 1 {
			t.Errorf("the council's page has %d pages", n)
		}
		text = strings.Join(strings.Fields(pdfText(t, res.Body.Bytes())), " ")
		for _, want := range []string{"La campagne en graphiques", "Part des personnes formées, par service", "67 % (4 / 6)", "Séances de la campagne, par semaine", "09.02"} {
			if !strings.Contains(text, want) {
				t.Errorf("council's page lacks %q:\n%s", want, text)
			}
		}
		keepPNG(t, "council-charts-"+string(a.store.Dialect()), res.Body.Bytes())
	})
}

// TestSurveyResultsCharts: the results page draws the survey's figures per
// service and per group, and a service of 4 respondents shows in no chart
// — not its name, not its figures — as it shows in no table; the PDF
// prints the same charts.
func TestSurveyResultsCharts(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		w := seedCharts(t, a)
		hr := a.browserSession(hrAEmail)
		page := a.page(hr, "GET", fmt.Sprintf("/app/surveys/%d", w.survey), nil)
		if page.Code != 200 {
			t.Fatalf("results page: %d", page.Code)
		}
		charts := chartsOf(t, page.Body.String())
		if len(charts) != 5 {
			t.Errorf("%d charts on the results page, want 5", len(charts))
		}
		hasEntries(t, chartTitled(t, charts, "Part qui utilise l’IA générative"), "Finances (6 réponses)\u00a0: 100\u202f%", "Autres (9 réponses)\u00a0: 100\u202f%")
		// Interest: Finances 4, « autres » (5 × 2 + 4 × 5) / 9.
		hasEntries(t, chartTitled(t, charts, "Maîtrise et intérêt pour une formation, par service"),
			"Toute l’administration (15 réponses)\u00a0: maîtrise 3,0, intérêt 3,6", "Finances (6 réponses)\u00a0: maîtrise 3,0, intérêt 4,0", "Autres (9 réponses)\u00a0: maîtrise 3,0, intérêt 3,3")
		hasEntries(t, chartTitled(t, charts, "Maîtrise et intérêt pour une formation, par groupe"), "Collaborateur·rice·s (15 réponses)\u00a0: maîtrise 3,0, intérêt 3,6")
		hasEntries(t, chartTitled(t, charts, "Tâches les plus citées"), "Rédiger ou reformuler des courriers et des e-mails\u00a0: 15 (sur 15)")
		for _, c := range charts {
			for _, hidden := range []string{"Voirie", "Écoles", "(4 réponses)", "(5 réponses)"} {
				if strings.Contains(c.text(), hidden) {
					t.Errorf("chart %q shows %q of a merged service:\n%s", c.Title, hidden, c.text())
				}
			}
		}
		res := a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/surveys/%d/results.pdf", w.survey), nil)
		text := strings.Join(strings.Fields(pdfText(t, res.Body.Bytes())), " ")
		for _, want := range []string{"Part qui utilise l’IA générative aujourd’hui, par service", "Finances (6 réponses) 100 %", "Maîtrise et intérêt pour une formation, par service",
			"maîtrise", "intérêt", "Maîtrise et intérêt pour une formation, par groupe", "Tâches les plus citées (nombre de réponses)", "15 (sur 15)"} {
			if !strings.Contains(text, want) {
				t.Errorf("results PDF lacks %q:\n%s", want, text)
			}
		}
		keepPNG(t, "results-charts-"+string(a.store.Dialect()), res.Body.Bytes())
	})
}
