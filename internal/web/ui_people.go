package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/roster"
	"github.com/atelier-ch/atelier/internal/store"
)

type peopleView struct {
	People      []store.Person
	Departments map[int64]string
	DepList     []store.Department
	Roles       []string
	Pager       pager
	Query       string
	Role        string
	Department  int64
	Import      *importView
}

// peoplePage lists the commune's people: search, filters, pages.
func (s *Server) peoplePage(c *gin.Context) error {
	return s.renderPeople(c, http.StatusOK, nil, nil)
}

func (s *Server) renderPeople(c *gin.Context, status int, p *page, imp *importView) error {
	if p == nil {
		p = s.userPage(c, "people.title")
	}
	p.Nav = "people"
	v := &peopleView{Query: strings.TrimSpace(c.Query("q")), Role: c.Query("role"), Roles: directory.Roles, Departments: map[int64]string{}, Import: imp}
	v.Department, _ = strconv.ParseInt(c.Query("department_id"), 10, 64)
	f := store.PeopleFilter{Query: v.Query, Role: v.Role, DepartmentID: v.Department, Limit: pageSize, Offset: (pageNumber(c) - 1) * pageSize}
	pp, err := s.svc.Desk.People(c.Request.Context(), caller(c), f)
	if err != nil {
		return err
	}
	v.Pager = newPager(c, pp.Total)
	if v.Pager.offset() != f.Offset { // asked past the last page: show the last
		f.Offset = v.Pager.offset()
		if pp, err = s.svc.Desk.People(c.Request.Context(), caller(c), f); err != nil {
			return err
		}
	}
	v.People, v.DepList = pp.People, pp.Departments
	for _, d := range v.DepList {
		v.Departments[d.ID] = d.Name
	}
	switch c.Query("done") {
	case "saved":
		p.Info = p.T("people.saved")
	case "erased":
		p.Info = p.T("people.erased")
	case "imported":
		p.Info = p.T("hr.imported", atoi(c.Query("c")), atoi(c.Query("u")))
	}
	p.Data = v
	s.render(c, status, "people", p)
	return nil
}

type personFormView struct {
	Form        *form
	Person      *store.Person
	Departments []store.Department
	Roles       []string
	// RetentionMonths is how long the data of someone who left is kept;
	// PurgeOn is when this person's goes, once they left.
	RetentionMonths int
	LeftAt, PurgeOn time.Time
}

func (s *Server) newPersonPage(c *gin.Context) error {
	return s.renderPersonForm(c, http.StatusOK, nil, &form{Values: map[string][]string{"language": {"fr"}, "role": {"staff"}}, Errors: map[string]string{}})
}

func (s *Server) editPersonPage(c *gin.Context) error {
	return s.renderPersonForm(c, http.StatusOK, nil, nil)
}

