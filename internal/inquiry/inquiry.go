// Package inquiry runs a commune's surveys — the état des lieux of the
// guide's roadmap (§3, step 1): HR launches one on an audience, each
// person answers through a personal link, a reminder goes out two days
// before it closes, and the results are shown without ever showing a group
// of fewer than five people (package survey's rule).
//
// Anonymity is built into what is stored, not only into what is shown:
// an answer is stored apart from the invitation, under a key derived from
// the person's link (a hash of the token, which nothing else stores). The
// link alone finds its answers again, to show them to their author and let
// them change them while the survey is open. When the survey closes the
// keys are cleared (sealing): from then on nothing in the database leads
// from a person to their answers. No API answers who answered what: the
// results are aggregates, the outbox hides the links, and the personal
// link shows its own answers only.
package inquiry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/survey"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Store is what surveys read and write.
type Store interface {
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
	Org(ctx context.Context, id int64) (*store.Org, error)
	Department(ctx context.Context, orgID, id int64) (*store.Department, error)
	Departments(ctx context.Context, orgID int64) ([]store.Department, error)
	Survey(ctx context.Context, id int64) (*store.Survey, error)
	Surveys(ctx context.Context, orgID int64) ([]store.Survey, error)
	LatestSurvey(ctx context.Context, orgID int64, kind string) (*store.Survey, error)
	SurveyCounts(ctx context.Context, ids []int64) (map[int64]store.SurveyCounts, error)
	InvitationByToken(ctx context.Context, token string) (*store.SurveyInvitation, error)
	ResponseByKey(ctx context.Context, surveyID int64, key string) (*store.SurveyResponse, error)
	SurveyResponses(ctx context.Context, surveyID int64) ([]store.SurveyResponse, error)
	SurveyPopulation(ctx context.Context, surveyID int64) ([]store.PopulationRow, error)
	DueReminders(ctx context.Context, now time.Time) ([]store.Survey, error)
	DueSeals(ctx context.Context, now time.Time) ([]store.Survey, error)
}

// Notifier writes the survey mails into the outbox (package mail).
type Notifier interface {
	QueueSurveyMails(ctx context.Context, tx *store.Store, org *store.Org, sv *store.Survey, invitees []store.Invitee, reminder bool) error
}

// Service runs surveys.
type Service struct {
	store    Store
	catalog  *catalog.Catalog
	tr       *i18n.Translator
	notifier Notifier
	now      func() time.Time
}

// New returns a Service.
func New(s Store, c *catalog.Catalog, tr *i18n.Translator, n Notifier, now func() time.Time) *Service {
	return &Service{store: s, catalog: c, tr: tr, notifier: n, now: now}
}

// Rules of a survey's dates.
const (
	// ReminderBefore is how long before closing the reminder goes out.
	ReminderBefore = 48 * time.Hour
	// A reminder is planned only when it falls at least this long after
	// the launch: a reminder the day after the invitation is noise.
	reminderAfterLaunch = 24 * time.Hour
	minOpen             = 24 * time.Hour
	maxOpen             = 366 * 24 * time.Hour
	// MaxAudience bounds how many people one survey asks.
	MaxAudience = 5000
)

