package db

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

type m0011User struct {
	// FeedTokenHash is the hex SHA-256 of the token of the account's
	// calendar feed: the address itself is shown once, never stored.
	FeedTokenHash *string `gorm:"size:64"`
	// FeedTokenAt is when the current feed address was made.
	FeedTokenAt *time.Time
}

func (m0011User) TableName() string { return "users" }

// m0011Security stores staff calendar feed tokens as hashes (the addresses
// already handed out keep working: their hash is stored instead) and adds
// the log of staff actions on accounts and personal data, and records when
// someone left the commune.
func m0011Security() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0011_security",
		Migrate: func(tx *gorm.DB) error {
			m := tx.Migrator()
			for _, col := range []string{"FeedTokenHash", "FeedTokenAt"} {
				if err := m.AddColumn(&m0011User{}, col); err != nil {
					return err
				}
			}
			type row struct {
				ID        int64
				FeedToken string
			}
			var rows []row
			if err := tx.Table("users").Select("id, feed_token").Where("feed_token IS NOT NULL").Find(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				sum := sha256.Sum256([]byte(r.FeedToken))
				if err := tx.Table("users").Where("id = ?", r.ID).Update("feed_token_hash", hex.EncodeToString(sum[:])).Error; err != nil {
					return err
				}
			}
			ts, id := "datetime", "integer PRIMARY KEY AUTOINCREMENT"
			if tx.Dialector.Name() == "postgres" {
				ts, id = "timestamptz", "bigserial PRIMARY KEY"
			}
			for _, stmt := range []string{
				"DROP INDEX ux_users_feed_token",
				"ALTER TABLE users DROP COLUMN feed_token",
				"CREATE UNIQUE INDEX ux_users_feed_token_hash ON users (feed_token_hash)",
				fmt.Sprintf(`CREATE TABLE staff_actions (
  id %s,
  created_at %s NOT NULL,
  actor_user_id bigint,
  actor varchar(254) NOT NULL,
  org_id bigint,
  action varchar(64) NOT NULL,
  target varchar(200) NOT NULL DEFAULT '',
  detail varchar(2000) NOT NULL DEFAULT '',
  CONSTRAINT fk_staff_actions_actor FOREIGN KEY (actor_user_id) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT fk_staff_actions_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE RESTRICT)`, id, ts),
				// An address is unique within a commune (and among the platform's
				// admins), not across communes: someone working for two communes
				// has two accounts, and creating one never tells a commune who
				// has an account elsewhere.
				"DROP INDEX idx_users_email",
				"CREATE UNIQUE INDEX ux_users_org_email ON users (org_id, email)",
				"CREATE UNIQUE INDEX ux_users_admin_email ON users (email) WHERE org_id IS NULL",
				"CREATE INDEX ix_users_email ON users (email)",
				"CREATE INDEX ix_staff_actions_created_at ON staff_actions (created_at)",
				"CREATE INDEX ix_staff_actions_org ON staff_actions (org_id)",
				// When someone left the commune: their places to come are
				// cancelled, they are no longer booked, and their personal
				// data goes once the retention period has passed.
				"ALTER TABLE people ADD COLUMN left_at " + ts,
				"CREATE INDEX ix_people_left_at ON people (left_at)",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("0011: %w", err)
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			// The tokens cannot be recovered from their hashes: feeds must be
			// asked for again after a rollback.
			for _, stmt := range []string{
				"DROP INDEX ix_people_left_at",
				"ALTER TABLE people DROP COLUMN left_at",
				"DROP TABLE staff_actions",
				"DROP INDEX ix_users_email",
				"DROP INDEX ux_users_admin_email",
				"DROP INDEX ux_users_org_email",
				"CREATE UNIQUE INDEX idx_users_email ON users (email)",
				"DROP INDEX ux_users_feed_token_hash",
				"ALTER TABLE users DROP COLUMN feed_token_at",
				"ALTER TABLE users DROP COLUMN feed_token_hash",
				"ALTER TABLE users ADD COLUMN feed_token varchar(64)",
				"CREATE UNIQUE INDEX ux_users_feed_token ON users (feed_token)",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("0011 rollback: %w", err)
				}
			}
			return nil
		},
	}
}
