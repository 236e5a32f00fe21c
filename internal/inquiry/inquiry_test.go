package inquiry_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/chart"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/survey"
	"github.com/atelier-ch/atelier/internal/tz"
)

// instance is one Atelier over a database: its store and its survey
// service, on a clock the test moves.
type instance struct {
	store *store.Store
	svc   *inquiry.Service
}

type world struct {
	mu     sync.Mutex
	now    time.Time
	cat    *catalog.Catalog
	tr     *i18n.Translator
	org    *store.Org
	hr     access.Caller
	people []int64
}

func (w *world) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *world) set(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = t
}

func (w *world) instance(s *store.Store) instance {
	comp := calendar.NewComposer(w.tr, "https://atelier.example", calendar.Party{Email: "noreply@atelier.example"})
	n := mail.NewNotifier(formats.NewResolver(w.cat, nil), comp, w.tr, "atelier.example", w.clock)
	return instance{store: s, svc: inquiry.New(s, w.cat, w.tr, n, w.clock)}
}

// newWorld is a commune of six people with an address, and its HR.
func newWorld(t *testing.T, s *store.Store) *world {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{now: time.Date(2026, 3, 2, 9, 0, 0, 0, tz.Zurich), cat: cat, tr: i18n.MustLoad()}
	w.org = &store.Org{Slug: "aubonne", Name: "Commune d’Aubonne", HRSenderEmail: "rh@aubonne.example"}
	if err := s.CreateOrg(ctx, w.org); err != nil {
		t.Fatal(err)
	}
	u := &store.User{OrgID: &w.org.ID, Email: "rh@aubonne.example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	w.hr = access.User(u.ID, u.Email, access.RoleHR, w.org.ID)
	for i := range 6 {
		email := fmt.Sprintf("p%d@aubonne.example", i)
		p := &store.Person{OrgID: w.org.ID, Name: fmt.Sprintf("Personne %d", i), Email: &email, Role: "staff", Language: []string{"fr", "de"}[i%2]}
		if err := s.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		w.people = append(w.people, p.ID)
	}
	return w
}

func token(t *testing.T, s *store.Store, personID int64) string {
	t.Helper()
	db, _ := s.SQL()
	var tok string
	if err := db.QueryRow("SELECT token FROM survey_invitations WHERE person_id = $1", personID).Scan(&tok); err != nil {
		t.Fatal(err)
	}
	return tok
}

func answers(interest int) survey.Answers {
	v, c := interest, 3
	return survey.Answers{
		"tools": {Choices: []string{"chatgpt"}}, "frequency": {Choices: []string{"weekly"}},
		"competence": {Value: &c}, "worries": {Choices: []string{"reliability"}}, "interest": {Value: &v},
	}
}

// countingSender records each delivery by Message-ID.
type countingSender struct {
	mu   sync.Mutex
	sent map[string]int
}

func (c *countingSender) Send(_ context.Context, m *store.OutboxMessage) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[m.MessageID]++
	return nil
}

