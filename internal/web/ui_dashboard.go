package web

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/region"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/strategy"
)

type dashboardView struct {
	Upcoming []sessionRow
	Campaign *report.Campaign
	Sharing  *region.Sharing
	Feed     *calendar.StaffFeedState
	FeedURL  string
	Webcal   template.URL
}

// dashboard is the start page: HR sees the next sessions and the campaign
// at a glance; a trainer sees the sessions they run.
func (s *Server) dashboard(c *gin.Context) error {
	return s.renderDashboard(c, nil)
}

// renderDashboard renders the start page; fresh, when set, is a feed
// address just made, shown this once.
func (s *Server) renderDashboard(c *gin.Context, fresh *calendar.StaffFeedState) error {
	p := s.userPage(c, "dashboard.title")
	d, err := s.svc.Desk.Dashboard(c.Request.Context(), caller(c), p.Lang)
	if err != nil {
		return err
	}
	if fresh != nil {
		d.Feed = fresh
		p.Info = p.T("feed.replaced")
	}
	if d.AdminHome {
		c.Redirect(http.StatusSeeOther, "/app/admin")
		return nil
	}
	if d.RegionHome {
		c.Redirect(http.StatusSeeOther, "/app/region")
		return nil
	}
	p.Nav = "dashboard"
	if d.Trainer {
		p.Title = p.T("dashboard.trainer_title")
	}
	v := &dashboardView{Upcoming: sessionRows(d.Upcoming), Campaign: d.Campaign, Sharing: d.Sharing, Feed: d.Feed}
	if d.Feed != nil && d.Feed.URL != "" {
		v.FeedURL, v.Webcal = d.Feed.URL, template.URL(webcal(d.Feed.URL))
	}
	p.Data = v
	s.render(c, http.StatusOK, "dashboard", p)
	return nil
}

type catalogView struct {
	Formats []*catalog.Format
}

func (s *Server) catalogPage(c *gin.Context) error {
	p := s.userPage(c, "catalog.title")
	p.Nav = "catalog"
	p.Data = catalogView{Formats: s.svc.Catalog.Formats()}
	s.render(c, http.StatusOK, "catalog", p)
	return nil
}

type formatView struct {
	Format    *catalog.Format
	Text      catalog.FormatText
	Exercises []exerciseView
	Agenda    []agendaLine
	CanPlan   bool
	// Memento is the commune's memento, for a format that presents it.
	Memento *strategy.MementoRef
}

type exerciseView struct {
	*catalog.Exercise
	Text catalog.ExerciseText
}

type agendaLine struct {
	catalog.AgendaItem
	Title string
}

func (s *Server) formatPage(c *gin.Context) error {
	f, ok := s.svc.Catalog.Format(c.Param("slug"))
	if !ok {
		return apperr.NotFound("err.not_found")
	}
	p := s.userPage(c, "")
	p.Nav = "catalog"
	v := formatView{Format: f, Text: f.Localized(p.Lang), CanPlan: p.Role == store.RoleHR || p.Role == store.RoleAdmin}
	for _, e := range s.svc.Catalog.ExercisesOf(f) {
		v.Exercises = append(v.Exercises, exerciseView{Exercise: e, Text: e.Localized(p.Lang)})
	}
	for _, a := range f.Agenda {
		t := a.Title
		if p.Lang == "de" && a.TitleDE != "" {
			t = a.TitleDE
		}
		v.Agenda = append(v.Agenda, agendaLine{AgendaItem: a, Title: t})
	}
	m, err := s.svc.Strategy.FormatMemento(c.Request.Context(), caller(c), f)
	if err != nil {
		return err
	}
	v.Memento = m
	p.Title = v.Text.Title
	p.Data = v
	s.render(c, http.StatusOK, "format", p)
	return nil
}

// rotateFeedForm gives the user a new calendar address, shown once.
func (s *Server) rotateFeedForm(c *gin.Context) error {
	f, err := s.svc.Calendar.RotateFeed(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	return s.renderDashboard(c, f)
}
