package report

import (
	"fmt"

	"github.com/atelier-ch/atelier/internal/chart"
	"github.com/atelier-ch/atelier/internal/i18n"
)

// Charts are the campaign report's key figures as pictures, in one
// language: the reports page draws them as SVG, the report's and the
// council's PDFs with gofpdf's primitives (package chart). A chart is nil
// when it would have no bar.
type Charts struct {
	// Trained is the share of people trained, the whole commune first,
	// then each service with people, with "trained / people" beside.
	Trained *chart.Bars
	// Sessions counts the commune's sessions per week, month or year.
	Sessions *chart.Timeline
	// Confidence pairs the feedback's confidence before and after the
	// session, per service with feedback.
	Confidence *chart.Paired
	// Competence pairs the état des lieux's competence (before the
	// training) with the feedback's confidence after it; Interest pairs its
	// interest in a training with the feedback's « I will use these
	// tools ». Both are nil until the survey has closed with figures. The
	// « before » side keeps the survey's anonymity: a service merged into
	// « autres » has no « before » bar, as it has no figure in the table.
	Competence, Interest *chart.Paired
}

// maxChartRows bounds a chart's rows (package chart refuses more than a
// thousand); no commune has that many services.
const maxChartRows = 1000

// Charts builds the charts of a campaign report in lang.
func (s *Service) Charts(c *Campaign, lang string) Charts {
	return BuildCharts(c, s.tr, lang)
}

// BuildCharts builds the charts of a campaign report in lang with tr.
func BuildCharts(c *Campaign, tr *i18n.Translator, lang string) Charts {
	lang = i18n.Normalize(lang)
	t := func(key string, args ...any) string { return tr.T(lang, key, args...) }
	var out Charts
	cm := c.Commune
	commune := t("chart.commune")

	if cm.People > 0 {
		b := &chart.Bars{Title: t("chart.trained.title"), Unit: chart.Percent}
		b.Rows = append(b.Rows, chart.BarRow{Label: commune, Value: share(cm.ShareTrained), Note: fmt.Sprintf("%d / %d", cm.Trained, cm.People)})
		for _, d := range c.Departments {
			if d.People > 0 {
				b.Rows = append(b.Rows, chart.BarRow{Label: d.Name, Value: share(d.ShareTrained), Note: fmt.Sprintf("%d / %d", d.Trained, d.People)})
			}
		}
		b.Rows = b.Rows[:min(len(b.Rows), maxChartRows)]
		out.Trained = b
	}

	if ps := c.Calendar.Periods; len(ps) > 0 && len(ps) <= maxChartRows {
		tl := &chart.Timeline{Title: t("chart.sessions." + c.Calendar.Unit)}
		years := ps[0].Start[:4] != ps[len(ps)-1].Start[:4]
		for _, p := range ps {
			start := p.StartTime()
			pt := chart.TimePoint{Date: start, Count: p.Sessions}
			switch c.Calendar.Unit {
			case UnitMonth:
				pt.Label = t(fmt.Sprintf("chart.month.%d", int(start.Month())))
				if years {
					pt.Label += start.Format(" 06")
				}
			case UnitYear:
				pt.Label = start.Format("2006")
			}
			tl.Points = append(tl.Points, pt)
		}
		out.Sessions = tl
	}

	// pairs builds a before/after chart: the commune's row, then each
	// service with a value on either side.
	pairs := func(title, before, after string, whole [2]*float64, of func(*Department) [2]*float64) *chart.Paired {
		p := &chart.Paired{Title: title, SeriesLabels: [2]string{before, after}}
		p.Rows = append(p.Rows, chart.PairedRow{Label: commune, A: whole[0], B: whole[1]})
		for i := range c.Departments {
			v := of(&c.Departments[i])
			if v[0] != nil || v[1] != nil {
				p.Rows = append(p.Rows, chart.PairedRow{Label: c.Departments[i].Name, A: v[0], B: v[1]})
			}
		}
		p.Rows = p.Rows[:min(len(p.Rows), maxChartRows)]
		return p
	}
	if f := cm.Feedback; f.Respondents > 0 {
		out.Confidence = pairs(t("chart.confidence.title"), t("chart.confidence.before"), t("chart.confidence.after"),
			[2]*float64{f.ConfidenceBefore, f.ConfidenceAfter},
			func(d *Department) [2]*float64 {
				return [2]*float64{d.Feedback.ConfidenceBefore, d.Feedback.ConfidenceAfter}
			})
	}
	if sv := cm.Survey; sv != nil && sv.Before != nil {
		before, after := t("chart.before"), t("chart.after")
		survey := func(d *Department, v func(*Before) *float64) *float64 {
			if d.Survey == nil { // none, or merged into « autres »
				return nil
			}
			return v(d.Survey)
		}
		out.Competence = pairs(t("chart.competence.title"), before, after,
			[2]*float64{sv.Before.Competence, cm.Feedback.ConfidenceAfter},
			func(d *Department) [2]*float64 {
				return [2]*float64{survey(d, func(b *Before) *float64 { return b.Competence }), d.Feedback.ConfidenceAfter}
			})
		out.Interest = pairs(t("chart.interest.title"), before, after,
			[2]*float64{sv.Before.Interest, cm.Feedback.WillUse},
			func(d *Department) [2]*float64 {
				return [2]*float64{survey(d, func(b *Before) *float64 { return b.Interest }), d.Feedback.WillUse}
			})
	}
	return out
}

// share is a share as a chart's value.
func share(v float64) *float64 { return &v }
