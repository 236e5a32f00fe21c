package db

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0012 lets communes work together in a region (the guide's §1
// and §4): the regions, the region a commune belongs to and whether it
// shares its aggregates with it (off until HR says so), the coordinator
// accounts of a region, and each commune's exchange of experience after
// its pilot, with what it published to its region.
//
// On SQLite the new columns of orgs and users carry their foreign key and
// CHECK as column constraints: ALTER TABLE ADD COLUMN takes them, and DROP
// COLUMN drops them with the column. Rebuilding orgs or users instead would
// run the ON DELETE actions of every table referencing them (see 0005).
// Everything is explicit SQL, frozen here.

// m0012CoordinatorRule: a coordinator belongs to a region and to no commune,
// and has no calendar feed (a commune's sessions); any other account
// belongs to no region.
const m0012CoordinatorRule = "(role = 'coordinator' AND region_id IS NOT NULL AND org_id IS NULL AND feed_token_hash IS NULL) OR (role <> 'coordinator' AND region_id IS NULL)"

// m0012ShareRule: a commune shares only with a region it belongs to.
const m0012ShareRule = "NOT share_with_region OR region_id IS NOT NULL"

// m0012Experience: published_content and published_region_id are set
// together with published_at, the moment they were published.
const m0012PublishedRule = "(published_at IS NULL AND published_content IS NULL AND published_region_id IS NULL) OR (published_at IS NOT NULL AND published_content IS NOT NULL AND published_region_id IS NOT NULL)"

func m0012Up(d m0010Dialect) []string {
	regionFK := func(name string) string {
		return "CONSTRAINT " + name + " REFERENCES regions (id) ON DELETE RESTRICT"
	}
	stmts := []string{
		`CREATE TABLE regions (
  id ` + d.id + `,
  slug ` + d.vc(64) + ` NOT NULL,
  name ` + d.vc(200) + ` NOT NULL,
  created_at ` + d.time + ` NOT NULL
)`,
		"CREATE UNIQUE INDEX ux_regions_slug ON regions (slug)",
	}
	if d.ref == "bigint" { // PostgreSQL: table constraints added in place
		stmts = append(stmts,
			"ALTER TABLE orgs ADD COLUMN region_id bigint, ADD COLUMN share_with_region boolean NOT NULL DEFAULT false, "+
				"ADD CONSTRAINT fk_orgs_region FOREIGN KEY (region_id) REFERENCES regions (id) ON DELETE RESTRICT, "+
				"ADD CONSTRAINT ck_orgs_share_with_region CHECK ("+m0012ShareRule+")",
			"ALTER TABLE users ADD COLUMN region_id bigint, "+
				"ADD CONSTRAINT fk_users_region FOREIGN KEY (region_id) REFERENCES regions (id) ON DELETE RESTRICT, "+
				"ADD CONSTRAINT ck_users_coordinator CHECK ("+m0012CoordinatorRule+")",
		)
	} else {
		stmts = append(stmts,
			"ALTER TABLE orgs ADD COLUMN region_id integer "+regionFK("fk_orgs_region"),
			"ALTER TABLE orgs ADD COLUMN share_with_region numeric NOT NULL DEFAULT false CONSTRAINT ck_orgs_share_with_region CHECK ("+m0012ShareRule+")",
			"ALTER TABLE users ADD COLUMN region_id integer "+regionFK("fk_users_region")+" CONSTRAINT ck_users_coordinator CHECK ("+m0012CoordinatorRule+")",
		)
	}
	return append(stmts,
		"CREATE INDEX ix_orgs_region ON orgs (region_id)",
		"CREATE INDEX ix_users_region ON users (region_id)",
		// A commune's answers to the guide's §4 questions (JSON of
		// internal/exchange), edited in place; what it last published to
		// its region is a copy, so that a draft never reaches the region.
		`CREATE TABLE experiences (
  id `+d.id+`,
  org_id `+d.ref+` NOT NULL,
  language `+d.vc(2)+` NOT NULL DEFAULT 'fr',
  content text NOT NULL,
  published_content text,
  published_region_id `+d.ref+`,
  published_at `+d.time+`,
  updated_by `+d.ref+`,
  updated_at `+d.time+` NOT NULL,
  created_at `+d.time+` NOT NULL,
  CONSTRAINT fk_experiences_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT fk_experiences_published_region FOREIGN KEY (published_region_id) REFERENCES regions (id) ON DELETE RESTRICT,
  CONSTRAINT fk_experiences_updated_by FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT ck_experiences_language CHECK (language IN ('fr', 'de')),
  CONSTRAINT ck_experiences_published CHECK (`+m0012PublishedRule+`)
)`,
		"CREATE UNIQUE INDEX ux_experiences_org ON experiences (org_id)",
		"CREATE INDEX ix_experiences_published_region ON experiences (published_region_id)",
	)
}

// Both dialects take the same statements back, children first; a column's
// constraints go with it.
var m0012Down = []string{
	"DROP TABLE experiences",
	"DROP INDEX ix_users_region",
	"DROP INDEX ix_orgs_region",
	"ALTER TABLE users DROP COLUMN region_id",
	"ALTER TABLE orgs DROP COLUMN share_with_region",
	"ALTER TABLE orgs DROP COLUMN region_id",
	"DROP TABLE regions",
}

func m0012Regions() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0012_regions",
		Migrate: func(tx *gorm.DB) error {
			d := m0010SQLite
			if tx.Dialector.Name() == "postgres" {
				d = m0010Postgres
			}
			// The role existed since 0005 without a region: such an account
			// could do nothing. It becomes a disabled trainer (the fewest
			// rights, as 0005 repaired unknown roles), and says so.
			res := tx.Exec("UPDATE users SET role = 'trainer', disabled_at = ? WHERE role = 'coordinator'", time.Now().UTC())
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected > 0 {
				tx.Logger.Warn(tx.Statement.Context, "migration 0012_regions: %d coordinator account(s) without a region became disabled trainers", res.RowsAffected)
			}
			for _, stmt := range m0012Up(d) {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("0012: %w", err)
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			// A coordinator cannot outlive its region.
			if err := tx.Exec("DELETE FROM users WHERE role = 'coordinator'").Error; err != nil {
				return err
			}
			for _, stmt := range m0012Down {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("0012 rollback: %w", err)
				}
			}
			return nil
		},
	}
}
