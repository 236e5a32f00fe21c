package db

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0014 holds pooled sessions with quotas (issue 17, point 3): a
// session's seats per commune (`session_quotas`), and a waiting list per
// commune in such a session. A registration's `waitlist_scope` says which
// list it waits on: 0, the session's one list (a session without quotas),
// or its own commune (a session with quotas); waiting-list positions are
// unique per (session, list), which replaces 0005's unique positions per
// session. Plain SQL per dialect, frozen here; on SQLite the CHECK is a
// column constraint, which ADD COLUMN takes and DROP COLUMN removes.

// m0014ScopeCheck keeps a registration on the session's list or on its own
// commune's, never on another commune's.
const m0014ScopeCheck = "CONSTRAINT ck_registrations_waitlist_scope CHECK (waitlist_scope = 0 OR waitlist_scope = org_id)"

var m0014Up = map[string][]string{
	"postgres": {
		`CREATE TABLE session_quotas (
  session_id bigint NOT NULL,
  org_id bigint NOT NULL,
  seats integer NOT NULL,
  CONSTRAINT session_quotas_pkey PRIMARY KEY (session_id, org_id),
  CONSTRAINT fk_session_quotas_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
  CONSTRAINT fk_session_quotas_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT ck_session_quotas_seats CHECK (seats >= 0 AND seats <= 500)
)`,
		"ALTER TABLE registrations ADD COLUMN waitlist_scope bigint NOT NULL DEFAULT 0, ADD " + m0014ScopeCheck,
	},
	"sqlite": {
		`CREATE TABLE session_quotas (
  session_id integer NOT NULL,
  org_id integer NOT NULL,
  seats integer NOT NULL,
  PRIMARY KEY (session_id, org_id),
  CONSTRAINT fk_session_quotas_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
  CONSTRAINT fk_session_quotas_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT ck_session_quotas_seats CHECK (seats >= 0 AND seats <= 500)
)`,
		"ALTER TABLE registrations ADD COLUMN waitlist_scope integer NOT NULL DEFAULT 0 " + m0014ScopeCheck,
	},
}

// m0014Indexes replace the positions unique per session by positions
// unique per list.
var m0014Indexes = []string{
	"CREATE INDEX idx_session_quotas_org_id ON session_quotas (org_id)",
	"DROP INDEX ux_registrations_session_waitlist",
	"CREATE UNIQUE INDEX ux_registrations_session_waitlist ON registrations (session_id, waitlist_scope, waitlist_position)",
}

// m0014Down undoes it; with per-commune lists in the database, the
// session-wide unique positions cannot come back and the rollback fails.
var m0014Down = []string{
	"DROP INDEX ux_registrations_session_waitlist",
	"CREATE UNIQUE INDEX ux_registrations_session_waitlist ON registrations (session_id, waitlist_position)",
	"ALTER TABLE registrations DROP COLUMN waitlist_scope",
	"DROP TABLE session_quotas",
}

func m0014Quotas() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0014_quotas",
		Migrate: func(tx *gorm.DB) error {
			dialect := "sqlite"
			if tx.Dialector.Name() == "postgres" {
				dialect = "postgres"
			}
			for _, stmt := range append(m0014Up[dialect], m0014Indexes...) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("0014: %.60s: %w", stmt, err)
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			for _, stmt := range m0014Down {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("0014 rollback: %.60s: %w", stmt, err)
				}
			}
			return nil
		},
	}
}
