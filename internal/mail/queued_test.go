package mail_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// recordingSender keeps what it is given to send.
type recordingSender struct {
	mu   sync.Mutex
	sent []store.OutboxMessage
}

func (r *recordingSender) Send(_ context.Context, m *store.OutboxMessage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, *m)
	return nil
}

// TestQueuedMailComposedWhenRead: a change commits its mails as queued
// events and composes nothing while it holds its locks, nor writes
// anything back later. HR's outbox shows each whole, as it would have
// been written at the change; the worker composes each right before it
// sends it, in the person's language, with its calendar file; two workers
// send each once.
func TestQueuedMailComposedWhenRead(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			sess := f.session(t, 1)
			anne := f.person(t, "Anne Délèze", "anne@ecublens.example", "fr")
			hans := f.person(t, "Hans Müller", "hans@ecublens.example", "de")
			if _, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonIDs: &[]int64{anne, hans}}); err != nil {
				t.Fatal(err)
			}
			newStart := "2026-03-12T08:30:00+01:00"
			if _, err := f.svc.UpdateSession(ctx, f.hr, sess.ID, booking.SessionInput{StartsAt: &newStart}); err != nil {
				t.Fatal(err)
			}
			queued := f.queued(t)
			if len(queued) != 4 {
				t.Fatalf("%d messages queued, want 4", len(queued))
			}
			for _, m := range queued {
				if m.Event == "" || m.Subject != "" || m.ICS != "" || m.TextBody != "" {
					t.Errorf("message %d stored composed: subject %q", m.ID, m.Subject)
				}
			}
			want := map[string][]string{
				"booked/anne@ecublens.example":      {"Vous êtes inscrit·e", "mardi 10 mars 2026, 13 h 30 – 16 h 30"},
				"waitlisted/hans@ecublens.example":  {"Platz 1 der Warteliste"},
				"rescheduled/anne@ecublens.example": {"Nouvelle heure : mardi 10 mars 2026, 13 h 30 – 16 h 30 → jeudi 12 mars 2026, 8 h 30 – 11 h 30"},
				"rescheduled/hans@ecublens.example": {"Neue Zeit: Dienstag, 10. März 2026"},
			}
			check := func(how string, msgs []store.OutboxMessage) {
				t.Helper()
				if len(msgs) != 4 {
					t.Fatalf("%s: %d messages, want 4", how, len(msgs))
				}
				seen := map[string]bool{}
				for _, m := range msgs {
					key := m.Kind + "/" + m.ToEmail
					seen[key] = true
					if m.FromEmail != "rh@ecublens.example" || !strings.Contains(m.ICS, "METHOD:"+m.ICSMethod) || !strings.Contains(m.HTMLBody, "https://atelier.example/r/") {
						t.Errorf("%s, %s: not composed whole: from %q, method %q", how, key, m.FromEmail, m.ICSMethod)
					}
					for _, w := range want[key] {
						if !strings.Contains(m.TextBody, w) {
							t.Errorf("%s, %s: text lacks %q:\n%s", how, key, w, m.TextBody)
						}
					}
				}
				if len(seen) != len(want) {
					t.Errorf("%s: messages %v, want %v", how, seen, want)
				}
			}
			list, _, err := mail.NewOutbox(f.store, func() time.Time { return f.now }).ComposingWith(f.notifier, f.store).List(ctx, f.hr, store.OutboxFilter{})
			if err != nil {
				t.Fatal(err)
			}
			check("HR's outbox", list)
			// The session page's list: the same senders and subjects, no
			// bodies.
			subjects, _, err := mail.NewOutbox(f.store, func() time.Time { return f.now }).ComposingWith(f.notifier, f.store).Subjects(ctx, f.hr, store.OutboxFilter{SessionID: sess.ID})
			if err != nil || len(subjects) != len(list) {
				t.Fatalf("subjects: %d (%v), want %d", len(subjects), err, len(list))
			}
			for i, m := range subjects {
				if m.ID != list[i].ID || m.Subject == "" || m.Subject != list[i].Subject || m.FromName != list[i].FromName || m.FromEmail != list[i].FromEmail || m.TextBody != "" || m.ICS != "" {
					t.Errorf("subject %d: %q from %q <%s>, want %q from %q <%s>, no body", m.ID, m.Subject, m.FromName, m.FromEmail, list[i].Subject, list[i].FromName, list[i].FromEmail)
				}
			}
			for _, m := range f.queued(t) {
				if m.Subject != "" || m.Event == "" {
					t.Errorf("message %d written back by a read", m.ID)
				}
			}
			// Two workers, on two connections, as two instances.
			sender := &recordingSender{}
			other := secondStore(t, db)
			var wg sync.WaitGroup
			for _, s := range []*store.Store{f.store, other} {
				w := mail.NewWorker(s, sender, slog.New(slog.DiscardHandler), func() time.Time { return f.now }).ComposingWith(f.notifier)
				wg.Go(func() {
					for range 10 {
						if n, err := w.RunOnce(ctx); err != nil || n == 0 {
							if err != nil {
								t.Error(err)
							}
							return
						}
					}
				})
			}
			wg.Wait()
			check("sent", sender.sent)
			for _, m := range f.queued(t) {
				if m.Status != store.OutboxSent {
					t.Errorf("message %d: %s", m.ID, m.Status)
				}
			}
		})
	}
}

