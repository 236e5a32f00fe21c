// Package privacy answers a person's rights over their data: everything
// held about them (export), and erasure, which keeps the campaign's
// anonymous counts.
package privacy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// Store is what privacy needs from the data layer.
type Store interface {
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
	PersonData(ctx context.Context, orgID, personID int64) (*store.PersonData, error)
	InsertStaffAction(ctx context.Context, a *store.StaffAction) error
	PeopleLeftBefore(ctx context.Context, cutoff time.Time, limit int) ([]store.Person, error)
	RetentionDue(ctx context.Context, cutoff, now time.Time) (store.RetentionDue, error)
	mail.Orgs
}

// Service exports and erases people, records who left, and purges what
// is kept beyond the retention period.
type Service struct {
	store    Store
	notifier booking.Notifier
	now      func() time.Time
	months   int
	// mail composes the subjects of the mails queued by a change, which
	// the export lists.
	mail *mail.Notifier
}

// ComposingWith makes the export give the subject of the mails queued by
// a change (composed when read).
func (p *Service) ComposingWith(n *mail.Notifier) *Service {
	p.mail = n
	return p
}

// DefaultRetentionMonths is how long the personal data of someone who left
// is kept when nothing else is configured.
const DefaultRetentionMonths = 24

// New returns a Service; notifier hears about the seats an erasure frees;
// retention is the period in months (0: DefaultRetentionMonths).
func New(s Store, n booking.Notifier, now func() time.Time, retention int) *Service {
	if retention <= 0 {
		retention = DefaultRetentionMonths
	}
	return &Service{store: s, notifier: n, now: now, months: retention}
}

// RetentionMonths is how many months the personal data of someone who
// left is kept.
func (p *Service) RetentionMonths() int { return p.months }

// PurgeDate is when the personal data of someone who left at left goes.
func (p *Service) PurgeDate(left time.Time) time.Time { return left.AddDate(0, p.months, 0) }

// Export returns everything held about a person of the caller's commune.
func (p *Service) Export(ctx context.Context, caller access.Caller, personID int64) (*store.PersonData, error) {
	d, err := p.data(ctx, caller, personID)
	if err != nil {
		return nil, err
	}
	if p.mail != nil {
		if err := mail.Listable(p.mail.FillSubjects(ctx, p.store, d.Mail)); err != nil {
			return nil, err
		}
	}
	if err := audit.Staff(ctx, p.store, caller, caller.OrgID, "person_exported", fmt.Sprintf("person:%d", personID), nil, p.now()); err != nil {
		return nil, err
	}
	return d, nil
}

func (p *Service) data(ctx context.Context, caller access.Caller, personID int64) (*store.PersonData, error) {
	if err := caller.Commune(access.ManagePrivacy, caller.OrgID); err != nil {
		return nil, err
	}
	return p.store.PersonData(ctx, caller.OrgID, personID)
}

// Erase erases a person of the caller's commune in one transaction. Their
// places in sessions still to come are cancelled first, so that the seats
// go to the waiting lists; then the person and what identifies them go,
// and their registrations stay as anonymous counts (store.ErasePerson).
func (p *Service) Erase(ctx context.Context, caller access.Caller, personID int64) error {
	if err := caller.Commune(access.ManagePrivacy, caller.OrgID); err != nil {
		return err
	}
	now := p.now()
	return p.store.Tx(ctx, func(tx *store.Store) error {
		// Lock the person first: a booking of them in progress finishes
		// (it holds the row shared) and none can start, so no registration
		// escapes the anonymisation below.
		if _, err := tx.LockPerson(ctx, caller.OrgID, personID); err != nil {
			return err
		}
		return p.erase(ctx, tx, caller, caller.OrgID, personID, "person_erased", now)
	})
}

// erase erases a locked person inside tx, once the caller may.
func (p *Service) erase(ctx context.Context, tx *store.Store, caller access.Caller, orgID, personID int64, action string, now time.Time) error {
	// The erased person hears nothing; those promoted do.
	freed, err := p.cancelUpcoming(ctx, tx, caller, personID, false, now)
	if err != nil {
		return err
	}
	if err := audit.Staff(ctx, tx, caller, orgID, action, fmt.Sprintf("person:%d", personID), map[string]any{"places_freed": freed}, now); err != nil {
		return err
	}
	return tx.ErasePerson(ctx, orgID, personID, now)
}

