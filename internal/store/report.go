package store

import (
	"cmp"
	"context"
	"slices"
)

// ReportData is everything a commune's reports are computed from. Rows
// hold only the columns reports read (the constants below): the large
// tables are read whole, and every column costs.
type ReportData struct {
	// People: id, commune, department, name and its parts, role.
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
	// Feedback of the commune's people: registration, session, the four
	// marks and the two texts.
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
	reportPeopleColumns   = "id, org_id, department_id, name, given_name, family_name, role"
	reportRegColumns      = "id, session_id, person_id, org_id, status, attendance, anon_department_id, anon_role"
	reportSessionColumns  = "id, org_id, format_slug, title, starts_at, ends_at, capacity, status"
	reportFeedbackColumns = "id, registration_id, session_id, org_id, overall, will_use, confidence_before, confidence_after, use_cases, worries"
)

// ReportData loads a commune's reporting data in a fixed number of
// queries, whatever its size.
func (s *Store) ReportData(ctx context.Context, orgID int64) (*ReportData, error) {
	all, err := s.ReportDataOf(ctx, []int64{orgID})
	if err != nil {
		return nil, err
	}
	return all[orgID], nil
}

// ReportDataOf loads the reporting data of several communes (a region's)
// in a fixed number of queries, whatever their number: each commune's is
// what ReportData gives it alone.
func (s *Store) ReportDataOf(ctx context.Context, orgIDs []int64) (map[int64]*ReportData, error) {
	out := make(map[int64]*ReportData, len(orgIDs))
	for _, id := range orgIDs {
		out[id] = &ReportData{}
	}
	if len(orgIDs) == 0 {
		return out, nil
	}
	db := s.with(ctx)
	var people []Person
	if err := db.Select(reportPeopleColumns).Where("org_id IN ?", orgIDs).Order(s.bytewise("sort_key")).Order("id").Find(&people).Error; err != nil {
		return nil, translate(err)
	}
	for _, p := range people {
		out[p.OrgID].People = append(out[p.OrgID].People, p)
	}
	var deps []Department
	if err := db.Where("org_id IN ?", orgIDs).Find(&deps).Error; err != nil {
		return nil, translate(err)
	}
	for _, d := range deps {
		out[d.OrgID].Departments = append(out[d.OrgID].Departments, d)
	}
	for _, d := range out {
		SortDepartments(d.Departments)
	}
	// Registrations of the communes' people, and every registration in
	// their own sessions; the sessions they run or their people go to.
	// The registrations in two plain halves rather than one OR, which both
	// engines answer by merging two index scans: the communes' people's,
	// then other communes' people in their sessions. Sorted here, where the
	// first half mostly comes in order already.
	var regs []Registration
	err := db.Raw("SELECT "+reportRegColumns+" FROM registrations WHERE org_id IN ? UNION ALL SELECT "+reportRegColumns+
		" FROM registrations WHERE org_id NOT IN ? AND session_id IN (SELECT id FROM sessions WHERE org_id IN ?)", orgIDs, orgIDs, orgIDs).
		Scan(&regs).Error
	if err != nil {
		return nil, translate(err)
	}
	slices.SortFunc(regs, func(a, b Registration) int { return cmp.Compare(a.ID, b.ID) })
	sub := db.Model(&Registration{}).Select("session_id").Where("org_id IN ?", orgIDs)
	var sessions []Session
	if err := db.Select(reportSessionColumns).Where("org_id IN ? OR id IN (?)", orgIDs, sub).Order("starts_at").Order("id").Find(&sessions).Error; err != nil {
		return nil, translate(err)
	}
	hostOf := make(map[int64]int64, len(sessions))
	for _, sess := range sessions {
		hostOf[sess.ID] = sess.OrgID
	}
	attends := map[int64]map[int64]bool{} // session → communes whose people registered
	regOrg := make(map[int64]int64, len(regs))
	if len(orgIDs) == 1 {
		// One commune (its own reports): every row is its own.
		out[orgIDs[0]].Registrations = make([]Registration, 0, len(regs))
	}
	for _, r := range regs {
		regOrg[r.ID] = r.OrgID
		if attends[r.SessionID] == nil {
			attends[r.SessionID] = map[int64]bool{}
		}
		attends[r.SessionID][r.OrgID] = true
		if d, ok := out[r.OrgID]; ok {
			d.Registrations = append(d.Registrations, r)
		}
		if host := hostOf[r.SessionID]; host != r.OrgID {
			if d, ok := out[host]; ok {
				d.Registrations = append(d.Registrations, r)
			}
		}
	}
	for _, sess := range sessions {
		for id, d := range out {
			if sess.OrgID == id || attends[sess.ID][id] {
				d.Sessions = append(d.Sessions, sess)
			}
		}
	}
	fsub := db.Model(&Registration{}).Select("id").Where("org_id IN ?", orgIDs)
	var fb []Feedback
	if err := db.Select(reportFeedbackColumns).Where("registration_id IN (?)", fsub).Order("id").Find(&fb).Error; err != nil {
		return nil, translate(err)
	}
	for _, f := range fb {
		out[regOrg[f.RegistrationID]].Feedback = append(out[regOrg[f.RegistrationID]].Feedback, f)
	}
	if err := s.surveysOf(ctx, orgIDs, out); err != nil {
		return nil, err
	}
	var versions []struct {
		OrgID   int64
		Version int
	}
	if err := db.Model(&MementoVersion{}).Select("org_id, MAX(version) AS version").Where("org_id IN ?", orgIDs).Group("org_id").Scan(&versions).Error; err != nil {
		return nil, translate(err)
	}
	for _, v := range versions {
		out[v.OrgID].MementoVersion = v.Version
	}
	var reads []MementoRead
	if err := db.Where("org_id IN ?", orgIDs).Order("id").Find(&reads).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range reads {
		out[r.OrgID].MementoReads = append(out[r.OrgID].MementoReads, r)
	}
	return out, nil
}

