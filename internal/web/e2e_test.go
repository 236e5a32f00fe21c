package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// browser starts headless Chromium for t. The tests skip only when no
// Chromium is installed and CI is unset.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but Chromium is missing (apt-get install chromium)")
		}
		t.Skip("Chromium not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// step runs actions with a deadline, failing the test on error.
func step(ctx context.Context, t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func textOf(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// shoot saves screenshots at phone and desktop widths when
// ATELIER_SCREENSHOTS names a folder, to look at the pages while working.
func shoot(ctx context.Context, t *testing.T, name string) {
	dir := os.Getenv("ATELIER_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, w := range []struct {
		label         string
		width, height int64
		mobile        bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
		opts := []chromedp.EmulateViewportOption{}
		if w.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, w.height, opts...), chromedp.Sleep(150*time.Millisecond)); err != nil {
			t.Logf("viewport: %v", err)
			return
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
		if err != nil {
			t.Logf("screenshot %s: %v", name, err)
			return
		}
		_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s.png", name, w.label)), buf, 0o644)
	}
	_ = chromedp.Do(ctx, chromedp.EmulateReset())
}

// waitFor waits until a JavaScript condition holds in the page (after a
// navigation, the old page's elements would satisfy a selector wait).
func waitFor(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for {
			_, err := chromedp.Poll[bool](cond)(ctx, t)
			if err == nil || !strings.Contains(err.Error(), "(-32000)") || ctx.Err() != nil {
				return err
			}
			time.Sleep(50 * time.Millisecond) // the page changed under the poll: poll the new one
		}
	})
}

// fitsScreen fails when the page scrolls sideways.
func fitsScreen(ctx context.Context, t *testing.T, what string) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !ok {
		w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		t.Errorf("%s is wider than the phone: %d px (%v)", what, w, err)
	}
}

func clearCookies() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
		return err
	})
}

func signIn(ctx context.Context, t *testing.T, base, email string) {
	t.Helper()
	step(ctx, t, "sign in "+email,
		clearCookies(),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("header nav")),
	)
}

