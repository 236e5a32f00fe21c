package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// axePath is axe-core's browser build, installed by
// `npm ci --prefix internal/web/testdata/axe`.
const axePath = "testdata/axe/node_modules/axe-core/axe.min.js"

// axeTags are the rule sets of WCAG 2.2 level AA.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]`

// axeRun runs axe on the page and answers its violations, one entry per rule.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ` + axeTags + `}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, url: v.helpUrl,
    nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " "))})))`

// watchCSP records the page's CSP violations; it runs before the page's own
// scripts (and, coming from the test, is not subject to the CSP).
const watchCSP = `window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " line " + e.lineNumber));`

// overflow lists what sticks out on the right of a viewport width px wide,
// when the page scrolls sideways. It compares with the width asked for: a
// phone's browser widens its layout viewport (window.innerWidth) to fit
// content that overflows.
func overflow(width int64) string {
	return fmt.Sprintf(`((w) => {
  const sw = document.documentElement.scrollWidth;
  if (sw <= w && sw <= window.innerWidth) return [];
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 0.5 && out.length < 5) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).replace(/ /g, ".") : "") + " right=" + Math.round(r.right));
  }
  return ["scrollWidth " + sw + " > " + w + " (innerWidth " + window.innerWidth + ")"].concat(out);
})(%d)`, width)
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	URL    string   `json:"url"`
	Nodes  []string `json:"nodes"`
}

// pageProblems collects what the browser reports while a page loads.
type pageProblems struct {
	mu   sync.Mutex
	msgs []string
	// allowed is the URL of a document expected to answer an error status
	// (the error page): its own status is not a problem.
	allowed string
}

func (p *pageProblems) add(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, msg)
}

// take returns the problems so far and starts a new page.
func (p *pageProblems) take(allowed string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.msgs
	p.msgs, p.allowed = nil, allowed
	return out
}

func (p *pageProblems) isAllowed(url string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.allowed != "" && url == p.allowed
}

// listen is the browser's event handler: console errors and warnings,
// uncaught exceptions, the browser log (CSP, failed loads) and answers with
// an error status.
func (p *pageProblems) listen(ev any) {
	switch e := ev.(type) {
	case *cdpruntime.EventConsoleAPICalled:
		if e.Type == cdpruntime.ConsoleAPICalledTypeError || e.Type == cdpruntime.ConsoleAPICalledTypeWarning || e.Type == cdpruntime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range e.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			p.add(fmt.Sprintf("console.%s: %s", e.Type, strings.Join(parts, " ")))
		}
	case *cdpruntime.EventExceptionThrown:
		d := e.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		p.add(fmt.Sprintf("exception: %s (%s:%d)", text, d.URL, d.LineNumber))
	case *cdplog.EventEntryAdded:
		if e.Entry.Level != cdplog.EntryLevelError && e.Entry.Level != cdplog.EntryLevelWarning {
			return
		}
		if e.Entry.Source == cdplog.EntrySourceNetwork && p.isAllowed(e.Entry.URL) {
			return
		}
		p.add(fmt.Sprintf("log %s/%s: %s %s", e.Entry.Source, e.Entry.Level, e.Entry.Text, e.Entry.URL))
	case *network.EventResponseReceived:
		if e.Response.Status >= 400 && !p.isAllowed(e.Response.URL) {
			p.add(fmt.Sprintf("HTTP %d for %s (%s)", e.Response.Status, e.Response.URL, e.Type))
		}
	}
}

// pagesWorld is what the pages show: a commune with services and people, a
// session to come with bookings and a waiting list, run by the trainer,
// and a session held, with attendance and feedback.
type pagesWorld struct {
	future, held       int64
	survey             int64 // an état des lieux, closed
	personID, leftID   int64
	before, after, bad string // participant tokens: booked in future, present in held; a wrong one
	format             string // a format of A's own, in two versions
	pooled             int64  // a session of A with seats for B
}

func seedPages(t *testing.T, a *app) pagesWorld {
	t.Helper()
	ctx := context.Background()
	var deps []int64
	for _, name := range []string{"Administration générale", "Travaux publics et environnement"} {
		d := &store.Department{OrgID: a.orgA.ID, Name: name}
		if err := a.store.CreateDepartment(ctx, d); err != nil {
			t.Fatal(err)
		}
		deps = append(deps, d.ID)
	}
	heads := a.addPeople(a.orgA, 3, "head_of_service", &deps[0])
	heads = append(heads, a.addPeople(a.orgA, 3, "head_of_service", &deps[1])...)
	staff := a.addPeople(a.orgA, 6, "staff", &deps[1])
	long := "adresse.tres.longue.pour.voir.si.elle.deborde@services-techniques.commune-a.example"
	if err := a.store.CreatePerson(ctx, &store.Person{OrgID: a.orgA.ID, Name: "Marie-Thérèse de Montmollin-Schwarzenbach", Email: &long, Role: "staff", Language: "fr", DepartmentID: &deps[1]}); err != nil {
		t.Fatal(err)
	}

	w := pagesWorld{personID: heads[0], leftID: staff[5], bad: strings.Repeat("x", 26)}
	left := time.Date(2026, 2, 27, 17, 0, 0, 0, tz.Zurich)
	if err := a.store.SetPersonLeft(ctx, a.orgA.ID, w.leftID, &left, left); err != nil {
		t.Fatal(err)
	}
	trainer := a.trainerID()
	body := sessionBody("ucv-consultation", time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 4)
	body["trainers"] = []int64{trainer}
	w.future = a.createSession(hrAEmail, body).ID
	regs := a.book(hrAEmail, w.future, map[string]any{"audience": map[string]any{"role": "head_of_service"}}).Registrations
	w.before = regs[0].Token

	f := pickFormat(t, a, catalog.Voluntary)
	held := sessionBody(f.Slug, time.Date(2026, 2, 17, 8, 30, 0, 0, tz.Zurich), 12)
	held["record_past"] = true
	held["trainers"] = []int64{trainer}
	w.held = a.createSession(hrAEmail, held).ID
	done := a.book(hrAEmail, w.held, map[string]any{"person_ids": append(staff[:5:5], heads[3])}).Registrations
	w.after = done[0].Token
	for i, r := range done[1:5] {
		res := a.do("POST", "/r/"+r.Token+"/feedback", "", map[string]any{"overall": 4 + i%2, "will_use": 3 + i%3, "confidence_before": 2, "confidence_after": 4,
			"use_cases": "Résumer les consultations publiques", "worries": "Protection des données"})
		if res.Code != 200 && res.Code != 201 {
			t.Fatalf("feedback: %d %s", res.Code, res.Body)
		}
	}

	// An état des lieux everyone answered, closed: the first service's 3
	// answers are merged into « autres », the charts have both services
	// and both groups.
	sv := &store.Survey{OrgID: a.orgA.ID, Kind: "etat_des_lieux", Slug: "etat-des-lieux", Audience: `{"all":true}`,
		ClosesAt: time.Date(2026, 2, 28, 23, 59, 0, 0, tz.Zurich).UTC(), CreatedAt: time.Date(2026, 2, 16, 9, 0, 0, 0, tz.Zurich).UTC()}
	people, err := a.store.ReportData(ctx, a.orgA.ID)
	if err != nil {
		t.Fatal(err)
	}
	var invites []*store.SurveyInvitation
	var answers []store.SurveyResponse
	for i, p := range people.People {
		group := "staff"
		if p.Role == "head_of_service" {
			group = "heads_of_service"
		}
		invites = append(invites, &store.SurveyInvitation{OrgID: a.orgA.ID, PersonID: &p.ID, GroupKey: group, DepartmentID: p.DepartmentID, Language: "fr", Answered: true, CreatedAt: sv.CreatedAt})
		answers = append(answers, store.SurveyResponse{OrgID: a.orgA.ID, DepartmentID: p.DepartmentID, GroupKey: group,
			Answers: fmt.Sprintf(`{"tools":{"choices":["chatgpt"]},"tasks":{"choices":["writing"]},"frequency":{"choices":["weekly"]},"competence":{"value":%d},"worries":{"choices":["reliability"]},"interest":{"value":%d}}`, 1+i%5, 1+(i+2)%5)})
	}
	if err := a.store.CreateSurvey(ctx, sv, invites); err != nil {
		t.Fatal(err)
	}
	for i := range answers {
		answers[i].SurveyID = sv.ID
		if err := a.store.SaveResponse(ctx, &answers[i]); err != nil {
			t.Fatal(err)
		}
	}
	w.survey = sv.ID
	if res := a.as(hrAEmail, "POST", "/api/v1/formats/ucv-consultation/copy", nil); res.Code != 201 {
		t.Fatalf("copy: %d %s", res.Code, res.Body)
	}
	w.format = "ucv-consultation-commune-a"
	pooled := inRoom(sessionBody("aubonne", time.Date(2026, 3, 12, 8, 30, 0, 0, tz.Zurich), 6), "Salle des communes")
	pooled["quotas"] = map[string]int{"commune-b": 2}
	w.pooled = a.createSession(hrAEmail, pooled).ID
	a.book(hrBEmail, w.pooled, map[string]any{"person_ids": a.addPeople(a.orgB, 3, "staff", nil)})
	if res := a.as(hrAEmail, "PATCH", "/api/v1/formats/"+w.format, map[string]any{"title": "Consultation publique : la version de la commune A, avec un titre assez long pour un téléphone"}); res.Code != 200 {
		t.Fatalf("adapt: %d %s", res.Code, res.Body)
	}
	return w
}

// TestPages loads every page in headless Chromium at 390 px (a phone) and
// 1280 px (a desktop), as HR, a trainer, an admin and a participant, and
// fails on a page that scrolls sideways, on any console error or warning,
// CSP violation or failed load, and on any axe-core violation of WCAG 2.2
// AA. With ATELIER_SCREENSHOTS set, it keeps a screenshot of each.
func TestPages(t *testing.T) {
	axeJS, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but axe-core is missing (npm ci --prefix internal/web/testdata/axe): %v", err)
		}
		t.Skip("axe-core not installed (npm ci --prefix internal/web/testdata/axe)")
	}
	ctx := browser(t)
	a := newApp(t, storetest.Fresh(t, "sqlite"))
	srv := httptest.NewServer(a.h)
	t.Cleanup(srv.Close)
	a.srv.baseURL = srv.URL
	base := srv.URL
	w := seedPages(t, a)

	problems := &pageProblems{}
	if err := chromedp.Listen(ctx, problems.listen); err != nil {
		t.Fatal(err)
	}
	step(ctx, t, "watch CSP", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: watchCSP})
		return err
	}))
	shots := os.Getenv("ATELIER_SCREENSHOTS")

	type pg struct {
		name, path string
		// status is the page's own HTTP status when it is not 200.
		status int
		want   string
	}
	check := func(t *testing.T, p pg) {
		url := base + p.path
		allowed := ""
		if p.status != 0 {
			allowed = url
		}
		for _, width := range []int64{390, 1280} {
			problems.take(allowed)
			opts := []chromedp.EmulateViewportOption{}
			if width < 800 {
				opts = append(opts, chromedp.EmulateMobile)
			}
			step(ctx, t, fmt.Sprintf("%s at %d", p.name, width),
				chromedp.EmulateViewport(width, 844, opts...),
				chromedp.Navigate(url),
				chromedp.WaitVisible(chromedp.CSS("main h1")),
			)
			body := textOf(ctx, t, "main")
			if p.want != "" && !strings.Contains(body, p.want) {
				t.Errorf("%s lacks %q:\n%s", p.path, p.want, body)
			}
			c, cancel := context.WithTimeout(ctx, 30*time.Second)
			wide, err := chromedp.Run(c, chromedp.Evaluate[[]string](overflow(width)))
			if err != nil {
				t.Fatalf("%s: overflow: %v", p.name, err)
			}
			if len(wide) > 0 {
				t.Errorf("%s at %d px scrolls sideways: %s", p.path, width, strings.Join(wide, "; "))
			}
			if err := chromedp.Do(c, chromedp.Evaluate[chromedp.Void](string(axeJS))); err != nil {
				t.Fatalf("%s: inject axe: %v", p.name, err)
			}
			violations, err := chromedp.Run(c, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("%s: axe: %v", p.name, err)
			}
			for _, v := range violations {
				t.Errorf("%s at %d px: axe %s (%s): %s %s\n\t%s", p.path, width, v.ID, v.Impact, v.Help, v.URL, strings.Join(v.Nodes, "\n\t"))
			}
			csp, err := chromedp.Run(c, chromedp.Evaluate[[]string](`window.__csp || []`))
			cancel()
			if err != nil {
				t.Fatalf("%s: CSP: %v", p.name, err)
			}
			for _, v := range csp {
				t.Errorf("%s at %d px: CSP violation %s", p.path, width, v)
			}
			for _, m := range problems.take("") {
				t.Errorf("%s at %d px: %s", p.path, width, m)
			}
			if shots != "" {
				buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatalf("screenshot: %v", err)
				}
				if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("page-%s-%d.png", p.name, width)), buf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	run := func(pages ...pg) {
		for _, p := range pages {
			t.Run(p.name, func(t *testing.T) { check(t, p) })
		}
	}

	// Signed out: the sign-in page, a participant before and after their
	// session, a wrong link.
	step(ctx, t, "sign out", clearCookies())
	run(
		pg{name: "login", path: "/login", want: "Connexion"},
		pg{name: "participant-before", path: "/r/" + w.before, want: "Ajouter à mon calendrier"},
		pg{name: "participant-after", path: "/r/" + w.after, want: "Votre avis"},
		pg{name: "participant-unknown", path: "/r/" + w.bad, status: 404},
	)

	signIn(ctx, t, base, hrAEmail)
	run(
		pg{name: "dashboard", path: "/app", want: "Prochaines séances"},
		pg{name: "catalog", path: "/app/catalog", want: "Catalogue des formations"},
		pg{name: "format", path: "/app/catalog/ucv-consultation", want: "Déroulé"},
		pg{name: "format-own", path: "/app/catalog/" + w.format, want: "Versions"},
		pg{name: "format-own-v1", path: "/app/catalog/" + w.format + "?version=1", want: "la version actuelle est la 2"},
		pg{name: "format-edit", path: "/app/formats/" + w.format + "/edit", want: "Enregistrer une nouvelle version"},
		pg{name: "sessions", path: "/app/sessions"},
		pg{name: "sessions-past", path: "/app/sessions?show=past"},
		pg{name: "session-new", path: "/app/sessions/new"},
		pg{name: "session", path: fmt.Sprintf("/app/sessions/%d", w.future), want: "Liste d’attente (2)"},
		pg{name: "session-held", path: fmt.Sprintf("/app/sessions/%d", w.held)},
		pg{name: "session-pooled", path: fmt.Sprintf("/app/sessions/%d", w.pooled), want: "Places par commune"},
		pg{name: "people", path: "/app/people", want: "Importer depuis un fichier CSV"},
		pg{name: "person-new", path: "/app/people/new"},
		pg{name: "person-edit", path: fmt.Sprintf("/app/people/%d/edit", w.personID)},
		pg{name: "person-left", path: fmt.Sprintf("/app/people/%d/edit", w.leftID), want: "A quitté la commune le"},
		pg{name: "accounts", path: "/app/accounts"},
		pg{name: "account", path: "/app/account"},
		pg{name: "departments", path: "/app/departments"},
		pg{name: "reports", path: "/app/reports", want: "Service pilote suggéré"},
		pg{name: "survey-results", path: fmt.Sprintf("/app/surveys/%d", w.survey), want: "(7 réponses)"},
		pg{name: "error", path: "/app/sessions/999999", status: 404},
		pg{name: "reports-de", path: "/app/reports?lang=de", want: "Anteil geschulter Personen"},
	)

	signIn(ctx, t, base, trainerAEmail)
	run(
		pg{name: "trainer-dashboard", path: "/app"},
		pg{name: "day", path: fmt.Sprintf("/app/sessions/%d/day", w.future)},
		pg{name: "day-held", path: fmt.Sprintf("/app/sessions/%d/day", w.held)},
	)

	signIn(ctx, t, base, hrBEmail)
	run(pg{name: "session-pooled-guest", path: fmt.Sprintf("/app/sessions/%d", w.pooled), want: "Les places de votre commune"})

	signIn(ctx, t, base, adminEmail)
	run(pg{name: "admin", path: "/app/admin"})

	// The region of A, B and C: the coordinator's pages, HR's, and the
	// administration with its regions.
	seedRegion(t, a)
	signIn(ctx, t, base, regionCoord)
	run(
		pg{name: "region", path: "/app/region", want: "n’a pas partagé"},
		pg{name: "region-experience", path: "/app/region/experience", want: "Par question"},
		pg{name: "coordinator-account", path: "/app/account"},
	)
	signIn(ctx, t, base, hrAEmail)
	run(
		pg{name: "dashboard-region", path: "/app", want: "Région Valais romand"},
		pg{name: "commune", path: "/app/commune", want: "Chiffres partagés avec la région"},
		pg{name: "experience", path: "/app/experience", want: "Publié pour la région"},
		pg{name: "region-experience-hr", path: "/app/region/experience", want: "Par commune"},
		pg{name: "format-publish", path: "/app/catalog/" + w.format, want: "Partager dans la région"},
		pg{name: "session-new-region", path: "/app/sessions/new", want: "Places réservées aux communes de la région"},
	)
	if res := a.as(hrAEmail, "POST", "/api/v1/formats/"+w.format+"/publish", nil); res.Code != 200 {
		t.Fatalf("publish: %d %s", res.Code, res.Body)
	}
	signIn(ctx, t, base, hrBEmail)
	run(
		pg{name: "catalog-region", path: "/app/catalog", want: "Partagés dans la région"},
		pg{name: "format-of-the-region", path: "/app/catalog/" + w.format, want: "Partagé par Commune A"},
	)
	signIn(ctx, t, base, adminEmail)
	run(pg{name: "admin-regions", path: "/app/admin", want: "Région Valais romand"})
}
