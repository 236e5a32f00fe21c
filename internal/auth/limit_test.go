package auth

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

const (
	hrEmail    = "rh@commune.example"
	hrPassword = "correct horse battery"
	hrAddr     = "198.51.100.7"
	evilAddr   = "203.0.113.66"
)

// limitFixture is an account on a fresh database and a clock the test moves.
type limitFixture struct {
	store *store.Store
	mu    sync.Mutex
	now   time.Time
	// compares counts the password checks of every Service made by service.
	compares atomic.Int64
}

func newLimitFixture(t *testing.T, s *store.Store) *limitFixture {
	t.Helper()
	f := &limitFixture{store: s, now: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	org := &store.Org{Slug: "commune", Name: "Commune"}
	if err := s.CreateOrg(ctx, org); err != nil {
		t.Fatal(err)
	}
	if _, err := f.service(s).CreateUser(ctx, nil, NewUser{Email: hrEmail, Password: hrPassword, Role: store.RoleHR, Org: "commune"}); err != nil {
		t.Fatal(err)
	}
	f.compares.Store(0)
	return f
}

func (f *limitFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *limitFixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// service is one instance's auth.Service on s, counting its password checks.
func (f *limitFixture) service(s *store.Store) *Service {
	a := New(s, f.clock, 4)
	a.compare = func(hash, password []byte) error {
		f.compares.Add(1)
		return bcrypt.CompareHashAndPassword(hash, password)
	}
	return a
}

// login signs in and returns the outcome's code: "ok", or the error's code.
func login(t *testing.T, a *Service, email, password, addr string) string {
	t.Helper()
	_, _, _, err := a.Login(context.Background(), email, password, store.TokenAPI, addr)
	if err == nil {
		return "ok"
	}
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("login: %v", err)
	}
	return string(e.Code)
}

// TestConcurrentGuessesAreCountedFirst: 100 wrong guesses at once for one
// account from one address reach bcrypt at most FreeFailures times; the
// others are refused with a 429 before any password check.
func TestConcurrentGuessesAreCountedFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newLimitFixture(t, s)
		a := f.service(s)
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[string]int{}
		for i := range 100 {
			wg.Go(func() {
				code := login(t, a, hrEmail, fmt.Sprintf("guess %d", i), evilAddr)
				mu.Lock()
				codes[code]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if n := f.compares.Load(); n > FreeFailures || codes["unauthorized"] != int(n) || codes["rate_limited"] != 100-int(n) {
			t.Errorf("%d password checks for 100 concurrent guesses (at most %d allowed); answers %v", n, FreeFailures, codes)
		}
	})
}

// TestStrangerDoesNotLockOutTheUser: failures from another address do not
// block the account holder's address; the stranger's own address waits.
func TestStrangerDoesNotLockOutTheUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newLimitFixture(t, s)
		a := f.service(s)
		for i := range 30 {
			login(t, a, hrEmail, fmt.Sprintf("guess %d", i), evilAddr)
		}
		if got := login(t, a, hrEmail, hrPassword, evilAddr); got != "rate_limited" {
			t.Errorf("stranger's address after 30 guesses: %s, want rate_limited", got)
		}
		if got := login(t, a, hrEmail, hrPassword, hrAddr); got != "ok" {
			t.Errorf("the account holder from her own address: %s, want ok", got)
		}
	})
}

// TestDelaysGrow: after FreeFailures failures each attempt of the pair
// waits 1 s, 2 s, 4 s… up to MaxDelay; a success clears the pair.
func TestDelaysGrow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newLimitFixture(t, s)
		a := f.service(s)
		for i := range FreeFailures {
			if got := login(t, a, hrEmail, "wrong", hrAddr); got != "unauthorized" {
				t.Fatalf("free failure %d: %s", i+1, got)
			}
		}
		for _, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
			if got := login(t, a, hrEmail, hrPassword, hrAddr); got != "rate_limited" {
				t.Fatalf("before waiting %v: %s, want rate_limited", wait, got)
			}
			f.advance(wait - time.Millisecond)
			if got := login(t, a, hrEmail, hrPassword, hrAddr); got != "rate_limited" {
				t.Fatalf("just before %v: %s, want rate_limited", wait, got)
			}
			f.advance(time.Millisecond)
			if got := login(t, a, hrEmail, "wrong", hrAddr); got != "unauthorized" {
				t.Fatalf("after %v: %s, want unauthorized", wait, got)
			}
		}
		// The message says how long to wait.
		_, _, _, err := a.Login(context.Background(), hrEmail, hrPassword, store.TokenAPI, hrAddr)
		if e, ok := apperr.As(err); !ok || e.Msg.Key != "err.login_wait_seconds" || fmt.Sprint(e.Msg.Args) != "[16]" {
			t.Errorf("refusal: %v", err)
		}
		// Capped at MaxDelay.
		for range 20 {
			f.advance(MaxDelay)
			login(t, a, hrEmail, "wrong", hrAddr)
		}
		f.advance(MaxDelay - time.Second)
		if got := login(t, a, hrEmail, hrPassword, hrAddr); got != "rate_limited" {
			t.Fatalf("within the cap: %s", got)
		}
		f.advance(time.Second)
		if got := login(t, a, hrEmail, hrPassword, hrAddr); got != "ok" {
			t.Fatalf("after the cap: %s", got)
		}
		// The success cleared the pair: FreeFailures failures go through again.
		for i := range FreeFailures {
			if got := login(t, a, hrEmail, "wrong", hrAddr); got != "unauthorized" {
				t.Fatalf("after success, failure %d: %s", i+1, got)
			}
		}
	})
}

