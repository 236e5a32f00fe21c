package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/exchange"
	"github.com/atelier-ch/atelier/internal/region"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

type regionJSON struct {
	ID        int64     `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	Communes  []string  `json:"communes"`
}

func toRegionJSON(r *store.Region, communes []store.Org) regionJSON {
	out := regionJSON{ID: r.ID, Slug: r.Slug, Name: r.Name, CreatedAt: tz.In(r.CreatedAt), Communes: []string{}}
	for _, o := range communes {
		out.Communes = append(out.Communes, o.Slug)
	}
	return out
}

type createRegionRequest struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// apiCreateRegion creates a region (admins).
func (s *Server) apiCreateRegion(c *gin.Context) error {
	var in createRegionRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.svc.Regions.Create(c.Request.Context(), caller(c), in.Slug, in.Name)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toRegionJSON(r, nil))
	return nil
}

// apiRegions lists the regions with their communes (admins).
func (s *Server) apiRegions(c *gin.Context) error {
	list, err := s.svc.Regions.List(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	out := make([]regionJSON, len(list))
	for i := range list {
		out[i] = toRegionJSON(&list[i].Region, list[i].Communes)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// sharingJSON is a commune with its region and whether it shares.
type sharingJSON struct {
	orgJSON
	Region *region.Ref `json:"region"`
}

func toSharingJSON(sh *region.Sharing) sharingJSON {
	out := sharingJSON{orgJSON: toOrgJSON(sh.Org)}
	if sh.Region != nil {
		out.Region = &region.Ref{Slug: sh.Region.Slug, Name: sh.Region.Name}
	}
	return out
}

// apiAddRegionCommune puts a commune in a region (admins).
func (s *Server) apiAddRegionCommune(c *gin.Context) error {
	var in struct {
		Org string `json:"org"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.svc.Regions.AddCommune(c.Request.Context(), caller(c), c.Param("slug"), in.Org)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toOrgJSON(o))
	return nil
}

// apiUpdateOrg changes a commune's settings: whether it shares its
// aggregates with its region (admins, HR of that commune).
func (s *Server) apiUpdateOrg(c *gin.Context) error {
	var in struct {
		ShareWithRegion optional[bool] `json:"share_with_region"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if !in.ShareWithRegion.Set || in.ShareWithRegion.Null {
		return apperr.Invalid("share_with_region", "err.nothing_to_change")
	}
	sh, err := s.svc.Regions.SetShare(c.Request.Context(), caller(c), c.Param("slug"), in.ShareWithRegion.Value)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toSharingJSON(sh))
	return nil
}

// apiRegionReport answers the regional view as JSON, or as a PDF with
// ?format=pdf.
func (s *Server) apiRegionReport(c *gin.Context) error {
	switch c.Query("format") {
	case "pdf":
		return s.apiRegionReportPDF(c)
	case "", "json":
	default:
		return apperr.Invalid("format", "region.err.format")
	}
	rep, err := s.svc.Regions.Report(c.Request.Context(), caller(c), reportLang(c))
	if err != nil {
		return err
	}
	rep.GeneratedAt = tz.In(rep.GeneratedAt)
	c.JSON(http.StatusOK, rep)
	return nil
}

// apiRegionReportPDF prints the regional view.
func (s *Server) apiRegionReportPDF(c *gin.Context) error {
	f, err := s.svc.Kit.RegionReport(c.Request.Context(), caller(c), reportLang(c))
	if err != nil {
		return err
	}
	return s.sendPDF(c, f)
}

// experienceRequest is the guide's §4 questions, and whether to publish.
type experienceRequest struct {
	exchange.Answers
	Language string `json:"language"`
	Publish  bool   `json:"publish"`
}

func experienceJSON(e *region.Experience) *region.Experience {
	if e.UpdatedAt != nil {
		t := tz.In(*e.UpdatedAt)
		e.UpdatedAt = &t
	}
	if e.PublishedAt != nil {
		t := tz.In(*e.PublishedAt)
		e.PublishedAt = &t
	}
	return e
}

// apiSaveExperience saves the commune's answers (HR), and publishes them
// with "publish": true.
func (s *Server) apiSaveExperience(c *gin.Context) error {
	var in experienceRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	e, err := s.svc.Regions.SaveExperience(c.Request.Context(), caller(c), in.Answers, in.Language, in.Publish)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, experienceJSON(e))
	return nil
}

// apiExperience reads the commune's answers and what it published (HR).
func (s *Server) apiExperience(c *gin.Context) error {
	e, err := s.svc.Regions.ExperienceOf(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, experienceJSON(e))
	return nil
}

// apiPublishExperience publishes the saved answers to the region (HR).
func (s *Server) apiPublishExperience(c *gin.Context) error {
	e, err := s.svc.Regions.PublishExperience(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, experienceJSON(e))
	return nil
}

// apiRegionExperience shows what the region's communes published
// (coordinator, the region's HR).
func (s *Server) apiRegionExperience(c *gin.Context) error {
	e, err := s.svc.Regions.RegionExperienceOf(c.Request.Context(), caller(c), reportLang(c))
	if err != nil {
		return err
	}
	for i := range e.Communes {
		e.Communes[i].PublishedAt = tz.In(e.Communes[i].PublishedAt)
	}
	c.JSON(http.StatusOK, e)
	return nil
}
