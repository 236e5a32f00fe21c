// Package report measures the training campaign: who was trained, what
// participants thought, which service should pilot (the guide's étape 2:
// motivation decides), and the attendance export for spreadsheets.
package report

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/survey"
)

// Store is what reports read.
type Store interface {
	ReportData(ctx context.Context, orgID int64) (*store.ReportData, error)
	Department(ctx context.Context, orgID, id int64) (*store.Department, error)
	Org(ctx context.Context, id int64) (*store.Org, error)
	InsertStaffAction(ctx context.Context, a *store.StaffAction) error
}

// Service computes reports.
type Service struct {
	store   Store
	catalog *catalog.Catalog
	formats *formats.Resolver
	tr      *i18n.Translator
	now     func() time.Time
}

// New returns a Service; f gives the formats a commune schedules.
func New(s Store, f *formats.Resolver, tr *i18n.Translator, now func() time.Time) *Service {
	return &Service{store: s, catalog: f.Catalog(), formats: f, tr: tr, now: now}
}

// Ratings are feedback averages; nil when nobody answered.
type Ratings struct {
	Respondents      int      `json:"respondents"`
	Overall          *float64 `json:"overall"`
	WillUse          *float64 `json:"will_use"`
	ConfidenceBefore *float64 `json:"confidence_before"`
	ConfidenceAfter  *float64 `json:"confidence_after"`
	ConfidenceGain   *float64 `json:"confidence_gain"`
}

// Word is a frequent word of free answers.
type Word struct {
	Word  string `json:"word"`
	Count int    `json:"count"`
}

// PersonRef names a person in a report.
type PersonRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// Missing lists the people who still lack a mandatory format.
type Missing struct {
	Format string      `json:"format"`
	Title  string      `json:"title"`
	People []PersonRef `json:"people"`
}

// Before is what people said in the état des lieux, before the training:
// the « before » beside the feedback's « after ».
type Before struct {
	Respondents  int      `json:"respondents"`
	ResponseRate *float64 `json:"response_rate"`
	// UsingAI is the share using generative AI tools at the time.
	UsingAI *float64 `json:"using_ai"`
	// Competence and Interest are averages from 1 to 5: mastery of the
	// tools, and interest in a training.
	Competence *float64 `json:"competence"`
	Interest   *float64 `json:"interest"`
}

// SurveyRef names the état des lieux the « before » comes from.
type SurveyRef struct {
	ID        int64     `json:"id"`
	ClosesAt  time.Time `json:"closes_at"`
	Open      bool      `json:"open"`
	Invited   int       `json:"invited"`
	Responses int       `json:"responses"`
	// Before is nil below the anonymity threshold, and while the survey is
	// open (its figures come when it closes, as in its results).
	Before *Before `json:"before"`
}

// Department is one service's line of the report.
type Department struct {
	ID                    *int64    `json:"id"`
	Name                  string    `json:"name"`
	People                int       `json:"people"`
	Trained               int       `json:"trained"`
	ShareTrained          float64   `json:"share_trained"`
	HeadsOfService        int       `json:"heads_of_service"`
	HeadsOfServiceTrained int       `json:"heads_of_service_trained"`
	Participations        int       `json:"participations"`
	MandatoryMissing      []Missing `json:"mandatory_missing"`
	Feedback              Ratings   `json:"feedback"`
	TopUseCases           []Word    `json:"top_use_cases"`
	TopWorries            []Word    `json:"top_worries"`
	// Survey is the service's « before » in the last état des lieux; nil
	// when there is none, or when the service's answers are too few to be
	// shown on their own: then SurveyMerged says they count in « autres »
	// of the survey's results (the anonymity rule of package survey).
	Survey       *Before `json:"survey"`
	SurveyMerged bool    `json:"survey_merged"`
	// MementoRead counts the service's people who confirmed reading the
	// memento's current version.
	MementoRead int `json:"memento_read"`
}

