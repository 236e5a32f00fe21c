package mail_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// BenchmarkBookWithMail measures booking into one session with the mail
// notifier composing each message in the transaction.
func BenchmarkBookWithMail(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		b.Run(kind, func(b *testing.B) {
			f := newFixtureTB(b, storetest.Fresh(b, kind))
			sess := f.sessionTB(b, 12)
			ids := make([]int64, b.N)
			for i := range ids {
				ids[i] = f.personTB(b, fmt.Sprintf("P %d", i), fmt.Sprintf("p%d@ecublens.example", i), "fr")
			}
			var next atomic.Int64
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := ids[next.Add(1)-1]
					if _, err := f.svc.Book(context.Background(), f.hr, sess.ID, booking.BookRequest{PersonID: &id}); err != nil {
						b.Error(err)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
		})
	}
}

// BenchmarkFill composes queued messages as the worker does right before
// sending them (and HR's outbox when it lists them): the cost a booking's
// mail has moved to, per message.
func BenchmarkFill(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		b.Run(kind, func(b *testing.B) {
			f := newFixtureTB(b, storetest.Fresh(b, kind))
			sess := f.sessionTB(b, 12)
			ids := make([]int64, 100)
			for i := range ids {
				ids[i] = f.personTB(b, fmt.Sprintf("P %d", i), fmt.Sprintf("p%d@ecublens.example", i), "fr")
			}
			if _, err := f.svc.Book(context.Background(), f.hr, sess.ID, booking.BookRequest{PersonIDs: &ids}); err != nil {
				b.Fatal(err)
			}
			queued, _, err := f.store.Outbox(context.Background(), store.OutboxFilter{OrgID: f.org.ID, Limit: 100})
			if err != nil || len(queued) != len(ids) {
				b.Fatalf("%d queued (%v)", len(queued), err)
			}
			msgs := make([]store.OutboxMessage, len(queued))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				copy(msgs, queued)
				if failed := f.notifier.Fill(context.Background(), f.store, msgs); failed != nil {
					b.Fatal(failed)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(msgs)), "µs/message")
		})
	}
}
