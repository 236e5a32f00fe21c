// Package exchange holds a commune's exchange of experience with the other
// communes of its region after its pilot (the guide's §4, « Partage
// d'expérience »): its answers to the guide's questions, their rules, and
// what is taken out of them before they leave the commune.
package exchange

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/names"
	"github.com/atelier-ch/atelier/internal/survey"
)

// The guide's §4 questions, as the keys of the answers.
const (
	// FavourableTasks: « Quelles tâches sont particulièrement favorables à
	// l'utilisation d'outils d'IA ? »
	FavourableTasks = "favourable_tasks"
	// TimeGains: « Où sont les gains de temps les plus intéressants ? »,
	// with an estimate.
	TimeGains = "time_gains"
	// QualityControls: « Quels processus de contrôle qualité devraient
	// être mis en place ? » — those the commune put in place.
	QualityControls = "quality_controls"
	// GeneralTools: « Quels outils d'IA généralistes pour quelles tâches ? »
	GeneralTools = "general_tools"
	// BusinessTools: « Quels outils d'IA métiers pour des tâches
	// spécialisées ? »
	BusinessTools = "business_tools"
)

// Questions lists the questions in the guide's order.
var Questions = []string{FavourableTasks, TimeGains, QualityControls, GeneralTools, BusinessTools}

// Limits of the answers.
const (
	MaxItems = 20
	maxLine  = 300
	maxTool  = 120
	maxText  = 1000
	// MaxHours bounds an estimate of the hours gained per month.
	MaxHours = 2000
)

// TimeGain is a task where time was gained, with an estimate.
type TimeGain struct {
	Task string `json:"task"`
	// HoursPerMonth is the estimate of the hours gained each month.
	HoursPerMonth *float64 `json:"hours_per_month"`
	Note          string   `json:"note"`
}

// ToolUse is a tool and the tasks it is used for.
type ToolUse struct {
	Tool  string `json:"tool"`
	Tasks string `json:"tasks"`
}

// Answers are a commune's answers to the §4 questions.
type Answers struct {
	FavourableTasks []string   `json:"favourable_tasks"`
	TimeGains       []TimeGain `json:"time_gains"`
	QualityControls []string   `json:"quality_controls"`
	GeneralTools    []ToolUse  `json:"general_tools"`
	BusinessTools   []ToolUse  `json:"business_tools"`
}

// HoursPerMonth is the sum of the estimates.
func (a Answers) HoursPerMonth() float64 {
	total := 0.0
	for _, g := range a.TimeGains {
		if g.HoursPerMonth != nil {
			total += *g.HoursPerMonth
		}
	}
	return total
}

// Label is the i18n key of a question's title.
func Label(question string) string { return "exchange.q." + question }

