// Package storetest gives tests a fresh, migrated database of each kind:
// always SQLite, and PostgreSQL when ATELIER_TEST_DATABASE_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver to create and drop schemas

	"github.com/atelier-ch/atelier/internal/store"
)

// EnvURL names the variable holding the PostgreSQL server for tests.
const EnvURL = "ATELIER_TEST_DATABASE_URL"

// DB is one database a test runs against.
type DB struct {
	Name string
	// URL opens this same database again (a second "process").
	URL string
}

// Databases returns a fresh, empty database of each kind for t, dropped when
// t ends. PostgreSQL is included when ATELIER_TEST_DATABASE_URL is set; if it
// is set and unreachable the test fails rather than skips.
func Databases(t testing.TB) []DB {
	t.Helper()
	var dbs []DB
	for _, kind := range Kinds() {
		dbs = append(dbs, Fresh(t, kind))
	}
	return dbs
}

// Kinds lists the database kinds tests run on: "sqlite", and "postgres"
// when ATELIER_TEST_DATABASE_URL is set.
func Kinds() []string {
	if os.Getenv(EnvURL) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Fresh returns a new, empty database of kind for tb, dropped at its end.
func Fresh(tb testing.TB, kind string) DB {
	tb.Helper()
	if kind == "postgres" {
		return DB{Name: kind, URL: NewPostgresSchema(tb, os.Getenv(EnvURL))}
	}
	return DB{Name: "sqlite", URL: "sqlite:" + filepath.Join(tb.TempDir(), "atelier.db")}
}

// NewPostgresSchema creates a uniquely named schema on the server at base and
// returns a URL whose connections use it; the schema is dropped at cleanup.
func NewPostgresSchema(t testing.TB, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "t_" + strings.ToLower(rand.Text())
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("%s is set but PostgreSQL refused: %v", EnvURL, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates db for t, closing it at cleanup.
func Open(t testing.TB, db DB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), db.URL, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", db.Name, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", db.Name, err)
	}
	return s
}

// Each runs fn as a subtest on a fresh migrated store of each kind.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, db := range Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			fn(t, Open(t, db))
		})
	}
}

// Queries counts the SQL statements run under the contexts it marks.
type Queries struct {
	mu  sync.Mutex
	n   int
	sql []string
}

type queriesKey struct{}

// CountQueries makes s count, in the Queries marked on a statement's
// context (Queries.Context), every statement it runs. Call it once per
// store.
func CountQueries(tb testing.TB, s *store.Store) {
	tb.Helper()
	err := s.OnStatement("storetest:count", func(ctx context.Context, sql string) {
		if q, ok := ctx.Value(queriesKey{}).(*Queries); ok {
			q.mu.Lock()
			q.n++
			q.sql = append(q.sql, sql)
			q.mu.Unlock()
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// Context marks ctx: the statements run under it are counted in q.
func (q *Queries) Context(ctx context.Context) context.Context {
	return context.WithValue(ctx, queriesKey{}, q)
}

// N is how many statements were counted.
func (q *Queries) N() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// SQL lists the statements counted, in order.
func (q *Queries) SQL() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.sql)
}
