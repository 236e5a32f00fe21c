package sheets

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/tz"
)

// CampaignReport prints the campaign report of a commune: the figures for
// the council, the suggested pilot service and the line of each service.
func (k *Kit) CampaignReport(w io.Writer, commune string, r *report.Campaign, lang string) error {
	doc, err := k.CampaignReportDoc(commune, r, lang)
	if err != nil {
		return err
	}
	return doc.Write(w)
}

// CampaignReportDoc makes the campaign report, ready to be written:
// whatever can fail in the making fails here, before the first byte goes
// to the reader.
func (k *Kit) CampaignReportDoc(commune string, r *report.Campaign, lang string) (_ *Document, err error) {
	defer recoverTo(&err)
	d := k.newDoc(lang, "P", faceBold)
	title := d.t("pdf.report.title") + " – " + d.line(commune)
	d.pdf.SetTitle(title, true)
	d.startPart(d.line(commune), nil)
	d.flow(d.wrapMax(title, d.contentW(), stTitle(), 2), d.left, stTitle())
	d.flow([]string{d.t("pdf.report.generated", i18n.Date(d.lang, tz.In(r.GeneratedAt)))}, d.left, stSmall())
	d.y += 3
	c := r.Commune
	d.metaBox([]metaRow{
		{d.t("pdf.report.trained"), fmt.Sprintf("%s (%d / %d)", pct(c.ShareTrained), c.Trained, c.People)},
		{d.t("pdf.report.council"), fmt.Sprintf("%d / %d", c.CouncilMembersTrained, c.CouncilMembers)},
		{d.t("pdf.report.sessions"), d.t("pdf.report.sessions_value", c.SessionsHeld, c.SessionsPlanned)},
		{d.t("pdf.report.fill"), pctp(c.AverageFillRate)},
		{d.t("pdf.report.no_show"), pctp(c.NoShowRate)},
		{d.t("pdf.report.feedback"), d.t("pdf.report.feedback_value", nump(d.lang, c.Feedback.Overall), nump(d.lang, c.Feedback.WillUse), c.Feedback.Respondents)},
	}, 2)
	charts := report.BuildCharts(r, d.k.tr, d.lang)
	if charts.Trained != nil || charts.Sessions != nil {
		d.y += chartGap
		d.chart(charts.Trained)
		d.chart(charts.Sessions)
	}

	d.heading(d.t("pdf.report.pilot"), colAccent, 12)
	if r.Pilot.Suggested {
		d.flow([]string{d.line(r.Pilot.Name)}, d.left, stHeading())
	}
	for _, reason := range r.Pilot.Reasons {
		d.item(d.bullet(colAccent), 5, d.line(reason), stBody(), "")
	}

	d.heading(d.t("pdf.report.departments"), colAccent, 20)
	d.departmentTable(r.Departments)
	if charts.Confidence != nil {
		d.y += chartGap
		d.chart(charts.Confidence)
	}
	if c.Survey != nil || c.MementoVersion > 0 {
		d.heading(d.t("strategy.report.before_after"), colAccent, 20)
		if s := c.Survey; s != nil {
			line := d.t("strategy.report.survey", i18n.Date(d.lang, tz.In(s.ClosesAt)), s.Responses, s.Invited)
			if b := s.Before; b != nil {
				line += " · " + d.t("strategy.report.survey_figures", pctp(b.UsingAI), nump(d.lang, b.Competence), nump(d.lang, b.Interest))
			}
			d.item(nil, 0, line, stBody(), "")
		}
		if c.MementoVersion > 0 {
			d.item(nil, 0, d.t("strategy.report.memento", c.MementoVersion, c.MementoRead, c.People), stBody(), "")
		}
		if charts.Competence != nil {
			d.y += 2
			d.chart(charts.Competence)
			d.chart(charts.Interest)
		}
		d.beforeAfterTable(r.Departments)
		d.flow(d.wrap(d.t("strategy.report.note"), d.contentW(), stSmall()), d.left, stSmall())
	}

	for _, dep := range r.Departments {
		if len(dep.MandatoryMissing) == 0 && len(dep.TopUseCases) == 0 && len(dep.TopWorries) == 0 {
			continue
		}
		d.heading(d.line(dep.Name), colAccent, 12)
		for _, m := range dep.MandatoryMissing {
			names := make([]string, len(m.People))
			for i, p := range m.People {
				names[i] = p.Name
			}
			d.item(d.bullet(colAccent), 5, d.t("pdf.report.missing", d.line(m.Title), len(m.People))+" "+d.line(strings.Join(names, ", ")), stBody(), "")
		}
		if len(dep.TopUseCases) > 0 {
			d.item(d.bullet(colAccent), 5, d.t("pdf.report.use_cases")+" "+words(dep.TopUseCases), stBody(), "")
		}
		if len(dep.TopWorries) > 0 {
			d.item(d.bullet(colAccent), 5, d.t("pdf.report.worries")+" "+words(dep.TopWorries), stBody(), "")
		}
	}
	if err := d.close(); err != nil {
		return nil, err
	}
	return &Document{d: d}, nil
}

