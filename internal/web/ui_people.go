package web

import (
	"encoding/csv"
	"errors"
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
func (s *Server) peoplePage(c *gin.Context) {
	s.renderPeople(c, http.StatusOK, nil, nil)
}

func (s *Server) renderPeople(c *gin.Context, status int, p *page, imp *importResult) {
	ctx := c.Request.Context()
	orgID := principal(c).OrgID()
	if p == nil {
		p = s.userPage(c, "people.title")
	}
	p.Nav = "people"
	v := &peopleView{Query: strings.TrimSpace(c.Query("q")), Role: c.Query("role"), Roles: directory.Roles, Departments: map[int64]string{}, Import: imp}
	v.Department, _ = strconv.ParseInt(c.Query("department_id"), 10, 64)
	f := store.PeopleFilter{OrgID: orgID, Query: v.Query, Role: v.Role, DepartmentID: v.Department, Limit: 1}
	_, total, err := s.store.People(ctx, f)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	v.Pager = newPager(c, total)
	f.Limit, f.Offset = pageSize, v.Pager.offset()
	if v.People, _, err = s.store.People(ctx, f); err != nil {
		s.pageFail(c, err)
		return
	}
	v.DepList, _ = s.store.Departments(ctx, orgID)
	for _, d := range v.DepList {
		v.Departments[d.ID] = d.Name
	}
	if c.Query("done") == "saved" {
		p.Info = p.T("people.saved")
	}
	if c.Query("done") == "erased" {
		p.Info = p.T("people.erased")
	}
	p.Data = v
	s.render(c, status, "people", p)
}

type personFormView struct {
	Form        *form
	Person      *store.Person
	Departments []store.Department
	Roles       []string
}

func (s *Server) newPersonPage(c *gin.Context) {
	s.renderPersonForm(c, http.StatusOK, nil, &form{Values: map[string][]string{"language": {"fr"}, "role": {"staff"}}, Errors: map[string]string{}}, nil)
}

func (s *Server) editPersonPage(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	person, err := s.store.Person(c.Request.Context(), principal(c).OrgID(), id)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	f := &form{Values: map[string][]string{"name": {person.Name}, "role": {person.Role}, "language": {person.Language}}, Errors: map[string]string{}}
	if person.Email != nil {
		f.Values.Set("email", *person.Email)
	}
	if person.DepartmentID != nil {
		f.Values.Set("department_id", strconv.FormatInt(*person.DepartmentID, 10))
	}
	s.renderPersonForm(c, http.StatusOK, nil, f, person)
}

func (s *Server) renderPersonForm(c *gin.Context, status int, p *page, f *form, person *store.Person) {
	if p == nil {
		p = s.userPage(c, "people.new")
	}
	if person != nil {
		p.Title = person.Name
	}
	p.Nav = "people"
	deps, _ := s.store.Departments(c.Request.Context(), principal(c).OrgID())
	p.Data = personFormView{Form: f, Person: person, Departments: deps, Roles: directory.Roles}
	s.render(c, status, "person_form", p)
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

func (s *Server) createPersonForm(c *gin.Context) {
	f := newForm(c)
	in := personFormInput(f)
	in.ClearDepartment = false
	if _, err := s.dir.CreatePerson(c.Request.Context(), principal(c).OrgID(), in); err != nil {
		p := s.userPage(c, "people.new")
		s.renderPersonForm(c, s.fail(c, p, f, err), p, f, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/people?done=saved")
}

func (s *Server) updatePersonForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	f := newForm(c)
	person, err := s.dir.UpdatePerson(c.Request.Context(), principal(c).OrgID(), id, personFormInput(f))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.pageFail(c, err)
			return
		}
		p := s.userPage(c, "")
		orig, _ := s.store.Person(c.Request.Context(), principal(c).OrgID(), id)
		s.renderPersonForm(c, s.fail(c, p, f, err), p, f, orig)
		return
	}
	_ = person
	c.Redirect(http.StatusSeeOther, "/app/people?done=saved")
}

func (s *Server) erasePersonForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	if err := s.booking.ErasePerson(c.Request.Context(), actor(c), id); err != nil {
		s.pageFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/people?done=erased")
}

// importResult says what an import did.
type importResult struct {
	Created int
	Skipped int
	Errors  []string
}

// maxImport caps the rows of one import.
const maxImport = 5000

// importPeopleForm creates people from a CSV file: columns name, email,
// role, department (created if new), language; ";" or "," between fields;
// a header row. Rows that fail are listed, the others are imported; a
// person whose email exists is skipped.
func (s *Server) importPeopleForm(c *gin.Context) {
	p := s.userPage(c, "people.title")
	res := &importResult{}
	file, err := c.FormFile("file")
	if err != nil {
		p.Error = p.T("import.no_file")
		s.renderPeople(c, http.StatusUnprocessableEntity, p, nil)
		return
	}
	fh, err := file.Open()
	if err != nil {
		s.pageFail(c, err)
		return
	}
	defer fh.Close()
	rows, err := readCSV(io.LimitReader(fh, 5<<20))
	if err != nil || len(rows) < 2 {
		p.Error = p.T("import.bad_file")
		s.renderPeople(c, http.StatusUnprocessableEntity, p, nil)
		return
	}
	cols := map[string]int{}
	for i, h := range rows[0] {
		cols[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if _, ok := cols["name"]; !ok {
		p.Error = p.T("import.header")
		s.renderPeople(c, http.StatusUnprocessableEntity, p, nil)
		return
	}
	get := func(row []string, col string) string {
		if i, ok := cols[col]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	ctx := c.Request.Context()
	orgID := principal(c).OrgID()
	deps := map[string]int64{}
	existing, _ := s.store.Departments(ctx, orgID)
	for _, d := range existing {
		deps[strings.ToLower(d.Name)] = d.ID
	}
	if len(rows)-1 > maxImport {
		rows = rows[:maxImport+1]
		res.Errors = append(res.Errors, p.T("import.too_many", maxImport))
	}
	for n, row := range rows[1:] {
		line := n + 2
		name, email, role, depName, lang := get(row, "name"), get(row, "email"), get(row, "role"), get(row, "department"), get(row, "language")
		if role == "" {
			role = "staff"
		}
		if lang == "" {
			lang = "fr"
		}
		in := directory.PersonInput{Name: &name, Email: &email, Role: &role, Language: &lang}
		if depName != "" {
			id, ok := deps[strings.ToLower(depName)]
			if !ok {
				d, err := s.dir.CreateDepartment(ctx, orgID, depName)
				if err != nil {
					res.Errors = append(res.Errors, fmt.Sprintf("%d: %s", line, s.describe(p.Lang, err)))
					continue
				}
				id = d.ID
				deps[strings.ToLower(d.Name)] = id
			}
			in.DepartmentID = &id
		}
		if _, err := s.dir.CreatePerson(ctx, orgID, in); err != nil {
			if apperr.Is(err, apperr.CodeConflict) {
				res.Skipped++
				continue
			}
			res.Errors = append(res.Errors, fmt.Sprintf("%d: %s", line, s.describe(p.Lang, err)))
			continue
		}
		res.Created++
	}
	p.Info = p.T("import.done", res.Created, res.Skipped, len(res.Errors))
	s.renderPeople(c, http.StatusOK, p, res)
}

// readCSV reads a spreadsheet export: UTF-8 (with or without BOM), ";" or ",".
func readCSV(r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = ','
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	return cr.ReadAll()
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
	Departments []departmentRow
	Form        *form
}

type departmentRow struct {
	store.Department
	People int64
}

func (s *Server) departmentsPage(c *gin.Context) {
	s.renderDepartments(c, http.StatusOK, nil, &form{Errors: map[string]string{}})
}

func (s *Server) renderDepartments(c *gin.Context, status int, p *page, f *form) {
	ctx := c.Request.Context()
	orgID := principal(c).OrgID()
	if p == nil {
		p = s.userPage(c, "departments.title")
	}
	p.Nav = "people"
	deps, err := s.store.Departments(ctx, orgID)
	if err != nil {
		s.pageFail(c, err)
		return
	}
	v := departmentsView{Form: f}
	for _, d := range deps {
		_, n, _ := s.store.People(ctx, store.PeopleFilter{OrgID: orgID, DepartmentID: d.ID, Limit: 1})
		v.Departments = append(v.Departments, departmentRow{Department: d, People: n})
	}
	p.Data = v
	s.render(c, status, "departments", p)
}

func (s *Server) createDepartmentForm(c *gin.Context) {
	f := newForm(c)
	if _, err := s.dir.CreateDepartment(c.Request.Context(), principal(c).OrgID(), f.Get("name")); err != nil {
		p := s.userPage(c, "departments.title")
		s.renderDepartments(c, s.fail(c, p, f, err), p, f)
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/departments")
}

func (s *Server) renameDepartmentForm(c *gin.Context) {
	id, ok := s.pagePathID(c)
	if !ok {
		return
	}
	f := newForm(c)
	if _, err := s.dir.RenameDepartment(c.Request.Context(), principal(c).OrgID(), id, f.Get("name")); err != nil {
		if apperr.Is(err, apperr.CodeNotFound) || errors.Is(err, store.ErrNotFound) {
			s.pageFail(c, err)
			return
		}
		p := s.userPage(c, "departments.title")
		status := s.fail(c, p, nil, err)
		s.renderDepartments(c, status, p, &form{Errors: map[string]string{}})
		return
	}
	c.Redirect(http.StatusSeeOther, "/app/departments")
}
