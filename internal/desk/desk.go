// Package desk gathers what each staff page shows in one call: the
// session page, the trainer's day, the dashboard, the people and the
// admin pages. It composes the domain services — every access decision
// stays with them and the policy — so that a page handler makes one call.
package desk

import (
	"context"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/region"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/strategy"
)

// Service gathers pages.
type Service struct {
	Booking   *booking.Service
	Directory *directory.Service
	Accounts  *auth.Service
	Audit     *audit.Service
	Report    *report.Service
	Calendar  *calendar.Service
	Outbox    *mail.Outbox
	StaffLog  *audit.StaffLog
	// Formats gives the formats a commune schedules: the catalogue's and
	// its own.
	Formats  *formats.Resolver
	Inquiry  *inquiry.Service
	Strategy *strategy.Service
	Regions  *region.Service
	Now      func() time.Time
}

// HistoryLength is how many entries the session page shows.
const HistoryLength = 50

// Dashboard is the start page: HR sees the next sessions and the campaign
// at a glance; a trainer sees the sessions they run.
type Dashboard struct {
	// AdminHome is true for an admin outside any commune: their start page
	// is the administration.
	AdminHome bool
	// RegionHome is true for a region's coordinator: their start page is
	// the regional view.
	RegionHome bool
	// Sharing is the commune's region and whether it shares with it (HR).
	Sharing  *region.Sharing
	Trainer  bool
	Upcoming []booking.SessionView
	Campaign *report.Campaign
	// Feed is the caller's calendar feed; its address shows only when
	// just made.
	Feed *calendar.StaffFeedState
}

// Dashboard gathers the start page of the caller.
func (s *Service) Dashboard(ctx context.Context, caller access.Caller, lang string) (*Dashboard, error) {
	if caller.Role == access.RoleAdmin && caller.OrgID == 0 {
		return &Dashboard{AdminHome: true}, nil
	}
	if caller.Role == access.RoleCoordinator {
		return &Dashboard{RegionHome: true}, nil
	}
	now := s.Now()
	d := &Dashboard{Trainer: caller.Role == access.RoleTrainer}
	q := booking.SessionQuery{From: &now, Status: store.SessionScheduled, Limit: 8}
	if d.Trainer {
		from := now.Add(-14 * 24 * time.Hour)
		q = booking.SessionQuery{From: &from, Mine: true, OwnOnly: true, Limit: 50}
	}
	var err error
	if d.Upcoming, _, err = s.Booking.Sessions(ctx, caller, q); err != nil {
		return nil, err
	}
	if !d.Trainer {
		if d.Campaign, err = s.Report.Campaign(ctx, caller, lang); err != nil {
			return nil, err
		}
		if d.Sharing, err = s.Regions.SharingOf(ctx, caller, ""); err != nil {
			return nil, err
		}
	}
	if d.Feed, err = s.Calendar.FeedOf(ctx, caller); err != nil {
		return nil, err
	}
	return d, nil
}

// SessionPage is HR's page of one session.
type SessionPage struct {
	Session     *booking.SessionView
	Booked      []store.RegistrationRow
	Waiting     []store.RegistrationRow
	Cancelled   []store.RegistrationRow
	Departments []store.Department
	Search      string
	Found       []store.Person
	// History is the newest entries first, only for the session's commune.
	History    []store.AuditEntry
	Trainers   []store.User
	TrainerIDs map[int64]bool
	// Mails are the session's mails to the caller's commune's people,
	// newest first.
	Mails []store.OutboxMessage
}

