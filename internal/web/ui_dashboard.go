package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
)

type dashboardView struct {
	Upcoming []sessionRow
	Recent   []sessionRow
	Campaign *report.Campaign
	FeedURL  string
}

// dashboard is the start page: HR sees the next sessions and the campaign
// at a glance; a trainer sees the sessions they run.
func (s *Server) dashboard(c *gin.Context) {
	pr := principal(c)
	if pr.Is(store.RoleAdmin) && pr.OrgID() == 0 {
		c.Redirect(http.StatusSeeOther, "/app/admin")
		return
	}
	ctx := c.Request.Context()
	now := s.now()
	p := s.userPage(c, "dashboard.title")
	p.Nav = "dashboard"
	v := &dashboardView{}
	f := store.SessionFilter{OrgID: pr.OrgID(), IncludeOpen: true, From: &now, Status: store.SessionScheduled, Limit: 8}
	if pr.Is(store.RoleTrainer) {
		p.Title = p.T("dashboard.trainer_title")
		f.TrainerID, f.IncludeOpen = pr.User.ID, false
		f.From = ptrTime(now.Add(-14 * 24 * time.Hour))
		f.Limit = 50
	}
	sessions, _, err := s.store.Sessions(ctx, f)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	if v.Upcoming, err = s.sessionRows(c, sessions); err != nil {
		s.pageFail(c, err)
		return
	}
	if !pr.Is(store.RoleTrainer) {
		if v.Campaign, err = s.reports.Campaign(ctx, pr.OrgID(), p.Lang); err != nil {
			s.pageFail(c, err)
			return
		}
	}
	if token, err := s.calendar.FeedToken(ctx, pr.User.ID); err == nil {
		v.FeedURL = s.baseURL + "/feeds/" + token + ".ics"
	}
	p.Data = v
	s.render(c, http.StatusOK, "dashboard", p)
}

func ptrTime(t time.Time) *time.Time { return &t }

type catalogView struct {
	Formats []*catalog.Format
}

func (s *Server) catalogPage(c *gin.Context) {
	p := s.userPage(c, "catalog.title")
	p.Nav = "catalog"
	p.Data = catalogView{Formats: s.catalog.Formats()}
	s.render(c, http.StatusOK, "catalog", p)
}

type formatView struct {
	Format    *catalog.Format
	Text      catalog.FormatText
	Exercises []exerciseView
	Agenda    []agendaLine
	CanPlan   bool
}

type exerciseView struct {
	*catalog.Exercise
	Text catalog.ExerciseText
}

type agendaLine struct {
	catalog.AgendaItem
	Title string
}

func (s *Server) formatPage(c *gin.Context) {
	f, ok := s.catalog.Format(c.Param("slug"))
	if !ok {
		s.pageError(c, http.StatusNotFound, "err.not_found")
		return
	}
	p := s.userPage(c, "")
	p.Nav = "catalog"
	v := formatView{Format: f, Text: f.Localized(p.Lang), CanPlan: principal(c).Is(store.RoleHR, store.RoleAdmin)}
	for _, e := range s.catalog.ExercisesOf(f) {
		v.Exercises = append(v.Exercises, exerciseView{Exercise: e, Text: e.Localized(p.Lang)})
	}
	for _, a := range f.Agenda {
		t := a.Title
		if p.Lang == "de" && a.TitleDE != "" {
			t = a.TitleDE
		}
		v.Agenda = append(v.Agenda, agendaLine{AgendaItem: a, Title: t})
	}
	p.Title = v.Text.Title
	p.Data = v
	s.render(c, http.StatusOK, "format", p)
}
