package booking_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// input is a session of format at start (Zurich) in room of the Salle.
func input(format string, start time.Time, room string) booking.SessionInput {
	s, capacity := start.Format(time.RFC3339), 10
	return booking.SessionInput{Format: &format, StartsAt: &s, Capacity: &capacity, Location: &booking.Location{Name: "Salle", Address: "Rue 1", Room: room}}
}

func roomTaken(t *testing.T, err error, other *booking.SessionView) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.CodeConflict || e.Msg.Key != "err.room_taken" || e.Msg.Args[0] != other.Title || e.Msg.Args[2] != other.ID {
		t.Fatalf("got %v, want the room taken by session %d", err, other.ID)
	}
}

// TestRoomRule: a room is taken by a live session of the same commune at
// the same place overlapping in time.
func TestRoomRule(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			at := func(h, m int) time.Time { return time.Date(2026, 3, 10, h, m, 0, 0, tz.Zurich) }
			first, err := f.svc.CreateSession(ctx, f.hr, input("ecublens-collaborateurs", at(13, 30), "A")) // 13:30–16:30
			if err != nil {
				t.Fatal(err)
			}
			allow := true
			// In order: the sessions created stay, and the last overlaps.
			for _, tc := range []struct {
				name string
				in   booking.SessionInput
				free bool
			}{
				{"overlapping", input("yverdon-cadres", at(15, 0), "A"), false},
				{"inside", input("yverdon-conseil", at(14, 0), "A"), false},
				{"the same room, spaced", func() booking.SessionInput {
					in := input("yverdon-cadres", at(15, 0), "a")
					in.Location.Name = " salle "
					return in
				}(), false},
				{"ending as it starts", input("yverdon-cadres", at(11, 30), "A"), true},
				{"starting as it ends", input("yverdon-cadres", at(16, 30), "A"), true},
				{"another room", input("yverdon-cadres", at(15, 0), "B"), true},
				{"overlap allowed", func() booking.SessionInput {
					in := input("yverdon-cadres", at(15, 0), "A")
					in.AllowRoomOverlap = &allow
					return in
				}(), true},
			} {
				_, err := f.svc.CreateSession(ctx, f.hr, tc.in)
				switch {
				case tc.free && err != nil:
					t.Errorf("%s: %v", tc.name, err)
				case !tc.free:
					roomTaken(t, err, first)
				}
			}
			// Another commune's session in a room of the same name.
			other := &store.Org{Slug: "aubonne", Name: "Aubonne"}
			if err := f.store.CreateOrg(ctx, other); err != nil {
				t.Fatal(err)
			}
			u := &store.User{OrgID: &other.ID, Email: "rh@aubonne.example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
			if err := f.store.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.CreateSession(ctx, access.User(u.ID, u.Email, access.RoleHR, other.ID), input("yverdon-cadres", at(14, 0), "A")); err != nil {
				t.Errorf("another commune's room: %v", err)
			}
			// A cancelled session frees its room; moving into a taken room
			// is refused.
			gone, err := f.svc.CreateSession(ctx, f.hr, input("yverdon-cadres", at(8, 0), "C"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.CancelSession(ctx, f.hr, gone.ID); err != nil {
				t.Fatal(err)
			}
			moved, err := f.svc.CreateSession(ctx, f.hr, input("yverdon-cadres", at(8, 30), "C"))
			if err != nil {
				t.Fatalf("a cancelled session blocks its room: %v", err)
			}
			start := at(14, 0).Format(time.RFC3339)
			room := booking.Location{Name: "Salle", Address: "Rue 1", Room: "A"}
			_, err = f.svc.UpdateSession(ctx, f.hr, moved.ID, booking.SessionInput{StartsAt: &start, Location: &room})
			roomTaken(t, err, first)
			if _, err := f.svc.UpdateSession(ctx, f.hr, moved.ID, booking.SessionInput{StartsAt: &start, Location: &room, AllowRoomOverlap: &allow}); err != nil {
				t.Errorf("allowed move: %v", err)
			}
			// A session is never in its own way; a longer one may be in
			// another's.
			alone, err := f.svc.CreateSession(ctx, f.hr, input("yverdon-cadres", at(8, 0), "D"))
			if err != nil {
				t.Fatal(err)
			}
			later := at(12, 0).Format(time.RFC3339)
			if _, err := f.svc.UpdateSession(ctx, f.hr, alone.ID, booking.SessionInput{EndsAt: &later}); err != nil {
				t.Errorf("lengthening a session: %v", err)
			}
			later = at(18, 0).Format(time.RFC3339)
			_, err = f.svc.UpdateSession(ctx, f.hr, first.ID, booking.SessionInput{EndsAt: &later})
			if e, ok := apperr.As(err); !ok || e.Msg.Key != "err.room_taken" {
				t.Errorf("lengthening into the next session: %v", err)
			}
		})
	}
}

