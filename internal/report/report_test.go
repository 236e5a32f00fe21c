package report_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// world is a generated commune: 8 departments, 200 people, 20 sessions,
// random registrations, attendance and feedback.
type world struct {
	org      *store.Org
	deps     []store.Department
	people   []store.Person
	sessions []store.Session
	regs     []store.Registration
	feedback []store.Feedback
	now      time.Time
}

func generate(t *testing.T, s *store.Store, cat *catalog.Catalog, seed uint64) *world {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 7))
	w := &world{org: &store.Org{Slug: "gen", Name: "Commune générée"}, now: time.Date(2026, 9, 1, 12, 0, 0, 0, tz.Zurich)}
	if err := s.CreateOrg(ctx, w.org); err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		d := store.Department{OrgID: w.org.ID, Name: fmt.Sprintf("Service %d", i+1)}
		if err := s.CreateDepartment(ctx, &d); err != nil {
			t.Fatal(err)
		}
		w.deps = append(w.deps, d)
	}
	roles := []string{"staff", "staff", "staff", "staff", "deputy_head", "head_of_service", "council_member", "municipal_secretary"}
	for i := range 200 {
		email := fmt.Sprintf("p%d@gen.example", i)
		p := store.Person{OrgID: w.org.ID, Name: fmt.Sprintf("Personne %03d", i), Email: &email, Role: roles[rng.IntN(len(roles))], Language: "fr"}
		if p.Role != "council_member" {
			dep := w.deps[rng.IntN(len(w.deps))].ID
			p.DepartmentID = &dep
		}
		if err := s.CreatePerson(ctx, &p); err != nil {
			t.Fatal(err)
		}
		w.people = append(w.people, p)
	}
	formats := cat.Formats()
	for i := range 20 {
		f := formats[rng.IntN(len(formats))]
		start := w.now.AddDate(0, 0, rng.IntN(120)-90)
		sess := store.Session{UID: fmt.Sprintf("u%d@gen", i), OrgID: w.org.ID, FormatSlug: f.Slug, Title: f.Title, StartsAt: start.UTC(),
			EndsAt: start.Add(time.Duration(f.DurationMinutes) * time.Minute).UTC(), Capacity: 5 + rng.IntN(20), Status: store.SessionScheduled, Language: "fr"}
		if rng.IntN(10) == 0 {
			sess.Status = store.SessionCancelled
		}
		if err := s.CreateSession(ctx, &sess, nil); err != nil {
			t.Fatal(err)
		}
		w.sessions = append(w.sessions, sess)
		waiting := 0
		for _, pi := range rng.Perm(len(w.people))[:rng.IntN(25)] {
			p := w.people[pi]
			r := store.Registration{SessionID: sess.ID, PersonID: &p.ID, OrgID: w.org.ID, Status: store.RegBooked, Attendance: store.AttendUnknown, Token: fmt.Sprintf("T%d-%d", i, pi)}
			switch rng.IntN(6) {
			case 0:
				r.Status = store.RegWaitlisted
				waiting++
				pos := waiting
				r.WaitlistPosition = &pos
			case 1:
				r.Status = store.RegCancelled
			}
			if r.Status == store.RegBooked && sess.EndsAt.Before(w.now) {
				r.Attendance = []string{store.AttendPresent, store.AttendPresent, store.AttendPresent, store.AttendAbsent, store.AttendExcused, store.AttendUnknown}[rng.IntN(6)]
			}
			if err := s.InsertRegistrations(ctx, []*store.Registration{&r}); err != nil {
				t.Fatal(err)
			}
			w.regs = append(w.regs, r)
			if r.Attendance == store.AttendPresent && rng.IntN(3) > 0 {
				words := []string{"procès-verbaux synthèse", "courriers citoyens", "traductions allemand", "données personnelles", "fiabilité réponses"}
				f := store.Feedback{RegistrationID: r.ID, SessionID: sess.ID, OrgID: w.org.ID, Overall: 1 + rng.IntN(5), WillUse: 1 + rng.IntN(5),
					ConfidenceBefore: 1 + rng.IntN(5), ConfidenceAfter: 1 + rng.IntN(5), UseCases: words[rng.IntN(3)], Worries: words[3+rng.IntN(2)]}
				if err := s.SaveFeedback(ctx, &f); err != nil {
					t.Fatal(err)
				}
				w.feedback = append(w.feedback, f)
			}
		}
	}
	return w
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func ptr(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

// TestCampaignAgainstRecomputation computes the report for a generated
// commune and checks each figure against a plain recomputation.
func TestCampaignAgainstRecomputation(t *testing.T) {
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, db := range storetest.Databases(t) {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/seed=%d", db.Name, seed), func(t *testing.T) {
				s := storetest.Open(t, storetest.Fresh(t, db.Name))
				w := generate(t, s, cat, seed)
				svc := report.New(s, formats.NewResolver(cat, s), i18n.MustLoad(), func() time.Time { return w.now })
				got, err := svc.CampaignOf(context.Background(), w.org.ID, "fr")
				if err != nil {
					t.Fatal(err)
				}
				check(t, w, cat, got)
			})
		}
	}
}

