package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/desk"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/kit"
	"github.com/atelier-ch/atelier/internal/memento"
	"github.com/atelier-ch/atelier/internal/roadmap"
	"github.com/atelier-ch/atelier/internal/strategy"
)

// The staff pages of the commune's strategy (guide §3): the état des
// lieux, the memento and the roadmap.

type surveysView struct {
	*desk.SurveysPage
	Form *form
}

func (s *Server) surveysPage(c *gin.Context) error {
	return s.renderSurveys(c, http.StatusOK, nil, nil)
}

func (s *Server) renderSurveys(c *gin.Context, status int, p *page, f *form) error {
	if p == nil {
		p = s.userPage(c, "")
	}
	sp, err := s.svc.Desk.Surveys(c.Request.Context(), caller(c), p.Lang)
	if err != nil {
		return err
	}
	p.Title, p.Nav = p.T("strategy.surveys.title"), "strategy"
	if f == nil {
		f = &form{Errors: map[string]string{}}
	}
	if c.Query("done") == "launched" {
		p.Info = p.T("strategy.surveys.launched")
	}
	p.Data = surveysView{SurveysPage: sp, Form: f}
	s.render(c, status, "surveys", p)
	return nil
}

// launchSurveyForm launches the état des lieux: a role, a service, both,
// or (neither) the whole administration.
func (s *Server) launchSurveyForm(c *gin.Context) error {
	f := newForm(c)
	aud := inquiry.Audience{Role: f.Get("role")}
	if raw := f.Get("department_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return redisplay(apperr.Invalid("audience.department_id", "err.department_unknown"), f, s.redrawSurveys)
		}
		aud.DepartmentID = id
	}
	aud.All = aud.Role == "" && aud.DepartmentID == 0
	lang := s.userPage(c, "").Lang
	_, err := s.svc.Surveys.Launch(c.Request.Context(), caller(c), inquiry.Launch{Kind: string(catalog.SurveyEtatDesLieux), Audience: aud, ClosesAt: f.Get("closes_at")}, lang)
	if err != nil {
		return redisplay(err, f, s.redrawSurveys)
	}
	c.Redirect(http.StatusSeeOther, "/app/surveys?done=launched")
	return nil
}

func (s *Server) redrawSurveys(c *gin.Context, status int, p *page, f *form) error {
	return s.renderSurveys(c, status, p, f)
}

// surveyResultsPage shows a survey's anonymous results.
func (s *Server) surveyResultsPage(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p := s.userPage(c, "")
	r, err := s.svc.Desk.SurveyResults(c.Request.Context(), caller(c), id, p.Lang)
	if err != nil {
		return err
	}
	p.Title, p.Nav = r.Survey.Title, "strategy"
	p.Data = r
	s.render(c, http.StatusOK, "survey_results", p)
	return nil
}

// mementoView is the memento page: the version shown, and the rows of its
// form (the memento's, or what was typed, with spare empty rows).
type mementoView struct {
	*desk.MementoPage
	Form      *form
	Tools     []int
	Forbidden []int
	Rules     []int
	PublicURL string
	Versions  []int
}

// spareRows is how many empty rows each list of the form offers: a row
// more is one save away, without JavaScript.
const spareRows = 2

func (s *Server) mementoPage(c *gin.Context) error {
	return s.renderMemento(c, http.StatusOK, nil, nil)
}

func (s *Server) renderMemento(c *gin.Context, status int, p *page, f *form) error {
	if p == nil {
		p = s.userPage(c, "")
	}
	n, err := mementoVersion(c)
	if err != nil {
		return err
	}
	mp, err := s.svc.Desk.Memento(c.Request.Context(), caller(c), n, p.Lang)
	if err != nil {
		return err
	}
	p.Title, p.Nav = p.T("memento.title"), "strategy"
	if f == nil {
		f = mementoForm(mp.Memento)
	}
	v := mementoView{MementoPage: mp, Form: f}
	v.Tools = rows(f, "tools", "name")
	v.Forbidden = rows(f, "forbidden_data", "class")
	v.Rules = rows(f, "rules", "")
	if mp.Memento.Published() {
		v.PublicURL = s.baseURL + kit.MementoPath(mp.Memento.Slug)
	}
	for i := mp.Memento.Latest; i >= 1; i-- {
		v.Versions = append(v.Versions, i)
	}
	if c.Query("done") == "saved" {
		p.Info = p.T("strategy.memento.saved", mp.Memento.Version)
	}
	p.Data = v
	s.render(c, status, "memento", p)
	return nil
}

// field names an item's field in the memento form as the domain names it
// in its errors: tools[0].name, rules[2].
func field(list string, i int, name string) string {
	if name == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d].%s", list, i, name)
}

