package desk

import (
	"context"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/chart"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/strategy"
)

// SurveysPage lists the commune's surveys, with what the launch form
// offers.
type SurveysPage struct {
	Surveys     []inquiry.View
	Departments []store.Department
	Roles       []string
	// CanLaunch hides the launch form from those who may not launch; the
	// launch itself asks the policy again.
	CanLaunch bool
}

// Surveys gathers the surveys page.
func (s *Service) Surveys(ctx context.Context, caller access.Caller, lang string) (*SurveysPage, error) {
	list, err := s.Inquiry.List(ctx, caller, lang)
	if err != nil {
		return nil, err
	}
	p := &SurveysPage{Surveys: list, Roles: directory.Roles, CanLaunch: caller.Commune(access.LaunchSurvey, caller.OrgID) == nil}
	if p.Departments, err = s.Directory.Departments(ctx, caller); err != nil {
		return nil, err
	}
	return p, nil
}

// SurveyResultsPage is a survey's anonymous results and their charts, by
// key (inquiry.Chart's).
type SurveyResultsPage struct {
	*inquiry.Results
	Charts map[string]chart.Chart
}

// SurveyResults gathers the results page of survey id.
func (s *Service) SurveyResults(ctx context.Context, caller access.Caller, id int64, lang string) (*SurveyResultsPage, error) {
	r, err := s.Inquiry.Results(ctx, caller, id, lang)
	if err != nil {
		return nil, err
	}
	p := &SurveyResultsPage{Results: r, Charts: map[string]chart.Chart{}}
	for _, c := range s.Inquiry.Charts(r, lang) {
		p.Charts[c.Key] = c.Chart
	}
	return p, nil
}

// RoadmapPage is the roadmap with what its form offers and what the
// campaign report suggests.
type RoadmapPage struct {
	Roadmap     *strategy.RoadmapDoc
	Departments []store.Department
	// Suggested is the campaign report's suggested pilot.
	Suggested report.Pilot
}

// Roadmap gathers the roadmap page.
func (s *Service) Roadmap(ctx context.Context, caller access.Caller, lang string) (*RoadmapPage, error) {
	rm, err := s.Strategy.Roadmap(ctx, caller)
	if err != nil {
		return nil, err
	}
	p := &RoadmapPage{Roadmap: rm}
	if p.Departments, err = s.Directory.Departments(ctx, caller); err != nil {
		return nil, err
	}
	rep, err := s.Report.Campaign(ctx, caller, lang)
	if err != nil {
		return nil, err
	}
	p.Suggested = rep.Pilot
	return p, nil
}

// MementoPage is a version of the memento, and whether the caller may
// edit it.
type MementoPage struct {
	Memento *strategy.MementoDoc
	CanEdit bool
}

// Memento gathers the memento page: version n (0: the current one).
func (s *Service) Memento(ctx context.Context, caller access.Caller, n int, lang string) (*MementoPage, error) {
	m, err := s.Strategy.Memento(ctx, caller, n, lang)
	if err != nil {
		return nil, err
	}
	return &MementoPage{Memento: m, CanEdit: caller.Commune(access.EditMemento, caller.OrgID) == nil}, nil
}