// cancelUpcoming cancels a locked person's places in sessions still to
// come, inside tx: the seats go to the waiting lists and those promoted
// hear of it; the person hears of their cancellations only when tell is
// set. It returns how many places were cancelled.
func (p *Service) cancelUpcoming(ctx context.Context, tx *store.Store, caller access.Caller, personID int64, tell bool, now time.Time) (int, error) {
	regs, err := tx.RegistrationsOfPerson(ctx, personID)
	if err != nil {
		return 0, err
	}
	// Sessions are locked in id order, as a booking that holds several
	// does (booking.bookJobs): two such transactions never wait on each
	// other in a circle.
	slices.SortStableFunc(regs, func(a, b store.Registration) int { return cmp.Compare(a.SessionID, b.SessionID) })
	var log audit.Log
	var events []booking.Event
	cancelled := 0
	for i := range regs {
		r := &regs[i]
		if r.Status == store.RegCancelled {
			continue
		}
		sess, err := tx.LockSession(ctx, r.SessionID)
		if err != nil {
			return 0, err
		}
		if schedule.BookingsOpen(sess, now) != nil {
			continue // started, held or cancelled: the place is history
		}
		cur, err := tx.Registration(ctx, r.ID)
		if err != nil {
			return 0, err
		}
		if cur.Status == store.RegCancelled {
			continue
		}
		evs, err := booking.CancelLocked(ctx, tx, caller, sess, cur, &log, now)
		if err != nil {
			return 0, err
		}
		cancelled++
		for _, e := range evs {
			if tell || e.RegistrationID != cur.ID {
				events = append(events, e)
			}
		}
	}
	if err := log.Save(ctx, tx); err != nil {
		return 0, err
	}
	if p.notifier != nil && len(events) > 0 {
		if err := p.notifier.Notify(ctx, tx, events); err != nil {
			return 0, err
		}
	}
	return cancelled, nil
}

// Leave records that a person of the caller's commune left it, in one
// transaction: their places in sessions still to come are cancelled (they
// receive the cancellations, so the invitations leave their calendar), they
// are no longer booked, and their personal data is purged once the
// retention period has passed (Purge). It returns how many places were
// cancelled; leaving twice changes nothing.
func (p *Service) Leave(ctx context.Context, caller access.Caller, personID int64) (*store.Person, int, error) {
	if err := caller.Commune(access.ManagePrivacy, caller.OrgID); err != nil {
		return nil, 0, err
	}
	now := p.now()
	var person *store.Person
	cancelled := 0
	err := p.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if person, err = tx.LockPerson(ctx, caller.OrgID, personID); err != nil {
			return err
		}
		if person.LeftAt != nil {
			return nil
		}
		if cancelled, err = p.cancelUpcoming(ctx, tx, caller, personID, true, now); err != nil {
			return err
		}
		at := now.UTC()
		person.LeftAt, person.UpdatedAt = &at, now
		if err := tx.SetPersonLeft(ctx, caller.OrgID, personID, person.LeftAt, now); err != nil {
			return err
		}
		return audit.Staff(ctx, tx, caller, caller.OrgID, "person_left", fmt.Sprintf("person:%d", personID), map[string]any{"places_cancelled": cancelled}, now)
	})
	if err != nil {
		return nil, 0, err
	}
	return person, cancelled, nil
}

// Return records that a person who had left works for the commune again:
// they may be booked, and nothing of theirs is purged. Their cancelled
// places stay cancelled.
func (p *Service) Return(ctx context.Context, caller access.Caller, personID int64) (*store.Person, error) {
	if err := caller.Commune(access.ManagePrivacy, caller.OrgID); err != nil {
		return nil, err
	}
	now := p.now()
	var person *store.Person
	err := p.store.Tx(ctx, func(tx *store.Store) error {
		var err error
		if person, err = tx.LockPerson(ctx, caller.OrgID, personID); err != nil {
			return err
		}
		if person.LeftAt == nil {
			return nil
		}
		person.LeftAt, person.UpdatedAt = nil, now
		if err := tx.SetPersonLeft(ctx, caller.OrgID, personID, nil, now); err != nil {
			return err
		}
		return audit.Staff(ctx, tx, caller, caller.OrgID, "person_returned", fmt.Sprintf("person:%d", personID), nil, now)
	})
	if err != nil {
		return nil, err
	}
	return person, nil
}

// EraseImpact is what erasing a person does.
type EraseImpact struct {
	Name string
	// Upcoming counts the places in sessions still to come that are
	// cancelled (their seats go to the waiting lists).
	Upcoming int
	// Kept counts the registrations that stay, anonymous, in the reports.
	Kept int
}

// Impact says what erasing a person of the caller's commune would do.
func (p *Service) Impact(ctx context.Context, caller access.Caller, personID int64) (*EraseImpact, error) {
	d, err := p.data(ctx, caller, personID)
	if err != nil {
		return nil, err
	}
	out := &EraseImpact{Name: d.Person.Name, Kept: len(d.Registrations)}
	now := p.now()
	for _, r := range d.Registrations {
		sess, ok := d.Sessions[r.SessionID]
		if ok && r.Status != store.RegCancelled && schedule.BookingsOpen(sess, now) == nil {
			out.Upcoming++
		}
	}
	return out, nil
}
