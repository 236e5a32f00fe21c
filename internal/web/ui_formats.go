package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/strategy"
)

// catalogView is the catalogue page: the catalogue's formats, the
// commune's own, and those published in its region.
type catalogView struct {
	Catalogue, Own, Region []formats.Entry
}

// formatCards is what the format_cards block shows.
type formatCards struct {
	P       *page
	Formats []formats.Entry
}

func (s *Server) catalogPage(c *gin.Context) error {
	entries, err := s.svc.Formats.List(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	var v catalogView
	for _, e := range entries {
		switch {
		case e.Catalogue():
			v.Catalogue = append(v.Catalogue, e)
		case e.Own:
			v.Own = append(v.Own, e)
		default:
			v.Region = append(v.Region, e)
		}
	}
	p := s.userPage(c, "catalog.title")
	p.Nav = "catalog"
	p.Data = v
	s.render(c, http.StatusOK, "catalog", p)
	return nil
}

type formatView struct {
	*formats.Page
	Text      catalog.FormatText
	Exercises []exerciseView
	Agenda    []agendaLine
	CanPlan   bool
	// Memento is the commune's memento, for a format that presents it.
	Memento *strategy.MementoRef
}

type exerciseView struct {
	*catalog.Exercise
	Text catalog.ExerciseText
}

type agendaLine struct {
	catalog.AgendaItem
	Title string
}

// formatPage shows a format (?version=n: an older version of one of the
// commune's formats), with its versions and what HR may do with it.
func (s *Server) formatPage(c *gin.Context) error {
	version, err := queryVersion(c)
	if err != nil {
		return err
	}
	fp, err := s.svc.Formats.Page(c.Request.Context(), caller(c), c.Param("slug"), version)
	if err != nil {
		return err
	}
	p := s.userPage(c, "")
	p.Nav = "catalog"
	f := fp.Format
	v := formatView{Page: fp, Text: f.Localized(p.Lang), CanPlan: p.Role == store.RoleHR || p.Role == store.RoleAdmin}
	for _, e := range fp.Exercises {
		v.Exercises = append(v.Exercises, exerciseView{Exercise: e, Text: e.Localized(p.Lang)})
	}
	for _, a := range f.Agenda {
		t := a.Title
		if p.Lang == "de" && a.TitleDE != "" {
			t = a.TitleDE
		}
		v.Agenda = append(v.Agenda, agendaLine{AgendaItem: a, Title: t})
	}
	m, err := s.svc.Strategy.FormatMemento(c.Request.Context(), caller(c), f)
	if err != nil {
		return err
	}
	v.Memento = m
	switch c.Query("done") {
	case "saved":
		p.Info = p.T("formats.saved", fp.Version)
	case "unchanged":
		p.Info = p.T("formats.unchanged")
	case "published":
		p.Info = p.T("formats.published_done", fp.Region)
	case "withdrawn":
		p.Info = p.T("formats.withdrawn_done")
	}
	p.Title = v.Text.Title
	p.Data = v
	s.render(c, http.StatusOK, "format", p)
	return nil
}

// copyFormatForm copies a format into the caller's commune and opens the
// copy's form.
func (s *Server) copyFormatForm(c *gin.Context) error {
	d, err := s.svc.Formats.Copy(c.Request.Context(), caller(c), c.Param("slug"), formats.CopyInput{})
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/app/formats/"+d.Slug+"/edit?done=copied")
	return nil
}

// formatEditView is the form adapting a format.
type formatEditView struct {
	*formats.EditForm
	Form *form
	// Rows are the agenda's rows: those of the format, then spare ones.
	Rows []int
	// Choices are the catalogue's exercises, those chosen first in the
	// format's order (the order the form posts them back in).
	Choices       []exerciseChoice
	Kinds         []catalog.AgendaKind
	Audiences     []catalog.Audience
	Participation []catalog.Participation
	Groupings     []catalog.Grouping
	TrainerKinds  []catalog.TrainerKind
}

type exerciseChoice struct {
	*catalog.Exercise
	Title   string
	Checked bool
}

// spareAgendaRows are the empty agenda rows the form offers: a step is
// added by filling one and saving.
const spareAgendaRows = 2

func (s *Server) formatEditPage(c *gin.Context) error {
	return s.renderFormatEdit(c, http.StatusOK, nil, nil)
}

func (s *Server) renderFormatEdit(c *gin.Context, status int, p *page, f *form) error {
	if p == nil {
		p = s.userPage(c, "")
	}
	ef, err := s.svc.Formats.EditForm(c.Request.Context(), caller(c), c.Param("slug"))
	if err != nil {
		return err
	}
	if f == nil {
		f = formatForm(ef.Format)
		f.Values.Set("version", strconv.Itoa(ef.Latest))
	}
	v := formatEditView{EditForm: ef, Form: f, Kinds: catalog.AgendaKinds, Audiences: catalog.Audiences,
		Participation: []catalog.Participation{catalog.Voluntary, catalog.Mandatory},
		Groupings:     []catalog.Grouping{catalog.GroupTeam, catalog.GroupDepartment, catalog.GroupMixed},
		TrainerKinds:  []catalog.TrainerKind{catalog.TrainerInternal, catalog.TrainerExternal, catalog.TrainerPeerCommune}}
	chosen := f.Values["exercises"]
	byslug := map[string]*catalog.Exercise{}
	for _, e := range ef.Exercises {
		byslug[e.Slug] = e
	}
	for _, slug := range chosen {
		if e, ok := byslug[slug]; ok && !slices.ContainsFunc(v.Choices, func(x exerciseChoice) bool { return x.Slug == slug }) {
			v.Choices = append(v.Choices, exerciseChoice{Exercise: e, Title: e.Localized(p.Lang).Title, Checked: true})
		}
	}
	for _, e := range ef.Exercises {
		if !slices.Contains(chosen, e.Slug) {
			v.Choices = append(v.Choices, exerciseChoice{Exercise: e, Title: e.Localized(p.Lang).Title})
		}
	}
	n := agendaRows(f)
	for i := range min(n+spareAgendaRows, catalog.MaxAgendaItems) {
		v.Rows = append(v.Rows, i)
	}
	if c.Query("done") == "copied" {
		p.Info = p.T("formats.copied")
	}
	p.Nav = "catalog"
	p.Title = p.T("formats.edit_title", ef.Title)
	p.Data = v
	s.render(c, status, "format_edit", p)
	return nil
}

// agendaField names a field of an agenda row as the domain names it in
// its errors: agenda[2].minutes.
func agendaField(i int, name string) string { return fmt.Sprintf("agenda[%d].%s", i, name) }

// formatForm writes a format as the form's values.
func formatForm(f *catalog.Format) *form {
	fm := &form{Values: url.Values{}, Errors: map[string]string{}}
	fm.Values.Set("title", f.Title)
	fm.Values.Set("summary", f.Summary)
	if f.DE != nil {
		fm.Values.Set("de.title", f.DE.Title)
		fm.Values.Set("de.summary", f.DE.Summary)
	}
	fm.Values.Set("participation", string(f.Participation))
	fm.Values.Set("grouping", string(f.Grouping))
	fm.Values.Set("trainer", string(f.Trainer))
	for _, a := range f.Audiences {
		fm.Values.Add("audiences", string(a))
	}
	for _, e := range f.Exercises {
		fm.Values.Add("exercises", e)
	}
	for i, a := range f.Agenda {
		fm.Values.Set(agendaField(i, "minutes"), strconv.Itoa(a.Minutes))
		fm.Values.Set(agendaField(i, "title"), a.Title)
		fm.Values.Set(agendaField(i, "title_de"), a.TitleDE)
		fm.Values.Set(agendaField(i, "kind"), string(a.Kind))
	}
	return fm
}

// agendaRows is the number of agenda rows the form holds, up to its last
// filled one: blank rows at the end are spare rows, not steps.
func agendaRows(f *form) int {
	n := 0
	for i := range catalog.MaxAgendaItems + spareAgendaRows {
		if strings.TrimSpace(f.Get(agendaField(i, "minutes"))) != "" || strings.TrimSpace(f.Get(agendaField(i, "title"))) != "" {
			n = i + 1
		}
	}
	return n
}

// readFormatForm reads the form into a change of the format. A blank row
// between steps stays, so that its message lands beside it.
func readFormatForm(f *form) formats.Patch {
	str := func(name string) *string { s := f.Get(name); return &s }
	p := formats.Patch{Title: str("title"), Summary: str("summary"), TitleDE: str("de.title"), SummaryDE: str("de.summary"),
		Participation: str("participation"), Grouping: str("grouping"), Trainer: str("trainer")}
	if n, err := strconv.Atoi(f.Get("version")); err == nil {
		p.Version = &n
	}
	audiences := slices.Clone(f.Values["audiences"])
	p.Audiences = &audiences
	exercises := slices.Clone(f.Values["exercises"])
	p.Exercises = &exercises
	agenda := []catalog.AgendaItem{}
	for i := range agendaRows(f) {
		minutes, err := strconv.Atoi(strings.TrimSpace(f.Get(agendaField(i, "minutes"))))
		if err != nil {
			minutes = 0 // refused by the rules as not positive
		}
		agenda = append(agenda, catalog.AgendaItem{Minutes: minutes, Title: f.Get(agendaField(i, "title")),
			TitleDE: f.Get(agendaField(i, "title_de")), Kind: catalog.AgendaKind(f.Get(agendaField(i, "kind")))})
	}
	p.Agenda = &agenda
	return p
}

// saveFormatForm saves the form as a new version of the format.
func (s *Server) saveFormatForm(c *gin.Context) error {
	f := newForm(c)
	slug := c.Param("slug")
	before, _ := strconv.Atoi(f.Get("version"))
	d, err := s.svc.Formats.Update(c.Request.Context(), caller(c), slug, readFormatForm(f))
	if err != nil {
		return redisplay(err, f, s.renderFormatEdit)
	}
	done := "saved"
	if d.Version == before {
		done = "unchanged"
	}
	c.Redirect(http.StatusSeeOther, "/app/catalog/"+d.Slug+"?done="+done)
	return nil
}

// publishFormatForm shares the format with the region (published=1) or
// withdraws it (published=0).
func (s *Server) publishFormatForm(c *gin.Context) error {
	f := newForm(c)
	d, err := s.svc.Formats.Publish(c.Request.Context(), caller(c), c.Param("slug"), f.Get("published") != "0")
	if err != nil {
		return err
	}
	done := "published"
	if !d.Published {
		done = "withdrawn"
	}
	c.Redirect(http.StatusSeeOther, "/app/catalog/"+d.Slug+"?done="+done)
	return nil
}
