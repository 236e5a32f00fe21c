package booking_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestBookTogether: bookings that arrive together are decided in one
// transaction exactly as one after the other would be: seats and waiting
// places in arrival order across requests, someone booked twice only once,
// and a request the rules refuse (unknown person, cancelled session, no seats
// of its own, unknown session) answers its own error and writes nothing,
// without taking the others down with it.
func TestBookTogether(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			morges, rolle := f.commune(t, "morges"), f.commune(t, "rolle")
			a := f.session(t, 2, "ecublens-collaborateurs")
			b := f.sessionIn(t, 1, "B")
			closed, err := f.svc.CreateSession(ctx, f.hr, input("ecublens-collaborateurs", hostStart, "C"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.CancelSession(ctx, f.hr, closed.ID); err != nil {
				t.Fatal(err)
			}
			pool := f.pooled(t, 4, map[string]int{"morges": 1})
			p := f.people(t, 7, "p")
			m := f.peopleOf(t, morges.org, 3)
			r := f.peopleOf(t, rolle.org, 1)
			one := func(id int64) booking.BookRequest { return booking.BookRequest{PersonID: &id} }
			list := func(ids ...int64) booking.BookRequest { return booking.BookRequest{PersonIDs: &ids} }
			before := f.mails.count()

			reqs := []booking.Together{
				{f.hr, a.ID, list(p[0], p[1], p[2])},   // booked, booked, waiting 1
				{f.hr, a.ID, one(p[3])},                // waiting 2
				{f.hr, a.ID, one(p[0])},                // already booked: unchanged
				{f.hr, b.ID, list(p[4], m[0])},         // someone of another commune: 404, nothing written
				{f.hr, closed.ID, one(p[5])},           // cancelled: 409
				{f.hr, 987654321, one(p[5])},           // no such session
				{f.hr, b.ID, one(p[4])},                // the seat of b
				{f.hr, b.ID, one(p[6])},                // waiting 1 on b
				{morges.hr, pool.ID, list(m[0], m[1])}, // morges' one seat, then its own list
				{rolle.hr, pool.ID, one(r[0])},         // no seats for rolle: 409
				{morges.hr, pool.ID, one(m[2])},        // morges' list, place 2
				{f.hr, pool.ID, one(p[5])},             // the host's seats
			}
			outs, errs := f.svc.BookTogether(ctx, reqs)
			if n := f.svc.Retried(); n != 0 {
				t.Errorf("the combined transaction failed (%d): the requests were booked one by one", n)
			}
			type want struct {
				code                          apperr.Code
				booked, waitlisted, unchanged int
			}
			wants := []want{
				{"", 2, 1, 0}, {"", 0, 1, 0}, {"", 0, 0, 1}, {apperr.CodeNotFound, 0, 0, 0}, {apperr.CodeConflict, 0, 0, 0},
				{"missing", 0, 0, 0}, {"", 1, 0, 0}, {"", 0, 1, 0}, {"", 1, 1, 0}, {apperr.CodeConflict, 0, 0, 0}, {"", 0, 1, 0}, {"", 1, 0, 0},
			}
			for i, w := range wants {
				switch {
				case w.code == "missing":
					if !errors.Is(errs[i], store.ErrNotFound) {
						t.Errorf("request %d: %v, want not found", i, errs[i])
					}
				case w.code != "":
					if !apperr.Is(errs[i], w.code) || outs[i] != nil {
						t.Errorf("request %d: %v, want %s", i, errs[i], w.code)
					}
				case errs[i] != nil:
					t.Errorf("request %d: %v", i, errs[i])
				default:
					o := outs[i]
					if o.Booked != w.booked || o.Waitlisted != w.waitlisted || o.Unchanged != w.unchanged || len(o.Registrations) != len(*reqIDs(reqs[i].Req)) {
						t.Errorf("request %d: %d booked, %d waiting, %d unchanged, %d registrations; want %+v", i, o.Booked, o.Waitlisted, o.Unchanged, len(o.Registrations), w)
					}
					for _, reg := range o.Registrations {
						if reg.ID == 0 || reg.Token == "" {
							t.Errorf("request %d: registration without id or token: %+v", i, reg)
						}
					}
				}
			}
			// The database holds what the answers said, lists 1..n.
			for _, c := range []struct {
				id      int64
				booked  map[int64]int
				waiting map[int64][]int
			}{
				{a.ID, map[int64]int{f.org.ID: 2}, map[int64][]int{0: {1, 2}}},
				{b.ID, map[int64]int{f.org.ID: 1}, map[int64][]int{0: {1}}},
				{closed.ID, map[int64]int{}, map[int64][]int{}},
				{pool.ID, map[int64]int{f.org.ID: 1, morges.org.ID: 1}, map[int64][]int{morges.org.ID: {1, 2}}},
			} {
				booked, waiting := f.byList(t, c.id)
				if !mapsEqual(booked, c.booked) || !listsEqual(waiting, c.waiting) {
					t.Errorf("session %d: booked %v waiting %v, want %v %v", c.id, booked, waiting, c.booked, c.waiting)
				}
			}
			// One history entry and one mail per change, nothing for the
			// refused requests.
			if got := f.mails.count() - before; got != 10 {
				t.Errorf("%d mails queued, want 10", got)
			}
			for id, n := range map[int64]int{a.ID: 4, b.ID: 2, closed.ID: 0, pool.ID: 4} {
				entries, err := f.store.SessionHistory(ctx, id, false, 100)
				if err != nil {
					t.Fatal(err)
				}
				got := 0
				for _, e := range entries {
					if e.Action == "booked" || e.Action == "waitlisted" {
						got++
					}
				}
				if got != n {
					t.Errorf("session %d: %d bookings in its history, want %d", id, got, n)
				}
			}
		})
	}
}

