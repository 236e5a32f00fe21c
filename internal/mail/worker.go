package mail

import (
	"context"
	"crypto/rand"
	"log/slog"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
)

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m *store.OutboxMessage) error
}

// Worker delivers the outbox. Several workers (one per app instance) can
// run against one database: each message is claimed by one of them for a
// lease, and marked sent by the one that claimed it.
type Worker struct {
	store  *store.Store
	sender Sender
	log    *slog.Logger
	now    func() time.Time
	id     string

	// Batch is how many messages one round claims.
	Batch int
	// Lease is how long a claimed message is reserved; past it, another
	// worker may take it over (its sender died).
	Lease time.Duration
	// Poll is the pause when the outbox is empty.
	Poll time.Duration
	// MaxAttempts before a message is marked failed.
	MaxAttempts int
	// Backoff is the wait after the n-th failed attempt.
	Backoff func(attempt int) time.Duration
}

// NewWorker returns a worker with sensible defaults.
func NewWorker(s *store.Store, sender Sender, log *slog.Logger, now func() time.Time) *Worker {
	return &Worker{
		store: s, sender: sender, log: log, now: now, id: "w-" + rand.Text()[:12],
		Batch: 20, Lease: 2 * time.Minute, Poll: 2 * time.Second, MaxAttempts: 50, Backoff: DefaultBackoff,
	}
}

// DefaultBackoff waits 30 s, 1 min, 2 min, … up to one hour between attempts.
func DefaultBackoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Run delivers until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.ErrorContext(ctx, "outbox", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(w.Poll):
		}
	}
}

// RunOnce claims one batch and tries to deliver it; it returns how many
// messages it handled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	now := w.now()
	msgs, err := w.store.ClaimMail(ctx, w.id, w.Batch, now, now.Add(w.Lease))
	if err != nil {
		return 0, err
	}
	for i := range msgs {
		m := &msgs[i]
		sendCtx, cancel := context.WithTimeout(ctx, w.Lease/2)
		err := w.sender.Send(sendCtx, m)
		cancel()
		// Record the outcome even if ctx is ending: a sent message must
		// not be sent again after a restart.
		recordCtx := context.WithoutCancel(ctx)
		if err == nil {
			if err := w.store.MarkMailSent(recordCtx, m.ID, w.id, w.now()); err != nil {
				return i, err
			}
			w.log.InfoContext(ctx, "mail sent", "id", m.ID, "kind", m.Kind)
			continue
		}
		giveUp := m.Attempts >= w.MaxAttempts
		next := w.now().Add(w.Backoff(m.Attempts))
		w.log.WarnContext(ctx, "mail not sent", "id", m.ID, "attempt", m.Attempts, "retry_at", next, "give_up", giveUp, "err", err)
		if err := w.store.MarkMailFailed(recordCtx, m.ID, w.id, err.Error(), next, giveUp); err != nil {
			return i, err
		}
	}
	return len(msgs), nil
}
