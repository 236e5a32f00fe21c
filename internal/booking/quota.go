package booking

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/store"
)

// A pooled session may hold seats per commune (quotas, issue 17): each
// commune books its own people against its own seats, and those who do not
// fit wait on their commune's own list, 1..n. The host's seats are those
// no other commune's quota holds. Without quotas, the session has one list
// and every commune books against its capacity.

// listOf says how many seats commune orgID books against in sess, given
// its quotas, and the waiting list its people join (0: the session's one
// list; the commune's id: its own list). ok is false for a commune that
// has no seats in a session with quotas.
func listOf(sess *store.Session, quotas []store.SessionQuota, orgID int64) (seats int, scope int64, ok bool) {
	if len(quotas) == 0 {
		return sess.Capacity, 0, true
	}
	others, own, listed := 0, 0, false
	for _, q := range quotas {
		if q.OrgID == orgID {
			own, listed = q.Seats, true
		}
		if q.OrgID != sess.OrgID {
			others += q.Seats
		}
	}
	if orgID == sess.OrgID {
		return sess.Capacity - others, orgID, true
	}
	return own, orgID, listed
}

// seatsFor is the seat decision of a booking by commune orgID into sess,
// whose row the transaction has locked: the seats it books against and
// the list its people wait on. In a session with quotas, counts (the
// session's) becomes the commune's: its booked people, its list's last
// position. Read in statements of their own, after the lock.
func seatsFor(ctx context.Context, tx *store.Store, sess *store.Session, orgID int64, counts *store.Counts) (int, int64, error) {
	if counts.NoQuotas {
		return sess.Capacity, 0, nil // one list: nothing more to read under the lock
	}
	quotas, err := tx.SessionQuotas(ctx, []int64{sess.ID})
	if err != nil {
		return 0, 0, err
	}
	seats, scope, ok := listOf(sess, quotas[sess.ID], orgID)
	if !ok {
		return 0, 0, apperr.Conflict("pool.err.no_quota")
	}
	if scope != 0 {
		if *counts, err = tx.ListCounts(ctx, sess.ID, orgID, scope); err != nil {
			return 0, 0, err
		}
	}
	return seats, scope, nil
}

// freeSeats says how many seats are free for commune orgID in sess, whose
// row is locked, and on which list those waiting for them are: the
// session's, or the commune's own in a session with quotas.
func freeSeats(ctx context.Context, tx *store.Store, sess *store.Session, orgID int64) (int, int64, error) {
	counts, err := tx.SessionCounts(ctx, sess.ID)
	if err != nil {
		return 0, 0, err
	}
	seats, scope, err := seatsFor(ctx, tx, sess, orgID, &counts)
	if apperr.Is(err, apperr.CodeConflict) {
		return 0, 0, nil // no seats of its own: nobody to promote
	}
	if err != nil {
		return 0, 0, err
	}
	return max(0, seats-counts.Booked), scope, nil
}

// rebalance applies a change of capacity or quotas to sess, whose row is
// locked, before applied: every commune keeps seats for the people it has
// booked (409 otherwise), the lists cannot change shape while anyone waits
// (one list for the session, or one per commune), the quotas are saved,
// the change is written to the history, and freed seats go to the head of
// each list. It returns the people promoted.
func rebalance(ctx context.Context, tx *store.Store, caller access.Caller, sess, before *store.Session, ap *applied, log *audit.Log, now time.Time) ([]store.Registration, error) {
	current, err := tx.SessionQuotas(ctx, []int64{sess.ID})
	if err != nil {
		return nil, err
	}
	old, quotas := current[sess.ID], current[sess.ID]
	if ap.quotas != nil {
		quotas = *ap.quotas
	}
	byOrg, err := tx.CountsByOrg(ctx, []int64{sess.ID})
	if err != nil {
		return nil, err
	}
	counts := byOrg[sess.ID]
	orgIDs := slices.Sorted(maps.Keys(counts))
	booked := 0
	for _, c := range counts {
		booked += c.Booked
	}
	if ap.quotas != nil && (len(old) == 0) != (len(quotas) == 0) {
		for _, c := range counts {
			if c.Waitlisted > 0 {
				return nil, apperr.Conflict("pool.err.lists_change")
			}
		}
	}
	ids := orgIDs
	for _, q := range append(slices.Clone(old), quotas...) {
		ids = append(ids, q.OrgID)
	}
	orgs, err := tx.OrgsByID(ctx, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, err
	}
	name := func(id int64) string {
		if o, ok := orgs[id]; ok {
			return o.Name
		}
		return ""
	}
	if len(quotas) == 0 && sess.Capacity < booked {
		return nil, apperr.Conflict("err.capacity_below_booked", booked)
	}
	if len(quotas) > 0 {
		for _, id := range orgIDs {
			c := counts[id]
			seats, _, ok := listOf(sess, quotas, id)
			switch {
			case !ok:
				return nil, apperr.Conflict("pool.err.quota_removed", name(id))
			case c.Booked > seats:
				return nil, apperr.Conflict("pool.err.quota_below_booked", name(id), c.Booked)
			}
		}
	}
	if sess.Capacity != before.Capacity {
		log.Add(caller, sess.OrgID, sess.ID, "capacity_changed", map[string]any{"from": before.Capacity, "to": sess.Capacity}, now)
	}
	if ap.quotas != nil {
		slugOf := func(qs []store.SessionQuota) map[string]int {
			out := make(map[string]int, len(qs))
			for _, q := range qs {
				if o, ok := orgs[q.OrgID]; ok {
					out[o.Slug] = q.Seats
				}
			}
			return out
		}
		if from, to := slugOf(old), slugOf(quotas); !maps.Equal(from, to) {
			log.Add(caller, sess.OrgID, sess.ID, "quotas_changed", map[string]any{"from": from, "to": to}, now)
		}
		if err := tx.SetSessionQuotas(ctx, sess.ID, quotas); err != nil {
			return nil, err
		}
	}
	if len(quotas) == 0 {
		return promote(ctx, tx, sess, 0, sess.Capacity-booked, caller, log, now)
	}
	lists := []int64{sess.OrgID}
	for _, q := range quotas {
		lists = append(lists, q.OrgID)
	}
	var out []store.Registration
	for _, id := range slices.Compact(slices.Sorted(slices.Values(lists))) {
		seats, scope, _ := listOf(sess, quotas, id)
		promoted, err := promote(ctx, tx, sess, scope, seats-counts[id].Booked, caller, log, now)
		if err != nil {
			return nil, err
		}
		out = append(out, promoted...)
	}
	return out, nil
}
