// Package store keeps Atelier's data in SQLite or PostgreSQL through gorm.
// It knows nothing of HTTP; every method takes the caller's context.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	neturl "net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/go-gormigrate/gormigrate/v2"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/atelier-ch/atelier/db"
)

// ErrNotFound is returned when a row does not exist or is outside the
// caller's commune.
var ErrNotFound = errors.New("store: not found")

// ErrDuplicate is returned when a unique constraint refuses a write.
var ErrDuplicate = errors.New("store: duplicate")

// ErrUnavailable is returned when the database does not answer in time
// (the request's deadline, a statement or lock timeout) or cannot be
// reached: the caller may try again in a moment.
var ErrUnavailable = errors.New("store: database unavailable")

// ErrConflict is returned when a row is not in the state a change needs
// (a mail to retry that has not failed).
var ErrConflict = errors.New("store: not in the state this change needs")

// ErrSchemaTooNew is returned when the database holds migrations this binary
// does not know: it was migrated by a newer version of Atelier.
var ErrSchemaTooNew = errors.New("the database schema is newer than this version of Atelier knows; upgrade atelier (or point it at another database)")

// Dialect is the database engine in use.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the data layer. The zero value is not usable; call Open.
type Store struct {
	db      *gorm.DB
	dialect Dialect
	// afterCommit, inside Tx, collects what runs once the transaction has
	// committed (see AfterCommit).
	afterCommit *[]func(context.Context, *Store)
	// pending, inside Batch, holds the inserts written at its end.
	pending *[]any
	// tokenStmt is the token check, prepared once (the Store Open
	// returned; nil in a transaction).
	tokenStmt *prepared
	// tokens combines the token checks that arrive together (nil in a
	// transaction).
	tokens *tokenQueue
	// readers, on SQLite, are connections that only read, beside the one
	// that writes: in WAL mode they read what is committed while a write
	// goes on. The token check every request makes goes through them.
	readers *sql.DB
	// log receives what goes wrong after a commit (Options.Logger; nil
	// outside the Store Open returned).
	log *slog.Logger
}

// prepared is a statement prepared on first use (and tried again on the
// next, should the database not answer the first time).
type prepared struct {
	mu   sync.Mutex
	stmt atomic.Pointer[sql.Stmt]
}

func (p *prepared) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	if stmt := p.stmt.Load(); stmt != nil {
		return stmt, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if stmt := p.stmt.Load(); stmt != nil {
		return stmt, nil
	}
	stmt, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.stmt.Store(stmt)
	return stmt, nil
}

// Options tune Open.
type Options struct {
	// Logger receives gorm's logs; nil discards them.
	Logger *slog.Logger
	// MaxOpenConns caps the PostgreSQL pool (SQLite has one connection that
	// writes, and sqliteReaders for the token check).
	MaxOpenConns int
}

// PostgreSQL bounds, set on every connection unless the URL sets them: a
// statement or a lock wait that takes longer fails (ErrUnavailable) rather
// than holding a connection and its caller forever.
const (
	pgStatementTimeout = "30s"
	pgLockTimeout      = "10s"
)

