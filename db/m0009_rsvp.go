package db

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0009 records participants' answers to their invitation: the
// registration's rsvp (needs_action until they answer, then accepted,
// tentative or declined) and rsvp_at, and the calendar replies applied,
// keyed by their Message-ID, so that a mail delivered twice changes
// nothing. Plain SQL per dialect, frozen here.

// m0009RsvpCheck limits registrations.rsvp to the four answers.
const m0009RsvpCheck = "CONSTRAINT ck_registrations_rsvp CHECK (rsvp IN ('needs_action', 'accepted', 'tentative', 'declined'))"

// m0009Up lists the statements of each dialect. On SQLite the CHECK is a
// column constraint: ALTER TABLE ADD COLUMN takes one, and DROP COLUMN
// drops it with its column (a table constraint would forbid the drop).
var m0009Up = map[string][]string{
	"postgres": {
		"ALTER TABLE registrations ADD COLUMN rsvp character varying(16) NOT NULL DEFAULT 'needs_action', ADD COLUMN rsvp_at timestamp with time zone, ADD " + m0009RsvpCheck,
		`CREATE TABLE calendar_replies (
  message_key character varying(64) NOT NULL,
  registration_id bigint NOT NULL,
  answer character varying(16) NOT NULL,
  sequence bigint NOT NULL,
  stamp timestamp with time zone,
  received_at timestamp with time zone NOT NULL,
  CONSTRAINT calendar_replies_pkey PRIMARY KEY (message_key),
  CONSTRAINT ck_calendar_replies_answer CHECK (answer IN ('accepted', 'tentative', 'declined')),
  CONSTRAINT fk_calendar_replies_registration FOREIGN KEY (registration_id) REFERENCES registrations (id) ON DELETE CASCADE
)`,
	},
	"sqlite": {
		"ALTER TABLE registrations ADD COLUMN rsvp text NOT NULL DEFAULT 'needs_action' " + m0009RsvpCheck,
		"ALTER TABLE registrations ADD COLUMN rsvp_at datetime",
		`CREATE TABLE calendar_replies (
  message_key text NOT NULL,
  registration_id integer NOT NULL,
  answer text NOT NULL,
  sequence integer NOT NULL,
  stamp datetime,
  received_at datetime NOT NULL,
  PRIMARY KEY (message_key),
  CONSTRAINT ck_calendar_replies_answer CHECK (answer IN ('accepted', 'tentative', 'declined')),
  CONSTRAINT fk_calendar_replies_registration FOREIGN KEY (registration_id) REFERENCES registrations (id) ON DELETE CASCADE
)`,
	},
}

// Both dialects take the same statements back.
var m0009Down = []string{
	"DROP TABLE calendar_replies",
	"ALTER TABLE registrations DROP COLUMN rsvp_at",
	"ALTER TABLE registrations DROP COLUMN rsvp",
}

// m0009Index finds the replies of a registration (the latest DTSTAMP).
const m0009Index = "CREATE INDEX ix_calendar_replies_registration ON calendar_replies (registration_id, stamp)"

func m0009Rsvp() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0009_rsvp",
		Migrate: func(tx *gorm.DB) error {
			dialect := "sqlite"
			if tx.Dialector.Name() == "postgres" {
				dialect = "postgres"
			}
			for _, stmt := range append(m0009Up[dialect], m0009Index) {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
		// PostgreSQL drops the CHECK with its column; SQLite (≥ 3.35) drops
		// a column whose only constraint is its own column CHECK.
		Rollback: func(tx *gorm.DB) error {
			for _, stmt := range m0009Down {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
	}
}
