package store

import (
	"context"
	"time"
)

// PersonData is everything held about one person.
type PersonData struct {
	Person Person
	// Department is the name of the person's department, if any.
	Department    *string
	Registrations []Registration
	Sessions      map[int64]*Session
	Feedback      []Feedback
	Mail          []OutboxMessage
	Audit         []AuditEntry
}

// PersonData loads everything held about a person of a commune.
func (s *Store) PersonData(ctx context.Context, orgID, personID int64) (*PersonData, error) {
	p, err := s.Person(ctx, orgID, personID)
	if err != nil {
		return nil, err
	}
	d := &PersonData{Person: *p}
	db := s.with(ctx)
	if p.DepartmentID != nil {
		if dep, err := s.Department(ctx, orgID, *p.DepartmentID); err == nil {
			d.Department = &dep.Name
		}
	}
	if err := db.Where("person_id = ?", personID).Order("id").Find(&d.Registrations).Error; err != nil {
		return nil, translate(err)
	}
	ids := make([]int64, 0, len(d.Registrations))
	sids := make([]int64, 0, len(d.Registrations))
	for _, r := range d.Registrations {
		ids = append(ids, r.ID)
		sids = append(sids, r.SessionID)
	}
	if d.Sessions, err = s.SessionsByID(ctx, sids); err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		if err := db.Where("registration_id IN ?", ids).Order("id").Find(&d.Feedback).Error; err != nil {
			return nil, translate(err)
		}
		if err := db.Where("registration_id IN ?", ids).Order("id").Find(&d.Mail).Error; err != nil {
			return nil, translate(err)
		}
	}
	if err := db.Where("person_id = ?", personID).Order("id").Find(&d.Audit).Error; err != nil {
		return nil, translate(err)
	}
	return d, nil
}

// ErasePerson deletes a person and what identifies them; call it inside
// Tx: their registrations stay, anonymous, with the department and role
// they had (so reports keep their totals); their feedback keeps its ratings
// but loses its free text; their mails are deleted; audit entries about
// them lose their details.
func (s *Store) ErasePerson(ctx context.Context, orgID, personID int64, now time.Time) error {
	p, err := s.Person(ctx, orgID, personID)
	if err != nil {
		return err
	}
	db := s.with(ctx)
	regs := db.Model(&Registration{}).Select("id").Where("person_id = ?", personID)
	if err := db.Where("registration_id IN (?)", regs).Delete(&OutboxMessage{}).Error; err != nil {
		return translate(err)
	}
	if err := db.Model(&Feedback{}).Where("registration_id IN (?)", regs).
		Updates(map[string]any{"use_cases": "", "worries": "", "updated_at": now}).Error; err != nil {
		return translate(err)
	}
	if err := db.Model(&Registration{}).Where("person_id = ?", personID).Updates(map[string]any{
		"person_id": nil, "anon_department_id": p.DepartmentID, "anon_role": p.Role, "updated_at": now,
	}).Error; err != nil {
		return translate(err)
	}
	if err := db.Model(&AuditEntry{}).Where("person_id = ?", personID).
		Updates(map[string]any{"detail": `{"erased":true}`, "person_id": nil}).Error; err != nil {
		return translate(err)
	}
	return translate(db.Delete(&Person{}, personID).Error)
}
