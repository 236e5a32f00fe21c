// Package audit keeps the log of who did what to a session, and when:
// domain packages add entries inside the transaction of the change, and
// HR reads a session's history.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/store"
)

// Log is a batch of entries under construction, saved with the change it
// records.
type Log struct {
	entries []store.AuditEntry
}

// Add records that caller did action on a session of commune orgID.
// detail is stored as JSON; its "person_id", when set, ties the entry to a
// person so that an erasure finds it.
func (l *Log) Add(caller access.Caller, orgID, sessionID int64, action string, detail map[string]any, now time.Time) {
	data, _ := json.Marshal(detail)
	e := store.AuditEntry{
		OrgID: orgID, ActorUserID: caller.UserRef(), Actor: caller.Label,
		Action: action, Detail: string(data), CreatedAt: now,
	}
	if sessionID != 0 {
		sid := sessionID
		e.SessionID = &sid
	}
	switch id := detail["person_id"].(type) {
	case int64:
		e.PersonID = &id
	case *int64:
		e.PersonID = id
	}
	l.entries = append(l.entries, e)
}

// Len is the number of entries waiting to be saved.
func (l *Log) Len() int { return len(l.entries) }

// Writer is what saving a log needs.
type Writer interface {
	InsertAudit(ctx context.Context, entries []store.AuditEntry) error
}

// Save writes the entries through w (the change's transaction).
func (l *Log) Save(ctx context.Context, w Writer) error {
	err := w.InsertAudit(ctx, l.entries)
	if err == nil {
		l.entries = nil
	}
	return err
}

// Record writes one entry at once, for changes outside a batch.
func Record(ctx context.Context, w Writer, caller access.Caller, orgID, sessionID int64, action string, detail map[string]any, now time.Time) error {
	var l Log
	l.Add(caller, orgID, sessionID, action, detail, now)
	return l.Save(ctx, w)
}

// Store is what reading the history needs.
type Store interface {
	Session(ctx context.Context, id int64) (*store.Session, error)
	SessionHistory(ctx context.Context, sessionID int64, newestFirst bool, limit int) ([]store.AuditEntry, error)
}

// Service reads the log.
type Service struct {
	store Store
}

// New returns a Service.
func New(s Store) *Service { return &Service{store: s} }

// History returns the log of a session of the caller's commune, oldest
// first; with limit > 0, only the limit newest entries, newest first.
func (s *Service) History(ctx context.Context, caller access.Caller, sessionID int64, limit int) ([]store.AuditEntry, error) {
	sess, err := s.store.Session(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if err := caller.OnSession(access.ViewHistory, access.Session{OrgID: sess.OrgID, Open: sess.OpenToOtherCommunes}); err != nil {
		return nil, err
	}
	return s.store.SessionHistory(ctx, sessionID, limit > 0, limit)
}

// Detail decodes an entry's stored JSON.
func Detail(e *store.AuditEntry) map[string]any {
	out := map[string]any{}
	_ = json.Unmarshal([]byte(e.Detail), &out)
	return out
}
