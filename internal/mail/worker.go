package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"sync"
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
//
// A message is never sent twice while its worker is alive: a round claims
// only what it can send within half a lease (judged by how long deliveries
// take), a heartbeat extends the lease while the round lasts, and right
// before each send the worker checks in the database, in one statement,
// that the claim is still its own (and extends it). If the worker dies, its
// claims pass to another worker when the lease runs out: only the message
// it was sending may go out again, with the same Message-ID.
type Worker struct {
	store  *store.Store
	sender Sender
	log    *slog.Logger
	now    func() time.Time
	id     string

	// Batch is the most messages one round claims.
	Batch int
	// Lease is how long a claim holds without news from its worker; past
	// it, another worker may take the message over (its sender died). The
	// worker renews its claims every Lease/3 while it works.
	Lease time.Duration
	// SendTimeout bounds one delivery.
	SendTimeout time.Duration
	// Poll is the pause when the outbox is empty.
	Poll time.Duration
	// MaxAttempts before a message is marked failed.
	MaxAttempts int
	// Backoff is the wait after the n-th failed attempt.
	Backoff func(attempt int) time.Duration

	mu sync.Mutex
	// perMessage is how long a delivery takes (a moving average that
	// follows a slowdown at once); zero until the first one.
	perMessage time.Duration
	// notifier composes the messages queued by a change, right before
	// they are sent.
	notifier *Notifier
}

// ComposingWith makes the worker compose the messages queued by a change
// (booking.Notifier's), right before sending each.
func (w *Worker) ComposingWith(n *Notifier) *Worker {
	w.notifier = n
	return w
}

// errNoComposer is a queued message's error when the worker has no
// notifier to compose it with.
var errNoComposer = errors.New("outbox: queued message, and no notifier to compose it")

// compose fills a queued message in, right before it is sent.
func (w *Worker) compose(ctx context.Context, m *store.OutboxMessage) error {
	if m.Event == "" {
		return nil // composed when queued
	}
	if w.notifier == nil {
		return errNoComposer
	}
	return w.notifier.fill(ctx, w.store, m)
}

// NewWorker returns a worker with sensible defaults.
func NewWorker(s *store.Store, sender Sender, log *slog.Logger, now func() time.Time) *Worker {
	return &Worker{
		store: s, sender: sender, log: log, now: now, id: "w-" + rand.Text()[:12],
		Batch: 20, Lease: 2 * time.Minute, SendTimeout: time.Minute, Poll: 2 * time.Second, MaxAttempts: 50, Backoff: DefaultBackoff,
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

// errClaimsLost stops a round whose claims could not be renewed in time.
var errClaimsLost = errors.New("outbox: claims could not be renewed; stopped sending")

// RunOnce claims one batch and tries to deliver it; it returns how many
// messages it handled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	now := w.now()
	msgs, err := w.store.ClaimMail(ctx, w.id, w.claimSize(), now, now.Add(w.Lease))
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	ids := make([]int64, len(msgs))
	for i := range msgs {
		ids[i] = msgs[i].ID
	}
	round, stop := context.WithCancelCause(ctx)
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		w.heartbeat(round, stop, ids)
	}()
	defer func() {
		stop(nil)
		<-beating
	}()
	for i := range msgs {
		if err := context.Cause(round); err != nil {
			return i, err
		}
		m := &msgs[i]
		// Right before sending: still ours? (and for a full lease more).
		ours, err := w.store.RenewMailClaim(ctx, m.ID, w.id, w.now().Add(w.Lease))
		if err != nil {
			return i, err
		}
		if !ours {
			w.log.WarnContext(ctx, "mail claim lost, not sending", "id", m.ID)
			continue
		}
		start := time.Now()
		if err = w.compose(round, m); err == nil {
			sendCtx, cancel := context.WithTimeout(round, w.SendTimeout)
			err = w.sender.Send(sendCtx, m)
			cancel()
		}
		w.observe(time.Since(start))
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
		// Nothing to send (e.g. the commune's sender address is not
		// valid) is not tried again until HR retries it.
		giveUp := m.Attempts >= w.MaxAttempts || errors.Is(err, ErrNothingToSend)
		next := w.now().Add(w.Backoff(m.Attempts))
		w.log.WarnContext(ctx, "mail not sent", "id", m.ID, "attempt", m.Attempts, "retry_at", next, "give_up", giveUp, "err", err)
		if err := w.store.MarkMailFailed(recordCtx, m.ID, w.id, err.Error(), next, giveUp); err != nil {
			return i, err
		}
	}
	return len(msgs), nil
}

// heartbeat extends the round's claims every Lease/3 until ctx ends. When
// renewals keep failing until only a third of the lease is left, it stops
// the round (aborting the delivery under way): past the lease another
// worker may send the same messages.
func (w *Worker) heartbeat(ctx context.Context, stop context.CancelCauseFunc, ids []int64) {
	every := max(w.Lease/3, time.Millisecond)
	tick := time.NewTicker(every)
	defer tick.Stop()
	renewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		_, err := w.store.ExtendMailClaims(ctx, ids, w.id, w.now().Add(w.Lease))
		switch {
		case err == nil:
			renewed = time.Now()
		case ctx.Err() != nil:
			return
		case time.Since(renewed) >= w.Lease-every:
			w.log.ErrorContext(ctx, "outbox: cannot renew the claims", "err", err)
			stop(errClaimsLost)
			return
		default:
			w.log.WarnContext(ctx, "outbox: claim renewal failed, retrying", "err", err)
		}
	}
}

// claimSize is how many messages a round can send within half a lease: one
// until a delivery has been timed, then Lease/2 over the time one takes,
// between 1 and Batch.
func (w *Worker) claimSize() int {
	w.mu.Lock()
	per := w.perMessage
	w.mu.Unlock()
	if per <= 0 {
		return 1
	}
	return max(1, min(w.Batch, int(w.Lease/2/per)))
}

// observe folds one delivery's duration into perMessage.
func (w *Worker) observe(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if d > w.perMessage {
		w.perMessage = d
		return
	}
	w.perMessage = (3*w.perMessage + d) / 4
}
