// Package booking holds the rules of sessions and registrations: capacity,
// a fair waiting list, deadlines and cancellations, each change in one
// transaction with its audit entry and the mails it causes.
package booking

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/formats"
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

// Store is what booking reads outside a transaction.
type Store interface {
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
	Session(ctx context.Context, id int64) (*store.Session, error)
	Sessions(ctx context.Context, f store.SessionFilter) ([]store.Session, int64, error)
	SessionTrainers(ctx context.Context, sessionIDs []int64) (map[int64][]int64, error)
	CountsBySession(ctx context.Context, ids []int64) (map[int64]store.Counts, error)
	OrgsByID(ctx context.Context, ids []int64) (map[int64]*store.Org, error)
	Department(ctx context.Context, orgID, id int64) (*store.Department, error)
	People(ctx context.Context, f store.PeopleFilter) ([]store.Person, int64, error)
	RegistrationRows(ctx context.Context, f store.RegistrationFilter) ([]store.RegistrationRow, error)
	Registration(ctx context.Context, id int64) (*store.Registration, error)
	RegistrationByToken(ctx context.Context, token string) (*store.Registration, error)
	UsersByID(ctx context.Context, orgID int64, ids []int64) (map[int64]*store.User, error)
	AttendedPeople(ctx context.Context, orgID int64, ids []int64) (map[int64]bool, error)
	UsersIn(ctx context.Context, orgIDs, ids []int64) (map[int64]*store.User, error)
	SessionQuotas(ctx context.Context, sessionIDs []int64) (map[int64][]store.SessionQuota, error)
	CountsByOrg(ctx context.Context, sessionIDs []int64) (map[int64]map[int64]store.Counts, error)
	OrgsBySlug(ctx context.Context, slugs []string) (map[string]*store.Org, error)
	Org(ctx context.Context, id int64) (*store.Org, error)
	formats.Reader
}

// Service applies the booking rules.
type Service struct {
	store    Store
	formats  *formats.Resolver
	now      func() time.Time
	host     string
	notifier Notifier
	// lanes book the requests that arrive together (combine.go).
	lanes lanes
}

// New returns a Service. formats finds the format of a session; host names
// the server in session UIDs; notifier may be nil.
func New(s Store, f *formats.Resolver, now func() time.Time, host string, n Notifier) *Service {
	return &Service{store: s, formats: f, now: now, host: host, notifier: n}
}

// formatsIn is the resolver reading through tx, or through the service's
// store when tx is nil.
func (b *Service) formatsIn(tx *store.Store) *formats.Resolver {
	if tx == nil {
		return b.formats
	}
	return b.formats.In(tx)
}

func (b *Service) notify(ctx context.Context, tx *store.Store, events []Event) error {
	if b.notifier == nil || len(events) == 0 {
		return nil
	}
	return b.notifier.Notify(ctx, tx, events)
}

// policySession describes a session to the access policy, reading its
// trainers through st.
func policySession(ctx context.Context, st interface {
	SessionTrainers(ctx context.Context, sessionIDs []int64) (map[int64][]int64, error)
}, sess *store.Session) (access.Session, error) {
	t, err := st.SessionTrainers(ctx, []int64{sess.ID})
	if err != nil {
		return access.Session{}, err
	}
	return access.Session{OrgID: sess.OrgID, Open: sess.OpenToOtherCommunes, Trainers: t[sess.ID]}, nil
}

// sessionRef describes a session to the policy when trainers do not matter
// (the action is one trainers never take).
func sessionRef(sess *store.Session) access.Session {
	return access.Session{OrgID: sess.OrgID, Open: sess.OpenToOtherCommunes}
}

// redact blanks the personal token of registrations the caller may not
// hold: the token opens the person's page, invite and cancellation.
func redact(caller access.Caller, sess *store.Session, r *store.Registration) {
	if !caller.CanSeeToken(access.Registration{ID: r.ID, OrgID: r.OrgID, Session: sessionRef(sess)}) {
		r.Token = ""
	}
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
