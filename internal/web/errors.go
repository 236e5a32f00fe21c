package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
)

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
	if e, ok := apperr.As(err); ok {
		return e
	}
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return apperr.NotFound("err.not_found")
	case errors.As(err, &mbe):
		return apperr.New(apperr.CodeTooLarge, "err.too_large")
	}
	s.log.ErrorContext(c.Request.Context(), "request failed", "method", c.Request.Method, "path", c.FullPath(), "err", err)
	return apperr.New(apperr.CodeInternal, "err.internal")
}

// renderError writes err as the contract's JSON error, in the request's language.
func (s *Server) renderError(c *gin.Context, err error) {
	e := s.toAppErr(c, err)
	lang := s.apiLang(c)
	body := errorBody{Error: errorDetail{Code: e.Code, Message: s.tr.Msg(lang, e.Msg)}}
	if len(e.Fields) > 0 {
		body.Error.Fields = make(map[string]string, len(e.Fields))
		for f, m := range e.Fields {
			body.Error.Fields[f] = s.tr.Msg(lang, m)
		}
	}
	c.AbortWithStatusJSON(statusOf[e.Code], body)
}

// apiLang is the language of API messages: German only when asked for.
func (s *Server) apiLang(c *gin.Context) string {
	return i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
}

func (s *Server) notFound(c *gin.Context) {
	s.renderError(c, apperr.NotFound("err.not_found"))
}
