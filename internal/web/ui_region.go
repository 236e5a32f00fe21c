package web

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/exchange"
	"github.com/atelier-ch/atelier/internal/region"
)

type regionView struct {
	*region.Report
	HasOthers bool
}

// Merged reports whether a block of a commune's figures counts in «
// autres communes ».
func (regionView) Merged(c region.Commune, block string) bool {
	return slices.Contains(c.Merged, block)
}

// OthersOf names the communes « autres communes » counts for a block.
func (v regionView) OthersOf(block string) string {
	return strings.Join(v.Others.Communes[block], ", ")
}

// regionPage is the coordinator's regional view.
func (s *Server) regionPage(c *gin.Context) error {
	p := s.userPage(c, "region.title")
	rep, err := s.svc.Regions.Report(c.Request.Context(), caller(c), p.Lang)
	if err != nil {
		return err
	}
	p.Nav = "region"
	p.Title = p.T("region.title") + " – " + rep.Region.Name
	p.Data = regionView{Report: rep, HasOthers: len(rep.Others.Communes) > 0}
	s.render(c, http.StatusOK, "region", p)
	return nil
}

// regionExperiencePage shows what the region's communes published, side
// by side (coordinator, the region's HR).
func (s *Server) regionExperiencePage(c *gin.Context) error {
	p := s.userPage(c, "exchange.region_title")
	e, err := s.svc.Regions.RegionExperienceOf(c.Request.Context(), caller(c), p.Lang)
	if err != nil {
		return err
	}
	p.Nav = "region_experience"
	if p.Role != "coordinator" {
		p.Nav = "strategy"
	}
	p.Title = p.T("exchange.region_title") + " – " + e.Region.Name
	p.Data = e
	s.render(c, http.StatusOK, "region_experience", p)
	return nil
}

type communeView struct {
	*region.Sharing
}

// communePage shows HR the commune's region and whether it shares its
// figures there, with the switch.
func (s *Server) communePage(c *gin.Context) error {
	p := s.userPage(c, "region.commune_title")
	sh, err := s.svc.Regions.SharingOf(c.Request.Context(), caller(c), "")
	if err != nil {
		return err
	}
	p.Nav = "strategy"
	switch c.Query("done") {
	case "on":
		p.Info = p.T("region.share_on_done")
	case "off":
		p.Info = p.T("region.share_off_done")
	}
	p.Data = communeView{Sharing: sh}
	s.render(c, http.StatusOK, "commune", p)
	return nil
}

// shareForm turns sharing with the region on or off, after a confirmation
// step that says what the region will see.
func (s *Server) shareForm(c *gin.Context) error {
	share := c.PostForm("share") == "1"
	if !confirmed(c) {
		p := s.userPage(c, "")
		sh, err := s.svc.Regions.SharingOf(c.Request.Context(), caller(c), "")
		if err != nil {
			return err
		}
		name := ""
		if sh.Region != nil {
			name = sh.Region.Name
		}
		v := confirmView{Back: "/app/commune", Button: p.T("region.share_off_button")}
		title := p.T("region.share_off_confirm_title")
		if share {
			title = p.T("region.share_on_confirm_title", name)
			v.Button = p.T("region.share_on_button")
			v.Lines = []string{p.T("region.share_on_what", name), p.T("region.share_on_never"), p.T("region.share_on_undo")}
		} else {
			v.Lines = []string{p.T("region.share_off_what", name)}
		}
		return s.askConfirmation(c, title, v)
	}
	if _, err := s.svc.Regions.SetShare(c.Request.Context(), caller(c), "", share); err != nil {
		return err
	}
	done := "off"
	if share {
		done = "on"
	}
	c.Redirect(http.StatusSeeOther, "/app/commune?done="+done)
	return nil
}

type experienceView struct {
	*region.Experience
	Form         *form
	Tasks, Gains []int
	Controls     []int
	ToolRows     map[string][]int
	Questions    []string
	MaxHours     int
	CanPublish   bool
}

// experiencePage is HR's form for the guide's §4 questions.
func (s *Server) experiencePage(c *gin.Context) error {
	return s.renderExperience(c, http.StatusOK, nil, nil)
}

