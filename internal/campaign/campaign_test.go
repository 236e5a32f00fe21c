package campaign_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/campaign"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// notifier counts the events booking hands it, and fails when asked to.
type notifier struct {
	events atomic.Int64
	fail   atomic.Bool
}

func (n *notifier) Notify(_ context.Context, _ *store.Store, events []booking.Event) error {
	if n.fail.Load() {
		return errors.New("the mail composer broke")
	}
	n.events.Add(int64(len(events)))
	return nil
}

// fixture is a commune with HR on a fresh database, the clock at Monday
// 4 January 2027.
type fixture struct {
	store    *store.Store
	cat      *catalog.Catalog
	booking  *booking.Service
	svc      *campaign.Service
	mails    *notifier
	org      *store.Org
	hr       access.Caller
	now      atomic.Pointer[time.Time]
	services []int64
	people   []int64
	dept     map[int64]int64
}

func newFixture(tb testing.TB, db storetest.DB) *fixture {
	tb.Helper()
	return newFixtureOn(tb, storetest.Open(tb, db), "yverdon")
}

// newFixtureOn is newFixture for the commune slug on an open store.
func newFixtureOn(tb testing.TB, st *store.Store, slug string) *fixture {
	tb.Helper()
	ctx := context.Background()
	f := &fixture{store: st, mails: &notifier{}, dept: map[int64]int64{}}
	cat, err := catalog.Load(catalogdata.FS)
	if err != nil {
		tb.Fatal(err)
	}
	f.cat = cat
	now := time.Date(2027, 1, 4, 9, 0, 0, 0, tz.Zurich)
	f.now.Store(&now)
	clock := func() time.Time { return *f.now.Load() }
	f.booking = booking.New(f.store, formats.NewResolver(cat, f.store), clock, "atelier.test", f.mails)
	f.svc = campaign.New(f.store, formats.NewResolver(cat, f.store), f.booking, clock)
	f.org = &store.Org{Slug: slug, Name: "Commune " + slug}
	if err := f.store.CreateOrg(ctx, f.org); err != nil {
		tb.Fatal(err)
	}
	u := &store.User{OrgID: &f.org.ID, Email: "rh@" + slug + ".example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
	if err := f.store.CreateUser(ctx, u); err != nil {
		tb.Fatal(err)
	}
	f.hr = access.User(u.ID, u.Email, access.RoleHR, f.org.ID)
	return f
}

// commune adds services of the given sizes (staff) and council members.
func (f *fixture) commune(tb testing.TB, sizes []int, council int) {
	tb.Helper()
	ctx := context.Background()
	for i, n := range sizes {
		d := &store.Department{OrgID: f.org.ID, Name: fmt.Sprintf("Service %d", i+1)}
		if err := f.store.CreateDepartment(ctx, d); err != nil {
			tb.Fatal(err)
		}
		f.services = append(f.services, d.ID)
		for range n {
			f.person(tb, "staff", &d.ID)
		}
	}
	for range council {
		f.person(tb, "council_member", nil)
	}
}

func (f *fixture) person(tb testing.TB, role string, dept *int64) int64 {
	tb.Helper()
	n := len(f.people)
	email := fmt.Sprintf("p%d@%s.example", n, f.org.Slug)
	p := &store.Person{OrgID: f.org.ID, Name: fmt.Sprintf("Personne %04d", n), Email: &email, Role: role, Language: "fr", DepartmentID: dept}
	if err := f.store.CreatePerson(context.Background(), p); err != nil {
		tb.Fatal(err)
	}
	f.people = append(f.people, p.ID)
	if dept != nil {
		f.dept[p.ID] = *dept
	}
	return p.ID
}

// request is the example: everyone, Tuesdays 13:30 and a council
// evening, 11 January to 26 February 2027, 12 seats.
func request(format string) campaign.Request {
	return campaign.Request{
		Format: format, Audience: campaign.Audience{All: true}, From: "2027-01-11", To: "2027-02-26",
		Slots:    []campaign.Slot{{Weekday: "tue", Start: "13:30"}, {Weekday: "mon", Start: "18:30", Council: true}},
		Capacity: 12, Location: campaign.Location{Name: "Salle du Conseil", Room: "2e étage"},
	}
}

func (f *fixture) count(tb testing.TB, table string) int {
	tb.Helper()
	db, _ := f.store.SQL()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func mustCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if !apperr.Is(err, code) {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// TestProposeEditConfirm: the proposal breaks no rule; edits are checked
// again; confirming books exactly the plan, once.
func TestProposeEditConfirm(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			f.commune(t, []int{8, 7, 6, 5, 5, 4, 4, 2}, 5) // the demo's 41, and a council
			p, err := f.svc.Propose(ctx, f.hr, request("aubonne"))
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Proposal.Sessions) == 0 || len(p.Unaccepted()) > 0 || p.Changed {
				t.Fatalf("proposal: %+v", p.Proposal)
			}
			placed := 0
			for _, s := range p.Proposal.Sessions {
				placed += len(s.People)
				if tz.In(s.Start).Weekday() == time.Monday != s.Council {
					t.Errorf("session at %s, council %t", s.Start, s.Council)
				}
			}
			if placed != len(f.people) || p.Totals.Bookings != placed || p.Totals.Mailed != placed {
				t.Errorf("%d placed of %d, totals %+v", placed, len(f.people), p.Totals)
			}
			// An edit that breaks a rule, accepted; a second edit that
			// changes that warning asks again.
			staff := slices.IndexFunc(p.Proposal.Sessions, func(s plan.Session) bool { return !s.Council })
			council := slices.IndexFunc(p.Proposal.Sessions, func(s plan.Session) bool { return s.Council })
			e, err := f.svc.Edit(ctx, f.hr, p.ID, campaign.Edit{Move: &campaign.Move{PersonID: f.people[0], ToSession: council}})
			if err != nil {
				t.Fatal(err)
			}
			open := e.Unaccepted()
			if len(open) != 1 || open[0].Code != plan.WarnCouncilOnly {
				t.Fatalf("after moving staff to the council: %+v", open)
			}
			ids := []string{open[0].ID()}
			if e, err = f.svc.Edit(ctx, f.hr, p.ID, campaign.Edit{Accept: &ids}); err != nil || len(e.Unaccepted()) != 0 {
				t.Fatalf("accept: %v %+v", err, e.Unaccepted())
			}
			// Someone else of the council slot's rule: a new warning, open.
			if e, err = f.svc.Edit(ctx, f.hr, p.ID, campaign.Edit{Move: &campaign.Move{PersonID: f.people[1], ToSession: council}}); err != nil {
				t.Fatal(err)
			}
			if n := len(e.Unaccepted()); n != 1 || !e.Accepted[ids[0]] {
				t.Fatalf("a second move: open %v, accepted %v", e.Unaccepted(), e.Accepted)
			}
			_, err = f.svc.Confirm(ctx, f.hr, p.ID)
			var refused *campaign.Conflict
			if !errors.As(err, &refused) || refused.NewProposal || len(refused.Plan.Unaccepted()) != 1 || f.count(t, "sessions") != 0 {
				t.Fatalf("confirm with an open violation: %v", err)
			}
			if _, err := f.svc.Edit(ctx, f.hr, p.ID, campaign.Edit{Move: &campaign.Move{PersonID: f.people[1], ToSession: staff}}); err != nil {
				t.Fatal(err)
			}
			// Bad edits.
			two := 0
			_, err = f.svc.Edit(ctx, f.hr, p.ID, campaign.Edit{RemoveSession: &two, Accept: &ids})
			mustCode(t, err, apperr.CodeValidation)
			_, err = f.svc.Edit(ctx, f.hr, p.ID, campaign.Edit{Accept: &[]string{"no_slot"}})
			mustCode(t, err, apperr.CodeValidation)

			got, err := f.svc.Confirm(ctx, f.hr, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != store.PlanConfirmed || len(got.SessionIDs) != len(got.Proposal.Sessions) || got.ConfirmedAt == nil {
				t.Fatalf("confirmed: %+v", got)
			}
			for i, id := range got.SessionIDs {
				rows, err := f.store.RegistrationRows(ctx, store.RegistrationFilter{SessionID: id})
				if err != nil {
					t.Fatal(err)
				}
				var booked []int64
				for _, r := range rows {
					booked = append(booked, *r.PersonID)
				}
				slices.Sort(booked)
				if want := got.Proposal.Sessions[i].People; !slices.Equal(booked, want) {
					t.Errorf("session %d books %v, want %v", i, booked, want)
				}
			}
			if n := f.mails.events.Load(); n != int64(placed) {
				t.Errorf("%d invitations for %d people", n, placed)
			}
			_, err = f.svc.Confirm(ctx, f.hr, p.ID)
			mustCode(t, err, apperr.CodeConflict)
			// Planning again now plans nobody: everyone is booked.
			again, err := f.svc.Propose(ctx, f.hr, request("aubonne"))
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Proposal.Sessions) != 0 || len(again.Proposal.Unplaced) != len(f.people) {
				t.Errorf("planning again: %d sessions, %d unplaced", len(again.Proposal.Sessions), len(again.Proposal.Unplaced))
			}
		})
	}
}