// TestQueuedMailInOrder: a person's mails go out in the order of the
// changes; a message that cannot be composed for now (its commune cannot
// be read) waits for its next attempt without holding up the others, and
// one that has nothing to send is marked failed at once, for HR to see.
func TestQueuedMailInOrder(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			sess := f.session(t, 3)
			anne := f.person(t, "Anne Délèze", "anne@ecublens.example", "fr")
			lea := f.person(t, "Léa Rey", "lea@ecublens.example", "fr")
			marc := f.person(t, "Marc Roh", "marc@ecublens.example", "fr")
			regs, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonIDs: &[]int64{anne, lea, marc}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.CancelRegistration(ctx, f.hr, regs[0].ID); err != nil {
				t.Fatal(err)
			}
			byKind := map[string]store.OutboxMessage{}
			for _, m := range f.queued(t) {
				byKind[m.Kind+"/"+m.ToEmail] = m
			}
			booked, cancelled, other, none := byKind["booked/anne@ecublens.example"], byKind["cancelled/anne@ecublens.example"], byKind["booked/lea@ecublens.example"], byKind["booked/marc@ecublens.example"]
			if booked.ID == 0 || cancelled.ID == 0 || other.ID == 0 || none.ID == 0 {
				t.Fatalf("queued: %v", byKind)
			}
			sqlDB, err := f.store.SQL()
			if err != nil {
				t.Fatal(err)
			}
			// Léa's names a commune that cannot be read; Marc's says nothing.
			broken := strings.Replace(other.Event, fmt.Sprintf(`"OrgID":%d`, f.org.ID), `"OrgID":999999`, -1)
			if broken == other.Event {
				t.Fatal("the queued event does not name its commune")
			}
			setEvent := func(id int64, event string) {
				t.Helper()
				if _, err := sqlDB.Exec("UPDATE outbox_messages SET event = $1 WHERE id = $2", event, id); err != nil {
					t.Fatal(err)
				}
			}
			// HR's outbox lists the one with nothing to send as it is.
			setEvent(none.ID, "{")
			list, _, err := mail.NewOutbox(f.store, func() time.Time { return f.now }).ComposingWith(f.notifier, f.store).List(ctx, f.hr, store.OutboxFilter{})
			if err != nil || len(list) != 4 {
				t.Fatalf("outbox: %d (%v), want 4", len(list), err)
			}
			for _, m := range list {
				if (m.ID == none.ID) != (m.Subject == "") {
					t.Errorf("message %d listed with subject %q", m.ID, m.Subject)
				}
			}
			setEvent(other.ID, broken)
			if failed := f.notifier.Fill(ctx, f.store, f.queued(t)); !errors.Is(failed[none.ID], mail.ErrNothingToSend) || failed[other.ID] == nil || errors.Is(failed[other.ID], mail.ErrNothingToSend) || len(failed) != 2 {
				t.Fatalf("Fill's errors: %v", failed)
			}
			sender := &recordingSender{}
			w := mail.NewWorker(f.store, sender, slog.New(slog.DiscardHandler), func() time.Time { return f.now }).ComposingWith(f.notifier)
			handled := 0
			for range 10 {
				n, err := w.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
				handled += n
			}
			if handled != 4 {
				t.Fatalf("%d messages handled, want 4", handled)
			}
			if len(sender.sent) != 2 || sender.sent[0].ID != booked.ID || sender.sent[1].ID != cancelled.ID || sender.sent[1].ICSMethod != "CANCEL" {
				t.Fatalf("sent %d, want Anne's booking then her cancellation", len(sender.sent))
			}
			status := map[int64]store.OutboxMessage{}
			for _, m := range f.queued(t) {
				status[m.ID] = m
			}
			if m := status[other.ID]; m.Status != store.OutboxPending || !m.NextAttemptAt.After(f.now) || m.LastError == "" {
				t.Errorf("Léa's: %s, next attempt %v, error %q; want pending, later", m.Status, m.NextAttemptAt, m.LastError)
			}
			if m := status[none.ID]; m.Status != store.OutboxFailed || !strings.Contains(m.LastError, "nothing to send") {
				t.Errorf("Marc's: %s, error %q; want failed, nothing to send", m.Status, m.LastError)
			}
		})
	}
}

// TestQueuedEventBothForms: a queued message's event holds only what
// composing reads; one written with the whole rows, as before, is composed
// the same.
func TestQueuedEventBothForms(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			sess := f.session(t, 1)
			anne := f.person(t, "Anne Délèze", "anne@ecublens.example", "fr")
			regs, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonID: &anne})
			if err != nil {
				t.Fatal(err)
			}
			queued := f.queued(t)
			if len(queued) != 1 || strings.Contains(queued[0].Event, "SortKey") || strings.Contains(queued[0].Event, "Capacity") {
				t.Fatalf("event: %s", queued[0].Event)
			}
			reg, err := f.store.Registration(ctx, regs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			p, err := f.store.Person(ctx, f.org.ID, anne)
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.store.Session(ctx, sess.ID)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := json.Marshal(map[string]any{"Kind": "booked", "Registration": reg, "Person": p, "Session": s})
			if err != nil {
				t.Fatal(err)
			}
			before := slices.Clone(queued)
			before[0].Event = string(whole)
			both := append(queued, before...)
			if failed := f.notifier.Fill(ctx, f.store, both); failed != nil {
				t.Fatal(failed)
			}
			a, b := both[0], both[1]
			if a.Subject == "" || a.Subject != b.Subject || a.TextBody != b.TextBody || a.HTMLBody != b.HTMLBody || a.ICS != b.ICS || a.PageURL != b.PageURL {
				t.Errorf("composed differently:\n%s\n%s\n---\n%s\n%s", a.Subject, a.ICS, b.Subject, b.ICS)
			}
		})
	}
}