// TestCreatePlanned: sessions and bookings inside the caller's
// transaction, checked like any other, all or nothing.
func TestCreatePlanned(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			ids := f.people(t, 5, "p")
			at := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, tz.Zurich) }
			taken, err := f.svc.CreateSession(ctx, f.hr, input("ecublens-collaborateurs", at(12, 9), "A"))
			if err != nil {
				t.Fatal(err)
			}
			plan := func(ins ...booking.SessionInput) []booking.PlannedSession {
				out := make([]booking.PlannedSession, len(ins))
				for i, in := range ins {
					out[i] = booking.PlannedSession{Input: in, People: ids[i*2 : min(len(ids), i*2+2)]}
				}
				return out
			}
			run := func(p []booking.PlannedSession) ([]*store.Session, error) {
				var out []*store.Session
				err := f.store.Tx(ctx, func(tx *store.Store) error {
					var err error
					out, err = f.svc.CreatePlanned(ctx, tx, f.hr, p, map[string]any{"plan_id": 7})
					return err
				})
				return out, err
			}
			before := f.mails.count()
			if _, err := run(plan(input("yverdon-cadres", at(11, 9), "A"), input("yverdon-cadres", at(12, 10), "A"))); err == nil {
				t.Fatal("a planned session in a taken room")
			} else {
				roomTaken(t, err, taken)
			}
			if _, err := run(plan(input("yverdon-cadres", at(11, 9), "A"), input("yverdon-cadres", at(11, 10), "A"))); !apperr.Is(err, apperr.CodeConflict) {
				t.Errorf("two planned sessions in one room at once: %v", err)
			}
			_, err = run(plan(input("yverdon-cadres", at(11, 9), "A"), input("yverdon-cadres", at(1, 8), "A")))
			if e, ok := apperr.As(err); !ok || e.Fields["sessions[1].starts_at"].Key != "err.starts_in_past" {
				t.Errorf("a planned session in the past: %v", err)
			}
			var count int
			db, _ := f.store.SQL()
			if err := db.QueryRow("SELECT COUNT(*) FROM registrations").Scan(&count); err != nil || count != 0 || f.mails.count() != before {
				t.Fatalf("refused plans left %d registrations, %d mails", count, f.mails.count()-before)
			}
			small := input("yverdon-cadres", at(13, 9), "A")
			one := 1
			small.Capacity = &one
			got, err := run(plan(input("yverdon-cadres", at(11, 9), "A"), small))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.store.RegistrationRows(ctx, store.RegistrationFilter{SessionID: got[1].ID})
			if len(rows) != 2 || rows[0].Status != store.RegBooked || rows[1].Status != store.RegWaitlisted || *rows[1].WaitlistPosition != 1 {
				t.Errorf("beyond capacity: %+v", rows)
			}
			if f.mails.count()-before != 4 {
				t.Errorf("%d invitations for 4 people", f.mails.count()-before)
			}
			history, _ := f.store.SessionHistory(ctx, got[0].ID, false, 0)
			if len(history) != 3 || history[0].Action != "session_created" || !strings.Contains(history[0].Detail, `"plan_id":7`) {
				t.Errorf("history: %+v", history)
			}
			// A trainer may not.
			trainer := access.User(99, "t", access.RoleTrainer, f.org.ID)
			err = f.store.Tx(ctx, func(tx *store.Store) error {
				_, err := f.svc.CreatePlanned(ctx, tx, trainer, plan(input("yverdon-cadres", at(20, 9), "A")), nil)
				return err
			})
			if !apperr.Is(err, apperr.CodeForbidden) {
				t.Errorf("trainer: %v", err)
			}
		})
	}
}
