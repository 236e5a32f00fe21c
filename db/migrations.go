// Package db holds the versioned schema migrations, shared by SQLite and
// PostgreSQL. Each migration's structs are frozen copies: never edit a
// migration that has shipped, add a new one.
package db

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// TableName is the table recording which migrations ran.
const TableName = "atelier_schema_migrations"

// Migrations returns the ordered list of migrations.
func Migrations() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		m0001Foundation(),
		m0002CalendarMail(),
		m0003Attendance(),
		m0004OutboxQR(),
		m0005Constraints(),
		m0006LoginAttempts(),
		m0007PeopleAccounts(),
		m0008Plans(),
		m0009Rsvp(),
		m0010Strategy(),
		m0011Security(),
		m0012Regions(),
		m0013Formats(),
		m0014Quotas(),
		m0015OutboxEvents(),
		m0016UserUpdatedAt(),
		m0017OutboxComposedWhenRead(),
	}
}

type m0001Org struct {
	ID            int64  `gorm:"primaryKey"`
	Slug          string `gorm:"size:64;not null;uniqueIndex"`
	Name          string `gorm:"size:200;not null"`
	HRSenderName  string `gorm:"size:200;not null;default:''"`
	HRSenderEmail string `gorm:"size:254;not null;default:''"`
	CreatedAt     time.Time
}

func (m0001Org) TableName() string { return "orgs" }

type m0001Department struct {
	ID        int64  `gorm:"primaryKey"`
	OrgID     int64  `gorm:"not null;uniqueIndex:ux_departments_org_name,priority:1"`
	Name      string `gorm:"size:200;not null;uniqueIndex:ux_departments_org_name,priority:2"`
	CreatedAt time.Time
}

func (m0001Department) TableName() string { return "departments" }

type m0001Person struct {
	ID           int64   `gorm:"primaryKey"`
	OrgID        int64   `gorm:"not null;uniqueIndex:ux_people_org_email,priority:1"`
	DepartmentID *int64  `gorm:"index"`
	Name         string  `gorm:"size:200;not null"`
	Email        *string `gorm:"size:254;uniqueIndex:ux_people_org_email,priority:2"`
	Role         string  `gorm:"size:32;not null"`
	Language     string  `gorm:"size:2;not null;default:'fr'"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (m0001Person) TableName() string { return "people" }

type m0001User struct {
	ID           int64  `gorm:"primaryKey"`
	OrgID        *int64 `gorm:"index"`
	Email        string `gorm:"size:254;not null;uniqueIndex"`
	Name         string `gorm:"size:200;not null;default:''"`
	PasswordHash string `gorm:"size:100;not null"`
	Role         string `gorm:"size:16;not null"`
	Language     string `gorm:"size:2;not null;default:'fr'"`
	CreatedAt    time.Time
}

func (m0001User) TableName() string { return "users" }

type m0001AuthToken struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index"`
	Hash      string    `gorm:"size:64;not null;uniqueIndex"`
	Kind      string    `gorm:"size:8;not null"`
	ExpiresAt time.Time `gorm:"not null;index"`
	CreatedAt time.Time
}

func (m0001AuthToken) TableName() string { return "auth_tokens" }

