package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/store"
)

type sessionsView struct {
	Rows  []sessionRow
	Pager pager
	Past  bool
}

// sessionsPage lists the commune's sessions, upcoming or past, paged.
func (s *Server) sessionsPage(c *gin.Context) {
	pr := principal(c)
	p := s.userPage(c, "sessions.title")
	p.Nav = "sessions"
	now := s.now()
	v := &sessionsView{Past: c.Query("show") == "past"}
	f := store.SessionFilter{OrgID: pr.OrgID(), IncludeOpen: true}
	if v.Past {
		f.To = &now
	} else {
		f.From = &now
	}
	_, total, err := s.store.Sessions(c.Request.Context(), store.SessionFilter{OrgID: f.OrgID, IncludeOpen: true, From: f.From, To: f.To, Limit: 1})
	if err != nil {
		s.pageFail(c, err)
		return
	}
	v.Pager = newPager(c, total)
	f.Limit, f.Offset = pageSize, v.Pager.offset()
	sessions, _, err := s.store.Sessions(c.Request.Context(), f)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	if v.Rows, err = s.sessionRows(c, sessions); err != nil {
		s.pageFail(c, err)
		return
	}
	p.Data = v
	s.render(c, http.StatusOK, "sessions", p)
}

type sessionFormView struct {
	Form     *form
	Formats  []*catalog.Format
	Trainers []store.User
	Editing  *store.Session
	Selected map[int64]bool
}

// trainersOf lists the commune's accounts that can run a session.
func (s *Server) trainersOf(c *gin.Context, orgID int64) []store.User {
	users, _ := s.store.Users(c.Request.Context(), orgID)
	out := users[:0]
	for _, u := range users {
		if u.Role == store.RoleTrainer || u.Role == store.RoleHR {
			out = append(out, u)
		}
	}
	return out
}

// newSessionPage shows the scheduling form, preset with ?format=.
func (s *Server) newSessionPage(c *gin.Context) {
	f := &form{Values: map[string][]string{"format": {c.Query("format")}, "capacity": {"12"}}, Errors: map[string]string{}}
	s.renderSessionForm(c, http.StatusOK, f, nil)
}

func (s *Server) renderSessionForm(c *gin.Context, status int, f *form, p *page) {
	if p == nil {
		p = s.userPage(c, "session_new.title")
	}
	p.Nav = "sessions"
	sel := map[int64]bool{}
	for _, id := range f.Values["trainers"] {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			sel[n] = true
		}
	}
	p.Data = sessionFormView{Form: f, Formats: s.catalog.Formats(), Trainers: s.trainersOf(c, principal(c).OrgID()), Selected: sel}
	s.render(c, status, "session_new", p)
}

// sessionInput reads the scheduling form (times are Europe/Zurich, as the
// browser's date and time pickers give them).
func sessionInput(f *form) (booking.SessionInput, error) {
	in := booking.SessionInput{}
	str := func(name string) *string { v := strings.TrimSpace(f.Get(name)); return &v }
	in.Format = str("format")
	in.StartsAt = str("starts_at")
	if v := str("ends_at"); *v != "" {
		in.EndsAt = v
	}
	in.Title = str("title")
	in.RegistrationDeadline = str("registration_deadline")
	if v := str("language"); *v != "" {
		in.Language = v
	}
	in.Location = &booking.Location{Name: f.Get("location_name"), Address: f.Get("location_address"), Room: f.Get("location_room")}
	open := f.Get("open_to_other_communes") == "on"
	in.OpenToOtherCommunes = &open
	if raw := strings.TrimSpace(f.Get("capacity")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			n = -1 // reported by the rules as out of range
		}
		in.Capacity = &n
	}
	trainers := []int64{}
	for _, raw := range f.Values["trainers"] {
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			trainers = append(trainers, n)
		}
	}
	in.Trainers = &trainers
	return in, nil
}