// withTimeouts adds statement_timeout and lock_timeout to a PostgreSQL URL
// (pgx sends unknown parameters as run-time settings).
func withTimeouts(dsn string) string {
	u, err := neturl.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	if q.Get("statement_timeout") == "" {
		q.Set("statement_timeout", pgStatementTimeout)
	}
	if q.Get("lock_timeout") == "" {
		q.Set("lock_timeout", pgLockTimeout)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// ParseURL tells which dialect a DATABASE_URL selects and the DSN to give its
// driver: postgres:// or postgresql:// for PostgreSQL, sqlite:PATH or a plain
// path for SQLite.
func ParseURL(url string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return Postgres, url, nil
	case strings.HasPrefix(url, "sqlite:"):
		url = strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
	}
	if url == "" {
		return "", "", errors.New("empty database path")
	}
	if strings.Contains(url, "?") {
		return "", "", errors.New("SQLite path must not carry options: Atelier sets them")
	}
	// Verified options for this driver (see DATABASE.md): WAL, a busy timeout,
	// and BEGIN IMMEDIATE so that writers queue instead of failing.
	// Never add _time_format: it silently disables _txlock.
	// temp_store(memory): every INSERT of the booking lane (several rows,
	// or one into an AUTOINCREMENT table, inside a transaction) keeps a
	// statement journal; otherwise SQLite gives it a 64 KiB buffer per
	// statement and a temporary file beyond, in memory it takes small
	// chunks. Measured: 38-39 % -> 42-46 % of the bare transaction (one
	// session, 60 clients), the journal's writes gone from the profile.
	return SQLite, url + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(memory)&_txlock=immediate", nil
}

// Open connects to the database named by url.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	dialect, dsn, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	cfg := &gorm.Config{
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
		Logger:         gormLogger(opts.Logger),
	}
	var gdb *gorm.DB
	switch dialect {
	case Postgres:
		gdb, err = gorm.Open(postgres.Open(withTimeouts(dsn)), cfg)
	case SQLite:
		PinSQLiteAllocator()
		// Two processes opening a new file at once can race switching to
		// WAL: retry a few times before giving up.
		for attempt := range 5 {
			gdb, err = gorm.Open(sqlite.Open(dsn), cfg)
			if err == nil || !strings.Contains(err.Error(), "locked") {
				break
			}
			time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		// One connection: SQLite has one writer anyway, and a larger pool
		// starves waiters into "database is locked" (DATABASE.md).
		sqlDB.SetMaxOpenConns(1)
	} else {
		n := opts.MaxOpenConns
		if n <= 0 {
			n = 16
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: gdb, dialect: dialect, tokenStmt: &prepared{}, tokens: newTokenQueue(), log: opts.Logger}
	if err := s.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	// Readers of an in-memory database would each open a database of
	// their own: it has none.
	if path, _, _ := strings.Cut(dsn, "?"); dialect == SQLite && !strings.Contains(path, ":memory:") {
		if s.readers, err = sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)"); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
		s.readers.SetMaxOpenConns(sqliteReaders)
		s.readers.SetMaxIdleConns(sqliteReaders)
		s.readers.SetConnMaxIdleTime(5 * time.Minute)
	}
	return s, nil
}

// sqliteReaders is how many connections read beside SQLite's writer.
const sqliteReaders = 4

// Dialect returns the engine in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close releases the connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	if s.tokens != nil {
		s.tokens.stop()
	}
	if s.readers != nil {
		_ = s.readers.Close()
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return sqlDB.PingContext(ctx)
}

// ShrinkMemory asks SQLite to give back the pages it cached (the demo's,
// at start); PostgreSQL's are its own.
func (s *Store) ShrinkMemory(ctx context.Context) {
	if s.dialect == SQLite {
		_ = s.db.WithContext(ctx).Exec("PRAGMA shrink_memory").Error
	}
}

// SQL returns the underlying database handle, for tests and health checks.
func (s *Store) SQL() (*sql.DB, error) { return s.db.DB() }

// Migrate brings the schema up to date. It runs every pending migration in
// one transaction, serialised across processes (an advisory lock on
// PostgreSQL, BEGIN IMMEDIATE on SQLite), and refuses a database migrated
// by a newer binary.
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrate(ctx, (*gormigrate.Gormigrate).Migrate)
}

// MigrateTo migrates up to and including the migration id, and no further:
// tests use it to build a database as an older version left it.
func (s *Store) MigrateTo(ctx context.Context, id string) error {
	return s.migrate(ctx, func(m *gormigrate.Gormigrate) error { return m.MigrateTo(id) })
}

