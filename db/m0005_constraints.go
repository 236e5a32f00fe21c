package db

import (
	"fmt"
	"strings"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Migration 0005 makes the schema state the invariants the Go code relied
// on alone: foreign keys, CHECK constraints on values and enums, unique
// waiting-list positions, plus the sessions.record_past column. Rows that
// break them are repaired and reported first (m0005_repair.go). Everything
// is explicit SQL, frozen here like the structs of earlier migrations.

// m0005FK is one foreign key. Its referenced column is always id.
type m0005FK struct {
	name, table, column, parent, onDelete string
	// orphans says how a row whose parent is missing is repaired before
	// the key is added.
	orphans m0005Orphans
}

// m0005Orphans is how rows pointing at a missing parent are repaired.
type m0005Orphans int

const (
	// orphanNull clears an optional reference.
	orphanNull m0005Orphans = iota
	// orphanPlaceholder inserts a placeholder parent with the missing id,
	// so that no row is lost.
	orphanPlaceholder
	// orphanDelete deletes the row: only for rows that hold nothing but the
	// link (a token, a trainer link), where a placeholder account would
	// bring a dead credential back to life.
	orphanDelete
)

// The parents of communes, people and accounts are never deleted by
// accident: RESTRICT. What belongs to a session or a registration goes
// with it: CASCADE. Pointers that history can lose: SET NULL.
var m0005ForeignKeys = []m0005FK{
	{"fk_departments_org", "departments", "org_id", "orgs", "RESTRICT", orphanPlaceholder},
	{"fk_people_org", "people", "org_id", "orgs", "RESTRICT", orphanPlaceholder},
	{"fk_people_department", "people", "department_id", "departments", "RESTRICT", orphanNull},
	// NULL would make the account a commune-less admin: a placeholder
	// commune keeps it where it was.
	{"fk_users_org", "users", "org_id", "orgs", "RESTRICT", orphanPlaceholder},
	{"fk_auth_tokens_user", "auth_tokens", "user_id", "users", "CASCADE", orphanDelete},
	{"fk_sessions_org", "sessions", "org_id", "orgs", "RESTRICT", orphanPlaceholder},
	{"fk_sessions_created_by", "sessions", "created_by", "users", "SET NULL", orphanNull},
	{"fk_session_trainers_session", "session_trainers", "session_id", "sessions", "CASCADE", orphanDelete},
	{"fk_session_trainers_user", "session_trainers", "user_id", "users", "CASCADE", orphanDelete},
	{"fk_registrations_session", "registrations", "session_id", "sessions", "CASCADE", orphanPlaceholder},
	{"fk_registrations_person", "registrations", "person_id", "people", "SET NULL", orphanNull},
	{"fk_registrations_org", "registrations", "org_id", "orgs", "RESTRICT", orphanPlaceholder},
	{"fk_registrations_attendance_by", "registrations", "attendance_by", "users", "SET NULL", orphanNull},
	{"fk_registrations_anon_department", "registrations", "anon_department_id", "departments", "SET NULL", orphanNull},
	{"fk_audit_entries_org", "audit_entries", "org_id", "orgs", "RESTRICT", orphanPlaceholder},
	{"fk_audit_entries_session", "audit_entries", "session_id", "sessions", "CASCADE", orphanNull},
	{"fk_audit_entries_person", "audit_entries", "person_id", "people", "SET NULL", orphanNull},
	{"fk_audit_entries_actor_user", "audit_entries", "actor_user_id", "users", "SET NULL", orphanNull},
	{"fk_outbox_messages_org", "outbox_messages", "org_id", "orgs", "RESTRICT", orphanPlaceholder},
	{"fk_outbox_messages_session", "outbox_messages", "session_id", "sessions", "CASCADE", orphanPlaceholder},
	{"fk_outbox_messages_registration", "outbox_messages", "registration_id", "registrations", "CASCADE", orphanNull},
	{"fk_feedback_registration", "feedback", "registration_id", "registrations", "CASCADE", orphanPlaceholder},
	{"fk_feedback_session", "feedback", "session_id", "sessions", "CASCADE", orphanPlaceholder},
	{"fk_feedback_org", "feedback", "org_id", "orgs", "RESTRICT", orphanPlaceholder},
}

// m0005Enum limits a column to its values.
type m0005Enum struct {
	table, column string
	values        []string
	// fallback replaces a value outside values when repairing: the value
	// the app already treated it as. "" deletes the row.
	fallback string
	// fold first tries the value in lower case ("DE" is "de").
	fold bool
}

var m0005Enums = []m0005Enum{
	// An unknown role had no rights: trainer has the fewest.
	{"users", "role", []string{"admin", "hr", "trainer", "coordinator"}, "trainer", false},
	{"users", "language", []string{"fr", "de"}, "fr", true},
	{"people", "role", []string{"staff", "head_of_service", "deputy_head", "council_member", "municipal_secretary"}, "staff", false},
	{"people", "language", []string{"fr", "de"}, "fr", true},
	// A token of another kind never authenticated: giving it a kind would
	// bring it to life.
	{"auth_tokens", "kind", []string{"api", "web"}, "", false},
	// Anything but cancelled was bookable.
	{"sessions", "status", []string{"scheduled", "cancelled"}, "scheduled", false},
	{"sessions", "language", []string{"fr", "de"}, "fr", true},
	// Neither booked nor waitlisted held no place.
	{"registrations", "status", []string{"booked", "waitlisted", "cancelled"}, "cancelled", false},
	{"registrations", "attendance", []string{"unknown", "present", "absent", "excused"}, "unknown", false},
	// Neither pending nor sending was never sent.
	{"outbox_messages", "status", []string{"pending", "sending", "sent", "failed"}, "failed", false},
}

// m0005Ratings are the feedback columns holding a rating from 1 to 5.
var m0005Ratings = []string{"overall", "will_use", "confidence_before", "confidence_after"}

// m0005Check is one CHECK constraint; sqlite, when set, is the SQLite
// spelling of expr.
type m0005Check struct {
	name, table, expr, sqlite string
}

// m0005Checks are the CHECK constraints. A CHECK passes when its expression
// is NULL, hence the explicit IS NOT NULL in the waiting-list rule.
var m0005Checks = m0005BuildChecks()

func m0005BuildChecks() []m0005Check {
	checks := []m0005Check{
		{name: "ck_sessions_capacity", table: "sessions", expr: "capacity > 0"},
		// SQLite stores times as text: compare instants, not strings.
		{name: "ck_sessions_ends_after_starts", table: "sessions", expr: "ends_at > starts_at", sqlite: "julianday(ends_at) > julianday(starts_at)"},
		{name: "ck_registrations_waitlist", table: "registrations", expr: m0005WaitlistRule},
	}
	for _, e := range m0005Enums {
		checks = append(checks, m0005Check{name: "ck_" + e.table + "_" + e.column, table: e.table, expr: e.column + " IN " + e.list()})
	}
	for _, c := range m0005Ratings {
		checks = append(checks, m0005Check{name: "ck_feedback_" + c, table: "feedback", expr: c + " BETWEEN 1 AND 5"})
	}
	return checks
}

// m0005WaitlistRule: a waiting-list place from 1 exactly when waitlisted.
const m0005WaitlistRule = "(status = 'waitlisted' AND waitlist_position IS NOT NULL AND waitlist_position >= 1) OR (status <> 'waitlisted' AND waitlist_position IS NULL)"

// list is the SQL list of e's values: ('a', 'b').
func (e m0005Enum) list() string {
	return "('" + strings.Join(e.values, "', '") + "')"
}

// m0005WaitlistIndex keeps two registrations of a session from sharing a
// waiting-list place; NULLs (not waitlisted) are distinct on both engines.
const m0005WaitlistIndex = "CREATE UNIQUE INDEX ux_registrations_session_waitlist ON registrations (session_id, waitlist_position)"

// m0005Table is a table as SQLite holds it after 0004: its columns as gorm
// created them (types kept exactly), in order, then table constraints.
type m0005Table struct {
	name  string
	cols  []string // "name type ...", as of 0004
	tail  []string // table constraints of 0004 (a composite primary key)
	added []string // columns 0005 adds
}

// m0005Tables lists the tables gaining constraints, parents before
// children: on SQLite each is rebuilt in this order (see m0005SQLiteUp).
// orgs gains none and is left alone.
var m0005Tables = []m0005Table{
	{name: "users", cols: []string{
		"id integer PRIMARY KEY AUTOINCREMENT", "org_id integer", "email text NOT NULL", "name text NOT NULL DEFAULT ''",
		"password_hash text NOT NULL", "role text NOT NULL", "language text NOT NULL DEFAULT 'fr'", "created_at datetime",
		"feed_token text",
	}},
	{name: "departments", cols: []string{
		"id integer PRIMARY KEY AUTOINCREMENT", "org_id integer NOT NULL", "name text NOT NULL", "created_at datetime",
	}},
	{name: "people", cols: []string{
		"id integer PRIMARY KEY AUTOINCREMENT", "org_id integer NOT NULL", "department_id integer", "name text NOT NULL",
		"email text", "role text NOT NULL", "language text NOT NULL DEFAULT 'fr'", "created_at datetime", "updated_at datetime",
	}},
	{name: "auth_tokens", cols: []string{
		"id integer PRIMARY KEY AUTOINCREMENT", "user_id integer NOT NULL", "hash text NOT NULL", "kind text NOT NULL",
		"expires_at datetime NOT NULL", "created_at datetime",
	}},
	{name: "sessions", cols: []string{
		"id integer PRIMARY KEY AUTOINCREMENT", "uid text NOT NULL", "org_id integer NOT NULL", "format_slug text NOT NULL",
		"title text NOT NULL", "starts_at datetime NOT NULL", "ends_at datetime NOT NULL",
		"location_name text NOT NULL DEFAULT ''", "location_address text NOT NULL DEFAULT ''", "location_room text NOT NULL DEFAULT ''",
		"capacity integer NOT NULL", "registration_deadline datetime", "language text NOT NULL DEFAULT 'fr'",
		"open_to_other_communes numeric NOT NULL DEFAULT false", "status text NOT NULL DEFAULT 'scheduled'",
		"sequence integer NOT NULL DEFAULT 0", "created_by integer", "created_at datetime", "updated_at datetime",
	}, added: []string{
		// Held before Atelier existed, recorded after the fact.
		"record_past numeric NOT NULL DEFAULT false",
	}},
	{name: "session_trainers", cols: []string{
		"session_id integer", "user_id integer",
	}, tail: []string{"PRIMARY KEY (session_id, user_id)"}},
	{name: "registrations", cols: []string{
		"id integer PRIMARY KEY AUTOINCREMENT", "session_id integer NOT NULL", "person_id integer", "org_id integer NOT NULL",
		"status text NOT NULL", "waitlist_position integer", "attendance text NOT NULL DEFAULT 'unknown'",
		"attendance_at datetime", "attendance_by integer", "token text NOT NULL", "walk_in numeric NOT NULL DEFAULT false",
		"created_at datetime", "updated_at datetime", "cancelled_at datetime", "sequence integer NOT NULL DEFAULT 0",
		"anon_department_id integer", "anon_role text NOT NULL DEFAULT ''",
	}},
	{name: "audit_entries", cols: []string{
		"id integer PRIMARY KEY AUTOINCREMENT", "org_id integer NOT NULL", "session_id integer", "actor_user_id integer",
		"actor text NOT NULL", "action text NOT NULL", "detail text NOT NULL DEFAULT ''", "created_at datetime NOT NULL",
		"person_id integer",
	}},
	{name: "outbox_messages", cols: []string{
		"id integer PRIMARY KEY AUTOINCREMENT", "org_id integer NOT NULL", "session_id integer NOT NULL", "registration_id integer",
		"kind text NOT NULL", "to_email text NOT NULL", "to_name text NOT NULL DEFAULT ''", "from_email text NOT NULL",
		"from_name text NOT NULL DEFAULT ''", "subject text NOT NULL", "text_body text NOT NULL", "html_body text NOT NULL",
		"ics text NOT NULL", "ics_method text NOT NULL", "message_id text NOT NULL", "status text NOT NULL",
		"attempts integer NOT NULL DEFAULT 0", "next_attempt_at datetime NOT NULL", "claimed_until datetime",
		"claimed_by text NOT NULL DEFAULT ''", "last_error text NOT NULL DEFAULT ''", "sent_at datetime",
		"created_at datetime NOT NULL", "page_url text NOT NULL DEFAULT ''",
	}},
	{name: "feedback", cols: []string{
		"id integer PRIMARY KEY AUTOINCREMENT", "registration_id integer NOT NULL", "session_id integer NOT NULL",
		"org_id integer NOT NULL", "overall integer NOT NULL", "will_use integer NOT NULL", "confidence_before integer NOT NULL",
		"confidence_after integer NOT NULL", "use_cases text NOT NULL DEFAULT ''", "worries text NOT NULL DEFAULT ''",
		"created_at datetime", "updated_at datetime",
	}},
}

// columnNames returns the names of the 0004 columns, which both versions
// of the table share.
func (t m0005Table) columnNames() string {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i], _, _ = strings.Cut(c, " ")
	}
	return strings.Join(names, ", ")
}