// SessionPage gathers the page of session id; search, when set, looks for
// people to book.
func (s *Service) SessionPage(ctx context.Context, caller access.Caller, id int64, search string) (*SessionPage, error) {
	sv, err := s.Booking.Session(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.Booking.Registrations(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	p := &SessionPage{Session: sv, Search: search, TrainerIDs: map[int64]bool{}}
	for _, r := range rows {
		switch r.Status {
		case store.RegBooked:
			p.Booked = append(p.Booked, r)
		case store.RegWaitlisted:
			p.Waiting = append(p.Waiting, r)
		default:
			p.Cancelled = append(p.Cancelled, r)
		}
	}
	if p.Departments, err = s.Directory.Departments(ctx, caller); err != nil {
		return nil, err
	}
	if search != "" {
		if p.Found, _, err = s.Directory.People(ctx, caller, store.PeopleFilter{Query: search, Present: true, Limit: 50}); err != nil {
			return nil, err
		}
	}
	if sv.Own {
		if p.History, err = s.Audit.History(ctx, caller, id, HistoryLength); err != nil {
			return nil, err
		}
		if p.Trainers, err = s.Accounts.Trainers(ctx, caller); err != nil {
			return nil, err
		}
		for _, t := range sv.Trainers {
			p.TrainerIDs[t] = true
		}
	}
	if p.Mails, _, err = s.Outbox.Subjects(ctx, caller, store.OutboxFilter{SessionID: id, Limit: 200}); err != nil {
		return nil, err
	}
	return p, nil
}

// Day is the trainer's view of a session's day.
type Day struct {
	Session     *booking.SessionView
	Rows        []store.RegistrationRow
	Present     int
	Departments []store.Department
}

// Day gathers the day view of session id, for HR of its commune and its
// trainers.
func (s *Service) Day(ctx context.Context, caller access.Caller, id int64) (*Day, error) {
	sv, err := s.Booking.Session(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	if err := caller.OnSession(access.TakeAttendance, access.Session{OrgID: sv.OrgID, Open: sv.OpenToOtherCommunes, Trainers: sv.Trainers}); err != nil {
		return nil, err
	}
	rows, err := s.Booking.Registrations(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	d := &Day{Session: sv}
	for _, r := range rows {
		if r.Status != store.RegBooked {
			continue
		}
		d.Rows = append(d.Rows, r)
		if r.Attendance == store.AttendPresent {
			d.Present++
		}
	}
	if d.Departments, err = s.Directory.Departments(ctx, caller); err != nil {
		return nil, err
	}
	return d, nil
}

// PeoplePage is a page of the commune's people.
type PeoplePage struct {
	People      []store.Person
	Total       int64
	Departments []store.Department
}

// People gathers a page of people, HR's page; f.Limit and f.Offset page it.
func (s *Service) People(ctx context.Context, caller access.Caller, f store.PeopleFilter) (*PeoplePage, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	people, total, err := s.Directory.People(ctx, caller, f)
	if err != nil {
		return nil, err
	}
	deps, err := s.Directory.Departments(ctx, caller)
	if err != nil {
		return nil, err
	}
	return &PeoplePage{People: people, Total: total, Departments: deps}, nil
}

// ReportsPage is the campaign report with the exports' filters.
type ReportsPage struct {
	Campaign *report.Campaign
	// Charts are the report's key figures as pictures.
	Charts      report.Charts
	Formats     []*catalog.Format
	Departments []store.Department
}

// Reports gathers the reports page.
func (s *Service) Reports(ctx context.Context, caller access.Caller, lang string) (*ReportsPage, error) {
	rep, err := s.Report.Campaign(ctx, caller, lang)
	if err != nil {
		return nil, err
	}
	deps, err := s.Directory.Departments(ctx, caller)
	if err != nil {
		return nil, err
	}
	available, err := s.Formats.Available(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	return &ReportsPage{Campaign: rep, Charts: s.Report.Charts(rep, lang), Formats: available, Departments: deps}, nil
}

// AdminPage lists communes and accounts.
type AdminPage struct {
	Orgs  []store.Org
	Users []auth.Account
	// Regions are the regions with their communes.
	Regions []region.Overview
	// Actions are the latest staff actions on accounts and personal data.
	Actions []store.StaffAction
}

// Admin gathers the administration page.
func (s *Service) Admin(ctx context.Context, caller access.Caller) (*AdminPage, error) {
	orgs, err := s.Directory.Orgs(ctx, caller)
	if err != nil {
		return nil, err
	}
	users, err := s.Accounts.Users(ctx, caller)
	if err != nil {
		return nil, err
	}
	actions, _, err := s.StaffLog.List(ctx, caller, store.StaffActionFilter{OrgID: caller.OrgID, Limit: 50})
	if err != nil {
		return nil, err
	}
	regions, err := s.Regions.List(ctx, caller)
	if err != nil {
		return nil, err
	}
	return &AdminPage{Orgs: orgs, Users: users, Actions: actions, Regions: regions}, nil
}

// SessionForm is what the scheduling form offers.
type SessionForm struct {
	Formats  []*catalog.Format
	Trainers []store.User
	// Neighbours are the other communes of the commune's region, which a
	// session may hold seats for (quotas).
	Neighbours []store.Org
}

// SessionForm gathers the scheduling form's choices.
func (s *Service) SessionForm(ctx context.Context, caller access.Caller) (*SessionForm, error) {
	trainers, err := s.Accounts.Trainers(ctx, caller)
	if err != nil {
		return nil, err
	}
	available, err := s.Formats.Available(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	neighbours, err := s.Regions.Neighbours(ctx, caller)
	if err != nil {
		return nil, err
	}
	return &SessionForm{Formats: available, Trainers: trainers, Neighbours: neighbours}, nil
}

// PersonForm is what the person form offers, and the person edited.
type PersonForm struct {
	Person      *store.Person
	Departments []store.Department
}

// PersonForm gathers the person form; id 0 is a new person.
func (s *Service) PersonForm(ctx context.Context, caller access.Caller, id int64) (*PersonForm, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	f := &PersonForm{}
	var err error
	if id != 0 {
		if f.Person, err = s.Directory.Person(ctx, caller, id); err != nil {
			return nil, err
		}
	}
	if f.Departments, err = s.Directory.Departments(ctx, caller); err != nil {
		return nil, err
	}
	return f, nil
}
