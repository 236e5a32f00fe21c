package booking

import (
	"context"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// CancelRegistration cancels a registration as HR: one of the caller's
// commune's people, or anyone in a session of the caller's commune, while
// the session has not started. The first on the waiting list takes a freed
// seat in the same transaction. Cancelling a cancelled registration changes
// nothing and succeeds.
func (b *Service) CancelRegistration(ctx context.Context, caller access.Caller, regID int64) (*store.Registration, error) {
	return b.cancel(ctx, caller, func(tx *store.Store) (*store.Registration, error) {
		return tx.Registration(ctx, regID)
	}, func(_ *store.Store, sess *store.Session, r *store.Registration) error {
		if err := caller.OnRegistration(access.CancelRegistration, access.Registration{ID: r.ID, OrgID: r.OrgID, Session: sessionRef(sess)}); err != nil {
			return err
		}
		if r.Status == store.RegCancelled {
			return nil
		}
		return schedule.BookingsOpen(sess, b.now())
	})
}

// CancelByToken cancels the registration a participant's link opens. Only
// a voluntary session can be left this way, and only until its
// registration deadline (or its start, without a deadline).
func (b *Service) CancelByToken(ctx context.Context, token string) (*store.Registration, error) {
	if !plausibleToken(token) {
		return nil, store.ErrNotFound
	}
	var caller access.Caller
	return b.cancel(ctx, access.Participant(0), func(tx *store.Store) (*store.Registration, error) {
		r, err := tx.RegistrationByToken(ctx, token)
		if err == nil {
			caller = access.Participant(r.ID)
		}
		return r, err
	}, func(tx *store.Store, sess *store.Session, r *store.Registration) error {
		if err := caller.OnRegistration(access.ActOnOwnLink, access.Registration{ID: r.ID, OrgID: r.OrgID, Session: sessionRef(sess)}); err != nil {
			return err
		}
		if r.Status == store.RegCancelled {
			return nil
		}
		return b.SelfCancelRefusal(ctx, tx, sess, r)
	})
}

// plausibleToken rejects what cannot be a token before any query.
func plausibleToken(t string) bool { return len(t) >= 16 && len(t) <= 64 }

// SelfCancelRefusal says why a participant may not cancel their own
// registration now, or nil when they may. tx is the transaction it runs
// in, nil outside one: whether the session's format is mandatory may be
// read from the database.
func (b *Service) SelfCancelRefusal(ctx context.Context, tx *store.Store, sess *store.Session, r *store.Registration) error {
	if r.Status == store.RegCancelled {
		return apperr.Conflict("err.already_cancelled")
	}
	f, err := b.formatsIn(tx).Session(ctx, sess)
	if err != nil {
		return err
	}
	if f != nil && f.Participation == catalog.Mandatory {
		return apperr.Forbidden("err.cancel_mandatory")
	}
	now := b.now()
	if err := schedule.BookingsOpen(sess, now); err != nil {
		return err
	}
	if d := sess.RegistrationDeadline; d != nil && now.After(*d) {
		return apperr.Conflict("err.deadline_passed")
	}
	return nil
}

// cancel runs the cancellation common to HR and participants: find the
// registration, lock its session, check, cancel, fill the seat.
func (b *Service) cancel(ctx context.Context, caller access.Caller, find func(*store.Store) (*store.Registration, error), check func(*store.Store, *store.Session, *store.Registration) error) (*store.Registration, error) {
	var out *store.Registration
	now := b.now()
	err := b.store.Tx(ctx, func(tx *store.Store) error {
		r, err := find(tx)
		if err != nil {
			return err
		}
		if caller.IsParticipant() {
			caller = access.Participant(r.ID)
		}
		sess, err := tx.LockSession(ctx, r.SessionID)
		if err != nil {
			return err
		}
		// Re-read under the lock: a concurrent change may have moved it.
		if r, err = tx.Registration(ctx, r.ID); err != nil {
			return err
		}
		if err := check(tx, sess, r); err != nil {
			return err
		}
		out = r
		if r.Status == store.RegCancelled {
			return nil
		}
		var log audit.Log
		events, err := CancelLocked(ctx, tx, caller, sess, r, &log, now)
		if err != nil {
			return err
		}
		if err := log.Save(ctx, tx); err != nil {
			return err
		}
		return b.notify(ctx, tx, events)
	})
	if out != nil && !caller.IsParticipant() {
		if sess, serr := b.store.Session(ctx, out.SessionID); serr == nil {
			redact(caller, sess, out)
		}
	}
	return out, err
}

// CancelLocked cancels an active registration of sess, whose row the
// caller has locked, and gives a freed seat to the head of the waiting
// list, or moves the list forward. It returns what to announce. It is the
// one way a registration is cancelled: by HR, by the participant, by an
// erasure.
func CancelLocked(ctx context.Context, tx *store.Store, caller access.Caller, sess *store.Session, r *store.Registration, log *audit.Log, now time.Time) ([]Event, error) {
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
	log.Add(caller, sess.OrgID, sess.ID, "cancelled", detail, now)
	events := []Event{{Kind: EventCancelled, SessionID: sess.ID, RegistrationID: r.ID}}
	switch {
	case wasBooked && schedule.BookingsOpen(sess, now) == nil:
		// A walk-in may have filled the room beyond its capacity: only
		// seats actually free go to the waiting list — the list of the
		// seat's commune in a session with quotas.
		free, scope, err := freeSeats(ctx, tx, sess, r.OrgID)
		if err != nil {
			return nil, err
		}
		promoted, err := promote(ctx, tx, sess, scope, free, caller, log, now)
		if err != nil {
			return nil, err
		}
		for _, p := range promoted {
			events = append(events, Event{Kind: EventPromoted, SessionID: sess.ID, RegistrationID: p.ID})
		}
	case oldPos != nil:
		if err := tx.ShiftWaitlist(ctx, sess.ID, r.WaitlistScope, *oldPos, 1); err != nil {
			return nil, err
		}
	}
	return events, nil
}

// Registrations lists a session's registrations the caller may see: all of
// them in the caller's own session, only their commune's people in a
// session of another commune. Tokens are left only where the caller may
// hold them.
func (b *Service) Registrations(ctx context.Context, caller access.Caller, sessionID int64) ([]store.RegistrationRow, error) {
	sess, err := b.store.Session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	ref, err := policySession(ctx, b.store, sess)
	if err != nil {
		return nil, err
	}
	if err := caller.OnSession(access.ViewRegistrations, ref); err != nil {
		return nil, err
	}
	f := store.RegistrationFilter{SessionID: sessionID}
	if !caller.SeesAllRegistrations(ref) {
		f.OrgID = caller.OrgID
	}
	rows, err := b.store.RegistrationRows(ctx, f)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		redact(caller, sess, &rows[i].Registration)
		if r := &rows[i]; !caller.SeesPersonDetails(r.OrgID) {
			r.PersonEmail, r.DepartmentID, r.DepartmentName = nil, nil, nil
		}
	}
	return rows, nil
}
