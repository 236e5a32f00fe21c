package db

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"

	"github.com/atelier-ch/atelier/internal/names"
)

type m0007Person struct {
	// GivenName and FamilyName are the parts of the name; Name stays the
	// display form « given family ».
	GivenName  string `gorm:"size:200;not null;default:''"`
	FamilyName string `gorm:"size:200;not null;default:''"`
	// SearchKey is names.Fold of the name and email: both databases search
	// it with LIKE, accents and case aside (SQLite's lower() is ASCII-only).
	SearchKey string `gorm:"size:800;not null;default:''"`
	// SortKey is the hex of the French collation key of « family given »:
	// ordering by it (bytewise) sorts people as a French reader expects.
	SortKey string `gorm:"type:text;not null;default:''"`
}

func (m0007Person) TableName() string { return "people" }

type m0007User struct {
	// DisabledAt, when set, is when the account was disabled: it cannot
	// sign in and its tokens are gone.
	DisabledAt *time.Time
}

func (m0007User) TableName() string { return "users" }

// m0007PeopleAccounts gives people a given and a family name with keys to
// search and sort them, accounts a way to be disabled, and password
// reset links. Existing people's names are split and keyed in Go, the same
// code the application uses.
func m0007PeopleAccounts() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0007_people_accounts",
		Migrate: func(tx *gorm.DB) error {
			m := tx.Migrator()
			for _, col := range []string{"GivenName", "FamilyName", "SearchKey", "SortKey"} {
				if err := m.AddColumn(&m0007Person{}, col); err != nil {
					return err
				}
			}
			if err := tx.Exec("CREATE INDEX ix_people_org_sort ON people (org_id, sort_key)").Error; err != nil {
				return err
			}
			if err := m.AddColumn(&m0007User{}, "DisabledAt"); err != nil {
				return err
			}
			fk := "CONSTRAINT fk_password_resets_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE, " +
				"CONSTRAINT fk_password_resets_created_by FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL"
			ts := "datetime"
			id := "integer PRIMARY KEY AUTOINCREMENT"
			if tx.Dialector.Name() == "postgres" {
				ts, id = "timestamptz", "bigserial PRIMARY KEY"
			}
			if err := tx.Exec(fmt.Sprintf(`CREATE TABLE password_resets (
  id %s,
  user_id bigint NOT NULL,
  hash varchar(64) NOT NULL,
  expires_at %s NOT NULL,
  used_at %s,
  created_by bigint,
  created_at %s NOT NULL,
  %s)`, id, ts, ts, ts, fk)).Error; err != nil {
				return err
			}
			for _, stmt := range []string{
				"CREATE UNIQUE INDEX ux_password_resets_hash ON password_resets (hash)",
				"CREATE INDEX idx_password_resets_user_id ON password_resets (user_id)",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			if err := m0007OutboxWithoutSession(tx, true); err != nil {
				return err
			}
			return m0007Backfill(tx)
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Exec("DELETE FROM outbox_messages WHERE session_id IS NULL").Error; err != nil {
				return err
			}
			if err := m0007OutboxWithoutSession(tx, false); err != nil {
				return err
			}
			for _, stmt := range []string{
				"DROP TABLE password_resets",
				"ALTER TABLE users DROP COLUMN disabled_at",
				"DROP INDEX ix_people_org_sort",
				"ALTER TABLE people DROP COLUMN sort_key",
				"ALTER TABLE people DROP COLUMN search_key",
				"ALTER TABLE people DROP COLUMN family_name",
				"ALTER TABLE people DROP COLUMN given_name",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// m0007Backfill splits and keys the names of the people already there.
func m0007Backfill(tx *gorm.DB) error {
	type row struct {
		ID    int64
		Name  string
		Email *string
	}
	var rows []row
	if err := tx.Table("people").Select("id, name, email").Order("id").Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		given, family := names.Split(r.Name)
		email := ""
		if r.Email != nil {
			email = *r.Email
		}
		err := tx.Table("people").Where("id = ?", r.ID).Updates(map[string]any{
			"given_name": given, "family_name": family,
			"search_key": names.SearchKey(r.Name, email),
			"sort_key":   names.SortText(family, given),
		}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// m0007OutboxWithoutSession lets a mail be about no session (a password
// reset link, later a survey), or puts the NOT NULL back (up false). On
// SQLite, where a column's NOT NULL cannot change in place, the table (a
// leaf: nothing references it) is rebuilt from its own DDL with its
// indexes, under the same names.
func m0007OutboxWithoutSession(tx *gorm.DB, up bool) error {
	if tx.Dialector.Name() == "postgres" {
		op := "DROP NOT NULL"
		if !up {
			op = "SET NOT NULL"
		}
		return tx.Exec("ALTER TABLE outbox_messages ALTER COLUMN session_id " + op).Error
	}
	var ddl string
	if err := tx.Raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox_messages'").Scan(&ddl).Error; err != nil {
		return err
	}
	from, to := "session_id integer NOT NULL", "session_id integer"
	if !up {
		from, to = to+",", from+","
	}
	if !strings.Contains(ddl, from) {
		return fmt.Errorf("0007: outbox_messages has no column %q: %s", from, ddl)
	}
	ddl = strings.Replace(ddl, from, to, 1)
	ddl = strings.Replace(ddl, "CREATE TABLE outbox_messages", "CREATE TABLE outbox_messages_new", 1)
	ddl = strings.Replace(ddl, `CREATE TABLE "outbox_messages"`, "CREATE TABLE outbox_messages_new", 1)
	var indexes []string
	if err := tx.Raw("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox_messages' AND sql IS NOT NULL ORDER BY name").Scan(&indexes).Error; err != nil {
		return err
	}
	var n int64
	if err := tx.Raw("SELECT COUNT(*) FROM outbox_messages").Scan(&n).Error; err != nil {
		return err
	}
	stmts := []string{ddl, "INSERT INTO outbox_messages_new SELECT * FROM outbox_messages", "DROP TABLE outbox_messages", "ALTER TABLE outbox_messages_new RENAME TO outbox_messages"}
	stmts = append(stmts, indexes...)
	for _, stmt := range stmts {
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("0007: %w", err)
		}
	}
	var after int64
	if err := tx.Raw("SELECT COUNT(*) FROM outbox_messages").Scan(&after).Error; err != nil {
		return err
	}
	if after != n {
		return fmt.Errorf("0007: outbox_messages had %d rows, %d after the rebuild", n, after)
	}
	return nil
}
