package db

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// m0005Repair makes existing rows satisfy the 0005 constraints before they
// are added. Nothing is dropped silently: every fix is a warning naming the
// table, the column, how many rows and which ids. Rows whose required parent
// is missing get a placeholder parent with that id, so that they stay.
func m0005Repair(tx *gorm.DB) error {
	r := &m0005Repairer{tx: tx, now: time.Now().UTC().Truncate(time.Second)}
	// Parents in order: a placeholder session needs its commune to exist,
	// a placeholder registration its session.
	for _, parent := range []string{"orgs", "users", "departments", "people", "sessions", "registrations"} {
		if err := r.orphansOf(parent); err != nil {
			return err
		}
	}
	for _, e := range m0005Enums {
		if err := r.enum(e); err != nil {
			return err
		}
	}
	steps := []func() error{r.waitlist, r.capacity, r.sessionEnds, r.ratings}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

type m0005Repairer struct {
	tx  *gorm.DB
	now time.Time
}

// warn reports one repair through gorm's logger, which the app routes to
// slog.
func (r *m0005Repairer) warn(format string, args ...any) {
	r.tx.Logger.Warn(r.tx.Statement.Context, "migration 0005_constraints: "+format, args...)
}

// fix changes (set, an UPDATE's SET list) or, with set empty, deletes the
// rows of table matching where, and reports them as a fix of column.
func (r *m0005Repairer) fix(table, column, where, set, what string) error {
	ids := ""
	if table != "session_trainers" { // the only table without an id
		var list []int64
		if err := r.tx.Raw("SELECT id FROM " + table + " WHERE " + where + " ORDER BY id LIMIT 21").Scan(&list).Error; err != nil {
			return fmt.Errorf("find %s.%s to repair: %w", table, column, err)
		}
		ids = " (ids " + idList(list, 20) + ")"
	}
	stmt := "UPDATE " + table + " SET " + set + " WHERE " + where
	if set == "" {
		stmt = "DELETE FROM " + table + " WHERE " + where
	}
	res := r.tx.Exec(stmt)
	if res.Error != nil {
		return fmt.Errorf("repair %s.%s: %w", table, column, res.Error)
	}
	if res.RowsAffected > 0 {
		r.warn("%s.%s: %d rows %s%s", table, column, res.RowsAffected, what, ids)
	}
	return nil
}

// orphanWhere selects the rows of fk's table whose parent is missing.
func orphanWhere(fk m0005FK) string {
	return fmt.Sprintf("%[2]s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %[3]s p WHERE p.id = %[1]s.%[2]s)", fk.table, fk.column, fk.parent)
}

// orphansOf repairs every reference to a missing row of parent: first the
// placeholders (which may also satisfy the other references to the same
// id), then the NULLs and deletions.
func (r *m0005Repairer) orphansOf(parent string) error {
	var missing []int64
	seen := map[int64]bool{}
	for _, fk := range m0005ForeignKeys {
		if fk.parent != parent || fk.orphans != orphanPlaceholder {
			continue
		}
		where := orphanWhere(fk)
		var ids []int64
		if err := r.tx.Raw("SELECT DISTINCT " + fk.column + " FROM " + fk.table + " WHERE " + where + " ORDER BY 1").Scan(&ids).Error; err != nil {
			return fmt.Errorf("find orphans of %s.%s: %w", fk.table, fk.column, err)
		}
		if len(ids) == 0 {
			continue
		}
		var n int64
		if err := r.tx.Raw("SELECT COUNT(*) FROM " + fk.table + " WHERE " + where).Scan(&n).Error; err != nil {
			return err
		}
		r.warn("%s.%s: %d rows point at missing %s %s; kept, with a placeholder %s inserted under each missing id", fk.table, fk.column, n, parent, idList(ids, 20), parent)
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				missing = append(missing, id)
			}
		}
	}
	for _, id := range missing {
		if err := r.placeholder(parent, id); err != nil {
			return fmt.Errorf("placeholder %s %d: %w", parent, id, err)
		}
	}
	if len(missing) > 0 && r.tx.Dialector.Name() == "postgres" {
		// Explicit ids do not move the sequence: make sure the next
		// insert does not collide with a placeholder.
		seq := fmt.Sprintf("pg_get_serial_sequence('%s', 'id')", parent)
		if err := r.tx.Exec(fmt.Sprintf("SELECT setval(%s, GREATEST((SELECT MAX(id) FROM %s), nextval(%s)))", seq, parent, seq)).Error; err != nil {
			return err
		}
	}
	for _, fk := range m0005ForeignKeys {
		if fk.parent != parent {
			continue
		}
		switch fk.orphans {
		case orphanNull:
			if err := r.fix(fk.table, fk.column, orphanWhere(fk), fk.column+" = NULL", "pointed at a missing "+parent+" row; set to NULL"); err != nil {
				return err
			}
		case orphanDelete:
			if err := r.fix(fk.table, fk.column, orphanWhere(fk), "", "pointed at a missing "+parent+" row; deleted (they hold nothing but that link)"); err != nil {
				return err
			}
		}
	}
	return nil
}

