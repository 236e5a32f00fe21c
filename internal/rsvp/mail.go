package rsvp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/inbound"
	"github.com/atelier-ch/atelier/internal/itip"
	"github.com/atelier-ch/atelier/internal/store"
)

// partStats maps the PARTSTAT values a reply is applied for to answers.
// NEEDS-ACTION and DELEGATED say nothing Atelier can act on.
var partStats = map[string]string{
	itip.Accepted:  store.RsvpAccepted,
	itip.Tentative: store.RsvpTentative,
	itip.Declined:  store.RsvpDeclined,
}

// parseErrors are the categories of unreadable mail, logged and returned
// instead of the parser's detailed error, which may quote the message.
var parseErrors = []error{itip.ErrTooLarge, itip.ErrNoCalendar, itip.ErrNotReply, itip.ErrAmbiguous, itip.ErrMalformed}

// dropped is a reply that is read but not applied; the reason is logged.
type dropped string

func (d dropped) Error() string { return "calendar reply dropped: " + string(d) }

// HandleMail applies a calendar reply received by mail (inbound.Handler).
//
// A message that is not one reply from one attendee is refused as
// permanent (the SMTP listener answers 554, the IMAP poller sets it
// aside). A reply is applied only when its UID is a session of Atelier,
// its attendee is registered in it, the mail comes from that attendee's
// address and it answers the invitation the person last received (their
// SEQUENCE); anything else is logged and dropped, accepted so that the
// sender gets no bounce (a forged sender would get it). The same message
// delivered twice, and a reply older than one applied, change nothing.
// Only a failure of the database is returned as temporary.
func (s *Service) HandleMail(ctx context.Context, _ string, raw []byte) error {
	rep, err := itip.ParseReply(raw)
	if err != nil {
		cause := errors.New("unreadable")
		for _, e := range parseErrors {
			if errors.Is(err, e) {
				cause = e
				break
			}
		}
		s.log.InfoContext(ctx, "calendar reply refused", "reason", cause.Error())
		return inbound.Permanent(fmt.Errorf("calendar reply: %w", cause))
	}
	answer, ok := partStats[rep.PartStat]
	switch {
	case !ok:
		s.log.InfoContext(ctx, "calendar reply dropped", "reason", "no answer in it")
		return nil
	case rep.RecurrenceID != "":
		s.log.InfoContext(ctx, "calendar reply dropped", "reason", "about one occurrence only")
		return nil
	}
	key := messageKey(rep, raw)
	now := s.now()
	var sessionID, regID int64
	var res *Result
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		sess, err := tx.SessionByUID(ctx, rep.UID)
		if errors.Is(err, store.ErrNotFound) {
			return dropped("unknown event")
		}
		if err != nil {
			return err
		}
		sessionID = sess.ID
		if sess, err = tx.LockSession(ctx, sess.ID); err != nil {
			return err
		}
		regs, err := tx.RegistrationsByEmail(ctx, sess.ID, rep.Attendee, 2)
		switch {
		case err != nil:
			return err
		case len(regs) == 0:
			return dropped("attendee not registered in the session")
		case len(regs) > 1:
			return dropped("attendee registered twice in the session")
		}
		r := &regs[0]
		regID = r.ID
		if rep.From != rep.Attendee {
			return dropped("sender is not the attendee")
		}
		seen, err := tx.CalendarReplySeen(ctx, key)
		if err != nil {
			return err
		}
		if seen {
			return dropped("message already handled")
		}
		switch want := sess.Sequence + r.Sequence; {
		case rep.Sequence < want:
			return dropped("answers an invitation since replaced (older SEQUENCE)")
		case rep.Sequence > want:
			return dropped("answers an invitation never sent (newer SEQUENCE)")
		}
		if last, err := tx.LatestReplyStamp(ctx, r.ID); err != nil {
			return err
		} else if last != nil && !rep.DTStamp.IsZero() && rep.DTStamp.Before(*last) {
			return dropped("written before a reply already applied (older DTSTAMP)")
		}
		res, err = s.apply(ctx, tx, sess, r, answer, viaCalendar, true, now)
		if e, ok := apperr.As(err); ok {
			return dropped("refused: " + e.Msg.Key)
		}
		if err != nil {
			return err
		}
		return tx.InsertCalendarReply(ctx, &store.CalendarReply{MessageKey: key, RegistrationID: r.ID, Answer: answer,
			Sequence: rep.Sequence, Stamp: stamp(rep.DTStamp), ReceivedAt: now.UTC()})
	})
	var d dropped
	switch {
	case errors.As(err, &d):
		s.log.InfoContext(ctx, "calendar reply dropped", "reason", string(d), "session_id", sessionID, "registration_id", regID)
		return nil
	case errors.Is(err, store.ErrDuplicate):
		// The same message, delivered by the other way in at the same time.
		s.log.InfoContext(ctx, "calendar reply dropped", "reason", "message already handled", "session_id", sessionID, "registration_id", regID)
		return nil
	case err != nil:
		return fmt.Errorf("calendar reply: %w", err)
	}
	s.log.InfoContext(ctx, "calendar reply applied", "session_id", sessionID, "registration_id", regID,
		"answer", answer, "changed", res.Changed, "cancelled", res.Cancelled)
	return nil
}

// messageKey identifies a message across deliveries: its Message-ID, or
// the message itself when it has none.
func messageKey(rep *itip.Reply, raw []byte) string {
	var sum [32]byte
	if rep.MessageID != "" {
		sum = sha256.Sum256([]byte("message-id:" + rep.MessageID))
	} else {
		sum = sha256.Sum256(raw)
	}
	return hex.EncodeToString(sum[:])
}

func stamp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
