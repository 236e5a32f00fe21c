package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/desk"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

type sessionsView struct {
	Rows  []sessionRow
	Pager pager
	Past  bool
}

// sessionsPage lists the commune's sessions, upcoming or past, paged.
func (s *Server) sessionsPage(c *gin.Context) error {
	p := s.userPage(c, "sessions.title")
	p.Nav = "sessions"
	now := s.now()
	v := &sessionsView{Past: c.Query("show") == "past"}
	q := booking.SessionQuery{Limit: pageSize}
	if v.Past {
		q.To = &now
	} else {
		q.From = &now
	}
	page := pageNumber(c)
	q.Offset = (page - 1) * pageSize
	views, total, err := s.svc.Booking.Sessions(c.Request.Context(), caller(c), q)
	if err != nil {
		return err
	}
	v.Pager = newPager(c, total)
	if v.Pager.Page != page { // asked past the last page: show the last
		q.Offset = v.Pager.offset()
		if views, _, err = s.svc.Booking.Sessions(c.Request.Context(), caller(c), q); err != nil {
			return err
		}
	}
	v.Rows = sessionRows(views)
	p.Data = v
	s.render(c, http.StatusOK, "sessions", p)
	return nil
}

type sessionFormView struct {
	Form     *form
	Formats  []*catalog.Format
	Trainers []store.User
	Selected map[int64]bool
	// Neighbours are the region's other communes, offered seats (quotas).
	Neighbours []store.Org
}

// newSessionPage shows the scheduling form, preset with ?format=.
func (s *Server) newSessionPage(c *gin.Context) error {
	f := &form{Values: map[string][]string{"format": {c.Query("format")}, "capacity": {"12"}}, Errors: map[string]string{}}
	return s.renderSessionForm(c, http.StatusOK, nil, f)
}

func (s *Server) renderSessionForm(c *gin.Context, status int, p *page, f *form) error {
	sf, err := s.svc.Desk.SessionForm(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	if p == nil {
		p = s.userPage(c, "session_new.title")
	}
	p.Title = p.T("session_new.title")
	p.Nav = "sessions"
	sel := map[int64]bool{}
	for _, id := range f.Values["trainers"] {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			sel[n] = true
		}
	}
	p.Data = sessionFormView{Form: f, Formats: sf.Formats, Trainers: sf.Trainers, Selected: sel, Neighbours: sf.Neighbours}
	s.render(c, status, "session_new", p)
	return nil
}

// sessionInput reads the scheduling form (times are Europe/Zurich, as the
// browser's date and time pickers give them).
func sessionInput(f *form) booking.SessionInput {
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
	if f.Get("record_past") == "on" {
		past := true
		in.RecordPast = &past
	}
	if f.Get("allow_room_overlap") == "on" {
		allow := true
		in.AllowRoomOverlap = &allow
	}
	if raw := strings.TrimSpace(f.Get("capacity")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			n = -1 // reported by the rules as out of range
		}
		in.Capacity = &n
	}
	// Seats per commune of the region: « quotas.<slug> » fields, those
	// filled in (an empty field holds no seats).
	quotas := map[string]int{}
	for name := range f.Values {
		slug, ok := strings.CutPrefix(name, "quotas.")
		if raw := strings.TrimSpace(f.Get(name)); ok && raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil {
				n = -1 // reported by the rules as out of range, on its field
			}
			quotas[slug] = n
		}
	}
	if len(quotas) > 0 {
		in.Quotas = &quotas
		if !open {
			in.OpenToOtherCommunes = nil // seats for other communes open it
		}
	}
	trainers := []int64{}
	for _, raw := range f.Values["trainers"] {
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			trainers = append(trainers, n)
		}
	}
	in.Trainers = &trainers
	return in
}

