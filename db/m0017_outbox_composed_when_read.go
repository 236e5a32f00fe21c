package db

import (
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// m0017OutboxComposedWhenRead drops the index of messages not composed
// yet: a message queued by a change keeps its event and is composed when
// it is read (sent, or shown to HR), never written back, so nothing looks
// for the ones still to compose any more, and every booking's mail would
// only add to it.
func m0017OutboxComposedWhenRead() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0017_outbox_composed_when_read",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Exec("DROP INDEX ix_outbox_uncomposed").Error; err != nil {
				return fmt.Errorf("0017: %w", err)
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Exec("CREATE INDEX ix_outbox_uncomposed ON outbox_messages (id) WHERE event <> ''").Error; err != nil {
				return fmt.Errorf("0017 rollback: %w", err)
			}
			return nil
		},
	}
}
