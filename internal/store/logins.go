package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm/clause"
)

// LoginAttempt is the sign-in count of one key (a hash of an account and
// client address pair, or of an address): see auth's limiter for the rules.
type LoginAttempt struct {
	KeyHash      string `gorm:"primaryKey"`
	Failures     int
	BlockedUntil time.Time
	WindowStart  time.Time
	LastAt       time.Time
}

// LoginAttempts runs decide on the rows of keys, in the order of keys,
// locked against every other transaction and instance until it returns:
// the decision and the count it writes are one atomic step. A key without
// a row gets a fresh one (no failures, window starting at now). What decide
// leaves is saved, and rows left without failures are deleted; if decide
// returns an error nothing is written and that error is returned.
func (s *Store) LoginAttempts(ctx context.Context, keys []string, now time.Time, decide func(rows []*LoginAttempt) error) error {
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	return translate(s.Tx(ctx, func(tx *Store) error {
		fresh := make([]LoginAttempt, len(sorted))
		for i, k := range sorted {
			fresh[i] = LoginAttempt{KeyHash: k, WindowStart: now.UTC(), LastAt: now.UTC(), BlockedUntil: time.Time{}.UTC()}
		}
		// Another instance may be creating the same row: its insert wins
		// and ours waits for it, then does nothing.
		if err := tx.with(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&fresh).Error; err != nil {
			return err
		}
		// Locked in key order, so that two transactions never wait for
		// each other's second row (SQLite's transaction already holds the
		// only write lock).
		q := tx.with(ctx).Where("key_hash IN ?", sorted).Order("key_hash")
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var rows []LoginAttempt
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		byKey := make(map[string]*LoginAttempt, len(rows))
		for i := range rows {
			byKey[rows[i].KeyHash] = &rows[i]
		}
		ordered := make([]*LoginAttempt, len(keys))
		for i, k := range keys {
			ordered[i] = byKey[k]
		}
		if err := decide(ordered); err != nil {
			return err
		}
		for i := range rows {
			r := &rows[i]
			if r.Failures <= 0 {
				if err := tx.with(ctx).Delete(&LoginAttempt{}, "key_hash = ?", r.KeyHash).Error; err != nil {
					return err
				}
				continue
			}
			err := tx.with(ctx).Model(&LoginAttempt{}).Where("key_hash = ?", r.KeyHash).Updates(map[string]any{
				"failures": r.Failures, "blocked_until": r.BlockedUntil.UTC(), "window_start": r.WindowStart.UTC(), "last_at": r.LastAt.UTC(),
			}).Error
			if err != nil {
				return err
			}
		}
		return nil
	}))
}

// DeleteLoginAttemptsBefore deletes the counts whose last attempt is older
// than t, and returns how many went.
func (s *Store) DeleteLoginAttemptsBefore(ctx context.Context, t time.Time) (int64, error) {
	res := s.with(ctx).Where("last_at < ?", t.UTC()).Delete(&LoginAttempt{})
	return res.RowsAffected, translate(res.Error)
}
