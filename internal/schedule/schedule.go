// Package schedule holds the life of a session: scheduled until it
// starts, under way until it ends, then held — or cancelled — and what
// each phase allows. Booking, attendance, participant pages and the UI all
// ask here, so that a rule about time has one home.
package schedule

import (
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/store"
)

// Phase is where a session is in its life.
type Phase string

// The phases of a session.
const (
	Scheduled Phase = "scheduled"
	UnderWay  Phase = "under_way"
	Held      Phase = "held"
	Cancelled Phase = "cancelled"
)

// PhaseOf tells the phase of s at now.
func PhaseOf(s *store.Session, now time.Time) Phase {
	switch {
	case s.Status == store.SessionCancelled:
		return Cancelled
	case now.Before(s.StartsAt):
		return Scheduled
	case now.Before(s.EndsAt):
		return UnderWay
	}
	return Held
}

// notScheduled is the refusal for a session past its scheduled phase.
func notScheduled(p Phase) error {
	switch p {
	case Cancelled:
		return apperr.Conflict("err.session_cancelled")
	case UnderWay:
		return apperr.Conflict("err.session_started")
	}
	return apperr.Conflict("err.session_held")
}

// BookingsOpen says whether the bookings of s may change now: booking,
// cancelling, promotion from the waiting list, capacity changes and every
// mail they cause happen only before the session starts. A session
// recorded after the fact takes no such change either (RecordAttendee is
// its way in).
func BookingsOpen(s *store.Session, now time.Time) error {
	if s.RecordPast {
		return notScheduled(Held)
	}
	if p := PhaseOf(s, now); p != Scheduled {
		return notScheduled(p)
	}
	return nil
}

// RecordingOpen says whether people may be added to a session recorded
// after the fact (record_past): the people who attended.
func RecordingOpen(s *store.Session) error {
	if !s.RecordPast {
		return apperr.Conflict("err.session_not_recorded")
	}
	if s.Status == store.SessionCancelled {
		return apperr.Conflict("err.session_cancelled")
	}
	return nil
}

// TimeAndPlaceChangeable says whether the time or place of s may change:
// only while it is scheduled; afterwards the calendar of everyone who came
// would be rewritten.
func TimeAndPlaceChangeable(s *store.Session, now time.Time) error {
	return BookingsOpen(s, now)
}

// Cancellable says whether s may be cancelled as a whole: only before it
// starts (a session held stays in the campaign's history).
func Cancellable(s *store.Session, now time.Time) error {
	if s.Status == store.SessionCancelled {
		return nil // cancelling twice changes nothing
	}
	return BookingsOpen(s, now)
}

// Live says whether s still counts: not cancelled. Attendance, walk-ins,
// feedback, certificates and reports go on once a session is held.
func Live(s *store.Session) error {
	if s.Status == store.SessionCancelled {
		return apperr.Conflict("err.session_cancelled")
	}
	return nil
}

// PastStart says whether a new session starting at start is in the past,
// which only a session recorded after the fact may be.
func PastStart(start, now time.Time) bool { return start.Before(now) }

// Place writes where a session takes place: name, room, address.
func Place(s *store.Session) string {
	parts := make([]string, 0, 3)
	for _, p := range []string{s.LocationName, s.LocationRoom, s.LocationAddress} {
		if strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}
