package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// sendCalendar writes a calendar file, or 304 Not Modified when the
// client's copy is current. Invitations carry their iTIP method in the
// media type, as mail clients expect.
//
// The answer may be stored by the client but checked before each use
// (no-cache): calendars poll, and a conditional poll costs one small query.
// It stays private: the files hold names and personal links.
func (s *Server) sendCalendar(c *gin.Context, f *calendar.File, inline bool) {
	h := c.Writer.Header()
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Vary", "Accept-Encoding")
	h.Set("Last-Modified", lastModified(f.Stamp.Modified, time.Now()).Format(http.TimeFormat))
	if f.NotModified {
		// The tag the client named: the gzip variant's, if that is the
		// copy it holds (compress marks it).
		etag := f.Stamp.ETag
		if inm := c.GetHeader("If-None-Match"); !etagMatch(inm, etag) {
			etag = gzipETag(etag)
		}
		h.Set("ETag", etag)
		c.Status(http.StatusNotModified)
		c.Writer.WriteHeaderNow()
		return
	}
	h.Set("ETag", f.Stamp.ETag)
	ct := "text/calendar; charset=utf-8"
	if f.Method == calendar.Request || f.Method == calendar.Cancel {
		ct += "; method=" + string(f.Method)
	}
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	c.Header("Content-Disposition", disposition+`; filename="`+f.Name+`"`)
	c.Data(http.StatusOK, ct, f.Data)
}

// calendarFresh evaluates a request's preconditions against a calendar
// file's stamp (RFC 9110 §13.2.2): If-None-Match, compared weakly, and
// only without it If-Modified-Since. A date that does not parse, or lies
// in the future, is ignored. Nil when the request has neither.
func calendarFresh(r *http.Request) calendar.Fresh {
	inm, ims := r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
	switch {
	case inm != "":
		return func(st calendar.Stamp) bool {
			return etagMatch(inm, st.ETag) || etagMatch(inm, gzipETag(st.ETag))
		}
	case ims != "":
		since, err := http.ParseTime(ims)
		if err != nil || since.After(time.Now()) {
			return nil
		}
		return func(st calendar.Stamp) bool { return !st.Modified.Truncate(time.Second).After(since) }
	}
	return nil
}

// lastModified is the Last-Modified to send for a file changed at
// modified, at now (the clock of the database's updated_at, not the app's).
// HTTP dates count whole seconds, so a file changed during the current
// second may change again within it, unseen by a client echoing the date:
// such a date goes out one second early, and that client asks again once.
func lastModified(modified, now time.Time) time.Time {
	m := modified.UTC().Truncate(time.Second)
	if !m.Before(now.UTC().Truncate(time.Second)) {
		m = m.Add(-time.Second)
	}
	return m
}

// file adapts a route answering a file to a calendar or an image reader:
// its errors are short plain texts in both languages.
func (s *Server) file(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := h(c)
		if err == nil {
			return
		}
		if errors.Is(err, store.ErrNotFound) || apperr.Is(err, apperr.CodeNotFound) {
			c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("Introuvable / Nicht gefunden\n"))
			return
		}
		if errors.Is(err, store.ErrUnavailable) {
			// Calendars retry on 503; they would drop a feed on 404.
			c.Header("Retry-After", "60")
			c.Data(http.StatusServiceUnavailable, "text/plain; charset=utf-8", []byte("Momentanément indisponible / Vorübergehend nicht verfügbar\n"))
			return
		}
		s.log.ErrorContext(c.Request.Context(), "file", "route", c.FullPath(), "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Erreur interne / Interner Fehler\n"))
	}
}

// participantInvite answers /r/{token}/invite.ics.
func (s *Server) participantInvite(c *gin.Context) error {
	f, err := s.svc.Calendar.Invite(c.Request.Context(), c.Param("token"), calendarFresh(c.Request))
	if err != nil {
		return err
	}
	s.sendCalendar(c, f, false)
	return nil
}

// participantFeed answers /r/{token}/feed.ics, for subscription.
func (s *Server) participantFeed(c *gin.Context) error {
	f, err := s.svc.Calendar.PersonFeed(c.Request.Context(), c.Param("token"), calendarFresh(c.Request))
	if err != nil {
		return err
	}
	s.sendCalendar(c, f, true)
	return nil
}

// staffFeed answers /feeds/{token}.ics: a trainer's or a commune's sessions.
func (s *Server) staffFeed(c *gin.Context) error {
	token, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok {
		return store.ErrNotFound
	}
	f, err := s.svc.Calendar.StaffFeed(c.Request.Context(), token, calendarFresh(c.Request))
	if err != nil {
		return err
	}
	s.sendCalendar(c, f, true)
	return nil
}

type feedJSON struct {
	// URL and Webcal are given only when the address was just made: only
	// its hash is kept.
	URL       string     `json:"url,omitempty"`
	Webcal    string     `json:"webcal,omitempty"`
	Active    bool       `json:"active"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
}

func toFeedJSON(f *calendar.StaffFeedState) feedJSON {
	out := feedJSON{Active: f.Active}
	if f.URL != "" {
		out.URL, out.Webcal = f.URL, webcal(f.URL)
	}
	if f.CreatedAt != nil {
		t := tz.In(*f.CreatedAt)
		out.CreatedAt = &t
	}
	return out
}

// webcal turns an http(s) URL into its webcal:// form (Apple, Outlook).
func webcal(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	return "webcal://" + rest
}

// apiFeed tells the signed-in user's calendar feed — the sessions they
// run (trainer) or all of their commune's (hr) —, making it on first use:
// the address is in the answer that once.
func (s *Server) apiFeed(c *gin.Context) error {
	f, err := s.svc.Calendar.FeedOf(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toFeedJSON(f))
	return nil
}

// apiRotateFeed replaces the user's feed address; the old one answers 404.
func (s *Server) apiRotateFeed(c *gin.Context) error {
	f, err := s.svc.Calendar.RotateFeed(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toFeedJSON(f))
	return nil
}

// apiRevokeOwnFeed ends the user's feed.
func (s *Server) apiRevokeOwnFeed(c *gin.Context) error {
	cl := caller(c)
	if err := s.svc.Calendar.RevokeFeed(c.Request.Context(), cl, cl.UserID); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// apiRevokeFeed ends an account's feed (admin).
func (s *Server) apiRevokeFeed(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Calendar.RevokeFeed(c.Request.Context(), caller(c), id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
