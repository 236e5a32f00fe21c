package strategy

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/roadmap"
	"github.com/atelier-ch/atelier/internal/store"
)

// RoadmapDoc is a commune's roadmap, or roadmap.Default while none is
// saved, with what Atelier holds for its steps.
type RoadmapDoc struct {
	roadmap.Roadmap
	// UpdatedAt is nil while the roadmap was never saved.
	UpdatedAt *time.Time `json:"updated_at"`
	Facts     Facts      `json:"-"`
}

// Facts are what Atelier holds for a roadmap's steps, for its links: the
// état des lieux (step 1), the memento (steps 2 and 3), the pilot service.
type Facts struct {
	Commune string
	Slug    string
	// SurveyID is the last état des lieux, 0 when none was launched.
	SurveyID int64
	// MementoVersion is the last saved version, 0 while none is.
	MementoVersion int
	// PilotName names the pilot service decided, if any.
	PilotName string
}

// Roadmap returns the caller's commune's roadmap.
func (s *Service) Roadmap(ctx context.Context, caller access.Caller) (*RoadmapDoc, error) {
	if err := caller.Commune(access.ManageRoadmap, caller.OrgID); err != nil {
		return nil, err
	}
	row, err := s.store.RoadmapOf(ctx, caller.OrgID)
	d := &RoadmapDoc{Roadmap: roadmap.Default()}
	switch {
	case err == nil:
		if err := json.Unmarshal([]byte(row.Content), &d.Roadmap); err != nil {
			return nil, err
		}
		t := row.UpdatedAt
		d.UpdatedAt = &t
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return d, s.facts(ctx, caller.OrgID, d)
}

// SaveRoadmap replaces the caller's commune's roadmap: roadmap.Validate's
// rules, and a pilot service of the commune.
func (s *Service) SaveRoadmap(ctx context.Context, caller access.Caller, r roadmap.Roadmap) (*RoadmapDoc, error) {
	if err := caller.Commune(access.ManageRoadmap, caller.OrgID); err != nil {
		return nil, err
	}
	clean, err := roadmap.Validate(r)
	if err != nil {
		return nil, err
	}
	if id := clean.Pilot.DepartmentID; id != nil {
		if _, err := s.store.Department(ctx, caller.OrgID, *id); errors.Is(err, store.ErrNotFound) {
			return nil, apperr.Invalid("pilot.department_id", "err.department_unknown")
		} else if err != nil {
			return nil, err
		}
	}
	content, err := json.Marshal(clean)
	if err != nil {
		return nil, err
	}
	row := &store.Roadmap{OrgID: caller.OrgID, Content: string(content), UpdatedBy: caller.UserRef(), UpdatedAt: s.now().UTC()}
	if err := s.store.SaveRoadmap(ctx, row); err != nil {
		return nil, err
	}
	t := row.UpdatedAt
	d := &RoadmapDoc{Roadmap: clean, UpdatedAt: &t}
	return d, s.facts(ctx, caller.OrgID, d)
}

func (s *Service) facts(ctx context.Context, orgID int64, d *RoadmapDoc) error {
	org, err := s.store.Org(ctx, orgID)
	if err != nil {
		return err
	}
	d.Facts.Commune, d.Facts.Slug = org.Name, org.Slug
	if sv, err := s.store.LatestSurvey(ctx, orgID, string(catalog.SurveyEtatDesLieux)); err == nil {
		d.Facts.SurveyID = sv.ID
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if m, err := s.store.LatestMemento(ctx, orgID); err == nil {
		d.Facts.MementoVersion = m.Version
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if id := d.Pilot.DepartmentID; id != nil {
		if dep, err := s.store.Department(ctx, orgID, *id); err == nil {
			d.Facts.PilotName = dep.Name
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

// Council is what the council's page shows: where the commune stands on
// its roadmap, what it decided, what comes next, and the campaign's key
// figures.
type Council struct {
	Roadmap  *RoadmapDoc
	Campaign *report.Campaign
	// Survey is the last état des lieux's results, nil when none was
	// launched.
	Survey *inquiry.Results
	// Memento is the memento's current version, nil while none is saved.
	Memento     *MementoRef
	GeneratedAt time.Time
}

// Council gathers the council's page of the caller's commune in lang.
func (s *Service) Council(ctx context.Context, caller access.Caller, reports *report.Service, surveys *inquiry.Service, lang string) (*Council, error) {
	rm, err := s.Roadmap(ctx, caller)
	if err != nil {
		return nil, err
	}
	c := &Council{Roadmap: rm, GeneratedAt: s.now()}
	if c.Campaign, err = reports.Campaign(ctx, caller, lang); err != nil {
		return nil, err
	}
	if rm.Facts.SurveyID != 0 {
		if c.Survey, err = surveys.Results(ctx, caller, rm.Facts.SurveyID, lang); err != nil {
			return nil, err
		}
	}
	if rm.Facts.MementoVersion != 0 {
		m, err := s.store.LatestMemento(ctx, caller.OrgID)
		if err != nil {
			return nil, err
		}
		c.Memento = &MementoRef{Slug: rm.Facts.Slug, Version: m.Version, Date: m.CreatedAt}
	}
	return c, nil
}
