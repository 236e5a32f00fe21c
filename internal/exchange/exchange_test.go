package exchange

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/i18n"
)

func hours(h float64) *float64 { return &h }

func valid() Answers {
	return Answers{
		FavourableTasks: []string{"Procès-verbaux des séances", ""},
		TimeGains:       []TimeGain{{Task: "Procès-verbaux", HoursPerMonth: hours(6), Note: "mesuré sur trois mois"}, {}},
		QualityControls: []string{"Relecture à quatre yeux"},
		GeneralTools:    []ToolUse{{Tool: "Microsoft Copilot", Tasks: "résumés, courriers"}},
	}
}

func TestValidate(t *testing.T) {
	cases := map[string]struct {
		change func(a *Answers)
		// fields are the fields refused, and the key of the first one's
		// message.
		fields []string
		key    string
	}{
		"valid, blank rows dropped":     {change: func(*Answers) {}},
		"no business tool is fine":      {change: func(a *Answers) { a.BusinessTools = nil }},
		"no favourable task":            {change: func(a *Answers) { a.FavourableTasks = []string{" ", ""} }, fields: []string{"favourable_tasks"}, key: "exchange.err.answer_required"},
		"nothing at all":                {change: func(a *Answers) { *a = Answers{} }, fields: []string{"favourable_tasks", "general_tools", "quality_controls", "time_gains"}, key: "exchange.err.answer_required"},
		"a gain without its task":       {change: func(a *Answers) { a.TimeGains[0].Task = "" }, fields: []string{"time_gains[0].task"}, key: "exchange.err.task_required"},
		"a gain without estimate":       {change: func(a *Answers) { a.TimeGains[0].HoursPerMonth = nil }, fields: []string{"time_gains[0].hours_per_month"}, key: "exchange.err.hours"},
		"a negative estimate":           {change: func(a *Answers) { a.TimeGains[0].HoursPerMonth = hours(-1) }, fields: []string{"time_gains[0].hours_per_month"}, key: "exchange.err.hours"},
		"an estimate beyond the hours":  {change: func(a *Answers) { a.TimeGains[0].HoursPerMonth = hours(MaxHours + 1) }, fields: []string{"time_gains[0].hours_per_month"}, key: "exchange.err.hours"},
		"an estimate that is no number": {change: func(a *Answers) { a.TimeGains[0].HoursPerMonth = hours(math.NaN()) }, fields: []string{"time_gains[0].hours_per_month"}, key: "exchange.err.hours"},
		"a tool without its name":       {change: func(a *Answers) { a.BusinessTools = []ToolUse{{}, {Tasks: "cadastre"}} }, fields: []string{"business_tools[1].tool"}, key: "exchange.err.tool_required"},
		"a tool without its tasks":      {change: func(a *Answers) { a.GeneralTools[0].Tasks = " " }, fields: []string{"general_tools[0].tasks"}, key: "exchange.err.tasks_required"},
		"a task too long":               {change: func(a *Answers) { a.FavourableTasks[0] = strings.Repeat("é", 301) }, fields: []string{"favourable_tasks[0]"}, key: "exchange.err.too_long"},
		"too many controls": {change: func(a *Answers) {
			for range MaxItems {
				a.QualityControls = append(a.QualityControls, "Relire")
			}
		}, fields: []string{"quality_controls"}, key: "exchange.err.too_many"},
	}
	tr := i18n.MustLoad()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := valid()
			tc.change(&a)
			out, err := Validate(a)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(out.FavourableTasks) != 1 || len(out.TimeGains) != 1 || out.BusinessTools == nil {
					t.Errorf("cleaned: %+v", out)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.CodeValidation {
				t.Fatalf("error %v, want a validation error", err)
			}
			var got []string
			for f := range e.Fields {
				got = append(got, f)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.fields) {
				t.Fatalf("fields %v, want %v", got, tc.fields)
			}
			m := e.Fields[tc.fields[0]]
			if m.Key != tc.key {
				t.Errorf("message %s, want %s", m.Key, tc.key)
			}
			// The message names the question, in French and in German.
			q := strings.SplitN(tc.fields[0], "[", 2)[0]
			for _, lang := range []string{"fr", "de"} {
				text := tr.Msg(lang, m)
				if !strings.Contains(text, tr.T(lang, Label(q))) || strings.Contains(text, "exchange.") || strings.Contains(text, "%!") {
					t.Errorf("%s message %q does not name the question %q", lang, text, tr.T(lang, Label(q)))
				}
			}
		})
	}
}

func TestMask(t *testing.T) {
	names := map[string]bool{"dupont": true, "marie": true, "rochat": true, "zufferey": true}
	in := Answers{
		FavourableTasks: []string{"Procès-verbaux (demander à Marie Dupont)", "Courriers relus par Rochat"},
		TimeGains:       []TimeGain{{Task: "Traductions", HoursPerMonth: hours(3), Note: "écrire à marie.dupont@commune-a.example ou au 079 123 45 67"}},
		QualityControls: []string{"Zufferey-Favre relit tout"},
		GeneralTools:    []ToolUse{{Tool: "Microsoft Copilot", Tasks: "Résumés"}},
	}
	out := Mask(in, names)
	text := strings.ToLower(strings.Join(append(append(out.FavourableTasks, out.QualityControls...), out.TimeGains[0].Note), " "))
	for _, w := range []string{"dupont", "marie", "rochat", "zufferey", "@", "079"} {
		if strings.Contains(text, w) {
			t.Errorf("%q left in %q", w, text)
		}
	}
	if out.GeneralTools[0].Tool != "Microsoft Copilot" || !strings.Contains(out.FavourableTasks[0], "Procès-verbaux") || *out.TimeGains[0].HoursPerMonth != 3 {
		t.Errorf("masked too much: %+v", out)
	}
	if in.FavourableTasks[0] != "Procès-verbaux (demander à Marie Dupont)" {
		t.Error("Mask changed its input")
	}
}
