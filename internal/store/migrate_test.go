package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/atelier-ch/atelier/db"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			s := storetest.Open(t, d)
			// Running again does nothing and does not fail.
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
			ids, err := s.MigrationsApplied(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != len(db.Migrations()) {
				t.Fatalf("applied %v, want %d migrations", ids, len(db.Migrations()))
			}
			sqlDB, _ := s.SQL()
			checkIndexes(t, s)
			// Every down step works and keeps the other tables' indexes;
			// migrating up again restores the schema.
			for range db.Migrations()[1:] {
				if err := s.RollbackLast(ctx); err != nil {
					t.Fatalf("rollback: %v", err)
				}
			}
			if ids, _ := s.MigrationsApplied(ctx); len(ids) != 1 {
				t.Fatalf("after rollbacks: %v", ids)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("migrate after rollback: %v", err)
			}
			checkIndexes(t, s)
			// A database migrated by a newer binary is refused.
			if _, err := sqlDB.ExecContext(ctx, "INSERT INTO "+db.TableName+" (id) VALUES ('9999_from_the_future')"); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
				t.Fatalf("migrate on a newer schema: got %v, want ErrSchemaTooNew", err)
			}
		})
	}
}

// TestMigrateConcurrently starts two "processes" migrating one fresh
// database at once: both must succeed.
func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			errs := make(chan error, 2)
			for range 2 {
				go func() {
					s, err := store.Open(ctx, d.URL, store.Options{})
					if err != nil {
						errs <- err
						return
					}
					defer s.Close()
					errs <- s.Migrate(ctx)
				}()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Errorf("concurrent migrate: %v", err)
				}
			}
		})
	}
}

// checkIndexes asserts the unique indexes the rules rely on: gorm's SQLite
// migrator silently drops them when it rebuilds a table.
func checkIndexes(t *testing.T, s *store.Store) {
	t.Helper()
	sqlDB, _ := s.SQL()
	for _, idx := range []string{"ux_registrations_session_person", "ux_people_org_email", "ux_departments_org_name", "ux_users_org_email", "ux_users_admin_email", "idx_registrations_token", "ux_users_feed_token_hash", "idx_outbox_messages_message_id", "idx_feedback_registration_id", "idx_audit_entries_person_id", "ux_registrations_session_waitlist", "ix_login_attempts_last_at", "idx_outbox_messages_survey_invitation_id", "ux_survey_invitations_token", "ux_survey_responses_survey_respondent", "ux_memento_reads_person_version", "ux_roadmaps_org"} {
		var n int
		q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = $1"
		if s.Dialect() == store.Postgres {
			q = "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1"
		}
		if err := sqlDB.QueryRowContext(context.Background(), q, idx).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("index %s missing", idx)
		}
	}
}
