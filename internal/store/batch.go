package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

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

// insertAll writes groups of rows (slices of models) in one statement,
// each INSERT but the last a data-modifying WITH clause; PostgreSQL checks
// the foreign keys at the end of the statement, so the order of the groups
// does not matter. Each column goes as one array parameter
// (INSERT … SELECT * FROM unnest($1::bigint[], …)): the statement's text
// depends only on the tables written, so PostgreSQL parses and plans it
// once per connection whatever the number of rows, and a batch binds a few
// dozen parameters instead of one per cell. (With a parameter per cell
// every batch size was a new statement of up to a few thousand parameters,
// parsed, planned and prepared anew: pprof put 23 % of the server under
// load in building and encoding it, most of it on the booking lane.)
func (s *Store) insertAll(ctx context.Context, groups []any) error {
	var q strings.Builder
	var vars []any
	var last string
	n := 0
	for _, rows := range groups {
		ins, args, err := s.unnestInsert(rows)
		if errors.Is(err, errNotUnnestable) {
			// Rows this form does not know how to write: one by one.
			if err := s.with(ctx).CreateInBatches(rows, 200).Error; err != nil {
				return translate(err)
			}
			continue
		}
		if err != nil {
			return err
		}
		if ins == "" {
			continue // an empty slice
		}
		if last != "" {
			if n == 0 {
				q.WriteString("WITH ")
			} else {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "w%d AS (%s)", n, last)
			n++
		}
		last = ins
		vars = append(vars, args...)
	}
	if last == "" {
		return nil
	}
	if n > 0 {
		q.WriteString(" ")
	}
	q.WriteString(last)
	return translate(s.with(ctx).Exec(q.String(), vars...).Error)
}

// errNotUnnestable says that unnestInsert cannot write these rows.
var errNotUnnestable = errors.New("store: rows not written by unnest")

// unnestInsert is the INSERT of rows (a slice of models, or of pointers to
// them) as one array per column, with its arguments; "" for no rows. It
// does what gorm's Create does before writing: the BeforeCreate hook, and
// CreatedAt and UpdatedAt set when zero. Ids are written when every row
// has one, left to the sequence when none has; columns of other kinds, or
// defaults of the database other than the id's, are errNotUnnestable.
func (s *Store) unnestInsert(rows any) (string, []any, error) {
	rv := reflect.ValueOf(rows)
	if rv.Kind() != reflect.Slice {
		return "", nil, errNotUnnestable
	}
	if rv.Len() == 0 {
		return "", nil, nil
	}
	stmt := &gorm.Statement{DB: s.db}
	if err := stmt.Parse(rows); err != nil {
		return "", nil, err
	}
	sch := stmt.Schema
	elems := make([]reflect.Value, rv.Len())
	now := s.db.NowFunc()
	for i := range elems {
		e := rv.Index(i)
		if e.Kind() == reflect.Pointer {
			e = e.Elem()
		}
		elems[i] = e
		if h, ok := e.Addr().Interface().(interface{ BeforeCreate(*gorm.DB) error }); ok {
			if err := h.BeforeCreate(s.db); err != nil {
				return "", nil, err
			}
		}
	}
	ctx := s.db.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	var cols, casts []string
	var args []any
	for _, f := range sch.Fields {
		if f.DBName == "" || !f.Creatable {
			continue
		}
		zero := 0
		for _, e := range elems {
			v := f.ReflectValueOf(ctx, e)
			if v.IsZero() {
				if f.AutoCreateTime != 0 || f.AutoUpdateTime != 0 {
					if f.FieldType != reflect.TypeFor[time.Time]() {
						return "", nil, errNotUnnestable
					}
					v.Set(reflect.ValueOf(now))
					continue
				}
				zero++
			}
		}
		if f.HasDefaultValue {
			switch {
			case !f.PrimaryKey || f.DefaultValueInterface != nil:
				return "", nil, errNotUnnestable
			case zero == len(elems):
				continue // ids from the sequence
			case zero > 0:
				return "", nil, errNotUnnestable
			}
		}
		arr, cast, ok := columnArray(ctx, f, elems)
		if !ok {
			return "", nil, errNotUnnestable
		}
		cols = append(cols, stmt.Quote(f.DBName))
		casts = append(casts, "CAST(? AS "+cast+"[])")
		args = append(args, arr)
	}
	q := "INSERT INTO " + stmt.Quote(sch.Table) + " (" + strings.Join(cols, ",") + ") SELECT * FROM unnest(" + strings.Join(casts, ",") + ")"
	return q, args, nil
}

// columnArray is field f of every row as a PostgreSQL array, and the SQL
// type of its elements.
func columnArray(ctx context.Context, f *schema.Field, elems []reflect.Value) (pgArray, string, bool) {
	at := func(i int) reflect.Value { return f.ReflectValueOf(ctx, elems[i]) }
	switch f.FieldType {
	case reflect.TypeFor[int64](), reflect.TypeFor[int]():
		out := make([]int64, len(elems))
		for i := range elems {
			out[i] = at(i).Int()
		}
		return pgArray{out}, "bigint", true
	case reflect.TypeFor[*int64](), reflect.TypeFor[*int]():
		out := make([]pgtype.Int8, len(elems))
		for i := range elems {
			if v := at(i); !v.IsNil() {
				out[i] = pgtype.Int8{Int64: v.Elem().Int(), Valid: true}
			}
		}
		return pgArray{out}, "bigint", true
	case reflect.TypeFor[string]():
		out := make([]string, len(elems))
		for i := range elems {
			out[i] = at(i).String()
		}
		return pgArray{out}, "text", true
	case reflect.TypeFor[bool]():
		out := make([]bool, len(elems))
		for i := range elems {
			out[i] = at(i).Bool()
		}
		return pgArray{out}, "boolean", true
	case reflect.TypeFor[time.Time]():
		out := make([]time.Time, len(elems))
		for i := range elems {
			out[i] = at(i).Interface().(time.Time)
		}
		return pgArray{out}, "timestamptz", true
	case reflect.TypeFor[*time.Time]():
		out := make([]pgtype.Timestamptz, len(elems))
		for i := range elems {
			if v := at(i); !v.IsNil() {
				out[i] = pgtype.Timestamptz{Time: *v.Interface().(*time.Time), Valid: true}
			}
		}
		return pgArray{out}, "timestamptz", true
	}
	return pgArray{}, "", false
}

// pgArray hands a slice to pgx as one array parameter: gorm would spread
// a slice into a list of parameters, a driver.Valuer it passes as one.
type pgArray struct{ v any }

// Value implements driver.Valuer; pgx encodes the slice it returns.
func (a pgArray) Value() (driver.Value, error) { return a.v, nil }