func (s *Server) createSessionForm(c *gin.Context) {
	f := newForm(c)
	in, _ := sessionInput(f)
	sess, err := s.booking.CreateSession(c.Request.Context(), actor(c), in)
	if err != nil {
		p := s.userPage(c, "session_new.title")
		status := s.fail(c, p, f, err)
		s.renderSessionForm(c, status, f, p)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=created", sess.ID))
}

type sessionView struct {
	Session     *store.Session
	Format      *catalog.Format
	Place       string
	Own         bool
	Fill        fillBar
	Booked      []store.RegistrationRow
	Waiting     []store.RegistrationRow
	Cancelled   []store.RegistrationRow
	Departments []store.Department
	Roles       []string
	Search      string
	Found       []store.Person
	History     []historyLine
	Edit        *form
	Book        *form
	Trainers    []store.User
	TrainerIDs  map[int64]bool
	CanMark     bool
}

type historyLine struct {
	store.AuditEntry
	Text string
}

// sessionPage is HR's page of one session.
func (s *Server) sessionPage(c *gin.Context) {
	s.renderSession(c, http.StatusOK, nil, nil, nil)
}

func (s *Server) renderSession(c *gin.Context, status int, p *page, edit, book *form) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	a := actor(c)
	sess, err := s.booking.Session(ctx, a, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Nav = "sessions"
	p.Title = sess.Title
	v := &sessionView{Session: sess, Own: sess.OrgID == a.OrgID, Roles: directory.Roles, Edit: edit, Book: book}
	v.Format, _ = s.catalog.Format(sess.FormatSlug)
	v.Place = strings.Join(nonEmpty(sess.LocationName, sess.LocationRoom, sess.LocationAddress), ", ")
	rows, err := s.booking.Registrations(ctx, a, id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	for _, r := range rows {
		switch r.Status {
		case store.RegBooked:
			v.Booked = append(v.Booked, r)
		case store.RegWaitlisted:
			v.Waiting = append(v.Waiting, r)
		default:
			v.Cancelled = append(v.Cancelled, r)
		}
	}
	v.Fill = newFillBar(len(v.Booked), sess.Capacity, len(v.Waiting))
	if v.Departments, err = s.store.Departments(ctx, a.OrgID); err != nil {
		s.pageFail(c, err)
		return
	}
	if q := strings.TrimSpace(c.Query("q")); q != "" {
		v.Search = q
		v.Found, _, _ = s.store.People(ctx, store.PeopleFilter{OrgID: a.OrgID, Query: q, Limit: 50})
	}
	if v.Own {
		entries, _ := s.store.SessionHistory(ctx, id)
		for i := len(entries) - 1; i >= 0 && len(v.History) < 50; i-- {
			v.History = append(v.History, historyLine{AuditEntry: entries[i], Text: s.historyText(p.Lang, &entries[i])})
		}
		v.Trainers = s.trainersOf(c, a.OrgID)
		ids, _ := s.store.SessionTrainers(ctx, []int64{id})
		v.TrainerIDs = map[int64]bool{}
		for _, t := range ids[id] {
			v.TrainerIDs[t] = true
		}
	}
	if v.Edit == nil {
		v.Edit = &form{Values: map[string][]string{
			"starts_at": {localInput(sess.StartsAt)}, "ends_at": {localInput(sess.EndsAt)}, "capacity": {strconv.Itoa(sess.Capacity)},
			"location_name": {sess.LocationName}, "location_address": {sess.LocationAddress}, "location_room": {sess.LocationRoom},
		}, Errors: map[string]string{}}
		if sess.RegistrationDeadline != nil {
			v.Edit.Values.Set("registration_deadline", localInput(*sess.RegistrationDeadline))
		}
	}
	if v.Book == nil {
		v.Book = &form{Errors: map[string]string{}}
	}
	switch c.Query("done") {
	case "created":
		p.Info = p.T("session.created")
	case "booked":
		p.Info = p.T("session.booked_n", atoi(c.Query("n")))
	case "updated":
		p.Info = p.T("session.updated")
	case "cancelled":
		p.Info = p.T("session.cancelled_done")
	case "registration_cancelled":
		p.Info = p.T("session.registration_cancelled")
	}
	p.Data = v
	s.render(c, status, "session", p)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// historyText writes an audit entry as a sentence.
func (s *Server) historyText(lang string, e *store.AuditEntry) string {
	d := decodeDetail(e.Detail)
	name, _ := d["person"].(string)
	if name == "" {
		name = s.tr.T(lang, "history.someone")
	}
	switch e.Action {
	case "booked", "waitlisted", "walk_in":
		return s.tr.T(lang, "history."+e.Action, name)
	case "capacity_changed":
		return s.tr.T(lang, "history.capacity", fmt.Sprint(d["from"]), fmt.Sprint(d["to"]))
	case "attendance", "checked_in":
		return s.tr.T(lang, "history."+e.Action, s.tr.T(lang, "attendance."+fmt.Sprint(d["to"])))
	}
	return s.tr.T(lang, "history."+e.Action)
}

// bookForm books an audience or the people ticked in a search.
func (s *Server) bookForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	f := newForm(c)
	req := booking.BookRequest{}
	switch f.Get("mode") {
	case "people":
		ids := []int64{}
		for _, raw := range f.Values["person_ids"] {
			if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
		req.PersonIDs = &ids
	default:
		a := &booking.Audience{Role: f.Get("role")}
		if n, err := strconv.ParseInt(f.Get("department_id"), 10, 64); err == nil {
			a.DepartmentID = n
		}
		req.Audience = a
	}
	regs, err := s.booking.Book(c.Request.Context(), actor(c), id, req)
	if err != nil {
		p := s.userPage(c, "")
		status := s.fail(c, p, f, err)
		s.renderSession(c, status, p, nil, f)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=booked&n=%d", id, len(regs)))
}

// editSessionForm reschedules, moves or resizes a session.
func (s *Server) editSessionForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	f := newForm(c)
	in, _ := sessionInput(f)
	in.Format, in.Title, in.Language = nil, nil, nil
	if !f.Values.Has("trainers_present") {
		in.Trainers = nil
	}
	if !f.Values.Has("open_present") {
		in.OpenToOtherCommunes = nil
	}
	if _, err := s.booking.UpdateSession(c.Request.Context(), actor(c), id, in); err != nil {
		p := s.userPage(c, "")
		status := s.fail(c, p, f, err)
		s.renderSession(c, status, p, f, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=updated", id))
}

func (s *Server) cancelSessionForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	if _, err := s.booking.CancelSession(c.Request.Context(), actor(c), id); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=cancelled", id))
}

func (s *Server) cancelRegistrationForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	r, err := s.booking.CancelRegistration(c.Request.Context(), actor(c), id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=registration_cancelled", r.SessionID))
}
