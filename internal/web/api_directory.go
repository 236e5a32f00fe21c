package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

type orgJSON struct {
	ID            int64     `json:"id"`
	Slug          string    `json:"slug"`
	Name          string    `json:"name"`
	HRSenderName  string    `json:"hr_sender_name"`
	HRSenderEmail string    `json:"hr_sender_email"`
	CreatedAt     time.Time `json:"created_at"`
}

func toOrgJSON(o *store.Org) orgJSON {
	return orgJSON{ID: o.ID, Slug: o.Slug, Name: o.Name, HRSenderName: o.HRSenderName, HRSenderEmail: o.HRSenderEmail, CreatedAt: tz.In(o.CreatedAt)}
}

type createOrgRequest struct {
	Slug          string `json:"slug"`
	Name          string `json:"name"`
	HRSenderName  string `json:"hr_sender_name"`
	HRSenderEmail string `json:"hr_sender_email"`
}

func (s *Server) apiCreateOrg(c *gin.Context) {
	var in createOrgRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	o, err := s.dir.CreateOrg(c.Request.Context(), directory.NewOrg(in))
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toOrgJSON(o))
}

func (s *Server) apiOrgs(c *gin.Context) {
	orgs, err := s.store.Orgs(c.Request.Context())
	if err != nil {
		s.renderError(c, err)
		return
	}
	out := make([]orgJSON, len(orgs))
	for i := range orgs {
		out[i] = toOrgJSON(&orgs[i])
	}
	c.JSON(http.StatusOK, out)
}

type userJSON struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Org      string `json:"org,omitempty"`
	Language string `json:"language"`
}

type createUserRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Role     string `json:"role"`
	Org      string `json:"org"`
	Name     string `json:"name"`
	Language string `json:"language"`
}

func (s *Server) apiCreateUser(c *gin.Context) {
	var in createUserRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	u, err := s.auth.CreateUser(c.Request.Context(), principal(c), auth.NewUser(in))
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.toUserJSON(c, u))
}

// apiUsers lists accounts: an hr user's commune's, or for an admin every
// account (or one commune's with ?org=).
func (s *Server) apiUsers(c *gin.Context) {
	var orgID int64
	if !principal(c).Is(store.RoleAdmin) || c.Query("org") != "" {
		var err error
		if orgID, err = s.scopeOrg(c); err != nil {
			s.renderError(c, err)
			return
		}
	}
	users, err := s.store.Users(c.Request.Context(), orgID)
	if err != nil {
		s.renderError(c, err)
		return
	}
	out := make([]userJSON, len(users))
	for i := range users {
		out[i] = s.toUserJSON(c, &users[i])
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) toUserJSON(c *gin.Context, u *store.User) userJSON {
	out := userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Language: u.Language}
	if u.OrgID != nil {
		if o, err := s.store.Org(c.Request.Context(), *u.OrgID); err == nil {
			out.Org = o.Slug
		}
	}
	return out
}

// scopeOrg is the commune a request works in: the user's own; an admin
// without one names it with ?org=slug.
func (s *Server) scopeOrg(c *gin.Context) (int64, error) {
	p := principal(c)
	slug := c.Query("org")
	if p.Is(store.RoleAdmin) && slug != "" {
		o, err := s.store.OrgBySlug(c.Request.Context(), slug)
		if err != nil {
			return 0, apperr.Invalid("org", "err.org_unknown")
		}
		return o.ID, nil
	}
	if p.OrgID() == 0 {
		return 0, apperr.Invalid("org", "err.org_required")
	}
	return p.OrgID(), nil
}

type departmentJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type createDepartmentRequest struct {
	Name string `json:"name"`
}

func (s *Server) apiCreateDepartment(c *gin.Context) {
	var in createDepartmentRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	d, err := s.dir.CreateDepartment(c.Request.Context(), orgID, in.Name)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, departmentJSON{ID: d.ID, Name: d.Name})
}

func (s *Server) apiDepartments(c *gin.Context) {
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	deps, err := s.store.Departments(c.Request.Context(), orgID)
	if err != nil {
		s.renderError(c, err)
		return
	}
	out := make([]departmentJSON, len(deps))
	for i, d := range deps {
		out[i] = departmentJSON{ID: d.ID, Name: d.Name}
	}
	c.JSON(http.StatusOK, out)
}