func (s *Server) renderExperience(c *gin.Context, status int, p *page, f *form) error {
	if p == nil {
		p = s.userPage(c, "")
	}
	e, err := s.svc.Regions.ExperienceOf(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	p.Title, p.Nav = p.T("exchange.title"), "strategy"
	if f == nil {
		f = experienceForm(e)
	}
	v := experienceView{Experience: e, Form: f, Questions: exchange.Questions, MaxHours: exchange.MaxHours,
		CanPublish: e.Region != nil && e.UpdatedAt != nil}
	v.Tasks = listRows(f, exchange.FavourableTasks, "", exchange.MaxItems)
	v.Gains = listRows(f, exchange.TimeGains, "task", exchange.MaxItems)
	v.Controls = listRows(f, exchange.QualityControls, "", exchange.MaxItems)
	v.ToolRows = map[string][]int{
		exchange.GeneralTools:  listRows(f, exchange.GeneralTools, "tool", exchange.MaxItems),
		exchange.BusinessTools: listRows(f, exchange.BusinessTools, "tool", exchange.MaxItems),
	}
	switch c.Query("done") {
	case "saved":
		p.Info = p.T("exchange.saved")
	case "published":
		p.Info = p.T("exchange.published_done")
	}
	p.Data = v
	s.render(c, status, "experience", p)
	return nil
}

// experienceForm writes the answers as the form's values.
func experienceForm(e *region.Experience) *form {
	f := &form{Values: map[string][]string{}, Errors: map[string]string{}}
	set := func(k, v string) { f.Values[k] = []string{v} }
	a := e.Answers
	for i, t := range a.FavourableTasks {
		set(field(exchange.FavourableTasks, i, ""), t)
	}
	for i, g := range a.TimeGains {
		set(field(exchange.TimeGains, i, "task"), g.Task)
		if g.HoursPerMonth != nil {
			set(field(exchange.TimeGains, i, "hours_per_month"), strconv.FormatFloat(*g.HoursPerMonth, 'f', -1, 64))
		}
		set(field(exchange.TimeGains, i, "note"), g.Note)
	}
	for i, t := range a.QualityControls {
		set(field(exchange.QualityControls, i, ""), t)
	}
	for i, t := range a.GeneralTools {
		set(field(exchange.GeneralTools, i, "tool"), t.Tool)
		set(field(exchange.GeneralTools, i, "tasks"), t.Tasks)
	}
	for i, t := range a.BusinessTools {
		set(field(exchange.BusinessTools, i, "tool"), t.Tool)
		set(field(exchange.BusinessTools, i, "tasks"), t.Tasks)
	}
	set("language", e.Language)
	return f
}

// readExperienceForm reads the form's rows; an estimate that is no number
// is kept as NaN, so that the domain names it.
func readExperienceForm(f *form) exchange.Answers {
	var a exchange.Answers
	has := func(list string, i int, name string) bool { _, ok := f.Values[field(list, i, name)]; return ok }
	for i := range exchange.MaxItems + spareRows {
		if has(exchange.FavourableTasks, i, "") {
			a.FavourableTasks = append(a.FavourableTasks, f.Get(field(exchange.FavourableTasks, i, "")))
		}
		if has(exchange.QualityControls, i, "") {
			a.QualityControls = append(a.QualityControls, f.Get(field(exchange.QualityControls, i, "")))
		}
		if has(exchange.TimeGains, i, "task") {
			g := exchange.TimeGain{Task: f.Get(field(exchange.TimeGains, i, "task")), Note: f.Get(field(exchange.TimeGains, i, "note"))}
			if h := strings.TrimSpace(f.Get(field(exchange.TimeGains, i, "hours_per_month"))); h != "" {
				v, err := strconv.ParseFloat(strings.Replace(h, ",", ".", 1), 64)
				if err != nil {
					v = math.NaN()
				}
				g.HoursPerMonth = &v
			}
			a.TimeGains = append(a.TimeGains, g)
		}
		for _, list := range []string{exchange.GeneralTools, exchange.BusinessTools} {
			if has(list, i, "tool") {
				t := exchange.ToolUse{Tool: f.Get(field(list, i, "tool")), Tasks: f.Get(field(list, i, "tasks"))}
				if list == exchange.GeneralTools {
					a.GeneralTools = append(a.GeneralTools, t)
				} else {
					a.BusinessTools = append(a.BusinessTools, t)
				}
			}
		}
	}
	return a
}

// saveExperienceForm saves the answers.
func (s *Server) saveExperienceForm(c *gin.Context) error {
	f := newForm(c)
	if _, err := s.svc.Regions.SaveExperience(c.Request.Context(), caller(c), readExperienceForm(f), f.Get("language"), false); err != nil {
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error { return s.renderExperience(c, status, p, f) })
	}
	c.Redirect(http.StatusSeeOther, "/app/experience?done=saved")
	return nil
}

// publishExperienceForm publishes the saved answers to the region, after
// a confirmation step that says who will read them.
func (s *Server) publishExperienceForm(c *gin.Context) error {
	if !confirmed(c) {
		p := s.userPage(c, "")
		e, err := s.svc.Regions.ExperienceOf(c.Request.Context(), caller(c))
		if err != nil {
			return err
		}
		name := ""
		if e.Region != nil {
			name = e.Region.Name
		}
		return s.askConfirmation(c, p.T("exchange.publish_confirm_title", name), confirmView{
			Back: "/app/experience", Button: p.T("exchange.publish"),
			Lines: []string{p.T("exchange.publish_what", name), p.T("exchange.publish_masked")},
		})
	}
	if _, err := s.svc.Regions.PublishExperience(c.Request.Context(), caller(c)); err != nil {
		return redisplay(err, nil, func(c *gin.Context, status int, p *page, _ *form) error { return s.renderExperience(c, status, p, nil) })
	}
	c.Redirect(http.StatusSeeOther, "/app/experience?done=published")
	return nil
}
