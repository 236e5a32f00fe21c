package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/directory"
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
	Import      *importResult
}

// peoplePage lists the commune's people: search, filters, pages.
func (s *Server) peoplePage(c *gin.Context) error {
	return s.renderPeople(c, http.StatusOK, nil, nil)
}

func (s *Server) renderPeople(c *gin.Context, status int, p *page, imp *importResult) error {
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
			f = &form{Values: map[string][]string{"name": {person.Name}, "role": {person.Role}, "language": {person.Language}}, Errors: map[string]string{}}
			if person.Email != nil {
				f.Values.Set("email", *person.Email)
			}
			if person.DepartmentID != nil {
				f.Values.Set("department_id", strconv.FormatInt(*person.DepartmentID, 10))
			}
		}
	}
	p.Nav = "people"
	p.Data = personFormView{Form: f, Person: pf.Person, Departments: pf.Departments, Roles: directory.Roles}
	s.render(c, status, "person_form", p)
	return nil
}

func personFormInput(f *form) directory.PersonInput {
	in := directory.PersonInput{}
	name, email, role, lang := f.Get("name"), f.Get("email"), f.Get("role"), f.Get("language")
	in.Name, in.Email, in.Role, in.Language = &name, &email, &role, &lang
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
	if err := s.svc.Privacy.Erase(c.Request.Context(), caller(c), id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/app/people?done=erased")
	return nil
}

// importResult says what an import did, for the page.
type importResult struct {
	Created int
	Skipped int
	Errors  []string
}

// importPeopleForm creates people from a CSV file.
func (s *Server) importPeopleForm(c *gin.Context) error {
	p := s.userPage(c, "people.title")
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
	data, err := io.ReadAll(io.LimitReader(fh, 5<<20))
	if err != nil {
		return err
	}
	res, err := s.svc.Directory.Import(c.Request.Context(), caller(c), data)
	if e, ok := apperr.As(err); ok && e.Code == apperr.CodeValidation {
		for _, m := range e.Fields {
			p.Error = s.tr.Msg(p.Lang, m)
		}
		return s.renderPeople(c, http.StatusUnprocessableEntity, p, nil)
	}
	if err != nil {
		return err
	}
	out := &importResult{Created: res.Created, Skipped: res.Skipped}
	if res.TooMany {
		out.Errors = append(out.Errors, p.T("import.too_many", directory.MaxImport))
	}
	for _, pr := range res.Problems {
		out.Errors = append(out.Errors, fmt.Sprintf("%d: %s", pr.Line, s.describe(p.Lang, pr.Err)))
	}
	p.Info = p.T("import.done", out.Created, out.Skipped, len(out.Errors))
	return s.renderPeople(c, http.StatusOK, p, out)
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