// byList reads a session's registrations: booked by commune, waiting
// places by list (0: the session's; a commune's id: its own), sorted.
func (f *fixture) byList(tb testing.TB, sessionID int64) (booked map[int64]int, waiting map[int64][]int) {
	tb.Helper()
	rows, err := f.store.RegistrationRows(context.Background(), store.RegistrationFilter{SessionID: sessionID})
	if err != nil {
		tb.Fatal(err)
	}
	booked, waiting = map[int64]int{}, map[int64][]int{}
	for _, r := range rows {
		switch r.Status {
		case store.RegBooked:
			booked[r.OrgID]++
		case store.RegWaitlisted:
			waiting[r.WaitlistScope] = append(waiting[r.WaitlistScope], *r.WaitlistPosition)
		}
	}
	for _, ps := range waiting {
		slices.Sort(ps)
	}
	return booked, waiting
}

func reqIDs(r booking.BookRequest) *[]int64 {
	if r.PersonIDs != nil {
		return r.PersonIDs
	}
	return &[]int64{*r.PersonID}
}

func mapsEqual(a, b map[int64]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func listsEqual(a, b map[int64][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(b[k], v) {
			return false
		}
	}
	return true
}

// failing is a notifier whose database write fails for one person, as a
// write of the batch would.
type failing struct{ person int64 }

var errNotify = errors.New("notifier: the write failed")

func (n failing) Notify(_ context.Context, _ *store.Store, events []booking.Event) error {
	for _, e := range events {
		if *e.Registration.PersonID == n.person {
			return errNotify
		}
	}
	return nil
}

// TestBookTogetherFailure: when the combined transaction fails, nothing of
// it stays, and each request is booked again on its own: the one the
// failure came from gets it, the others their seats.
func TestBookTogetherFailure(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			sess := f.session(t, 2, "ecublens-collaborateurs")
			p := f.people(t, 3, "p")
			cat, err := catalog.Load(catalogdata.FS)
			if err != nil {
				t.Fatal(err)
			}
			svc := booking.New(f.store, formats.NewResolver(cat, f.store), func() time.Time { return *f.now.Load() }, "atelier.test", failing{person: p[1]})
			one := func(id int64) booking.BookRequest { return booking.BookRequest{PersonID: &id} }
			outs, errs := svc.BookTogether(ctx, []booking.Together{{f.hr, sess.ID, one(p[0])}, {f.hr, sess.ID, one(p[1])}, {f.hr, sess.ID, one(p[2])}})
			if n := svc.Retried(); n != 1 {
				t.Errorf("%d combined transactions retried, want 1", n)
			}
			if errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], errNotify) || outs[1] != nil {
				t.Fatalf("errors %v", errs)
			}
			if outs[0].Booked != 1 || outs[2].Booked != 1 {
				t.Errorf("outcomes %+v %+v, want a seat each", outs[0], outs[2])
			}
			booked, waiting := f.lists(t, sess.ID)
			if booked[f.org.ID] != 2 || len(waiting) != 0 {
				t.Errorf("booked %v waiting %v, want the two seats taken and nobody waiting", booked, waiting)
			}
		})
	}
}