// TestReminderOnceWithTwoInstances: two instances tick the survey clock at
// once, again and again: the reminder goes once to each person who has
// not answered, and two outbox workers deliver each mail once.
func TestReminderOnceWithTwoInstances(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			s := storetest.Open(t, db)
			w := newWorld(t, s)
			other, err := store.Open(ctx, db.URL, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			one, two := w.instance(s), w.instance(other)
			l, err := one.svc.Launch(ctx, w.hr, inquiry.Launch{Kind: "etat_des_lieux", Audience: inquiry.Audience{All: true}, ClosesAt: "2026-03-12"}, "fr")
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range w.people[:2] {
				if _, err := one.svc.Answer(ctx, token(t, s, p), answers(4)); err != nil {
					t.Fatal(err)
				}
			}
			// Before the reminder is due, nothing.
			if n, _, err := one.svc.Tick(ctx); err != nil || n != 0 {
				t.Fatalf("early tick: %d reminders, %v", n, err)
			}
			w.set(l.ReminderAt.Add(time.Minute))
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			for i := range 8 {
				inst := []instance{one, two}[i%2]
				wg.Go(func() {
					n, _, err := inst.svc.Tick(ctx)
					if err != nil {
						t.Errorf("tick: %v", err)
					}
					mu.Lock()
					total += n
					mu.Unlock()
				})
			}
			wg.Wait()
			if total != 1 {
				t.Errorf("the reminder was claimed %d times, want once", total)
			}
			msgs, _, err := s.Outbox(ctx, store.OutboxFilter{OrgID: w.org.ID})
			if err != nil {
				t.Fatal(err)
			}
			reminded := map[string]int{}
			for _, m := range msgs {
				if m.Kind == mail.KindSurveyReminder {
					reminded[m.ToEmail]++
				}
			}
			if len(reminded) != 4 || reminded["p0@aubonne.example"]+reminded["p1@aubonne.example"] != 0 {
				t.Errorf("reminders %v: want one to each of the 4 who did not answer", reminded)
			}
			for to, n := range reminded {
				if n != 1 {
					t.Errorf("%s reminded %d times", to, n)
				}
			}
			// A reminder as it goes out: the link, no calendar.
			for _, m := range msgs {
				if m.Kind != mail.KindSurveyReminder || m.ToEmail != "p3@aubonne.example" {
					continue
				}
				built, err := mail.Build(&m, "")
				if err != nil {
					t.Fatal(err)
				}
				var raw bytes.Buffer
				if _, err := built.WriteTo(&raw); err != nil {
					t.Fatal(err)
				}
				text := m.Subject + m.TextBody
				if !strings.Contains(text, "Erinnerung") || !strings.Contains(m.TextBody, "https://atelier.example/s/"+token(t, s, w.people[3])) || strings.Contains(raw.String(), "text/calendar") {
					t.Errorf("reminder %s\n%s", m.Subject, m.TextBody)
				}
			}
			// Two workers deliver: each mail once.
			sender := &countingSender{sent: map[string]int{}}
			var workers sync.WaitGroup
			for _, st := range []*store.Store{s, other} {
				wk := mail.NewWorker(st, sender, slog.New(slog.DiscardHandler), time.Now)
				workers.Go(func() {
					for range 50 {
						if n, err := wk.RunOnce(ctx); err != nil || n == 0 {
							return
						}
					}
				})
			}
			workers.Wait()
			msgs, _, _ = s.Outbox(ctx, store.OutboxFilter{OrgID: w.org.ID})
			for _, m := range msgs {
				if sender.sent[m.MessageID] != 1 || m.Status != store.OutboxSent {
					t.Errorf("mail %d (%s to %s): %s, sent %d times", m.ID, m.Kind, m.ToEmail, m.Status, sender.sent[m.MessageID])
				}
			}
			if len(msgs) != 10 {
				t.Errorf("%d mails, want 6 invitations and 4 reminders", len(msgs))
			}
			// A later tick sends nothing more; after the close it seals once.
			if n, _, _ := two.svc.Tick(ctx); n != 0 {
				t.Errorf("second round: %d reminders", n)
			}
			w.set(time.Date(2026, 3, 13, 0, 0, 0, 0, tz.Zurich))
			sealed := 0
			for _, inst := range []instance{one, two, one} {
				_, n, err := inst.svc.Tick(ctx)
				if err != nil {
					t.Fatal(err)
				}
				sealed += n
			}
			if sealed != 1 {
				t.Errorf("sealed %d times", sealed)
			}
		})
	}
}

// TestAnswerRules: a second answer replaces the first; after the close,
// 409; a link opens its own answers only.
func TestAnswerRules(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			s := storetest.Open(t, db)
			w := newWorld(t, s)
			in := w.instance(s)
			if _, err := in.svc.Launch(ctx, w.hr, inquiry.Launch{Kind: "etat_des_lieux", Audience: inquiry.Audience{All: true}, ClosesAt: "2026-03-12T18:00"}, "fr"); err != nil {
				t.Fatal(err)
			}
			a, b := token(t, s, w.people[0]), token(t, s, w.people[1])
			for _, interest := range []int{1, 5} {
				if _, err := in.svc.Answer(ctx, a, answers(interest)); err != nil {
					t.Fatal(err)
				}
			}
			fa, err := in.svc.Form(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if !fa.Answered || *fa.Answers["interest"].Value != 5 {
				t.Errorf("a's form %+v", fa.Answers)
			}
			fb, _ := in.svc.Form(ctx, b)
			if fb.Answered || len(fb.Answers) != 0 || fb.Lang != "de" {
				t.Errorf("b sees %+v (lang %s): another's answers must not show", fb.Answers, fb.Lang)
			}
			rows, _ := s.SurveyResponses(ctx, 1)
			if len(rows) != 1 {
				t.Errorf("%d responses, want 1", len(rows))
			}
			w.set(time.Date(2026, 3, 12, 18, 0, 0, 0, tz.Zurich))
			if _, err := in.svc.Answer(ctx, b, answers(3)); !apperr.Is(err, apperr.CodeConflict) {
				t.Errorf("after the close: %v, want 409", err)
			}
			if f, _ := in.svc.Form(ctx, a); f.Open || f.Answers != nil {
				t.Errorf("closed form %+v", f)
			}
		})
	}
}

