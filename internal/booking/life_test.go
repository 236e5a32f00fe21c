package booking_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// recorder is a notifier that keeps the events it hears.
type recorder struct {
	mu     sync.Mutex
	events []booking.Event
}

func (r *recorder) Notify(_ context.Context, _ *store.Store, events []booking.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, events...)
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// TestSessionLife checks that once a session has started (under way or
// held), nothing about its bookings changes and nobody is written to:
// booking, cancelling, promotion, capacity, time and place all answer 409
// and leave the database as it was.
func TestSessionLife(t *testing.T) {
	start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich) // f.session's start; ends 16:30
	moments := map[string]struct {
		now  time.Time
		code string
	}{
		"under way": {start.Add(time.Hour), "err.session_started"},
		"held":      {start.Add(21 * 24 * time.Hour), "err.session_held"},
	}
	for _, kind := range storetest.Kinds() {
		for name, m := range moments {
			t.Run(kind+"/"+name, func(t *testing.T) {
				ctx := context.Background()
				f := newFixture(t, storetest.Fresh(t, kind))
				sess := f.session(t, 2, "ecublens-collaborateurs")
				ids := f.people(t, 4, "p")
				first := ids[:3:3]
				regs, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonIDs: &first})
				if err != nil {
					t.Fatal(err)
				}
				f.now.Store(&m.now)
				mailsBefore := f.mails.count()
				snapshot := f.snapshot(t, sess.ID)
				capacity, newStart, title := 5, "2026-03-11T13:30:00+01:00", "Nouveau titre"
				attempts := map[string]func() error{
					"book": func() error {
						_, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonID: &ids[3]})
						return err
					},
					"cancel booked (promotes)": func() error {
						_, err := f.svc.CancelRegistration(ctx, f.hr, regs[0].ID)
						return err
					},
					"cancel waiting": func() error {
						_, err := f.svc.CancelRegistration(ctx, f.hr, regs[2].ID)
						return err
					},
					"participant cancel": func() error {
						_, err := f.svc.CancelByToken(ctx, regs[1].Token)
						return err
					},
					"raise capacity (promotes)": func() error {
						_, err := f.svc.UpdateSession(ctx, f.hr, sess.ID, booking.SessionInput{Capacity: &capacity})
						return err
					},
					"move": func() error {
						_, err := f.svc.UpdateSession(ctx, f.hr, sess.ID, booking.SessionInput{StartsAt: &newStart})
						return err
					},
					"cancel session": func() error {
						_, err := f.svc.CancelSession(ctx, f.hr, sess.ID)
						return err
					},
				}
				for what, try := range attempts {
					err := try()
					e, ok := apperr.As(err)
					if !ok || e.Code != apperr.CodeConflict || e.Msg.Key != m.code {
						t.Errorf("%s: %v, want 409 %s", what, err, m.code)
					}
				}
				if got := f.snapshot(t, sess.ID); got != snapshot {
					t.Errorf("registrations changed:\n%s\nwant\n%s", got, snapshot)
				}
				if n := f.mails.count(); n != mailsBefore {
					t.Errorf("%d mails queued after the start", n-mailsBefore)
				}
				// A title can still change once held.
				if _, err := f.svc.UpdateSession(ctx, f.hr, sess.ID, booking.SessionInput{Title: &title}); err != nil {
					t.Errorf("retitle: %v", err)
				}
			})
		}
	}
}

// snapshot writes a session's registrations and capacity as text.
func (f *fixture) snapshot(t *testing.T, sessionID int64) string {
	t.Helper()
	rows, err := f.store.RegistrationRows(context.Background(), store.RegistrationFilter{SessionID: sessionID})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := f.store.Session(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprintf("%s capacity %d\n", sess.StartsAt.UTC(), sess.Capacity)
	for _, r := range rows {
		pos := 0
		if r.WaitlistPosition != nil {
			pos = *r.WaitlistPosition
		}
		out += fmt.Sprintf("%s %s %d\n", r.PersonName, r.Status, pos)
	}
	return out
}

// TestCreateInThePast: a session starting in the past is refused unless it
// records a session already held; such a session takes the people who
// attended, marked present, up to its capacity, and writes to nobody.
func TestCreateInThePast(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db) // now: 2026-03-01 09:00
			format, past, future, cap_ := "ecublens-collaborateurs", "2026-02-10T13:30:00+01:00", "2026-03-10T13:30:00+01:00", 2
			loc := &booking.Location{Name: "Salle"}
			yes := true
			cases := map[string]struct {
				start  string
				record *bool
				field  string
			}{
				"past without record_past":  {past, nil, "starts_at"},
				"record_past in the future": {future, &yes, "starts_at"},
			}
			for name, tc := range cases {
				_, err := f.svc.CreateSession(ctx, f.hr, booking.SessionInput{Format: &format, StartsAt: &tc.start, Capacity: &cap_, Location: loc, RecordPast: tc.record})
				e, ok := apperr.As(err)
				if !ok || e.Code != apperr.CodeValidation || e.Fields[tc.field].Key == "" {
					t.Errorf("%s: %v, want 422 on %s", name, err, tc.field)
				}
			}
			sess, err := f.svc.CreateSession(ctx, f.hr, booking.SessionInput{Format: &format, StartsAt: &past, Capacity: &cap_, Location: loc, RecordPast: &yes})
			if err != nil {
				t.Fatal(err)
			}
			ids := f.people(t, 3, "r")
			two := ids[:2:2]
			regs, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonIDs: &two})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range regs {
				if r.Status != store.RegBooked || r.Attendance != store.AttendPresent {
					t.Errorf("recorded attendee: %s/%s, want booked/present", r.Status, r.Attendance)
				}
			}
			// Beyond capacity: refused, no waiting list.
			if _, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonID: &ids[2]}); !apperr.Is(err, apperr.CodeConflict) {
				t.Errorf("beyond capacity: %v, want 409", err)
			}
			// No cancellation, no capacity change.
			if _, err := f.svc.CancelRegistration(ctx, f.hr, regs[0].ID); !apperr.Is(err, apperr.CodeConflict) {
				t.Errorf("cancel in a recorded session: %v, want 409", err)
			}
			capacity := 3
			if _, err := f.svc.UpdateSession(ctx, f.hr, sess.ID, booking.SessionInput{Capacity: &capacity}); !apperr.Is(err, apperr.CodeConflict) {
				t.Errorf("capacity of a recorded session: %v, want 409", err)
			}
			if n := f.mails.count(); n != 0 {
				t.Errorf("%d mails for a session of the past", n)
			}
		})
	}
}
