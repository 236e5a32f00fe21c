package booking

import (
	"context"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// Impact is what an action would cause, said before it is done.
type Impact struct {
	// Name is the person concerned, for a registration.
	Name string
	// Registrations counts the places the action cancels.
	Registrations int
	// Mailed counts the people who will get a mail about it.
	Mailed int
	// Promotes is true when a place freed goes to the first waiting.
	Promotes bool
}

// CancelSessionImpact says what cancelling a session does: every place is
// cancelled, and everyone with an email hears about it.
func (b *Service) CancelSessionImpact(ctx context.Context, caller access.Caller, id int64) (*Impact, error) {
	sess, err := b.store.Session(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := caller.OnSession(access.EditSession, sessionRef(sess)); err != nil {
		return nil, err
	}
	if err := schedule.Cancellable(sess, b.now()); err != nil {
		return nil, err
	}
	rows, err := b.store.RegistrationRows(ctx, store.RegistrationFilter{SessionID: id, Status: []string{store.RegBooked, store.RegWaitlisted}})
	if err != nil {
		return nil, err
	}
	out := &Impact{Registrations: len(rows)}
	for _, r := range rows {
		if r.PersonEmail != nil {
			out.Mailed++
		}
	}
	return out, nil
}

// CancelRegistrationImpact says what cancelling a registration does: the
// person is told, and a freed seat goes to the first waiting, who is told
// too.
func (b *Service) CancelRegistrationImpact(ctx context.Context, caller access.Caller, regID int64) (*Impact, error) {
	r, err := b.store.Registration(ctx, regID)
	if err != nil {
		return nil, err
	}
	sess, err := b.store.Session(ctx, r.SessionID)
	if err != nil {
		return nil, err
	}
	if err := caller.OnRegistration(access.CancelRegistration, access.Registration{ID: r.ID, OrgID: r.OrgID, Session: sessionRef(sess)}); err != nil {
		return nil, err
	}
	if err := schedule.BookingsOpen(sess, b.now()); err != nil {
		return nil, err
	}
	rows, err := b.store.RegistrationRows(ctx, store.RegistrationFilter{SessionID: sess.ID, Status: []string{store.RegBooked, store.RegWaitlisted}})
	if err != nil {
		return nil, err
	}
	out := &Impact{}
	waiting := 0
	for _, row := range rows {
		if row.Status == store.RegWaitlisted {
			waiting++
		}
		if row.ID == r.ID {
			out.Name = row.PersonName
			out.Registrations = 1
			if row.PersonEmail != nil {
				out.Mailed++
			}
		}
	}
	if r.Status == store.RegBooked && waiting > 0 {
		out.Promotes = true
		out.Mailed++
	}
	return out, nil
}
