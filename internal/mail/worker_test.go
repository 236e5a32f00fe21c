package mail_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// Timings of the slow-server tests: the server takes longer over each
// message than a whole lease, which today's production values scale up
// (a 2-minute lease and a server slower than that).
const (
	testLease = 300 * time.Millisecond
	slowSMTP  = 500 * time.Millisecond
)

// queueMessages books n people into a new session: n messages to send.
func queueMessages(t *testing.T, f *fixture, n int) {
	t.Helper()
	sess := f.session(t, n)
	var ids []int64
	for i := range n {
		ids = append(ids, f.person(t, fmt.Sprintf("Personne %02d", i), fmt.Sprintf("p%d@ecublens.example", i), "fr"))
	}
	if _, err := f.svc.Book(context.Background(), f.hr, sess.ID, booking.BookRequest{PersonIDs: &ids}); err != nil {
		t.Fatal(err)
	}
	if got := len(f.outbox(t)); got != n {
		t.Fatalf("%d messages queued, want %d", got, n)
	}
}

// secondStore opens the test's database again, as another instance would.
func secondStore(t *testing.T, db storetest.DB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), db.URL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// slowWorker is a worker on s with the tests' short lease and the real clock.
func slowWorker(f *fixture, s *store.Store, sender mail.Sender) *mail.Worker {
	w := mail.NewWorker(s, sender, slog.New(slog.DiscardHandler), time.Now).ComposingWith(f.notifier)
	w.Lease = testLease
	return w
}

// deliverAll runs w until the outbox holds no message waiting or being
// sent, or until the deadline; it reports whether the outbox was emptied.
func deliverAll(t *testing.T, f *fixture, w *mail.Worker, deadline time.Time) bool {
	t.Helper()
	for time.Now().Before(deadline) {
		n, err := w.RunOnce(context.Background())
		if err != nil {
			t.Errorf("worker: %v", err)
			return false
		}
		if n > 0 {
			continue
		}
		done := true
		for _, m := range f.outbox(t) {
			if m.Status == store.OutboxPending || m.Status == store.OutboxSending {
				done = false
			}
		}
		if done {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// TestSlowServerTwoWorkers: with an SMTP server slower per message than a
// whole lease, two workers (two instances) deliver every message exactly
// once: a worker claims what it can send within the lease and keeps its
// claims alive while it sends.
func TestSlowServerTwoWorkers(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			f := newFixture(t, db)
			queueMessages(t, f, 6)
			server := newSMTPServer(t)
			server.delay = slowSMTP
			server.up(t)
			sender, err := mail.NewSMTP("smtp://"+server.addr, "")
			if err != nil {
				t.Fatal(err)
			}
			// On SQLite two Worker values on one database; on PostgreSQL
			// two connections, as two instances have.
			other := f.store
			if db.Name == "postgres" {
				other = secondStore(t, db)
			}
			deadline := time.Now().Add(20 * time.Second)
			var wg sync.WaitGroup
			for _, s := range []*store.Store{f.store, other} {
				wg.Go(func() { deliverAll(t, f, slowWorker(f, s, sender), deadline) })
			}
			wg.Wait()
			got := server.deliveries()
			for _, m := range f.outbox(t) {
				if m.Status != store.OutboxSent || got[m.MessageID] != 1 {
					t.Errorf("message %d: status %s, delivered %d times", m.ID, m.Status, got[m.MessageID])
				}
			}
		})
	}
}

// TestCrashMidSend: a worker that dies while the server takes its message
// (no outcome recorded, no more renewals) leaves its claims to another
// worker once the lease runs out. Every message arrives; only the one in
// flight may arrive twice, with the same Message-ID.
func TestCrashMidSend(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			f := newFixture(t, db)
			queueMessages(t, f, 5)
			// The first worker has a connection of its own, which dies with it.
			doomed := secondStore(t, db)
			ctx, crash := context.WithCancel(context.Background())
			defer crash()
			var once sync.Once
			inFlight := make(chan string, 1)
			server := newSMTPServer(t)
			server.delay = slowSMTP
			received := 0
			server.onData = func(id string) {
				server.mu.Lock()
				received++
				n := received
				server.mu.Unlock()
				if n == 2 { // the crash comes while the server takes the second message
					once.Do(func() {
						doomed.Close()
						crash()
						inFlight <- id
					})
				}
			}
			server.up(t)
			sender, err := mail.NewSMTP("smtp://"+server.addr, "")
			if err != nil {
				t.Fatal(err)
			}
			dead := make(chan struct{})
			go func() {
				defer close(dead)
				w := slowWorker(f, doomed, sender)
				for ctx.Err() == nil {
					if _, err := w.RunOnce(ctx); err != nil {
						return
					}
				}
			}()
			var lost string
			select {
			case lost = <-inFlight:
			case <-time.After(20 * time.Second):
				t.Fatal("the first worker never sent a second message")
			}
			<-dead
			if !deliverAll(t, f, slowWorker(f, f.store, sender), time.Now().Add(20*time.Second)) {
				t.Error("the outbox was not emptied after the crash")
			}
			got := server.deliveries()
			msgs := f.outbox(t)
			if len(got) != len(msgs) {
				t.Errorf("%d distinct messages delivered, %d queued", len(got), len(msgs))
			}
			for _, m := range msgs {
				want := 1
				if m.MessageID == lost {
					want = 2 // sent, then the crash before it was recorded
				}
				if m.Status != store.OutboxSent || got[m.MessageID] != want {
					t.Errorf("message %d: status %s, delivered %d times (want %d; in flight at the crash: %v)", m.ID, m.Status, got[m.MessageID], want, m.MessageID == lost)
				}
			}
		})
	}
}
