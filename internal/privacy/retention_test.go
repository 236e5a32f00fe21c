package privacy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	"github.com/atelier-ch/atelier/internal/privacy"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// recorder keeps the booking events it hears.
type recorder struct {
	mu     sync.Mutex
	events []booking.Event
}

func (r *recorder) Notify(_ context.Context, _ *store.Store, events []booking.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, events...)
	return nil
}

func (r *recorder) kinds() map[booking.EventKind]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[booking.EventKind]int{}
	for _, e := range r.events {
		out[e.Kind]++
	}
	return out
}

type fixture struct {
	store   *store.Store
	now     atomic.Pointer[time.Time]
	mails   *recorder
	booking *booking.Service
	privacy *privacy.Service
	org     *store.Org
	hr      access.Caller
}

func newFixture(t *testing.T, db storetest.DB) *fixture {
	t.Helper()
	s := storetest.Open(t, db)
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{store: s, mails: &recorder{}}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, tz.Zurich)
	f.now.Store(&now)
	clock := func() time.Time { return *f.now.Load() }
	f.booking = booking.New(s, formats.NewResolver(cat, s), clock, "atelier.test", f.mails)
	f.privacy = privacy.New(s, f.mails, clock, 24)
	f.org = &store.Org{Slug: "ecublens", Name: "Ecublens"}
	if err := s.CreateOrg(context.Background(), f.org); err != nil {
		t.Fatal(err)
	}
	u := &store.User{OrgID: &f.org.ID, Email: "rh@ecublens.example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	f.hr = access.User(u.ID, u.Email, access.RoleHR, f.org.ID)
	return f
}

func (f *fixture) person(t *testing.T, name string) int64 {
	t.Helper()
	email := strings.ToLower(name) + "@ecublens.example"
	p := &store.Person{OrgID: f.org.ID, Name: name, FamilyName: name, Email: &email, Role: "staff", Language: "fr"}
	if err := f.store.CreatePerson(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func (f *fixture) session(t *testing.T, capacity int, start string) int64 {
	t.Helper()
	format, loc := "ecublens-collaborateurs", &booking.Location{Name: "Salle " + start}
	s, err := f.booking.CreateSession(context.Background(), f.hr, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &capacity, Location: loc})
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

func (f *fixture) book(t *testing.T, sessionID int64, ids ...int64) []store.Registration {
	t.Helper()
	regs, err := f.booking.Book(context.Background(), f.hr, sessionID, booking.BookRequest{PersonIDs: &ids})
	if err != nil {
		t.Fatal(err)
	}
	return regs
}

func (f *fixture) setNow(t time.Time) { f.now.Store(&t) }

// TestLeave checks what recording a departure does: places to come are
// cancelled (the person hears of it, the waiting list moves up), places in
// the past stay, the person can no longer be booked nor drawn in an
// audience, and coming back undoes the departure but not the cancellations.
func TestLeave(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			anne, bruno, chloe := f.person(t, "Anne"), f.person(t, "Bruno"), f.person(t, "Chloe")
			past := f.session(t, 5, "2026-03-03T13:30:00+01:00")
			f.book(t, past, anne)
			soon := f.session(t, 1, "2026-04-14T13:30:00+02:00")
			regs := f.book(t, soon, anne, bruno)
			if regs[0].Status != store.RegBooked || regs[1].Status != store.RegWaitlisted {
				t.Fatalf("setup: %s, %s", regs[0].Status, regs[1].Status)
			}
			f.setNow(time.Date(2026, 3, 20, 9, 0, 0, 0, tz.Zurich)) // the first session is held

			im, err := f.privacy.Impact(ctx, f.hr, anne)
			if err != nil || im.Upcoming != 1 {
				t.Fatalf("impact: %+v, %v", im, err)
			}
			p, n, err := f.privacy.Leave(ctx, f.hr, anne)
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 || p.LeftAt == nil {
				t.Fatalf("leave: %d cancelled, left at %v", n, p.LeftAt)
			}
			kinds := f.mails.kinds()
			if kinds[booking.EventCancelled] != 1 || kinds[booking.EventPromoted] != 1 {
				t.Errorf("events: %v, want the cancellation to Anne and Bruno's promotion", kinds)
			}
			state, err := f.store.RegistrationsOf(ctx, soon, []int64{anne, bruno})
			if err != nil {
				t.Fatal(err)
			}
			if state[anne].Status != store.RegCancelled || state[bruno].Status != store.RegBooked {
				t.Errorf("after leaving: Anne %s, Bruno %s", state[anne].Status, state[bruno].Status)
			}
			held, err := f.store.RegistrationsOf(ctx, past, []int64{anne})
			if err != nil || held[anne].Status != store.RegBooked {
				t.Errorf("the held session's place changed: %+v, %v", held[anne], err)
			}

			// Leaving twice changes nothing.
			if _, n, err := f.privacy.Leave(ctx, f.hr, anne); err != nil || n != 0 {
				t.Errorf("leaving again: %d, %v", n, err)
			}
			// A person who left is not booked, alone or in an audience.
			later := f.session(t, 10, "2026-05-12T13:30:00+02:00")
			_, err = f.booking.Book(ctx, f.hr, later, booking.BookRequest{PersonID: &anne})
			if e, ok := apperr.As(err); !ok || e.Code != apperr.CodeValidation || e.Fields["person_ids"].Key != "err.person_left" {
				t.Errorf("booking someone who left: %v", err)
			}
			out, err := f.booking.Book(ctx, f.hr, later, booking.BookRequest{Audience: &booking.Audience{Role: "staff"}})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]bool{}
			for _, r := range out {
				got[*r.PersonID] = true
			}
			if got[anne] || !got[bruno] || !got[chloe] {
				t.Errorf("audience booked %v, want Bruno and Chloé only", got)
			}

			// A training recorded after the fact may list them: they were there.
			format, start, capacity, yes := "ecublens-collaborateurs", "2026-03-03T08:30:00+01:00", 5, true
			rec, err := f.booking.CreateSession(ctx, f.hr, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &capacity,
				Location: &booking.Location{Name: "Salle B"}, RecordPast: &yes})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.booking.Book(ctx, f.hr, rec.ID, booking.BookRequest{PersonID: &anne}); err != nil {
				t.Errorf("recording a past training with someone who left since: %v", err)
			}

			// Back at work: bookable again; the cancelled place stays so.
			if p, err := f.privacy.Return(ctx, f.hr, anne); err != nil || p.LeftAt != nil {
				t.Fatalf("return: %+v, %v", p, err)
			}
			if _, err := f.booking.Book(ctx, f.hr, later, booking.BookRequest{PersonID: &anne}); err != nil {
				t.Errorf("booking after coming back: %v", err)
			}
			state, _ = f.store.RegistrationsOf(ctx, soon, []int64{anne})
			if state[anne].Status != store.RegCancelled {
				t.Errorf("coming back restored the place: %s", state[anne].Status)
			}
		})
	}
}

