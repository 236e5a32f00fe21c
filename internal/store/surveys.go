package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm/clause"
)

// Survey is a survey a commune launched on an audience (the état des lieux).
type Survey struct {
	ID    int64
	OrgID int64
	// Kind and Slug name the catalogue's questionnaire.
	Kind string
	Slug string
	// Audience is who was asked, as JSON ({"all":true}, {"role":…}).
	Audience string
	ClosesAt time.Time
	// ReminderAt is when the reminder is due, nil when none is planned;
	// RemindedAt when an instance claimed it.
	ReminderAt *time.Time
	RemindedAt *time.Time
	// SealedAt is when the answers were cut from the people, after
	// ClosesAt.
	SealedAt  *time.Time
	CreatedBy *int64
	CreatedAt time.Time
}

// SurveyInvitation is one person asked to answer a survey, with the group
// and service their answers count in.
type SurveyInvitation struct {
	ID       int64
	SurveyID int64
	OrgID    int64
	// PersonID and Token are nil once the person is erased.
	PersonID     *int64
	Token        *string
	GroupKey     string
	DepartmentID *int64
	Language     string
	Answered     bool
	CreatedAt    time.Time
}

// SurveyResponse is one person's answers, without the person: nothing in
// it leads to an invitation. RespondentKey (a hash of the person's token)
// finds it again from the link while the survey is open; it is nil once
// the survey is sealed.
type SurveyResponse struct {
	ID            int64
	SurveyID      int64
	OrgID         int64
	DepartmentID  *int64
	GroupKey      string
	RespondentKey *string
	// Answers are the validated answers as JSON.
	Answers string
}

// SurveyCounts are how many people a survey asked and how many answered.
type SurveyCounts struct {
	Invited   int64
	Responses int64
}

// PopulationRow is how many people of a service and group were invited.
type PopulationRow struct {
	DepartmentID *int64
	GroupKey     string
	N            int64
}

// Invitee is an invitation with the person's address, to write to them.
type Invitee struct {
	SurveyInvitation
	Name  string
	Email *string
}

// CreateSurvey inserts a survey and its invitations; call it inside Tx.
func (s *Store) CreateSurvey(ctx context.Context, sv *Survey, invites []*SurveyInvitation) error {
	if err := s.with(ctx).Create(sv).Error; err != nil {
		return translate(err)
	}
	for _, inv := range invites {
		inv.SurveyID = sv.ID
	}
	if len(invites) == 0 {
		return nil
	}
	return translate(s.with(ctx).CreateInBatches(invites, 200).Error)
}

// Survey finds a survey by id, whatever its commune: the caller decides
// whether it may see it.
func (s *Store) Survey(ctx context.Context, id int64) (*Survey, error) {
	var sv Survey
	return &sv, translate(s.with(ctx).Take(&sv, id).Error)
}

// LockSurvey reads a survey and locks its row until the transaction ends:
// answers and the sealing of the survey are serialised, so that no answer
// keeps its key past the sealing. On SQLite the transaction holds the
// write lock already.
func (s *Store) LockSurvey(ctx context.Context, id int64) (*Survey, error) {
	q := s.with(ctx)
	if s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
	}
	var sv Survey
	return &sv, translate(q.Take(&sv, id).Error)
}

// LockOrg reads a commune and locks its row until the transaction ends,
// to serialise what must happen one at a time in a commune (two sessions
// put in one room by concurrent requests, two surveys launched). NO KEY
// UPDATE: inserting rows that refer to the commune goes on meanwhile. Only
// call it inside Tx; on SQLite the transaction holds the database's write
// lock already.
func (s *Store) LockOrg(ctx context.Context, id int64) (*Org, error) {
	q := s.with(ctx)
	if s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
	}
	var o Org
	return &o, translate(q.Take(&o, id).Error)
}

// Surveys lists a commune's surveys, newest first.
func (s *Store) Surveys(ctx context.Context, orgID int64) ([]Survey, error) {
	var out []Survey
	return out, translate(s.with(ctx).Where("org_id = ?", orgID).Order("created_at DESC").Order("id DESC").Find(&out).Error)
}

// LatestSurvey finds a commune's most recent survey of kind.
func (s *Store) LatestSurvey(ctx context.Context, orgID int64, kind string) (*Survey, error) {
	var sv Survey
	return &sv, translate(s.with(ctx).Where("org_id = ? AND kind = ?", orgID, kind).Order("created_at DESC").Order("id DESC").Take(&sv).Error)
}

// SurveyCounts returns, per survey among ids, the people invited and the
// answers received, in two queries.
func (s *Store) SurveyCounts(ctx context.Context, ids []int64) (map[int64]SurveyCounts, error) {
	out := make(map[int64]SurveyCounts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		SurveyID int64
		N        int64
	}
	db := s.with(ctx)
	if err := db.Model(&SurveyInvitation{}).Select("survey_id, COUNT(*) AS n").Where("survey_id IN ?", ids).Group("survey_id").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		c := out[r.SurveyID]
		c.Invited = r.N
		out[r.SurveyID] = c
	}
	rows = rows[:0]
	if err := db.Model(&SurveyResponse{}).Select("survey_id, COUNT(*) AS n").Where("survey_id IN ?", ids).Group("survey_id").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		c := out[r.SurveyID]
		c.Responses = r.N
		out[r.SurveyID] = c
	}
	return out, nil
}

// InvitationByToken finds the invitation a personal survey link opens.
func (s *Store) InvitationByToken(ctx context.Context, token string) (*SurveyInvitation, error) {
	var inv SurveyInvitation
	return &inv, translate(s.with(ctx).Where("token = ?", token).Take(&inv).Error)
}