func check(t *testing.T, w *world, cat *catalog.Catalog, got *report.Campaign) {
	sessByID := map[int64]store.Session{}
	for _, s := range w.sessions {
		sessByID[s.ID] = s
	}
	trainedAt := map[int64]map[string]bool{}
	for _, r := range w.regs {
		s := sessByID[r.SessionID]
		if r.Status == store.RegBooked && r.Attendance == store.AttendPresent && s.Status != store.SessionCancelled {
			if trainedAt[*r.PersonID] == nil {
				trainedAt[*r.PersonID] = map[string]bool{}
			}
			trainedAt[*r.PersonID][s.FormatSlug] = true
		}
	}
	regByID := map[int64]store.Registration{}
	for _, r := range w.regs {
		regByID[r.ID] = r
	}
	personByID := map[int64]store.Person{}
	for _, p := range w.people {
		personByID[p.ID] = p
	}
	// Commune.
	trained, council, councilTrained := 0, 0, 0
	for _, p := range w.people {
		if len(trainedAt[p.ID]) > 0 {
			trained++
		}
		if p.Role == "council_member" {
			council++
			if len(trainedAt[p.ID]) > 0 {
				councilTrained++
			}
		}
	}
	c := got.Commune
	if c.People != 200 || c.Trained != trained || !near(c.ShareTrained, float64(trained)/200) || c.CouncilMembers != council || c.CouncilMembersTrained != councilTrained {
		t.Errorf("commune people %+v; want trained %d, council %d/%d", c, trained, councilTrained, council)
	}
	held, planned, fill := 0, 0, 0.0
	present, absent := 0, 0
	for _, s := range w.sessions {
		if s.Status == store.SessionCancelled {
			continue
		}
		if s.EndsAt.After(w.now) {
			planned++
			continue
		}
		held++
		booked := 0
		for _, r := range w.regs {
			if r.SessionID == s.ID && r.Status == store.RegBooked {
				booked++
				switch r.Attendance {
				case store.AttendPresent:
					present++
				case store.AttendAbsent:
					absent++
				}
			}
		}
		fill += math.Min(1, float64(booked)/float64(s.Capacity))
	}
	if c.SessionsHeld != held || c.SessionsPlanned != planned || (held > 0 && !near(ptr(c.AverageFillRate), fill/float64(held))) {
		t.Errorf("sessions held %d planned %d fill %v; want %d %d %v", c.SessionsHeld, c.SessionsPlanned, ptr(c.AverageFillRate), held, planned, fill/float64(held))
	}
	counted := 0
	for _, p := range got.Calendar.Periods {
		counted += p.Sessions
	}
	if counted != held+planned || len(got.Calendar.Periods) == 0 {
		t.Errorf("calendar counts %d sessions in %d periods, want %d", counted, len(got.Calendar.Periods), held+planned)
	}
	if present+absent > 0 && !near(ptr(c.NoShowRate), float64(absent)/float64(present+absent)) {
		t.Errorf("no-show %v, want %v", ptr(c.NoShowRate), float64(absent)/float64(present+absent))
	}
	// Departments.
	if len(got.Departments) != 9 {
		t.Fatalf("%d department lines, want 8 + the council", len(got.Departments))
	}
	type agg struct{ n, overall, will, before, after int }
	depFeedback := map[int64]*agg{}
	depRespondents := map[int64]map[int64]bool{}
	for _, f := range w.feedback {
		r := regByID[f.RegistrationID]
		p := personByID[*r.PersonID]
		key := int64(0)
		if p.DepartmentID != nil {
			key = *p.DepartmentID
		}
		if depFeedback[key] == nil {
			depFeedback[key] = &agg{}
			depRespondents[key] = map[int64]bool{}
		}
		a := depFeedback[key]
		a.n++
		a.overall += f.Overall
		a.will += f.WillUse
		a.before += f.ConfidenceBefore
		a.after += f.ConfidenceAfter
		depRespondents[key][p.ID] = true
	}
	var mandatory []*catalog.Format
	for _, f := range cat.Formats() {
		if f.Participation == catalog.Mandatory {
			mandatory = append(mandatory, f)
		}
	}
	bestWill, bestShare := -1.0, -1.0
	var bestName string
	for _, d := range got.Departments {
		key := int64(0)
		if d.ID != nil {
			key = *d.ID
		}
		people, tr, heads, headsTr := 0, 0, 0, 0
		missing := 0
		for _, p := range w.people {
			if (p.DepartmentID == nil && key != 0) || (p.DepartmentID != nil && *p.DepartmentID != key) {
				continue
			}
			people++
			if len(trainedAt[p.ID]) > 0 {
				tr++
			}
			if p.Role == "head_of_service" {
				heads++
				if len(trainedAt[p.ID]) > 0 {
					headsTr++
				}
			}
			for _, f := range mandatory {
				if slices.Contains(f.Audiences, catalog.Audience(p.Role)) && !trainedAt[p.ID][f.Slug] {
					missing++
				}
			}
		}
		gotMissing := 0
		for _, m := range d.MandatoryMissing {
			gotMissing += len(m.People)
		}
		if d.People != people || d.Trained != tr || d.HeadsOfService != heads || d.HeadsOfServiceTrained != headsTr || gotMissing != missing || !near(d.ShareTrained, float64(tr)/float64(max(people, 1))) {
			t.Errorf("%s: %d people %d trained %d/%d heads %d missing; want %d %d %d/%d %d", d.Name, d.People, d.Trained, d.HeadsOfServiceTrained, d.HeadsOfService, gotMissing, people, tr, headsTr, heads, missing)
		}
		a := depFeedback[key]
		if a == nil {
			if d.Feedback.Respondents != 0 || d.Feedback.Overall != nil {
				t.Errorf("%s: feedback without answers %+v", d.Name, d.Feedback)
			}
			continue
		}
		f := d.Feedback
		if f.Respondents != len(depRespondents[key]) || !near(ptr(f.Overall), float64(a.overall)/float64(a.n)) || !near(ptr(f.WillUse), float64(a.will)/float64(a.n)) ||
			!near(ptr(f.ConfidenceGain), float64(a.after-a.before)/float64(a.n)) {
			t.Errorf("%s: feedback %+v; want %d respondents, overall %v", d.Name, f, len(depRespondents[key]), float64(a.overall)/float64(a.n))
		}
		if d.ID != nil && len(depRespondents[key]) >= 3 && 3*len(depRespondents[key]) >= people {
			will := float64(a.will) / float64(a.n)
			share := float64(tr) / float64(people)
			if will > bestWill || (will == bestWill && share > bestShare) {
				bestWill, bestShare, bestName = will, share, d.Name
			}
		}
	}
	if bestName == "" {
		if got.Pilot.Suggested || len(got.Pilot.Reasons) != 1 {
			t.Errorf("pilot %+v, want none", got.Pilot)
		}
	} else if !got.Pilot.Suggested || got.Pilot.Name != bestName || len(got.Pilot.Reasons) != 3 {
		t.Errorf("pilot %+v, want %s", got.Pilot, bestName)
	}
}

