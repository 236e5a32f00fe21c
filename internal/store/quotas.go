package store

import (
	"context"
	"slices"

	"gorm.io/gorm"
)

// SessionQuotas returns the quotas of each session among ids, by commune id.
func (s *Store) SessionQuotas(ctx context.Context, sessionIDs []int64) (map[int64][]SessionQuota, error) {
	out := map[int64][]SessionQuota{}
	for chunk := range slices.Chunk(sessionIDs, 500) {
		var rows []SessionQuota
		if err := s.with(ctx).Where("session_id IN ?", chunk).Order("session_id").Order("org_id").Find(&rows).Error; err != nil {
			return nil, translate(err)
		}
		for _, r := range rows {
			out[r.SessionID] = append(out[r.SessionID], r)
		}
	}
	return out, nil
}

// SetSessionQuotas replaces the quotas of a session.
func (s *Store) SetSessionQuotas(ctx context.Context, sessionID int64, quotas []SessionQuota) error {
	if err := s.with(ctx).Where("session_id = ?", sessionID).Delete(&SessionQuota{}).Error; err != nil {
		return translate(err)
	}
	if len(quotas) == 0 {
		return nil
	}
	rows := slices.Clone(quotas)
	for i := range rows {
		rows[i].SessionID = sessionID
	}
	return translate(s.with(ctx).Create(&rows).Error)
}

// CountsByOrg counts the booked and waitlisted registrations of each
// session among ids per commune of the people (MaxPosition is the last
// place the commune holds on a waiting list of the session), in one query.
func (s *Store) CountsByOrg(ctx context.Context, sessionIDs []int64) (map[int64]map[int64]Counts, error) {
	out := map[int64]map[int64]Counts{}
	if len(sessionIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		SessionID   int64
		OrgID       int64
		Booked      int
		Waitlisted  int
		Present     int
		MaxPosition *int
	}
	err := s.with(ctx).Model(&Registration{}).
		Select("session_id, org_id, SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS booked, SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS waitlisted, SUM(CASE WHEN status = ? AND attendance = ? THEN 1 ELSE 0 END) AS present, MAX(waitlist_position) AS max_position",
			RegBooked, RegWaitlisted, RegBooked, AttendPresent).
		Where("session_id IN ? AND status IN ?", sessionIDs, []string{RegBooked, RegWaitlisted}).
		Group("session_id, org_id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		c := Counts{Booked: r.Booked, Waitlisted: r.Waitlisted, Present: r.Present}
		if r.MaxPosition != nil {
			c.MaxPosition = *r.MaxPosition
		}
		if out[r.SessionID] == nil {
			out[r.SessionID] = map[int64]Counts{}
		}
		out[r.SessionID][r.OrgID] = c
	}
	return out, nil
}

// ListCounts counts a session's registrations on one waiting list's
// commune: booked people of commune orgID, and the last position of the
// list scope. Call it after LockSession, as BookingState.
func (s *Store) ListCounts(ctx context.Context, sessionID, orgID, scope int64) (Counts, error) {
	var row struct {
		Booked      int
		Waitlisted  int
		MaxPosition *int
	}
	err := s.with(ctx).Model(&Registration{}).
		Select("COALESCE(SUM(CASE WHEN status = ? AND org_id = ? THEN 1 ELSE 0 END), 0) AS booked, COALESCE(SUM(CASE WHEN status = ? AND waitlist_scope = ? THEN 1 ELSE 0 END), 0) AS waitlisted, MAX(CASE WHEN status = ? AND waitlist_scope = ? THEN waitlist_position END) AS max_position",
			RegBooked, orgID, RegWaitlisted, scope, RegWaitlisted, scope).
		Where("session_id = ? AND status IN ?", sessionID, []string{RegBooked, RegWaitlisted}).
		Scan(&row).Error
	c := Counts{Booked: row.Booked, Waitlisted: row.Waitlisted}
	if row.MaxPosition != nil {
		c.MaxPosition = *row.MaxPosition
	}
	return c, translate(err)
}

// OrgsBySlug returns the communes among slugs, keyed by slug.
func (s *Store) OrgsBySlug(ctx context.Context, slugs []string) (map[string]*Org, error) {
	out := map[string]*Org{}
	if len(slugs) == 0 {
		return out, nil
	}
	var rows []Org
	if err := s.with(ctx).Where("slug IN ?", slugs).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for i := range rows {
		out[rows[i].Slug] = &rows[i]
	}
	return out, nil
}

// UsersIn returns the accounts among ids that belong to one of the
// communes orgIDs.
func (s *Store) UsersIn(ctx context.Context, orgIDs, ids []int64) (map[int64]*User, error) {
	out := map[int64]*User{}
	if len(orgIDs) == 0 || len(ids) == 0 {
		return out, nil
	}
	var us []User
	if err := s.with(ctx).Where("org_id IN ? AND id IN ?", orgIDs, ids).Find(&us).Error; err != nil {
		return nil, translate(err)
	}
	for i := range us {
		out[us[i].ID] = &us[i]
	}
	return out, nil
}

// scoped limits a query of waiting lists to one list of a session.
func scoped(q *gorm.DB, sessionID, scope int64) *gorm.DB {
	return q.Where("session_id = ? AND waitlist_scope = ? AND status = ?", sessionID, scope, RegWaitlisted)
}
