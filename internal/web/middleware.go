package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/store"
)

const (
	userKey   = "atelier.user"
	callerKey = "atelier.caller"
)

// recoverPanics turns a panic into a logged 500 that reveals nothing.
func (s *Server) recoverPanics() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(c.Request.Context(), "panic", "route", c.FullPath(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					s.renderError(c, apperr.New(apperr.CodeInternal, "err.internal"))
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// logRequests writes one structured line per request. It logs the route
// pattern, never the path: paths carry personal tokens (/r/{token},
// /feeds/{token}.ics) that must not end up in logs.
func (s *Server) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		route := c.FullPath()
		if route == "" {
			route = "(no route)"
		}
		s.log.Log(c.Request.Context(), level, "http", "method", c.Request.Method, "route", route,
			"status", c.Writer.Status(), "ms", float64(time.Since(start).Microseconds())/1000, "bytes", c.Writer.Size())
	}
}

// securityHeaders sets the headers every answer carries; over https,
// browsers are told to stay on https (HSTS).
func (s *Server) securityHeaders() gin.HandlerFunc {
	hsts := strings.HasPrefix(s.baseURL, "https://")
	return func(c *gin.Context) {
		h := c.Writer.Header()
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		c.Next()
	}
}

// deadline bounds every request: past d, the database calls fail
// (store.ErrUnavailable) and the answer is a 503 rather than a connection
// left hanging.
func deadline(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		if d <= 0 {
			c.Next()
			return
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), d)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// noStore keeps API answers out of every cache: they carry personal data
// and tokens. A handler sending a file may tighten it, never loosen it.
func noStore() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
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
			if u := s.cookieUser(c); u != nil {
				if err := cop.Check(c.Request); err != nil {
					s.renderError(c, apperr.Forbidden("err.cross_origin"))
					return
				}
				if err := s.signIn(c, u); err != nil {
					s.renderError(c, err)
					return
				}
				c.Next()
				return
			}
		}
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="atelier"`)
			s.renderError(c, apperr.Unauthorized("err.unauthenticated"))
			return
		}
		u, err := s.svc.Auth.Authenticate(c.Request.Context(), strings.TrimSpace(token), store.TokenAPI)
		if err != nil {
			if apperr.Is(err, apperr.CodeUnauthorized) {
				c.Header("WWW-Authenticate", `Bearer realm="atelier", error="invalid_token"`)
			}
			s.renderError(c, err)
			return
		}
		if err := s.signIn(c, u); err != nil {
			s.renderError(c, err)
			return
		}
		c.Next()
	}
}

// optionalUser signs in a valid bearer token or sign-in cookie and lets
// any other request through as nobody: for the public routes that show a
// commune's staff more (its own formats). A wrong token is no refusal
// there, since the route needs none.
func (s *Server) optionalUser() gin.HandlerFunc {
	return func(c *gin.Context) {
		var u *store.User
		h := c.GetHeader("Authorization")
		if token, ok := strings.CutPrefix(h, "Bearer "); ok {
			u, _ = s.svc.Auth.Authenticate(c.Request.Context(), strings.TrimSpace(token), store.TokenAPI)
		} else if h == "" {
			u = s.cookieUser(c)
		}
		if u != nil {
			if err := s.signIn(c, u); err != nil {
				s.renderError(c, err)
				return
			}
		}
		c.Next()
	}
}

// signIn records who the request acts as. An admin acts in a commune by
// naming it with ?org=slug; whether they may is the policy's business.
func (s *Server) signIn(c *gin.Context, u *store.User) error {
	cl := auth.Caller(u)
	if slug := c.Query("org"); slug != "" && u.Role == store.RoleAdmin {
		o, err := s.svc.Directory.OrgBySlug(c.Request.Context(), slug)
		if err != nil {
			return apperr.Invalid("org", "err.org_unknown")
		}
		cl.OrgID = o.ID
	}
	c.Set(userKey, u)
	c.Set(callerKey, cl)
	return nil
}

// caller returns who the request acts as: a signed-in user, or nobody.
func caller(c *gin.Context) access.Caller {
	if v, ok := c.Get(callerKey); ok {
		return v.(access.Caller)
	}
	return access.Caller{}
}

// currentUser returns the signed-in account, nil when there is none.
func currentUser(c *gin.Context) *store.User {
	if v, ok := c.Get(userKey); ok {
		return v.(*store.User)
	}
	return nil
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

// requirePage lets signed-in users through to pages; others are sent to the
// sign-in page, which brings them back.
func (s *Server) requirePage() gin.HandlerFunc {
	return func(c *gin.Context) {
		u := s.cookieUser(c)
		if u == nil {
			c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		}
		if err := s.signIn(c, u); err != nil {
			s.errorPage(c, s.toAppErr(c, err))
			return
		}
		c.Next()
	}
}