// Validate cleans the answers and checks them: blank rows are dropped (a
// form shows spare rows); every question but the business tools needs a
// row (a commune may use no business tool); a row partly filled needs its
// name and its estimate. Messages name the question; fields name the row
// as sent (time_gains[1].hours_per_month). Lists come back non-nil.
func Validate(in Answers) (Answers, error) {
	var v apperr.Validation
	out := Answers{FavourableTasks: []string{}, TimeGains: []TimeGain{}, QualityControls: []string{}, GeneralTools: []ToolUse{}, BusinessTools: []ToolUse{}}
	lines := func(q string, items []string) []string {
		out := []string{}
		for i, s := range items {
			if s = clean.Text(s); s != "" {
				length(&v, fmt.Sprintf("%s[%d]", q, i), q, s, maxLine)
				out = append(out, s)
			}
		}
		return out
	}
	out.FavourableTasks = lines(FavourableTasks, in.FavourableTasks)
	out.QualityControls = lines(QualityControls, in.QualityControls)
	for i, g := range in.TimeGains {
		g = TimeGain{Task: clean.Line(g.Task), HoursPerMonth: g.HoursPerMonth, Note: clean.Text(g.Note)}
		if g.Task == "" && g.HoursPerMonth == nil && g.Note == "" {
			continue
		}
		f := fmt.Sprintf("%s[%d].", TimeGains, i)
		if g.Task == "" {
			v.Add(f+"task", "exchange.err.task_required", i18n.Key(Label(TimeGains)))
		}
		length(&v, f+"task", TimeGains, g.Task, maxLine)
		length(&v, f+"note", TimeGains, g.Note, maxText)
		if h := g.HoursPerMonth; h == nil || math.IsNaN(*h) || *h < 0 || *h > MaxHours {
			v.Add(f+"hours_per_month", "exchange.err.hours", i18n.Key(Label(TimeGains)), MaxHours)
		}
		out.TimeGains = append(out.TimeGains, g)
	}
	tools := func(q string, items []ToolUse) []ToolUse {
		out := []ToolUse{}
		for i, t := range items {
			t = ToolUse{Tool: clean.Line(t.Tool), Tasks: clean.Text(t.Tasks)}
			if t == (ToolUse{}) {
				continue
			}
			f := fmt.Sprintf("%s[%d].", q, i)
			if t.Tool == "" {
				v.Add(f+"tool", "exchange.err.tool_required", i18n.Key(Label(q)))
			}
			if t.Tasks == "" {
				v.Add(f+"tasks", "exchange.err.tasks_required", i18n.Key(Label(q)))
			}
			length(&v, f+"tool", q, t.Tool, maxTool)
			length(&v, f+"tasks", q, t.Tasks, maxText)
			out = append(out, t)
		}
		return out
	}
	out.GeneralTools = tools(GeneralTools, in.GeneralTools)
	out.BusinessTools = tools(BusinessTools, in.BusinessTools)
	for q, n := range map[string]int{FavourableTasks: len(out.FavourableTasks), TimeGains: len(out.TimeGains), QualityControls: len(out.QualityControls), GeneralTools: len(out.GeneralTools)} {
		if n == 0 && !v.Has(q) {
			v.Add(q, "exchange.err.answer_required", i18n.Key(Label(q)))
		}
	}
	for q, n := range map[string]int{FavourableTasks: len(out.FavourableTasks), TimeGains: len(out.TimeGains), QualityControls: len(out.QualityControls), GeneralTools: len(out.GeneralTools), BusinessTools: len(out.BusinessTools)} {
		if n > MaxItems {
			v.Add(q, "exchange.err.too_many", i18n.Key(Label(q)), MaxItems)
		}
	}
	if err := v.Err(); err != nil {
		return Answers{}, err
	}
	return out, nil
}

func length(v *apperr.Validation, field, question, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "exchange.err.too_long", i18n.Key(Label(question)), max)
	}
}

// Masked replaces what Mask takes out.
const Masked = survey.Masked

var wordRE = regexp.MustCompile(`[\p{L}][\p{L}'’-]*`)

// Mask takes out of the answers what could name a person before they leave
// the commune: survey.Scrub's rules (addresses, long numbers, names written
// as two capitalised words), and any word that is a part of the name of
// one of the commune's people (nameWords, lower case, folded). It may
// mask an ordinary word that is also someone's name; the commune sees what
// it published.
func Mask(a Answers, nameWords map[string]bool) Answers {
	m := func(s string) string {
		s = survey.Scrub(s)
		return wordRE.ReplaceAllStringFunc(s, func(w string) string {
			for _, part := range append([]string{w}, strings.FieldsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })...) {
				if utf8.RuneCountInString(part) >= 3 && (nameWords[strings.ToLower(part)] || nameWords[names.Fold(part)]) {
					return Masked
				}
			}
			return w
		})
	}
	out := Answers{FavourableTasks: []string{}, TimeGains: []TimeGain{}, QualityControls: []string{}, GeneralTools: []ToolUse{}, BusinessTools: []ToolUse{}}
	for _, s := range a.FavourableTasks {
		out.FavourableTasks = append(out.FavourableTasks, m(s))
	}
	for _, s := range a.QualityControls {
		out.QualityControls = append(out.QualityControls, m(s))
	}
	for _, g := range a.TimeGains {
		out.TimeGains = append(out.TimeGains, TimeGain{Task: m(g.Task), HoursPerMonth: g.HoursPerMonth, Note: m(g.Note)})
	}
	for _, t := range a.GeneralTools {
		out.GeneralTools = append(out.GeneralTools, ToolUse{Tool: m(t.Tool), Tasks: m(t.Tasks)})
	}
	for _, t := range a.BusinessTools {
		out.BusinessTools = append(out.BusinessTools, ToolUse{Tool: m(t.Tool), Tasks: m(t.Tasks)})
	}
	return out
}