// TestLane: bookings that come at once through Book share transactions
// (batches of up to 64 requests and 1,000 people, a request that does not
// fit waiting for the next), and end as one at a time would have: each
// seat taken once, every list 1..n, everyone registered once. A request
// whose caller has gone, or whose time is up, is answered « unavailable »
// and changes nothing.
func TestLane(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			var sessions []int64
			for i := range 3 {
				sessions = append(sessions, f.sessionIn(t, 10, fmt.Sprintf("Salle %d", i)).ID)
			}
			people := f.people(t, 1200, "p")
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for i := range 40 {
				wg.Go(func() {
					ids := people[i*30 : (i+1)*30] // 40 requests of 30: more than one batch holds
					_, err := f.svc.Book(ctx, f.hr, sessions[i%3], booking.BookRequest{PersonIDs: &ids})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := f.svc.Retried(); n != 0 {
				t.Errorf("%d combined transactions failed", n)
			}
			// Session i%3 got requests i: 14, 13 and 13 of 30 people.
			count := func(id int64) (int, []int) {
				booked, waiting := f.byList(t, id)
				return booked[f.org.ID], waiting[0]
			}
			for i, id := range sessions {
				booked, waiting := count(id)
				want := []int{14, 13, 13}[i] * 30
				if booked != 10 || booked+len(waiting) != want || !slices.Equal(waiting, positions(len(waiting))) {
					t.Errorf("session %d: %d booked, %d waiting (1..n: %v), want 10 and %d", id, booked, len(waiting), slices.Equal(waiting, positions(len(waiting))), want-10)
				}
			}

			late := f.people(t, 2, "late")
			gone, cancel := context.WithCancel(ctx)
			cancel()
			almost, cancel2 := context.WithTimeout(ctx, time.Millisecond)
			defer cancel2()
			for name, c := range map[string]context.Context{"caller gone": gone, "time up": almost} {
				id := late[0]
				if name == "time up" {
					id = late[1]
				}
				if _, err := f.svc.Book(c, f.hr, sessions[0], booking.BookRequest{PersonID: &id}); !errors.Is(err, store.ErrUnavailable) {
					t.Errorf("%s: %v, want unavailable", name, err)
				}
			}
			if booked, waiting := count(sessions[0]); booked+len(waiting) != 420 {
				t.Errorf("a request answered « unavailable » was booked: %d booked, %d waiting", booked, len(waiting))
			}
		})
	}
}

// TestBookTogetherReregistered: someone who cancelled, asked for again by
// two requests of one batch, is registered again once — a new invitation
// (one sequence more, no answer yet), at the end of the line — and the
// second request finds them there.
func TestBookTogetherReregistered(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			sess := f.session(t, 1, "ecublens-collaborateurs")
			p := f.people(t, 2, "p")
			regs, err := f.svc.Book(ctx, f.hr, sess.ID, booking.BookRequest{PersonIDs: &[]int64{p[0], p[1]}})
			if err != nil {
				t.Fatal(err)
			}
			first := regs[1] // waiting, place 1
			if _, err := f.svc.CancelRegistration(ctx, f.hr, first.ID); err != nil {
				t.Fatal(err)
			}
			one := func(id int64) booking.BookRequest { return booking.BookRequest{PersonID: &id} }
			outs, errs := f.svc.BookTogether(ctx, []booking.Together{{f.hr, sess.ID, one(p[1])}, {f.hr, sess.ID, one(p[1])}})
			if errs[0] != nil || errs[1] != nil || f.svc.Retried() != 0 {
				t.Fatalf("%v (retried %d)", errs, f.svc.Retried())
			}
			a, b := outs[0], outs[1]
			if a.Waitlisted != 1 || a.Unchanged != 0 || b.Unchanged != 1 || b.Waitlisted != 0 {
				t.Errorf("outcomes %+v and %+v, want waiting then unchanged", a, b)
			}
			r := a.Registrations[0]
			if r.ID != first.ID || r.Status != store.RegWaitlisted || *r.WaitlistPosition != 1 || r.Sequence != first.Sequence+2 || r.CancelledAt != nil || b.Registrations[0].ID != first.ID {
				t.Errorf("registered again: %+v (before: %+v)", r, first)
			}
			stored, err := f.store.Registration(ctx, first.ID)
			if err != nil || stored.Status != store.RegWaitlisted || stored.Sequence != r.Sequence || stored.Rsvp != store.RsvpNeedsAction {
				t.Errorf("stored: %+v %v", stored, err)
			}
		})
	}
}
