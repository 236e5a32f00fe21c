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
func (k *Kit) CampaignReport(w io.Writer, commune string, r *report.Campaign, lang string) (err error) {
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

	d.heading(d.t("pdf.report.pilot"), colAccent, 12)
	if r.Pilot.Suggested {
		d.flow([]string{d.line(r.Pilot.Name)}, d.left, stHeading())
	}
	for _, reason := range r.Pilot.Reasons {
		d.item(d.bullet(colAccent), 5, d.line(reason), stBody(), "")
	}

	d.heading(d.t("pdf.report.departments"), colAccent, 20)
	d.departmentTable(r.Departments)

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
	return d.finish(w)
}

// departmentTable draws one row per department, the header repeated on
// each page.
func (d *doc) departmentTable(deps []report.Department) {
	cols := []float64{56, 18, 26, 18, 16, 14, 14, 12}
	heads := []string{d.t("pdf.report.col_department"), d.t("pdf.report.col_people"), d.t("pdf.report.col_trained"), d.t("pdf.report.col_heads"),
		d.t("pdf.report.col_respondents"), d.t("pdf.report.col_overall"), d.t("pdf.report.col_will_use"), d.t("pdf.report.col_gain")}
	st := style{face: faceRegular, size: 9.5, color: colInk, leading: 1.3}
	hst := stLabel()
	const rowH = 7.0
	header := func() {
		x := d.left
		for i, h := range heads {
			d.text(x+1, d.y+4.8, hst, d.fit(h, cols[i]-2, hst))
			x += cols[i]
		}
		d.y += rowH
		d.hline(d.left, d.pageW-d.right, d.y, 0.35, colInk)
	}
	d.ensure(2 * rowH)
	header()
	for _, dep := range deps {
		if d.ensure(rowH) {
			header()
		}
		cells := []string{
			d.line(dep.Name), fmt.Sprint(dep.People), fmt.Sprintf("%d (%s)", dep.Trained, pct(dep.ShareTrained)),
			fmt.Sprintf("%d/%d", dep.HeadsOfServiceTrained, dep.HeadsOfService), fmt.Sprint(dep.Feedback.Respondents),
			nump(d.lang, dep.Feedback.Overall), nump(d.lang, dep.Feedback.WillUse), nump(d.lang, dep.Feedback.ConfidenceGain),
		}
		x := d.left
		for i, cell := range cells {
			d.text(x+1, d.y+4.8, st, d.fit(cell, cols[i]-2, st))
			x += cols[i]
		}
		d.y += rowH
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
