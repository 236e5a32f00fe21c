package web

import (
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/store"
)

// sessionCookie holds a browser's sign-in token (a web token, stored hashed).
const sessionCookie = "atelier_session"

// setSessionCookie writes the sign-in cookie: HttpOnly, SameSite=Lax, and
// Secure when the site is served over https.
func (s *Server) setSessionCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode,
	})
}

// cookieUser authenticates the browser's cookie, if any.
func (s *Server) cookieUser(c *gin.Context) *store.User {
	token, err := c.Cookie(sessionCookie)
	if err != nil || token == "" {
		return nil
	}
	u, err := s.svc.Auth.Authenticate(c.Request.Context(), token, store.TokenWeb)
	if err != nil {
		return nil
	}
	return u
}

// errorPage renders a page-level error (403, 404, 409…).
func (s *Server) errorPage(c *gin.Context, e *apperr.Error) {
	p := s.userPage(c, "")
	p.Title = s.tr.Msg(p.Lang, e.Msg)
	var details []string
	for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
		details = append(details, f+" : "+s.tr.Msg(p.Lang, e.Fields[f]))
	}
	p.Data = strings.Join(details, " · ")
	s.render(c, statusOf[e.Code], "error", p)
	c.Abort()
}

// userPage starts a page for the signed-in user (if any), in their language.
func (s *Server) userPage(c *gin.Context, title string) *page {
	var p *page
	if u := currentUser(c); u != nil {
		p = s.newPage(c, u.Language)
		p.User = u
		p.Role = u.Role
	} else {
		p = s.newPage(c, "")
	}
	if title != "" {
		p.Title = p.T(title)
	}
	return p
}

type loginView struct {
	Email string
	Next  string
}

func (s *Server) loginPage(c *gin.Context) {
	if s.cookieUser(c) != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return
	}
	p := s.userPage(c, "login.title")
	p.Data = loginView{Next: safeNext(c.Query("next"))}
	s.render(c, http.StatusOK, "login", p)
}

func (s *Server) login(c *gin.Context) {
	if err := formControl(c); err != nil {
		p := s.userPage(c, "login.title")
		e := s.toAppErr(c, err)
		p.Error = s.tr.Msg(p.Lang, e.Msg)
		for _, m := range e.Fields {
			p.Error = s.tr.Msg(p.Lang, m)
		}
		p.Data = loginView{Next: "/app"}
		s.render(c, statusOf[e.Code], "login", p)
		return
	}
	email, password := strings.TrimSpace(c.PostForm("email")), c.PostForm("password")
	next := safeNext(c.PostForm("next"))
	token, _, u, err := s.svc.Auth.Login(c.Request.Context(), email, password, store.TokenWeb, c.ClientIP())
	if err != nil {
		e := s.toAppErr(c, err)
		p := s.userPage(c, "login.title")
		p.Error = s.tr.Msg(p.Lang, e.Msg)
		p.Data = loginView{Email: email, Next: next}
		status := statusOf[e.Code]
		if e.Code == apperr.CodeUnauthorized {
			status = http.StatusUnauthorized
		}
		s.render(c, status, "login", p)
		return
	}
	s.setSessionCookie(c, token, int(auth.WebTTL.Seconds()))
	if _, err := c.Cookie("lang"); err != nil && u.Language != "" {
		// The user's own language takes over from the browser's.
		http.SetCookie(c.Writer, &http.Cookie{Name: "lang", Value: u.Language, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
	}
	c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logout(c *gin.Context) {
	if token, err := c.Cookie(sessionCookie); err == nil {
		_ = s.svc.Auth.Logout(c.Request.Context(), token)
	}
	s.setSessionCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/login")
}

// safeNext keeps a redirect target on this site: a plain path (with an
// optional query), no scheme, no host, no backslash or control character
// that a browser could read as another host.
func safeNext(next string) string {
	const home = "/app"
	if next == "" || len(next) > 2000 || strings.ContainsAny(next, "\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	p := path.Clean(u.Path)
	if !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(p, "//") {
		return home
	}
	out := p
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out
}

// home sends signed-in users to their start page, others to sign in.
func (s *Server) home(c *gin.Context) {
	if s.cookieUser(c) != nil {
		c.Redirect(http.StatusSeeOther, "/app")
		return
	}
	c.Redirect(http.StatusSeeOther, "/login")
}
