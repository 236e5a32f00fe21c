// Package ticket opens what a participant's personal link opens: their
// registration, the session, the person, the commune, the format, and
// what the page may offer them now (answer the invitation, cancel,
// feedback, certificate).
package ticket

import (
	"context"
	"errors"
	"time"

	"github.com/atelier-ch/atelier/internal/attendance"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/rsvp"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// Ticket is everything a participant's link opens.
type Ticket struct {
	Registration *store.Registration
	Session      *store.Session
	Person       *store.Person
	Org          *store.Org
	Format       *catalog.Format
}

// Lang is the language of the person's pages and files.
func (t *Ticket) Lang() string {
	if t.Person != nil {
		return t.Person.Language
	}
	return ""
}

// Place is where the session takes place.
func (t *Ticket) Place() string { return schedule.Place(t.Session) }

// Store is what tickets read.
type Store interface {
	RegistrationByToken(ctx context.Context, token string) (*store.Registration, error)
	Session(ctx context.Context, id int64) (*store.Session, error)
	Org(ctx context.Context, id int64) (*store.Org, error)
	Person(ctx context.Context, orgID, id int64) (*store.Person, error)
	Feedback(ctx context.Context, registrationID int64) (*store.Feedback, error)
	LatestMemento(ctx context.Context, orgID int64) (*store.MementoVersion, error)
	MementoReadOf(ctx context.Context, personID int64, version int) (*store.MementoRead, error)
}

// Service opens tickets.
type Service struct {
	store      Store
	formats    *formats.Resolver
	booking    *booking.Service
	attendance *attendance.Service
	answers    *rsvp.Service
	now        func() time.Time
}

// New returns a Service.
func New(s Store, f *formats.Resolver, b *booking.Service, a *attendance.Service, answers *rsvp.Service, now func() time.Time) *Service {
	return &Service{store: s, formats: f, booking: b, attendance: a, answers: answers, now: now}
}

// Open finds what a participant's token opens. An unknown token is
// store.ErrNotFound, like any other.
func (s *Service) Open(ctx context.Context, token string) (*Ticket, error) {
	if len(token) < 16 || len(token) > 64 {
		return nil, store.ErrNotFound
	}
	r, err := s.store.RegistrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	sess, err := s.store.Session(ctx, r.SessionID)
	if err != nil {
		return nil, err
	}
	org, err := s.store.Org(ctx, sess.OrgID)
	if err != nil {
		return nil, err
	}
	t := &Ticket{Registration: r, Session: sess, Org: org}
	if r.PersonID != nil {
		if t.Person, err = s.store.Person(ctx, r.OrgID, *r.PersonID); err != nil {
			return nil, err
		}
	}
	if t.Format, err = s.formats.Session(ctx, sess); err != nil {
		return nil, err
	}
	return t, nil
}

// Page is what the participant's page shows.
type Page struct {
	*Ticket
	Phase schedule.Phase
	// Answer offers « je viens / peut-être / je ne viens pas ».
	Answer    rsvp.Offer
	CanCancel bool
	// CancelRefusal says why not, nil when the participant may cancel.
	CancelRefusal error
	// FeedbackOpen is true once the session has ended, for people booked.
	FeedbackOpen bool
	// Feedback is the answer already given, if any.
	Feedback *store.Feedback
	Present  bool
	// Certificate is true once the person is marked present.
	Certificate bool
	// Memento is the current memento of the person's commune, nil while it
	// has none (or the link has no person).
	Memento *Memento
}

// Memento is the memento a participant's page links to, and whether the
// person confirmed reading this version.
type Memento struct {
	// Slug is the commune's: the memento's public page is /m/{slug}.
	Slug    string
	Version int
	Date    time.Time
	// ReadAt is when the person confirmed reading this version, nil if
	// they have not.
	ReadAt *time.Time
}

// Page opens the ticket and says what the page may offer now.
func (s *Service) Page(ctx context.Context, token string) (*Page, error) {
	t, err := s.Open(ctx, token)
	if err != nil {
		return nil, err
	}
	p := &Page{Ticket: t, Phase: schedule.PhaseOf(t.Session, s.now())}
	p.CancelRefusal = s.booking.SelfCancelRefusal(ctx, nil, t.Session, t.Registration)
	p.CanCancel = p.CancelRefusal == nil
	p.Answer = s.answers.OfferFor(ctx, t.Session, t.Registration)
	p.FeedbackOpen = s.attendance.FeedbackRefusal(t.Session, t.Registration) == nil
	p.Present = t.Registration.Attendance == store.AttendPresent
	p.Certificate = attendance.CertificateRefusal(t.Registration) == nil && t.Person != nil && t.Format != nil
	if t.Person != nil {
		if p.Memento, err = s.memento(ctx, t); err != nil {
			return nil, err
		}
	}
	if p.FeedbackOpen {
		fb, err := s.store.Feedback(ctx, t.Registration.ID)
		switch {
		case err == nil:
			p.Feedback = fb
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	return p, nil
}

// memento finds the current memento of the person's commune (not always
// the session's: a session may be open to other communes).
func (s *Service) memento(ctx context.Context, t *Ticket) (*Memento, error) {
	v, err := s.store.LatestMemento(ctx, t.Person.OrgID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	org := t.Org
	if org.ID != t.Person.OrgID {
		if org, err = s.store.Org(ctx, t.Person.OrgID); err != nil {
			return nil, err
		}
	}
	m := &Memento{Slug: org.Slug, Version: v.Version, Date: v.CreatedAt}
	read, err := s.store.MementoReadOf(ctx, t.Person.ID, v.Version)
	switch {
	case err == nil:
		at := read.ReadAt
		m.ReadAt = &at
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return m, nil
}
