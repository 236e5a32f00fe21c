package store

import (
	"cmp"
	"context"
	"errors"
	"slices"
)

// ReportData is everything a commune's reports are computed from. Rows
// hold only the columns reports read (see ReportData's method): the large
// tables are read whole, and every column costs.
type ReportData struct {
	// People: id, department, name, role.
	People      []Person
	Departments []Department
	// Registrations of the commune's people (in any commune's session) and
	// every registration in the commune's own sessions: id, session,
	// person, commune, status, attendance, and an erased person's
	// department and role.
	Registrations []Registration
	// Sessions the commune runs, and those its people are registered in:
	// id, commune, format, title, start, end, capacity, status.
	Sessions []Session
	// Feedback of the commune's people: registration, the four marks and
	// the two texts.
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

// The columns ReportData reads.
const (
	reportPeopleColumns   = "id, org_id, department_id, name, role"
	reportRegColumns      = "id, session_id, person_id, org_id, status, attendance, anon_department_id, anon_role"
	reportSessionColumns  = "id, org_id, format_slug, title, starts_at, ends_at, capacity, status"
	reportFeedbackColumns = "id, registration_id, session_id, org_id, overall, will_use, confidence_before, confidence_after, use_cases, worries"
)

// ReportData loads a commune's reporting data in a fixed number of
// queries, whatever its size.
func (s *Store) ReportData(ctx context.Context, orgID int64) (*ReportData, error) {
	d := &ReportData{}
	db := s.with(ctx)
	if err := db.Select(reportPeopleColumns).Where("org_id = ?", orgID).Order(s.bytewise("sort_key")).Order("id").Find(&d.People).Error; err != nil {
		return nil, translate(err)
	}
	if err := db.Where("org_id = ?", orgID).Find(&d.Departments).Error; err != nil {
		return nil, translate(err)
	}
	SortDepartments(d.Departments)
	// Two plain halves rather than one OR, which both engines answer by
	// merging two index scans: the commune's registrations, then other
	// communes' people in its sessions. Sorted here, where the first half
	// mostly comes in order already.
	err := db.Raw("SELECT "+reportRegColumns+" FROM registrations WHERE org_id = ? UNION ALL SELECT "+reportRegColumns+
		" FROM registrations WHERE org_id <> ? AND session_id IN (SELECT id FROM sessions WHERE org_id = ?)", orgID, orgID, orgID).
		Scan(&d.Registrations).Error
	if err != nil {
		return nil, translate(err)
	}
	slices.SortFunc(d.Registrations, func(a, b Registration) int { return cmp.Compare(a.ID, b.ID) })
	sub := db.Model(&Registration{}).Select("session_id").Where("org_id = ?", orgID)
	if err := db.Select(reportSessionColumns).Where("org_id = ? OR id IN (?)", orgID, sub).Order("starts_at").Order("id").Find(&d.Sessions).Error; err != nil {
		return nil, translate(err)
	}
	fsub := db.Model(&Registration{}).Select("id").Where("org_id = ?", orgID)
	if err := db.Select(reportFeedbackColumns).Where("registration_id IN (?)", fsub).Order("id").Find(&d.Feedback).Error; err != nil {
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