// mementoForm writes a memento as the form's values.
func mementoForm(d *strategy.MementoDoc) *form {
	f := &form{Values: map[string][]string{}, Errors: map[string]string{}}
	set := func(k, v string) { f.Values[k] = []string{v} }
	for i, t := range d.Tools {
		set(field("tools", i, "name"), t.Name)
		set(field("tools", i, "licence"), t.Licence)
		set(field("tools", i, "use"), t.Use)
	}
	for i, x := range d.ForbiddenData {
		set(field("forbidden_data", i, "class"), x.Class)
		set(field("forbidden_data", i, "examples"), x.Examples)
	}
	for i, r := range d.Rules {
		set(field("rules", i, ""), r)
	}
	set("contact.name", d.Contact.Name)
	set("contact.email", d.Contact.Email)
	set("language", d.Language)
	return f
}

// rows returns the indexes of a list's rows in the memento form.
func rows(f *form, list, name string) []int { return listRows(f, list, name, memento.MaxItems) }

// listRows returns the indexes of a list's rows in a form: those filled,
// then spareRows empty ones, up to limit (and its spare rows).
func listRows(f *form, list, name string, limit int) []int {
	n := 0
	for i := range limit + spareRows {
		if _, ok := f.Values[field(list, i, name)]; ok {
			n = i + 1
		}
	}
	out := make([]int, min(n+spareRows, limit+spareRows))
	for i := range out {
		out[i] = i
	}
	return out
}

// readMementoForm reads the memento form's rows.
func readMementoForm(f *form) memento.Memento {
	var m memento.Memento
	for i := range memento.MaxItems + spareRows {
		if _, ok := f.Values[field("tools", i, "name")]; ok {
			m.Tools = append(m.Tools, memento.Tool{Name: f.Get(field("tools", i, "name")), Licence: f.Get(field("tools", i, "licence")), Use: f.Get(field("tools", i, "use"))})
		}
		if _, ok := f.Values[field("forbidden_data", i, "class")]; ok {
			m.ForbiddenData = append(m.ForbiddenData, memento.ForbiddenData{Class: f.Get(field("forbidden_data", i, "class")), Examples: f.Get(field("forbidden_data", i, "examples"))})
		}
		if _, ok := f.Values[field("rules", i, "")]; ok {
			m.Rules = append(m.Rules, f.Get(field("rules", i, "")))
		}
	}
	m.Contact = memento.Contact{Name: f.Get("contact.name"), Email: f.Get("contact.email")}
	return m
}

// saveMementoForm saves the form as a new version of the memento. Rows are
// numbered as shown, blank ones included, so that a message lands beside
// its row.
func (s *Server) saveMementoForm(c *gin.Context) error {
	f := newForm(c)
	_, err := s.svc.Strategy.SaveMemento(c.Request.Context(), caller(c), readMementoForm(f), f.Get("language"))
	if err != nil {
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
			return s.renderMemento(c, status, p, f)
		})
	}
	c.Redirect(http.StatusSeeOther, "/app/memento?done=saved")
	return nil
}

// publicMemento shows a commune's current memento to anyone with the link
// (for its intranet): read-only, nothing about who wrote or read it.
func (s *Server) publicMemento(c *gin.Context) {
	d, err := s.svc.Strategy.PublicMemento(c.Request.Context(), c.Param("slug"))
	if err != nil {
		e := s.toAppErr(c, err)
		p := s.newPage(c, "")
		p.Title = p.T("strategy.memento.not_found_title")
		p.Data = p.T("strategy.memento.not_found")
		status := statusOf[e.Code]
		if e.Code == apperr.CodeNotFound {
			c.Header("Cache-Control", "no-store")
		}
		s.render(c, status, "error", p)
		return
	}
	p := s.newPage(c, d.Language)
	p.Title = p.T("memento.title") + " – " + d.Commune
	p.Data = d
	s.render(c, http.StatusOK, "memento_public", p)
}

type roadmapView struct {
	*desk.RoadmapPage
	Form      *form
	Questions []roadmapQuestion
	Steps     []roadmapStep
	// Links to what Atelier holds.
	SurveyURL     string
	MementoPublic string
}

type roadmapQuestion struct {
	Key, Title, Description string
}

type roadmapStep struct {
	Index                   int
	Key, Title, Description string
}

func (s *Server) roadmapPage(c *gin.Context) error {
	return s.renderRoadmap(c, http.StatusOK, nil, nil)
}

