package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/auth"
)

type accountsView struct {
	Users []auth.Account
	Form  *form
	Reset *resetShown
}

// resetShown is a reset link just made, shown once.
type resetShown struct {
	Email string
	Link  string
}

// accountsPage lists the accounts of the commune (all of them for an
// admin): disable, enable, send a reset link, create.
func (s *Server) accountsPage(c *gin.Context) error {
	return s.renderAccounts(c, http.StatusOK, nil, nil, nil)
}

func (s *Server) renderAccounts(c *gin.Context, status int, p *page, f *form, reset *resetShown) error {
	users, err := s.svc.Auth.Users(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Title, p.Nav = p.T("accounts.title"), "accounts"
	if f == nil {
		f = &form{Values: map[string][]string{"role": {"trainer"}}, Errors: map[string]string{}}
	}
	switch c.Query("done") {
	case "created":
		p.Info = p.T("admin.user_created")
	case "disabled":
		p.Info = p.T("accounts.disabled_done")
	case "enabled":
		p.Info = p.T("accounts.enabled_done")
	}
	p.Data = accountsView{Users: users, Form: f, Reset: reset}
	s.render(c, status, "accounts", p)
	return nil
}

func (s *Server) createAccountForm(c *gin.Context) error {
	f := newForm(c)
	cl := caller(c)
	_, err := s.svc.Auth.CreateUser(c.Request.Context(), &cl, auth.NewUser{Email: f.Get("email"), Password: f.Get("password"), Role: f.Get("role"), Name: f.Get("name")})
	if err != nil {
		f.Values.Del("password")
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
			return s.renderAccounts(c, status, p, f, nil)
		})
	}
	c.Redirect(http.StatusSeeOther, "/app/accounts?done=created")
	return nil
}

// setDisabledForm disables or enables an account.
func (s *Server) setDisabledForm(disabled bool) handler {
	return func(c *gin.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		if _, err := s.svc.Auth.SetDisabled(c.Request.Context(), caller(c), id, disabled); err != nil {
			return redisplay(err, nil, func(c *gin.Context, status int, p *page, _ *form) error {
				return s.renderAccounts(c, status, p, nil, nil)
			})
		}
		done := "enabled"
		if disabled {
			done = "disabled"
		}
		c.Redirect(http.StatusSeeOther, "/app/accounts?done="+done)
		return nil
	}
}

// resetForm makes a reset link: mailed to the account's owner, and shown
// once on the page when no mail leaves.
func (s *Server) resetForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Auth.CreateReset(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	shown := &resetShown{Email: r.User.Email}
	if r.Token != "" {
		shown.Link = s.baseURL + "/reset/" + r.Token
	}
	return s.renderAccounts(c, http.StatusOK, nil, nil, shown)
}

// accountPage is the signed-in user's own account: their password.
func (s *Server) accountPage(c *gin.Context) error {
	return s.renderAccount(c, http.StatusOK, nil, &form{Errors: map[string]string{}})
}

func (s *Server) renderAccount(c *gin.Context, status int, p *page, f *form) error {
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Title, p.Nav = p.T("account.title"), "account"
	if c.Query("done") == "password" {
		p.Info = p.T("account.password_changed")
	}
	if f == nil {
		f = &form{Errors: map[string]string{}}
	}
	p.Data = f
	s.render(c, status, "account", p)
	return nil
}

func (s *Server) changePasswordForm(c *gin.Context) error {
	f := newForm(c)
	err := s.svc.Auth.ChangePassword(c.Request.Context(), caller(c), f.Get("current_password"), f.Get("password"))
	f.Values = nil // passwords are never shown again
	if err != nil {
		return redisplay(err, f, s.renderAccount)
	}
	c.Redirect(http.StatusSeeOther, "/app/account?done=password")
	return nil
}

// resetPage is the form a reset link opens.
func (s *Server) resetPage(c *gin.Context) {
	s.renderReset(c, http.StatusOK, nil, &form{Errors: map[string]string{}})
}

func (s *Server) renderReset(c *gin.Context, status int, p *page, f *form) {
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Title = p.T("reset.title")
	p.Data = f
	s.render(c, status, "reset", p)
}

// resetSubmit sets the new password; the link is then used up.
func (s *Server) resetSubmit(c *gin.Context) {
	f := newForm(c)
	if err := formControl(c); err != nil {
		p := s.userPage(c, "")
		s.renderReset(c, s.fail(c, p, f, s.toAppErr(c, err)), p, f)
		return
	}
	_, err := s.svc.Auth.ResetPassword(c.Request.Context(), c.Param("token"), f.Get("password"))
	if err != nil {
		p := s.userPage(c, "")
		s.renderReset(c, s.fail(c, p, f, s.toAppErr(c, err)), p, f)
		return
	}
	c.Redirect(http.StatusSeeOther, "/login?done=reset")
}
