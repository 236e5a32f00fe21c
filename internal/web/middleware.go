package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/store"
)

const principalKey = "atelier.principal"

// recoverPanics turns a panic into a logged 500 that reveals nothing.
func (s *Server) recoverPanics() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(c.Request.Context(), "panic", "path", c.Request.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					s.renderError(c, apperr.New(apperr.CodeInternal, "err.internal"))
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// logRequests writes one structured line per request.
func (s *Server) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		s.log.Log(c.Request.Context(), level, "http", "method", c.Request.Method, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "ms", float64(time.Since(start).Microseconds())/1000, "bytes", c.Writer.Size())
	}
}

// securityHeaders sets the headers every answer carries.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		c.Next()
	}
}

// limitBody caps request bodies; reading past the cap gives a 413.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// requireUser authenticates the bearer token, or the browser's sign-in
// cookie (so that pages can download files and the check-in page can call
// the API); without either the request is a 401. A cookie-authenticated
// request is refused when a browser says it comes from another site.
func (s *Server) requireUser() gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok && h == "" {
			if p := s.cookiePrincipal(c); p != nil {
				if err := cop.Check(c.Request); err != nil {
					s.renderError(c, apperr.Forbidden("err.cross_origin"))
					return
				}
				c.Set(principalKey, p)
				c.Next()
				return
			}
		}
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="atelier"`)
			s.renderError(c, apperr.Unauthorized("err.unauthenticated"))
			return
		}
		p, err := s.auth.Authenticate(c.Request.Context(), strings.TrimSpace(token), store.TokenAPI)
		if err != nil {
			if apperr.Is(err, apperr.CodeUnauthorized) {
				c.Header("WWW-Authenticate", `Bearer realm="atelier", error="invalid_token"`)
			}
			s.renderError(c, err)
			return
		}
		c.Set(principalKey, p)
		c.Next()
	}
}

// requireRole lets through users with one of roles; others get a 403.
func (s *Server) requireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !principal(c).Is(roles...) {
			s.renderError(c, apperr.Forbidden("err.forbidden"))
			return
		}
		c.Next()
	}
}

// principal returns the signed-in user; only call it behind requireUser.
func principal(c *gin.Context) *auth.Principal {
	return c.MustGet(principalKey).(*auth.Principal)
}

// crossOriginProtection refuses state-changing requests that a browser
// marks as coming from another site (Sec-Fetch-Site, then Origin): the
// forms' CSRF defence.
func (s *Server) crossOriginProtection() gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			s.renderError(c, apperr.Forbidden("err.cross_origin"))
			return
		}
		c.Next()
	}
}
