package store

import (
	"database/sql/driver"
	"strconv"

	"gorm.io/gorm/clause"
)

// idsIn is the condition that col is one of ids. On PostgreSQL the ids go
// as one array parameter (col = ANY(…)): the statement's text, and with it
// the statement pgx prepares and PostgreSQL plans, stays the same whatever
// their number, where gorm writes a parameter per id — a new statement,
// prepared and planned again, for every length (pg_stat_statements, 50
// sessions under load: 37 texts for 107 executions of one booking read).
// SQLite takes the list: its driver parses every statement anyway.
func (s *Store) idsIn(col string, ids []int64) clause.Expr {
	if s.dialect == Postgres {
		return clause.Expr{SQL: col + " = ANY(CAST(? AS bigint[]))", Vars: []any{idArray(ids)}}
	}
	return clause.Expr{SQL: col + " IN ?", Vars: []any{ids}}
}

// idArray is ids as a PostgreSQL array literal, {1,2,3}.
type idArray []int64

// Value implements driver.Valuer.
func (a idArray) Value() (driver.Value, error) {
	b := make([]byte, 0, 2+len(a)*8)
	b = append(b, '{')
	for i, id := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, '}')), nil
}