// renderPersonForm shows the form of a new person, or of the person in the
// path; f nil fills it from the person.
func (s *Server) renderPersonForm(c *gin.Context, status int, p *page, f *form) error {
	var id int64
	if c.Param("id") != "" {
		var err error
		if id, err = pathID(c, "id"); err != nil {
			return err
		}
	}
	pf, err := s.svc.Desk.PersonForm(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Title = p.T("people.new")
	if person := pf.Person; person != nil {
		p.Title = person.Name
		if f == nil {
			f = &form{Values: map[string][]string{"given_name": {person.GivenName}, "family_name": {person.FamilyName}, "role": {person.Role}, "language": {person.Language}}, Errors: map[string]string{}}
			if person.Email != nil {
				f.Values.Set("email", *person.Email)
			}
			if person.DepartmentID != nil {
				f.Values.Set("department_id", strconv.FormatInt(*person.DepartmentID, 10))
			}
		}
	}
	p.Nav = "people"
	v := personFormView{Form: f, Person: pf.Person, Departments: pf.Departments, Roles: directory.Roles, RetentionMonths: s.svc.Privacy.RetentionMonths()}
	if pf.Person != nil && pf.Person.LeftAt != nil {
		v.LeftAt, v.PurgeOn = *pf.Person.LeftAt, s.svc.Privacy.PurgeDate(*pf.Person.LeftAt)
	}
	switch c.Query("done") {
	case "left":
		p.Info = p.T("people.left_done")
	case "returned":
		p.Info = p.T("people.returned_done")
	}
	p.Data = v
	s.render(c, status, "person_form", p)
	return nil
}

func personFormInput(f *form) directory.PersonInput {
	in := directory.PersonInput{}
	given, family, email, role, lang := f.Get("given_name"), f.Get("family_name"), f.Get("email"), f.Get("role"), f.Get("language")
	in.GivenName, in.FamilyName, in.Email, in.Role, in.Language = &given, &family, &email, &role, &lang
	if dep := f.Get("department_id"); dep == "" {
		in.ClearDepartment = true
	} else if n, err := strconv.ParseInt(dep, 10, 64); err == nil {
		in.DepartmentID = &n
	} else {
		bad := int64(-1)
		in.DepartmentID = &bad
	}
	return in
}

func (s *Server) createPersonForm(c *gin.Context) error {
	f := newForm(c)
	in := personFormInput(f)
	in.ClearDepartment = false
	if _, err := s.svc.Directory.CreatePerson(c.Request.Context(), caller(c), in); err != nil {
		return redisplay(err, f, s.renderPersonForm)
	}
	c.Redirect(http.StatusSeeOther, "/app/people?done=saved")
	return nil
}

func (s *Server) updatePersonForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newForm(c)
	if _, err := s.svc.Directory.UpdatePerson(c.Request.Context(), caller(c), id, personFormInput(f)); err != nil {
		if apperr.Is(err, apperr.CodeNotFound) || isNotFound(err) {
			return err
		}
		return redisplay(err, f, s.renderPersonForm)
	}
	c.Redirect(http.StatusSeeOther, "/app/people?done=saved")
	return nil
}

func (s *Server) erasePersonForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if !confirmed(c) {
		im, err := s.svc.Privacy.Impact(c.Request.Context(), caller(c), id)
		if err != nil {
			return err
		}
		p := s.userPage(c, "")
		return s.askConfirmation(c, p.T("confirm.erase_title", im.Name), confirmView{
			Lines:  []string{p.T("confirm.erase_upcoming", im.Upcoming), p.T("confirm.erase_kept", im.Kept), p.T("confirm.final")},
			Button: p.T("people.erase"), Back: fmt.Sprintf("/app/people/%d/edit", id), Danger: true,
		})
	}
	if err := s.svc.Privacy.Erase(c.Request.Context(), caller(c), id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/app/people?done=erased")
	return nil
}

// leavePersonForm records that a person left the commune, after a
// confirmation that says what it does.
func (s *Server) leavePersonForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if !confirmed(c) {
		im, err := s.svc.Privacy.Impact(c.Request.Context(), caller(c), id)
		if err != nil {
			return err
		}
		p := s.userPage(c, "")
		return s.askConfirmation(c, p.T("confirm.leave_title", im.Name), confirmView{
			Lines: []string{p.T("confirm.leave_upcoming", im.Upcoming), p.T("confirm.leave_booking"),
				p.T("confirm.leave_purge", s.svc.Privacy.RetentionMonths(), p.Date(s.svc.Privacy.PurgeDate(s.now())))},
			Button: p.T("people.leave"), Back: fmt.Sprintf("/app/people/%d/edit", id),
		})
	}
	if _, _, err := s.svc.Privacy.Leave(c.Request.Context(), caller(c), id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/people/%d/edit?done=left", id))
	return nil
}

// returnPersonForm records that a person who had left works for the
// commune again.
func (s *Server) returnPersonForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.Privacy.Return(c.Request.Context(), caller(c), id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/people/%d/edit?done=returned", id))
	return nil
}

// importView is an import's preview on the people page, and the file to
// confirm it with.
type importView struct {
	Preview roster.Preview
	OK      bool
	// Data is the file, base64, carried by the confirmation form: nothing
	// is kept on the server between the preview and the import.
	Data string
}

