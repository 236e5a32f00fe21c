package store

import (
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
		// pgx encodes the slice itself as a bigint[] (pgArray, as the
		// batch's columns go); never nil, which would be NULL.
		if ids == nil {
			ids = []int64{}
		}
		return clause.Expr{SQL: col + " = ANY(CAST(? AS bigint[]))", Vars: []any{pgArray{ids}}}
	}
	return clause.Expr{SQL: col + " IN ?", Vars: []any{ids}}
}