// sqliteDDL is the CREATE TABLE statement of t under name: as of 0005 with
// constrained, as of 0004 without.
func (t m0005Table) sqliteDDL(name string, constrained bool) string {
	defs := append([]string(nil), t.cols...)
	if constrained {
		defs = append(defs, t.added...)
	}
	defs = append(defs, t.tail...)
	if constrained {
		clauses, _ := t.constraints(true)
		defs = append(defs, clauses...)
	}
	return "CREATE TABLE " + name + " (\n  " + strings.Join(defs, ",\n  ") + "\n)"
}

// constraints returns the clauses of the 0005 constraints of t, in the
// SQLite or the PostgreSQL spelling, and their names.
func (t m0005Table) constraints(sqlite bool) (clauses, names []string) {
	for _, fk := range m0005ForeignKeys {
		if fk.table == t.name {
			clauses, names = append(clauses, fk.clause()), append(names, fk.name)
		}
	}
	for _, ck := range m0005Checks {
		if ck.table == t.name {
			clauses, names = append(clauses, ck.clause(sqlite)), append(names, ck.name)
		}
	}
	return clauses, names
}

func (fk m0005FK) clause() string {
	return fmt.Sprintf("CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (id) ON DELETE %s", fk.name, fk.column, fk.parent, fk.onDelete)
}

