package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
)

type reportsView struct {
	Campaign    *report.Campaign
	Formats     []*catalog.Format
	Departments []store.Department
}

// reportsPage shows the campaign report and the exports.
func (s *Server) reportsPage(c *gin.Context) {
	orgID := principal(c).OrgID()
	p := s.userPage(c, "reports.title")
	p.Nav = "reports"
	rep, err := s.reports.Campaign(c.Request.Context(), orgID, p.Lang)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	deps, _ := s.store.Departments(c.Request.Context(), orgID)
	p.Data = reportsView{Campaign: rep, Formats: s.catalog.Formats(), Departments: deps}
	s.render(c, http.StatusOK, "reports", p)
}

type adminView struct {
	Orgs     []store.Org
	Users    []store.User
	OrgNames map[int64]string
	OrgForm  *form
	UserForm *form
	Roles    []string
}

// adminPage manages communes, users and roles.
func (s *Server) adminPage(c *gin.Context) {
	s.renderAdmin(c, http.StatusOK, nil, nil, nil)
}

func (s *Server) renderAdmin(c *gin.Context, status int, p *page, orgForm, userForm *form) {
	ctx := c.Request.Context()
	if p == nil {
		p = s.userPage(c, "admin.title")
	}
	p.Nav = "admin"
	v := adminView{OrgForm: orgForm, UserForm: userForm, Roles: store.UserRoles, OrgNames: map[int64]string{}}
	if v.OrgForm == nil {
		v.OrgForm = &form{Errors: map[string]string{}}
	}
	if v.UserForm == nil {
		v.UserForm = &form{Values: map[string][]string{"role": {store.RoleHR}}, Errors: map[string]string{}}
	}
	var err error
	if v.Orgs, err = s.store.Orgs(ctx); err != nil {
		s.pageFail(c, err)
		return
	}
	for _, o := range v.Orgs {
		v.OrgNames[o.ID] = o.Name
	}
	if v.Users, err = s.store.Users(ctx, 0); err != nil {
		s.pageFail(c, err)
		return
	}
	switch c.Query("done") {
	case "org":
		p.Info = p.T("admin.org_created")
	case "user":
		p.Info = p.T("admin.user_created")
	case "role":
		p.Info = p.T("admin.role_changed")
	}
	p.Data = v
	s.render(c, status, "admin", p)
}

func (s *Server) createOrgForm(c *gin.Context) {
	f := newForm(c)
	_, err := s.dir.CreateOrg(c.Request.Context(), directory.NewOrg{Slug: f.Get("slug"), Name: f.Get("name"), HRSenderName: f.Get("hr_sender_name"), HRSenderEmail: f.Get("hr_sender_email")})
	if err != nil {
		p := s.userPage(c, "admin.title")
		s.renderAdmin(c, s.fail(c, p, f, err), p, f, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/admin?done=org")
}

func (s *Server) createUserForm(c *gin.Context) {
	f := newForm(c)
	_, err := s.auth.CreateUser(c.Request.Context(), principal(c), auth.NewUser{
		Email: f.Get("email"), Password: f.Get("password"), Role: f.Get("role"), Org: f.Get("org"), Name: f.Get("name"), Language: f.Get("language"),
	})
	if err != nil {
		f.Values.Del("password")
		p := s.userPage(c, "admin.title")
		s.renderAdmin(c, s.fail(c, p, f, err), p, nil, f)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/admin?done=user")
}

func (s *Server) setRoleForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	if _, err := s.auth.SetRole(c.Request.Context(), principal(c), id, c.PostForm("role")); err != nil {
		p := s.userPage(c, "admin.title")
		status := s.fail(c, p, nil, err)
		s.renderAdmin(c, status, p, nil, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/admin?done=role")
}
