package booking_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// fixture is a commune with an hr actor on a fresh database.
type fixture struct {
	store *store.Store
	svc   *booking.Service
	hr    access.Caller
	mails *recorder
	org   *store.Org
	now   atomic.Pointer[time.Time]
}

func newFixture(tb testing.TB, db storetest.DB) *fixture {
	tb.Helper()
	s := storetest.Open(tb, db)
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{store: s}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, tz.Zurich)
	f.now.Store(&now)
	f.mails = &recorder{}
	f.svc = booking.New(s, formats.NewResolver(cat, s), func() time.Time { return *f.now.Load() }, "atelier.test", f.mails)
	f.org = &store.Org{Slug: "ecublens", Name: "Ecublens"}
	if err := s.CreateOrg(context.Background(), f.org); err != nil {
		tb.Fatal(err)
	}
	u := &store.User{OrgID: &f.org.ID, Email: "rh@ecublens.example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
	if err := s.CreateUser(context.Background(), u); err != nil {
		tb.Fatal(err)
	}
	f.hr = access.User(u.ID, u.Email, access.RoleHR, f.org.ID)
	return f
}

func (f *fixture) people(tb testing.TB, n int, prefix string) []int64 {
	tb.Helper()
	ids := make([]int64, n)
	for i := range n {
		email := fmt.Sprintf("%s-%d@ecublens.example", prefix, i)
		p := &store.Person{OrgID: f.org.ID, Name: fmt.Sprintf("%s %05d", prefix, i), Email: &email, Role: "staff", Language: "fr"}
		if err := f.store.CreatePerson(context.Background(), p); err != nil {
			tb.Fatal(err)
		}
		ids[i] = p.ID
	}
	return ids
}

func (f *fixture) session(tb testing.TB, capacity int, format string) *booking.SessionView {
	tb.Helper()
	start, cap_, loc := "2026-03-10T13:30:00+01:00", capacity, &booking.Location{Name: "Salle"}
	s, err := f.svc.CreateSession(context.Background(), f.hr, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &cap_, Location: loc})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// sessionIn schedules a session of the given capacity in a room of its
// own, at the time of the pooled sessions' tests (hostStart).
func (f *fixture) sessionIn(tb testing.TB, capacity int, room string) *booking.SessionView {
	tb.Helper()
	in := input("ecublens-collaborateurs", hostStart, room)
	in.Capacity = &capacity
	s, err := f.svc.CreateSession(context.Background(), f.hr, in)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestBookAndCancelRules(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			sess := f.session(t, 2, "ecublens-collaborateurs")
			ids := f.people(t, 4, "p")
			regs, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonIDs: &ids})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"booked", "booked", "waitlisted", "waitlisted"}
			for i, r := range regs {
				if r.Status != want[i] || *r.PersonID != ids[i] {
					t.Errorf("registration %d: %s for %d, want %s for %d", i, r.Status, *r.PersonID, want[i], ids[i])
				}
			}
			cases := map[string]struct {
				setup func()
				token string
				code  apperr.Code
			}{
				"started": {func() {
					later := time.Date(2026, 3, 10, 14, 0, 0, 0, tz.Zurich)
					f.now.Store(&later)
				}, regs[1].Token, apperr.CodeConflict},
			}
			for name, tc := range cases {
				tc.setup()
				if _, err := f.svc.CancelByToken(ctx, tc.token); !apperr.Is(err, tc.code) {
					t.Errorf("%s: %v, want %s", name, err, tc.code)
				}
			}
			// Once started, HR cannot cancel either: the seat is history.
			if _, err := f.svc.CancelRegistration(ctx, f.hr, regs[0].ID); !apperr.Is(err, apperr.CodeConflict) {
				t.Fatalf("HR cancel after the start: %v, want 409", err)
			}
			// Before the start, HR cancels and the first waiting takes the seat.
			before := time.Date(2026, 3, 9, 9, 0, 0, 0, tz.Zurich)
			f.now.Store(&before)
			if _, err := f.svc.CancelRegistration(ctx, f.hr, regs[0].ID); err != nil {
				t.Fatal(err)
			}
			rows, err := f.store.RegistrationRows(ctx, store.RegistrationFilter{SessionID: sess.ID})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]string{}
			for _, r := range rows {
				st := r.Status
				if r.WaitlistPosition != nil {
					st += fmt.Sprint(*r.WaitlistPosition)
				}
				got[*r.PersonID] = st
			}
			if got[ids[0]] != "cancelled" || got[ids[2]] != "booked" || got[ids[3]] != "waitlisted1" {
				t.Errorf("after cancel: %v", got)
			}
			// Another commune's actor sees nothing of it.
			other := access.User(9999, "x", access.RoleHR, f.org.ID+1000)
			if _, err := f.svc.CancelRegistration(ctx, other, regs[2].ID); !apperr.Is(err, apperr.CodeNotFound) {
				t.Errorf("cross-commune cancel: %v", err)
			}
		})
	}
}

// BenchmarkBook measures booking throughput through the domain service, with
// as many concurrent bookers as GOMAXPROCS×8, into one session (every
// booking contends for its row) and spread over 50 sessions.
func BenchmarkBook(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		for _, spread := range []int{1, 50} {
			b.Run(fmt.Sprintf("%s/sessions=%d", kind, spread), func(b *testing.B) {
				f := newFixture(b, storetest.Fresh(b, kind))
				sessions := make([]int64, spread)
				for i := range sessions {
					sessions[i] = f.sessionIn(b, 12, fmt.Sprintf("Salle %d", i)).ID
				}
				ids := f.people(b, b.N, "bench")
				var next atomic.Int64
				var mu sync.Mutex
				var firstErr error
				b.SetParallelism(8)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := next.Add(1) - 1
						id := ids[i]
						if _, err := f.svc.Book(context.Background(), f.hr, sessions[int(i)%spread], booking.BookRequest{PersonID: &id}); err != nil {
							mu.Lock()
							firstErr = err
							mu.Unlock()
						}
					}
				})
				b.StopTimer()
				if firstErr != nil {
					b.Fatal(firstErr)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
			})
		}
	}
}
