package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/desk"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/store"
)

// isNotFound reports whether err says something does not exist.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// reportsPage shows the campaign report and the exports.
func (s *Server) reportsPage(c *gin.Context) error {
	p := s.userPage(c, "reports.title")
	p.Nav = "reports"
	rp, err := s.svc.Desk.Reports(c.Request.Context(), caller(c), p.Lang)
	if err != nil {
		return err
	}
	p.Data = rp
	s.render(c, http.StatusOK, "reports", p)
	return nil
}

type adminView struct {
	*desk.AdminPage
	OrgNames   map[int64]string
	OrgForm    *form
	UserForm   *form
	RegionForm *form
	// MemberForm puts a commune in a region.
	MemberForm *form
	Roles      []string
}

// adminPage manages communes, users and roles.
func (s *Server) adminPage(c *gin.Context) error {
	return s.renderAdmin(c, http.StatusOK, nil, nil, nil)
}

func (s *Server) renderAdmin(c *gin.Context, status int, p *page, orgForm, userForm *form) error {
	return s.renderAdminForms(c, status, p, adminView{OrgForm: orgForm, UserForm: userForm})
}

// renderAdminForms renders the administration with the forms of v (nil:
// empty).
func (s *Server) renderAdminForms(c *gin.Context, status int, p *page, v adminView) error {
	ap, err := s.svc.Desk.Admin(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Title = p.T("admin.title")
	p.Nav = "admin"
	v.AdminPage, v.Roles, v.OrgNames = ap, store.UserRoles, map[int64]string{}
	for _, f := range []**form{&v.OrgForm, &v.RegionForm, &v.MemberForm} {
		if *f == nil {
			*f = &form{Errors: map[string]string{}}
		}
	}
	if v.UserForm == nil {
		v.UserForm = &form{Values: map[string][]string{"role": {store.RoleHR}}, Errors: map[string]string{}}
	}
	for _, o := range ap.Orgs {
		v.OrgNames[o.ID] = o.Name
	}
	switch c.Query("done") {
	case "org":
		p.Info = p.T("admin.org_created")
	case "user":
		p.Info = p.T("admin.user_created")
	case "role":
		p.Info = p.T("admin.role_changed")
	case "region":
		p.Info = p.T("region.admin.created")
	case "member":
		p.Info = p.T("region.admin.member_added")
	}
	p.Data = v
	s.render(c, status, "admin", p)
	return nil
}

func (s *Server) createOrgForm(c *gin.Context) error {
	f := newForm(c)
	_, err := s.svc.Directory.CreateOrg(c.Request.Context(), caller(c), directory.NewOrg{Slug: f.Get("slug"), Name: f.Get("name"), HRSenderName: f.Get("hr_sender_name"), HRSenderEmail: f.Get("hr_sender_email")})
	if err != nil {
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
			return s.renderAdmin(c, status, p, f, nil)
		})
	}
	c.Redirect(http.StatusSeeOther, "/app/admin?done=org")
	return nil
}

func (s *Server) createUserForm(c *gin.Context) error {
	f := newForm(c)
	cl := caller(c)
	_, err := s.svc.Auth.CreateUser(c.Request.Context(), &cl, auth.NewUser{
		Email: f.Get("email"), Password: f.Get("password"), Role: f.Get("role"), Org: f.Get("org"), Region: f.Get("region"), Name: f.Get("name"), Language: f.Get("language"),
	})
	if err != nil {
		f.Values.Del("password")
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
			return s.renderAdmin(c, status, p, nil, f)
		})
	}
	c.Redirect(http.StatusSeeOther, "/app/admin?done=user")
	return nil
}

func (s *Server) setRoleForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.Auth.SetRole(c.Request.Context(), caller(c), id, c.PostForm("role")); err != nil {
		return redisplay(err, &form{Errors: map[string]string{}}, func(c *gin.Context, status int, p *page, _ *form) error {
			return s.renderAdmin(c, status, p, nil, nil)
		})
	}
	c.Redirect(http.StatusSeeOther, "/app/admin?done=role")
	return nil
}

func (s *Server) createRegionForm(c *gin.Context) error {
	f := newForm(c)
	if _, err := s.svc.Regions.Create(c.Request.Context(), caller(c), f.Get("slug"), f.Get("name")); err != nil {
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
			return s.renderAdminForms(c, status, p, adminView{RegionForm: f})
		})
	}
	c.Redirect(http.StatusSeeOther, "/app/admin?done=region#regions")
	return nil
}

func (s *Server) addRegionCommuneForm(c *gin.Context) error {
	f := newForm(c)
	if _, err := s.svc.Regions.AddCommune(c.Request.Context(), caller(c), f.Get("region"), f.Get("org")); err != nil {
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
			return s.renderAdminForms(c, status, p, adminView{MemberForm: f})
		})
	}
	c.Redirect(http.StatusSeeOther, "/app/admin?done=member#regions")
	return nil
}
