package booking

import (
	"context"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// Resend queues the invitation of a registration again, as it stands now
// (a seat, or a place on the waiting list), for someone who lost it. Only
// HR of the person's commune may: the mail carries the person's link.
func (b *Service) Resend(ctx context.Context, caller access.Caller, regID int64) (*store.Registration, error) {
	var out *store.Registration
	now := b.now()
	err := b.store.Tx(ctx, func(tx *store.Store) error {
		r, err := tx.Registration(ctx, regID)
		if err != nil {
			return err
		}
		sess, err := tx.LockSession(ctx, r.SessionID)
		if err != nil {
			return err
		}
		ref := access.Registration{ID: r.ID, OrgID: r.OrgID, Session: sessionRef(sess)}
		if err := caller.OnRegistration(access.CancelRegistration, ref); err != nil {
			return err
		}
		if err := caller.OnRegistration(access.SeeToken, ref); err != nil {
			return err
		}
		if r.Status == store.RegCancelled {
			return apperr.Conflict("err.resend_cancelled")
		}
		if err := schedule.BookingsOpen(sess, now); err != nil {
			return err
		}
		kind := EventBooked
		if r.Status == store.RegWaitlisted {
			kind = EventWaitlisted
		}
		var log audit.Log
		log.Add(caller, sess.OrgID, sess.ID, "invitation_resent", map[string]any{"registration_id": r.ID, "person_id": r.PersonID}, now)
		if err := log.Save(ctx, tx); err != nil {
			return err
		}
		out = r
		return b.notify(ctx, tx, []Event{{Kind: kind, SessionID: sess.ID, RegistrationID: r.ID, Registration: r, Session: sess}})
	})
	return out, err
}