// Commune is the whole commune's line.
type Commune struct {
	People                int      `json:"people"`
	Trained               int      `json:"trained"`
	ShareTrained          float64  `json:"share_trained"`
	CouncilMembers        int      `json:"council_members"`
	CouncilMembersTrained int      `json:"council_members_trained"`
	SessionsHeld          int      `json:"sessions_held"`
	SessionsPlanned       int      `json:"sessions_planned"`
	AverageFillRate       *float64 `json:"average_fill_rate"`
	NoShowRate            *float64 `json:"no_show_rate"`
	Feedback              Ratings  `json:"feedback"`
	// Survey is the last état des lieux, nil when none was launched.
	Survey *SurveyRef `json:"survey"`
	// MementoVersion is the memento's current version (0: none saved);
	// MementoRead counts the people who confirmed reading it.
	MementoVersion int `json:"memento_version"`
	MementoRead    int `json:"memento_read"`
}

// Pilot is the suggested pilot service, or why there is none yet.
type Pilot struct {
	DepartmentID *int64   `json:"department_id"`
	Name         string   `json:"name,omitempty"`
	Suggested    bool     `json:"suggested"`
	Reasons      []string `json:"reasons"`
}

// Campaign is the campaign report of a commune.
type Campaign struct {
	GeneratedAt time.Time    `json:"generated_at"`
	Commune     Commune      `json:"commune"`
	Departments []Department `json:"departments"`
	Pilot       Pilot        `json:"suggested_pilot"`
	// Calendar is the commune's sessions over time.
	Calendar Calendar `json:"sessions_over_time"`
}

// Thresholds of the pilot suggestion.
const (
	MinRespondents = 3
	// A department qualifies when at least a third of it answered.
	RespondentShareNum, RespondentShareDen = 1, 3
	topWords                               = 10
)

// Campaign computes the campaign report of the caller's commune in lang.
func (s *Service) Campaign(ctx context.Context, caller access.Caller, lang string) (*Campaign, error) {
	if err := caller.Commune(access.ReadReports, caller.OrgID); err != nil {
		return nil, err
	}
	return s.CampaignOf(ctx, caller.OrgID, lang)
}

