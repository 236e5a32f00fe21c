package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestBatchWritesWhatCreateWrites: the rows a Batch writes (on PostgreSQL
// one statement, a column per array parameter) read back as written, with
// what gorm's Create adds — the registration's answer « none yet », the
// creation times left zero — and NULL where a pointer was nil; a batch
// that breaks a constraint writes nothing.
func TestBatchWritesWhatCreateWrites(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 9, 15, 30, 123456000, time.UTC)
	odd := "« Vérifier » les \"faits\", {a,b} \\ NULL\nligne 2 — ok"
	role := "« Rôle » {a,b} \"x\" \\ NULL" // within varchar(32)
	cases := map[string]struct {
		// dupToken makes the second registration's token the first's.
		dupToken bool
		// ids: registrations get theirs beforehand (NextIDs), as bookings do.
		ids     bool
		wantErr error
	}{
		"ids reserved beforehand":       {ids: true},
		"ids from the sequence":         {},
		"a duplicate token, no write":   {ids: true, dupToken: true, wantErr: store.ErrDuplicate},
		"a duplicate, ids from the seq": {dupToken: true, wantErr: store.ErrDuplicate},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				sqlDB, _ := s.SQL()
				for _, f := range fixture[:7] {
					if err := insertRow(ctx, sqlDB, f.table, f.row); err != nil {
						t.Fatalf("fixture %s %v: %v", f.table, f.row, err)
					}
				}
				one, two, pos, user := int64(1), int64(2), 1, int64(1)
				regs := []*store.Registration{
					{SessionID: 1, PersonID: &one, OrgID: 1, Status: store.RegBooked, Attendance: store.AttendUnknown, Token: "tok-one-0123456789"},
					{SessionID: 1, PersonID: &two, OrgID: 1, Status: store.RegWaitlisted, WaitlistPosition: &pos, Attendance: store.AttendPresent,
						AttendanceAt: &at, AttendanceBy: &user, Token: "tok-two-0123456789", WalkIn: true, Sequence: 3, AnonRole: role,
						Rsvp: store.RsvpAccepted, RsvpAt: &at, CreatedAt: at, UpdatedAt: at},
				}
				if tc.dupToken {
					regs[1].Token = regs[0].Token
				}
				err := s.Tx(ctx, func(tx *store.Store) error {
					if tc.ids {
						ids, err := tx.NextIDs(ctx, "registrations", len(regs))
						if err != nil {
							return err
						}
						for i := range ids {
							regs[i].ID = ids[i]
						}
					}
					return tx.Batch(ctx, func(b *store.Store) error {
						if err := b.InsertRegistrations(ctx, regs); err != nil {
							return err
						}
						audit := []store.AuditEntry{
							{OrgID: 1, SessionID: &one, PersonID: &two, Actor: "RH", Action: "booked", Detail: odd, CreatedAt: at},
							{OrgID: 1, Actor: "RH", Action: "noted", Detail: "{}", CreatedAt: at},
						}
						if err := b.InsertAudit(ctx, audit); err != nil {
							return err
						}
						return b.EnqueueMail(ctx, []*store.OutboxMessage{{
							OrgID: 1, SessionID: &one, Kind: "booked", ToEmail: "p1@example.ch", ToName: odd, FromEmail: "rh@example.ch",
							ICSMethod: "REQUEST", MessageID: "<m1@test>", Status: store.OutboxPending, NextAttemptAt: at, CreatedAt: at, Event: odd,
						}})
					})
				})
				count := func(table string) (n int) {
					t.Helper()
					if err := sqlDB.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
						t.Fatal(err)
					}
					return n
				}
				if tc.wantErr != nil {
					if !errors.Is(err, tc.wantErr) {
						t.Fatalf("err = %v, want %v", err, tc.wantErr)
					}
					for _, table := range []string{"registrations", "audit_entries", "outbox_messages"} {
						if n := count(table); n != 0 {
							t.Errorf("%s: %d rows after a failed batch, want none", table, n)
						}
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				var got []*store.Registration
				for _, r := range regs {
					if r.ID == 0 {
						// A batch does not read ids back (Batch): by token.
						if err := sqlDB.QueryRowContext(ctx, "SELECT id FROM registrations WHERE token = '"+r.Token+"'").Scan(&r.ID); err != nil {
							t.Fatalf("registration %s: %v", r.Token, err)
						}
					}
					g, err := s.Registration(ctx, r.ID)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, g)
				}
				if got[0].Rsvp != store.RsvpNeedsAction {
					t.Errorf("rsvp left empty = %q, want %q (BeforeCreate)", got[0].Rsvp, store.RsvpNeedsAction)
				}
				if got[0].CreatedAt.IsZero() || got[0].UpdatedAt.IsZero() || time.Since(got[0].CreatedAt) > time.Minute {
					t.Errorf("created/updated left zero = %v / %v, want now", got[0].CreatedAt, got[0].UpdatedAt)
				}
				if got[0].WaitlistPosition != nil || got[0].AttendanceAt != nil || got[0].AttendanceBy != nil || got[0].RsvpAt != nil {
					t.Errorf("nil pointers came back set: %+v", got[0])
				}
				g := got[1]
				if g.WaitlistPosition == nil || *g.WaitlistPosition != 1 || g.AttendanceBy == nil || *g.AttendanceBy != 1 ||
					g.AttendanceAt == nil || !g.AttendanceAt.Equal(at) || g.RsvpAt == nil || !g.RsvpAt.Equal(at) ||
					!g.CreatedAt.Equal(at) || !g.UpdatedAt.Equal(at) || !g.WalkIn || g.Sequence != 3 || g.AnonRole != role ||
					g.Rsvp != store.RsvpAccepted || g.Attendance != store.AttendPresent || g.Status != store.RegWaitlisted || *g.PersonID != 2 {
					t.Errorf("second registration read back as %+v", g)
				}
				rows, err := sqlDB.QueryContext(ctx, "SELECT action, detail, session_id, person_id FROM audit_entries ORDER BY id")
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var audit []string
				for rows.Next() {
					var action, detail string
					var sid, pid *int64
					if err := rows.Scan(&action, &detail, &sid, &pid); err != nil {
						t.Fatal(err)
					}
					audit = append(audit, action)
					switch action {
					case "booked":
						if detail != odd || sid == nil || *sid != 1 || pid == nil || *pid != 2 {
							t.Errorf("audit entry read back as %q %v %v", detail, sid, pid)
						}
					case "noted":
						if sid != nil || pid != nil {
							t.Errorf("nil pointers of the audit came back set: %v %v", sid, pid)
						}
					}
				}
				if len(audit) != 2 || audit[0] != "booked" || audit[1] != "noted" {
					t.Errorf("audit = %v, want booked, noted in that order", audit)
				}
				mails, _, err := s.Outbox(ctx, store.OutboxFilter{OrgID: 1})
				if err != nil {
					t.Fatal(err)
				}
				if len(mails) != 1 {
					t.Fatalf("%d mails, want 1", len(mails))
				}
				m := mails[0]
				if m.Event != odd || m.ToName != odd || m.MessageID != "<m1@test>" || !m.NextAttemptAt.Equal(at) || m.SessionID == nil ||
					m.RegistrationID != nil || m.ClaimedUntil != nil || m.Attempts != 0 || m.Status != store.OutboxPending {
					t.Errorf("mail read back as %+v", m)
				}
			})
		})
	}
}
