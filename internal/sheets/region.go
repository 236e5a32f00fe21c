package sheets

import (
	"fmt"
	"io"
	"strings"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/region"
	"github.com/atelier-ch/atelier/internal/tz"
)

// RegionReport prints the regional view for the region's meetings: the
// region's figures, a line per commune (« n'a pas partagé » for those that
// did not), the formats and how they were rated, what participants use
// the tools for and fear, and each commune's suggested pilot service.
// Like the view, it holds aggregates only.
func (k *Kit) RegionReport(w io.Writer, r *region.Report, lang string) (err error) {
	defer recoverTo(&err)
	d := k.newDoc(lang, "P", faceBold)
	title := d.t("region.pdf.title") + " – " + d.line(r.Region.Name)
	d.pdf.SetTitle(title, true)
	d.startPart(d.line(r.Region.Name), nil)
	d.flow(d.wrapMax(title, d.contentW(), stTitle(), 2), d.left, stTitle())
	d.flow([]string{d.t("pdf.report.generated", i18n.Date(d.lang, tz.In(r.GeneratedAt)))}, d.left, stSmall())
	d.y += 3

	sharing := 0
	for _, c := range r.Communes {
		if c.Shared {
			sharing++
		}
	}
	t := r.Total
	rows := []metaRow{{d.t("region.pdf.communes"), d.t("region.pdf.communes_value", sharing, len(r.Communes))}}
	if t.Training != nil {
		rows = append(rows, metaRow{d.t("pdf.report.trained"), fmt.Sprintf("%s (%d / %d)", pct(t.Training.ShareTrained), t.Training.Trained, t.Training.People)})
	}
	if t.Sessions != nil {
		rows = append(rows, metaRow{d.t("pdf.report.sessions"), d.t("pdf.report.sessions_value", t.Sessions.Held, t.Sessions.Planned)},
			metaRow{d.t("pdf.report.fill"), pctp(t.Sessions.AverageFillRate)})
	}
	if t.Attendance != nil {
		rows = append(rows, metaRow{d.t("pdf.report.no_show"), pctp(t.Attendance.NoShowRate)})
	}
	if f := t.Feedback; f != nil {
		rows = append(rows, metaRow{d.t("pdf.report.feedback"), d.t("region.pdf.feedback_value", nump(d.lang, f.Interest), nump(d.lang, f.ConfidenceGain), f.Respondents)})
	}
	if s := t.Survey; s != nil {
		rows = append(rows, metaRow{d.t("region.pdf.survey"), d.t("region.pdf.survey_value", s.Respondents, pctp(s.UsingAI), nump(d.lang, s.Competence), nump(d.lang, s.Interest))})
	}
	d.metaBox(rows, 2)

	d.heading(d.t("region.pdf.by_commune"), colAccent, 20)
	d.regionTable(r)
	d.flow(d.wrap(d.t("region.pdf.note", r.MinGroup), d.contentW(), stSmall()), d.left, stSmall())

	if len(r.Formats) > 0 {
		d.heading(d.t("region.pdf.formats"), colAccent, 20)
		frows := make([][]string, 0, len(r.Formats)+1)
		for _, f := range r.Formats {
			row := []string{d.line(f.Title), fmt.Sprint(f.Communes), fmt.Sprint(f.SessionsHeld), pctp(f.AverageFillRate), "–", "–", "–"}
			switch {
			case f.Feedback != nil:
				row[4], row[5], row[6] = nump(d.lang, f.Feedback.Overall), nump(d.lang, f.Feedback.Interest), fmt.Sprint(f.Feedback.Respondents)
			case f.Merged:
				row[4], row[5], row[6] = d.t("region.pdf.merged"), "", ""
			}
			frows = append(frows, row)
		}
		if o := r.FormatOthers; o != nil && o.Feedback != nil {
			frows = append(frows, []string{d.t("region.format_others"), "", "", "", nump(d.lang, o.Feedback.Overall), nump(d.lang, o.Feedback.Interest), fmt.Sprint(o.Feedback.Respondents)})
		}
		d.table([]float64{62, 20, 16, 22, 16, 22, 16}, []string{d.t("region.col.format"), d.t("region.col.communes"), d.t("region.pdf.col_sessions"),
			d.t("region.pdf.col_fill"), d.t("pdf.report.col_overall"), d.t("region.col.interest"), d.t("pdf.report.col_respondents")}, frows)
	}

	d.heading(d.t("region.pdf.voices"), colAccent, 16)
	if f := t.Feedback; f != nil {
		if len(f.TopUseCases) > 0 {
			d.item(d.bullet(colAccent), 5, d.t("pdf.report.use_cases")+" "+words(f.TopUseCases), stBody(), "")
		}
		if len(f.TopWorries) > 0 {
			d.item(d.bullet(colAccent), 5, d.t("pdf.report.worries")+" "+words(f.TopWorries), stBody(), "")
		}
	}
	if s := t.Survey; s != nil {
		if len(s.TopTasks) > 0 {
			d.item(d.bullet(colAccent), 5, d.t("region.pdf.survey_tasks")+" "+counts(s.TopTasks), stBody(), "")
		}
		if len(s.TopWorries) > 0 {
			d.item(d.bullet(colAccent), 5, d.t("region.pdf.survey_worries")+" "+counts(s.TopWorries), stBody(), "")
		}
	}
	if t.Feedback == nil && t.Survey == nil {
		d.flow(d.wrap(d.t("region.none_yet", r.MinGroup), d.contentW(), stBody()), d.left, stBody())
	}

	d.heading(d.t("region.pdf.pilots"), colAccent, 12)
	for _, c := range r.Communes {
		if c.Figures == nil {
			continue
		}
		pilot := c.Figures.SuggestedPilot
		if pilot == "" {
			pilot = d.t("region.no_pilot")
		}
		d.item(d.bullet(colAccent), 5, d.t("region.pdf.pair", d.line(c.Name), d.line(pilot)), stBody(), "")
	}
	return d.finish(w)
}

