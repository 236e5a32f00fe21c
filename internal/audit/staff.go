package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/store"
)

// StaffWriter is what recording a staff action needs.
type StaffWriter interface {
	InsertStaffAction(ctx context.Context, a *store.StaffAction) error
}

// Staff records an action of staff on accounts or personal data — an
// account created, a role changed, an account disabled, a reset link made,
// a person exported or erased, people imported or exported — for admins to
// read. detail must never hold a password or a token.
func Staff(ctx context.Context, w StaffWriter, caller access.Caller, orgID int64, action, target string, detail map[string]any, now time.Time) error {
	data := ""
	if len(detail) > 0 {
		b, _ := json.Marshal(detail)
		data = clean.Truncate(string(b), 2000)
	}
	a := &store.StaffAction{CreatedAt: now.UTC(), ActorUserID: caller.UserRef(), Actor: clean.Truncate(caller.Label, 254),
		Action: action, Target: clean.Truncate(clean.Line(target), 200), Detail: data}
	if orgID != 0 {
		id := orgID
		a.OrgID = &id
	}
	return w.InsertStaffAction(ctx, a)
}

// StaffStore is what reading the staff log needs.
type StaffStore interface {
	StaffActions(ctx context.Context, f store.StaffActionFilter) ([]store.StaffAction, int64, error)
}

// StaffLog reads the log of staff actions: admins only.
type StaffLog struct {
	store StaffStore
}

// NewStaffLog returns a StaffLog.
func NewStaffLog(s StaffStore) *StaffLog { return &StaffLog{store: s} }

// List lists staff actions, newest first (one commune's with orgID).
func (l *StaffLog) List(ctx context.Context, caller access.Caller, f store.StaffActionFilter) ([]store.StaffAction, int64, error) {
	if err := caller.Platform(access.ReadStaffLog); err != nil {
		return nil, 0, err
	}
	return l.store.StaffActions(ctx, f)
}