func (ck m0005Check) clause(sqlite bool) string {
	expr := ck.expr
	if sqlite && ck.sqlite != "" {
		expr = ck.sqlite
	}
	return fmt.Sprintf("CONSTRAINT %s CHECK (%s)", ck.name, expr)
}

func m0005Constraints() *gormigrate.Migration {
	return &gormigrate.Migration{
		ID: "0005_constraints",
		Migrate: func(tx *gorm.DB) error {
			if tx.Dialector.Name() == "postgres" {
				return m0005PostgresUp(tx)
			}
			return m0005SQLiteUp(tx)
		},
		Rollback: func(tx *gorm.DB) error {
			if tx.Dialector.Name() == "postgres" {
				return m0005PostgresDown(tx)
			}
			return m0005SQLiteDown(tx)
		},
	}
}

func m0005PostgresUp(tx *gorm.DB) error {
	if err := tx.Exec("ALTER TABLE sessions ADD COLUMN record_past boolean NOT NULL DEFAULT false").Error; err != nil {
		return err
	}
	if err := m0005Repair(tx); err != nil {
		return err
	}
	for _, t := range m0005Tables {
		clauses, _ := t.constraints(false)
		if err := tx.Exec("ALTER TABLE " + t.name + " ADD " + strings.Join(clauses, ", ADD ")).Error; err != nil {
			return fmt.Errorf("constraints of %s: %w", t.name, err)
		}
	}
	return tx.Exec(m0005WaitlistIndex).Error
}