func (s *Server) renderRoadmap(c *gin.Context, status int, p *page, f *form) error {
	if p == nil {
		p = s.userPage(c, "")
	}
	rp, err := s.svc.Desk.Roadmap(c.Request.Context(), caller(c), p.Lang)
	if err != nil {
		return err
	}
	p.Title, p.Nav = p.T("roadmap.title"), "strategy"
	if f == nil {
		f = roadmapForm(&rp.Roadmap.Roadmap)
	}
	v := roadmapView{RoadmapPage: rp, Form: f}
	for _, k := range roadmap.QuestionKeys {
		t := roadmap.QuestionTexts(k)
		v.Questions = append(v.Questions, roadmapQuestion{Key: k, Title: p.T(t.Title), Description: p.T(t.Description)})
	}
	for i, k := range roadmap.StepKeys {
		t := roadmap.StepTexts(k)
		v.Steps = append(v.Steps, roadmapStep{Index: i, Key: k, Title: p.T(t.Title), Description: p.T(t.Description)})
	}
	if id := rp.Roadmap.Facts.SurveyID; id != 0 {
		v.SurveyURL = fmt.Sprintf("/app/surveys/%d", id)
	}
	if rp.Roadmap.Facts.MementoVersion != 0 {
		v.MementoPublic = s.baseURL + kit.MementoPath(rp.Roadmap.Facts.Slug)
	}
	if c.Query("done") == "saved" {
		p.Info = p.T("strategy.roadmap.saved")
	}
	p.Data = v
	s.render(c, status, "roadmap", p)
	return nil
}

// roadmapForm writes a roadmap as the form's values; field names are the
// domain's (owner.name, questions.it_agreement.answer, steps[3].ends_on).
func roadmapForm(r *roadmap.Roadmap) *form {
	f := &form{Values: map[string][]string{}, Errors: map[string]string{}}
	set := func(k, v string) { f.Values[k] = []string{v} }
	set("owner.name", r.Owner.Name)
	set("owner.role", r.Owner.Role)
	replies := []roadmap.Reply{r.Questions.MotivatedPeople, r.Questions.CouncilSupport, r.Questions.TestResources, r.Questions.ProjectCarrier, r.Questions.ITAgreement}
	for i, k := range roadmap.QuestionKeys {
		set("questions."+k+".answer", string(replies[i].Answer))
		set("questions."+k+".note", replies[i].Note)
	}
	for i, st := range r.Steps {
		p := fmt.Sprintf("steps[%d].", i)
		set(p+"status", string(st.Status))
		set(p+"starts_on", st.StartsOn)
		set(p+"ends_on", st.EndsOn)
		set(p+"owner", st.Owner)
		set(p+"notes", st.Notes)
	}
	if r.Pilot.DepartmentID != nil {
		set("pilot.department_id", strconv.FormatInt(*r.Pilot.DepartmentID, 10))
	}
	set("pilot.decided_on", r.Pilot.DecidedOn)
	return f
}

// readRoadmapForm reads the roadmap form.
func readRoadmapForm(f *form) (roadmap.Roadmap, error) {
	r := roadmap.Roadmap{Owner: roadmap.Owner{Name: f.Get("owner.name"), Role: f.Get("owner.role")}}
	reply := func(k string) roadmap.Reply {
		return roadmap.Reply{Answer: roadmap.Answer(f.Get("questions." + k + ".answer")), Note: f.Get("questions." + k + ".note")}
	}
	r.Questions = roadmap.Questions{MotivatedPeople: reply("motivated_people"), CouncilSupport: reply("council_support"),
		TestResources: reply("test_resources"), ProjectCarrier: reply("project_carrier"), ITAgreement: reply("it_agreement")}
	for i, k := range roadmap.StepKeys {
		p := fmt.Sprintf("steps[%d].", i)
		r.Steps = append(r.Steps, roadmap.Step{Key: k, Status: roadmap.Status(f.Get(p + "status")), StartsOn: f.Get(p + "starts_on"),
			EndsOn: f.Get(p + "ends_on"), Owner: f.Get(p + "owner"), Notes: f.Get(p + "notes")})
	}
	if raw := f.Get("pilot.department_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return r, apperr.Invalid("pilot.department_id", "err.department_unknown")
		}
		r.Pilot.DepartmentID = &id
	}
	r.Pilot.DecidedOn = f.Get("pilot.decided_on")
	return r, nil
}

func (s *Server) saveRoadmapForm(c *gin.Context) error {
	f := newForm(c)
	redraw := func(c *gin.Context, status int, p *page, f *form) error { return s.renderRoadmap(c, status, p, f) }
	r, err := readRoadmapForm(f)
	if err != nil {
		return redisplay(err, f, redraw)
	}
	if _, err := s.svc.Strategy.SaveRoadmap(c.Request.Context(), caller(c), r); err != nil {
		return redisplay(err, f, redraw)
	}
	c.Redirect(http.StatusSeeOther, "/app/roadmap?done=saved")
	return nil
}

// participantMemento records, through a participant's link, that they
// read the commune's current memento.
func (s *Server) participantMemento(c *gin.Context) error {
	token := c.Param("token")
	r, err := s.svc.Strategy.ConfirmRead(c.Request.Context(), token)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"version": r.Version, "read_at": r.ReadAt.In(zurichLoc())})
		return nil
	}
	c.Redirect(http.StatusSeeOther, "/r/"+token+"?done=memento")
	return nil
}