func TestPilotRules(t *testing.T) {
	cat, _ := catalog.Load(catalogdata.FS)
	ctx := context.Background()
	s := storetest.Open(t, storetest.Databases(t)[0])
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, tz.Zurich)
	svc := report.New(s, formats.NewResolver(cat, s), i18n.MustLoad(), func() time.Time { return now })
	org := &store.Org{Slug: "p", Name: "P"}
	_ = s.CreateOrg(ctx, org)
	got, err := svc.CampaignOf(ctx, org.ID, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if got.Pilot.Suggested || got.Pilot.Reasons[0] != "Pas encore assez de retours : il faut au moins 3 répondants et un tiers d’un service." {
		t.Errorf("empty commune: %+v", got.Pilot)
	}
	// Two services with the same interest: the one with more people trained wins.
	sess := store.Session{UID: "u@p", OrgID: org.ID, FormatSlug: cat.Formats()[0].Slug, Title: "T", StartsAt: now.Add(-48 * time.Hour), EndsAt: now.Add(-46 * time.Hour), Capacity: 50, Status: store.SessionScheduled, Language: "fr"}
	if err := s.CreateSession(ctx, &sess, nil); err != nil {
		t.Fatal(err)
	}
	add := func(depName string, people, respondents, will int) {
		d := store.Department{OrgID: org.ID, Name: depName}
		_ = s.CreateDepartment(ctx, &d)
		for i := range people {
			email := fmt.Sprintf("%s%d@p.example", depName, i)
			p := store.Person{OrgID: org.ID, Name: depName + fmt.Sprint(i), Email: &email, Role: "staff", DepartmentID: &d.ID, Language: "fr"}
			_ = s.CreatePerson(ctx, &p)
			if i >= respondents+1 { // one more present than respondents
				continue
			}
			r := store.Registration{SessionID: sess.ID, PersonID: &p.ID, OrgID: org.ID, Status: store.RegBooked, Attendance: store.AttendPresent, Token: "t" + email}
			_ = s.InsertRegistrations(ctx, []*store.Registration{&r})
			if i < respondents {
				_ = s.SaveFeedback(ctx, &store.Feedback{RegistrationID: r.ID, SessionID: sess.ID, OrgID: org.ID, Overall: 4, WillUse: will, ConfidenceBefore: 2, ConfidenceAfter: 4})
			}
		}
	}
	add("Finances", 9, 3, 4) // 3 of 9: a third, qualifies; 4 of 9 trained
	add("Écoles", 6, 3, 4)   // same interest, 4 of 6 trained: wins the tie
	add("Social", 12, 3, 5)  // best interest but 3 of 12 < a third
	add("Travaux", 4, 2, 5)  // fewer than 3 respondents
	got, _ = svc.CampaignOf(ctx, org.ID, "fr")
	if !got.Pilot.Suggested || got.Pilot.Name != "Écoles" || got.Pilot.Reasons[0] != "Intérêt le plus élevé : 4,0 / 5 à « J’utiliserai ces outils dans mon travail »." {
		t.Errorf("pilot: %+v", got.Pilot)
	}
}

