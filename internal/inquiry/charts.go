package inquiry

import (
	"fmt"

	"github.com/atelier-ch/atelier/internal/chart"
	"github.com/atelier-ch/atelier/internal/i18n"
)

// Chart is one chart of a survey's results (package chart draws it as SVG
// on the page and with gofpdf in the PDF), with a key that names it.
type Chart struct {
	// Key is "response_rate", "using_ai", "services", "groups", "tasks" or
	// "worries".
	Key   string
	Chart chart.Chart
}

// maxChartRows bounds a chart's rows (package chart refuses more than a
// thousand).
const maxChartRows = 1000

// Charts builds the charts of a survey's results in lang. Once the survey
// has closed: the share using generative AI per service; competence and
// interest side by side per service and per group; the tasks and the
// worries most cited by the whole administration. While it is open, the
// response rate per service only, as the results hold nothing else then.
//
// A chart shows what the tables show and nothing more: a part without
// figures (withheld, under MinGroup respondents) has no row, « autres »
// is not broken down, and a chart with no bar is left out.
func Charts(r *Results, tr *i18n.Translator, lang string) []Chart {
	lang = i18n.Normalize(lang)
	t := func(key string, args ...any) string { return tr.T(lang, key, args...) }
	parts := func(ps []Part) []Part {
		out := []Part{}
		for _, p := range ps {
			if p.Figures != nil {
				out = append(out, p)
			}
		}
		return out[:min(len(out), maxChartRows)]
	}
	services := parts(append([]Part{r.Overall}, r.Services...))
	groups := parts(append([]Part{r.Overall}, r.Groups...))
	// A part's label says how many answered: « Finances (6 réponses) ».
	label := func(p Part) string {
		return p.Name + " (" + t("strategy.chart.respondents", p.Figures.Respondents) + ")"
	}

	var out []Chart
	add := func(key string, c chart.Chart, rows int) {
		if rows > 0 {
			out = append(out, Chart{Key: key, Chart: c})
		}
	}
	if r.Partial {
		b := chart.Bars{Title: t("chart.survey.response_rate"), Unit: chart.Percent}
		n := 0
		for _, p := range services {
			if f := p.Figures; f.ResponseRate != nil {
				b.Rows = append(b.Rows, chart.BarRow{Label: p.Name, Value: f.ResponseRate, Note: fmt.Sprintf("%d / %d", f.Respondents, f.Population)})
				n++
			}
		}
		add("response_rate", b, n)
		return out
	}

	using := chart.Bars{Title: t("chart.survey.using_ai"), Unit: chart.Percent}
	n := 0
	for _, p := range services {
		if p.Figures.UsingAI != nil {
			using.Rows = append(using.Rows, chart.BarRow{Label: label(p), Value: p.Figures.UsingAI})
			n++
		}
	}
	add("using_ai", using, n)

	pairs := func(key, title string, ps []Part) {
		c := chart.Paired{Title: title, SeriesLabels: [2]string{t("chart.survey.competence"), t("chart.survey.interest")}}
		for _, p := range ps {
			if f := p.Figures; f.Competence != nil || f.Interest != nil {
				c.Rows = append(c.Rows, chart.PairedRow{Label: label(p), A: f.Competence, B: f.Interest})
			}
		}
		add(key, c, len(c.Rows))
	}
	pairs("services", t("chart.survey.services"), services)
	pairs("groups", t("chart.survey.groups"), groups)

	if f := r.Overall.Figures; f != nil {
		for _, c := range []struct {
			key, title string
			counts     []Count
		}{{"tasks", t("chart.survey.tasks"), f.TopTasks}, {"worries", t("chart.survey.worries"), f.TopWorries}} {
			b := chart.Bars{Title: c.title, Unit: chart.Count}
			for _, n := range c.counts[:min(len(c.counts), maxChartRows)] {
				v := float64(n.Count)
				b.Rows = append(b.Rows, chart.BarRow{Label: n.Label, Value: &v, Note: t("chart.survey.of", f.Respondents)})
			}
			add(c.key, b, len(b.Rows))
		}
	}
	return out
}

// Charts builds the charts of a survey's results in lang (the function
// Charts, with the service's translations).
func (s *Service) Charts(r *Results, lang string) []Chart {
	return Charts(r, s.tr, lang)
}
