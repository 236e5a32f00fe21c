package db

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0008Plans adds campaign plans (internal/campaign): what HR asked for and
// what was proposed, as JSON, with the commune, who made and who confirmed
// it; and the sessions a confirmed plan created, in order. Explicit SQL,
// frozen here: the constraints are the point.
func m0008Plans() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0008_plans",
		Migrate: func(tx *gorm.DB) error {
			id, ts := "integer PRIMARY KEY AUTOINCREMENT", "datetime"
			if tx.Dialector.Name() == "postgres" {
				id, ts = "bigserial PRIMARY KEY", "timestamptz"
			}
			for _, stmt := range []string{
				fmt.Sprintf(`CREATE TABLE plans (
  id %s,
  org_id bigint NOT NULL,
  format_slug varchar(100) NOT NULL,
  status varchar(16) NOT NULL,
  request text NOT NULL,
  proposal text NOT NULL,
  fingerprint varchar(64) NOT NULL,
  created_by bigint,
  confirmed_by bigint,
  confirmed_at %s,
  created_at %s NOT NULL,
  updated_at %s NOT NULL,
  CONSTRAINT fk_plans_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT,
  CONSTRAINT fk_plans_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT fk_plans_confirmed_by FOREIGN KEY (confirmed_by) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT ck_plans_status CHECK (status IN ('proposed', 'confirmed')),
  CONSTRAINT ck_plans_confirmed CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL)),
  CONSTRAINT ck_plans_fingerprint CHECK (length(fingerprint) = 64)
)`, id, ts, ts, ts),
				"CREATE INDEX ix_plans_org ON plans (org_id)",
				// A session belongs to the plan that created it; it is
				// never deleted (only cancelled), but if it were, the
				// record of it would go with it.
				`CREATE TABLE plan_sessions (
  plan_id bigint NOT NULL,
  position integer NOT NULL,
  session_id bigint NOT NULL,
  PRIMARY KEY (plan_id, position),
  CONSTRAINT fk_plan_sessions_plan FOREIGN KEY (plan_id) REFERENCES plans (id) ON DELETE CASCADE,
  CONSTRAINT fk_plan_sessions_session FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
  CONSTRAINT ck_plan_sessions_position CHECK (position >= 0)
)`,
				"CREATE UNIQUE INDEX ux_plan_sessions_session ON plan_sessions (session_id)",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			// Children first: on SQLite dropping plans would otherwise
			// cascade into plan_sessions row by row.
			for _, stmt := range []string{"DROP TABLE plan_sessions", "DROP TABLE plans"} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
	}
}