// regionTable draws one row per commune, then « autres communes » and the
// region.
func (d *doc) regionTable(r *region.Report) {
	dash := "–"
	merged := d.t("region.pdf.merged")
	var rows [][]string
	cells := func(f *region.Figures, isMerged func(string) bool) []string {
		row := []string{dash, dash, dash, dash, dash, dash}
		if f == nil {
			return row
		}
		set := func(block string, i int, v string) {
			if isMerged(block) {
				row[i] = merged
			} else {
				row[i] = v
			}
		}
		if f.Training != nil {
			row[0] = fmt.Sprintf("%d (%s)", f.Training.Trained, pct(f.Training.ShareTrained))
		}
		set(region.BlockTraining, 0, row[0])
		if f.Sessions != nil {
			row[1] = fmt.Sprint(f.Sessions.Held)
			row[2] = pctp(f.Sessions.AverageFillRate)
		}
		if f.Attendance != nil {
			row[3] = pctp(f.Attendance.NoShowRate)
		}
		set(region.BlockAttendance, 3, row[3])
		if f.Feedback != nil {
			row[4], row[5] = nump(d.lang, f.Feedback.Interest), nump(d.lang, f.Feedback.ConfidenceGain)
		}
		set(region.BlockFeedback, 4, row[4])
		set(region.BlockFeedback, 5, row[5])
		return row
	}
	none := func(string) bool { return false }
	for _, c := range r.Communes {
		if !c.Shared {
			rows = append(rows, []string{d.line(c.Name), d.t("region.not_shared"), "", "", "", "", ""})
			continue
		}
		isMerged := func(b string) bool {
			for _, m := range c.Merged {
				if m == b {
					return true
				}
			}
			return false
		}
		rows = append(rows, append([]string{d.line(c.Name)}, cells(c.Figures, isMerged)...))
	}
	if len(r.Others.Communes) > 0 {
		rows = append(rows, append([]string{d.t("region.others")}, cells(&r.Others.Figures, none)...))
	}
	rows = append(rows, append([]string{d.t("region.total")}, cells(&r.Total, none)...))
	d.table([]float64{40, 24, 16, 24, 26, 22, 22}, []string{d.t("region.col.commune"), d.t("region.col.trained"), d.t("region.pdf.col_sessions"),
		d.t("region.pdf.col_fill"), d.t("region.col.no_show"), d.t("region.col.interest"), d.t("region.pdf.col_gain")}, rows)
	if len(r.Others.Communes) > 0 {
		var parts []string
		for _, b := range []string{region.BlockTraining, region.BlockAttendance, region.BlockFeedback, region.BlockSurvey} {
			if names := r.Others.Communes[b]; len(names) > 0 {
				parts = append(parts, d.t("region.pdf.pair", d.t("region.block."+b), d.line(strings.Join(names, ", "))))
			}
		}
		d.flow(d.wrap(d.t("region.others_are")+" "+strings.Join(parts, " ; "), d.contentW(), stSmall()), d.left, stSmall())
	}
}

func counts(cs []inquiry.Count) string {
	parts := make([]string, 0, len(cs))
	for i, c := range cs {
		if i == 5 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", c.Label, c.Count))
	}
	return strings.Join(parts, ", ")
}