// CampaignOf computes commune orgID's campaign report in lang, for callers
// that decided access already (tests, regional aggregates).
func (s *Service) CampaignOf(ctx context.Context, orgID int64, lang string) (*Campaign, error) {
	d, err := s.store.ReportData(ctx, orgID)
	if err != nil {
		return nil, err
	}
	// The catalogue's formats and the commune's own: a mandatory format of
	// the commune is missing for whoever has not attended it either.
	available, err := s.formats.Available(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return s.compute(d, orgID, available, lang, nil), nil
}

// whoOf names the person behind a registration within the commune, the
// registration itself once the person was erased.
func whoOf(r *store.Registration) string {
	if r.PersonID != nil {
		return fmt.Sprintf("p%d", *r.PersonID)
	}
	return fmt.Sprintf("r%d", r.ID)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func avg(sum, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := float64(sum) / float64(n)
	return &v
}

// rater accumulates feedback.
type rater struct {
	people                          map[string]bool
	n, overall, will, before, after int
	useCases, worries               []string
}

func (r *rater) add(who string, f *store.Feedback) {
	if r.people == nil {
		r.people = map[string]bool{}
	}
	r.people[who] = true
	r.n++
	r.overall += f.Overall
	r.will += f.WillUse
	r.before += f.ConfidenceBefore
	r.after += f.ConfidenceAfter
	r.useCases = append(r.useCases, f.UseCases)
	r.worries = append(r.worries, f.Worries)
}

func (r *rater) ratings() Ratings {
	out := Ratings{Respondents: len(r.people), Overall: avg(r.overall, r.n), WillUse: avg(r.will, r.n),
		ConfidenceBefore: avg(r.before, r.n), ConfidenceAfter: avg(r.after, r.n)}
	out.ConfidenceGain = avg(r.after-r.before, r.n)
	return out
}

// compute computes the campaign report; available are the formats the
// commune schedules (the catalogue's and its own); when det is not nil, it
// also records there what the report counted, row by row (SharedOf).
func (s *Service) compute(d *store.ReportData, orgID int64, available []*catalog.Format, lang string, det *details) *Campaign {
	now := s.now()
	sessions := map[int64]*store.Session{}
	for i := range d.Sessions {
		sessions[d.Sessions[i].ID] = &d.Sessions[i]
	}
	people := map[int64]*store.Person{}
	for i := range d.People {
		people[d.People[i].ID] = &d.People[i]
	}
	// Who was present at which format: a person is trained once present.
	presentAt := map[int64]map[string]bool{}
	participations := map[int64]int{} // department id (0: none) → present registrations, erased people included
	deptOf := func(r *store.Registration) int64 {
		if r.PersonID != nil {
			if p, ok := people[*r.PersonID]; ok && p.DepartmentID != nil {
				return *p.DepartmentID
			}
			return 0
		}
		if r.AnonDepartmentID != nil {
			return *r.AnonDepartmentID
		}
		return 0
	}
	regByID := map[int64]*store.Registration{}
	for i := range d.Registrations {
		r := &d.Registrations[i]
		regByID[r.ID] = r
		sess := sessions[r.SessionID]
		if r.OrgID != orgID || sess == nil || sess.Status == store.SessionCancelled {
			continue
		}
		if r.Status == store.RegBooked && r.Attendance == store.AttendPresent {
			participations[deptOf(r)]++
			if r.PersonID != nil {
				if presentAt[*r.PersonID] == nil {
					presentAt[*r.PersonID] = map[string]bool{}
				}
				presentAt[*r.PersonID][sess.FormatSlug] = true
			}
		}
	}
	// Feedback of the commune's people, by department.
	raters := map[int64]*rater{}
	all := &rater{}
	for i := range d.Feedback {
		f := &d.Feedback[i]
		r := regByID[f.RegistrationID]
		if r == nil || r.OrgID != orgID {
			continue
		}
		who := whoOf(r)
		dep := deptOf(r)
		if raters[dep] == nil {
			raters[dep] = &rater{}
		}
		raters[dep].add(who, f)
		all.add(who, f)
		if det != nil {
			if sess := sessions[r.SessionID]; sess != nil {
				det.ratings = append(det.ratings, Rating{Who: who, Format: sess.FormatSlug, Overall: f.Overall, WillUse: f.WillUse,
					ConfidenceBefore: f.ConfidenceBefore, ConfidenceAfter: f.ConfidenceAfter, UseCases: f.UseCases, Worries: f.Worries})
			}
		}
	}

	before, merged, ref := s.before(d, now)
	readers := map[int64]bool{} // people who confirmed the current memento
	for _, r := range d.MementoReads {
		if r.Version == d.MementoVersion {
			readers[r.PersonID] = true
		}
	}

	var mandatory []*catalog.Format
	for _, f := range available {
		if f.Participation == catalog.Mandatory {
			mandatory = append(mandatory, f)
		}
	}
	c := &Campaign{GeneratedAt: now}
	depIDs := []*int64{}
	names := map[int64]string{}
	for i := range d.Departments {
		id := d.Departments[i].ID
		depIDs = append(depIDs, &id)
		names[id] = d.Departments[i].Name
	}
	depIDs = append(depIDs, nil) // people without a department (the council…)
	// The people of each department (0: none), in the order of d.People.
	members := map[int64][]*store.Person{}
	for i := range d.People {
		p := &d.People[i]
		key := int64(0)
		if p.DepartmentID != nil {
			key = *p.DepartmentID
		}
		members[key] = append(members[key], p)
	}
	for _, id := range depIDs {
		key := int64(0)
		name := s.tr.T(lang, "report.no_department")
		if id != nil {
			key, name = *id, names[*id]
		}
		dep := Department{ID: id, Name: name, Participations: participations[key], MandatoryMissing: []Missing{}}
		missing := map[string][]PersonRef{}
		for _, p := range members[key] {
			dep.People++
			if readers[p.ID] {
				dep.MementoRead++
			}
			trained := len(presentAt[p.ID]) > 0
			if trained {
				dep.Trained++
			}
			if p.Role == string(catalog.AudienceHeadOfService) {
				dep.HeadsOfService++
				if trained {
					dep.HeadsOfServiceTrained++
				}
			}
			for _, f := range mandatory {
				if slices.Contains(f.Audiences, catalog.Audience(p.Role)) && !presentAt[p.ID][f.Slug] {
					missing[f.Slug] = append(missing[f.Slug], PersonRef{ID: p.ID, Name: p.Name, Role: p.Role})
				}
			}
		}
		for _, f := range mandatory {
			if len(missing[f.Slug]) > 0 {
				dep.MandatoryMissing = append(dep.MandatoryMissing, Missing{Format: f.Slug, Title: f.Localized(lang).Title, People: missing[f.Slug]})
			}
		}
		dep.ShareTrained = ratio(dep.Trained, dep.People)
		r := raters[key]
		if r == nil {
			r = &rater{}
		}
		dep.Feedback = r.ratings()
		dep.TopUseCases = TopWords(r.useCases, topWords)
		dep.TopWorries = TopWords(r.worries, topWords)
		dep.Survey, dep.SurveyMerged = before[survey.DepartmentKey(key)], merged[survey.DepartmentKey(key)]
		if id == nil && dep.People == 0 && dep.Participations == 0 && dep.Feedback.Respondents == 0 && dep.Survey == nil && !dep.SurveyMerged {
			continue
		}
		c.Departments = append(c.Departments, dep)
	}

	cm := &c.Commune
	for i := range d.People {
		p := &d.People[i]
		cm.People++
		trained := len(presentAt[p.ID]) > 0
		if trained {
			cm.Trained++
		}
		if det != nil {
			det.people = append(det.people, personRow{who: fmt.Sprintf("p%d", p.ID), trained: trained})
		}
		if p.Role == string(catalog.AudienceCouncilMember) {
			cm.CouncilMembers++
			if trained {
				cm.CouncilMembersTrained++
			}
		}
	}
	cm.ShareTrained = ratio(cm.Trained, cm.People)
	cm.Feedback = all.ratings()
	cm.Survey = ref
	cm.MementoVersion = d.MementoVersion
	for i := range d.People {
		if readers[d.People[i].ID] {
			cm.MementoRead++
		}
	}
	// Sessions the commune ran: fill rate and no-shows over those held.
	booked, present, absent := map[int64]int{}, 0, 0
	for i := range d.Registrations {
		r := &d.Registrations[i]
		sess := sessions[r.SessionID]
		if sess == nil || sess.OrgID != orgID || r.Status != store.RegBooked {
			continue
		}
		booked[sess.ID]++
		if sess.Status == store.SessionCancelled || sess.EndsAt.After(now) {
			continue
		}
		switch r.Attendance {
		case store.AttendPresent:
			present++
		case store.AttendAbsent:
			absent++
		}
		if det != nil && (r.Attendance == store.AttendPresent || r.Attendance == store.AttendAbsent) {
			det.attendance = append(det.attendance, attendanceRow{who: whoOf(r), absent: r.Attendance == store.AttendAbsent, format: sess.FormatSlug})
		}
	}
	fillSum := 0.0
	for i := range d.Sessions {
		sess := &d.Sessions[i]
		if sess.OrgID != orgID || sess.Status == store.SessionCancelled {
			continue
		}
		if sess.EndsAt.After(now) {
			cm.SessionsPlanned++
			continue
		}
		cm.SessionsHeld++
		fill := math.Min(1, ratio(booked[sess.ID], sess.Capacity))
		fillSum += fill
		if det != nil {
			det.held = append(det.held, heldRow{format: sess.FormatSlug, fill: fill})
		}
	}
	if cm.SessionsHeld > 0 {
		v := fillSum / float64(cm.SessionsHeld)
		cm.AverageFillRate = &v
	}
	if present+absent > 0 {
		v := ratio(absent, present+absent)
		cm.NoShowRate = &v
	}
	c.Pilot = s.pilot(c.Departments, d.Survey != nil, lang)
	c.Calendar = calendar(d.Sessions, orgID)
	return c
}

// pilot suggests the department whose people are the most motivated,
// the guide's criterion (§3, étape 2: « en fonction de la motivation des
// personnes »), from two signals on the same 1–5 scale:
//
//   - after the training, the feedback's "I will use these tools" average,
//     when at least MinRespondents people and a third of the service
//     answered;
//   - before it, the état des lieux's "interest in a training" average,
//     once the survey has closed, when the service's answers are shown on
//     their own (at least survey.MinGroup, never merged into « autres »)
//     and come from at least a third of the people invited.
//
// A service's motivation is the mean of the signals it has; a service with
// neither is not suggested. The highest motivation wins; ties go to the
// larger share trained.
func (s *Service) pilot(deps []Department, hasSurvey bool, lang string) Pilot {
	var best *Department
	var bestScore float64
	for i := range deps {
		d := &deps[i]
		score, ok := motivation(d)
		if d.ID == nil || !ok {
			continue
		}
		switch {
		case best == nil, score > bestScore:
			best, bestScore = d, score
		case score == bestScore && d.ShareTrained > best.ShareTrained:
			best = d
		}
	}
	if best == nil {
		reasons := []string{s.tr.T(lang, "report.pilot_none", MinRespondents)}
		if hasSurvey {
			reasons = append(reasons, s.tr.T(lang, "strategy.pilot_none_survey", survey.MinGroup))
		}
		return Pilot{Reasons: reasons}
	}
	p := Pilot{DepartmentID: best.ID, Name: best.Name, Suggested: true}
	fb, sv := feedbackSignal(best), surveySignal(best)
	if fb && sv {
		p.Reasons = append(p.Reasons, s.tr.T(lang, "strategy.pilot_motivation", decimal(lang, bestScore)))
	}
	if fb {
		p.Reasons = append(p.Reasons,
			s.tr.T(lang, "report.pilot_interest", decimal(lang, *best.Feedback.WillUse)),
			s.tr.T(lang, "report.pilot_respondents", best.Feedback.Respondents, best.People))
	}
	if sv {
		p.Reasons = append(p.Reasons, s.tr.T(lang, "strategy.pilot_survey_interest", decimal(lang, *best.Survey.Interest), best.Survey.Respondents))
	}
	p.Reasons = append(p.Reasons, s.tr.T(lang, "report.pilot_trained", percent(best.ShareTrained)))
	return p
}

// feedbackSignal reports whether a department's feedback counts for the
// pilot.
func feedbackSignal(d *Department) bool {
	f := d.Feedback
	return f.WillUse != nil && f.Respondents >= MinRespondents && f.Respondents*RespondentShareDen >= d.People*RespondentShareNum
}

// surveySignal reports whether a department's état des lieux counts for
// the pilot.
func surveySignal(d *Department) bool {
	b := d.Survey
	return b != nil && b.Interest != nil && b.ResponseRate != nil && *b.ResponseRate*RespondentShareDen >= RespondentShareNum
}

// motivation is the mean of a department's signals; ok is false when it
// has none.
func motivation(d *Department) (score float64, ok bool) {
	n := 0
	if feedbackSignal(d) {
		score += *d.Feedback.WillUse
		n++
	}
	if surveySignal(d) {
		score += *d.Survey.Interest
		n++
	}
	if n == 0 {
		return 0, false
	}
	return score / float64(n), true
}

// before computes the état des lieux's « before » per service, with the
// survey's own anonymity rules (inquiry.Aggregate): keyed by
// survey.DepartmentKey, the services shown on their own; merged lists
// those counted in « autres ».
func (s *Service) before(d *store.ReportData, now time.Time) (before map[string]*Before, merged map[string]bool, ref *SurveyRef) {
	before, merged = map[string]*Before{}, map[string]bool{}
	if d.Survey == nil {
		return before, merged, nil
	}
	ref = &SurveyRef{ID: d.Survey.ID, ClosesAt: d.Survey.ClosesAt, Open: now.Before(d.Survey.ClosesAt), Responses: len(d.SurveyResponses)}
	for _, p := range d.SurveyPopulation {
		ref.Invited += int(p.N)
	}
	cs, ok := s.catalog.Survey(d.Survey.Slug)
	if !ok || ref.Open {
		return before, merged, ref
	}
	res, err := inquiry.Aggregate(cs, d.SurveyResponses, d.SurveyPopulation)
	if err != nil {
		return before, merged, ref
	}
	ref.Before = beforeOf(res.Overall.Figures)
	for _, p := range res.Services {
		if p.Key == survey.KeyOthers {
			for _, k := range p.Merged {
				merged[k] = true
			}
			continue
		}
		before[p.Key] = beforeOf(p.Figures)
	}
	return before, merged, ref
}

func beforeOf(f *survey.Figures) *Before {
	if f == nil {
		return nil
	}
	return &Before{Respondents: f.Respondents, ResponseRate: f.ResponseRate, UsingAI: f.UsingAI, Competence: f.Competence, Interest: f.Interest}
}

// decimal writes 4.25 as "4,3" in French and "4.3" in German (Swiss usage).
func decimal(lang string, v float64) string {
	s := fmt.Sprintf("%.1f", v)
	if lang != "de" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func percent(v float64) int { return int(math.Round(100 * v)) }