// TestLeaveAccess checks that only HR of the person's commune records a
// departure.
func TestLeaveAccess(t *testing.T) {
	f := newFixture(t, storetest.Fresh(t, storetest.Kinds()[0]))
	anne := f.person(t, "Anne")
	cases := map[string]struct {
		who  access.Caller
		code apperr.Code
	}{
		"other commune": {access.User(f.hr.UserID, "rh@b", access.RoleHR, f.org.ID+1), apperr.CodeNotFound},
		"trainer":       {access.User(f.hr.UserID, "t@a", access.RoleTrainer, f.org.ID), apperr.CodeForbidden},
		"system":        {access.System("test"), apperr.CodeNotFound},
	}
	for name, tc := range cases {
		if _, _, err := f.privacy.Leave(context.Background(), tc.who, anne); !is(err, tc.code) {
			t.Errorf("%s leaves: %v, want %s", name, err, tc.code)
		}
		if _, err := f.privacy.Return(context.Background(), tc.who, anne); !is(err, tc.code) {
			t.Errorf("%s returns: %v, want %s", name, err, tc.code)
		}
	}
	p, err := f.store.Person(context.Background(), f.org.ID, anne)
	if err != nil || p.LeftAt != nil {
		t.Errorf("person changed: %+v, %v", p, err)
	}
}

// is reports whether err answers code; the store's not found is a 404.
func is(err error, code apperr.Code) bool {
	return apperr.Is(err, code) || code == apperr.CodeNotFound && errors.Is(err, store.ErrNotFound)
}