func TestGroupOf(t *testing.T) {
	for role, want := range map[string]survey.Group{
		"council_member": survey.GroupCouncil, "head_of_service": survey.GroupHeadsOfService, "deputy_head": survey.GroupHeadsOfService,
		"municipal_secretary": survey.GroupHeadsOfService, "staff": survey.GroupStaff,
	} {
		if got := inquiry.GroupOf(role); got != want {
			t.Errorf("%s: %s, want %s", role, got, want)
		}
	}
}

// TestCharts: the charts follow the results; a part without figures
// (withheld, under five respondents) has no row, and an open survey shows
// its response rates only.
func TestCharts(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	r := &inquiry.Results{
		Overall: inquiry.Part{Name: "Toute l’administration", Figures: &inquiry.Figures{Respondents: 12, UsingAI: f(0.5), Interest: f(3.5), Competence: f(2.5),
			TopTasks: []inquiry.Count{{Key: "writing", Label: "Rédiger", Count: 7}}, TopWorries: []inquiry.Count{{Key: "job", Label: "Mon poste", Count: 3}}}},
		Services: []inquiry.Part{{Name: "Finances", Figures: &inquiry.Figures{Respondents: 7, UsingAI: f(0.2), Competence: f(3.1)}}, {Name: "Autres", Withheld: true}},
		Groups:   []inquiry.Part{{Name: "Personnel", Figures: &inquiry.Figures{Respondents: 9, Interest: f(4)}}, {Name: "Cadres", Withheld: true}},
	}
	charts := map[string]chart.Chart{}
	var keys []string
	for _, c := range inquiry.Charts(r, i18n.MustLoad(), "fr") {
		charts[c.Key] = c.Chart
		keys = append(keys, c.Key)
	}
	if strings.Join(keys, ",") != "using_ai,services,groups,tasks,worries" {
		t.Fatalf("charts %v", keys)
	}
	using := charts["using_ai"].(chart.Bars)
	if len(using.Rows) != 2 || using.Rows[1].Label != "Finances (7 réponses)" || *using.Rows[1].Value != 0.2 || using.Unit != chart.Percent {
		t.Errorf("using AI %+v", using)
	}
	services := charts["services"].(chart.Paired)
	if len(services.Rows) != 2 || *services.Rows[0].A != 2.5 || *services.Rows[0].B != 3.5 || *services.Rows[1].A != 3.1 || services.Rows[1].B != nil || services.SeriesLabels[0] != "maîtrise" {
		t.Errorf("services %+v", services)
	}
	groups := charts["groups"].(chart.Paired)
	if len(groups.Rows) != 2 || groups.Rows[1].Label != "Personnel (9 réponses)" {
		t.Errorf("groups %+v", groups)
	}
	if c := charts["tasks"].(chart.Bars); c.Unit != chart.Count || *c.Rows[0].Value != 7 || c.Rows[0].Note != "sur 12" {
		t.Errorf("tasks %+v", c)
	}
	r.Partial = true
	r.Overall.Figures = &inquiry.Figures{Respondents: 12, Population: 20, ResponseRate: f(0.6)}
	r.Services[0].Figures = &inquiry.Figures{Respondents: 7, Population: 9, ResponseRate: f(7.0 / 9)}
	open := inquiry.Charts(r, i18n.MustLoad(), "de")
	if len(open) != 1 || open[0].Key != "response_rate" {
		t.Fatalf("open survey's charts %+v", open)
	}
	if b := open[0].Chart.(chart.Bars); len(b.Rows) != 2 || b.Rows[1].Note != "7 / 9" || b.Title != "Rücklaufquote, nach Abteilung" {
		t.Errorf("response rates %+v", b)
	}
}
