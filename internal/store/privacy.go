package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
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
	// SurveyInvitations are the surveys the person was asked to answer;
	// their answers are not linked to them (package inquiry).
	SurveyInvitations []SurveyInvitation
	Surveys           map[int64]*Survey
	MementoReads      []MementoRead
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
	if d.SurveyInvitations, err = s.InvitationsOfPerson(ctx, personID); err != nil {
		return nil, err
	}
	invIDs := make([]int64, 0, len(d.SurveyInvitations))
	surveyIDs := make([]int64, 0, len(d.SurveyInvitations))
	for _, inv := range d.SurveyInvitations {
		invIDs = append(invIDs, inv.ID)
		surveyIDs = append(surveyIDs, inv.SurveyID)
	}
	if d.Surveys, err = s.SurveysByID(ctx, surveyIDs); err != nil {
		return nil, err
	}
	if len(invIDs) > 0 {
		var mail []OutboxMessage
		if err := db.Where("survey_invitation_id IN ?", invIDs).Order("id").Find(&mail).Error; err != nil {
			return nil, translate(err)
		}
		d.Mail = append(d.Mail, mail...)
	}
	if err := db.Where("person_id = ?", personID).Order("id").Find(&d.MementoReads).Error; err != nil {
		return nil, translate(err)
	}
	return d, nil
}

// ErasePerson deletes a person and what identifies them; call it inside
// Tx: their registrations stay, anonymous, with the department and role
// they had (so reports keep their totals); their feedback keeps its ratings
// but loses its free text; their mails are deleted; audit entries about
// them lose their details. Their survey invitations stay, for the response
// rates, without the person or the link (answers were never linked to
// them); their survey mails are deleted; their confirmations of the
// memento go with them.
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
	invs := db.Model(&SurveyInvitation{}).Select("id").Where("person_id = ?", personID)
	if err := db.Where("survey_invitation_id IN (?)", invs).Delete(&OutboxMessage{}).Error; err != nil {
		return translate(err)
	}
	if err := db.Model(&SurveyInvitation{}).Where("person_id = ?", personID).Updates(map[string]any{"person_id": nil, "token": nil}).Error; err != nil {
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

// SetPersonLeft records when a person left the commune (nil: they work
// there again).
func (s *Store) SetPersonLeft(ctx context.Context, orgID, personID int64, at *time.Time, now time.Time) error {
	res := s.with(ctx).Model(&Person{}).Where("org_id = ? AND id = ?", orgID, personID).
		Updates(map[string]any{"left_at": at, "updated_at": now})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// PeopleLeftBefore lists the people, of every commune, who left before
// cutoff: their id and commune only, oldest departure first.
func (s *Store) PeopleLeftBefore(ctx context.Context, cutoff time.Time, limit int) ([]Person, error) {
	var out []Person
	return out, translate(s.with(ctx).Select("id, org_id, left_at").Where("left_at < ?", cutoff.UTC()).
		Order("left_at").Order("id").Limit(limit).Find(&out).Error)
}

// PurgedDomain is the domain of the address an account gets when its
// personal data is purged: reserved (RFC 2606), it never receives mail.
const PurgedDomain = "purged.invalid"

// expiredAccounts selects the accounts disabled before cutoff whose
// personal data is still there.
func (s *Store) expiredAccounts(ctx context.Context, cutoff time.Time) *gorm.DB {
	return s.with(ctx).Model(&User{}).Where("disabled_at < ? AND email NOT LIKE ?", cutoff.UTC(), "%@"+PurgedDomain)
}

// RetentionDue counts what a purge at cutoff would remove.
type RetentionDue struct {
	People, Accounts, StaffActions, SignIns int64
}

// RetentionDue counts the personal data kept beyond cutoff.
func (s *Store) RetentionDue(ctx context.Context, cutoff, now time.Time) (RetentionDue, error) {
	var d RetentionDue
	db := s.with(ctx)
	for _, c := range []struct {
		n *int64
		q *gorm.DB
	}{
		{&d.People, db.Model(&Person{}).Where("left_at < ?", cutoff.UTC())},
		{&d.Accounts, s.expiredAccounts(ctx, cutoff)},
		{&d.StaffActions, db.Model(&StaffAction{}).Where("created_at < ?", cutoff.UTC())},
	} {
		if err := c.q.Count(c.n).Error; err != nil {
			return d, translate(err)
		}
	}
	for _, t := range s.signInTraces(ctx, cutoff, now) {
		var n int64
		if err := t.where.Model(t.model).Count(&n).Error; err != nil {
			return d, translate(err)
		}
		d.SignIns += n
	}
	return d, nil
}

// signInTraces selects what sign-in leaves behind that serves no longer:
// sessions and reset links that have expired, and counts of failed
// attempts older than cutoff.
func (s *Store) signInTraces(ctx context.Context, cutoff, now time.Time) []trace {
	db := s.with(ctx)
	return []trace{
		{&AuthToken{}, db.Where("expires_at < ?", now.UTC())},
		{&PasswordReset{}, db.Where("expires_at < ?", now.UTC())},
		{&LoginAttempt{}, db.Where("last_at < ?", cutoff.UTC())},
	}
}

// trace is rows of one table that a purge removes.
type trace struct {
	model any
	where *gorm.DB
}

// PurgeAccounts removes the personal data of the accounts disabled before
// cutoff, inside Tx: their address becomes account-ID@purged.invalid, their
// name and password go, their sessions, reset links and feed stop, and the
// staff log names them by number. The rows stay, so the sessions they ran
// and the actions they took keep their history. It returns the accounts.
func (s *Store) PurgeAccounts(ctx context.Context, cutoff time.Time) ([]int64, error) {
	var ids []int64
	if err := s.expiredAccounts(ctx, cutoff).Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, translate(err)
	}
	db := s.with(ctx)
	for _, id := range ids {
		label := fmt.Sprintf("account-%d@%s", id, PurgedDomain)
		if err := db.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"email": label, "name": "", "password_hash": "!", "feed_token_hash": nil, "feed_token_at": nil,
		}).Error; err != nil {
			return nil, translate(err)
		}
		if err := db.Model(&StaffAction{}).Where("actor_user_id = ?", id).Update("actor", label).Error; err != nil {
			return nil, translate(err)
		}
	}
	if len(ids) > 0 {
		if err := db.Where("user_id IN ?", ids).Delete(&AuthToken{}).Error; err != nil {
			return nil, translate(err)
		}
		if err := db.Where("user_id IN ?", ids).Delete(&PasswordReset{}).Error; err != nil {
			return nil, translate(err)
		}
	}
	return ids, nil
}

// PurgeLogs deletes the staff log entries older than cutoff and the
// sign-in traces that serve no longer; it returns how many rows went.
func (s *Store) PurgeLogs(ctx context.Context, cutoff, now time.Time) (staff, signIns int64, err error) {
	res := s.with(ctx).Where("created_at < ?", cutoff.UTC()).Delete(&StaffAction{})
	if res.Error != nil {
		return 0, 0, translate(res.Error)
	}
	staff = res.RowsAffected
	for _, t := range s.signInTraces(ctx, cutoff, now) {
		res := t.where.Delete(t.model)
		if res.Error != nil {
			return 0, 0, translate(res.Error)
		}
		signIns += res.RowsAffected
	}
	return staff, signIns, nil
}