// importPeopleForm previews an import from the people page; posted again
// with confirm=1 it imports. Nothing is written while any row is wrong.
func (s *Server) importPeopleForm(c *gin.Context) error {
	p := s.userPage(c, "people.title")
	var data []byte
	confirm := c.PostForm("confirm") == "1"
	if confirm {
		var err error
		if data, err = base64.StdEncoding.DecodeString(c.PostForm("data")); err != nil {
			return apperr.Invalid("file", "import.bad_file")
		}
	} else {
		file, err := c.FormFile("file")
		if err != nil {
			p.Error = p.T("import.no_file")
			return s.renderPeople(c, http.StatusUnprocessableEntity, p, nil)
		}
		fh, err := file.Open()
		if err != nil {
			return err
		}
		defer fh.Close()
		if data, err = io.ReadAll(io.LimitReader(fh, roster.MaxBytes+1)); err != nil {
			return err
		}
	}
	res, err := s.svc.Directory.Import(c.Request.Context(), caller(c), data, !confirm)
	var refused *directory.ErrImportRefused
	switch {
	case errors.As(err, &refused):
		p.Error = p.T("hr.import_refused")
		return s.renderPeople(c, http.StatusUnprocessableEntity, p, &importView{Preview: refused.Result.Preview(s.tr, p.Lang)})
	case err != nil:
		if e, ok := apperr.As(err); ok && e.Code == apperr.CodeValidation {
			p.Error = s.describe(p.Lang, err)
			return s.renderPeople(c, http.StatusUnprocessableEntity, p, nil)
		}
		return err
	}
	pv := res.Preview(s.tr, p.Lang)
	if confirm {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/people?done=imported&c=%d&u=%d", pv.Created, pv.Updated))
		return nil
	}
	return s.renderPeople(c, http.StatusOK, p, &importView{Preview: pv, OK: true, Data: base64.StdEncoding.EncodeToString(data)})
}

// describe renders an error with its field messages, for lists of problems.
func (s *Server) describe(lang string, err error) string {
	e, ok := apperr.As(err)
	if !ok {
		return err.Error()
	}
	out := s.tr.Msg(lang, e.Msg)
	for f, m := range e.Fields {
		out += " " + f + " : " + s.tr.Msg(lang, m)
	}
	return out
}

type departmentsView struct {
	Departments []directory.DepartmentRow
	Form        *form
}

func (s *Server) departmentsPage(c *gin.Context) error {
	return s.renderDepartments(c, http.StatusOK, nil, &form{Errors: map[string]string{}})
}

func (s *Server) renderDepartments(c *gin.Context, status int, p *page, f *form) error {
	deps, err := s.svc.Directory.DepartmentsWithCounts(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Title = p.T("departments.title")
	p.Nav = "people"
	switch c.Query("done") {
	case "deleted":
		p.Info = p.T("hr.department_deleted")
	case "merged":
		p.Info = p.T("hr.department_merged")
	}
	p.Data = departmentsView{Departments: deps, Form: f}
	s.render(c, status, "departments", p)
	return nil
}

func (s *Server) createDepartmentForm(c *gin.Context) error {
	f := newForm(c)
	if _, err := s.svc.Directory.CreateDepartment(c.Request.Context(), caller(c), f.Get("name")); err != nil {
		return redisplay(err, f, s.renderDepartments)
	}
	c.Redirect(http.StatusSeeOther, "/app/departments")
	return nil
}

func (s *Server) renameDepartmentForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := newForm(c)
	if _, err := s.svc.Directory.RenameDepartment(c.Request.Context(), caller(c), id, f.Get("name")); err != nil {
		if apperr.Is(err, apperr.CodeNotFound) || isNotFound(err) {
			return err
		}
		return redisplay(err, &form{Errors: map[string]string{}}, s.renderDepartments)
	}
	c.Redirect(http.StatusSeeOther, "/app/departments")
	return nil
}

// deleteDepartmentForm removes an empty service.
func (s *Server) deleteDepartmentForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Directory.DeleteDepartment(c.Request.Context(), caller(c), id); err != nil {
		return redisplay(err, &form{Errors: map[string]string{}}, s.renderDepartments)
	}
	c.Redirect(http.StatusSeeOther, "/app/departments?done=deleted")
	return nil
}

// mergeDepartmentForm moves a service's people into another.
func (s *Server) mergeDepartmentForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	into, _ := strconv.ParseInt(c.PostForm("into"), 10, 64)
	if _, err := s.svc.Directory.MergeDepartments(c.Request.Context(), caller(c), id, into); err != nil {
		return redisplay(err, &form{Errors: map[string]string{}}, s.renderDepartments)
	}
	c.Redirect(http.StatusSeeOther, "/app/departments?done=merged")
	return nil
}