func (s *Server) createSessionForm(c *gin.Context) error {
	f := newForm(c)
	sess, err := s.svc.Booking.CreateSession(c.Request.Context(), caller(c), sessionInput(f))
	if err != nil {
		return redisplay(err, f, s.renderSessionForm)
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=created", sess.ID))
	return nil
}

type sessionView struct {
	*desk.SessionPage
	Place    string
	Fill     fillBar
	Own      bool
	Format   *catalog.Format
	Roles    []string
	History  []historyLine
	Edit     *form
	Book     *form
	Bookable bool
	Editable bool
	Held     bool
	BaseURL  string
}

type historyLine struct {
	store.AuditEntry
	Text string
}

// sessionPage is HR's page of one session.
func (s *Server) sessionPage(c *gin.Context) error {
	return s.renderSession(c, http.StatusOK, nil, nil, nil)
}

func (s *Server) renderSession(c *gin.Context, status int, p *page, edit, book *form) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sp, err := s.svc.Desk.SessionPage(c.Request.Context(), caller(c), id, strings.TrimSpace(c.Query("q")))
	if err != nil {
		return err
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	sess := sp.Session
	p.Nav = "sessions"
	p.Title = sess.Title
	v := &sessionView{SessionPage: sp, Place: sess.Place(), Own: sess.Own, Format: sess.Format, Roles: directory.Roles, Edit: edit, Book: book, BaseURL: s.baseURL}
	v.Fill = newFillBar(sess.Counts.Booked, sess.Capacity, sess.Counts.Waitlisted)
	if !sess.Own {
		// Another commune's pooled session: the caller's own part of it.
		v.Fill = newFillBar(len(sp.Booked), sess.Capacity, len(sp.Waiting))
		for _, c := range sess.Communes {
			if c.Seats != nil {
				v.Fill = newFillBar(c.Booked, *c.Seats, c.Waitlisted)
			}
		}
	}
	now := s.now()
	v.Bookable = schedule.BookingsOpen(&sess.Session, now) == nil || schedule.RecordingOpen(&sess.Session) == nil
	v.Editable = sess.Own && schedule.TimeAndPlaceChangeable(&sess.Session, now) == nil
	v.Held = sess.Phase == schedule.Held || sess.Phase == schedule.UnderWay || sess.RecordPast
	for i := range sp.History {
		v.History = append(v.History, historyLine{AuditEntry: sp.History[i], Text: s.historyText(p.Lang, &sp.History[i])})
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
	case "resent":
		p.Info = p.T("hr.resent")
	case "retried":
		p.Info = p.T("hr.retried")
	}
	p.Data = v
	s.render(c, status, "session", p)
	return nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// intOf reads a whole number of an audit entry's detail (JSON: a float64).
func intOf(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// historyText writes an audit entry as a sentence.
func (s *Server) historyText(lang string, e *store.AuditEntry) string {
	if e.Action == "invitation_resent" {
		return s.tr.T(lang, "history.invitation_resent")
	}
	d := audit.Detail(e)
	name, _ := d["person"].(string)
	if name == "" {
		name = s.tr.T(lang, "history.someone")
	}
	switch e.Action {
	case "booked", "waitlisted", "walk_in", "recorded":
		return s.tr.T(lang, "history."+e.Action, name)
	case "capacity_changed":
		return s.tr.T(lang, "history.capacity", fmt.Sprint(d["from"]), fmt.Sprint(d["to"]))
	case "planned":
		return s.tr.T(lang, "history.planned", intOf(d["plan_id"]), intOf(d["position"]), intOf(d["sessions"]))
	case "attendance", "checked_in":
		return s.tr.T(lang, "history."+e.Action, s.tr.T(lang, "attendance."+fmt.Sprint(d["to"])))
	case "rsvp":
		answer, via := fmt.Sprint(d["answer"]), fmt.Sprint(d["via"])
		if !s.tr.Has("rsvp.history."+answer) || !s.tr.Has("rsvp.via."+via) {
			return s.tr.T(lang, "rsvp.history.answer") // an erased entry keeps no detail
		}
		return s.tr.T(lang, "rsvp.history."+answer, name, s.tr.T(lang, "rsvp.via."+via))
	}
	return s.tr.T(lang, "history."+e.Action)
}

// bookForm books an audience or the people ticked in a search.
func (s *Server) bookForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
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
		if !confirmed(c) {
			// Before booking a whole audience, say who gets a seat.
			pv, err := s.svc.Booking.PreviewBook(c.Request.Context(), caller(c), id, req)
			if err != nil {
				return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
					return s.renderSession(c, status, p, nil, f)
				})
			}
			p := s.userPage(c, "")
			return s.askConfirmation(c, p.T("confirm.book_title"), confirmView{
				Lines:  []string{p.T("confirm.book_counts", pv.Booked, pv.Waitlisted, pv.Unchanged), p.T("confirm.book_fair")},
				Button: p.T("confirm.book_button", pv.Booked+pv.Waitlisted), Back: fmt.Sprintf("/app/sessions/%d#book", id),
			})
		}
	}
	regs, err := s.svc.Booking.Book(c.Request.Context(), caller(c), id, req)
	if err != nil {
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
			return s.renderSession(c, status, p, nil, f)
		})
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=booked&n=%d", id, len(regs)))
	return nil
}

