package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/attendance"
	"github.com/atelier-ch/atelier/internal/desk"
	"github.com/atelier-ch/atelier/internal/store"
)

type dayView struct {
	*desk.Day
	Place    string
	Statuses []string
	WalkIn   *form
	// Candidates are the people a walk-in's name could be.
	Candidates []attendance.Candidate
}

// dayPage is the trainer's view of a session's day, made for a tablet:
// check-in by QR code or by name, attendance toggles, walk-ins, the kit.
func (s *Server) dayPage(c *gin.Context) error {
	return s.renderDay(c, http.StatusOK, nil, nil)
}

func (s *Server) renderDay(c *gin.Context, status int, p *page, walk *form) error {
	return s.renderDayWith(c, status, p, walk, nil)
}

func (s *Server) renderDayWith(c *gin.Context, status int, p *page, walk *form, candidates []attendance.Candidate) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.svc.Desk.Day(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Nav = "dashboard"
	p.Title = d.Session.Title
	v := &dayView{Day: d, Place: d.Session.Place(), Statuses: []string{store.AttendPresent, store.AttendAbsent, store.AttendExcused}, WalkIn: walk, Candidates: candidates}
	if v.WalkIn == nil {
		v.WalkIn = &form{Errors: map[string]string{}}
	}
	switch c.Query("done") {
	case "marked":
		p.Info = p.T("day.marked")
	case "walkin":
		p.Info = p.T("day.walkin_done")
	}
	p.Data = v
	s.render(c, status, "day", p)
	return nil
}

// redrawDay shows the day view again after a refused form.
func (s *Server) redrawDay(c *gin.Context, status int, p *page, f *form) error {
	return s.renderDay(c, status, p, f)
}

// markForm sets one registration's attendance from the day view.
func (s *Server) markForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Attendance.Mark(c.Request.Context(), caller(c), id, c.PostForm("status"))
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d/day?done=marked#r%d", r.SessionID, r.ID))
	return nil
}

// walkInForm adds someone who came unannounced.
func (s *Server) walkInForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newForm(c)
	in := attendance.WalkIn{Name: f.Get("name"), Email: strings.TrimSpace(f.Get("email")), Role: f.Get("role")}
	if n, err := strconv.ParseInt(f.Get("department_id"), 10, 64); err == nil {
		in.DepartmentID = &n
	}
	if n, err := strconv.ParseInt(f.Get("person_id"), 10, 64); err == nil {
		in.PersonID = &n
	}
	if _, err := s.svc.Attendance.AddWalkIn(c.Request.Context(), caller(c), id, in); err != nil {
		var amb *attendance.ErrAmbiguousWalkIn
		if errors.As(err, &amb) {
			return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
				return s.renderDayWith(c, status, p, f, amb.Candidates)
			})
		}
		return redisplay(err, f, s.redrawDay)
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d/day?done=walkin", id))
	return nil
}

// checkinForm checks in by a typed code, for browsers without JavaScript.
func (s *Server) checkinForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newForm(c)
	if _, err := s.svc.Attendance.CheckIn(c.Request.Context(), caller(c), id, f.Get("code")); err != nil {
		return redisplay(err, f, func(c *gin.Context, status int, p *page, _ *form) error {
			return s.renderDay(c, status, p, nil)
		})
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d/day?done=marked", id))
	return nil
}