// surveysOf loads each commune's last état des lieux, its answers and its
// population into out.
func (s *Store) surveysOf(ctx context.Context, orgIDs []int64, out map[int64]*ReportData) error {
	db := s.with(ctx)
	var surveys []Survey
	if err := db.Where("org_id IN ? AND kind = ?", orgIDs, "etat_des_lieux").Order("created_at DESC").Order("id DESC").Find(&surveys).Error; err != nil {
		return translate(err)
	}
	var ids []int64
	orgOf := map[int64]int64{}
	for i := range surveys {
		if d := out[surveys[i].OrgID]; d.Survey == nil {
			d.Survey = &surveys[i]
			ids = append(ids, surveys[i].ID)
			orgOf[surveys[i].ID] = surveys[i].OrgID
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var responses []SurveyResponse
	if err := db.Select("id, survey_id, org_id, department_id, group_key, answers").Where("survey_id IN ?", ids).Order("answers").Order("id").Find(&responses).Error; err != nil {
		return translate(err)
	}
	for _, r := range responses {
		d := out[orgOf[r.SurveyID]]
		d.SurveyResponses = append(d.SurveyResponses, r)
	}
	var pop []struct {
		SurveyID int64
		PopulationRow
	}
	if err := db.Model(&SurveyInvitation{}).Select("survey_id, department_id, group_key, COUNT(*) AS n").
		Where("survey_id IN ?", ids).Group("survey_id, department_id, group_key").Order("survey_id").Order("department_id").Order("group_key").Scan(&pop).Error; err != nil {
		return translate(err)
	}
	for _, p := range pop {
		d := out[orgOf[p.SurveyID]]
		d.SurveyPopulation = append(d.SurveyPopulation, p.PopulationRow)
	}
	return nil
}
