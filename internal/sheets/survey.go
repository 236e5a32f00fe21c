package sheets

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/atelier-ch/atelier/internal/chart"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/tz"
)

// SurveyResults prints a survey's results as inquiry.Results holds them:
// no figure and no text from fewer than MinGroup people, « autres » named
// with what it gathers.
func (k *Kit) SurveyResults(w io.Writer, r *inquiry.Results, lang string) (err error) {
	defer recoverTo(&err)
	d := k.newDoc(lang, "P", faceBold)
	title := d.line(r.Survey.Title)
	d.pdf.SetTitle(title+" – "+d.line(r.Commune), true)
	d.startPart(d.line(r.Commune)+" – "+title, nil)
	d.flow(d.wrapMax(title, d.contentW(), stTitle(), 3), d.left, stTitle())
	d.flow([]string{d.line(r.Commune)}, d.left, stSmall())
	d.y += 3
	status := d.t("strategy.pdf.survey.closed", i18n.Date(d.lang, tz.In(r.Survey.ClosesAt)))
	if r.Survey.Open {
		status = d.t("strategy.pdf.survey.open", i18n.Date(d.lang, tz.In(r.Survey.ClosesAt)))
	}
	d.metaBox([]metaRow{
		{d.t("strategy.pdf.survey.status"), status},
		{d.t("survey.results.respondents"), fmt.Sprintf("%d / %d (%s)", r.Survey.Responses, r.Survey.Invited, pctp(r.Survey.ResponseRate))},
		{d.t("strategy.pdf.survey.anonymity"), d.t("strategy.results.anonymity", r.MinGroup)},
	}, 3)

	if r.Partial {
		d.y += 2
		d.item(nil, 0, d.t("strategy.results.partial"), stBody(), "")
	}
	charts := map[string]chart.Chart{}
	for _, c := range inquiry.Charts(r, d.k.tr, d.lang) {
		charts[c.Key] = c.Chart
	}
	d.heading(d.t("survey.results.overall"), colAccent, 12)
	if r.Overall.Figures == nil {
		d.item(nil, 0, d.t("survey.results.withheld", r.MinGroup), stBody(), "")
	} else {
		d.figureLines(r.Overall.Figures)
	}
	if charts["tasks"] != nil || charts["worries"] != nil {
		d.y += chartGap
		d.chart(charts["tasks"])
		d.chart(charts["worries"])
	}

	d.heading(d.t("strategy.pdf.survey.by_service"), colAccent, math.Max(20, d.keepFor(charts["response_rate"], charts["using_ai"])))
	d.chart(charts["response_rate"])
	d.chart(charts["using_ai"])
	d.chart(charts["services"])
	d.partTable(r.Services, r.MinGroup)
	d.heading(d.t("strategy.pdf.survey.by_group"), colAccent, math.Max(20, d.keepFor(charts["groups"])))
	d.chart(charts["groups"])
	d.partTable(r.Groups, r.MinGroup)

	if f := r.Overall.Figures; f != nil {
		for _, texts := range []struct {
			title string
			items []string
		}{
			{d.t("survey.results.wishes"), f.Wishes},
			{d.t("survey.results.worries_other"), f.WorriesOther},
			{d.t("survey.results.tools_other"), f.ToolsOther},
			{d.t("survey.results.tasks_other"), f.TasksOther},
		} {
			if len(texts.items) == 0 {
				continue
			}
			d.heading(texts.title, colAccent, 12)
			for _, t := range texts.items {
				d.item(d.bullet(colAccent), 5, d.para(t), stBody(), "")
			}
		}
		d.flow(d.wrap(d.t("survey.results.texts_note"), d.contentW(), stSmall()), d.left, stSmall())
	}
	return d.finish(w)
}

// figureLines writes a part's main figures, then its counts.
func (d *doc) figureLines(f *inquiry.Figures) {
	d.metaBox([]metaRow{
		{d.t("survey.results.using_ai"), pctp(f.UsingAI)},
		{d.t("survey.results.competence"), nump(d.lang, f.Competence)},
		{d.t("survey.results.interest"), nump(d.lang, f.Interest)},
	}, 1)
	for _, c := range []struct {
		title  string
		counts []inquiry.Count
	}{
		{d.t("survey.results.tasks"), f.TopTasks},
		{d.t("survey.results.worries"), f.TopWorries},
		{d.t("survey.results.frequency"), f.Frequency},
		{d.t("survey.results.preferred_length"), f.PreferredLength},
		{d.t("survey.results.preferred_grouping"), f.PreferredGrouping},
	} {
		if len(c.counts) == 0 {
			continue
		}
		parts := make([]string, len(c.counts))
		for i, n := range c.counts {
			parts[i] = fmt.Sprintf("%s (%d)", n.Label, n.Count)
		}
		d.y += 1.5
		d.item(d.bullet(colAccent), 5, d.t("strategy.pdf.label_value", c.title, strings.Join(parts, ", ")), stBody(), "")
	}
}

// partTable writes one row per part of a breakdown; « autres » says what
// it gathers under the table.
func (d *doc) partTable(parts []inquiry.Part, minGroup int) {
	rows := make([][]string, len(parts))
	var notes []string
	for i, p := range parts {
		rows[i] = []string{d.line(p.Name), "–", "–", "–", "–", "–"}
		if f := p.Figures; f != nil {
			rows[i] = []string{d.line(p.Name), fmt.Sprint(f.Respondents), pctp(f.ResponseRate), pctp(f.UsingAI), nump(d.lang, f.Competence), nump(d.lang, f.Interest)}
		}
		switch {
		case len(p.Merged) > 0:
			notes = append(notes, d.t("strategy.pdf.survey.merged", d.line(p.Name), d.line(strings.Join(p.Merged, ", ")), minGroup))
		case p.Withheld:
			notes = append(notes, d.t("survey.results.withheld", minGroup))
		}
	}
	d.table([]float64{52, 22, 28, 28, 22, 22}, []string{"", d.t("survey.results.respondents"), d.t("survey.results.response_rate"), d.t("strategy.pdf.survey.col_using"),
		d.t("strategy.pdf.survey.col_competence"), d.t("strategy.pdf.survey.col_interest")}, rows)
	for _, note := range notes {
		d.y += 1
		d.flow(d.wrap(note, d.contentW(), stSmall()), d.left, stSmall())
	}
}
