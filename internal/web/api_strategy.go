package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/kit"
	"github.com/atelier-ch/atelier/internal/memento"
	"github.com/atelier-ch/atelier/internal/roadmap"
	"github.com/atelier-ch/atelier/internal/strategy"
	"github.com/atelier-ch/atelier/internal/tz"
)

type mementoLinks struct {
	PDF string `json:"pdf"`
	// Public is the read-only page for all staff, once a version is saved.
	Public *string `json:"public"`
	Edit   string  `json:"edit"`
}

type mementoJSON struct {
	*strategy.MementoDoc
	Links mementoLinks `json:"links"`
}

func (s *Server) toMementoJSON(d *strategy.MementoDoc) mementoJSON {
	if d.UpdatedAt != nil {
		t := tz.In(*d.UpdatedAt)
		d.UpdatedAt = &t
	}
	out := mementoJSON{MementoDoc: d, Links: mementoLinks{PDF: "/api/v1/memento.pdf", Edit: "/app/memento"}}
	if d.Version > 0 {
		out.Links.PDF = fmt.Sprintf("/api/v1/memento.pdf?version=%d", d.Version)
	}
	if d.Published() {
		u := s.baseURL + kit.MementoPath(d.Slug)
		out.Links.Public = &u
	}
	return out
}

// mementoVersion reads ?version=n (absent: the current one).
func mementoVersion(c *gin.Context) (int, error) {
	var v apperr.Validation
	n := queryInt(c, &v, "version", 1, 1<<30)
	return int(n), v.Err()
}

// apiMemento answers the commune's memento: the current version, a
// version asked for (?version=n), or the starting template while none is
// saved (version 0).
func (s *Server) apiMemento(c *gin.Context) error {
	n, err := mementoVersion(c)
	if err != nil {
		return err
	}
	d, err := s.svc.Strategy.Memento(c.Request.Context(), caller(c), n, reportLang(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toMementoJSON(d))
	return nil
}

type mementoRequest struct {
	memento.Memento
	// Language is the memento's language; absent keeps the last one.
	Language string `json:"language"`
}

// apiSaveMemento saves the commune's memento as a new version.
func (s *Server) apiSaveMemento(c *gin.Context) error {
	var in mementoRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Strategy.SaveMemento(c.Request.Context(), caller(c), in.Memento, in.Language)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toMementoJSON(d))
	return nil
}

// apiMementoPDF prints the memento (?version=n).
func (s *Server) apiMementoPDF(c *gin.Context) error {
	n, err := mementoVersion(c)
	if err != nil {
		return err
	}
	f, err := s.svc.Kit.MementoPDF(c.Request.Context(), caller(c), n, reportLang(c))
	if err != nil {
		return err
	}
	return s.sendPDF(c, f)
}

// roadmapLinks point to what Atelier holds for the roadmap's steps.
type roadmapLinks struct {
	// Survey is the last état des lieux's results, nil before the first.
	Survey         *string `json:"survey"`
	Surveys        string  `json:"surveys"`
	Memento        string  `json:"memento"`
	MementoPublic  *string `json:"memento_public"`
	CampaignReport string  `json:"campaign_report"`
	PDF            string  `json:"pdf"`
	Page           string  `json:"page"`
}

type roadmapJSON struct {
	roadmap.Roadmap
	UpdatedAt *time.Time `json:"updated_at"`
	// PilotName names the pilot service decided.
	PilotName      *string      `json:"pilot_name"`
	MementoVersion int          `json:"memento_version"`
	Links          roadmapLinks `json:"links"`
}

func (s *Server) toRoadmapJSON(d *strategy.RoadmapDoc) roadmapJSON {
	out := roadmapJSON{Roadmap: d.Roadmap, MementoVersion: d.Facts.MementoVersion, Links: roadmapLinks{
		Surveys: "/api/v1/surveys", Memento: "/api/v1/memento", CampaignReport: "/api/v1/reports/campaign",
		PDF: "/api/v1/roadmap.pdf", Page: "/app/roadmap",
	}}
	if d.UpdatedAt != nil {
		t := tz.In(*d.UpdatedAt)
		out.UpdatedAt = &t
	}
	if d.Facts.PilotName != "" {
		out.PilotName = &d.Facts.PilotName
	}
	if d.Facts.SurveyID != 0 {
		u := fmt.Sprintf("/api/v1/surveys/%d/results", d.Facts.SurveyID)
		out.Links.Survey = &u
	}
	if d.Facts.MementoVersion != 0 {
		u := s.baseURL + kit.MementoPath(d.Facts.Slug)
		out.Links.MementoPublic = &u
	}
	return out
}

// apiRoadmap answers the commune's roadmap (the default one while none is
// saved), with links to the survey, the memento and the campaign report.
func (s *Server) apiRoadmap(c *gin.Context) error {
	d, err := s.svc.Strategy.Roadmap(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toRoadmapJSON(d))
	return nil
}

// apiSaveRoadmap replaces the commune's roadmap.
func (s *Server) apiSaveRoadmap(c *gin.Context) error {
	var in roadmap.Roadmap
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Strategy.SaveRoadmap(c.Request.Context(), caller(c), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, s.toRoadmapJSON(d))
	return nil
}

// apiRoadmapPDF prints the council's page.
func (s *Server) apiRoadmapPDF(c *gin.Context) error {
	f, err := s.svc.Kit.CouncilPDF(c.Request.Context(), caller(c), reportLang(c))
	if err != nil {
		return err
	}
	return s.sendPDF(c, f)
}
