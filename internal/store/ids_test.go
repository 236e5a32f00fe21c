package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestBookingStatementsWhateverTheCount: on PostgreSQL the statements of a
// booking transaction — the people held, the sessions locked, what is
// there, the batch written — have the same text for 1, 7 or 40 people, so
// that each is parsed, planned and prepared once per connection, not once
// per size. (SQLite's driver parses every statement anyway: there the
// lists stay lists.)
func TestBookingStatementsWhateverTheCount(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sqlDB, _ := s.SQL()
		for _, f := range fixture[:7] {
			if err := insertRow(ctx, sqlDB, f.table, f.row); err != nil {
				t.Fatalf("fixture %s %v: %v", f.table, f.row, err)
			}
		}
		storetest.CountQueries(t, s)
		rollback := errors.New("rollback")
		texts := map[int][]string{}
		for _, n := range []int{1, 7, 40} {
			ids := make([]int64, n)
			asked := map[int64][]int64{}
			var audit []store.AuditEntry
			var mails []*store.OutboxMessage
			for i := range ids {
				ids[i] = int64(i + 1)
				asked[ids[i]] = []int64{int64(i + 1)}
				audit = append(audit, store.AuditEntry{OrgID: 1, Actor: "RH", Action: "booked", Detail: "{}", CreatedAt: t0})
				mails = append(mails, &store.OutboxMessage{OrgID: 1, Kind: "booked", ToEmail: "p@example.ch", FromEmail: "rh@example.ch",
					ICSMethod: "REQUEST", MessageID: fmt.Sprintf("<%d-%d@test>", n, i), Status: store.OutboxPending, NextAttemptAt: t0, CreatedAt: t0})
			}
			var q storetest.Queries
			qctx := q.Context(ctx)
			err := s.Tx(qctx, func(tx *store.Store) error {
				if _, err := tx.SharePeople(qctx, 1, ids); err != nil {
					return err
				}
				if _, err := tx.LockSessions(qctx, ids); err != nil {
					return err
				}
				if _, _, err := tx.BookingState(qctx, asked); err != nil {
					return err
				}
				if err := tx.Batch(qctx, func(b *store.Store) error {
					if err := b.InsertAudit(qctx, audit); err != nil {
						return err
					}
					return b.EnqueueMail(qctx, mails)
				}); err != nil {
					return err
				}
				return rollback
			})
			if !errors.Is(err, rollback) {
				t.Fatalf("%d people: %v", n, err)
			}
			texts[n] = q.SQL()
		}
		if s.Dialect() != store.Postgres {
			return
		}
		for _, n := range []int{7, 40} {
			if !slices.Equal(texts[n], texts[1]) {
				t.Errorf("statements for %d people differ from those for 1:\n%q\n%q", n, texts[n], texts[1])
			}
		}
		if len(texts[1]) != 4 {
			t.Errorf("%d statements, want 4 (people, sessions, state, batch): %q", len(texts[1]), texts[1])
		}
	})
}