// TestPurge checks the retention purge: the personal data of people who
// left more than the period ago goes, as an erasure would (their
// registrations stay as anonymous counts); people still at work, who left
// recently or came back stay; accounts disabled before the period lose
// address, name and password; older staff log entries and expired sign-in
// traces go. A dry run counts the same and changes nothing; only the
// system purges.
func TestPurge(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			ids := map[string]int64{}
			for _, n := range []string{"Old", "Recent", "Back", "Staying"} {
				ids[n] = f.person(t, n)
			}
			sess := f.session(t, 10, "2026-03-10T13:30:00+01:00")
			f.book(t, sess, ids["Old"], ids["Recent"], ids["Back"], ids["Staying"])
			f.setNow(time.Date(2026, 4, 1, 9, 0, 0, 0, tz.Zurich))
			for _, n := range []string{"Old", "Back"} {
				if _, _, err := f.privacy.Leave(ctx, f.hr, ids[n]); err != nil {
					t.Fatal(err)
				}
			}
			gone := &store.User{OrgID: &f.org.ID, Email: "ancien@ecublens.example", Name: "Ancien RH", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
			if err := f.store.CreateUser(ctx, gone); err != nil {
				t.Fatal(err)
			}
			disabled := f.now.Load().UTC()
			if err := f.store.SetUserDisabled(ctx, gone.ID, &disabled); err != nil {
				t.Fatal(err)
			}
			f.setNow(time.Date(2027, 6, 1, 9, 0, 0, 0, tz.Zurich))
			if _, _, err := f.privacy.Leave(ctx, f.hr, ids["Recent"]); err != nil {
				t.Fatal(err)
			}
			f.setNow(time.Date(2028, 1, 1, 9, 0, 0, 0, tz.Zurich))
			if _, err := f.privacy.Return(ctx, f.hr, ids["Back"]); err != nil {
				t.Fatal(err)
			}
			before, err := f.store.SessionCounts(ctx, sess)
			if err != nil {
				t.Fatal(err)
			}
			f.setNow(time.Date(2028, 4, 2, 9, 0, 0, 0, tz.Zurich)) // 24 months after the first departures

			if _, err := f.privacy.Purge(ctx, f.hr, false); !apperr.Is(err, apperr.CodeForbidden) {
				t.Errorf("HR purges: %v", err)
			}
			sys := access.System("test")
			dry, err := f.privacy.Purge(ctx, sys, true)
			if err != nil {
				t.Fatal(err)
			}
			if dry.People != 1 || dry.Accounts != 1 || dry.StaffActions == 0 {
				t.Errorf("dry run: %+v, want 1 person, 1 account, the 2026 staff log", dry)
			}
			if _, err := f.store.Person(ctx, f.org.ID, ids["Old"]); err != nil {
				t.Errorf("the dry run erased: %v", err)
			}
			rep, err := f.privacy.Purge(ctx, sys, false)
			if err != nil {
				t.Fatal(err)
			}
			if rep.People != dry.People || rep.Accounts != dry.Accounts || rep.StaffActions != dry.StaffActions || rep.SignIns != dry.SignIns {
				t.Errorf("purge %+v, dry run said %+v", rep, dry)
			}
			for name, want := range map[string]bool{"Old": false, "Recent": true, "Back": true, "Staying": true} {
				_, err := f.store.Person(ctx, f.org.ID, ids[name])
				if exists := err == nil; exists != want {
					t.Errorf("%s kept: %v, want %v (%v)", name, exists, want, err)
				}
			}
			after, err := f.store.SessionCounts(ctx, sess)
			if err != nil {
				t.Fatal(err)
			}
			if after.Booked != before.Booked {
				t.Errorf("counts changed: %d booked, were %d", after.Booked, before.Booked)
			}
			u, err := f.store.User(ctx, gone.ID)
			if err != nil {
				t.Fatal(err)
			}
			if u.Email != fmt.Sprintf("account-%d@%s", gone.ID, store.PurgedDomain) || u.Name != "" || u.PasswordHash != "!" {
				t.Errorf("account kept its data: %q %q %q", u.Email, u.Name, u.PasswordHash)
			}
			log, _, err := f.store.StaffActions(ctx, store.StaffActionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, a := range log {
				if a.CreatedAt.Before(rep.Cutoff) {
					t.Errorf("staff log kept %s of %s", a.Action, a.CreatedAt)
				}
				actions = append(actions, a.Action)
			}
			joined := strings.Join(actions, " ")
			for _, want := range []string{"person_purged", "account_purged", "person_returned"} {
				if !strings.Contains(joined, want) {
					t.Errorf("staff log %v lacks %s", actions, want)
				}
			}
			// A second purge finds nothing more.
			again, err := f.privacy.Purge(ctx, sys, false)
			if err != nil || again.People+again.Accounts+again.StaffActions != 0 {
				t.Errorf("second purge: %+v, %v", again, err)
			}
		})
	}
}
