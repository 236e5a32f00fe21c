package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

type orgJSON struct {
	ID            int64  `json:"id"`
	Slug          string `json:"slug"`
	Name          string `json:"name"`
	HRSenderName  string `json:"hr_sender_name"`
	HRSenderEmail string `json:"hr_sender_email"`
	// RegionID is the region the commune belongs to (null: none);
	// ShareWithRegion its consent to show its aggregates there.
	RegionID        *int64    `json:"region_id"`
	ShareWithRegion bool      `json:"share_with_region"`
	CreatedAt       time.Time `json:"created_at"`
}

func toOrgJSON(o *store.Org) orgJSON {
	return orgJSON{ID: o.ID, Slug: o.Slug, Name: o.Name, HRSenderName: o.HRSenderName, HRSenderEmail: o.HRSenderEmail,
		RegionID: o.RegionID, ShareWithRegion: o.ShareWithRegion, CreatedAt: tz.In(o.CreatedAt)}
}

type createOrgRequest struct {
	Slug          string `json:"slug"`
	Name          string `json:"name"`
	HRSenderName  string `json:"hr_sender_name"`
	HRSenderEmail string `json:"hr_sender_email"`
}

func (s *Server) apiCreateOrg(c *gin.Context) error {
	var in createOrgRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.svc.Directory.CreateOrg(c.Request.Context(), caller(c), directory.NewOrg(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toOrgJSON(o))
	return nil
}

func (s *Server) apiOrgs(c *gin.Context) error {
	orgs, err := s.svc.Directory.Orgs(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	out := make([]orgJSON, len(orgs))
	for i := range orgs {
		out[i] = toOrgJSON(&orgs[i])
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type userJSON struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Org      string `json:"org,omitempty"`
	Region   string `json:"region,omitempty"`
	Language string `json:"language"`
	Disabled bool   `json:"disabled"`
}

func toUserJSON(a *auth.Account) userJSON {
	u := &a.User
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Org: a.OrgSlug, Region: a.RegionSlug, Language: u.Language, Disabled: u.DisabledAt != nil}
}

type createUserRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Role     string `json:"role"`
	Org      string `json:"org"`
	Region   string `json:"region"`
	Name     string `json:"name"`
	Language string `json:"language"`
}

func (s *Server) apiCreateUser(c *gin.Context) error {
	var in createUserRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cl := caller(c)
	a, err := s.svc.Auth.CreateUser(c.Request.Context(), &cl, auth.NewUser(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toUserJSON(a))
	return nil
}

// apiUsers lists accounts: an hr user's commune's, or for an admin every
// account (or one commune's with ?org=).
func (s *Server) apiUsers(c *gin.Context) error {
	accounts, err := s.svc.Auth.Users(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	out := make([]userJSON, len(accounts))
	for i := range accounts {
		out[i] = toUserJSON(&accounts[i])
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type departmentJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type createDepartmentRequest struct {
	Name string `json:"name"`
}

func (s *Server) apiCreateDepartment(c *gin.Context) error {
	var in createDepartmentRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Directory.CreateDepartment(c.Request.Context(), caller(c), in.Name)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, departmentJSON{ID: d.ID, Name: d.Name})
	return nil
}

func (s *Server) apiDepartments(c *gin.Context) error {
	deps, err := s.svc.Directory.Departments(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	out := make([]departmentJSON, len(deps))
	for i, d := range deps {
		out[i] = departmentJSON{ID: d.ID, Name: d.Name}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type personJSON struct {
	ID           int64   `json:"id"`
	Name         string  `json:"name"`
	GivenName    string  `json:"given_name"`
	FamilyName   string  `json:"family_name"`
	Email        *string `json:"email"`
	Role         string  `json:"role"`
	DepartmentID *int64  `json:"department_id"`
	Language     string  `json:"language"`
	// LeftAt is when the person left the commune, null while they work
	// there.
	LeftAt *time.Time `json:"left_at"`
}

func toPersonJSON(p *store.Person) personJSON {
	return personJSON{ID: p.ID, Name: p.Name, GivenName: p.GivenName, FamilyName: p.FamilyName, Email: p.Email, Role: p.Role, DepartmentID: p.DepartmentID, Language: p.Language, LeftAt: p.LeftAt}
}

type personRequest struct {
	Name         optional[string] `json:"name"`
	GivenName    optional[string] `json:"given_name"`
	FamilyName   optional[string] `json:"family_name"`
	Email        optional[string] `json:"email"`
	Role         optional[string] `json:"role"`
	DepartmentID optional[int64]  `json:"department_id"`
	Language     optional[string] `json:"language"`
}

func (r personRequest) input() directory.PersonInput {
	return directory.PersonInput{
		Name: r.Name.ptr(), GivenName: r.GivenName.ptr(), FamilyName: r.FamilyName.ptr(), Email: r.Email.ptr(), Role: r.Role.ptr(), Language: r.Language.ptr(),
		DepartmentID: r.DepartmentID.ptr(), ClearDepartment: r.DepartmentID.Set && r.DepartmentID.Null,
	}
}

func (s *Server) apiCreatePerson(c *gin.Context) error {
	var in personRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.svc.Directory.CreatePerson(c.Request.Context(), caller(c), in.input())
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toPersonJSON(p))
	return nil
}

func (s *Server) apiUpdatePerson(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in personRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.svc.Directory.UpdatePerson(c.Request.Context(), caller(c), id, in.input())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toPersonJSON(p))
	return nil
}

func (s *Server) apiPerson(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.svc.Directory.Person(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toPersonJSON(p))
	return nil
}

// apiPeople lists people, filtered by role and department, paged with
// limit (default 100, at most 1000) and offset; X-Total-Count gives the total.
func (s *Server) apiPeople(c *gin.Context) error {
	f := store.PeopleFilter{Role: c.Query("role"), Query: c.Query("q"), Limit: 100}
	var v apperr.Validation
	f.DepartmentID = queryInt(c, &v, "department_id", 0, 1<<62)
	if n := queryInt(c, &v, "limit", 1, 1000); n > 0 {
		f.Limit = int(n)
	}
	f.Offset = int(queryInt(c, &v, "offset", 0, 1<<31))
	if err := v.Err(); err != nil {
		return err
	}
	people, total, err := s.svc.Directory.People(c.Request.Context(), caller(c), f)
	if err != nil {
		return err
	}
	out := make([]personJSON, len(people))
	for i := range people {
		out[i] = toPersonJSON(&people[i])
	}
	c.Header("X-Total-Count", strconv.FormatInt(total, 10))
	c.JSON(http.StatusOK, out)
	return nil
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
func (s *Server) apiRenameDepartment(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in createDepartmentRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Directory.RenameDepartment(c.Request.Context(), caller(c), id, in.Name)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, departmentJSON{ID: d.ID, Name: d.Name})
	return nil
}

type userChangeRequest struct {
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
}

// apiUpdateUser changes an account: {"role"} (admin), {"disabled": true}
// (admin, or HR for its commune's accounts), which ends its sign-ins at once.
func (s *Server) apiUpdateUser(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in userChangeRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.svc.Auth.UpdateUser(c.Request.Context(), caller(c), id, auth.UserChange(in))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toUserJSON(a))
	return nil
}

type resetJSON struct {
	ExpiresAt time.Time `json:"expires_at"`
	Mailed    bool      `json:"mailed"`
	// Link is shown once, when it did not go by mail.
	Link string `json:"link,omitempty"`
}

// apiPasswordReset makes a one-time link, valid 24 h, with which the
// account's owner chooses a new password: mailed to them, and shown here
// once when no mail leaves.
func (s *Server) apiPasswordReset(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Auth.CreateReset(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	out := resetJSON{ExpiresAt: tz.In(r.Expires), Mailed: r.Mailed}
	if r.Token != "" {
		out.Link = s.baseURL + "/reset/" + r.Token
	}
	c.JSON(http.StatusCreated, out)
	return nil
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

// apiChangePassword changes the caller's own password.
func (s *Server) apiChangePassword(c *gin.Context) error {
	var in passwordRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.svc.Auth.ChangePassword(c.Request.Context(), caller(c), in.CurrentPassword, in.Password); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// apiDeleteDepartment removes an empty service (409 naming how many
// people it still has).
func (s *Server) apiDeleteDepartment(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Directory.DeleteDepartment(c.Request.Context(), caller(c), id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

type mergeRequest struct {
	Into int64 `json:"into"`
}

// apiMergeDepartment moves a service's people into another and removes it:
// {"into": id}.
func (s *Server) apiMergeDepartment(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in mergeRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Directory.MergeDepartments(c.Request.Context(), caller(c), id, in.Into)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, departmentJSON{ID: d.ID, Name: d.Name})
	return nil
}

type staffActionJSON struct {
	ID      int64          `json:"id"`
	At      time.Time      `json:"at"`
	Actor   string         `json:"actor"`
	UserID  *int64         `json:"user_id"`
	OrgID   *int64         `json:"org_id"`
	Action  string         `json:"action"`
	Target  string         `json:"target"`
	Details map[string]any `json:"details"`
}

// apiStaffActions lists staff actions on accounts and personal data, newest
// first (admins; one commune's with ?org=).
func (s *Server) apiStaffActions(c *gin.Context) error {
	f := store.StaffActionFilter{Limit: 100}
	var v apperr.Validation
	if n := queryInt(c, &v, "limit", 1, 1000); n > 0 {
		f.Limit = int(n)
	}
	f.Offset = int(queryInt(c, &v, "offset", 0, 1<<31))
	if err := v.Err(); err != nil {
		return err
	}
	cl := caller(c)
	f.OrgID = cl.OrgID
	actions, total, err := s.svc.StaffLog.List(c.Request.Context(), cl, f)
	if err != nil {
		return err
	}
	out := make([]staffActionJSON, len(actions))
	for i, a := range actions {
		d := map[string]any{}
		_ = json.Unmarshal([]byte(a.Detail), &d)
		out[i] = staffActionJSON{ID: a.ID, At: tz.In(a.CreatedAt), Actor: a.Actor, UserID: a.ActorUserID, OrgID: a.OrgID, Action: a.Action, Target: a.Target, Details: d}
	}
	c.Header("X-Total-Count", strconv.FormatInt(total, 10))
	c.JSON(http.StatusOK, out)
	return nil
}
