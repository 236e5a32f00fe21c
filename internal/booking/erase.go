package booking

import (
	"context"

	"github.com/atelier-ch/atelier/internal/store"
)

// ErasePerson erases a person of the actor's commune in one transaction.
// Their places in sessions still to come are cancelled first, so that the
// seats go to the waiting lists; then the person and what identifies them
// go, and their registrations stay as anonymous counts (store.ErasePerson).
func (b *Service) ErasePerson(ctx context.Context, actor Actor, personID int64) error {
	if !actor.IsStaff() {
		return errForbidden()
	}
	now := b.now()
	return b.store.Tx(ctx, func(tx *store.Store) error {
		// Lock the person first: a booking of them in progress finishes
		// (it holds the row shared) and none can start, so no registration
		// escapes the anonymisation below.
		if _, err := tx.LockPerson(ctx, actor.OrgID, personID); err != nil {
			return err
		}
		regs, err := tx.RegistrationsOfPerson(ctx, personID)
		if err != nil {
			return err
		}
		var log audit
		var events []Event
		for i := range regs {
			r := &regs[i]
			if r.Status == store.RegCancelled {
				continue
			}
			sess, err := tx.LockSession(ctx, r.SessionID)
			if err != nil {
				return err
			}
			if !sess.StartsAt.After(now) {
				continue // held or under way: the place is history
			}
			cur, err := tx.Registration(ctx, r.ID)
			if err != nil {
				return err
			}
			if cur.Status == store.RegCancelled {
				continue
			}
			evs, err := cancelLocked(ctx, tx, actor, sess, cur, &log, now)
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
		if err := log.save(ctx, tx); err != nil {
			return err
		}
		if err := b.notify(ctx, tx, events); err != nil {
			return err
		}
		return tx.ErasePerson(ctx, actor.OrgID, personID, now)
	})
}
