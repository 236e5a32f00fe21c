package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/glebarez/go-sqlite" // the driver Atelier uses

	"github.com/atelier-ch/atelier/internal/store"
)

// The reference for SQLite: the bare booking transaction, through the same
// driver and options as Atelier (WAL, BEGIN IMMEDIATE, one connection), on
// scratch tables of the same database file.
const sqliteRefSetup = `DROP TABLE IF EXISTS lt_regs;
DROP TABLE IF EXISTS lt_sessions;
CREATE TABLE lt_sessions (id integer PRIMARY KEY, capacity integer NOT NULL);
CREATE TABLE lt_regs (id integer PRIMARY KEY AUTOINCREMENT, session_id integer NOT NULL REFERENCES lt_sessions (id), status text NOT NULL, position integer);
CREATE INDEX lt_regs_session ON lt_regs (session_id, status);
CREATE UNIQUE INDEX lt_regs_position ON lt_regs (session_id, position);
INSERT INTO lt_sessions VALUES (1, 12);`

// sqliteRef opens the database file at path as Atelier does.
func sqliteRef(ctx context.Context, path string) (*sql.DB, error) {
	_, dsn, err := store.ParseURL(path)
	if err != nil {
		return nil, err
	}
	store.PinSQLiteAllocator() // as Atelier runs the driver
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, sqliteRefSetup); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite reference setup: %w", err)
	}
	return db, nil
}

// bareBooking is one booking as a bare transaction: BEGIN IMMEDIATE, read
// the session, count its bookings, insert, commit.
func bareBooking(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var capacity, booked int
	if err := tx.QueryRowContext(ctx, "SELECT capacity FROM lt_sessions WHERE id = 1").Scan(&capacity); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM lt_regs WHERE session_id = 1 AND status = 'booked'").Scan(&booked); err != nil {
		return err
	}
	status, pos := "booked", sql.NullInt64{}
	if booked >= capacity {
		status = "waitlisted"
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(position), 0) + 1 FROM lt_regs WHERE session_id = 1").Scan(&pos); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO lt_regs (session_id, status, position) VALUES (1, ?, ?)", status, pos); err != nil {
		return err
	}
	return tx.Commit()
}

// runSQLiteRef measures the bare transaction from clients goroutines for
// the given time and returns transactions per second.
func runSQLiteRef(ctx context.Context, path string, clients, seconds int, out io.Writer) (float64, error) {
	db, err := sqliteRef(ctx, path)
	if err != nil {
		return 0, err
	}
	defer func() {
		_, _ = db.Exec("DROP TABLE IF EXISTS lt_regs; DROP TABLE IF EXISTS lt_sessions")
		db.Close()
	}()
	var done atomic.Int64
	var first error
	var once sync.Once
	end := time.Now().Add(time.Duration(seconds) * time.Second)
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for time.Now().Before(end) && ctx.Err() == nil {
				if err := bareBooking(ctx, db); err != nil {
					once.Do(func() { first = err })
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if first != nil {
		return 0, first
	}
	tps := float64(done.Load()) / time.Since(start).Seconds()
	fmt.Fprintf(out, "SQLite bare booking transaction (BEGIN IMMEDIATE, read, count, insert, commit), %d clients, %d s: %.0f TPS\n", clients, seconds, tps)
	return tps, nil
}
