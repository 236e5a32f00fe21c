package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// TestAfterCommit: what waits for a commit runs after it, once, and never
// for a transaction (or a savepoint) that rolls back.
func TestAfterCommit(t *testing.T) {
	boom := errors.New("boom")
	cases := map[string]struct {
		run  func(s *store.Store, mark func(string)) error
		want string
	}{
		"committed": {func(s *store.Store, mark func(string)) error {
			return s.Tx(context.Background(), func(tx *store.Store) error {
				tx.AfterCommit(context.Background(), func(context.Context, *store.Store) { mark("a") })
				mark("in")
				return nil
			})
		}, "in,a"},
		"rolled back": {func(s *store.Store, mark func(string)) error {
			return s.Tx(context.Background(), func(tx *store.Store) error {
				tx.AfterCommit(context.Background(), func(context.Context, *store.Store) { mark("a") })
				return boom
			})
		}, ""},
		"savepoint rolled back, outer committed": {func(s *store.Store, mark func(string)) error {
			return s.Tx(context.Background(), func(tx *store.Store) error {
				tx.AfterCommit(context.Background(), func(context.Context, *store.Store) { mark("outer") })
				_ = tx.Tx(context.Background(), func(inner *store.Store) error {
					inner.AfterCommit(context.Background(), func(context.Context, *store.Store) { mark("inner") })
					return boom
				})
				return tx.Tx(context.Background(), func(inner *store.Store) error {
					inner.AfterCommit(context.Background(), func(context.Context, *store.Store) { mark("kept") })
					mark("in")
					return nil
				})
			})
		}, "in,outer,kept"},
		"a hook that panics: the commit stands, the others run": {func(s *store.Store, mark func(string)) error {
			return s.Tx(context.Background(), func(tx *store.Store) error {
				tx.AfterCommit(context.Background(), func(context.Context, *store.Store) { panic("hook") })
				tx.AfterCommit(context.Background(), func(context.Context, *store.Store) { mark("b") })
				mark("in")
				return nil
			})
		}, "in,b"},
		"outside a transaction": {func(s *store.Store, mark func(string)) error {
			s.AfterCommit(context.Background(), func(context.Context, *store.Store) { mark("now") })
			return nil
		}, "now"},
	}
	for _, db := range storetest.Databases(t) {
		s := storetest.Open(t, db)
		for name, tc := range cases {
			t.Run(db.Name+"/"+name, func(t *testing.T) {
				got := ""
				mark := func(m string) {
					if got != "" {
						got += ","
					}
					got += m
				}
				if err := tc.run(s, mark); err != nil && !errors.Is(err, boom) {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Errorf("ran %q, want %q", got, tc.want)
				}
			})
		}
	}
}
