package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

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
	s.renderParticipant(c, http.StatusOK, t, "", c.Query("done"))
}

func (s *Server) renderParticipant(c *gin.Context, status int, t *booking.Ticket, errMsg, done string) {
	lang := "fr"
	if t.Person != nil {
		lang = t.Person.Language
	}
	p := s.newPage(c, lang)
	v := &participantView{Ticket: t, Token: c.Param("token"), CanCancel: s.booking.SelfCancelRefusal(t.Session, t.Registration) == nil}
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
	p.Title = t.Session.Title
	p.Data = v
	p.Error = errMsg
	if done == "cancelled" {
		p.Info = p.T("participant.cancel_done")
	}
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
		e := s.toAppErr(c, err)
		t, terr := s.booking.TicketByToken(c.Request.Context(), token)
		if terr != nil {
			s.participantNotFound(c, terr)
			return
		}
		lang := "fr"
		if t.Person != nil {
			lang = t.Person.Language
		}
		s.renderParticipant(c, statusOf[e.Code], t, s.tr.Msg(s.pageLang(c, lang), e.Msg), "")
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