// TestEndToEnd drives the UI in headless Chromium: HR schedules a session
// of the UCV format and books every head of service, a participant opens
// their link and downloads the invite, a trainer checks someone in, and the
// German page shows with Accept-Language: de. A person named with a script
// tag shows as text.
func TestEndToEnd(t *testing.T) {
	ctx := browser(t)
	a := newApp(t, storetest.Fresh(t, "sqlite"))
	srv := httptest.NewServer(a.h)
	t.Cleanup(srv.Close)
	a.srv.baseURL = srv.URL
	base := srv.URL
	dctx := context.Background()
	dep := &store.Department{OrgID: a.orgA.ID, Name: "Travaux publics"}
	if err := a.store.CreateDepartment(dctx, dep); err != nil {
		t.Fatal(err)
	}
	a.addPeople(a.orgA, 5, "head_of_service", &dep.ID)
	a.addPeople(a.orgA, 3, "staff", &dep.ID)
	evil := "<script>alert(1)</script>"
	email := "evil@commune-a.example"
	if err := a.store.CreatePerson(dctx, &store.Person{OrgID: a.orgA.ID, Name: evil, Email: &email, Role: "head_of_service", Language: "fr"}); err != nil {
		t.Fatal(err)
	}
	var dialogs atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}

	// HR signs in and schedules a UCV session for four people.
	signIn(ctx, t, base, hrAEmail)
	shoot(ctx, t, "dashboard")
	step(ctx, t, "schedule",
		chromedp.Navigate(base+"/app/sessions/new"),
		chromedp.WaitVisible(chromedp.CSS("#format")),
		chromedp.SetValue(chromedp.CSS("#format"), "ucv-consultation"),
		chromedp.SetValue(chromedp.CSS("#starts_at"), "2026-03-10T08:30"),
		chromedp.SendKeys(chromedp.CSS("#location_name"), "Salle du Conseil"),
		chromedp.SetValue(chromedp.CSS("#capacity"), "4"),
	)
	shoot(ctx, t, "session-new")
	step(ctx, t, "submit", chromedp.Submit(chromedp.CSS("#capacity")), waitFor(`document.body.innerText.includes("Séance planifiée")`))
	if h1 := textOf(ctx, t, "main h1"); !strings.Contains(h1, "UCV") {
		t.Fatalf("session page title %q", h1)
	}
	url, _ := chromedp.Run(ctx, chromedp.Location())
	var sessionID int64
	fmt.Sscanf(url[strings.LastIndex(url, "/sessions/")+len("/sessions/"):], "%d", &sessionID)

	// Every head of service in one click: four fit, two wait.
	step(ctx, t, "book heads",
		chromedp.Click(chromedp.Search(`//button[contains(., "Tous les chefs de service")]`)),
		waitFor(`document.body.innerText.includes("obtiennent une place")`),
	)
	shoot(ctx, t, "book-confirm")
	step(ctx, t, "confirm booking",
		chromedp.Click(chromedp.Search(`//button[contains(., "Réserver (")]`)),
		waitFor(`document.body.innerText.includes("inscription(s) traitée(s)")`),
	)
	shoot(ctx, t, "session")
	body := textOf(ctx, t, "main")
	if !strings.Contains(body, "Liste d’attente (2)") || !strings.Contains(body, "Participants (4)") {
		t.Errorf("session page after booking:\n%s", body)
	}
	if !strings.Contains(body, evil) || dialogs.Load() > 0 {
		t.Errorf("the hostile name must show as text (dialogs: %d)", dialogs.Load())
	}
	regs := a.registrations(hrAEmail, sessionID)
	if len(regs) != 6 || regs[4].Status != "waitlisted" || *regs[4].WaitlistPosition != 1 {
		t.Fatalf("registrations: %+v", regs)
	}

	// The other main pages render, for the screenshots.
	for _, pg := range []struct{ path, name, want string }{
		{"/app/catalog", "catalog", "Catalogue des formations"},
		{"/app/catalog/ucv-consultation", "format", "Déroulé"},
		{"/app/people", "people", "Importer depuis un fichier CSV"},
		{"/app/reports", "reports", "Service pilote suggéré"},
	} {
		step(ctx, t, pg.name, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if body := textOf(ctx, t, "main"); !strings.Contains(body, pg.want) {
			t.Errorf("%s lacks %q", pg.path, pg.want)
		}
		shoot(ctx, t, pg.name)
	}

	// A participant opens their link and downloads the invite.
	step(ctx, t, "participant page",
		clearCookies(),
		chromedp.Navigate(base+"/r/"+regs[0].Token),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="/invite.ics"]`)),
	)
	shoot(ctx, t, "participant")
	ics, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('a[href$="/invite.ics"]').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ics, "METHOD:REQUEST") || !strings.Contains(ics, "DTSTART;TZID=Europe/Zurich:20260310T083000") {
		t.Errorf("invite: %s", ics)
	}

	// The trainer checks someone in on the day view.
	a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", sessionID), map[string]any{"trainers": []int64{a.trainerID()}})
	a.setNow(time.Date(2026, 3, 10, 8, 20, 0, 0, tz.Zurich))
	signIn(ctx, t, base, trainerAEmail)
	step(ctx, t, "check in",
		chromedp.Navigate(fmt.Sprintf("%s/app/sessions/%d/day", base, sessionID)),
		chromedp.WaitVisible(chromedp.CSS("#code")),
		chromedp.SendKeys(chromedp.CSS("#code"), base+"/r/"+regs[1].Token),
		chromedp.Click(chromedp.CSS("#code-form button")),
		chromedp.WaitVisible(chromedp.CSS("#scan-result.message")),
	)
	shoot(ctx, t, "day")
	if got := textOf(ctx, t, "#scan-result"); !strings.Contains(got, "Présent·e") || !strings.Contains(got, regs[1].PersonName) {
		t.Errorf("check-in answer %q (want %s)", got, regs[1].PersonName)
	}
	if got := a.registrations(hrAEmail, sessionID); got[1].Attendance != "present" {
		t.Errorf("not marked present: %+v", got[1])
	}

	// German, from Accept-Language.
	step(ctx, t, "german",
		clearCookies(),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "de-CH,de;q=0.9"}})
			return err
		}),
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("main h1")),
	)
	shoot(ctx, t, "login-de")
	if h1 := textOf(ctx, t, "main h1"); h1 != "Anmeldung" {
		t.Errorf("German login title %q", h1)
	}
}

// TestPlanEndToEnd plans a campaign in headless Chromium: from a format's
// page, HR makes a plan for a commune of three services, moves someone
// with the select, accepts what that breaks, confirms, and finds the
// sessions booked.
func TestPlanEndToEnd(t *testing.T) {
	ctx := browser(t)
	a := newApp(t, storetest.Fresh(t, "sqlite"))
	srv := httptest.NewServer(a.h)
	t.Cleanup(srv.Close)
	a.srv.baseURL = srv.URL
	base := srv.URL
	c := a.generateCommune(a.orgA, []int{6, 5, 4}, 0)

	signIn(ctx, t, base, hrAEmail)
	step(ctx, t, "the format's page",
		chromedp.Navigate(base+"/app/catalog/aubonne"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/app/plans/new?format=aubonne"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/app/plans/new?format=aubonne"]`)),
		chromedp.WaitVisible(chromedp.CSS("#from")),
	)
	step(ctx, t, "the plan's form",
		chromedp.SetValue(chromedp.CSS("#from"), "2026-03-09"),
		chromedp.SetValue(chromedp.CSS("#to"), "2026-04-30"),
		chromedp.SetValue(chromedp.CSS("#slot_weekday_1"), "thu"),
		chromedp.SetValue(chromedp.CSS("#slot_start_1"), "08:30"),
		chromedp.SendKeys(chromedp.CSS("#location_name"), "Salle du Conseil"),
		chromedp.SetValue(chromedp.CSS("#capacity"), "6"),
	)
	shoot(ctx, t, "plan-new")
	step(ctx, t, "propose",
		chromedp.Submit(chromedp.CSS("#capacity")),
		waitFor(`document.querySelector(".plan-session") !== null`),
	)
	shoot(ctx, t, "plan")
	url, _ := chromedp.Run(ctx, chromedp.Location())
	var id int64
	fmt.Sscanf(url[strings.LastIndex(url, "/plans/")+len("/plans/"):], "%d", &id)
	p := a.planCall(hrAEmail, "GET", fmt.Sprintf("/api/v1/plans/%d", id), nil, 200)
	if len(p.Sessions) < 2 || len(p.Unplaced) != 0 {
		t.Fatalf("proposal: %+v", p)
	}
	// Move the first person of the first session to the second with the
	// select beside their name.
	mover := p.Sessions[0].People[0]
	step(ctx, t, "move",
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#move-%d", mover)), "1"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#move-%d + button`, mover))),
		waitFor(`document.body.innerText.includes("Personne déplacée.")`),
	)
	if w, _ := a.planCall(hrAEmail, "GET", fmt.Sprintf("/api/v1/plans/%d", id), nil, 200).where(mover); w != 1 {
		t.Fatalf("moved to %d", w)
	}
	// What the move broke is accepted with the checkboxes.
	if _, open := a.planCall(hrAEmail, "GET", fmt.Sprintf("/api/v1/plans/%d", id), nil, 200).violations(); len(open) > 0 {
		step(ctx, t, "accept",
			chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name="accept"]').forEach(c => { c.checked = true })`),
			chromedp.Click(chromedp.CSS(`#warnings button[type="submit"]`)),
			waitFor(`document.body.innerText.includes("Acceptations enregistrées.")`),
		)
	}
	step(ctx, t, "the confirmation step",
		chromedp.Click(chromedp.CSS("#confirm-link")),
		chromedp.WaitVisible(chromedp.CSS("#confirm-summary")),
	)
	shoot(ctx, t, "plan-confirm")
	if got := textOf(ctx, t, "#confirm-summary"); !strings.Contains(got, fmt.Sprintf("%d inscription(s)", len(c.all))) {
		t.Errorf("confirmation step: %q", got)
	}
	step(ctx, t, "confirm",
		chromedp.Click(chromedp.CSS("#confirm")),
		waitFor(`document.body.innerText.includes("Plan confirmé")`),
	)
	shoot(ctx, t, "plan-confirmed")
	step(ctx, t, "a session",
		chromedp.Click(chromedp.Search(`//a[contains(., "Ouvrir la séance")]`)),
		waitFor(`document.body.innerText.includes("séance créée par le plan de campagne")`),
	)
	body := textOf(ctx, t, "main")
	p = a.planCall(hrAEmail, "GET", fmt.Sprintf("/api/v1/plans/%d", id), nil, 200)
	if !strings.Contains(body, fmt.Sprintf("Participants (%d)", len(p.Sessions[0].People))) {
		t.Errorf("the first session's page:\n%s", body)
	}
	booked := 0
	for _, sid := range p.SessionIDs {
		booked += len(a.registrations(hrAEmail, sid))
	}
	if booked != len(c.all) {
		t.Errorf("%d booked of %d", booked, len(c.all))
	}
}

