package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
)

// handler is a route's work: it parses, makes its domain call and renders;
// an error it returns is rendered by the adapter of its face (api, page,
// participant, file).
type handler func(c *gin.Context) error

var statusOf = map[apperr.Code]int{
	apperr.CodeBadRequest:   http.StatusBadRequest,
	apperr.CodeUnauthorized: http.StatusUnauthorized,
	apperr.CodeForbidden:    http.StatusForbidden,
	apperr.CodeNotFound:     http.StatusNotFound,
	apperr.CodeConflict:     http.StatusConflict,
	apperr.CodeValidation:   http.StatusUnprocessableEntity,
	apperr.CodeTooLarge:     http.StatusRequestEntityTooLarge,
	apperr.CodeRateLimited:  http.StatusTooManyRequests,
	apperr.CodeInternal:     http.StatusInternalServerError,
	apperr.CodeUnavailable:  http.StatusServiceUnavailable,
}

// errorBody is the contract's error JSON.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    apperr.Code       `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// toAppErr maps any error to a user-facing one; unknown errors are logged
// and become a 500 that reveals nothing.
func (s *Server) toAppErr(c *gin.Context, err error) *apperr.Error {
	var fe *formError
	if errors.As(err, &fe) {
		err = fe.err
	}
	if e, ok := apperr.As(err); ok {
		return e
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, store.ErrUnavailable):
		s.log.WarnContext(c.Request.Context(), "database unavailable", "method", c.Request.Method, "route", c.FullPath(), "err", err)
		c.Header("Retry-After", "5")
		return apperr.New(apperr.CodeUnavailable, "err.unavailable")
	case errors.Is(err, store.ErrNotFound):
		return apperr.NotFound("err.not_found")
	case errors.As(err, &mbe):
		return apperr.New(apperr.CodeTooLarge, "err.too_large")
	}
	s.log.ErrorContext(c.Request.Context(), "request failed", "method", c.Request.Method, "route", c.FullPath(), "err", err)
	return apperr.New(apperr.CodeInternal, "err.internal")
}

// renderError writes err as the contract's JSON error, in the request's language.
func (s *Server) renderError(c *gin.Context, err error) {
	e := s.toAppErr(c, err)
	c.AbortWithStatusJSON(statusOf[e.Code], errorBody{Error: s.errorDetail(c, e)})
}

// errorDetail is e as the contract's JSON error says it, in the request's
// language.
func (s *Server) errorDetail(c *gin.Context, e *apperr.Error) errorDetail {
	lang := s.apiLang(c)
	d := errorDetail{Code: e.Code, Message: s.tr.Msg(lang, e.Msg)}
	if len(e.Fields) > 0 {
		d.Fields = make(map[string]string, len(e.Fields))
		for f, m := range e.Fields {
			d.Fields[f] = s.tr.Msg(lang, m)
		}
	}
	return d
}

// apiLang is the language of API messages: German only when asked for.
func (s *Server) apiLang(c *gin.Context) string {
	return i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
}

// api adapts a JSON API handler: its error is the contract's error JSON —
// except for a browser following a link of a page (a PDF, a CSV) with its
// sign-in cookie, which gets an error page rather than raw JSON.
func (s *Server) api(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := h(c)
		switch {
		case err == nil:
		case browserLink(c):
			s.errorPage(c, s.toAppErr(c, err))
		default:
			s.renderError(c, err)
		}
	}
}

// browserLink reports a request a browser makes by following a link: a GET
// asking for HTML, signed in by cookie rather than a bearer token.
func browserLink(c *gin.Context) bool {
	return c.Request.Method == "GET" && c.GetHeader("Authorization") == "" && strings.Contains(c.GetHeader("Accept"), "text/html")
}

// formError is a refusal of a form post: the adapter shows the form again
// with what was typed and a message next to each field.
type formError struct {
	err    error
	form   *form
	redraw func(c *gin.Context, status int, p *page, f *form) error
}

func (e *formError) Error() string { return e.err.Error() }
func (e *formError) Unwrap() error { return e.err }

// redisplay asks the page adapter to show the form again after err.
func redisplay(err error, f *form, redraw func(c *gin.Context, status int, p *page, f *form) error) error {
	return &formError{err: err, form: f, redraw: redraw}
}

// page adapts a staff page handler: a refused form is shown again with its
// messages; any other error is an error page.
func (s *Server) page(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := formControl(c)
		if err == nil {
			err = h(c)
		}
		if err == nil {
			return
		}
		var fe *formError
		e := s.toAppErr(c, err)
		if errors.As(err, &fe) && e.Code != apperr.CodeInternal {
			p := s.userPage(c, "")
			status := s.fail(c, p, fe.form, e)
			if rerr := fe.redraw(c, status, p, fe.form); rerr == nil {
				return
			} else {
				e = s.toAppErr(c, rerr)
			}
		}
		s.errorPage(c, e)
	}
}

func (s *Server) notFound(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	s.renderError(c, apperr.NotFound("err.not_found"))
}
