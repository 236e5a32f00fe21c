package privacy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/store"
)

// PurgeReport says what a purge removed (or, in a dry run, would remove).
type PurgeReport struct {
	// Cutoff is the retention period's start: what ended before it goes.
	Cutoff time.Time `json:"cutoff"`
	// People counts the people erased because they left before Cutoff.
	People int64 `json:"people"`
	// Accounts counts the accounts disabled before Cutoff whose address,
	// name and password went.
	Accounts int64 `json:"accounts"`
	// StaffActions counts the staff log entries older than Cutoff.
	StaffActions int64 `json:"staff_actions"`
	// SignIns counts expired sign-in sessions and reset links, and failed
	// attempt counts older than Cutoff.
	SignIns int64 `json:"sign_ins"`
	DryRun  bool  `json:"dry_run"`
}

// purgeBatch is how many departed people one pass reads: each is erased in
// a transaction of their own, so a long purge never holds locks for long.
const purgeBatch = 200

// Purge removes the personal data kept beyond the retention period:
// people who left the commune before it are erased as an erasure
// would (their registrations stay as anonymous counts, so the campaign's
// reports keep their totals), accounts disabled before it lose their
// address, name and password, the staff log forgets older entries, and
// expired sign-in traces go. Only the system purges (the daily job, the
// command line); each erasure and account is written to the staff log.
func (p *Service) Purge(ctx context.Context, caller access.Caller, dryRun bool) (*PurgeReport, error) {
	if err := caller.Platform(access.PurgeExpired); err != nil {
		return nil, err
	}
	now := p.now()
	rep := &PurgeReport{Cutoff: now.AddDate(0, -p.months, 0).UTC(), DryRun: dryRun}
	if dryRun {
		due, err := p.store.RetentionDue(ctx, rep.Cutoff, now)
		if err != nil {
			return nil, err
		}
		rep.People, rep.Accounts, rep.StaffActions, rep.SignIns = due.People, due.Accounts, due.StaffActions, due.SignIns
		return rep, nil
	}
	for {
		gone, err := p.store.PeopleLeftBefore(ctx, rep.Cutoff, purgeBatch)
		if err != nil {
			return rep, err
		}
		for _, g := range gone {
			err := p.store.Tx(ctx, func(tx *store.Store) error {
				// Read again under the lock: someone back at work since
				// the list was read is not erased.
				cur, err := tx.LockPerson(ctx, g.OrgID, g.ID)
				if err != nil {
					return err
				}
				if cur.LeftAt == nil || !cur.LeftAt.Before(rep.Cutoff) {
					return nil
				}
				rep.People++
				return p.erase(ctx, tx, caller, g.OrgID, g.ID, "person_purged", now)
			})
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return rep, err
			}
		}
		if len(gone) < purgeBatch {
			break
		}
	}
	err := p.store.Tx(ctx, func(tx *store.Store) error {
		ids, err := tx.PurgeAccounts(ctx, rep.Cutoff)
		if err != nil {
			return err
		}
		rep.Accounts = int64(len(ids))
		// The log is trimmed before the purge's own entries are written.
		if rep.StaffActions, rep.SignIns, err = tx.PurgeLogs(ctx, rep.Cutoff, now); err != nil {
			return err
		}
		for _, id := range ids {
			if err := audit.Staff(ctx, tx, caller, 0, "account_purged", fmt.Sprintf("user:%d", id), nil, now); err != nil {
				return err
			}
		}
		return nil
	})
	return rep, err
}
