package inquiry

import (
	"fmt"

	"github.com/atelier-ch/atelier/internal/i18n"
)

// Unit says how a chart's values are written.
type Unit int

// Units of a chart.
const (
	UnitPercent Unit = iota // shares from 0 to 1
	UnitValue               // averages on a scale
	UnitCount               // whole numbers
)

// Chart is the data of one bar chart of a survey's results: a title, the
// unit and scale of the values, one row per bar. It has the shape of the
// report charts' Bars (internal/chart, drawn as SVG on the pages and into
// the PDFs), which take it over as is; until then the pages and the PDF
// show the same figures as tables.
type Chart struct {
	Key   string
	Title string
	Unit  Unit
	// Max is the value of a full bar (5 for a 1–5 scale); 0 for the
	// drawing's default.
	Max  float64
	Rows []ChartRow
}

// ChartRow is one bar; a nil Value shows « – » and no bar.
type ChartRow struct {
	Label string
	Value *float64
	Note  string
}

// Charts builds the charts of a survey's results in lang: per part of the
// breakdown by service (parts withheld have no bar), the share using
// generative AI, the interest in a training and the competence; for the
// whole administration, the tasks and the worries most cited. Like the
// results, no bar comes from fewer than MinGroup people.
func Charts(r *Results, tr *i18n.Translator, lang string) []Chart {
	t := func(key string, args ...any) string { return tr.T(lang, key, args...) }
	perService := func(key, title string, unit Unit, max float64, value func(*Figures) *float64) Chart {
		c := Chart{Key: key, Title: title, Unit: unit, Max: max}
		for _, p := range append([]Part{r.Overall}, r.Services...) {
			row := ChartRow{Label: p.Name}
			if p.Figures != nil {
				row.Value = value(p.Figures)
				row.Note = t("strategy.chart.respondents", p.Figures.Respondents)
			}
			c.Rows = append(c.Rows, row)
		}
		return c
	}
	charts := []Chart{
		perService("using_ai", t("survey.results.using_ai"), UnitPercent, 0, func(f *Figures) *float64 { return f.UsingAI }),
		perService("interest", t("survey.results.interest"), UnitValue, 5, func(f *Figures) *float64 { return f.Interest }),
		perService("competence", t("survey.results.competence"), UnitValue, 5, func(f *Figures) *float64 { return f.Competence }),
	}
	if f := r.Overall.Figures; f != nil {
		for _, c := range []struct {
			key, title string
			counts     []Count
		}{{"tasks", t("survey.results.tasks"), f.TopTasks}, {"worries", t("survey.results.worries"), f.TopWorries}} {
			chart := Chart{Key: c.key, Title: c.title, Unit: UnitCount}
			for _, n := range c.counts {
				v := float64(n.Count)
				chart.Rows = append(chart.Rows, ChartRow{Label: n.Label, Value: &v, Note: fmt.Sprintf("%d / %d", n.Count, f.Respondents)})
			}
			charts = append(charts, chart)
		}
	}
	return charts
}
