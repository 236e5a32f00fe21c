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
	if c.Query("done") == "reset" {
		p.Info = p.T("login.reset_done")
	}
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

// safeNext keeps a redirect target on this site. It accepts a path with an
// optional query, in printable ASCII, whose path stays a plain path on this
// host however many times it is percent-decoded (a browser or a proxy may
// decode once more than we do): every stage must start with exactly one
// slash and hold no backslash, control or bidirectional character, space,
// non-ASCII character, encoded slash, '?' or '#'. Anything else goes to the dashboard. The
// answer is the decoded, cleaned path, escaped once, and the query as given.
func safeNext(next string) string {
	const home = "/app"
	if next == "" || len(next) > 2000 {
		return home
	}
	for i := 0; i < len(next); i++ {
		if b := next[i]; b <= ' ' || b >= 0x7f || b == '\\' || b == '#' {
			return home
		}
	}
	rawPath, rawQuery, hasQuery := strings.Cut(next, "?")
	p, ok := decodedPath(rawPath)
	if !ok {
		return home
	}
	out := (&url.URL{Path: p}).EscapedPath()
	if hasQuery && rawQuery != "" {
		out += "?" + rawQuery
	}
	if !onThisSite(out) {
		return home
	}
	return out
}

// maxDecodings bounds how many layers of percent-encoding a next path may
// carry; legitimate ones carry at most one.
const maxDecodings = 4

// decodedPath percent-decodes raw until it no longer changes and returns it
// cleaned, provided every stage is a plain path (see plainPath) and no
// stage decodes to a new slash.
func decodedPath(raw string) (string, bool) {
	cur := raw
	for range maxDecodings {
		if !plainPath(cur) {
			return "", false
		}
		dec, err := url.PathUnescape(cur)
		if err != nil {
			return "", false
		}
		if dec == cur {
			return path.Clean(cur), true
		}
		if strings.Count(dec, "/") != strings.Count(cur, "/") {
			return "", false // an encoded slash
		}
		cur = dec
	}
	return "", false
}

// plainPath reports an absolute path that no browser reads as another host
// or as more than a path: one leading slash, then printable ASCII without
// backslash, '?' or '#' (no control, space, bidirectional or look-alike
// character: our own paths never need them).
func plainPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	return !strings.ContainsFunc(p, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || r == '\\' || r == '?' || r == '#'
	})
}

// onThisSite is the last check of a redirect target: url.Parse reads it as
// a path on this host, and it starts with one slash not followed by another
// slash or a backslash.
func onThisSite(target string) bool {
	u, err := url.Parse(target)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == "" &&
		strings.HasPrefix(target, "/") && !strings.HasPrefix(target, "//") && !strings.HasPrefix(target, "/\\")
}

// home sends signed-in users to their start page, others to sign in.
func (s *Server) home(c *gin.Context) {
	if s.cookieUser(c) != nil {
		c.Redirect(http.StatusSeeOther, "/app")
		return
	}
	c.Redirect(http.StatusSeeOther, "/login")
}