// placeholder inserts a stand-in parent row with the given id.
func (r *m0005Repairer) placeholder(parent string, id int64) error {
	switch parent {
	case "orgs":
		return r.tx.Exec("INSERT INTO orgs (id, slug, name, hr_sender_name, hr_sender_email, created_at) VALUES (?, ?, ?, '', '', ?)",
			id, fmt.Sprintf("orphelins-%d", id), "Commune inconnue (migration 0005)", r.now).Error
	case "sessions":
		// Its commune is the one of the rows that point at it (they were
		// repaired first); its capacity holds what is booked into it.
		var org []int64
		if err := r.tx.Raw(`SELECT org_id FROM (
  SELECT org_id FROM registrations WHERE session_id = ?
  UNION ALL SELECT org_id FROM outbox_messages WHERE session_id = ?
  UNION ALL SELECT org_id FROM feedback WHERE session_id = ?) o ORDER BY org_id LIMIT 1`, id, id, id).Scan(&org).Error; err != nil {
			return err
		}
		if len(org) == 0 {
			return fmt.Errorf("no row of a commune points at it")
		}
		var booked int64
		if err := r.tx.Raw("SELECT COUNT(*) FROM registrations WHERE session_id = ? AND status = 'booked'", id).Scan(&booked).Error; err != nil {
			return err
		}
		return r.tx.Exec(`INSERT INTO sessions (id, uid, org_id, format_slug, title, starts_at, ends_at, capacity, language, open_to_other_communes, status, sequence, created_at, updated_at)
VALUES (?, ?, ?, '', ?, ?, ?, ?, 'fr', ?, 'cancelled', 0, ?, ?)`,
			id, fmt.Sprintf("migration-0005-session-%d@atelier.invalid", id), org[0], "Séance inconnue (migration 0005)",
			r.now, r.now.Add(time.Hour), max(booked, 1), false, r.now, r.now).Error
	case "registrations":
		// Only feedback keeps a registration: it gives the session and the
		// commune. The token is random, as every participant's token.
		var from []struct{ SessionID, OrgID int64 }
		if err := r.tx.Raw("SELECT session_id, org_id FROM feedback WHERE registration_id = ? ORDER BY id LIMIT 1", id).Scan(&from).Error; err != nil {
			return err
		}
		if len(from) == 0 {
			return fmt.Errorf("no feedback points at it")
		}
		token := make([]byte, 32)
		if _, err := rand.Read(token); err != nil {
			return err
		}
		return r.tx.Exec(`INSERT INTO registrations (id, session_id, person_id, org_id, status, waitlist_position, attendance, token, walk_in, created_at, updated_at, cancelled_at, sequence, anon_role)
VALUES (?, ?, NULL, ?, 'cancelled', NULL, 'unknown', ?, ?, ?, ?, ?, 0, '')`,
			id, from[0].SessionID, from[0].OrgID, hex.EncodeToString(token), false, r.now, r.now, r.now).Error
	}
	return fmt.Errorf("no placeholder for %s", parent)
}

// enum replaces (or, without fallback, deletes) values outside e.values.
func (r *m0005Repairer) enum(e m0005Enum) error {
	where := e.column + " NOT IN " + e.list()
	if e.fallback == "" {
		return r.fix(e.table, e.column, where, "", "had a value outside "+e.list()+"; deleted")
	}
	set := fmt.Sprintf("%s = '%s'", e.column, e.fallback)
	what := fmt.Sprintf("had a value outside %s; set to '%s'", e.list(), e.fallback)
	if e.fold {
		set = fmt.Sprintf("%[1]s = CASE WHEN LOWER(%[1]s) IN %[2]s THEN LOWER(%[1]s) ELSE '%[3]s' END", e.column, e.list(), e.fallback)
		what = fmt.Sprintf("had a value outside %s; set to its lower case when valid, else to '%s'", e.list(), e.fallback)
	}
	return r.fix(e.table, e.column, where, set, what)
}

