package store

import (
	"time"

	"gorm.io/gorm"
)

// Org is a commune (or any body running a campaign).
type Org struct {
	ID            int64
	Slug          string
	Name          string
	HRSenderName  string
	HRSenderEmail string
	// RegionID is the region the commune belongs to, nil for none.
	RegionID *int64
	// ShareWithRegion is the commune's consent to show its aggregates to
	// its region (off until HR turns it on; only with a region).
	ShareWithRegion bool
	CreatedAt       time.Time
}

// Region is a group of communes working together (a regional body such as
// the Antenne Région Valais romand), with its coordinators.
type Region struct {
	ID        int64
	Slug      string
	Name      string
	CreatedAt time.Time
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
	// Name is the display form, « given family ».
	Name       string
	GivenName  string
	FamilyName string
	Email      *string
	Role       string
	Language   string
	// SearchKey and SortKey are derived from the name (FillKeys): what
	// searches compare and what lists are ordered by.
	SearchKey string
	SortKey   string
	// LeftAt is when the person left the commune, nil while they work
	// there: they are no longer booked, and their personal data is purged
	// once the retention period has passed (privacy.Purge).
	LeftAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName maps Person to its table.
func (Person) TableName() string { return "people" }

// User is an account that signs in: admin, hr, trainer, or the coordinator
// of a region (who belongs to a region and to no commune).
type User struct {
	ID           int64
	OrgID        *int64
	RegionID     *int64
	Email        string
	Name         string
	PasswordHash string
	Role         string
	Language     string
	// FeedTokenHash is the hash of the token of the account's calendar
	// feed; the address is shown once when made.
	FeedTokenHash *string
	FeedTokenAt   *time.Time
	// DisabledAt is when the account was disabled, nil while it works.
	DisabledAt *time.Time
	CreatedAt  time.Time
	// UpdatedAt is when the account last changed (gorm sets it on every
	// update): a staff feed's Last-Modified follows its account's role.
	UpdatedAt time.Time
}

// User roles.
const (
	RoleAdmin   = "admin"
	RoleHR      = "hr"
	RoleTrainer = "trainer"
	// RoleCoordinator coordinates a region: it reads the aggregates its
	// communes share and their exchange of experience, nothing of a commune.
	RoleCoordinator = "coordinator"
)

// UserRoles lists the valid user roles.
var UserRoles = []string{RoleAdmin, RoleHR, RoleTrainer, RoleCoordinator}

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
	ID         int64
	UID        string
	OrgID      int64
	FormatSlug string
	// FormatVersionID is the version of a commune's own format the session
	// was scheduled with (nil for a format of the catalogue): its sheets,
	// programme and certificates keep that version.
	FormatVersionID      *int64
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

// SessionQuota is a commune's seats in a pooled session.
type SessionQuota struct {
	SessionID int64 `gorm:"primaryKey;autoIncrement:false"`
	OrgID     int64 `gorm:"primaryKey;autoIncrement:false"`
	Seats     int
}

// TableName maps SessionQuota to its table.
func (SessionQuota) TableName() string { return "session_quotas" }

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
	// WaitlistScope is the waiting list the registration is (or was last)
	// on: 0, the session's one list, or its commune's own list in a
	// session with quotas. Positions are 1..n within each list.
	WaitlistScope int64
	Attendance    string
	AttendanceAt  *time.Time
	AttendanceBy  *int64
	Token         string
	WalkIn        bool
	// Sequence counts this registration's own changes; the participant's
	// calendar SEQUENCE is the session's plus this.
	Sequence int
	// AnonDepartmentID and AnonRole keep an erased person's department and
	// role, so that reports keep their totals.
	AnonDepartmentID *int64
	AnonRole         string
	// Rsvp is the person's answer to the invitation (from their calendar
	// or their page), RsvpNeedsAction until they give one; RsvpAt is when
	// it was recorded.
	Rsvp        string
	RsvpAt      *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CancelledAt *time.Time
}

// BeforeCreate gives a new registration the answer « none yet » when its
// creator did not set one: the schema refuses an empty answer.
func (r *Registration) BeforeCreate(*gorm.DB) error {
	if r.Rsvp == "" {
		r.Rsvp = RsvpNeedsAction
	}
	return nil
}

// Registration statuses.
const (
	RegBooked     = "booked"
	RegWaitlisted = "waitlisted"
	RegCancelled  = "cancelled"
)

// Answers to an invitation (Registration.Rsvp).
const (
	RsvpNeedsAction = "needs_action"
	RsvpAccepted    = "accepted"
	RsvpTentative   = "tentative"
	RsvpDeclined    = "declined"
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
// is written in the same transaction as the change it announces. It is
// about a session (and a registration in it), a survey invitation, or an
// account (a reset link): at most one of SessionID and SurveyInvitationID
// is set.
type OutboxMessage struct {
	ID    int64
	OrgID int64
	// SessionID is the session the mail is about; nil for a mail about
	// no session (a survey's, an account's).
	SessionID          *int64
	RegistrationID     *int64
	SurveyInvitationID *int64
	Kind               string
	ToEmail            string
	ToName             string
	FromEmail          string
	FromName           string
	Subject            string
	TextBody           string
	HTMLBody           string
	ICS                string
	ICSMethod          string
	PageURL            string
	MessageID          string
	Status             string
	Attempts           int
	NextAttemptAt      time.Time
	ClaimedUntil       *time.Time
	ClaimedBy          string
	LastError          string
	SentAt             *time.Time
	CreatedAt          time.Time
	// Event, when not empty, is the change the message is about (JSON),
	// queued in the change's transaction: the subject, bodies and calendar
	// file are composed from it when the message is read (sent, or shown),
	// and never written. Empty for a message composed when queued (a
	// survey's, or one queued before migration 0017 and composed then).
	Event string `json:"-"`
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

// CalendarReply records a calendar reply (iTIP REPLY) that was applied to a
// registration, so that the same mail delivered twice changes nothing and
// an older reply cannot undo a newer one.
type CalendarReply struct {
	// MessageKey is the hex SHA-256 of the mail's Message-ID (of the whole
	// message when it has none).
	MessageKey     string `gorm:"primaryKey"`
	RegistrationID int64
	// Answer is accepted, tentative or declined.
	Answer   string
	Sequence int
	// Stamp is the reply's DTSTAMP, when the client wrote it; nil when the
	// reply did not say.
	Stamp      *time.Time
	ReceivedAt time.Time
}

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

// Experience is a commune's exchange of experience after its pilot (the
// guide's §4): its answers as it edits them, and the copy it last published
// to its region.
type Experience struct {
	ID    int64
	OrgID int64
	// Language is the language the answers are written in.
	Language string
	// Content is the JSON of internal/exchange's answers.
	Content string
	// PublishedContent, PublishedRegionID and PublishedAt are what was
	// published, to which region, when; nil until published.
	PublishedContent  *string
	PublishedRegionID *int64
	PublishedAt       *time.Time
	UpdatedBy         *int64
	UpdatedAt         time.Time
	CreatedAt         time.Time
}
