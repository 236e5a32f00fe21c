package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/atelier-ch/atelier/internal/campaign"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// slotRows is how many weekly slots the form offers (a request may have
// more through the API).
const slotRows = 4

// maxChoices is the most sessions the plan page offers in a select beside
// each person; beyond, a session number is typed, so that a plan of
// thousands of people in hundreds of sessions stays a page of a few MB
// rather than of a select per person of every session.
const maxChoices = 40

// weekdays are the slot form's choices, Monday first.
var weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

type planFormView struct {
	Form        *form
	Formats     []*catalog.Format
	Departments []store.Department
	Roles       []string
	Weekdays    []string
	Slots       []int
	// SlotErrors are the messages about slots and starts.
	SlotErrors []string
}

// newPlanPage shows the form making a plan, preset with ?format=.
func (s *Server) newPlanPage(c *gin.Context) error {
	f := &form{Values: map[string][]string{
		"format": {c.Query("format")}, "capacity": {"12"}, "skip_trained": {"on"}, "max_share": {"50"},
		"slot_weekday_0": {"tue"}, "slot_start_0": {"13:30"},
	}, Errors: map[string]string{}}
	return s.renderPlanForm(c, http.StatusOK, nil, f)
}

func (s *Server) renderPlanForm(c *gin.Context, status int, p *page, f *form) error {
	pf, err := s.svc.Campaign.Form(c.Request.Context(), caller(c))
	if err != nil {
		return err
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Title = p.T("campaign.new_title")
	p.Nav = "sessions"
	v := planFormView{Form: f, Formats: pf.Formats, Departments: pf.Departments, Roles: directory.Roles, Weekdays: weekdays}
	for i := range slotRows {
		v.Slots = append(v.Slots, i)
	}
	for field, msg := range f.Errors {
		if strings.HasPrefix(field, "slots") || strings.HasPrefix(field, "starts") {
			v.SlotErrors = append(v.SlotErrors, msg)
		}
	}
	p.Data = v
	s.render(c, status, "plan_new", p)
	return nil
}

// planRequest reads the form making a plan. Slot rows without a day are
// left out; the share is a percentage.
func planRequest(f *form) campaign.Request {
	r := campaign.Request{Format: f.Get("format"), From: f.Get("from"), To: f.Get("to"), Language: f.Get("language"),
		Location: campaign.Location{Name: f.Get("location_name"), Address: f.Get("location_address"), Room: f.Get("location_room")}}
	r.Audience.Role = f.Get("role")
	if n, err := strconv.ParseInt(f.Get("department_id"), 10, 64); err == nil {
		r.Audience.DepartmentID = n
	}
	r.Audience.All = r.Audience.Role == "" && r.Audience.DepartmentID == 0
	for i := range slotRows {
		day := f.Get(fmt.Sprintf("slot_weekday_%d", i))
		if day == "" {
			continue
		}
		r.Slots = append(r.Slots, campaign.Slot{Weekday: day, Start: f.Get(fmt.Sprintf("slot_start_%d", i)), Council: f.Get(fmt.Sprintf("slot_council_%d", i)) == "on"})
	}
	r.Capacity = -1 // reported by the rules as out of range
	if n, err := strconv.Atoi(strings.TrimSpace(f.Get("capacity"))); err == nil {
		r.Capacity = n
	}
	if raw := strings.TrimSpace(f.Get("max_share")); raw != "" {
		share := -1.0
		if n, err := strconv.ParseFloat(strings.ReplaceAll(raw, ",", "."), 64); err == nil {
			share = n / 100
		}
		r.MaxShare = &share
	}
	skip := f.Get("skip_trained") == "on"
	r.SkipTrained = &skip
	return r
}

func (s *Server) createPlanForm(c *gin.Context) error {
	f := newForm(c)
	v, err := s.svc.Campaign.Propose(c.Request.Context(), caller(c), planRequest(f))
	if err != nil {
		// The share's message names the JSON field; the form calls it max_share.
		return redisplay(err, f, func(c *gin.Context, status int, p *page, f *form) error {
			if m, ok := f.Errors["max_share_of_service"]; ok {
				f.Errors["max_share"] = m
			}
			return s.renderPlanForm(c, status, p, f)
		})
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/plans/%d", v.ID))
	return nil
}

// planView is the plan page.
type planView struct {
	*campaign.Page
	Proposed bool
	// Warnings are the violations first, then what is information.
	Violations  []warningView
	Information []warningView
	Unaccepted  int
	Capacity    int
	// Window is the period, written out; "" for explicit starts.
	Window   string
	Place    string
	Audience string
	Sessions []planSessionView
	Choices  []sessionChoice
}

type warningView struct {
	ID       string
	Text     string
	Accepted bool
	// Acceptable is false for what no acceptance can make work (a
	// session in the past).
	Acceptable bool
}

type planSessionView struct {
	campaign.PageSession
	Number int
	People int
	Full   bool
}

// sessionChoice is a session a person can be moved to.
type sessionChoice struct {
	Index int
	Label string
}

// planPage shows a plan: the proposed sessions side by side, the
// warnings, the unplaced people.
func (s *Server) planPage(c *gin.Context) error {
	return s.renderPlan(c, http.StatusOK, nil, nil)
}

func (s *Server) renderPlan(c *gin.Context, status int, p *page, _ *form) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pg, err := s.svc.Campaign.Page(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	if p == nil {
		p = s.userPage(c, "")
	}
	p.Nav = "sessions"
	v := s.planView(p, pg)
	p.Title = p.T("campaign.title", formatTitle(pg.Format, p.Lang, pg.Request.Format))
	switch c.Query("done") {
	case "moved":
		p.Info = p.T("campaign.done_moved")
	case "removed":
		p.Info = p.T("campaign.done_removed")
	case "accepted":
		p.Info = p.T("campaign.done_accepted")
	case "confirmed":
		p.Info = p.T("campaign.done_confirmed", len(pg.SessionIDs))
	case "changed":
		p.Error = p.T("campaign.err.changed")
	}
	p.Data = v
	s.render(c, status, "plan", p)
	return nil
}

func (s *Server) planView(p *page, pg *campaign.Page) *planView {
	v := &planView{Page: pg, Proposed: pg.Status == store.PlanProposed, Capacity: pg.Request.Capacity}
	if from, err := time.ParseInLocation(time.DateOnly, pg.Request.From, tz.Zurich); err == nil {
		if to, err := time.ParseInLocation(time.DateOnly, pg.Request.To, tz.Zurich); err == nil {
			v.Window = p.Date(from) + " – " + p.Date(to)
		}
	}
	l := pg.Request.Location
	v.Place = strings.Join(nonEmpty(l.Name, l.Room, l.Address), ", ")
	a := pg.Request.Audience
	switch {
	case a.All:
		v.Audience = p.T("campaign.audience_all")
	default:
		var parts []string
		if a.Role != "" {
			parts = append(parts, p.T("role."+a.Role))
		}
		if a.DepartmentID != 0 {
			parts = append(parts, pg.Departments[a.DepartmentID])
		}
		v.Audience = strings.Join(parts, " · ")
	}
	for _, w := range pg.Proposal.Warnings {
		wv := warningView{ID: w.ID(), Text: p.tr.Msg(p.Lang, w.Msg), Accepted: pg.Accepted[w.ID()], Acceptable: w.Code != plan.WarnPast}
		if w.Violation {
			v.Violations = append(v.Violations, wv)
			if !wv.Accepted {
				v.Unaccepted++
			}
		} else {
			v.Information = append(v.Information, wv)
		}
	}
	for _, ps := range pg.Sessions {
		sv := planSessionView{PageSession: ps, Number: ps.Index + 1, People: len(ps.People)}
		sv.Full = sv.People > pg.Request.Capacity
		v.Sessions = append(v.Sessions, sv)
		if len(pg.Sessions) <= maxChoices {
			start := tz.In(ps.Start)
			v.Choices = append(v.Choices, sessionChoice{Index: ps.Index, Label: p.T("campaign.choice", ps.Index+1, i18n.ShortDate(start), i18n.Clock(p.Lang, start))})
		}
	}
	return v
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, s := range parts {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// formatTitle is a format's title in lang, or its slug when the
// catalogue lost it.
func formatTitle(f *catalog.Format, lang, slug string) string {
	if f == nil {
		return slug
	}
	return f.Localized(lang).Title
}

// editPlan applies one edit from a form and goes back to the plan; a
// refusal shows the plan again with the message.
func (s *Server) editPlan(c *gin.Context, e campaign.Edit, done string) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.Campaign.Edit(c.Request.Context(), caller(c), id, e); err != nil {
		return redisplay(err, newForm(c), s.renderPlan)
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/plans/%d?done=%s", id, done))
	return nil
}

// movePlanForm moves a person to the session chosen in the select
// (to_session, an index; "out" takes them out of the plan) or typed
// (session_number, from 1).
func (s *Server) movePlanForm(c *gin.Context) error {
	f := newForm(c)
	person, _ := strconv.ParseInt(f.Get("person_id"), 10, 64)
	to := campaign.OutOfPlan
	switch raw := f.Get("to_session"); {
	case raw == "out":
	case raw == "" && f.Values.Has("session_number"):
		to = atoiOr(f.Get("session_number"), -1) - 1
	default:
		to = atoiOr(raw, -2) // -2: refused by the planner as no such session
	}
	return s.editPlan(c, campaign.Edit{Move: &campaign.Move{PersonID: person, ToSession: to}}, "moved")
}

// atoiOr reads a whole number, or gives bad.
func atoiOr(s string, bad int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return bad
	}
	return n
}

func (s *Server) removePlanSessionForm(c *gin.Context) error {
	n := atoiOr(newForm(c).Get("session"), -1)
	return s.editPlan(c, campaign.Edit{RemoveSession: &n}, "removed")
}

// acceptPlanForm records the violations ticked: the whole list.
func (s *Server) acceptPlanForm(c *gin.Context) error {
	f := newForm(c)
	ids := append([]string{}, f.Values["accept"]...)
	return s.editPlan(c, campaign.Edit{Accept: &ids}, "accepted")
}

// confirmPlanPage is the step before confirming: what will be created and
// who will be mailed.
func (s *Server) confirmPlanPage(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pg, err := s.svc.Campaign.Page(c.Request.Context(), caller(c), id)
	if err != nil {
		return err
	}
	if pg.Status != store.PlanProposed {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/plans/%d", id))
		return nil
	}
	p := s.userPage(c, "campaign.confirm_title")
	p.Nav = "sessions"
	p.Data = s.planView(p, pg)
	s.render(c, http.StatusOK, "plan_confirm", p)
	return nil
}

// confirmPlanForm confirms; when the commune changed, the plan page shows
// the new proposal with a message.
func (s *Server) confirmPlanForm(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, err = s.svc.Campaign.Confirm(c.Request.Context(), caller(c), id)
	var refused *campaign.Conflict
	switch {
	case errors.As(err, &refused) && refused.NewProposal:
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/plans/%d?done=changed", id))
		return nil
	case err != nil:
		return redisplay(err, newForm(c), s.renderPlan)
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/app/plans/%d?done=confirmed", id))
	return nil
}
