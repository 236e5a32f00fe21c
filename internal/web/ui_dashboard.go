package web

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/region"
	"github.com/atelier-ch/atelier/internal/report"
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

// rotateFeedForm gives the user a new calendar address, shown once.
func (s *Server) rotateFeedForm(c *gin.Context) error {
	f, err := s.svc.Calendar.RotateFeed(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	return s.renderDashboard(c, f)
}
