package store

import "time"

// Org is a commune (or any body running a campaign).
type Org struct {
	ID            int64
	Slug          string
	Name          string
	HRSenderName  string
	HRSenderEmail string
	CreatedAt     time.Time
}

// Department is a service of a commune.
type Department struct {
	ID        int64
	OrgID     int64
	Name      string
	CreatedAt time.Time
}

// Person is someone who can be booked into a session. People have no login.
type Person struct {
	ID           int64
	OrgID        int64
	DepartmentID *int64
	Name         string
	Email        *string
	Role         string
	Language     string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TableName maps Person to its table.
func (Person) TableName() string { return "people" }

// User is an account that signs in: admin, hr or trainer.
type User struct {
	ID           int64
	OrgID        *int64
	Email        string
	Name         string
	PasswordHash string
	Role         string
	Language     string
	FeedToken    *string
	CreatedAt    time.Time
}

// User roles.
const (
	RoleAdmin   = "admin"
	RoleHR      = "hr"
	RoleTrainer = "trainer"
)

// UserRoles lists the valid user roles.
var UserRoles = []string{RoleAdmin, RoleHR, RoleTrainer}

// AuthToken is a bearer token or a browser session, stored as a SHA-256 hash.
type AuthToken struct {
	ID        int64
	UserID    int64
	Hash      string
	Kind      string
	ExpiresAt time.Time
	CreatedAt time.Time
}

// Token kinds.
const (
	TokenAPI = "api"
	TokenWeb = "web"
)

// Session is a scheduled, in-person training session of a catalogue format.
type Session struct {
	ID                   int64
	UID                  string
	OrgID                int64
	FormatSlug           string
	Title                string
	StartsAt             time.Time
	EndsAt               time.Time
	LocationName         string
	LocationAddress      string
	LocationRoom         string
	Capacity             int
	RegistrationDeadline *time.Time
	Language             string
	OpenToOtherCommunes  bool
	Status               string
	Sequence             int
	CreatedBy            *int64
	// RecordPast marks a session recorded after the fact (held before
	// Atelier): it takes the people who attended and never mails anyone.
	RecordPast bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Session statuses.
const (
	SessionScheduled = "scheduled"
	SessionCancelled = "cancelled"
)

// SessionTrainer links a session to a trainer (a user).
type SessionTrainer struct {
	SessionID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
}

// Registration is one person's place (or waiting-list place) in a session.
type Registration struct {
	ID               int64
	SessionID        int64
	PersonID         *int64
	OrgID            int64
	Status           string
	WaitlistPosition *int
	Attendance       string
	AttendanceAt     *time.Time
	AttendanceBy     *int64
	Token            string
	WalkIn           bool
	// Sequence counts this registration's own changes; the participant's
	// calendar SEQUENCE is the session's plus this.
	Sequence int
	// AnonDepartmentID and AnonRole keep an erased person's department and
	// role, so that reports keep their totals.
	AnonDepartmentID *int64
	AnonRole         string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	CancelledAt      *time.Time
}

// Registration statuses.
const (
	RegBooked     = "booked"
	RegWaitlisted = "waitlisted"
	RegCancelled  = "cancelled"
)

// Attendance values.
const (
	AttendUnknown = "unknown"
	AttendPresent = "present"
	AttendAbsent  = "absent"
	AttendExcused = "excused"
)

// AuditEntry records who changed what on a session, and when.
type AuditEntry struct {
	ID          int64
	OrgID       int64
	SessionID   *int64
	PersonID    *int64
	ActorUserID *int64
	Actor       string
	Action      string
	Detail      string
	CreatedAt   time.Time
}

// OutboxMessage is a mail waiting to be sent, or its record once sent. It
// is written in the same transaction as the change it announces.
type OutboxMessage struct {
	ID             int64
	OrgID          int64
	SessionID      int64
	RegistrationID *int64
	Kind           string
	ToEmail        string
	ToName         string
	FromEmail      string
	FromName       string
	Subject        string
	TextBody       string
	HTMLBody       string
	ICS            string
	ICSMethod      string
	PageURL        string
	MessageID      string
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	ClaimedUntil   *time.Time
	ClaimedBy      string
	LastError      string
	SentAt         *time.Time
	CreatedAt      time.Time
}

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// Feedback is a participant's answer to the questionnaire after a session.
type Feedback struct {
	ID               int64
	RegistrationID   int64
	SessionID        int64
	OrgID            int64
	Overall          int
	WillUse          int
	ConfidenceBefore int
	ConfidenceAfter  int
	UseCases         string
	Worries          string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// TableName maps Feedback to its table.
func (Feedback) TableName() string { return "feedback" }

// Plan is a campaign plan: the request HR made, the proposal (both JSON,
// read by internal/campaign), and once confirmed the sessions it created
// (PlanSession rows).
type Plan struct {
	ID         int64
	OrgID      int64
	FormatSlug string
	Status     string
	// Request and Proposal are JSON documents of internal/campaign.
	Request  string
	Proposal string
	// Fingerprint is internal/plan.Fingerprint of the data the proposal
	// was made from.
	Fingerprint string
	CreatedBy   *int64
	ConfirmedBy *int64
	ConfirmedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Plan statuses.
const (
	PlanProposed  = "proposed"
	PlanConfirmed = "confirmed"
)

// PlanSession records a session a confirmed plan created, at its position
// among the plan's sessions.
type PlanSession struct {
	PlanID    int64 `gorm:"primaryKey;autoIncrement:false"`
	Position  int   `gorm:"primaryKey;autoIncrement:false"`
	SessionID int64
}
