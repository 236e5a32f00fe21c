package booking

import (
	"context"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store"
)

// CancelRegistration cancels a registration as HR: one of the actor's
// commune's people, or anyone in a session of the actor's commune. The
// first on the waiting list takes a freed seat in the same transaction.
// Cancelling a cancelled registration changes nothing and succeeds.
func (b *Service) CancelRegistration(ctx context.Context, actor Actor, regID int64) (*store.Registration, error) {
	if !actor.IsStaff() {
		return nil, apperr.Forbidden("err.forbidden")
	}
	return b.cancel(ctx, actor, func(tx *store.Store) (*store.Registration, error) {
		return tx.Registration(ctx, regID)
	}, func(sess *store.Session, r *store.Registration) error {
		if r.OrgID != actor.OrgID && sess.OrgID != actor.OrgID {
			return store.ErrNotFound
		}
		return nil
	})
}

// CancelByToken cancels the registration a participant's link opens. Only
// a voluntary session can be left this way, and only until its
// registration deadline (or its start, without a deadline).
func (b *Service) CancelByToken(ctx context.Context, token string) (*store.Registration, error) {
	return b.cancel(ctx, Participant(), func(tx *store.Store) (*store.Registration, error) {
		return tx.RegistrationByToken(ctx, token)
	}, func(sess *store.Session, r *store.Registration) error {
		if r.Status == store.RegCancelled {
			return nil
		}
		return b.SelfCancelRefusal(sess, r)
	})
}

// SelfCancelRefusal says why a participant may not cancel their own
// registration now, or nil when they may.
func (b *Service) SelfCancelRefusal(sess *store.Session, r *store.Registration) error {
	if r.Status == store.RegCancelled {
		return apperr.Conflict("err.already_cancelled")
	}
	if f, ok := b.catalog.Format(sess.FormatSlug); ok && f.Participation == catalog.Mandatory {
		return apperr.Forbidden("err.cancel_mandatory")
	}
	if sess.Status == store.SessionCancelled {
		return apperr.Conflict("err.session_cancelled")
	}
	now := b.now()
	if d := sess.RegistrationDeadline; d != nil && now.After(*d) {
		return apperr.Conflict("err.deadline_passed")
	}
	if !now.Before(sess.StartsAt) {
		return apperr.Conflict("err.session_started")
	}
	return nil
}

// cancel runs the cancellation common to HR and participants: find the
// registration, lock its session, check, cancel, fill the seat.
func (b *Service) cancel(ctx context.Context, actor Actor, find func(*store.Store) (*store.Registration, error), check func(*store.Session, *store.Registration) error) (*store.Registration, error) {
	var out *store.Registration
	now := b.now()
	err := b.store.Tx(ctx, func(tx *store.Store) error {
		r, err := find(tx)
		if err != nil {
			return err
		}
		sess, err := tx.LockSession(ctx, r.SessionID)
		if err != nil {
			return err
		}
		// Re-read under the lock: a concurrent change may have moved it.
		if r, err = tx.Registration(ctx, r.ID); err != nil {
			return err
		}
		if err := check(sess, r); err != nil {
			return err
		}
		out = r
		if r.Status == store.RegCancelled {
			return nil
		}
		var log audit
		events, err := cancelLocked(ctx, tx, actor, sess, r, &log, now)
		if err != nil {
			return err
		}
		if err := log.save(ctx, tx); err != nil {
			return err
		}
		return b.notify(ctx, tx, events)
	})
	return out, err
}

// cancelLocked cancels an active registration of sess, whose row the
// caller has locked, and gives a freed seat to the head of the waiting
// list, or moves the list forward. It returns what to announce.
func cancelLocked(ctx context.Context, tx *store.Store, actor Actor, sess *store.Session, r *store.Registration, log *audit, now time.Time) ([]Event, error) {
	wasBooked, oldPos := r.Status == store.RegBooked, r.WaitlistPosition
	r.Status, r.WaitlistPosition, r.CancelledAt, r.UpdatedAt = store.RegCancelled, nil, &now, now
	r.Sequence++ // the cancellation must supersede the invitation
	if err := tx.SaveRegistration(ctx, r); err != nil {
		return nil, err
	}
	detail := map[string]any{"registration_id": r.ID, "person_id": r.PersonID}
	if oldPos != nil {
		detail["position"] = *oldPos
	}
	log.add(actor, sess.OrgID, sess.ID, "cancelled", detail, now)
	events := []Event{{Kind: EventCancelled, SessionID: sess.ID, RegistrationID: r.ID}}
	switch {
	case wasBooked && sess.Status == store.SessionScheduled:
		// A walk-in may have filled the room beyond its capacity: only
		// seats actually free go to the waiting list.
		counts, err := tx.SessionCounts(ctx, sess.ID)
		if err != nil {
			return nil, err
		}
		promoted, err := promote(ctx, tx, sess, sess.Capacity-counts.Booked, actor, log, now)
		if err != nil {
			return nil, err
		}
		for _, p := range promoted {
			events = append(events, Event{Kind: EventPromoted, SessionID: sess.ID, RegistrationID: p.ID})
		}
	case oldPos != nil:
		if err := tx.ShiftWaitlist(ctx, sess.ID, *oldPos, 1); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// Registrations lists a session's registrations the actor may see: all of
// them in the actor's own session, only their commune's people in a session
// of another commune.
func (b *Service) Registrations(ctx context.Context, actor Actor, sessionID int64) ([]store.RegistrationRow, error) {
	sess, err := b.Session(ctx, actor, sessionID)
	if err != nil {
		return nil, err
	}
	if err := b.TrainerAccess(ctx, actor, sess); err != nil {
		return nil, err
	}
	f := store.RegistrationFilter{SessionID: sessionID}
	if sess.OrgID != actor.OrgID {
		f.OrgID = actor.OrgID
	}
	return b.store.RegistrationRows(ctx, f)
}

// TrainerAccess lets HR through, and a trainer only to the sessions they
// run: the participants of the others are none of their business.
func (b *Service) TrainerAccess(ctx context.Context, actor Actor, sess *store.Session) error {
	if actor.Role != store.RoleTrainer {
		return nil
	}
	if actor.UserID == nil || sess.OrgID != actor.OrgID {
		return store.ErrNotFound
	}
	ok, err := b.store.IsSessionTrainer(ctx, sess.ID, *actor.UserID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Forbidden("err.not_your_session")
	}
	return nil
}
