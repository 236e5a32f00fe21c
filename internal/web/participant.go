package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/rsvp"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/ticket"
)

// participantView is what the participant's page shows.
type participantView struct {
	*ticket.Page
	Token     string
	MapURL    string
	Place     string
	Bring     []string
	Summary   string
	FeedURL   string
	WebcalURL template.URL // built by us: html/template would refuse the webcal scheme
	// Feedback is what the form shows: the answer given, or what was typed.
	Feedback      *feedbackRequest
	FeedbackGiven bool
	FieldErrors   map[string]string
	Ratings       []int
	// ConfirmDecline shows « give my seat up? » instead of the answers.
	ConfirmDecline bool
}

// wantsJSON reports whether a participant's POST came as JSON rather than
// from the page's form.
func wantsJSON(c *gin.Context) bool {
	return strings.HasPrefix(c.ContentType(), "application/json") ||
		(strings.Contains(c.GetHeader("Accept"), "application/json") && !strings.Contains(c.GetHeader("Accept"), "text/html"))
}

// participantFormError is a refused feedback form, shown again as typed.
type participantFormError struct {
	err  error
	form *feedbackRequest
}

func (e *participantFormError) Error() string { return e.err.Error() }
func (e *participantFormError) Unwrap() error { return e.err }

// personalLink adapts the route of a personal link (a registration's
// /r/…, a survey's /s/…): a JSON caller gets the error JSON; a browser
// gets « link not found » when the token opens nothing, else the page
// again with the refusal, drawn by redraw.
func (s *Server) personalLink(h handler, redraw func(c *gin.Context, err error, e *apperr.Error) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := formControl(c)
		if err == nil {
			err = h(c)
		}
		if err == nil {
			return
		}
		if c.Request.Method != http.MethodGet && wantsJSON(c) {
			s.renderError(c, err)
			return
		}
		e := s.toAppErr(c, err)
		if e.Code == apperr.CodeUnavailable {
			// The link may well be right: say so, rather than "not found".
			p := s.newPage(c, "")
			p.Title = p.T("participant.unavailable_title")
			p.Data = p.T("participant.unavailable")
			s.render(c, http.StatusServiceUnavailable, "error", p)
			return
		}
		if e.Code == apperr.CodeNotFound || e.Code == apperr.CodeInternal {
			s.participantNotFound(c, err)
			return
		}
		if rerr := redraw(c, err, e); rerr != nil {
			s.participantNotFound(c, rerr)
		}
	}
}

// participant adapts a participant route: a refused form comes back as
// typed on the participant's page.
func (s *Server) participant(h handler) gin.HandlerFunc {
	return s.personalLink(h, func(c *gin.Context, err error, e *apperr.Error) error {
		pg, perr := s.svc.Tickets.Page(c.Request.Context(), c.Param("token"))
		if perr != nil {
			return perr
		}
		if errors.Is(err, rsvp.ErrConfirmDecline) {
			// Not a failure: the page asks whether to give the seat up.
			s.renderParticipant(c, http.StatusOK, pg, nil, nil, true)
			return nil
		}
		var fe *participantFormError
		var form *feedbackRequest
		if errors.As(err, &fe) {
			form = fe.form
		}
		s.renderParticipant(c, statusOf[e.Code], pg, e, form, false)
		return nil
	})
}

func (s *Server) participantPage(c *gin.Context) error {
	pg, err := s.svc.Tickets.Page(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	s.renderParticipant(c, http.StatusOK, pg, nil, nil, false)
	return nil
}

// renderParticipant renders the page; problem, when set, is shown at the
// top and next to the fields it names; form re-displays what was typed;
// confirmDecline asks whether declining, which gives the seat up, is meant.
func (s *Server) renderParticipant(c *gin.Context, status int, pg *ticket.Page, problem *apperr.Error, form *feedbackRequest, confirmDecline bool) {
	p := s.newPage(c, pg.Lang())
	v := &participantView{Page: pg, Token: pg.Registration.Token, Place: pg.Place(), Ratings: []int{1, 2, 3, 4, 5}, ConfirmDecline: confirmDecline && pg.Answer.DeclineCancels}
	v.FeedURL = s.baseURL + "/r/" + v.Token + "/feed.ics"
	v.WebcalURL = template.URL(webcal(v.FeedURL))
	if addr := strings.TrimSpace(pg.Session.LocationAddress); addr != "" {
		v.MapURL = "https://www.openstreetmap.org/search?query=" + url.QueryEscape(addr)
	}
	if pg.Format != nil {
		ft := pg.Format.Localized(p.Lang)
		v.Bring, v.Summary = ft.Bring, ft.Summary
	}
	v.Feedback = form
	if v.Feedback == nil && pg.Feedback != nil {
		fb := pg.Feedback
		v.FeedbackGiven = true
		v.Feedback = &feedbackRequest{fb.Overall, fb.WillUse, fb.ConfidenceBefore, fb.ConfidenceAfter, fb.UseCases, fb.Worries}
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
	case "rsvp":
		p.Info = p.T("rsvp.done")
	case "memento":
		p.Info = p.T("strategy.participant.memento_done")
	}
	p.Title = pg.Session.Title
	p.Data = v
	s.render(c, status, "participant", p)
}

func (s *Server) participantNotFound(c *gin.Context, err error) {
	if !errors.Is(err, store.ErrNotFound) && !apperr.Is(err, apperr.CodeNotFound) {
		s.log.ErrorContext(c.Request.Context(), "participant page", "route", c.FullPath(), "err", err)
	}
	p := s.newPage(c, "")
	p.Title = p.T("participant.not_found_title")
	p.Data = p.T("participant.not_found")
	s.render(c, http.StatusNotFound, "error", p)
}

// participantCancel cancels through the personal link: a form post answers
// with a redirect to the page, a JSON post with JSON.
func (s *Server) participantCancel(c *gin.Context) error {
	token := c.Param("token")
	if !wantsJSON(c) && !confirmed(c) {
		pg, err := s.svc.Tickets.Page(c.Request.Context(), token)
		if err != nil {
			return err
		}
		if !pg.CanCancel {
			return pg.CancelRefusal
		}
		p := s.newPage(c, pg.Lang())
		p.Title = p.T("confirm.own_title")
		p.Data = confirmView{Lines: []string{p.T("confirm.own_lead", pg.Session.Title), p.T("confirm.own_seat")}, Action: c.Request.URL.Path,
			Button: p.T("participant.cancel"), Back: "/r/" + token, Danger: true}
		s.render(c, http.StatusOK, "confirm", p)
		return nil
	}
	r, err := s.svc.Booking.CancelByToken(c.Request.Context(), token)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, s.toRegistrationJSON(r, ""))
		return nil
	}
	c.Redirect(http.StatusSeeOther, "/r/"+token+"?done=cancelled")
	return nil
}