// TestConfirmIsAtomic: when anything fails half-way (here the mail of the
// last booking), nothing of the confirmation stays.
func TestConfirmIsAtomic(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			f.commune(t, []int{6, 6, 6}, 0)
			p, err := f.svc.Propose(ctx, f.hr, request("ecublens-collaborateurs"))
			if err != nil {
				t.Fatal(err)
			}
			f.mails.fail.Store(true)
			if _, err := f.svc.Confirm(ctx, f.hr, p.ID); err == nil {
				t.Fatal("confirmed although the mails failed")
			}
			for _, table := range []string{"sessions", "registrations", "plan_sessions", "audit_entries"} {
				if n := f.count(t, table); n != 0 {
					t.Errorf("%d rows left in %s", n, table)
				}
			}
			if got, _ := f.svc.Plan(ctx, f.hr, p.ID); got.Status != store.PlanProposed {
				t.Errorf("plan %s", got.Status)
			}
			f.mails.fail.Store(false)
			if _, err := f.svc.Confirm(ctx, f.hr, p.ID); err != nil {
				t.Fatal(err)
			}
			if n := f.count(t, "registrations"); n != 18 {
				t.Errorf("%d registrations", n)
			}
		})
	}
}

// TestConfirmConcurrently: two confirmations of one plan at once create
// its sessions once.
func TestConfirmConcurrently(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, db)
			f.commune(t, []int{10, 10}, 0)
			p, err := f.svc.Propose(ctx, f.hr, request("ecublens-collaborateurs"))
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Go(func() { _, errs[i] = f.svc.Confirm(ctx, f.hr, p.ID) })
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case !apperr.Is(err, apperr.CodeConflict):
					t.Errorf("concurrent confirm: %v", err)
				}
			}
			if ok != 1 || f.count(t, "sessions") != len(p.Proposal.Sessions) || f.count(t, "registrations") != 20 {
				t.Errorf("%d confirmations, %d sessions, %d registrations", ok, f.count(t, "sessions"), f.count(t, "registrations"))
			}
		})
	}
}