// TestSurveyInBrowser answers the état des lieux on a phone (390 px wide):
// the page fits the screen, a form sent incomplete comes back with its
// messages and what was ticked, and the answer is stored. The staff pages
// of the strategy render too, for the screenshots.
func TestSurveyInBrowser(t *testing.T) {
	ctx := browser(t)
	a := newApp(t, storetest.Fresh(t, "sqlite"))
	srv := httptest.NewServer(a.h)
	t.Cleanup(srv.Close)
	a.srv.baseURL = srv.URL
	base := srv.URL
	fin := a.department(a.orgA, "Finances")
	ids := a.addPeople(a.orgA, 6, "staff", &fin)
	a.launch(hrAEmail, map[string]any{"kind": "etat_des_lieux", "audience": map[string]any{"all": true}, "closes_at": "2026-03-20"})
	token := a.surveyToken(ids[0])

	fits := func(what string) { t.Helper(); fitsScreen(ctx, t, what) }
	step(ctx, t, "open the survey on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/s/"+token),
		chromedp.WaitVisible(chromedp.CSS(`form.survey button[type=submit]`)),
	)
	fits("the survey page")
	if h1 := textOf(ctx, t, "main h1"); !strings.Contains(h1, "État des lieux") {
		t.Errorf("title %q", h1)
	}
	// Sent with two answers only: the messages, and the ticks kept.
	step(ctx, t, "send incomplete",
		chromedp.Click(chromedp.CSS(`input[name=tools][value=chatgpt]`)),
		chromedp.Click(chromedp.CSS(`input[name=competence][value="3"]`)),
		chromedp.Click(chromedp.CSS(`form.survey button[type=submit]`)),
		waitFor(`document.querySelectorAll(".field-error").length > 0`),
	)
	fits("the refused survey page")
	if got := textOf(ctx, t, "#q-frequency"); !strings.Contains(got, "Veuillez répondre à cette question.") {
		t.Errorf("frequency question after refusal: %q", got)
	}
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name=tools][value=chatgpt]').checked && document.querySelector('input[name=competence][value="3"]').checked`))
	if err != nil || !checked {
		t.Errorf("the ticks were not kept (%v)", err)
	}
	shoot(ctx, t, "survey-refused")
	step(ctx, t, "complete and send",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Click(chromedp.CSS(`input[name=frequency][value=weekly]`)),
		chromedp.Click(chromedp.CSS(`input[name=worries][value=reliability]`)),
		chromedp.Click(chromedp.CSS(`input[name=interest][value="4"]`)),
		chromedp.SendKeys(chromedp.CSS(`#in-wishes`), "Résumer les préavis du conseil"),
		chromedp.Click(chromedp.CSS(`form.survey button[type=submit]`)),
		waitFor(`document.body.innerText.includes("Vos réponses sont enregistrées")`),
	)
	fits("the answered survey page")
	shoot(ctx, t, "survey-answered")
	if n := a.count("survey_responses"); n != 1 {
		t.Errorf("%d responses stored", n)
	}

	// The staff pages, for the screenshots.
	for _, id := range ids[1:] {
		a.answerSurvey(a.surveyToken(id), validAnswers(4, ""))
	}
	signIn(ctx, t, base, hrAEmail)
	for _, pg := range []struct{ path, name, want string }{
		{"/app/surveys", "surveys", "Lancer l’état des lieux"},
		{"/app/surveys/1", "survey-results", "Toute l’administration"},
		{"/app/memento", "memento", "Enregistrer une nouvelle version"},
		{"/app/roadmap", "roadmap", "Les six étapes"},
	} {
		step(ctx, t, pg.name, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if body := textOf(ctx, t, "main"); !strings.Contains(body, pg.want) {
			t.Errorf("%s lacks %q", pg.path, pg.want)
		}
		shoot(ctx, t, pg.name)
	}
}

