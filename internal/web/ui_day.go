package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/attendance"
	"github.com/atelier-ch/atelier/internal/store"
)

type dayView struct {
	Session     *store.Session
	Place       string
	Rows        []store.RegistrationRow
	Present     int
	Departments []store.Department
	Statuses    []string
	WalkIn      *form
}

// dayPage is the trainer's view of a session's day, made for a tablet:
// check-in by QR code or by name, attendance toggles, walk-ins, the kit.
func (s *Server) dayPage(c *gin.Context) {
	s.renderDay(c, http.StatusOK, nil, nil)
}

func (s *Server) renderDay(c *gin.Context, status int, p *page, walk *form) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	a := actor(c)
	sess, err := s.booking.Session(ctx, a, id)
	if err != nil || sess.OrgID != a.OrgID {
		s.pageFail(c, store.ErrNotFound)
		return
	}
	if a.Role == store.RoleTrainer {
		if ok, err := s.store.IsSessionTrainer(ctx, id, *a.UserID); err != nil || !ok {
			s.pageError(c, http.StatusForbidden, "err.not_your_session")
			return
		}
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Nav = "dashboard"
	p.Title = sess.Title
	rows, err := s.store.RegistrationRows(ctx, store.RegistrationFilter{SessionID: id, Status: []string{store.RegBooked}})
	if err != nil {
		s.pageFail(c, err)
		return
	}
	v := &dayView{Session: sess, Rows: rows, Statuses: []string{store.AttendPresent, store.AttendAbsent, store.AttendExcused}, WalkIn: walk}
	v.Place = strings.Join(nonEmpty(sess.LocationName, sess.LocationRoom, sess.LocationAddress), ", ")
	for _, r := range rows {
		if r.Attendance == store.AttendPresent {
			v.Present++
		}
	}
	v.Departments, _ = s.store.Departments(ctx, a.OrgID)
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
}

// markForm sets one registration's attendance from the day view.
func (s *Server) markForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	r, err := s.attendance.Mark(c.Request.Context(), actor(c), id, c.PostForm("status"))
	if err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d/day?done=marked#r%d", r.SessionID, r.ID))
}

// walkInForm adds someone who came unannounced.
func (s *Server) walkInForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	f := newForm(c)
	in := attendance.WalkIn{Name: f.Get("name"), Email: strings.TrimSpace(f.Get("email")), Role: f.Get("role")}
	if n, err := strconv.ParseInt(f.Get("department_id"), 10, 64); err == nil {
		in.DepartmentID = &n
	}
	if _, _, err := s.attendance.AddWalkIn(c.Request.Context(), actor(c), id, in); err != nil {
		p := s.userPage(c, "")
		status := s.fail(c, p, f, err)
		s.renderDay(c, status, p, f)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d/day?done=walkin", id))
}

// checkinForm checks in by a typed code, for browsers without JavaScript.
func (s *Server) checkinForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	if _, err := s.attendance.CheckIn(c.Request.Context(), actor(c), id, c.PostForm("code")); err != nil {
		p := s.userPage(c, "")
		status := s.fail(c, p, nil, err)
		s.renderDay(c, status, p, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d/day?done=marked", id))
}