// editSessionForm reschedules, moves or resizes a session.
func (s *Server) editSessionForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newForm(c)
	in := sessionInput(f)
	in.Format, in.Title, in.Language, in.RecordPast = nil, nil, nil, nil
	if !f.Values.Has("trainers_present") {
		in.Trainers = nil
	}
	if !f.Values.Has("open_present") {
		in.OpenToOtherCommunes = nil
	}
	if !f.Values.Has("starts_at") {
		in.StartsAt, in.EndsAt, in.Location, in.Capacity, in.RegistrationDeadline = nil, nil, nil, nil, nil
	}
	if _, err := s.svc.Booking.UpdateSession(c.Request.Context(), caller(c), id, in); err != nil {
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
			return s.renderSession(c, status, p, f, nil)
		})
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=updated", id))
	return nil
}

func (s *Server) cancelSessionForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if !confirmed(c) {
		im, err := s.svc.Booking.CancelSessionImpact(c.Request.Context(), caller(c), id)
		if err != nil {
			return err
		}
		p := s.userPage(c, "")
		return s.askConfirmation(c, p.T("confirm.cancel_session_title"), confirmView{
			Lines:  []string{p.T("confirm.cancel_session", im.Registrations, im.Mailed), p.T("confirm.final")},
			Button: p.T("session.cancel_session"), Back: fmt.Sprintf("/app/sessions/%d", id), Danger: true,
		})
	}
	if _, err := s.svc.Booking.CancelSession(c.Request.Context(), caller(c), id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=cancelled", id))
	return nil
}

func (s *Server) cancelRegistrationForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if !confirmed(c) {
		im, err := s.svc.Booking.CancelRegistrationImpact(c.Request.Context(), caller(c), id)
		if err != nil {
			return err
		}
		p := s.userPage(c, "")
		lines := []string{p.T("confirm.remove_mailed", im.Mailed)}
		if im.Promotes {
			lines = append(lines, p.T("confirm.remove_promotes"))
		}
		return s.askConfirmation(c, p.T("confirm.remove_title", im.Name), confirmView{
			Lines: lines, Button: p.T("session.cancel_registration"), Back: c.GetHeader("Referer"), Danger: true,
		})
	}
	r, err := s.svc.Booking.CancelRegistration(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=registration_cancelled", r.SessionID))
	return nil
}

// resendForm queues an invitation again, from the session page.
func (s *Server) resendForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Booking.Resend(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/sessions/%d?done=resent#mails", r.SessionID))
	return nil
}

// retryMailForm puts a failed mail back in the queue, from the session page.
func (s *Server) retryMailForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.svc.Outbox.Retry(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	back := "/app"
	if m.SessionID != nil {
		back = fmt.Sprintf("/app/sessions/%d?done=retried#mails", *m.SessionID)
	}
	c.Redirect(http.StatusSeeOther, back)
	return nil
}