// departmentTable draws one row per department.
func (d *doc) departmentTable(deps []report.Department) {
	rows := make([][]string, len(deps))
	for i, dep := range deps {
		rows[i] = []string{
			d.line(dep.Name), fmt.Sprint(dep.People), fmt.Sprintf("%d (%s)", dep.Trained, pct(dep.ShareTrained)),
			fmt.Sprintf("%d/%d", dep.HeadsOfServiceTrained, dep.HeadsOfService), fmt.Sprint(dep.Feedback.Respondents),
			nump(d.lang, dep.Feedback.Overall), nump(d.lang, dep.Feedback.WillUse), nump(d.lang, dep.Feedback.ConfidenceGain),
		}
	}
	d.table([]float64{56, 18, 26, 18, 16, 14, 14, 12}, []string{d.t("pdf.report.col_department"), d.t("pdf.report.col_people"), d.t("pdf.report.col_trained"), d.t("pdf.report.col_heads"),
		d.t("pdf.report.col_respondents"), d.t("pdf.report.col_overall"), d.t("pdf.report.col_will_use"), d.t("pdf.report.col_gain")}, rows)
}

// beforeAfterTable draws, per department, the état des lieux beside the
// feedback, and the memento's confirmations.
func (d *doc) beforeAfterTable(deps []report.Department) {
	rows := make([][]string, len(deps))
	for i, dep := range deps {
		before := []string{"–", "–", "–"}
		switch {
		case dep.Survey != nil:
			before = []string{fmt.Sprint(dep.Survey.Respondents), nump(d.lang, dep.Survey.Competence), nump(d.lang, dep.Survey.Interest)}
		case dep.SurveyMerged:
			before = []string{d.t("strategy.pdf.report.merged"), "", ""}
		}
		rows[i] = append(append([]string{d.line(dep.Name)}, before...), fmt.Sprint(dep.Feedback.Respondents), nump(d.lang, dep.Feedback.ConfidenceAfter),
			nump(d.lang, dep.Feedback.WillUse), fmt.Sprintf("%d/%d", dep.MementoRead, dep.People))
	}
	d.table([]float64{46, 16, 18, 16, 16, 22, 20, 20}, []string{d.t("pdf.report.col_department"), d.t("strategy.pdf.report.before_n"), d.t("strategy.report.competence"), d.t("strategy.report.interest"),
		d.t("strategy.pdf.report.after_n"), d.t("strategy.report.confidence_after"), d.t("pdf.report.col_will_use"), d.t("strategy.report.memento_read")}, rows)
}

// table draws rows of one-line cells under a header repeated on each page;
// a cell runs over the empty cells that follow it.
func (d *doc) table(cols []float64, heads []string, rows [][]string) {
	st := style{face: faceRegular, size: 9.5, color: colInk, leading: 1.3}
	hst := stLabel()
	const rowH = 7.0
	line := func(cells []string, st style) {
		x := d.left
		for i, cell := range cells {
			w := cols[i]
			for j := i + 1; j < len(cells) && cells[j] == ""; j++ {
				w += cols[j]
			}
			if cell != "" {
				d.text(x+1, d.y+4.8, st, d.fit(cell, w-2, st))
			}
			x += cols[i]
		}
		d.y += rowH
	}
	header := func() {
		line(heads, hst)
		d.hline(d.left, d.pageW-d.right, d.y, 0.35, colInk)
	}
	d.ensure(2 * rowH)
	header()
	for _, r := range rows {
		if d.ensure(rowH) {
			header()
		}
		line(r, st)
		d.hline(d.left, d.pageW-d.right, d.y, 0.2, colLine)
	}
}

func pct(v float64) string { return fmt.Sprintf("%d\u00a0%%", int(math.Round(100*v))) }

func pctp(v *float64) string {
	if v == nil {
		return "–"
	}
	return pct(*v)
}

// nump writes an average with one decimal, with a comma in French.
func nump(lang string, v *float64) string {
	if v == nil {
		return "–"
	}
	s := fmt.Sprintf("%.1f", *v)
	if lang != "de" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func words(ws []report.Word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = fmt.Sprintf("%s (%d)", w.Word, w.Count)
	}
	return strings.Join(parts, ", ")
}
