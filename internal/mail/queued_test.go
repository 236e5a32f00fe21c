package mail_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/mail"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestQueuedMailSurvivesAStop: a change commits its mails as queued events
// and composes them right after; if the process stops in between, the
// events stay queued (never sent half-written), and the sweep — or HR
// opening the outbox — composes each exactly once, with the content it
// would have had, even when two instances sweep at the same time.
func TestQueuedMailSurvivesAStop(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			f.notifier.ComposeNever()
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
			queued := f.outbox(t)
			if len(queued) != 4 {
				t.Fatalf("%d messages queued, want 4", len(queued))
			}
			ids := map[int64]string{}
			for _, m := range queued {
				if m.Event == "" || m.Subject != "" || m.ICS != "" {
					t.Errorf("message %d composed before its time: subject %q", m.ID, m.Subject)
				}
				ids[m.ID] = m.MessageID
			}
			// Not composed: the worker does not take them.
			later := f.now.Add(time.Hour)
			if claimed, err := f.store.ClaimMail(ctx, "w1", 10, later, later.Add(time.Minute)); err != nil || len(claimed) != 0 {
				t.Fatalf("claimed %d queued messages (%v)", len(claimed), err)
			}
			// Two instances sweep at once.
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range errs {
				wg.Go(func() { _, errs[i] = f.notifier.ComposeQueued(ctx, f.store, 0, time.Time{}) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			msgs := f.outbox(t)
			if len(msgs) != 4 {
				t.Fatalf("%d messages after the sweep, want 4", len(msgs))
			}
			want := map[string][]string{
				"booked/anne@ecublens.example":      {"Vous êtes inscrit·e", "mardi 10 mars 2026, 13 h 30 – 16 h 30"},
				"waitlisted/hans@ecublens.example":  {"Platz 1 der Warteliste"},
				"rescheduled/anne@ecublens.example": {"Nouvelle heure : mardi 10 mars 2026, 13 h 30 – 16 h 30 → jeudi 12 mars 2026, 8 h 30 – 11 h 30"},
				"rescheduled/hans@ecublens.example": {"Neue Zeit: Dienstag, 10. März 2026"},
			}
			for _, m := range msgs {
				key := m.Kind + "/" + m.ToEmail
				if m.Event != "" || ids[m.ID] != m.MessageID || !strings.Contains(m.ICS, "METHOD:"+m.ICSMethod) || !strings.Contains(m.HTMLBody, "https://atelier.example/r/") {
					t.Errorf("%s: not composed whole: event %q, method %q", key, m.Event, m.ICSMethod)
				}
				for _, w := range want[key] {
					if !strings.Contains(m.TextBody, w) {
						t.Errorf("%s: text lacks %q:\n%s", key, w, m.TextBody)
					}
				}
				delete(want, key)
			}
			if len(want) != 0 {
				t.Errorf("missing messages: %v", want)
			}
			if claimed, err := f.store.ClaimMail(ctx, "w1", 10, later, later.Add(time.Minute)); err != nil || len(claimed) != 4 {
				t.Fatalf("claimed %d composed messages (%v), want 4", len(claimed), err)
			}

			// HR opening the outbox composes what is still queued.
			lea := f.person(t, "Léa Rey", "lea@ecublens.example", "fr")
			if _, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonID: &lea}); err != nil {
				t.Fatal(err)
			}
			list, _, err := mail.NewOutbox(f.store, func() time.Time { return f.now }).ComposingWith(f.notifier, f.store).List(ctx, f.hr, store.OutboxFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 5 || list[0].ToEmail != "lea@ecublens.example" || !strings.HasPrefix(list[0].Subject, "Liste d’attente") {
				t.Errorf("outbox as HR sees it: %d messages, newest %q %q", len(list), list[0].ToEmail, list[0].Subject)
			}
		})
	}
}

// TestMailComposedAfterTheCommit: in the normal course, the mails of a
// change are composed by the time the change returns.
func TestMailComposedAfterTheCommit(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			f := newFixture(t, db)
			sess := f.session(t, 3)
			p := f.person(t, "Léa Rey", "lea@ecublens.example", "fr")
			if _, err := f.svc.Book(context.Background(), f.hr, sess.ID, booking.BookRequest{PersonID: &p}); err != nil {
				t.Fatal(err)
			}
			msgs := f.outbox(t)
			if len(msgs) != 1 || msgs[0].Event != "" || msgs[0].Subject == "" || msgs[0].ICS == "" {
				t.Fatalf("messages %+v", msgs)
			}
		})
	}
}

