package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// CreatePlan inserts a plan.
func (s *Store) CreatePlan(ctx context.Context, p *Plan) error {
	return translate(s.with(ctx).Create(p).Error)
}

// SavePlan updates every field of a plan.
func (s *Store) SavePlan(ctx context.Context, p *Plan) error {
	return translate(s.with(ctx).Save(p).Error)
}

// Plan finds a plan by id, whatever its commune: callers check access.
func (s *Store) Plan(ctx context.Context, id int64) (*Plan, error) {
	var p Plan
	return &p, translate(s.with(ctx).Take(&p, id).Error)
}

// LockPlan reads a plan and locks its row until the transaction ends, so
// that two edits or confirmations of one plan are serialised. Only call it
// inside Tx (SQLite's transaction holds the write lock already).
func (s *Store) LockPlan(ctx context.Context, id int64) (*Plan, error) {
	q := s.with(ctx)
	if s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var p Plan
	return &p, translate(q.Take(&p, id).Error)
}

// AddPlanSessions records the sessions a plan created, in order.
func (s *Store) AddPlanSessions(ctx context.Context, planID int64, sessionIDs []int64) error {
	if len(sessionIDs) == 0 {
		return nil
	}
	rows := make([]PlanSession, len(sessionIDs))
	for i, id := range sessionIDs {
		rows[i] = PlanSession{PlanID: planID, Position: i, SessionID: id}
	}
	return translate(s.with(ctx).CreateInBatches(rows, 200).Error)
}

// PlanSessionIDs lists the sessions a plan created, in order.
func (s *Store) PlanSessionIDs(ctx context.Context, planID int64) ([]int64, error) {
	var ids []int64
	err := s.with(ctx).Model(&PlanSession{}).Where("plan_id = ?", planID).Order("position").Pluck("session_id", &ids).Error
	return ids, translate(err)
}

// Member is a person as the campaign planner reads them: what grouping
// needs, the name to show and whether a mail can reach them (never the
// address itself).
type Member struct {
	ID           int64
	DepartmentID *int64
	Role         string
	Name         string
	HasEmail     bool
}

// Members lists the people of a commune, of one role and one department
// when they are given, by id; those who left the commune are not planned.
func (s *Store) Members(ctx context.Context, orgID int64, role string, departmentID int64) ([]Member, error) {
	q := s.with(ctx).Model(&Person{}).Select("id, department_id, role, name, (email IS NOT NULL AND email <> '') AS has_email").
		Where("org_id = ? AND left_at IS NULL", orgID)
	if role != "" {
		q = q.Where("role = ?", role)
	}
	if departmentID != 0 {
		q = q.Where("department_id = ?", departmentID)
	}
	var out []Member
	return out, translate(q.Order("id").Find(&out).Error)
}

// TrainedOn lists the people of a commune marked present in a session of
// the format, whichever commune ran it.
func (s *Store) TrainedOn(ctx context.Context, orgID int64, formatSlug string) ([]int64, error) {
	var ids []int64
	err := s.with(ctx).Table("registrations AS r").Distinct("r.person_id").
		Joins("JOIN sessions AS s ON s.id = r.session_id").
		Where("r.org_id = ? AND r.person_id IS NOT NULL AND r.status = ? AND r.attendance = ? AND s.format_slug = ?", orgID, RegBooked, AttendPresent, formatSlug).
		Order("r.person_id").Pluck("r.person_id", &ids).Error
	return ids, translate(err)
}

// BookedOn lists the people of a commune booked or waiting in a session of
// the format that is not cancelled and has not started at now.
func (s *Store) BookedOn(ctx context.Context, orgID int64, formatSlug string, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.with(ctx).Table("registrations AS r").Distinct("r.person_id").
		Joins("JOIN sessions AS s ON s.id = r.session_id").
		Where("r.org_id = ? AND r.person_id IS NOT NULL AND r.status IN ? AND s.format_slug = ? AND s.status = ? AND s.starts_at > ?",
			orgID, []string{RegBooked, RegWaitlisted}, formatSlug, SessionScheduled, now.UTC()).
		Order("r.person_id").Pluck("r.person_id", &ids).Error
	return ids, translate(err)
}

// SessionsBetween lists a commune's sessions that are not cancelled and
// overlap [from, to), by start: what may occupy a room then.
func (s *Store) SessionsBetween(ctx context.Context, orgID int64, from, to time.Time) ([]Session, error) {
	var out []Session
	err := s.with(ctx).Where("org_id = ? AND status <> ? AND starts_at < ? AND ends_at > ?", orgID, SessionCancelled, to.UTC(), from.UTC()).
		Order("starts_at").Order("id").Find(&out).Error
	return out, translate(err)
}
