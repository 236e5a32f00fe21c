package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestBookingHoldsTheLockBriefly: on PostgreSQL, once a booking holds the
// session's row, it reads the counts and writes everything (registration,
// history, queued mail) in one statement, and nothing follows: the mail is
// composed when it is read, never written back. These are the round trips
// every booking into a full session waits for.
func TestBookingHoldsTheLockBriefly(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			f := newFixture(t, db)
			storetest.CountQueries(t, f.store)
			sess := f.session(t, 1)
			for i, name := range []string{"Anne Délèze", "Hans Müller"} { // a seat, then the waiting list
				p := f.person(t, name, strings.ToLower(strings.Fields(name)[0])+"@ecublens.example", "fr")
				var q storetest.Queries
				if _, err := f.svc.Book(q.Context(context.Background()), f.hr, sess.ID, booking.BookRequest{PersonID: &p}); err != nil {
					t.Fatal(err)
				}
				sql := q.SQL()
				for _, s := range sql {
					if strings.Contains(s, "UPDATE outbox_messages") {
						t.Errorf("booking %d: its mail is written twice: %q", i, s)
					}
				}
				if f.store.Dialect() != store.Postgres {
					continue
				}
				lock := -1
				for j, s := range sql {
					if strings.Contains(s, "FOR UPDATE") && strings.Contains(s, "sessions") {
						lock = j
					}
				}
				if lock < 0 {
					t.Fatalf("booking %d: no lock of the session among %q", i, sql)
				}
				// The transaction ends with its one write: what follows runs
				// after the commit (reading the sender, writing the mail).
				write := -1
				for j := lock + 1; j < len(sql); j++ {
					if strings.HasPrefix(sql[j], "WITH ") || strings.HasPrefix(sql[j], "INSERT") {
						write = j
						break
					}
				}
				under := sql[lock+1 : write+1]
				if write < 0 || len(under) != 2 || !strings.HasPrefix(under[1], "WITH ") {
					t.Fatalf("booking %d: %d statements under the lock, want the counts and one write: %q", i, len(under), under)
				}
				if after := sql[write+1:]; len(after) != 0 {
					t.Errorf("booking %d: statements after the write: %q", i, after)
				}
				for _, table := range []string{"registrations", "audit_entries", "outbox_messages"} {
					if !strings.Contains(under[1], table) {
						t.Errorf("booking %d: the write under the lock does not insert into %s: %q", i, table, under[1])
					}
				}
			}
		})
	}
}