type m0001Session struct {
	ID                   int64     `gorm:"primaryKey"`
	UID                  string    `gorm:"size:128;not null;uniqueIndex"`
	OrgID                int64     `gorm:"not null;index"`
	FormatSlug           string    `gorm:"size:64;not null"`
	Title                string    `gorm:"size:200;not null"`
	StartsAt             time.Time `gorm:"not null;index"`
	EndsAt               time.Time `gorm:"not null"`
	LocationName         string    `gorm:"size:200;not null;default:''"`
	LocationAddress      string    `gorm:"size:300;not null;default:''"`
	LocationRoom         string    `gorm:"size:100;not null;default:''"`
	Capacity             int       `gorm:"not null"`
	RegistrationDeadline *time.Time
	Language             string `gorm:"size:2;not null;default:'fr'"`
	OpenToOtherCommunes  bool   `gorm:"not null;default:false"`
	Status               string `gorm:"size:16;not null;default:'scheduled'"`
	Sequence             int    `gorm:"not null;default:0"`
	CreatedBy            *int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

func (m0001Session) TableName() string { return "sessions" }

type m0001SessionTrainer struct {
	SessionID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (m0001SessionTrainer) TableName() string { return "session_trainers" }

type m0001Registration struct {
	ID               int64  `gorm:"primaryKey"`
	SessionID        int64  `gorm:"not null;uniqueIndex:ux_registrations_session_person,priority:1;index:ix_registrations_session_status,priority:1"`
	PersonID         *int64 `gorm:"uniqueIndex:ux_registrations_session_person,priority:2;index"`
	OrgID            int64  `gorm:"not null;index"`
	Status           string `gorm:"size:16;not null;index:ix_registrations_session_status,priority:2"`
	WaitlistPosition *int
	Attendance       string `gorm:"size:16;not null;default:'unknown'"`
	AttendanceAt     *time.Time
	AttendanceBy     *int64
	Token            string `gorm:"size:64;not null;uniqueIndex"`
	WalkIn           bool   `gorm:"not null;default:false"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
	CancelledAt      *time.Time
}

func (m0001Registration) TableName() string { return "registrations" }

type m0001AuditEntry struct {
	ID          int64  `gorm:"primaryKey"`
	OrgID       int64  `gorm:"not null;index"`
	SessionID   *int64 `gorm:"index"`
	ActorUserID *int64
	Actor       string    `gorm:"size:254;not null"`
	Action      string    `gorm:"size:64;not null"`
	Detail      string    `gorm:"size:2000;not null;default:''"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (m0001AuditEntry) TableName() string { return "audit_entries" }

func m0001Foundation() *gormigrate.Migration {
	tables := []any{&m0001Org{}, &m0001Department{}, &m0001Person{}, &m0001User{}, &m0001AuthToken{},
		&m0001Session{}, &m0001SessionTrainer{}, &m0001Registration{}, &m0001AuditEntry{}}
	return &gormigrate.Migration{
		ID: "0001_foundation",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(tables...)
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable(tables...)
		},
	}
}

type m0002Registration struct {
	// Sequence counts this registration's own changes (cancelled, booked
	// again, promoted); a participant's SEQUENCE is the session's plus this.
	Sequence int `gorm:"not null;default:0"`
}

func (m0002Registration) TableName() string { return "registrations" }

type m0002User struct {
	// FeedToken opens the user's calendar feed; NULL until asked for.
	FeedToken *string `gorm:"size:64;index:ux_users_feed_token,unique"`
}

func (m0002User) TableName() string { return "users" }

type m0002OutboxMessage struct {
	ID             int64     `gorm:"primaryKey"`
	OrgID          int64     `gorm:"not null;index"`
	SessionID      int64     `gorm:"not null;index"`
	RegistrationID *int64    `gorm:"index"`
	Kind           string    `gorm:"size:32;not null"`
	ToEmail        string    `gorm:"size:254;not null"`
	ToName         string    `gorm:"size:200;not null;default:''"`
	FromEmail      string    `gorm:"size:254;not null"`
	FromName       string    `gorm:"size:200;not null;default:''"`
	Subject        string    `gorm:"size:300;not null"`
	TextBody       string    `gorm:"type:text;not null"`
	HTMLBody       string    `gorm:"type:text;not null"`
	ICS            string    `gorm:"type:text;not null"`
	ICSMethod      string    `gorm:"size:16;not null"`
	MessageID      string    `gorm:"size:200;not null;uniqueIndex"`
	Status         string    `gorm:"size:16;not null;index:ix_outbox_due,priority:1"`
	Attempts       int       `gorm:"not null;default:0"`
	NextAttemptAt  time.Time `gorm:"not null;index:ix_outbox_due,priority:2"`
	ClaimedUntil   *time.Time
	ClaimedBy      string `gorm:"size:64;not null;default:''"`
	LastError      string `gorm:"size:1000;not null;default:''"`
	SentAt         *time.Time
	CreatedAt      time.Time `gorm:"not null"`
}

func (m0002OutboxMessage) TableName() string { return "outbox_messages" }

func m0002CalendarMail() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0002_calendar_mail",
		Migrate: func(tx *gorm.DB) error {
			m := tx.Migrator()
			if err := m.AddColumn(&m0002Registration{}, "Sequence"); err != nil {
				return err
			}
			// SQLite cannot add a UNIQUE column: add it, then its index.
			if err := m.AddColumn(&m0002User{}, "FeedToken"); err != nil {
				return err
			}
			if err := m.CreateIndex(&m0002User{}, "ux_users_feed_token"); err != nil {
				return err
			}
			return m.CreateTable(&m0002OutboxMessage{})
		},
		// Plain SQL: gorm's SQLite DropColumn rebuilds the table and loses
		// its unique indexes (DATABASE.md). SQLite ≥ 3.35 and PostgreSQL both
		// drop a column in place once its index is gone.
		Rollback: func(tx *gorm.DB) error {
			for _, stmt := range []string{
				"DROP TABLE outbox_messages",
				"DROP INDEX ux_users_feed_token",
				"ALTER TABLE users DROP COLUMN feed_token",
				"ALTER TABLE registrations DROP COLUMN sequence",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
	}
}

type m0003Registration struct {
	// Kept when the person is erased, so that reports keep their totals.
	AnonDepartmentID *int64
	AnonRole         string `gorm:"size:32;not null;default:''"`
}

func (m0003Registration) TableName() string { return "registrations" }

type m0003AuditEntry struct {
	// PersonID is the person an entry is about, so erasure can find it.
	PersonID *int64 `gorm:"index"`
}

func (m0003AuditEntry) TableName() string { return "audit_entries" }

type m0003Feedback struct {
	ID               int64  `gorm:"primaryKey"`
	RegistrationID   int64  `gorm:"not null;uniqueIndex"`
	SessionID        int64  `gorm:"not null;index"`
	OrgID            int64  `gorm:"not null;index"`
	Overall          int    `gorm:"not null"`
	WillUse          int    `gorm:"not null"`
	ConfidenceBefore int    `gorm:"not null"`
	ConfidenceAfter  int    `gorm:"not null"`
	UseCases         string `gorm:"size:2000;not null;default:''"`
	Worries          string `gorm:"size:2000;not null;default:''"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (m0003Feedback) TableName() string { return "feedback" }

func m0003Attendance() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0003_attendance_feedback",
		Migrate: func(tx *gorm.DB) error {
			m := tx.Migrator()
			for _, col := range []string{"AnonDepartmentID", "AnonRole"} {
				if err := m.AddColumn(&m0003Registration{}, col); err != nil {
					return err
				}
			}
			if err := m.AddColumn(&m0003AuditEntry{}, "PersonID"); err != nil {
				return err
			}
			if err := m.CreateIndex(&m0003AuditEntry{}, "PersonID"); err != nil {
				return err
			}
			return m.CreateTable(&m0003Feedback{})
		},
		Rollback: func(tx *gorm.DB) error {
			for _, stmt := range []string{
				"DROP TABLE feedback",
				"DROP INDEX idx_audit_entries_person_id",
				"ALTER TABLE audit_entries DROP COLUMN person_id",
				"ALTER TABLE registrations DROP COLUMN anon_role",
				"ALTER TABLE registrations DROP COLUMN anon_department_id",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
	}
}

type m0004OutboxMessage struct {
	// PageURL is the participant's page: the message's QR code for the
	// door is drawn from it when the mail is written out.
	PageURL string `gorm:"size:300;not null;default:''"`
}

func (m0004OutboxMessage) TableName() string { return "outbox_messages" }

func m0004OutboxQR() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0004_outbox_qr",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().AddColumn(&m0004OutboxMessage{}, "PageURL")
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Exec("ALTER TABLE outbox_messages DROP COLUMN page_url").Error
		},
	}
}

type m0006LoginAttempt struct {
	// KeyHash is the hex SHA-256 of what is limited: an (account, client
	// address) pair, or a client address alone.
	KeyHash string `gorm:"size:64;primaryKey"`
	// Failures counts the attempts not followed by a success (each attempt
	// is counted before its password is checked).
	Failures int `gorm:"not null;default:0"`
	// BlockedUntil is when the next attempt of a pair is allowed.
	BlockedUntil time.Time `gorm:"not null"`
	// WindowStart starts the window an address's ceiling counts in.
	WindowStart time.Time `gorm:"not null"`
	// LastAt is the last attempt; old rows are deleted by it.
	LastAt time.Time `gorm:"not null;index:ix_login_attempts_last_at"`
}

func (m0006LoginAttempt) TableName() string { return "login_attempts" }

// m0006LoginAttempts keeps the sign-in limiter in the database, so that
// every instance counts the same attempts.
func m0006LoginAttempts() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0006_login_attempts",
		Migrate: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(&m0006LoginAttempt{})
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Exec("DROP TABLE login_attempts").Error
		},
	}
}