// waitlist clears the position of rows not waitlisted and renumbers every
// session's waiting list that is not exactly 1..n: in position order, then
// id order, rows without a position last.
func (r *m0005Repairer) waitlist() error {
	if err := r.fix("registrations", "waitlist_position", "status <> 'waitlisted' AND waitlist_position IS NOT NULL",
		"waitlist_position = NULL", "not waitlisted had a waiting-list position; set to NULL"); err != nil {
		return err
	}
	rows, err := r.tx.Raw("SELECT id, session_id, waitlist_position FROM registrations WHERE status = 'waitlisted' ORDER BY session_id, waitlist_position IS NULL, waitlist_position, id").Rows()
	if err != nil {
		return err
	}
	type move struct{ id, pos int64 }
	var moves []move
	var sessions []int64
	var session, next int64
	for rows.Next() {
		var id, sid int64
		var pos *int64
		if err := rows.Scan(&id, &sid, &pos); err != nil {
			rows.Close()
			return err
		}
		if sid != session || next == 0 {
			session, next = sid, 1
		}
		if pos == nil || *pos != next {
			moves = append(moves, move{id, next})
			if len(sessions) == 0 || sessions[len(sessions)-1] != sid {
				sessions = append(sessions, sid)
			}
		}
		next++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// One row at a time is fine: the unique index comes later, and broken
	// waiting lists are rare.
	for _, m := range moves {
		if err := r.tx.Exec("UPDATE registrations SET waitlist_position = ? WHERE id = ?", m.pos, m.id).Error; err != nil {
			return err
		}
	}
	if len(moves) > 0 {
		r.warn("registrations.waitlist_position: %d waitlisted rows had no position, a position below 1, a duplicate or a gap; renumbered 1..n per session in position then id order (sessions %s)", len(moves), idList(sessions, 20))
	}
	return nil
}

// capacity gives a session without seats as many as are booked, or one.
func (r *m0005Repairer) capacity() error {
	booked := "(SELECT COUNT(*) FROM registrations r WHERE r.session_id = sessions.id AND r.status = 'booked')"
	return r.fix("sessions", "capacity", "capacity < 1", "capacity = CASE WHEN "+booked+" > 1 THEN "+booked+" ELSE 1 END",
		"had a capacity below 1; set to the number booked, or 1")
}

// sessionEnds gives a session ending before it starts one hour. Computed in
// Go so that the time is written in the driver's own format.
func (r *m0005Repairer) sessionEnds() error {
	where := "ends_at <= starts_at"
	if r.tx.Dialector.Name() != "postgres" {
		where = "NOT (julianday(ends_at) > julianday(starts_at))"
	}
	var bad []struct {
		ID       int64
		StartsAt time.Time
	}
	if err := r.tx.Raw("SELECT id, starts_at FROM sessions WHERE " + where + " ORDER BY id").Scan(&bad).Error; err != nil {
		return err
	}
	ids := make([]int64, len(bad))
	for i, s := range bad {
		ids[i] = s.ID
		if err := r.tx.Exec("UPDATE sessions SET ends_at = ? WHERE id = ?", s.StartsAt.UTC().Add(time.Hour), s.ID).Error; err != nil {
			return err
		}
	}
	if len(bad) > 0 {
		r.warn("sessions.ends_at: %d rows ended at or before their start; set to one hour after the start (ids %s)", len(bad), idList(ids, 20))
	}
	return nil
}

// ratings brings feedback ratings into 1..5.
func (r *m0005Repairer) ratings() error {
	for _, c := range m0005Ratings {
		if err := r.fix("feedback", c, c+" < 1 OR "+c+" > 5", c+" = CASE WHEN "+c+" < 1 THEN 1 ELSE 5 END", "had a rating outside 1..5; set to the nearest bound"); err != nil {
			return err
		}
	}
	return nil
}

// idList writes up to n ids, and "…" when there are more.
func idList(ids []int64, n int) string {
	var b strings.Builder
	for i, id := range ids {
		if i == n {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, id)
	}
	return b.String()
}