func (s *Store) migrate(ctx context.Context, run func(*gormigrate.Gormigrate) error) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", migrationLockKey()).Error; err != nil {
				return err
			}
		}
		// The transaction is ours, so gormigrate must not open its own.
		return run(gormigrate.New(tx, s.migrateOptions(), db.Migrations()))
	})
	if errors.Is(err, gormigrate.ErrUnknownPastMigration) {
		return ErrSchemaTooNew
	}
	return err
}

// RollbackLast undoes the last migration (for tests of the down steps).
func (s *Store) RollbackLast(ctx context.Context) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return gormigrate.New(tx, s.migrateOptions(), db.Migrations()).RollbackLast()
	})
}

// MigrationsApplied lists the IDs of the migrations recorded in the database.
func (s *Store) MigrationsApplied(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Table(db.TableName).Order("id").Pluck("id", &ids).Error
	return ids, err
}

func (s *Store) migrateOptions() *gormigrate.Options {
	return &gormigrate.Options{
		TableName:                 db.TableName,
		IDColumnName:              "id",
		IDColumnSize:              255,
		UseTransaction:            false, // the caller's transaction
		ValidateUnknownMigrations: true,
	}
}

func migrationLockKey() int64 {
	h := fnv.New64a()
	h.Write([]byte("atelier-migrations"))
	return int64(h.Sum64() >> 1)
}

// Tx runs fn in one transaction; fn gets a Store bound to it. Never use the
// outer Store inside fn: with SQLite's single connection that deadlocks.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	if s.afterCommit != nil {
		// Nested (a savepoint): what waits for the commit waits for the
		// outer transaction's, and goes if the savepoint rolls back.
		mark := len(*s.afterCommit)
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			*s.afterCommit = (*s.afterCommit)[:mark]
			return fn(&Store{db: tx, dialect: s.dialect, afterCommit: s.afterCommit})
		})
		if err != nil {
			*s.afterCommit = (*s.afterCommit)[:mark]
		}
		return err
	}
	var after []func(context.Context, *Store)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&Store{db: tx, dialect: s.dialect, afterCommit: &after})
	})
	if err != nil && !errors.Is(err, ErrUnavailable) && unavailable(err) {
		// BEGIN or COMMIT itself did not get through in time.
		return fmt.Errorf("store.Tx: %w: %v", ErrUnavailable, err)
	}
	if err == nil {
		// Committed: what waited for it runs now, outside any lock, even if
		// the request is ending, for a bounded time (what it leaves undone,
		// such as a mail to compose, is swept up later).
		done, cancel := context.WithTimeout(context.WithoutCancel(ctx), afterCommitTimeout)
		defer cancel()
		for _, f := range after {
			s.runAfterCommit(done, f)
		}
	}
	return err
}

