package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// lockedBuffer collects log lines written from any goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMigrateRepairs builds a database as 0004 left it, with orphans and
// values the 0005 constraints refuse, and migrates it: every row is kept
// (but dead tokens and trainer links), fixed, and each fix is reported.
// Then 0005 goes down and up again without losing a row.
func TestMigrateRepairs(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			var logs lockedBuffer
			s, err := store.Open(ctx, d.URL, store.Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.MigrateTo(ctx, "0004_outbox_qr"); err != nil {
				t.Fatal(err)
			}
			sqlDB, _ := s.SQL()
			// At 0004 neither engine has foreign keys, so orphans go in as
			// they came in before.
			data := []tableRow{
				{"orgs", row{"id": 1}},
				{"departments", row{"id": 1}},
				{"departments", row{"id": 2, "org_id": 77}}, // commune gone
				{"people", row{"id": 1, "department_id": 1}},
				{"people", row{"id": 2, "department_id": 99}},           // department gone
				{"people", row{"id": 3, "language": "DE"}},              // upper case
				{"people", row{"id": 4, "role": "boss"}},                // no such role
				{"people", row{"id": 5}},                                // deleted below: its id must not come back
				{"users", row{"id": 1}},                                 //
				{"users", row{"id": 2, "org_id": 88}},                   // commune gone
				{"users", row{"id": 3, "org_id": nil, "role": "admin"}}, //
				{"users", row{"id": 4, "role": "superuser"}},            // no such role
				{"auth_tokens", row{"id": 1}},
				{"auth_tokens", row{"id": 2, "user_id": 55}}, // user gone: deleted
				{"auth_tokens", row{"id": 3, "kind": "cli"}}, // never valid: deleted
				{"sessions", row{"id": 1, "created_by": 1, "capacity": 1}},
				{"sessions", row{"id": 2, "org_id": 66, "created_by": 44}}, // commune and author gone
				{"sessions", row{"id": 3, "capacity": 0}},                  // three booked below
				{"sessions", row{"id": 4, "capacity": 0, "ends_at": t0.Add(-1), "status": "draft", "language": "it"}}, // everything wrong
				{"session_trainers", row{"session_id": 1, "user_id": 1}},
				{"session_trainers", row{"session_id": 1, "user_id": 55}},  // user gone: deleted
				{"session_trainers", row{"session_id": 600, "user_id": 1}}, // session gone, nothing else of it: deleted
				{"session_trainers", row{"session_id": 500, "user_id": 1}}, // session gone, but registrations keep it
				{"registrations", row{"id": 1, "person_id": 1}},
				{"registrations", row{"id": 2, "person_id": 2, "status": "waitlisted"}},                         // no position
				{"registrations", row{"id": 3, "person_id": 3, "status": "waitlisted", "waitlist_position": 1}}, //
				{"registrations", row{"id": 4, "person_id": 4, "status": "waitlisted", "waitlist_position": 1}}, // duplicate
				{"registrations", row{"id": 5, "waitlist_position": 3}},                                         // booked with a position
				{"registrations", row{"id": 6, "person_id": 42, "status": "weird", "attendance": "maybe", "attendance_by": 33, "anon_department_id": 98}},
				{"registrations", row{"id": 7, "session_id": 3, "person_id": 1}},
				{"registrations", row{"id": 8, "session_id": 3, "person_id": 2}},
				{"registrations", row{"id": 9, "session_id": 3, "person_id": 3}},
				{"registrations", row{"id": 10, "session_id": 500, "person_id": 1}}, // session gone
				{"registrations", row{"id": 11, "session_id": 4, "org_id": 77}},     // commune gone (as a department's)
				{"audit_entries", row{"id": 1, "session_id": 1, "person_id": 1, "actor_user_id": 1}},
				{"audit_entries", row{"id": 2, "session_id": 700, "person_id": 42, "actor_user_id": 33}}, // all gone
				{"audit_entries", row{"id": 3, "org_id": 99}},                                            // commune gone
				{"outbox_messages", row{"id": 1, "registration_id": 1}},
				{"outbox_messages", row{"id": 2, "session_id": 800, "registration_id": 900}}, // both gone
				{"outbox_messages", row{"id": 3, "status": "lost"}},
				{"feedback", row{"id": 1}},
				{"feedback", row{"id": 2, "registration_id": 950, "overall": 0, "will_use": 9}}, // registration gone
			}
			for _, f := range data {
				if err := insertRow(ctx, sqlDB, f.table, f.row); err != nil {
					t.Fatalf("%s %v: %v", f.table, f.row, err)
				}
			}
			if s.Dialect() == store.Postgres {
				// Explicit ids leave the sequences behind; the app's inserts
				// never do.
				for _, table := range tables {
					if table == "session_trainers" {
						continue
					}
					if _, err := sqlDB.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('"+table+"', 'id'), (SELECT MAX(id) FROM "+table+"))"); err != nil {
						t.Fatal(err)
					}
				}
			}
			if _, err := sqlDB.ExecContext(ctx, "DELETE FROM people WHERE id = 5"); err != nil {
				t.Fatal(err)
			}
			before := counts(t, sqlDB)

			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v\nlog:\n%s", err, logs.String())
			}

			after := counts(t, sqlDB)
			want := map[string]int{
				"orgs":             before["orgs"] + 4, // 66, 77, 88, 99
				"sessions":         before["sessions"] + 2,
				"registrations":    before["registrations"] + 1,
				"auth_tokens":      before["auth_tokens"] - 2,
				"session_trainers": before["session_trainers"] - 2,
			}
			for table, n := range before {
				if w, ok := want[table]; ok {
					n = w
				}
				if after[table] != n {
					t.Errorf("%s: %d rows after the migration, want %d (before: %d)", table, after[table], n, before[table])
				}
			}
			checks := [][]string{
				{"SELECT name FROM orgs WHERE id = 77", "Commune inconnue (migration 0005)"},
				{"SELECT slug FROM orgs WHERE id = 88", "orphelins-88"},
				{"SELECT COUNT(*) FROM users WHERE id = 2 AND org_id = 88", "1"},
				{"SELECT COUNT(*) FROM people WHERE id = 2 AND department_id IS NULL", "1"},
				{"SELECT language FROM people WHERE id = 3", "de"},
				{"SELECT role FROM people WHERE id = 4", "staff"},
				{"SELECT role FROM users WHERE id = 4", "trainer"},
				{"SELECT COUNT(*) FROM users WHERE id = 3 AND org_id IS NULL", "1"},
				{"SELECT id FROM auth_tokens", "1"},
				{"SELECT COUNT(*) FROM sessions WHERE id = 2 AND org_id = 66 AND created_by IS NULL", "1"},
				{"SELECT capacity FROM sessions WHERE id = 3", "3"},
				{"SELECT capacity FROM sessions WHERE id = 4", "1"},
				{"SELECT status || ' ' || language FROM sessions WHERE id = 4", "scheduled fr"},
				{"SELECT COUNT(*) FROM sessions WHERE id = 4 AND ends_at = starts_at + interval '1 hour'", "1"},
				{"SELECT title || ' ' || status || ' ' || org_id || ' ' || capacity FROM sessions WHERE id = 500", "Séance inconnue (migration 0005) cancelled 1 1"},
				{"SELECT status || ' ' || org_id FROM sessions WHERE id = 800", "cancelled 1"},
				{"SELECT COUNT(*) FROM session_trainers WHERE session_id = 500", "1"},
				{"SELECT waitlist_position FROM registrations WHERE id = 3", "1"},
				{"SELECT waitlist_position FROM registrations WHERE id = 4", "2"},
				{"SELECT waitlist_position FROM registrations WHERE id = 2", "3"},
				{"SELECT COUNT(*) FROM registrations WHERE id = 5 AND waitlist_position IS NULL", "1"},
				{"SELECT status || ' ' || attendance FROM registrations WHERE id = 6", "cancelled unknown"},
				{"SELECT COUNT(*) FROM registrations WHERE id = 6 AND person_id IS NULL AND attendance_by IS NULL AND anon_department_id IS NULL", "1"},
				{"SELECT status || ' ' || session_id || ' ' || org_id FROM registrations WHERE id = 950", "cancelled 1 1"},
				{"SELECT COUNT(*) FROM audit_entries WHERE id = 2 AND session_id IS NULL AND person_id IS NULL AND actor_user_id IS NULL", "1"},
				{"SELECT COUNT(*) FROM audit_entries WHERE id = 3 AND org_id = 99", "1"},
				{"SELECT COUNT(*) FROM outbox_messages WHERE id = 2 AND session_id = 800 AND registration_id IS NULL", "1"},
				{"SELECT status FROM outbox_messages WHERE id = 3", "failed"},
				{"SELECT overall || ' ' || will_use FROM feedback WHERE id = 2", "1 5"},
			}
			if s.Dialect() == store.SQLite {
				// Compare instants: the repaired end is written by the driver.
				checks[13][0] = "SELECT COUNT(*) FROM sessions WHERE id = 4 AND unixepoch(ends_at) - unixepoch(starts_at) = 3600"
			}
			for _, c := range checks {
				var got string
				if err := sqlDB.QueryRowContext(ctx, c[0]).Scan(&got); err != nil {
					t.Errorf("%s: %v", c[0], err)
				} else if got != c[1] {
					t.Errorf("%s = %q, want %q", c[0], got, c[1])
				}
			}
			for _, w := range []string{
				"departments.org_id: 1 rows point at missing orgs 77",
				"registrations.org_id: 1 rows point at missing orgs 77",
				"users.org_id: 1 rows point at missing orgs 88",
				"sessions.org_id: 1 rows point at missing orgs 66",
				"audit_entries.org_id: 1 rows point at missing orgs 99",
				"sessions.created_by: 1 rows pointed at a missing users row; set to NULL (ids 2)",
				"people.department_id: 1 rows pointed at a missing departments row; set to NULL (ids 2)",
				"auth_tokens.user_id: 1 rows pointed at a missing users row; deleted",
				"auth_tokens.kind: 1 rows had a value outside ('api', 'web'); deleted (ids 3)",
				"session_trainers.user_id: 1 rows",
				"session_trainers.session_id: 1 rows",
				"registrations.session_id: 1 rows point at missing sessions 500",
				"outbox_messages.session_id: 1 rows point at missing sessions 800",
				"feedback.registration_id: 1 rows point at missing registrations 950",
				"registrations.person_id: 1 rows pointed at a missing people row; set to NULL (ids 6)",
				"registrations.attendance_by: 1 rows",
				"registrations.anon_department_id: 1 rows",
				"audit_entries.session_id: 1 rows",
				"audit_entries.person_id: 1 rows",
				"audit_entries.actor_user_id: 1 rows",
				"outbox_messages.registration_id: 1 rows",
				"registrations.status: 1 rows had a value outside ('booked', 'waitlisted', 'cancelled'); set to 'cancelled' (ids 6)",
				"registrations.attendance: 1 rows",
				"registrations.waitlist_position: 1 rows not waitlisted had a waiting-list position; set to NULL (ids 5)",
				"registrations.waitlist_position: 2 waitlisted rows",
				"sessions.capacity: 2 rows had a capacity below 1",
				"sessions.ends_at: 1 rows ended at or before their start",
				"sessions.status: 1 rows",
				"sessions.language: 1 rows",
				"people.language: 1 rows",
				"people.role: 1 rows",
				"users.role: 1 rows",
				"outbox_messages.status: 1 rows",
				"feedback.overall: 1 rows",
				"feedback.will_use: 1 rows",
			} {
				if !strings.Contains(logs.String(), w) {
					t.Errorf("no warning %q in the log:\n%s", w, logs.String())
				}
			}
			if n := strings.Count(logs.String(), "level=WARN msg=\"migration 0005_constraints:"); n != 35 {
				t.Errorf("%d warnings, want 35:\n%s", n, logs.String())
			}

			// New rows: ids are not reused (the deleted person's, 5) and do
			// not collide with placeholders (orgs up to 99).
			if err := insertRow(ctx, sqlDB, "people", row{"email": "new@example.ch"}); err != nil {
				t.Fatal(err)
			}
			if err := insertRow(ctx, sqlDB, "orgs", row{"slug": "new"}); err != nil {
				t.Fatal(err)
			}
			for _, c := range [][]string{
				{"SELECT id FROM people WHERE email = 'new@example.ch'", "6"},
				{"SELECT id FROM orgs WHERE slug = 'new'", "100"},
			} {
				var got string
				if err := sqlDB.QueryRowContext(ctx, c[0]).Scan(&got); err != nil || got != c[1] {
					t.Errorf("%s = %q (%v), want %s", c[0], got, err, c[1])
				}
			}
			// The constraints hold now.
			if err := insertRow(ctx, sqlDB, "registrations", row{"id": 99, "session_id": 12345}); err == nil {
				t.Error("a registration of no session was accepted after the migration")
			}

			// Down and up again: no row is lost on the way (on SQLite a
			// rebuild in the wrong order would cascade deletions).
			before = counts(t, sqlDB)
			// Roll back the later migrations, then 0005 itself.
			for {
				ids, err := s.MigrationsApplied(ctx)
				if err != nil {
					t.Fatal(err)
				}
				last := ids[len(ids)-1]
				if err := s.RollbackLast(ctx); err != nil {
					t.Fatalf("rollback %s: %v", last, err)
				}
				if last == "0005_constraints" {
					break
				}
			}
			if got := counts(t, sqlDB); !maps.Equal(got, before) {
				t.Errorf("after rolling 0005 back: %v, want %v", got, before)
			}
			if err := insertRow(ctx, sqlDB, "registrations", row{"id": 99, "session_id": 12345}); err != nil {
				t.Errorf("after rolling 0005 back, the constraints still hold: %v", err)
			}
			if _, err := sqlDB.ExecContext(ctx, "DELETE FROM registrations WHERE id = 99"); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("migrate again: %v", err)
			}
			if got := counts(t, sqlDB); !maps.Equal(got, before) {
				t.Errorf("after migrating again: %v, want %v", got, before)
			}
		})
	}
}

var tables = []string{"orgs", "departments", "people", "users", "auth_tokens", "sessions", "session_trainers", "registrations", "audit_entries", "outbox_messages", "feedback"}

// counts returns how many rows each table holds.
func counts(t *testing.T, sqlDB *sql.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range tables {
		var n int
		if err := sqlDB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}
