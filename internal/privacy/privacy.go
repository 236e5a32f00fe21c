// Package privacy answers a person's rights over their data: everything
// held about them (export), and erasure, which keeps the campaign's
// anonymous counts.
package privacy

import (
	"context"
	"fmt"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// Store is what privacy needs from the data layer.
type Store interface {
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
	PersonData(ctx context.Context, orgID, personID int64) (*store.PersonData, error)
	InsertStaffAction(ctx context.Context, a *store.StaffAction) error
}

// Service exports and erases people.
type Service struct {
	store    Store
	notifier booking.Notifier
	now      func() time.Time
}

// New returns a Service; notifier hears about the seats an erasure frees.
func New(s Store, n booking.Notifier, now func() time.Time) *Service {
	return &Service{store: s, notifier: n, now: now}
}

// Export returns everything held about a person of the caller's commune.
func (p *Service) Export(ctx context.Context, caller access.Caller, personID int64) (*store.PersonData, error) {
	d, err := p.data(ctx, caller, personID)
	if err != nil {
		return nil, err
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
		regs, err := tx.RegistrationsOfPerson(ctx, personID)
		if err != nil {
			return err
		}
		var log audit.Log
		var events []booking.Event
		for i := range regs {
			r := &regs[i]
			if r.Status == store.RegCancelled {
				continue
			}
			sess, err := tx.LockSession(ctx, r.SessionID)
			if err != nil {
				return err
			}
			if schedule.BookingsOpen(sess, now) != nil {
				continue // started, held or cancelled: the place is history
			}
			cur, err := tx.Registration(ctx, r.ID)
			if err != nil {
				return err
			}
			if cur.Status == store.RegCancelled {
				continue
			}
			evs, err := booking.CancelLocked(ctx, tx, caller, sess, cur, &log, now)
			if err != nil {
				return err
			}
			// The erased person hears nothing; those promoted do.
			for _, e := range evs {
				if e.RegistrationID != cur.ID {
					events = append(events, e)
				}
			}
		}
		if err := log.Save(ctx, tx); err != nil {
			return err
		}
		if p.notifier != nil && len(events) > 0 {
			if err := p.notifier.Notify(ctx, tx, events); err != nil {
				return err
			}
		}
		if err := audit.Staff(ctx, tx, caller, caller.OrgID, "person_erased", fmt.Sprintf("person:%d", personID), map[string]any{"places_freed": len(events)}, now); err != nil {
			return err
		}
		return tx.ErasePerson(ctx, caller.OrgID, personID, now)
	})
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