// TestAddressCeiling: one address cannot try more than MaxFailuresPerAddr
// accounts in AddrWindow; other addresses are not affected. IPv6 counts by
// /64.
func TestAddressCeiling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newLimitFixture(t, s)
		a := f.service(s)
		for _, addr := range []string{evilAddr, "2001:db8:1:2::1"} {
			for i := range MaxFailuresPerAddr {
				from := addr
				if addr != evilAddr {
					from = fmt.Sprintf("2001:db8:1:2::%x", i+1) // one client's /64
				}
				if got := login(t, a, fmt.Sprintf("user%d@commune.example", i), "guess", from); got != "unauthorized" {
					t.Fatalf("%s: account %d: %s", addr, i, got)
				}
			}
			if got := login(t, a, hrEmail, hrPassword, addr); got != "rate_limited" {
				t.Errorf("%s past the ceiling: %s, want rate_limited", addr, got)
			}
		}
		if got := login(t, a, hrEmail, hrPassword, hrAddr); got != "ok" {
			t.Errorf("another address: %s", got)
		}
		f.advance(AddrWindow)
		if got := login(t, a, hrEmail, hrPassword, evilAddr); got != "ok" {
			t.Errorf("after the window: %s", got)
		}
	})
}

// TestInstancesShareTheCount: two instances (two Services on two
// connections to one database) count the same attempts.
func TestInstancesShareTheCount(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			s1 := storetest.Open(t, db)
			s2, err := store.Open(context.Background(), db.URL, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s2.Close() })
			f := newLimitFixture(t, s1)
			a1, a2 := f.service(s1), f.service(s2)
			for i := range FreeFailures {
				a := a1
				if i%2 == 1 {
					a = a2
				}
				if got := login(t, a, hrEmail, "wrong", evilAddr); got != "unauthorized" {
					t.Fatalf("failure %d: %s", i+1, got)
				}
			}
			for name, a := range map[string]*Service{"first": a1, "second": a2} {
				if got := login(t, a, hrEmail, hrPassword, evilAddr); got != "rate_limited" {
					t.Errorf("%s instance after %d failures on both: %s", name, FreeFailures, got)
				}
			}
			// Concurrently on both instances: still at most FreeFailures checks.
			f.advance(ForgetAfter)
			f.compares.Store(0)
			var wg sync.WaitGroup
			for i := range 40 {
				a := a1
				if i%2 == 1 {
					a = a2
				}
				wg.Go(func() { login(t, a, hrEmail, fmt.Sprintf("guess %d", i), evilAddr) })
			}
			wg.Wait()
			if n := f.compares.Load(); n > FreeFailures {
				t.Errorf("%d password checks for 40 concurrent guesses on two instances", n)
			}
		})
	}
}

// TestOldCountsAreDeleted: counts untouched for ForgetAfter are deleted by
// the next sign-in, and no longer count.
func TestOldCountsAreDeleted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newLimitFixture(t, s)
		a := f.service(s)
		for i := range 3 {
			login(t, a, fmt.Sprintf("user%d@commune.example", i), "guess", evilAddr)
		}
		count := func() int64 {
			sqlDB, _ := s.SQL()
			var n int64
			if err := sqlDB.QueryRow("SELECT COUNT(*) FROM login_attempts").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(); n != 4 {
			t.Fatalf("%d rows after 3 accounts from one address, want 4", n)
		}
		f.advance(ForgetAfter + time.Minute)
		if got := login(t, a, hrEmail, hrPassword, hrAddr); got != "ok" {
			t.Fatal(got)
		}
		if n := count(); n != 0 {
			t.Errorf("%d rows left after the sweep", n)
		}
	})
}
