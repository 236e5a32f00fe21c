package db

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0013 holds the formats communes adapt (issue 17, point 2): a
// commune copies a format of the catalogue (or one published in its
// region) into `formats`, and every change is a new row of
// `format_versions`, never edited afterwards. A session of such a format
// names the version it was scheduled with (`sessions.format_version_id`),
// so that its sheets, programme and certificates never change. Plain SQL
// per dialect, frozen here; on SQLite the new column of sessions carries its
// foreign key as a column constraint, which ALTER TABLE ADD COLUMN takes
// and DROP COLUMN removes with the column (no rebuild of sessions, which
// other tables reference).

func m0013Tables(d m0010Dialect) []string {
	return []string{
		`CREATE TABLE formats (
  id ` + d.id + `,
  org_id ` + d.ref + ` NOT NULL,
  slug ` + d.vc(64) + ` NOT NULL,
  based_on ` + d.vc(64) + ` NOT NULL,
  version integer NOT NULL,
  published_at ` + d.time + `,
  created_by ` + d.ref + `,
  created_at ` + d.time + ` NOT NULL,
  updated_at ` + d.time + ` NOT NULL,
  CONSTRAINT fk_formats_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT fk_formats_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT ck_formats_version CHECK (version >= 1),
  CONSTRAINT ck_formats_slug CHECK (slug <> '' AND slug <> based_on)
)`,
		"CREATE UNIQUE INDEX ux_formats_slug ON formats (slug)",
		"CREATE INDEX idx_formats_org_id ON formats (org_id)",
		`CREATE TABLE format_versions (
  id ` + d.id + `,
  format_id ` + d.ref + ` NOT NULL,
  version integer NOT NULL,
  body text NOT NULL,
  created_by ` + d.ref + `,
  created_at ` + d.time + ` NOT NULL,
  CONSTRAINT ux_format_versions_format_version UNIQUE (format_id, version),
  CONSTRAINT fk_format_versions_format FOREIGN KEY (format_id) REFERENCES formats (id) ON DELETE RESTRICT,
  CONSTRAINT fk_format_versions_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT ck_format_versions_version CHECK (version >= 1)
)`,
	}
}

// m0013SessionColumn is the sessions' new column, in each dialect.
var m0013SessionColumn = map[string]string{
	"postgres": "ALTER TABLE sessions ADD COLUMN format_version_id bigint, ADD CONSTRAINT fk_sessions_format_version FOREIGN KEY (format_version_id) REFERENCES format_versions (id) ON DELETE RESTRICT",
	"sqlite":   "ALTER TABLE sessions ADD COLUMN format_version_id integer CONSTRAINT fk_sessions_format_version REFERENCES format_versions (id) ON DELETE RESTRICT",
}

func m0013Formats() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0013_formats",
		Migrate: func(tx *gorm.DB) error {
			dialect, d := "sqlite", m0010SQLite
			if tx.Dialector.Name() == "postgres" {
				dialect, d = "postgres", m0010Postgres
			}
			stmts := append(m0013Tables(d), m0013SessionColumn[dialect],
				"CREATE INDEX ix_sessions_format_version ON sessions (format_version_id)")
			for _, stmt := range stmts {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("0013: %.60s: %w", stmt, err)
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			for _, stmt := range []string{
				"DROP INDEX ix_sessions_format_version",
				"ALTER TABLE sessions DROP COLUMN format_version_id",
				"DROP TABLE format_versions",
				"DROP TABLE formats",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("0013 rollback: %w", err)
				}
			}
			return nil
		},
	}
}
