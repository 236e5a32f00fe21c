// Package booking holds the rules of sessions and registrations: capacity,
// a fair waiting list, deadlines and cancellations, each change in one
// transaction with its audit entry.
package booking

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store"
)

// Limits of the rules.
const (
	MaxCapacity      = 500
	MaxBatch         = 1000
	MaxSessionLength = 7 * 24 * time.Hour
	// MinYear and MaxYear bound the dates a session can have.
	MinYear  = 2000
	MaxYear  = 2100
	maxTitle = 200
)

// Actor is whoever makes a change: a signed-in user or a participant.
type Actor struct {
	UserID *int64
	// Label names the actor in the audit log (an email, or "participant").
	Label string
	OrgID int64
	Role  string
}

// Participant is the actor of a change made through a personal link.
func Participant() Actor { return Actor{Label: "participant"} }

// IsStaff reports whether the actor is HR or an admin of a commune (an
// account without a commune cannot act on sessions).
func (a Actor) IsStaff() bool {
	return a.OrgID != 0 && (a.Role == store.RoleHR || a.Role == store.RoleAdmin)
}

func errForbidden() error { return apperr.Forbidden("err.forbidden") }

// EventKind says what happened, for notifications.
type EventKind string

// Event kinds a notifier receives.
const (
	EventBooked           EventKind = "booked"
	EventWaitlisted       EventKind = "waitlisted"
	EventPromoted         EventKind = "promoted"
	EventCancelled        EventKind = "cancelled"
	EventRescheduled      EventKind = "rescheduled"
	EventSessionCancelled EventKind = "session_cancelled"
)

// Event is one change one participant should hear about.
type Event struct {
	Kind           EventKind
	SessionID      int64
	RegistrationID int64
	// Before is the session as it was, for reschedules.
	Before *store.Session
	// Registration, Person and Session, when set, are the rows as the
	// change left them, so that the notifier need not read them again
	// while the session is locked.
	Registration *store.Registration
	Person       *store.Person
	Session      *store.Session
}

// Notifier hears about changes inside their transaction, so that a message
// is queued if and only if the change is committed.
type Notifier interface {
	Notify(ctx context.Context, tx *store.Store, events []Event) error
}

// Service applies the booking rules.
type Service struct {
	store    *store.Store
	catalog  *catalog.Catalog
	now      func() time.Time
	host     string
	notifier Notifier
}

// New returns a Service. host names the server in session UIDs; notifier
// may be nil.
func New(s *store.Store, c *catalog.Catalog, now func() time.Time, host string, n Notifier) *Service {
	return &Service{store: s, catalog: c, now: now, host: host, notifier: n}
}

func (b *Service) notify(ctx context.Context, tx *store.Store, events []Event) error {
	if b.notifier == nil || len(events) == 0 {
		return nil
	}
	return b.notifier.Notify(ctx, tx, events)
}

// audit is an entry of the log under construction.
type audit struct {
	entries []store.AuditEntry
}

func (a *audit) add(actor Actor, orgID, sessionID int64, action string, detail map[string]any, now time.Time) {
	data, _ := json.Marshal(detail)
	sid := sessionID
	e := store.AuditEntry{
		OrgID: orgID, SessionID: &sid, ActorUserID: actor.UserID, Actor: actor.Label,
		Action: action, Detail: string(data), CreatedAt: now,
	}
	// Entries about a person are found by erasure through this column.
	switch id := detail["person_id"].(type) {
	case int64:
		e.PersonID = &id
	case *int64:
		e.PersonID = id
	}
	a.entries = append(a.entries, e)
}

// Audit records one entry outside the booking rules (attendance, check-in).
func Audit(ctx context.Context, tx *store.Store, actor Actor, orgID, sessionID int64, action string, detail map[string]any, now time.Time) error {
	var a audit
	a.add(actor, orgID, sessionID, action, detail, now)
	return a.save(ctx, tx)
}

func (a *audit) save(ctx context.Context, tx *store.Store) error {
	return tx.InsertAudit(ctx, a.entries)
}

// NewToken returns a participant token: 130 random bits, base32, URL-safe.
func NewToken() string { return rand.Text() }

// newUID returns a session UID that never changes: a random UUID at host.
func newUID(host string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x@%s", b[0:4], b[4:6], b[6:8], b[8:10], b[10:], host)
}
