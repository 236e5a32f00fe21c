package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/store"
)

// participantView is what the participant's page shows.
type participantView struct {
	*booking.Ticket
	Token     string
	CanCancel bool
	MapURL    string
	Place     string
	Bring     []string
	Summary   string
	FeedURL   string
	WebcalURL template.URL // built by us: html/template would refuse the webcal scheme
	// Feedback is shown once the session has ended.
	FeedbackOpen  bool
	Feedback      *feedbackRequest
	FeedbackGiven bool
	FieldErrors   map[string]string
	Present       bool
	Ratings       []int
}

// wantsJSON reports whether a participant's POST came as JSON rather than
// from the page's form.
func wantsJSON(c *gin.Context) bool {
	return strings.HasPrefix(c.ContentType(), "application/json") ||
		(strings.Contains(c.GetHeader("Accept"), "application/json") && !strings.Contains(c.GetHeader("Accept"), "text/html"))
}

func (s *Server) participantPage(c *gin.Context) {
	t, err := s.booking.TicketByToken(c.Request.Context(), c.Param("token"))
	if err != nil {
		s.participantNotFound(c, err)
		return
	}
	s.renderParticipantForm(c, http.StatusOK, t, nil, personLang(t), nil)
}

func personLang(t *booking.Ticket) string {
	if t.Person != nil {
		return t.Person.Language
	}
	return ""
}

// renderParticipantForm renders the page; problem, when set, is shown at
// the top and next to the fields it names; form re-displays what was typed.
func (s *Server) renderParticipantForm(c *gin.Context, status int, t *booking.Ticket, problem *apperr.Error, lang string, form *feedbackRequest) {
	p := s.newPage(c, lang)
	v := &participantView{Ticket: t, Token: t.Registration.Token, CanCancel: s.booking.SelfCancelRefusal(t.Session, t.Registration) == nil, Ratings: []int{1, 2, 3, 4, 5}}
	v.FeedURL = s.baseURL + "/r/" + v.Token + "/feed.ics"
	v.WebcalURL = template.URL(webcal(v.FeedURL))
	v.Place = strings.Join(nonEmpty(t.Session.LocationName, t.Session.LocationRoom, t.Session.LocationAddress), ", ")
	if addr := strings.TrimSpace(t.Session.LocationAddress); addr != "" {
		v.MapURL = "https://www.openstreetmap.org/search?query=" + url.QueryEscape(addr)
	}
	if t.Format != nil {
		ft := t.Format.Localized(p.Lang)
		v.Bring, v.Summary = ft.Bring, ft.Summary
	}
	v.Present = t.Registration.Attendance == store.AttendPresent
	v.FeedbackOpen = s.attendance.FeedbackRefusal(t.Session, t.Registration) == nil
	v.Feedback = form
	if v.FeedbackOpen && form == nil {
		if fb, err := s.store.Feedback(c.Request.Context(), t.Registration.ID); err == nil {
			v.FeedbackGiven = true
			v.Feedback = &feedbackRequest{fb.Overall, fb.WillUse, fb.ConfidenceBefore, fb.ConfidenceAfter, fb.UseCases, fb.Worries}
		}
	}
	if v.Feedback == nil {
		v.Feedback = &feedbackRequest{}
	}
	if problem != nil {
		p.Error = s.tr.Msg(p.Lang, problem.Msg)
		v.FieldErrors = map[string]string{}
		for f, m := range problem.Fields {
			v.FieldErrors[f] = s.tr.Msg(p.Lang, m)
		}
	}
	switch c.Query("done") {
	case "cancelled":
		p.Info = p.T("participant.cancel_done")
	case "feedback":
		p.Info = p.T("participant.feedback_done")
	}
	p.Title = t.Session.Title
	p.Data = v
	s.render(c, status, "participant", p)
}

func (s *Server) participantNotFound(c *gin.Context, err error) {
	if !errors.Is(err, store.ErrNotFound) {
		s.log.ErrorContext(c.Request.Context(), "participant page", "err", err)
	}
	p := s.newPage(c, "")
	p.Title = p.T("participant.not_found_title")
	p.Data = p.T("participant.not_found")
	s.render(c, http.StatusNotFound, "error", p)
}

// participantCancel cancels through the personal link: a form post answers
// with a redirect to the page, a JSON post with JSON.
func (s *Server) participantCancel(c *gin.Context) {
	token := c.Param("token")
	r, err := s.booking.CancelByToken(c.Request.Context(), token)
	if wantsJSON(c) {
		if err != nil {
			s.renderError(c, err)
			return
		}
		c.JSON(http.StatusOK, s.toRegistrationJSON(r, ""))
		return
	}
	if err != nil {
		t, terr := s.booking.TicketByToken(c.Request.Context(), token)
		if terr != nil {
			s.participantNotFound(c, terr)
			return
		}
		s.renderParticipantForm(c, statusOf[s.toAppErr(c, err).Code], t, s.toAppErr(c, err), personLang(t), nil)
		return
	}
	c.Redirect(http.StatusSeeOther, "/r/"+token+"?done=cancelled")
}

// nonEmpty keeps the non-blank strings.
func nonEmpty(parts ...string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}
