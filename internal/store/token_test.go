package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestTokenCheckBesideWriter: the token check every request makes answers
// while a write transaction is under way (on SQLite, through the readers
// beside its one writer), and it sees only committed, unexpired tokens of
// enabled accounts.
func TestTokenCheckBesideWriter(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, db)
			org := &store.Org{Slug: "aubonne", Name: "Aubonne"}
			if err := s.CreateOrg(ctx, org); err != nil {
				t.Fatal(err)
			}
			u := &store.User{OrgID: &org.ID, Email: "rh@aubonne.example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
			if err := s.CreateAuthToken(ctx, &store.AuthToken{UserID: u.ID, Hash: "h1", Kind: "api", ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			// A writer holds the database meanwhile, with a token of its own
			// not committed yet.
			holding, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				done <- s.Tx(ctx, func(tx *store.Store) error {
					if err := tx.CreateAuthToken(ctx, &store.AuthToken{UserID: u.ID, Hash: "h2", Kind: "api", ExpiresAt: now.Add(time.Hour)}); err != nil {
						return err
					}
					close(holding)
					<-release
					return nil
				})
			}()
			<-holding
			check, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			got, tok, err := s.UserByTokenHash(check, "h1", "api", now)
			if err != nil || got.ID != u.ID || got.Email != u.Email || *got.OrgID != org.ID || tok.UserID != u.ID || !tok.ExpiresAt.Equal(now.Add(time.Hour)) {
				t.Errorf("token check beside the writer: %+v %+v %v", got, tok, err)
			}
			if db.Name == "sqlite" {
				if _, _, err := s.UserByTokenHash(check, "h2", "api", now); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("a token not committed yet: %v", err)
				}
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			for name, c := range map[string]struct {
				hash, kind string
				at         time.Time
				ok         bool
			}{
				"committed since": {"h2", "api", now, true},
				"expired":         {"h1", "api", now.Add(2 * time.Hour), false},
				"another kind":    {"h1", "session", now, false},
				"unknown":         {"nope", "api", now, false},
			} {
				_, _, err := s.UserByTokenHash(ctx, c.hash, c.kind, c.at)
				if (err == nil) != c.ok || (!c.ok && !errors.Is(err, store.ErrNotFound)) {
					t.Errorf("%s: %v", name, err)
				}
			}
			if err := s.SetUserDisabled(ctx, u.ID, &now); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.UserByTokenHash(ctx, "h1", "api", now); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a disabled account's token: %v", err)
			}
		})
	}
}

// TestTokenChecksTogether: checks asked at once, answered together by a
// few queries, each get their own answer — by their own kind and time, a
// disabled account refused, a check whose caller has gone answered so
// without holding up the others — and a closed store answers at once.
func TestTokenChecksTogether(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, db)
			org := &store.Org{Slug: "ecublens", Name: "Ecublens"}
			if err := s.CreateOrg(ctx, org); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
			users := map[string]*store.User{}
			for _, name := range []string{"rh", "off"} {
				u := &store.User{OrgID: &org.ID, Email: name + "@ecublens.example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
				if err := s.CreateUser(ctx, u); err != nil {
					t.Fatal(err)
				}
				users[name] = u
			}
			for hash, tok := range map[string]struct {
				user, kind string
				life       time.Duration
			}{
				"h-api": {"rh", "api", time.Hour}, "h-web": {"rh", "web", time.Hour},
				"h-soon": {"rh", "api", time.Minute}, "h-off": {"off", "api", time.Hour},
			} {
				if err := s.CreateAuthToken(ctx, &store.AuthToken{UserID: users[tok.user].ID, Hash: hash, Kind: tok.kind, ExpiresAt: now.Add(tok.life)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.SetUserDisabled(ctx, users["off"].ID, &now); err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				hash, kind string
				at         time.Time
				user       string // "" when refused
			}{
				{"h-api", "api", now, "rh"},
				{"h-web", "web", now, "rh"},
				{"h-web", "api", now, ""},
				{"h-soon", "api", now, "rh"},
				{"h-soon", "api", now.Add(2 * time.Minute), ""},
				{"h-off", "api", now, ""},
				{"nope", "api", now, ""},
			}
			gone, cancel := context.WithCancel(ctx)
			cancel()
			start := make(chan struct{})
			errs := make(chan error, 400)
			var wg sync.WaitGroup
			for i := range 400 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if i%50 == 49 {
						if _, _, err := s.UserByTokenHash(gone, "h-api", "api", now); err == nil {
							errs <- errors.New("a check whose caller has gone was answered")
						}
						return
					}
					c := cases[i%len(cases)]
					u, tok, err := s.UserByTokenHash(ctx, c.hash, c.kind, c.at)
					switch {
					case c.user == "" && !errors.Is(err, store.ErrNotFound):
						errs <- fmt.Errorf("%s/%s at %v: %v %v, want not found", c.hash, c.kind, c.at, u, err)
					case c.user != "" && (err != nil || u.ID != users[c.user].ID || tok.Hash != c.hash || tok.Kind != c.kind || tok.UserID != u.ID):
						errs <- fmt.Errorf("%s/%s at %v: %+v %+v %v, want %s", c.hash, c.kind, c.at, u, tok, err, c.user)
					}
				}()
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, _, err := s.UserByTokenHash(ctx, "h-api", "api", now); done <- err }()
			select {
			case err := <-done:
				if err == nil {
					t.Error("a closed store accepted a token")
				}
			case <-time.After(5 * time.Second):
				t.Error("a check on a closed store never came back")
			}
		})
	}
}

