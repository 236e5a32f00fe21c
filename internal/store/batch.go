package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// maxBatchVars keeps a batched statement well under PostgreSQL's 65,535
// parameters; a larger batch is written statement by statement.
const maxBatchVars = 20000

// Batch runs fn with a Store whose inserts (registrations, audit entries,
// queued mails) wait, and then writes them all in one statement on
// PostgreSQL — one round trip instead of one per table while the caller
// holds a session's lock. Rows must not be read back inside fn, and their
// ids must be set beforehand where others refer to them (NextIDs). On
// SQLite, in-process, inserts run as they come.
func (s *Store) Batch(ctx context.Context, fn func(b *Store) error) error {
	if s.dialect != Postgres {
		return fn(s)
	}
	var pending []any
	b := &Store{db: s.db, dialect: s.dialect, afterCommit: s.afterCommit, pending: &pending}
	if err := fn(b); err != nil {
		return err
	}
	return s.insertAll(ctx, pending)
}

// NextIDs reserves n ids of table's sequence, so that rows inserted in one
// Batch can refer to each other; on SQLite it returns nil (inserts there
// are immediate and get their ids as they go).
func (s *Store) NextIDs(ctx context.Context, table string, n int) ([]int64, error) {
	if s.dialect != Postgres || n == 0 {
		return nil, nil
	}
	var ids []int64
	err := s.with(ctx).Raw("SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)", table, n).Scan(&ids).Error
	return ids, translate(err)
}

// insert writes rows (a slice of models), or keeps them for the Batch.
func (s *Store) insert(ctx context.Context, rows any, size int) error {
	if s.pending != nil {
		*s.pending = append(*s.pending, rows)
		return nil
	}
	return translate(s.with(ctx).CreateInBatches(rows, size).Error)
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// insertAll writes groups of rows in one statement: each INSERT but the
// last becomes a data-modifying WITH clause, their parameters numbered on.
// PostgreSQL checks the foreign keys at the end of the statement, so the
// order of the groups does not matter.
func (s *Store) insertAll(ctx context.Context, groups []any) error {
	var parts []string
	var vars []any
	for _, rows := range groups {
		stmt := s.with(ctx).Session(&gorm.Session{DryRun: true, SkipDefaultTransaction: true}).Create(rows).Statement
		if stmt.Error != nil {
			return translate(stmt.Error)
		}
		if stmt.SQL.Len() == 0 {
			continue // an empty slice
		}
		offset := len(vars)
		sql := placeholder.ReplaceAllStringFunc(stmt.SQL.String(), func(p string) string {
			n, _ := strconv.Atoi(p[1:])
			return "$" + strconv.Itoa(n+offset)
		})
		parts = append(parts, sql)
		vars = append(vars, stmt.Vars...)
	}
	switch {
	case len(parts) == 0:
		return nil
	case len(parts) == 1 || len(vars) > maxBatchVars:
		for _, rows := range groups {
			if err := s.with(ctx).CreateInBatches(rows, 200).Error; err != nil {
				return translate(err)
			}
		}
		return nil
	}
	var q strings.Builder
	q.WriteString("WITH ")
	for i, p := range parts[:len(parts)-1] {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "w%d AS (%s)", i, p)
	}
	q.WriteString(" ")
	q.WriteString(parts[len(parts)-1])
	return translate(s.with(ctx).Exec(q.String(), vars...).Error)
}
