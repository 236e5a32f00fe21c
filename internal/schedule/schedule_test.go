package schedule_test

import (
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

func TestPhases(t *testing.T) {
	start := time.Date(2027, 3, 9, 8, 30, 0, 0, time.UTC)
	s := &store.Session{Status: store.SessionScheduled, StartsAt: start, EndsAt: start.Add(3 * time.Hour)}
	cancelled := *s
	cancelled.Status = store.SessionCancelled
	past := *s
	past.RecordPast = true
	cases := []struct {
		name     string
		s        *store.Session
		now      time.Time
		phase    schedule.Phase
		bookings string // message key of BookingsOpen's refusal, "" when open
	}{
		{"a day before", s, start.Add(-24 * time.Hour), schedule.Scheduled, ""},
		{"a second before", s, start.Add(-time.Second), schedule.Scheduled, ""},
		{"at the start", s, start, schedule.UnderWay, "err.session_started"},
		{"a second before the end", s, s.EndsAt.Add(-time.Second), schedule.UnderWay, "err.session_started"},
		{"at the end", s, s.EndsAt, schedule.Held, "err.session_held"},
		{"three weeks later", s, start.Add(21 * 24 * time.Hour), schedule.Held, "err.session_held"},
		{"cancelled", &cancelled, start.Add(-time.Hour), schedule.Cancelled, "err.session_cancelled"},
		{"recorded after the fact", &past, start.Add(-time.Hour), schedule.Scheduled, "err.session_held"},
	}
	for _, tc := range cases {
		if got := schedule.PhaseOf(tc.s, tc.now); got != tc.phase {
			t.Errorf("%s: phase %s, want %s", tc.name, got, tc.phase)
		}
		err := schedule.BookingsOpen(tc.s, tc.now)
		got := ""
		if e, ok := apperr.As(err); ok {
			got = e.Msg.Key
		}
		if got != tc.bookings {
			t.Errorf("%s: bookings %q, want %q", tc.name, got, tc.bookings)
		}
	}
	if err := schedule.Cancellable(&cancelled, start); err != nil {
		t.Errorf("cancelling a cancelled session again: %v", err)
	}
	if err := schedule.RecordingOpen(s); err == nil {
		t.Error("a scheduled session takes no recorded attendees")
	}
	if err := schedule.RecordingOpen(&past); err != nil {
		t.Errorf("recording: %v", err)
	}
}

func TestPlace(t *testing.T) {
	for _, tc := range []struct {
		name, room, address, want string
	}{
		{"Salle du Conseil", "2e étage", "Place du Marché 1", "Salle du Conseil, 2e étage, Place du Marché 1"},
		{"Aula", "", "", "Aula"},
		{"Aula", " ", "Rue 1", "Aula, Rue 1"},
	} {
		if got := schedule.Place(&store.Session{LocationName: tc.name, LocationRoom: tc.room, LocationAddress: tc.address}); got != tc.want {
			t.Errorf("Place: %q, want %q", got, tc.want)
		}
	}
}