// TestRegionInBrowser drives the region on a phone (390 px wide): the
// coordinator's start page is the regional view, which fits the screen and
// says which commune did not share; HR of A stops sharing through the
// confirmation step, and the coordinator then sees A as not shared; HR
// publishes the exchange of experience after confirming.
func TestRegionInBrowser(t *testing.T) {
	ctx := browser(t)
	a := newApp(t, storetest.Fresh(t, "sqlite"))
	srv := httptest.NewServer(a.h)
	t.Cleanup(srv.Close)
	a.srv.baseURL = srv.URL
	base := srv.URL
	seedRegion(t, a)
	secrets := regionSecrets(t, a)

	fits := func(what string) { t.Helper(); fitsScreen(ctx, t, what) }
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)

	signIn(ctx, t, base, regionCoord)
	step(ctx, t, "the coordinator's start page", phone, chromedp.Navigate(base+"/app"), waitFor(`location.pathname === "/app/region"`), chromedp.WaitVisible(chromedp.CSS("#communes")))
	fits("the regional view")
	shoot(ctx, t, "region")
	body := textOf(ctx, t, "main")
	if !strings.Contains(body, "Commune C") || !strings.Contains(body, "n’a pas partagé") || !strings.Contains(body, "Autres communes") {
		t.Errorf("regional view:\n%s", body)
	}
	checkNoSecret(t, "the regional view in the browser", body, secrets)
	pdf, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('a[href^="/api/v1/region/report.pdf"]').href).then(r => r.status + " " + r.headers.get("Content-Type"))`, chromedp.EvalAwaitPromise))
	if err != nil || pdf != "200 application/pdf" {
		t.Errorf("the PDF link: %q %v", pdf, err)
	}
	step(ctx, t, "the exchange of experience",
		chromedp.Click(chromedp.CSS(`.actions a[href="/app/region/experience"]`)),
		waitFor(`location.pathname === "/app/region/experience"`), chromedp.WaitVisible(chromedp.CSS("#by-question")))
	fits("the region's experience")
	shoot(ctx, t, "region-experience")
	if got := textOf(ctx, t, "#q-favourable_tasks"); !strings.Contains(got, "Commune A") || !strings.Contains(got, "Commune C") || strings.Contains(got, "Dupont") {
		t.Errorf("favourable tasks side by side: %q", got)
	}

	// HR of A stops sharing, after the confirmation step.
	signIn(ctx, t, base, hrAEmail)
	step(ctx, t, "the commune's page", phone, chromedp.Navigate(base+"/app/commune"), chromedp.WaitVisible(chromedp.CSS("#share-toggle")))
	fits("the commune's page")
	shoot(ctx, t, "commune")
	step(ctx, t, "ask to stop", chromedp.Click(chromedp.CSS("#share-toggle")), waitFor(`document.body.innerText.includes("Arrêter le partage ?")`))
	fits("the confirmation step")
	step(ctx, t, "confirm", chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), waitFor(`document.body.innerText.includes("ne partage plus")`))
	if got := textOf(ctx, t, "#sharing"); !strings.Contains(got, "Chiffres non partagés") {
		t.Errorf("after stopping: %q", got)
	}
	// The experience: changed, then published after confirming.
	step(ctx, t, "the experience form", chromedp.Navigate(base+"/app/experience"), chromedp.WaitVisible(chromedp.CSS("#ft0")),
		chromedp.SetValue(chromedp.CSS("#ft0"), "Réponses aux citoyens"),
		chromedp.SetValue(chromedp.CSS("#gh0"), "beaucoup"),
		chromedp.Click(chromedp.CSS(`form.experience-form button[type=submit]`)),
		waitFor(`document.querySelectorAll(".field-error").length > 0`))
	fits("the refused experience form")
	if got := textOf(ctx, t, "#f-time_gains"); !strings.Contains(got, "Où sont les gains de temps") || !strings.Contains(got, "estimez les heures") {
		t.Errorf("the estimate's message: %q", got)
	}
	step(ctx, t, "save", chromedp.SetValue(chromedp.CSS("#gh0"), "7,5"), chromedp.Click(chromedp.CSS(`form.experience-form button[type=submit]`)),
		waitFor(`document.body.innerText.includes("Réponses enregistrées")`))
	if !strings.Contains(textOf(ctx, t, "main"), "Modifié depuis la publication") {
		t.Error("the change since publishing is not said")
	}
	step(ctx, t, "publish", chromedp.Click(chromedp.CSS("#publish")), waitFor(`document.body.innerText.includes("Publier vos réponses")`),
		chromedp.Click(chromedp.CSS(`main form button[type=submit]`)), waitFor(`document.body.innerText.includes("Réponses publiées")`))
	shoot(ctx, t, "experience")

	signIn(ctx, t, base, regionCoord)
	step(ctx, t, "the regional view again", phone, chromedp.Navigate(base+"/app/region"), chromedp.WaitVisible(chromedp.CSS("#communes")))
	if got := textOf(ctx, t, "#communes tbody tr:first-child"); !strings.Contains(got, "Commune A") || !strings.Contains(got, "n’a pas partagé") {
		t.Errorf("A after it stopped sharing: %q", got)
	}
	step(ctx, t, "the experience again", chromedp.Navigate(base+"/app/region/experience"), chromedp.WaitVisible(chromedp.CSS("#by-question")))
	if got := textOf(ctx, t, "#q-time_gains"); !strings.Contains(got, "7,5 h par mois") {
		t.Errorf("the published estimate: %q", got)
	}
}
