package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// EnqueueMail adds messages to the outbox.
func (s *Store) EnqueueMail(ctx context.Context, msgs []*OutboxMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	return s.insert(ctx, msgs, 100)
}

// ClaimMail takes up to n messages that are due (pending and past their
// next attempt, or sending with an expired lease) for worker until leaseEnd.
// On PostgreSQL rows locked by another instance are skipped (FOR UPDATE
// SKIP LOCKED); on SQLite the transaction holds the only write lock.
func (s *Store) ClaimMail(ctx context.Context, worker string, n int, now, leaseEnd time.Time) ([]OutboxMessage, error) {
	var out []OutboxMessage
	err := s.Tx(ctx, func(tx *Store) error {
		q := tx.with(ctx).Model(&OutboxMessage{}).
			Where("((status = ? AND next_attempt_at <= ?) OR (status = ? AND claimed_until < ?))", OutboxPending, now, OutboxSending, now).
			Order("id").Limit(n)
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var ids []int64
		if err := q.Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		err := tx.with(ctx).Model(&OutboxMessage{}).Where("id IN ?", ids).Updates(map[string]any{
			"status": OutboxSending, "claimed_until": leaseEnd, "claimed_by": worker, "attempts": gorm.Expr("attempts + 1"),
		}).Error
		if err != nil {
			return err
		}
		return tx.with(ctx).Where("id IN ?", ids).Order("id").Find(&out).Error
	})
	return out, translate(err)
}

// RenewMailClaim checks, in one statement, that worker still holds the
// claim on message id and extends it until leaseEnd; it reports false when
// the message is no longer worker's to send (another worker took it over,
// or it was recorded meanwhile).
func (s *Store) RenewMailClaim(ctx context.Context, id int64, worker string, leaseEnd time.Time) (bool, error) {
	res := s.with(ctx).Model(&OutboxMessage{}).Where("id = ? AND claimed_by = ? AND status = ?", id, worker, OutboxSending).
		Update("claimed_until", leaseEnd)
	return res.RowsAffected == 1, translate(res.Error)
}

// ExtendMailClaims extends until leaseEnd the claims worker still holds
// among ids (its heartbeat), and returns how many it extended.
func (s *Store) ExtendMailClaims(ctx context.Context, ids []int64, worker string, leaseEnd time.Time) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res := s.with(ctx).Model(&OutboxMessage{}).Where("id IN ? AND claimed_by = ? AND status = ?", ids, worker, OutboxSending).
		Update("claimed_until", leaseEnd)
	return res.RowsAffected, translate(res.Error)
}

// MarkMailSent records a delivery, unless another worker has since taken
// the message over.
func (s *Store) MarkMailSent(ctx context.Context, id int64, worker string, now time.Time) error {
	return translate(s.with(ctx).Model(&OutboxMessage{}).Where("id = ? AND claimed_by = ? AND status = ?", id, worker, OutboxSending).
		Updates(map[string]any{"status": OutboxSent, "sent_at": now, "claimed_until": nil, "last_error": ""}).Error)
}

// MarkMailFailed records a failed attempt: the message is due again at
// next, or given up (failed) when giveUp.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, worker, reason string, next time.Time, giveUp bool) error {
	status := OutboxPending
	if giveUp {
		status = OutboxFailed
	}
	if len(reason) > 1000 {
		reason = reason[:1000]
	}
	return translate(s.with(ctx).Model(&OutboxMessage{}).Where("id = ? AND claimed_by = ? AND status = ?", id, worker, OutboxSending).
		Updates(map[string]any{"status": status, "next_attempt_at": next, "claimed_until": nil, "last_error": reason}).Error)
}

// OutboxFilter selects a commune's mails.
type OutboxFilter struct {
	OrgID     int64
	Status    string
	SessionID int64
	Limit     int
	Offset    int
}

// Outbox lists a commune's mails, newest first, with the total before paging.
func (s *Store) Outbox(ctx context.Context, f OutboxFilter) ([]OutboxMessage, int64, error) {
	q := s.with(ctx).Model(&OutboxMessage{}).Where("org_id = ?", f.OrgID)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.SessionID != 0 {
		q = q.Where("session_id = ?", f.SessionID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(f.Offset)
	}
	var out []OutboxMessage
	return out, total, translate(q.Order("id DESC").Find(&out).Error)
}

// RetryMail puts a failed mail of a commune back in the queue, due now.
func (s *Store) RetryMail(ctx context.Context, orgID, id int64, now time.Time) (*OutboxMessage, error) {
	res := s.with(ctx).Model(&OutboxMessage{}).Where("id = ? AND org_id = ? AND status = ?", id, orgID, OutboxFailed).
		Updates(map[string]any{"status": OutboxPending, "next_attempt_at": now.UTC(), "claimed_until": nil, "claimed_by": ""})
	if res.Error != nil {
		return nil, translate(res.Error)
	}
	var m OutboxMessage
	if err := s.with(ctx).Where("id = ? AND org_id = ?", id, orgID).Take(&m).Error; err != nil {
		return nil, translate(err)
	}
	if res.RowsAffected == 0 {
		return &m, ErrConflict
	}
	return &m, nil
}

// Composed is the content of a message queued by a change, composed when
// it is read (internal/mail).
type Composed struct {
	FromEmail, FromName                                  string
	Subject, TextBody, HTMLBody, ICS, ICSMethod, PageURL string
}
