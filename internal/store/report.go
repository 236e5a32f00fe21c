package store

import (
	"context"
	"errors"
)

// ReportData is everything a commune's reports are computed from.
type ReportData struct {
	People      []Person
	Departments []Department
	// Registrations of the commune's people (in any commune's session) and
	// every registration in the commune's own sessions.
	Registrations []Registration
	// Sessions the commune runs, and those its people are registered in.
	Sessions []Session
	Feedback []Feedback
	// Survey is the commune's last état des lieux, nil when none was
	// launched; its answers (without their keys) and how many were asked
	// per service and group.
	Survey           *Survey
	SurveyResponses  []SurveyResponse
	SurveyPopulation []PopulationRow
	// MementoVersion is the last version of the memento, 0 while none is
	// saved; MementoReads the confirmations of the commune's people.
	MementoVersion int
	MementoReads   []MementoRead
}

// ReportData loads a commune's reporting data in a few queries.
func (s *Store) ReportData(ctx context.Context, orgID int64) (*ReportData, error) {
	d := &ReportData{}
	db := s.with(ctx)
	if err := db.Where("org_id = ?", orgID).Order(s.bytewise("sort_key")).Order("id").Find(&d.People).Error; err != nil {
		return nil, translate(err)
	}
	if err := db.Where("org_id = ?", orgID).Find(&d.Departments).Error; err != nil {
		return nil, translate(err)
	}
	SortDepartments(d.Departments)
	own := db.Model(&Session{}).Select("id").Where("org_id = ?", orgID)
	if err := db.Where("org_id = ? OR session_id IN (?)", orgID, own).Order("id").Find(&d.Registrations).Error; err != nil {
		return nil, translate(err)
	}
	sub := db.Model(&Registration{}).Select("session_id").Where("org_id = ?", orgID)
	if err := db.Where("org_id = ? OR id IN (?)", orgID, sub).Order("starts_at").Order("id").Find(&d.Sessions).Error; err != nil {
		return nil, translate(err)
	}
	fsub := db.Model(&Registration{}).Select("id").Where("org_id = ?", orgID)
	if err := db.Where("registration_id IN (?)", fsub).Order("id").Find(&d.Feedback).Error; err != nil {
		return nil, translate(err)
	}
	sv, err := s.LatestSurvey(ctx, orgID, "etat_des_lieux")
	switch {
	case err == nil:
		d.Survey = sv
		if d.SurveyResponses, err = s.SurveyResponses(ctx, sv.ID); err != nil {
			return nil, err
		}
		if d.SurveyPopulation, err = s.SurveyPopulation(ctx, sv.ID); err != nil {
			return nil, err
		}
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	if m, err := s.LatestMemento(ctx, orgID); err == nil {
		d.MementoVersion = m.Version
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if d.MementoReads, err = s.MementoReads(ctx, orgID); err != nil {
		return nil, err
	}
	return d, nil
}