// Audience selects who is asked: everyone, or people by role, service or
// both.
type Audience struct {
	All          bool   `json:"all,omitempty"`
	Role         string `json:"role,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
}

// Launch is HR's request to start a survey. ClosesAt is RFC 3339, a local
// Europe/Zurich time without offset (a datetime-local field), or a day
// (YYYY-MM-DD: the survey closes at 23:59 that day).
type Launch struct {
	Kind     string
	Audience Audience
	ClosesAt string
}

// parseClosing reads Launch.ClosesAt.
func parseClosing(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, tz.Zurich); err == nil {
			return t, true
		}
	}
	if d, err := time.ParseInLocation("2006-01-02", s, tz.Zurich); err == nil {
		return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, tz.Zurich), true
	}
	return time.Time{}, false
}

// View is a survey as lists and results show it.
type View struct {
	ID         int64              `json:"id"`
	Kind       catalog.SurveyKind `json:"kind"`
	Slug       string             `json:"slug"`
	Title      string             `json:"title"`
	Audience   Audience           `json:"audience"`
	ClosesAt   time.Time          `json:"closes_at"`
	ReminderAt *time.Time         `json:"reminder_at"`
	CreatedAt  time.Time          `json:"created_at"`
	// Open is true until ClosesAt.
	Open bool `json:"open"`
	// Invited counts the people asked, Responses the answers received.
	Invited      int64    `json:"invited"`
	Responses    int64    `json:"responses"`
	ResponseRate *float64 `json:"response_rate"`
}

// Launched is a new survey and what its launch left out.
type Launched struct {
	View
	// WithoutEmail counts the people of the audience with no address:
	// nobody can send them their link, so they are not asked.
	WithoutEmail int `json:"without_email"`
}

// GroupOf is the group a person's role counts in: the council, the heads
// of service (with deputies and the municipal secretary: the guide's
// « chefs de service » are the commune's managers), or the staff.
func GroupOf(role string) survey.Group {
	switch catalog.Audience(role) {
	case catalog.AudienceCouncilMember:
		return survey.GroupCouncil
	case catalog.AudienceHeadOfService, catalog.AudienceDeputyHead, catalog.AudienceMunicipalSecretary:
		return survey.GroupHeadsOfService
	}
	return survey.GroupStaff
}

// Launch starts a survey of the caller's commune: every person of the
// audience with an address gets a personal link by mail, in the same
// transaction. One survey of a kind is open at a time. lang is the
// language of the answer's title.
func (s *Service) Launch(ctx context.Context, caller access.Caller, req Launch, lang string) (*Launched, error) {
	if err := caller.Commune(access.LaunchSurvey, caller.OrgID); err != nil {
		return nil, err
	}
	now := s.now()
	cs, closes, err := s.check(ctx, caller.OrgID, req, now)
	if err != nil {
		return nil, err
	}
	aud, _ := json.Marshal(req.Audience)
	sv := &store.Survey{OrgID: caller.OrgID, Kind: string(cs.Kind), Slug: cs.Slug, Audience: string(aud),
		ClosesAt: closes.UTC(), CreatedBy: caller.UserRef(), CreatedAt: now.UTC()}
	if at := closes.Add(-ReminderBefore); !at.Before(now.Add(reminderAfterLaunch)) {
		at = at.UTC()
		sv.ReminderAt = &at
	}
	out := &Launched{}
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		// Serialise launches of the commune (the open-survey rule).
		if _, err := tx.LockOrg(ctx, caller.OrgID); err != nil {
			return err
		}
		if latest, err := tx.LatestSurvey(ctx, caller.OrgID, sv.Kind); err == nil && now.Before(latest.ClosesAt) {
			return apperr.Conflict("strategy.err.survey_open")
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		f := store.PeopleFilter{OrgID: caller.OrgID}
		if !req.Audience.All {
			f.Role, f.DepartmentID = req.Audience.Role, req.Audience.DepartmentID
		}
		people, _, err := tx.People(ctx, f)
		if err != nil {
			return err
		}
		var invites []*store.SurveyInvitation
		var who []*store.Person // the person of each invitation
		for i := range people {
			p := &people[i]
			if p.Email == nil {
				out.WithoutEmail++
				continue
			}
			token := rand.Text()
			invites = append(invites, &store.SurveyInvitation{OrgID: caller.OrgID, PersonID: &p.ID, Token: &token,
				GroupKey: string(GroupOf(p.Role)), DepartmentID: p.DepartmentID, Language: i18n.Normalize(p.Language), CreatedAt: now.UTC()})
			who = append(who, p)
		}
		switch {
		case len(invites) == 0:
			return apperr.Invalid("audience", "strategy.err.audience_nobody")
		case len(invites) > MaxAudience:
			return apperr.Invalid("audience", "strategy.err.audience_too_many", MaxAudience)
		}
		if err := tx.CreateSurvey(ctx, sv, invites); err != nil {
			return err
		}
		invitees := make([]store.Invitee, len(invites))
		for i, inv := range invites {
			invitees[i] = store.Invitee{SurveyInvitation: *inv, Name: who[i].Name, Email: who[i].Email}
		}
		org, err := tx.Org(ctx, caller.OrgID)
		if err != nil {
			return err
		}
		return s.notifier.QueueSurveyMails(ctx, tx, org, sv, invitees, false)
	})
	if err != nil {
		return nil, err
	}
	counts, err := s.store.SurveyCounts(ctx, []int64{sv.ID})
	if err != nil {
		return nil, err
	}
	out.View = s.view(sv, cs, counts[sv.ID], lang)
	return out, nil
}

// check validates a launch request and returns the questionnaire and the
// closing time.
func (s *Service) check(ctx context.Context, orgID int64, req Launch, now time.Time) (*catalog.Survey, time.Time, error) {
	var v apperr.Validation
	var cs *catalog.Survey
	for _, c := range s.catalog.Surveys() {
		if string(c.Kind) == req.Kind {
			cs = c
			break
		}
	}
	if cs == nil {
		v.Add("kind", "strategy.err.survey_kind", string(catalog.SurveyEtatDesLieux))
	}
	a := req.Audience
	switch {
	case a.All && (a.Role != "" || a.DepartmentID != 0):
		v.Add("audience", "strategy.err.audience_all")
	case !a.All && a.Role == "" && a.DepartmentID == 0:
		v.Add("audience", "err.audience_empty")
	}
	if a.Role != "" && !slices.Contains(directory.Roles, a.Role) {
		v.Add("audience.role", "err.person_role", strings.Join(directory.Roles, ", "))
	}
	if a.DepartmentID != 0 {
		if _, err := s.store.Department(ctx, orgID, a.DepartmentID); errors.Is(err, store.ErrNotFound) {
			v.Add("audience.department_id", "err.department_unknown")
		} else if err != nil {
			return nil, time.Time{}, err
		}
	}
	closes, ok := parseClosing(req.ClosesAt)
	switch {
	case strings.TrimSpace(req.ClosesAt) == "":
		v.Add("closes_at", "err.required")
	case !ok:
		v.Add("closes_at", "err.time_format")
	case closes.Before(now.Add(minOpen)):
		v.Add("closes_at", "strategy.err.closes_soon")
	case closes.After(now.Add(maxOpen)):
		v.Add("closes_at", "strategy.err.closes_late")
	}
	return cs, closes, v.Err()
}

// view describes a survey in lang.
func (s *Service) view(sv *store.Survey, cs *catalog.Survey, c store.SurveyCounts, lang string) View {
	v := View{ID: sv.ID, Kind: catalog.SurveyKind(sv.Kind), Slug: sv.Slug, ClosesAt: sv.ClosesAt, ReminderAt: sv.ReminderAt,
		CreatedAt: sv.CreatedAt, Open: s.now().Before(sv.ClosesAt), Invited: c.Invited, Responses: c.Responses}
	_ = json.Unmarshal([]byte(sv.Audience), &v.Audience)
	if cs != nil {
		v.Title = cs.Title.In(lang)
	}
	if c.Invited > 0 {
		r := float64(c.Responses) / float64(c.Invited)
		v.ResponseRate = &r
	}
	return v
}

// List lists the caller's commune's surveys, newest first, with their
// counts.
func (s *Service) List(ctx context.Context, caller access.Caller, lang string) ([]View, error) {
	if err := caller.Commune(access.ReadSurveys, caller.OrgID); err != nil {
		return nil, err
	}
	list, err := s.store.Surveys(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	counts, err := s.store.SurveyCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]View, len(list))
	for i := range list {
		cs, _ := s.catalog.Survey(list[i].Slug)
		out[i] = s.view(&list[i], cs, counts[list[i].ID], lang)
	}
	return out, nil
}

// readable loads a survey the caller may read: another commune's survey
// does not exist for them.
func (s *Service) readable(ctx context.Context, caller access.Caller, id int64) (*store.Survey, *catalog.Survey, error) {
	sv, err := s.store.Survey(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			// The same answer as for another commune's survey.
			return nil, nil, caller.Commune(access.ReadSurveys, -1)
		}
		return nil, nil, err
	}
	if err := caller.Commune(access.ReadSurveys, sv.OrgID); err != nil {
		return nil, nil, err
	}
	cs, ok := s.catalog.Survey(sv.Slug)
	if !ok {
		return nil, nil, store.ErrNotFound
	}
	return sv, cs, nil
}

// respondentKey is the key a person's answers are stored under: a hash of
// their token, so that only the link finds them.
func respondentKey(token string) string {
	h := sha256.Sum256([]byte("atelier survey response\x00" + token))
	return hex.EncodeToString(h[:])
}