func m0005PostgresDown(tx *gorm.DB) error {
	if err := tx.Exec("DROP INDEX ux_registrations_session_waitlist").Error; err != nil {
		return err
	}
	for _, t := range m0005Tables {
		_, names := t.constraints(false)
		if err := tx.Exec("ALTER TABLE " + t.name + " DROP CONSTRAINT " + strings.Join(names, ", DROP CONSTRAINT ")).Error; err != nil {
			return err
		}
	}
	return tx.Exec("ALTER TABLE sessions DROP COLUMN record_past").Error
}

// m0005SQLiteUp rebuilds each table with its constraints: SQLite cannot add
// them in place.
//
// The order is the point. The app's connection has foreign_keys on and the
// migration runs in a transaction, where PRAGMA foreign_keys=OFF is a no-op;
// DROP TABLE then runs an implicit DELETE that fires the ON DELETE actions
// of every table referencing the dropped one. Rebuilding parents before
// children means that when x is dropped, no table carries a foreign key to
// x yet: the children still have their old, unconstrained definitions. And
// each INSERT into x_new checks its rows against parents already in place,
// so a repair that missed something fails the migration instead of losing
// rows.
func m0005SQLiteUp(tx *gorm.DB) error {
	if err := m0005Repair(tx); err != nil {
		return err
	}
	for _, t := range m0005Tables {
		if err := m0005SQLiteRebuild(tx, t, true); err != nil {
			return err
		}
	}
	if err := tx.Exec(m0005WaitlistIndex).Error; err != nil {
		return err
	}
	var problems []struct {
		Table  string
		Rowid  *int64
		Parent string
		Fkid   int
	}
	if err := tx.Raw("PRAGMA foreign_key_check").Scan(&problems).Error; err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("foreign_key_check after the rebuild: %d rows break a foreign key, e.g. %s rowid %v → %s", len(problems), problems[0].Table, ptrString(problems[0].Rowid), problems[0].Parent)
	}
	return nil
}

