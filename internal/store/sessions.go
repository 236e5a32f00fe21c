package store

import (
	"context"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreateSession inserts a session and its trainers.
func (s *Store) CreateSession(ctx context.Context, sess *Session, trainerIDs []int64) error {
	if err := s.with(ctx).Create(sess).Error; err != nil {
		return translate(err)
	}
	return s.SetSessionTrainers(ctx, sess.ID, trainerIDs)
}

// SaveSession updates every field of a session.
func (s *Store) SaveSession(ctx context.Context, sess *Session) error {
	return translate(s.with(ctx).Save(sess).Error)
}

// SetSessionTrainers replaces the trainers of a session.
func (s *Store) SetSessionTrainers(ctx context.Context, sessionID int64, userIDs []int64) error {
	if err := s.with(ctx).Where("session_id = ?", sessionID).Delete(&SessionTrainer{}).Error; err != nil {
		return translate(err)
	}
	if len(userIDs) == 0 {
		return nil
	}
	rows := make([]SessionTrainer, len(userIDs))
	for i, id := range userIDs {
		rows[i] = SessionTrainer{SessionID: sessionID, UserID: id}
	}
	return translate(s.with(ctx).Create(&rows).Error)
}

// SessionTrainers returns the trainer ids of each session among ids.
func (s *Store) SessionTrainers(ctx context.Context, sessionIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(sessionIDs) == 0 {
		return out, nil
	}
	var rows []SessionTrainer
	if err := s.with(ctx).Where("session_id IN ?", sessionIDs).Order("user_id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		out[r.SessionID] = append(out[r.SessionID], r.UserID)
	}
	return out, nil
}

// Session finds a session by id, whatever its commune: callers check access.
func (s *Store) Session(ctx context.Context, id int64) (*Session, error) {
	var sess Session
	return &sess, translate(s.with(ctx).Take(&sess, id).Error)
}

// LockSession reads a session and locks its row until the transaction ends,
// so that bookings into it are serialised. Only call it inside Tx. On
// SQLite the transaction already holds the database's write lock
// (BEGIN IMMEDIATE); on PostgreSQL this is SELECT … FOR UPDATE, without
// which concurrent bookings overbook silently.
func (s *Store) LockSession(ctx context.Context, id int64) (*Session, error) {
	q := s.with(ctx)
	if s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var sess Session
	return &sess, translate(q.Take(&sess, id).Error)
}

// LockSessions locks the sessions among ids for the rest of the
// transaction, in id order (two transactions locking several sessions
// never wait on each other in a circle), and returns those found by id.
func (s *Store) LockSessions(ctx context.Context, ids []int64) (map[int64]*Session, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make(map[int64]*Session, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q := s.with(ctx).Where(s.idsIn("id", ids)).Order("id")
	if s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var sessions []Session
	if err := q.Find(&sessions).Error; err != nil {
		return nil, translate(err)
	}
	for i := range sessions {
		out[sessions[i].ID] = &sessions[i]
	}
	return out, nil
}

// SessionFilter selects the sessions a commune can see.
type SessionFilter struct {
	// OrgID sees its own sessions and, with IncludeOpen, other communes'
	// sessions open to everyone.
	OrgID       int64
	IncludeOpen bool
	// TrainerID keeps only the sessions this user runs.
	TrainerID int64
	From, To  *time.Time
	Status    string
	Limit     int
	Offset    int
}

// Sessions lists sessions by start time, with the total before paging.
func (s *Store) Sessions(ctx context.Context, f SessionFilter) ([]Session, int64, error) {
	q := s.with(ctx).Model(&Session{})
	// A trainer may run another commune's pooled session: their own
	// sessions include it.
	if f.IncludeOpen || f.TrainerID != 0 {
		q = q.Where("(org_id = ? OR open_to_other_communes = ?)", f.OrgID, true)
	} else {
		q = q.Where("org_id = ?", f.OrgID)
	}
	if f.TrainerID != 0 {
		q = q.Where("id IN (?)", s.with(ctx).Model(&SessionTrainer{}).Select("session_id").Where("user_id = ?", f.TrainerID))
	}
	if f.From != nil {
		q = q.Where("ends_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("starts_at < ?", f.To.UTC())
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	q = q.Order("starts_at").Order("id")
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(f.Offset)
	}
	var out []Session
	return out, total, translate(q.Find(&out).Error)
}

// Counts is how many registrations of a session are booked and waitlisted,
// and how the people booked answered the invitation.
type Counts struct {
	Booked      int
	Waitlisted  int
	MaxPosition int
	// NoQuotas says the session holds no seats per commune (BookingState
	// only: elsewhere false means not known).
	NoQuotas bool
	// Present counts the booked people marked present (CountsBySession
	// only).
	Present int
	// Accepted, Tentative and Declined count the booked people by their
	// answer (CountsBySession only).
	Accepted  int
	Tentative int
	Declined  int
}

// SessionCounts counts one session's booked and waitlisted registrations.
func (s *Store) SessionCounts(ctx context.Context, sessionID int64) (Counts, error) {
	m, err := s.CountsBySession(ctx, []int64{sessionID})
	return m[sessionID], err
}

// CountsBySession counts the registrations of several sessions at once.
func (s *Store) CountsBySession(ctx context.Context, ids []int64) (map[int64]Counts, error) {
	out := make(map[int64]Counts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		SessionID   int64
		Booked      int
		Waitlisted  int
		Present     int
		MaxPosition *int
		Accepted    int
		Tentative   int
		Declined    int
	}
	answered := "SUM(CASE WHEN status = 'booked' AND rsvp = ? THEN 1 ELSE 0 END)"
	err := s.with(ctx).Model(&Registration{}).
		Select("session_id, SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS booked, SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS waitlisted, SUM(CASE WHEN status = ? AND attendance = ? THEN 1 ELSE 0 END) AS present, MAX(waitlist_position) AS max_position, "+
			answered+" AS accepted, "+answered+" AS tentative, "+answered+" AS declined",
			RegBooked, RegWaitlisted, RegBooked, AttendPresent, RsvpAccepted, RsvpTentative, RsvpDeclined).
		Where("session_id IN ? AND status IN ?", ids, []string{RegBooked, RegWaitlisted}).
		Group("session_id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		c := Counts{Booked: r.Booked, Waitlisted: r.Waitlisted, Present: r.Present, Accepted: r.Accepted, Tentative: r.Tentative, Declined: r.Declined}
		if r.MaxPosition != nil {
			c.MaxPosition = *r.MaxPosition
		}
		out[r.SessionID] = c
	}
	return out, nil
}

// RegistrationsOf returns a session's registrations of the given people,
// keyed by person id.
func (s *Store) RegistrationsOf(ctx context.Context, sessionID int64, personIDs []int64) (map[int64]*Registration, error) {
	out := make(map[int64]*Registration, len(personIDs))
	for chunk := range slices.Chunk(personIDs, 500) {
		var regs []Registration
		if err := s.with(ctx).Where("session_id = ? AND person_id IN ?", sessionID, chunk).Find(&regs).Error; err != nil {
			return nil, translate(err)
		}
		for i := range regs {
			out[*regs[i].PersonID] = &regs[i]
		}
	}
	return out, nil
}

// InsertRegistrations inserts registrations in batches.
func (s *Store) InsertRegistrations(ctx context.Context, regs []*Registration) error {
	if len(regs) == 0 {
		return nil
	}
	return s.insert(ctx, regs, 200)
}

// SaveRegistration updates every field of a registration.
func (s *Store) SaveRegistration(ctx context.Context, r *Registration) error {
	return translate(s.with(ctx).Save(r).Error)
}

// Registration finds a registration by id.
func (s *Store) Registration(ctx context.Context, id int64) (*Registration, error) {
	var r Registration
	return &r, translate(s.with(ctx).Take(&r, id).Error)
}

// RegistrationByToken finds the registration a participant's token opens.
func (s *Store) RegistrationByToken(ctx context.Context, token string) (*Registration, error) {
	var r Registration
	return &r, translate(s.with(ctx).Where("token = ?", token).Take(&r).Error)
}

// FirstWaitlisted returns up to n registrations of one of a session's
// waiting lists (scope: 0, the session's list; a commune's id, its list in
// a session with quotas), in waiting-list order.
func (s *Store) FirstWaitlisted(ctx context.Context, sessionID, scope int64, n int) ([]Registration, error) {
	var out []Registration
	err := scoped(s.with(ctx), sessionID, scope).Order("waitlist_position").Order("id").Limit(n).Find(&out).Error
	return out, translate(err)
}

// ShiftWaitlist moves every registration of one of a session's waiting
// lists behind position after forward by n places.
//
// Positions are unique per list, and both engines check a unique index
// row by row within an UPDATE, in whatever order the plan visits the rows:
// "position - n" in one statement collides with a row not moved yet. So
// the rows first jump past any real position (where they cannot meet
// anything), then come back to their place.
func (s *Store) ShiftWaitlist(ctx context.Context, sessionID, scope int64, after, n int) error {
	err := scoped(s.with(ctx).Model(&Registration{}), sessionID, scope).Where("waitlist_position > ?", after).
		Update("waitlist_position", gorm.Expr("waitlist_position + ?", waitlistShiftOffset)).Error
	if err != nil {
		return translate(err)
	}
	return translate(scoped(s.with(ctx).Model(&Registration{}), sessionID, scope).Where("waitlist_position > ?", waitlistShiftOffset).
		Update("waitlist_position", gorm.Expr("waitlist_position - ?", waitlistShiftOffset+n)).Error)
}

// waitlistShiftOffset is far beyond any waiting-list position (and within
// a 32-bit integer).
const waitlistShiftOffset = 1 << 30

// RegistrationRow is a registration with its person's name and department,
// for lists.
type RegistrationRow struct {
	Registration
	PersonName string
	// PersonGiven and PersonFamily are the parts of the name, for lists
	// that read « family given ».
	PersonGiven    string
	PersonFamily   string
	PersonEmail    *string
	PersonRole     string
	PersonLanguage string
	DepartmentID   *int64
	DepartmentName *string
}

// RegistrationFilter selects a session's registrations.
type RegistrationFilter struct {
	SessionID int64
	// OrgID, when not zero, keeps the registrations of that commune's people.
	OrgID  int64
	Status []string
}

// RegistrationRows lists a session's registrations: booked first by name,
// then the waiting list in order, then cancellations.
func (s *Store) RegistrationRows(ctx context.Context, f RegistrationFilter) ([]RegistrationRow, error) {
	q := s.with(ctx).Table("registrations AS r").
		Select("r.*, COALESCE(p.name, '') AS person_name, COALESCE(p.given_name, '') AS person_given, COALESCE(p.family_name, '') AS person_family, p.email AS person_email, COALESCE(p.role, '') AS person_role, COALESCE(p.language, 'fr') AS person_language, p.department_id AS department_id, d.name AS department_name").
		Joins("LEFT JOIN people p ON p.id = r.person_id").
		Joins("LEFT JOIN departments d ON d.id = p.department_id").
		Where("r.session_id = ?", f.SessionID)
	if f.OrgID != 0 {
		q = q.Where("r.org_id = ?", f.OrgID)
	}
	if len(f.Status) > 0 {
		q = q.Where("r.status IN ?", f.Status)
	}
	q = q.Order("CASE r.status WHEN 'booked' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END").
		Order("r.waitlist_position").Order(s.bytewise("COALESCE(p.sort_key, '')")).Order("r.id")
	var out []RegistrationRow
	return out, translate(q.Scan(&out).Error)
}

// InsertAudit records audit entries.
func (s *Store) InsertAudit(ctx context.Context, entries []AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return s.insert(ctx, entries, 200)
}

// SessionHistory returns a session's audit log, oldest first, or with
// newestFirst the newest first; limit > 0 keeps that many entries.
func (s *Store) SessionHistory(ctx context.Context, sessionID int64, newestFirst bool, limit int) ([]AuditEntry, error) {
	q := s.with(ctx).Where("session_id = ?", sessionID)
	if newestFirst {
		q = q.Order("created_at DESC").Order("id DESC")
	} else {
		q = q.Order("created_at").Order("id")
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var out []AuditEntry
	return out, translate(q.Find(&out).Error)
}

// CancelAllRegistrations cancels every booked or waitlisted registration of
// a session and returns how many there were.
func (s *Store) CancelAllRegistrations(ctx context.Context, sessionID int64, now time.Time) (int64, error) {
	res := s.with(ctx).Model(&Registration{}).
		Where("session_id = ? AND status IN ?", sessionID, []string{RegBooked, RegWaitlisted}).
		Updates(map[string]any{"status": RegCancelled, "waitlist_position": nil, "cancelled_at": now, "updated_at": now})
	return res.RowsAffected, translate(res.Error)
}

// ActiveRegistrationIDs lists the booked and waitlisted registrations of a session.
func (s *Store) ActiveRegistrationIDs(ctx context.Context, sessionID int64) ([]int64, error) {
	var ids []int64
	err := s.with(ctx).Model(&Registration{}).Where("session_id = ? AND status IN ?", sessionID, []string{RegBooked, RegWaitlisted}).Order("id").Pluck("id", &ids).Error
	return ids, translate(err)
}

// RegistrationsOfPerson lists every registration of a person, any status.
func (s *Store) RegistrationsOfPerson(ctx context.Context, personID int64) ([]Registration, error) {
	var out []Registration
	return out, translate(s.with(ctx).Where("person_id = ?", personID).Order("id").Find(&out).Error)
}

// SessionsByID returns the sessions among ids, keyed by id.
func (s *Store) SessionsByID(ctx context.Context, ids []int64) (map[int64]*Session, error) {
	out := make(map[int64]*Session, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var rows []Session
		if err := s.with(ctx).Where("id IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, translate(err)
		}
		for i := range rows {
			out[rows[i].ID] = &rows[i]
		}
	}
	return out, nil
}

// BookingState reads, in one round trip, the counts of several sessions
// and their registrations of the people asked for each (asked: person ids
// by session id); sessions that do not exist are absent. Call it once the
// sessions are locked (LockSessions): it is a statement of its own, so on
// PostgreSQL it sees every booking committed before the locks were
// granted.
func (s *Store) BookingState(ctx context.Context, asked map[int64][]int64) (map[int64]Counts, map[int64]map[int64]*Registration, error) {
	sessionIDs := slices.Sorted(maps.Keys(asked))
	var people []int64
	for _, ids := range asked {
		people = append(people, ids...)
	}
	people = slices.Compact(slices.Sorted(slices.Values(people)))
	counts := make(map[int64]Counts, len(asked))
	regs := make(map[int64]map[int64]*Registration, len(asked))
	if len(sessionIDs) == 0 {
		return counts, regs, nil
	}
	// Both counts come from indexes, whatever the length of the waiting
	// list: the booked seats (at most the capacity) by (session, status),
	// the last place of the session's one list by (session, scope,
	// position); a session with quotas has a list per commune, counted by
	// ListCounts. A list is 1..n, so its length is its last place. Whether
	// the session has quotas comes along, so that a booking without them
	// reads nothing more. Long lists of people take a statement per 500.
	wanted := make(map[[2]int64]bool, len(people))
	for sid, ids := range asked {
		for _, id := range ids {
			wanted[[2]int64{sid, id}] = true
		}
	}
	for chunk := range slices.Chunk(people, 500) {
		var rows []struct {
			Registration
			CSession int64
			CBooked  int
			CMaxPos  *int
			CQuotas  int
		}
		err := s.with(ctx).Raw(`SELECT r.*, s.id AS c_session,
  (SELECT count(*) FROM registrations WHERE session_id = s.id AND status = 'booked') AS c_booked,
  (SELECT max(waitlist_position) FROM registrations WHERE session_id = s.id AND waitlist_scope = 0) AS c_max_pos,
  (SELECT count(*) FROM session_quotas WHERE session_id = s.id) AS c_quotas
FROM sessions s
LEFT JOIN registrations r ON r.session_id = s.id AND ?
WHERE ?`, s.idsIn("r.person_id", chunk), s.idsIn("s.id", sessionIDs)).Scan(&rows).Error
		if err != nil {
			return nil, nil, translate(err)
		}
		for i := range rows {
			row := &rows[i]
			c := Counts{Booked: row.CBooked, NoQuotas: row.CQuotas == 0}
			if row.CMaxPos != nil {
				c.MaxPosition, c.Waitlisted = *row.CMaxPos, *row.CMaxPos
			}
			counts[row.CSession] = c
			if regs[row.CSession] == nil {
				regs[row.CSession] = map[int64]*Registration{}
			}
			// Only the people asked for in this session.
			if row.ID != 0 && row.PersonID != nil && wanted[[2]int64{row.CSession, *row.PersonID}] {
				r := row.Registration
				regs[row.CSession][*r.PersonID] = &r
			}
		}
	}
	return counts, regs, nil
}

// AttendedPeople tells which of the people of a commune among ids were
// marked present in a session that was not cancelled.
func (s *Store) AttendedPeople(ctx context.Context, orgID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for chunk := range slices.Chunk(ids, 500) {
		var got []int64
		err := s.with(ctx).Table("registrations AS r").Joins("JOIN sessions s ON s.id = r.session_id").
			Where("r.org_id = ? AND r.person_id IN ? AND r.status = ? AND r.attendance = ? AND s.status <> ?", orgID, chunk, RegBooked, AttendPresent, SessionCancelled).
			Distinct().Pluck("r.person_id", &got).Error
		if err != nil {
			return nil, translate(err)
		}
		for _, id := range got {
			out[id] = true
		}
	}
	return out, nil
}

// SessionsDigest sums up the sessions a staff calendar feed shows, cheaply
// enough to answer a feed that has not changed without reading them: a
// session that comes, goes or changes changes the sums.
type SessionsDigest struct {
	// Count, SumID and SumSequence are over the sessions shown; a session
	// added or removed changes Count (and SumID when another replaces it).
	Count, SumID, SumSequence int64
	// UpdatedSum and UpdatedMax are the sum and the latest of the shown
	// sessions' updated_at, in milliseconds since 1970: an edit of any of
	// them moves the sum, even one stamped by a clock running behind.
	UpdatedSum int64
	UpdatedMax *int64
	// OrgUpdatedMax is the latest updated_at of any session of the commune:
	// a session leaving a trainer's feed (its trainers changed) is edited,
	// but no longer among the sessions shown.
	OrgUpdatedMax *int64
}

// epochMillis is the SQL for a timestamp column in milliseconds since 1970.
func (s *Store) epochMillis(col string) string {
	if s.dialect == Postgres {
		return "CAST(EXTRACT(EPOCH FROM " + col + ") * 1000 AS bigint)"
	}
	return "CAST(ROUND((julianday(" + col + ") - 2440587.5) * 86400000.0) AS INTEGER)"
}

// SessionsDigest sums up the sessions of commune orgID (those trainer
// trainerID runs, when not zero), in one query.
func (s *Store) SessionsDigest(ctx context.Context, orgID, trainerID int64) (SessionsDigest, error) {
	from, in := "sessions s", "1 = 1"
	args := []any{}
	if trainerID != 0 {
		from = "sessions s LEFT JOIN session_trainers st ON st.session_id = s.id AND st.user_id = ?"
		in = "st.user_id IS NOT NULL"
		args = append(args, trainerID)
	}
	// Each row's time once (SQLite parses the text of every date it
	// reads): a materialised CTE is not folded into the sums.
	q := "WITH d AS MATERIALIZED (SELECT s.id, s.sequence, " + s.epochMillis("s.updated_at") + " AS ms, " +
		"CASE WHEN " + in + " THEN 1 ELSE 0 END AS shown FROM " + from + " WHERE s.org_id = ?) " +
		"SELECT COALESCE(SUM(shown), 0) AS count, COALESCE(SUM(shown * id), 0) AS sum_id, " +
		"COALESCE(SUM(shown * sequence), 0) AS sum_sequence, COALESCE(SUM(shown * ms), 0) AS updated_sum, " +
		"MAX(CASE WHEN shown = 1 THEN ms END) AS updated_max, MAX(ms) AS org_updated_max FROM d"
	var d SessionsDigest
	err := s.with(ctx).Raw(q, append(args, orgID)...).Scan(&d).Error
	return d, translate(err)
}