// TestChangedSince: what changes the commune for a plan makes confirming
// answer with a new proposal; what does not leaves it alone.
func TestChangedSince(t *testing.T) {
	at := func(d, h, m int) string {
		return time.Date(2027, 1, d, h, m, 0, 0, tz.Zurich).Format(time.RFC3339)
	}
	cases := map[string]struct {
		change  func(t *testing.T, f *fixture)
		changed bool
	}{
		"someone joins": {func(t *testing.T, f *fixture) { f.person(t, "staff", &f.services[0]) }, true},
		"someone changes service": {func(t *testing.T, f *fixture) {
			p, _ := f.store.Person(context.Background(), f.org.ID, f.people[0])
			p.DepartmentID = &f.services[1]
			if err := f.store.SavePerson(context.Background(), p); err != nil {
				t.Fatal(err)
			}
		}, true},
		"someone leaves": {func(t *testing.T, f *fixture) {
			if err := f.store.ErasePerson(context.Background(), f.org.ID, f.people[3], time.Now()); err != nil {
				t.Fatal(err)
			}
		}, true},
		"someone is trained": {func(t *testing.T, f *fixture) {
			format, start, capacity, past := "aubonne", at(2, 9, 0), 5, true
			s, err := f.booking.CreateSession(context.Background(), f.hr, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &capacity, Location: &booking.Location{Name: "Annexe"}, RecordPast: &past})
			if err != nil {
				t.Fatal(err)
			}
			id := f.people[2]
			if _, err := f.booking.Book(context.Background(), f.hr, s.ID, booking.BookRequest{PersonID: &id}); err != nil {
				t.Fatal(err)
			}
		}, true},
		"someone is booked in a coming session": {func(t *testing.T, f *fixture) {
			format, start, capacity := "aubonne", at(28, 9, 0), 5
			s, err := f.booking.CreateSession(context.Background(), f.hr, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &capacity, Location: &booking.Location{Name: "Annexe"}})
			if err != nil {
				t.Fatal(err)
			}
			id := f.people[2]
			if _, err := f.booking.Book(context.Background(), f.hr, s.ID, booking.BookRequest{PersonID: &id}); err != nil {
				t.Fatal(err)
			}
		}, true},
		"the room is taken in a slot": {func(t *testing.T, f *fixture) {
			format, start, capacity := "yverdon-cadres", at(12, 14, 0), 5
			if _, err := f.booking.CreateSession(context.Background(), f.hr, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &capacity, Location: &booking.Location{Name: "Salle du Conseil", Room: "2e étage"}}); err != nil {
				t.Fatal(err)
			}
		}, true},
		"the room is taken outside the slots": {func(t *testing.T, f *fixture) {
			format, start, capacity := "yverdon-cadres", at(13, 8, 0), 5
			if _, err := f.booking.CreateSession(context.Background(), f.hr, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &capacity, Location: &booking.Location{Name: "Salle du Conseil", Room: "2e étage"}}); err != nil {
				t.Fatal(err)
			}
		}, false},
		"another room is taken": {func(t *testing.T, f *fixture) {
			format, start, capacity := "yverdon-cadres", at(12, 14, 0), 5
			if _, err := f.booking.CreateSession(context.Background(), f.hr, booking.SessionInput{Format: &format, StartsAt: &start, Capacity: &capacity, Location: &booking.Location{Name: "Annexe"}}); err != nil {
				t.Fatal(err)
			}
		}, false},
		"someone outside the audience joins": {func(t *testing.T, f *fixture) { f.person(t, "council_member", nil) }, false},
		"time passes": {func(t *testing.T, f *fixture) {
			later := f.now.Load().Add(24 * time.Hour)
			f.now.Store(&later)
		}, false},
	}
	// One database, a commune per case: what changes one commune leaves
	// the others alone.
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		n := 0
		for name, tc := range cases {
			n++
			t.Run(name, func(t *testing.T) {
				ctx := context.Background()
				f := newFixtureOn(t, st, fmt.Sprintf("commune-%d", n))
				f.commune(t, []int{5, 4}, 1)
				req := request("aubonne")
				req.Audience = campaign.Audience{Role: "staff"}
				p, err := f.svc.Propose(ctx, f.hr, req)
				if err != nil {
					t.Fatal(err)
				}
				tc.change(t, f)
				got, err := f.svc.Plan(ctx, f.hr, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Changed != tc.changed {
					t.Fatalf("changed: %t, want %t", got.Changed, tc.changed)
				}
				_, err = f.svc.Confirm(ctx, f.hr, p.ID)
				var refused *campaign.Conflict
				if tc.changed {
					if !errors.As(err, &refused) || !refused.NewProposal || refused.Plan.Changed {
						t.Fatalf("confirm: %v", err)
					}
					if again, err := f.svc.Plan(ctx, f.hr, p.ID); err != nil || again.Changed {
						t.Fatalf("the new proposal is not the plan: %v %+v", err, again)
					}
					if _, err := f.svc.Confirm(ctx, f.hr, p.ID); err != nil {
						t.Fatalf("confirm the new proposal: %v", err)
					}
				} else if err != nil {
					t.Fatalf("confirm: %v", err)
				}
			})
		}
	})
}

