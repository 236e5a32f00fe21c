// Package rsvp applies participants' answers to their invitation (« je
// viens », « peut-être », « je ne viens pas »), whether they click them in
// their calendar, which mails an iTIP REPLY back (see mail.go), or on their
// personal page.
//
// An answer acts as the participant of that registration and follows the
// participant's rules of internal/booking: declining a voluntary session
// before its registration deadline and its start gives the seat up exactly
// as the page's cancel button does (the next person waiting is promoted and
// invited); otherwise the answer is only recorded, for HR to see. Every
// change is in the session's history; the same answer twice changes nothing.
package rsvp

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// Answers a participant can give, as stored in Registration.Rsvp.
var Answers = []string{store.RsvpAccepted, store.RsvpTentative, store.RsvpDeclined}

// ErrConfirmDecline is the answer to a decline that would give the seat up
// and was not confirmed: the page asks « are you sure? » first.
var ErrConfirmDecline = apperr.Conflict("rsvp.err.confirm")

// Where an answer came from, in the history.
const (
	viaCalendar = "calendar"
	viaPage     = "page"
)

// Store is what answering reads outside a transaction; inside one it works
// on the *store.Store bound to it.
type Store interface {
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
}

// Rules are the participant's booking rules, reused rather than copied.
type Rules interface {
	// SelfCancelRefusal says why the participant may not give their seat
	// up now, or nil when they may; tx is the transaction it runs in, nil
	// outside one.
	SelfCancelRefusal(ctx context.Context, tx *store.Store, sess *store.Session, r *store.Registration) error
}

// Service applies answers.
type Service struct {
	store    Store
	rules    Rules
	notifier booking.Notifier
	now      func() time.Time
	log      *slog.Logger
}

// New returns a Service; notifier (the outbox) may be nil.
func New(s Store, rules Rules, n booking.Notifier, now func() time.Time, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: s, rules: rules, notifier: n, now: now, log: log.With("component", "rsvp")}
}

// Result is what an answer did.
type Result struct {
	Registration *store.Registration
	// Changed is false when the answer was the one already recorded.
	Changed bool
	// Cancelled is true when the decline gave the seat up.
	Cancelled bool
	// Events are the mails the change queued (cancellation, promotion).
	Events []booking.Event
}

// Offer is what a participant's page offers about answering.
type Offer struct {
	// CanAnswer is true when the three answers are offered: the person
	// holds a seat in a session still to come.
	CanAnswer bool
	// DeclineCancels is true when declining gives the seat up (and is
	// confirmed first).
	DeclineCancels bool
}

// OfferFor says what the page of registration r in sess offers now.
func (s *Service) OfferFor(ctx context.Context, sess *store.Session, r *store.Registration) Offer {
	open := r.Status == store.RegBooked && refusal(sess, r, store.RsvpAccepted) == nil && schedule.BookingsOpen(sess, s.now()) == nil
	return Offer{CanAnswer: open, DeclineCancels: open && s.rules.SelfCancelRefusal(ctx, nil, sess, r) == nil}
}

// Answer records the answer of the participant holding token. A decline
// that gives the seat up must be confirmed, or ErrConfirmDecline is
// returned and nothing changes.
func (s *Service) Answer(ctx context.Context, token, answer string, confirmed bool) (*Result, error) {
	if !slices.Contains(Answers, answer) {
		return nil, apperr.Invalid("answer", "rsvp.err.answer")
	}
	if len(token) < 16 || len(token) > 64 {
		return nil, store.ErrNotFound
	}
	var res *Result
	now := s.now()
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		r, err := tx.RegistrationByToken(ctx, token)
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
		res, err = s.apply(ctx, tx, sess, r, answer, viaPage, confirmed, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// refusal says why answer cannot be given to r now, or nil. A waitlisted
// person holds no seat to confirm: they may only decline (leave the list).
// A session recorded after the fact never sent an invitation.
func refusal(sess *store.Session, r *store.Registration, answer string) error {
	switch {
	case r.Status == store.RegCancelled:
		return apperr.Conflict("err.already_cancelled")
	case sess.RecordPast:
		return apperr.Conflict("err.session_held")
	case r.Status == store.RegWaitlisted && answer != store.RsvpDeclined:
		return apperr.Conflict("rsvp.err.waitlisted")
	}
	return schedule.Live(sess)
}

// apply gives answer to r, whose session sess the transaction has locked:
// it records the answer, or cancels the registration as the participant
// would when the decline may give the seat up, with its history entries
// and the mails it causes.
func (s *Service) apply(ctx context.Context, tx *store.Store, sess *store.Session, r *store.Registration, answer, via string, confirmed bool, now time.Time) (*Result, error) {
	caller := access.Participant(r.ID)
	if err := caller.OnRegistration(access.AnswerInvitation, access.Registration{ID: r.ID, OrgID: r.OrgID, Session: access.Session{OrgID: sess.OrgID, Open: sess.OpenToOtherCommunes}}); err != nil {
		return nil, err
	}
	if err := refusal(sess, r, answer); err != nil {
		return nil, err
	}
	res := &Result{Registration: r}
	cancels := answer == store.RsvpDeclined && s.rules.SelfCancelRefusal(ctx, tx, sess, r) == nil
	if cancels && !confirmed {
		return nil, ErrConfirmDecline
	}
	if !cancels && r.Rsvp == answer {
		return res, nil // said again: nothing changes
	}
	detail := map[string]any{"registration_id": r.ID, "person_id": r.PersonID, "answer": answer, "before": r.Rsvp, "via": via}
	if r.PersonID != nil {
		if p, err := tx.Person(ctx, r.OrgID, *r.PersonID); err == nil {
			detail["person"] = p.Name
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	r.Rsvp, r.RsvpAt, r.UpdatedAt = answer, &now, now
	var log audit.Log
	log.Add(caller, sess.OrgID, sess.ID, "rsvp", detail, now)
	if cancels {
		events, err := booking.CancelLocked(ctx, tx, caller, sess, r, &log, now)
		if err != nil {
			return nil, err
		}
		res.Cancelled, res.Events = true, events
	} else if err := tx.SaveRegistration(ctx, r); err != nil {
		return nil, err
	}
	if err := log.Save(ctx, tx); err != nil {
		return nil, err
	}
	if s.notifier != nil && len(res.Events) > 0 {
		if err := s.notifier.Notify(ctx, tx, res.Events); err != nil {
			return nil, err
		}
	}
	res.Changed = true
	return res, nil
}