// runAfterCommit runs f, which waited for a commit. A panic in it is
// logged, not passed on: the transaction has committed, and its caller
// must not take it for failed (and do it again); the others run still.
func (s *Store) runAfterCommit(ctx context.Context, f func(context.Context, *Store)) {
	defer func() {
		if p := recover(); p != nil {
			log := s.log
			if log == nil {
				log = slog.Default()
			}
			log.ErrorContext(ctx, "after commit: panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	f(ctx, s)
}

// afterCommitTimeout bounds what runs after a commit.
const afterCommitTimeout = 10 * time.Second

// AfterCommit runs f once the transaction s is bound to has committed, and
// never if it rolls back; outside a transaction f runs at once. f gets the
// Store the transaction was opened on. Work that needs no lock (composing
// a mail) goes there, so that the transaction, and the rows it locks, last
// as briefly as possible.
func (s *Store) AfterCommit(ctx context.Context, f func(context.Context, *Store)) {
	if s.afterCommit == nil {
		f(ctx, s)
		return
	}
	*s.afterCommit = append(*s.afterCommit, f)
}

func (s *Store) with(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// translate maps gorm's errors to the store's and says which operation
// failed: the caller's method name wraps the error (%w), so errors.Is
// still finds ErrNotFound and ErrDuplicate.
func translate(err error) error {
	if err == nil {
		return nil
	}
	op := "store"
	if pc, _, _, ok := runtime.Caller(1); ok {
		if f := runtime.FuncForPC(pc); f != nil {
			name := f.Name()
			name = name[strings.LastIndexByte(name, '.')+1:]
			// Closures are named funcN: the method is the part before.
			if strings.HasPrefix(name, "func") {
				full := f.Name()
				full = strings.TrimSuffix(full, "."+name)
				name = full[strings.LastIndexByte(full, '.')+1:]
			}
			op = "store." + name
		}
	}
	switch {
	case unavailable(err):
		return fmt.Errorf("%s: %w: %v", op, ErrUnavailable, err)
	case errors.Is(err, gorm.ErrRecordNotFound), errors.Is(err, ErrNotFound):
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey), errors.Is(err, ErrDuplicate):
		return fmt.Errorf("%s: %w: %v", op, ErrDuplicate, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unavailable reports the errors of a database that does not answer:
// deadlines, statement and lock timeouts, connections refused or lost.
func unavailable(err error) bool {
	if errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "57014", // query_canceled: statement_timeout
			"55P03",                   // lock_not_available: lock_timeout
			"40P01",                   // deadlock_detected: the other side went on; try again
			"57P01", "57P02", "57P03", // the server is shutting down or starting
			"53300": // too_many_connections
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var op *net.OpError
	if errors.As(err, &ce) || errors.As(err, &op) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	// SQLite: another process held the write lock past busy_timeout.
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY")
}

func gormLogger(l *slog.Logger) logger.Interface {
	if l == nil {
		return logger.Discard
	}
	return &slogGorm{l: l}
}

// slogGorm sends gorm's messages through slog; slow queries are warnings.
type slogGorm struct{ l *slog.Logger }

func (g *slogGorm) LogMode(logger.LogLevel) logger.Interface { return g }

// ParamsFilter keeps the values out of every logged statement: they hold
// personal tokens, names and addresses; the SQL shows its placeholders.
func (g *slogGorm) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}
func (g *slogGorm) Info(ctx context.Context, msg string, args ...any) {
	g.l.InfoContext(ctx, fmt.Sprintf(msg, args...))
}
func (g *slogGorm) Warn(ctx context.Context, msg string, args ...any) {
	g.l.WarnContext(ctx, fmt.Sprintf(msg, args...))
}
func (g *slogGorm) Error(ctx context.Context, msg string, args ...any) {
	g.l.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}
func (g *slogGorm) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(err, gorm.ErrDuplicatedKey):
		sql, rows := fc()
		g.l.ErrorContext(ctx, "sql", "err", err, "sql", sql, "rows", rows, "ms", elapsed.Milliseconds())
	case elapsed > 500*time.Millisecond:
		sql, rows := fc()
		g.l.WarnContext(ctx, "slow sql", "sql", sql, "rows", rows, "ms", elapsed.Milliseconds())
	case g.l.Enabled(ctx, slog.LevelDebug-4):
		sql, rows := fc()
		g.l.Log(ctx, slog.LevelDebug-4, "sql", "sql", sql, "rows", rows, "ms", elapsed.Milliseconds())
	}
}

// OnStatement calls fn after every SQL statement the store runs (gorm's
// create, query, update, delete, row and raw paths), with the statement's
// context and its SQL text: tests count the queries of a request with it. Register each
// name once, before the store is used.
func (s *Store) OnStatement(name string, fn func(ctx context.Context, sql string)) error {
	hook := func(db *gorm.DB) {
		if db.DryRun {
			return // only built (Batch): it runs as part of another statement
		}
		fn(db.Statement.Context, db.Statement.SQL.String())
	}
	cb := s.db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register(name, hook),
		cb.Query().After("gorm:query").Register(name, hook),
		cb.Update().After("gorm:update").Register(name, hook),
		cb.Delete().After("gorm:delete").Register(name, hook),
		cb.Row().After("gorm:row").Register(name, hook),
		cb.Raw().After("gorm:raw").Register(name, hook),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