type personJSON struct {
	ID           int64   `json:"id"`
	Name         string  `json:"name"`
	Email        *string `json:"email"`
	Role         string  `json:"role"`
	DepartmentID *int64  `json:"department_id"`
	Language     string  `json:"language"`
}

func toPersonJSON(p *store.Person) personJSON {
	return personJSON{ID: p.ID, Name: p.Name, Email: p.Email, Role: p.Role, DepartmentID: p.DepartmentID, Language: p.Language}
}

type personRequest struct {
	Name         optional[string] `json:"name"`
	Email        optional[string] `json:"email"`
	Role         optional[string] `json:"role"`
	DepartmentID optional[int64]  `json:"department_id"`
	Language     optional[string] `json:"language"`
}

func (r personRequest) input() directory.PersonInput {
	return directory.PersonInput{
		Name: r.Name.ptr(), Email: r.Email.ptr(), Role: r.Role.ptr(), Language: r.Language.ptr(),
		DepartmentID: r.DepartmentID.ptr(), ClearDepartment: r.DepartmentID.Set && r.DepartmentID.Null,
	}
}

func (s *Server) apiCreatePerson(c *gin.Context) {
	var in personRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	p, err := s.dir.CreatePerson(c.Request.Context(), orgID, in.input())
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, toPersonJSON(p))
}

func (s *Server) apiUpdatePerson(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var in personRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	p, err := s.dir.UpdatePerson(c.Request.Context(), orgID, id, in.input())
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, toPersonJSON(p))
}

func (s *Server) apiPerson(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	p, err := s.store.Person(c.Request.Context(), orgID, id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, toPersonJSON(p))
}

// apiPeople lists people, filtered by role and department, paged with
// limit (default 100, at most 1000) and offset; X-Total-Count gives the total.
func (s *Server) apiPeople(c *gin.Context) {
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	f := store.PeopleFilter{OrgID: orgID, Role: c.Query("role"), Query: c.Query("q"), Limit: 100}
	var v apperr.Validation
	if f.Role != "" && !slices.Contains(directory.Roles, f.Role) {
		v.Add("role", "err.person_role", strings.Join(directory.Roles, ", "))
	}
	f.DepartmentID = queryInt(c, &v, "department_id", 0, 1<<62)
	f.Limit = int(queryInt(c, &v, "limit", 1, 1000))
	if f.Limit == 0 {
		f.Limit = 100
	}
	f.Offset = int(queryInt(c, &v, "offset", 0, 1<<31))
	if err := v.Err(); err != nil {
		s.renderError(c, err)
		return
	}
	people, total, err := s.store.People(c.Request.Context(), f)
	if err != nil {
		s.renderError(c, err)
		return
	}
	out := make([]personJSON, len(people))
	for i := range people {
		out[i] = toPersonJSON(&people[i])
	}
	c.Header("X-Total-Count", strconv.FormatInt(total, 10))
	c.JSON(http.StatusOK, out)
}

// queryInt reads an optional integer query parameter within [lo, hi];
// absent gives 0.
func queryInt(c *gin.Context, v *apperr.Validation, name string, lo, hi int64) int64 {
	raw := c.Query(name)
	if raw == "" {
		return 0
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < lo || n > hi {
		v.Add(name, "err.type_number")
		return 0
	}
	return n
}

// apiRenameDepartment renames a department: {"name"}.
func (s *Server) apiRenameDepartment(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var in createDepartmentRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	orgID, err := s.scopeOrg(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	d, err := s.dir.RenameDepartment(c.Request.Context(), orgID, id, in.Name)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, departmentJSON{ID: d.ID, Name: d.Name})
}

type roleRequest struct {
	Role string `json:"role"`
}

// apiSetUserRole changes an account's role (admin): {"role"}.
func (s *Server) apiSetUserRole(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var in roleRequest
	if err := decodeJSON(c, &in); err != nil {
		s.renderError(c, err)
		return
	}
	u, err := s.auth.SetRole(c.Request.Context(), principal(c), id, in.Role)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.toUserJSON(c, u))
}