// m0005SQLiteDown rebuilds the tables as 0004 left them, children before
// parents: the mirror of m0005SQLiteUp, so that no drop reaches a table
// still referenced by a foreign key (and its ON DELETE CASCADE).
func m0005SQLiteDown(tx *gorm.DB) error {
	if err := tx.Exec("DROP INDEX ux_registrations_session_waitlist").Error; err != nil {
		return err
	}
	for i := len(m0005Tables) - 1; i >= 0; i-- {
		if err := m0005SQLiteRebuild(tx, m0005Tables[i], false); err != nil {
			return err
		}
	}
	return nil
}

// m0005SQLiteRebuild replaces table t by a copy with (constrained) or
// without the 0005 constraints, keeping its rows, its indexes under their
// names and its AUTOINCREMENT counter.
func m0005SQLiteRebuild(tx *gorm.DB, t m0005Table, constrained bool) error {
	var indexes []struct {
		Name string
		SQL  *string
	}
	if err := tx.Raw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name", t.name).Scan(&indexes).Error; err != nil {
		return err
	}
	var seq []int64
	if err := tx.Raw("SELECT seq FROM sqlite_sequence WHERE name = ?", t.name).Scan(&seq).Error; err != nil {
		return err
	}
	var rows int64
	if err := tx.Raw("SELECT COUNT(*) FROM " + t.name).Scan(&rows).Error; err != nil {
		return err
	}
	cols := t.columnNames()
	if err := tx.Exec(t.sqliteDDL(t.name+"_new", constrained)).Error; err != nil {
		return fmt.Errorf("create %s_new: %w", t.name, err)
	}
	res := tx.Exec("INSERT INTO " + t.name + "_new (" + cols + ") SELECT " + cols + " FROM " + t.name)
	if res.Error != nil {
		return fmt.Errorf("copy %s: %w", t.name, res.Error)
	}
	if res.RowsAffected != rows {
		return fmt.Errorf("copy %s: %d of %d rows copied", t.name, res.RowsAffected, rows)
	}
	for _, stmt := range []string{"DROP TABLE " + t.name, "ALTER TABLE " + t.name + "_new RENAME TO " + t.name} {
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	var want []string
	for _, idx := range indexes {
		want = append(want, idx.Name)
		if idx.SQL != nil { // NULL: an automatic index, recreated with the table
			if err := tx.Exec(*idx.SQL).Error; err != nil {
				return fmt.Errorf("recreate index %s: %w", idx.Name, err)
			}
		}
	}
	var got []string
	if err := tx.Raw("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name", t.name).Scan(&got).Error; err != nil {
		return err
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		return fmt.Errorf("rebuild of %s: indexes %v, want %v", t.name, got, want)
	}
	// AUTOINCREMENT never reuses an id, even of a deleted row: carry the
	// counter over, the copy only knows the largest id left.
	if len(seq) == 1 {
		var now []int64
		if err := tx.Raw("SELECT seq FROM sqlite_sequence WHERE name = ?", t.name).Scan(&now).Error; err != nil {
			return err
		}
		if len(now) == 0 || now[0] < seq[0] {
			if err := tx.Exec("DELETE FROM sqlite_sequence WHERE name = ?", t.name).Error; err != nil {
				return err
			}
			if err := tx.Exec("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", t.name, seq[0]).Error; err != nil {
				return err
			}
		}
	}
	if err := tx.Raw("SELECT COUNT(*) FROM " + t.name).Scan(&rows).Error; err != nil {
		return err
	}
	if rows != res.RowsAffected {
		return fmt.Errorf("rebuild of %s: %d rows, want %d", t.name, rows, res.RowsAffected)
	}
	return nil
}

func ptrString(p *int64) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprint(*p)
}