// TestAccess: a plan belongs to its commune.
func TestAccess(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.Fresh(t, "sqlite"))
	f.commune(t, []int{3}, 0)
	p, err := f.svc.Propose(ctx, f.hr, request("aubonne"))
	if err != nil {
		t.Fatal(err)
	}
	other := access.User(99, "rh@ailleurs", access.RoleHR, f.org.ID+1)
	trainer := access.User(98, "t@yverdon", access.RoleTrainer, f.org.ID)
	for who, want := range map[string]struct {
		c    access.Caller
		code apperr.Code
	}{"another commune": {other, apperr.CodeNotFound}, "a trainer": {trainer, apperr.CodeForbidden}} {
		if _, err := f.svc.Plan(ctx, want.c, p.ID); !apperr.Is(err, want.code) {
			t.Errorf("%s reads: %v", who, err)
		}
		if _, err := f.svc.Confirm(ctx, want.c, p.ID); !apperr.Is(err, want.code) {
			t.Errorf("%s confirms: %v", who, err)
		}
		if _, err := f.svc.Edit(ctx, want.c, p.ID, campaign.Edit{Accept: &[]string{}}); !apperr.Is(err, want.code) {
			t.Errorf("%s edits: %v", who, err)
		}
	}
	if _, err := f.svc.Propose(ctx, trainer, request("aubonne")); !apperr.Is(err, apperr.CodeForbidden) {
		t.Errorf("a trainer proposes: %v", err)
	}
}
