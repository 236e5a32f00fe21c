package db

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0015OutboxEvents lets a change queue its mail as a small event, composed
// after the change commits: while event holds what the change was (JSON),
// the message's subject, bodies and calendar file are not written yet and
// it is not sent; composing writes them and empties event.
func m0015OutboxEvents() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0015_outbox_events",
		Migrate: func(tx *gorm.DB) error {
			for _, s := range []string{
				"ALTER TABLE outbox_messages ADD COLUMN event text NOT NULL DEFAULT ''",
				"CREATE INDEX ix_outbox_uncomposed ON outbox_messages (id) WHERE event <> ''",
			} {
				if err := tx.Exec(s).Error; err != nil {
					return err
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			// A queued message would be lost: the version before cannot
			// compose it. Starting the app composes them within seconds.
			var queued int64
			if err := tx.Table("outbox_messages").Where("event <> ''").Count(&queued).Error; err != nil {
				return err
			}
			if queued > 0 {
				return fmt.Errorf("0015 rollback: %d mails are queued and not composed yet; start Atelier once so that it composes them, then roll back", queued)
			}
			for _, s := range []string{
				"DROP INDEX ix_outbox_uncomposed",
				"ALTER TABLE outbox_messages DROP COLUMN event",
			} {
				if err := tx.Exec(s).Error; err != nil {
					return fmt.Errorf("0015 rollback: %w", err)
				}
			}
			return nil
		},
	}
}