// ResponseByKey finds the answers of a survey given under key.
func (s *Store) ResponseByKey(ctx context.Context, surveyID int64, key string) (*SurveyResponse, error) {
	var r SurveyResponse
	return &r, translate(s.with(ctx).Where("survey_id = ? AND respondent_key = ?", surveyID, key).Take(&r).Error)
}

// SaveResponse inserts answers, or replaces the answers of a response
// already stored.
func (s *Store) SaveResponse(ctx context.Context, r *SurveyResponse) error {
	if r.ID == 0 {
		return translate(s.with(ctx).Create(r).Error)
	}
	return translate(s.with(ctx).Model(&SurveyResponse{}).Where("id = ?", r.ID).Update("answers", r.Answers).Error)
}

// MarkAnswered records that an invitation was answered (not what, nor when).
func (s *Store) MarkAnswered(ctx context.Context, invitationID int64) error {
	return translate(s.with(ctx).Model(&SurveyInvitation{}).Where("id = ? AND answered = ?", invitationID, false).Update("answered", true).Error)
}

// SurveyResponses lists a survey's answers in a fixed order that says
// nothing of who answered first.
func (s *Store) SurveyResponses(ctx context.Context, surveyID int64) ([]SurveyResponse, error) {
	var out []SurveyResponse
	return out, translate(s.with(ctx).Select("id, survey_id, org_id, department_id, group_key, answers").
		Where("survey_id = ?", surveyID).Order("answers").Order("id").Find(&out).Error)
}

// SurveyPopulation counts the people invited to a survey by service and
// group.
func (s *Store) SurveyPopulation(ctx context.Context, surveyID int64) ([]PopulationRow, error) {
	var out []PopulationRow
	return out, translate(s.with(ctx).Model(&SurveyInvitation{}).Select("department_id, group_key, COUNT(*) AS n").
		Where("survey_id = ?", surveyID).Group("department_id, group_key").Order("department_id").Order("group_key").Scan(&out).Error)
}

// DueReminders lists the surveys whose reminder is due at now and not yet
// claimed, and which have not closed.
func (s *Store) DueReminders(ctx context.Context, now time.Time) ([]Survey, error) {
	var out []Survey
	return out, translate(s.with(ctx).Where("reminded_at IS NULL AND reminder_at IS NOT NULL AND reminder_at <= ? AND closes_at > ?", now.UTC(), now.UTC()).
		Order("id").Limit(100).Find(&out).Error)
}

// ClaimReminder takes the reminder of a survey for the caller: of several
// instances, exactly one gets true. Call it inside the transaction that
// queues the reminders, so that a failure releases the claim. On
// PostgreSQL a second instance waits for the first one's transaction, then
// finds the reminder claimed.
func (s *Store) ClaimReminder(ctx context.Context, surveyID int64, now time.Time) (bool, error) {
	res := s.with(ctx).Model(&Survey{}).Where("id = ? AND reminded_at IS NULL", surveyID).Update("reminded_at", now.UTC())
	return res.RowsAffected == 1, translate(res.Error)
}

// Unanswered lists the invitations of a survey not answered yet whose
// person can be written to, with their name and address.
func (s *Store) Unanswered(ctx context.Context, surveyID int64) ([]Invitee, error) {
	var out []Invitee
	err := s.with(ctx).Table("survey_invitations AS i").
		Select("i.*, p.name AS name, p.email AS email").
		Joins("JOIN people p ON p.id = i.person_id").
		Where("i.survey_id = ? AND i.answered = ? AND i.token IS NOT NULL AND p.email IS NOT NULL", surveyID, false).
		Order("i.id").Scan(&out).Error
	return out, translate(err)
}

// DueSeals lists the surveys closed at now and not sealed yet.
func (s *Store) DueSeals(ctx context.Context, now time.Time) ([]Survey, error) {
	var out []Survey
	return out, translate(s.with(ctx).Where("sealed_at IS NULL AND closes_at <= ?", now.UTC()).Order("id").Limit(100).Find(&out).Error)
}

// SealSurvey cuts a closed survey's answers from the people for good: the
// keys that led from a personal link to its answers are cleared. Of
// several instances one does it; it reports whether the caller did. Call
// it inside Tx.
func (s *Store) SealSurvey(ctx context.Context, surveyID int64, now time.Time) (bool, error) {
	res := s.with(ctx).Model(&Survey{}).Where("id = ? AND sealed_at IS NULL", surveyID).Update("sealed_at", now.UTC())
	if res.Error != nil || res.RowsAffected != 1 {
		return false, translate(res.Error)
	}
	err := s.with(ctx).Model(&SurveyResponse{}).Where("survey_id = ?", surveyID).Update("respondent_key", nil).Error
	return err == nil, translate(err)
}

// InvitationsOfPerson lists a person's survey invitations.
func (s *Store) InvitationsOfPerson(ctx context.Context, personID int64) ([]SurveyInvitation, error) {
	var out []SurveyInvitation
	return out, translate(s.with(ctx).Where("person_id = ?", personID).Order("id").Find(&out).Error)
}

// SurveysByID returns the surveys among ids, keyed by id.
func (s *Store) SurveysByID(ctx context.Context, ids []int64) (map[int64]*Survey, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make(map[int64]*Survey, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var list []Survey
	if err := s.with(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, translate(err)
	}
	for i := range list {
		out[list[i].ID] = &list[i]
	}
	return out, nil
}