func TestTopWords(t *testing.T) {
	got := report.TopWords([]string{"Les procès-verbaux du conseil", "procès-verbaux et courriers", "Courriers, courriers !"}, 2)
	if len(got) != 2 || got[0] != (report.Word{Word: "courriers", Count: 3}) || got[1] != (report.Word{Word: "procès-verbaux", Count: 2}) {
		t.Errorf("top words %+v", got)
	}
}

// TestSurveyBeforeAndPilot: the campaign report shows the état des lieux
// beside the feedback per service, with the survey's anonymity (a service
// of 4 respondents is merged, and so is the smallest service shown), and
// the pilot weighs the survey's interest with the feedback's "I will use".
func TestSurveyBeforeAndPilot(t *testing.T) {
	cat, _ := catalog.Load(catalogdata.FS)
	ctx := context.Background()
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			s := storetest.Open(t, db)
			now := time.Date(2026, 9, 1, 12, 0, 0, 0, tz.Zurich)
			svc := report.New(s, formats.NewResolver(cat, s), i18n.MustLoad(), func() time.Time { return now })
			org := &store.Org{Slug: "sv", Name: "SV"}
			if err := s.CreateOrg(ctx, org); err != nil {
				t.Fatal(err)
			}
			sess := store.Session{UID: "u@sv", OrgID: org.ID, FormatSlug: cat.Formats()[0].Slug, Title: "T", StartsAt: now.Add(-48 * time.Hour), EndsAt: now.Add(-46 * time.Hour), Capacity: 80, Status: store.SessionScheduled, Language: "fr"}
			if err := s.CreateSession(ctx, &sess, nil); err != nil {
				t.Fatal(err)
			}
			sv := &store.Survey{OrgID: org.ID, Kind: "etat_des_lieux", Slug: "etat-des-lieux", ClosesAt: now.Add(-24 * time.Hour).UTC(), CreatedAt: now.Add(-240 * time.Hour).UTC()}
			var invites []*store.SurveyInvitation
			var responses []store.SurveyResponse
			deps := map[string]int64{}
			personID := map[string]int64{}
			// people, feedback respondents and their "will use", survey
			// respondents and their interest.
			add := func(name string, people, fbN, will, svN, interest int) {
				d := store.Department{OrgID: org.ID, Name: name}
				if err := s.CreateDepartment(ctx, &d); err != nil {
					t.Fatal(err)
				}
				deps[name] = d.ID
				for i := range people {
					email := fmt.Sprintf("%s%d@sv.example", name, i)
					p := store.Person{OrgID: org.ID, Name: name + fmt.Sprint(i), Email: &email, Role: "staff", DepartmentID: &d.ID, Language: "fr"}
					if err := s.CreatePerson(ctx, &p); err != nil {
						t.Fatal(err)
					}
					personID[email] = p.ID
					invites = append(invites, &store.SurveyInvitation{OrgID: org.ID, PersonID: &p.ID, GroupKey: "staff", DepartmentID: &d.ID, Language: "fr", CreatedAt: sv.CreatedAt})
					if i < svN {
						responses = append(responses, store.SurveyResponse{OrgID: org.ID, DepartmentID: &d.ID, GroupKey: "staff",
							Answers: fmt.Sprintf(`{"tools":{"choices":["chatgpt"]},"frequency":{"choices":["weekly"]},"competence":{"value":3},"worries":{"choices":["reliability"]},"interest":{"value":%d}}`, interest)})
					}
					if i >= fbN {
						continue
					}
					r := store.Registration{SessionID: sess.ID, PersonID: &p.ID, OrgID: org.ID, Status: store.RegBooked, Attendance: store.AttendPresent, Token: "t" + email}
					if err := s.InsertRegistrations(ctx, []*store.Registration{&r}); err != nil {
						t.Fatal(err)
					}
					if err := s.SaveFeedback(ctx, &store.Feedback{RegistrationID: r.ID, SessionID: sess.ID, OrgID: org.ID, Overall: 4, WillUse: will, ConfidenceBefore: 2, ConfidenceAfter: 4}); err != nil {
						t.Fatal(err)
					}
				}
			}
			add("Finances", 10, 4, 4, 6, 2) // feedback 4.0 and survey 2.0: motivation 3.0
			add("Écoles", 10, 3, 5, 6, 5)   // feedback too thin (3 of 10), survey 5.0: wins
			add("Social", 6, 0, 0, 4, 5)    // 4 answers: merged into « autres »
			add("Travaux", 8, 0, 0, 5, 5)   // the smallest shown, merged too
			if err := s.CreateSurvey(ctx, sv, invites); err != nil {
				t.Fatal(err)
			}
			for i := range responses {
				responses[i].SurveyID = sv.ID
				if err := s.SaveResponse(ctx, &responses[i]); err != nil {
					t.Fatal(err)
				}
			}
			got, err := svc.CampaignOf(ctx, org.ID, "fr")
			if err != nil {
				t.Fatal(err)
			}
			c := got.Commune
			if c.Survey == nil || c.Survey.ID != sv.ID || c.Survey.Invited != 34 || c.Survey.Responses != 21 || c.Survey.Before == nil || c.Survey.Before.Respondents != 21 {
				t.Fatalf("commune survey %+v", c.Survey)
			}
			byName := map[string]report.Department{}
			for _, d := range got.Departments {
				byName[d.Name] = d
			}
			fin, ecoles := byName["Finances"], byName["Écoles"]
			if fin.Survey == nil || fin.Survey.Respondents != 6 || ptr(fin.Survey.Interest) != 2 || ptr(fin.Survey.Competence) != 3 || ptr(fin.Survey.UsingAI) != 1 || ptr(fin.Feedback.WillUse) != 4 {
				t.Errorf("Finances before/after: %+v / %+v", fin.Survey, fin.Feedback)
			}
			if ecoles.Survey == nil || ptr(ecoles.Survey.ResponseRate) != 0.6 {
				t.Errorf("Écoles before: %+v", ecoles.Survey)
			}
			for _, name := range []string{"Social", "Travaux"} {
				if d := byName[name]; d.Survey != nil || !d.SurveyMerged {
					t.Errorf("%s: survey %+v merged %v, want merged without figures", name, d.Survey, d.SurveyMerged)
				}
			}
			want := []string{
				"Intérêt pour une formation dans l’état des lieux\u00a0: 5,0 / 5 (6 réponses).",
				"30 % du service est formé.",
			}
			if !got.Pilot.Suggested || got.Pilot.Name != "Écoles" || !slices.Equal(got.Pilot.Reasons, want) {
				t.Errorf("pilot %+v, want Écoles with %q", got.Pilot, want)
			}

			// The charts: before beside after for the services shown;
			// Social (4 answers, no feedback) and Travaux (merged with
			// it) have no row at all.
			ch := svc.Charts(got, "fr")
			if ch.Competence == nil || ch.Interest == nil {
				t.Fatalf("no before/after charts: %+v", ch)
			}
			rows := map[string][2]float64{}
			for _, r := range ch.Interest.Rows {
				rows[r.Label] = [2]float64{ptr(r.A), ptr(r.B)}
			}
			if len(rows) != 3 || rows["Toute la commune"][0] != (6*2+6*5+4*5+5*5)/21.0 || rows["Finances"] != [2]float64{2, 4} || rows["Écoles"] != [2]float64{5, 5} {
				t.Errorf("interest chart %v", rows)
			}
			for _, r := range ch.Competence.Rows {
				if r.Label == "Social" || r.Label == "Travaux" {
					t.Errorf("competence chart shows %s: %+v", r.Label, r)
				}
			}

			// While the survey is open, its figures stay out of the report
			// and out of the pilot's choice.
			early := report.New(s, formats.NewResolver(cat, s), i18n.MustLoad(), func() time.Time { return sv.ClosesAt.Add(-time.Hour) })
			open, err := early.CampaignOf(ctx, org.ID, "fr")
			if err != nil {
				t.Fatal(err)
			}
			if c := open.Commune.Survey; c == nil || !c.Open || c.Before != nil || c.Responses != 21 {
				t.Errorf("open survey in the report: %+v", c)
			}
			for _, d := range open.Departments {
				if d.Survey != nil || d.SurveyMerged {
					t.Errorf("%s shows the open survey: %+v", d.Name, d.Survey)
				}
			}
			if open.Pilot.Suggested && open.Pilot.Name == "Écoles" {
				t.Errorf("the open survey's interest chose the pilot: %+v", open.Pilot)
			}

			// Two more people of Écoles answer the feedback, saying 1: its
			// feedback now counts, and its motivation is the mean of both
			// signals.
			for i := 3; i < 5; i++ {
				email := fmt.Sprintf("Écoles%d@sv.example", i)
				id := personID[email]
				r := store.Registration{SessionID: sess.ID, PersonID: &id, OrgID: org.ID, Status: store.RegBooked, Attendance: store.AttendPresent, Token: "t" + email}
				if err := s.InsertRegistrations(ctx, []*store.Registration{&r}); err != nil {
					t.Fatal(err)
				}
				if err := s.SaveFeedback(ctx, &store.Feedback{RegistrationID: r.ID, SessionID: sess.ID, OrgID: org.ID, Overall: 2, WillUse: 1, ConfidenceBefore: 2, ConfidenceAfter: 3}); err != nil {
					t.Fatal(err)
				}
			}
			// Écoles: will use (5+5+5+1+1)/5 = 3.4, interest 5: 4.2.
			got, _ = svc.CampaignOf(ctx, org.ID, "fr")
			if !got.Pilot.Suggested || got.Pilot.Name != "Écoles" || len(got.Pilot.Reasons) != 5 || got.Pilot.Reasons[0] != "Motivation\u00a0: 4,2 / 5, moyenne de l’intérêt exprimé avant la formation et de «\u00a0J’utiliserai ces outils\u00a0» après." {
				t.Errorf("pilot with both signals: %+v", got.Pilot)
			}
		})
	}
}

// TestPilotNoneWithSurvey: with a survey whose services are all too small,
// the report says what each signal needs.
func TestPilotNoneWithSurvey(t *testing.T) {
	cat, _ := catalog.Load(catalogdata.FS)
	ctx := context.Background()
	s := storetest.Open(t, storetest.Databases(t)[0])
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, tz.Zurich)
	svc := report.New(s, formats.NewResolver(cat, s), i18n.MustLoad(), func() time.Time { return now })
	org := &store.Org{Slug: "n", Name: "N"}
	_ = s.CreateOrg(ctx, org)
	sv := &store.Survey{OrgID: org.ID, Kind: "etat_des_lieux", Slug: "etat-des-lieux", ClosesAt: now.UTC(), CreatedAt: now.Add(-96 * time.Hour).UTC()}
	if err := s.CreateSurvey(ctx, sv, nil); err != nil {
		t.Fatal(err)
	}
	got, err := svc.CampaignOf(ctx, org.ID, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if got.Pilot.Suggested || len(got.Pilot.Reasons) != 2 || got.Commune.Survey == nil || got.Commune.Survey.Before != nil {
		t.Errorf("pilot %+v, survey %+v", got.Pilot, got.Commune.Survey)
	}
}