// TestTokenCheckDeadlines: a check answered with others gives up at its
// own deadline, and its deadline does not cut the query short for the
// others. (PostgreSQL: the query is held up by a lock on the tokens;
// SQLite's readers are not held up by its writer.)
func TestTokenCheckDeadlines(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		if db.Name != "postgres" {
			continue
		}
		t.Run(db.Name, func(t *testing.T) {
			ctx := context.Background()
			s := storetest.Open(t, db)
			org := &store.Org{Slug: "yverdon", Name: "Yverdon-les-Bains"}
			if err := s.CreateOrg(ctx, org); err != nil {
				t.Fatal(err)
			}
			u := &store.User{OrgID: &org.ID, Email: "rh@yverdon.example", PasswordHash: "x", Role: store.RoleHR, Language: "fr"}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC()
			if err := s.CreateAuthToken(ctx, &store.AuthToken{UserID: u.ID, Hash: "h-api", Kind: "api", ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			sqlDB, _ := s.SQL()
			// hold locks the tokens until release is called.
			hold := func() (release func()) {
				t.Helper()
				tx, err := sqlDB.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := tx.ExecContext(ctx, "LOCK TABLE auth_tokens IN ACCESS EXCLUSIVE MODE"); err != nil {
					t.Fatal(err)
				}
				return func() { _ = tx.Rollback() }
			}
			const held = time.Second

			t.Run("one query, the shorter deadline first", func(t *testing.T) {
				release := hold()
				short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
				defer cancel()
				long, cancel2 := context.WithTimeout(ctx, 20*time.Second)
				defer cancel2()
				time.AfterFunc(held, release)
				start := time.Now()
				errs := s.CheckTokensTogether([]context.Context{short, long}, "h-api", "api", now)
				if took := time.Since(start); took < held {
					t.Errorf("the query ended after %v, before the lock was released", took)
				}
				if errs[1] != nil {
					t.Errorf("the check with time left: %v, want its account (the shorter deadline cut the query short)", errs[1])
				}
			})
			t.Run("a request gives up at its own deadline", func(t *testing.T) {
				release := hold()
				defer release()
				short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
				defer cancel()
				start := time.Now()
				_, _, err := s.UserByTokenHash(short, "h-api", "api", now)
				if took := time.Since(start); !errors.Is(err, store.ErrUnavailable) || took > held/2 {
					t.Errorf("a check past its deadline: %v after %v, want unavailable after about 200ms", err, took)
				}
			})
			// Once released, checks are answered again.
			if _, _, err := s.UserByTokenHash(ctx, "h-api", "api", now); err != nil {
				t.Errorf("after the lock: %v", err)
			}
		})
	}
}