// TestQueuedMailInOrder: a person's mails go out in the order of the
// changes, even when a later one is composed first; a queued mail that
// cannot be composed is left for the next sweep without holding up the
// others, and the sweep ends.
func TestQueuedMailInOrder(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			f.notifier.ComposeNever()
			sess := f.session(t, 2)
			anne := f.person(t, "Anne Délèze", "anne@ecublens.example", "fr")
			lea := f.person(t, "Léa Rey", "lea@ecublens.example", "fr")
			regs, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonIDs: &[]int64{anne, lea}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.CancelRegistration(ctx, f.hr, regs[0].ID); err != nil {
				t.Fatal(err)
			}
			byKind := map[string]store.OutboxMessage{}
			for _, m := range f.outbox(t) {
				byKind[m.Kind+"/"+m.ToEmail] = m
			}
			booked, cancelled, other := byKind["booked/anne@ecublens.example"], byKind["cancelled/anne@ecublens.example"], byKind["booked/lea@ecublens.example"]
			if booked.ID == 0 || cancelled.ID == 0 || other.ID == 0 {
				t.Fatalf("queued: %v", byKind)
			}
			// The cancellation is composed first: it waits for the booking's.
			if err := f.store.ComposeMail(ctx, map[string]*store.Composed{cancelled.MessageID: {Subject: "annulé", TextBody: "x", HTMLBody: "x", ICS: "x", ICSMethod: "CANCEL"}}); err != nil {
				t.Fatal(err)
			}
			later := f.now.Add(time.Hour)
			if claimed, err := f.store.ClaimMail(ctx, "w1", 10, later, later.Add(time.Minute)); err != nil || len(claimed) != 0 {
				t.Fatalf("claimed %d messages while the first of the person's is not composed (%v)", len(claimed), err)
			}
			// Léa's mail cannot be composed (its commune is unknown): the
			// sweep composes Anne's and ends; Léa's stays queued.
			db, err := f.store.SQL()
			if err != nil {
				t.Fatal(err)
			}
			broken := strings.Replace(other.Event, fmt.Sprintf(`"OrgID":%d`, f.org.ID), `"OrgID":999999`, -1)
			if broken == other.Event {
				t.Fatal("the queued event does not name its commune")
			}
			if _, err := db.Exec("UPDATE outbox_messages SET event = $1 WHERE id = $2", broken, other.ID); err != nil {
				t.Fatal(err)
			}
			n, err := f.notifier.ComposeQueued(ctx, f.store, 0, time.Time{})
			if err != nil || n != 1 {
				t.Fatalf("sweep composed %d (%v), want 1", n, err)
			}
			claimed, err := f.store.ClaimMail(ctx, "w1", 10, later, later.Add(time.Minute))
			if err != nil || len(claimed) != 2 || claimed[0].ID != booked.ID || claimed[1].ID != cancelled.ID {
				t.Fatalf("claimed %d (%v), want Anne's booking then her cancellation", len(claimed), err)
			}
			left, err := f.store.UncomposedMail(ctx, 0, time.Time{}, 0, 10)
			if err != nil || len(left) != 1 || left[0].ID != other.ID {
				t.Errorf("left queued: %d (%v), want Léa's", len(left), err)
			}
		})
	}
}

// TestComposerComposesInTheBackground: while RunComposer runs, a commit
// hands it its messages (or, when it is behind, only wakes it to read them
// back from the outbox), and it composes them — many changes together —
// without its period having come (here an hour).
func TestComposerComposesInTheBackground(t *testing.T) {
	for _, readBack := range []bool{false, true} {
		for _, db := range storetest.Databases(t) {
			t.Run(fmt.Sprintf("%s/read back %v", db.Name, readBack), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				f := newFixture(t, db)
				if readBack {
					f.notifier.ReadBack()
				}
				done := make(chan struct{})
				go func() {
					defer close(done)
					f.notifier.RunComposer(ctx, f.store, time.Hour)
				}()
				defer func() { cancel(); <-done }()
				sess := f.session(t, 1)
				var ids []int64
				for i := range 5 {
					ids = append(ids, f.person(t, fmt.Sprintf("Personne %d", i), fmt.Sprintf("p%d@ecublens.example", i), "fr"))
				}
				// RunComposer has started once its first sweep is through; a
				// commit before that would be composed inline.
				deadline := time.Now().Add(10 * time.Second)
				for !f.notifier.Background() {
					if time.Now().After(deadline) {
						t.Fatal("the composer did not start")
					}
					time.Sleep(time.Millisecond)
				}
				var wg sync.WaitGroup
				for _, id := range ids {
					wg.Go(func() {
						if _, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonID: &id}); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
				for {
					msgs := f.outbox(t)
					composed := 0
					for _, m := range msgs {
						if m.Event == "" && m.Subject != "" && strings.Contains(m.ICS, "METHOD:REQUEST") {
							composed++
						}
					}
					if len(msgs) == 5 && composed == 5 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("%d of %d messages composed", composed, len(msgs))
					}
					time.Sleep(5 * time.Millisecond)
				}
			})
		}
	}
}
