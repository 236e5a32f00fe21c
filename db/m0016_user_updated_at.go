package db

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0016UserUpdatedAt records when an account last changed. A staff
// calendar feed depends on its account (a trainer's sessions, or the whole
// commune's once the account is HR): the feed's Last-Modified must move
// when the role does. Existing accounts start at their creation.
func m0016UserUpdatedAt() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0016_user_updated_at",
		Migrate: func(tx *gorm.DB) error {
			ts := "datetime"
			if tx.Dialector.Name() == "postgres" {
				ts = "timestamptz"
			}
			for _, stmt := range []string{
				"ALTER TABLE users ADD COLUMN updated_at " + ts,
				"UPDATE users SET updated_at = created_at",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("0016: %w", err)
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Exec("ALTER TABLE users DROP COLUMN updated_at").Error; err != nil {
				return fmt.Errorf("0016 rollback: %w", err)
			}
			return nil
		},
	}
}
