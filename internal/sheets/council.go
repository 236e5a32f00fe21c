package sheets

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/chart"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/roadmap"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Council is what the council's page prints: the roadmap, what Atelier
// knows of the campaign, the état des lieux and the memento.
type Council struct {
	Commune     string
	GeneratedAt time.Time
	Roadmap     roadmap.Roadmap
	// PilotName names the pilot service decided (Roadmap.Pilot), if any.
	PilotName string
	Campaign  *report.Campaign
	// Survey is the last état des lieux, nil when none was launched.
	Survey *CouncilSurvey
	// MementoVersion is 0 while no memento is saved.
	MementoVersion int
	MementoDate    time.Time
}

// CouncilSurvey is what the council's page says of the état des lieux;
// the figures are nil below the anonymity threshold.
type CouncilSurvey struct {
	ClosesAt           time.Time
	Open               bool
	Invited, Responses int
	ResponseRate       *float64
	// Withheld: fewer than MinGroup answers, no figure; Partial: the
	// survey is open, its figures come when it closes.
	Withheld, Partial             bool
	MinGroup                      int
	UsingAI, Competence, Interest *float64
	// The task and the worry most cited, and by how many respondents.
	TopTask, TopWorry   string
	TopTaskN, TopWorryN int
}

// CouncilPage prints the one page the council reads: where the commune
// stands on the guide's roadmap, what it decided, what comes next, and the
// campaign's key figures. Whatever does not fit on the page is cut (notes
// first), never moved to a second page.
func (k *Kit) CouncilPage(w io.Writer, c *Council, lang string) (err error) {
	defer recoverTo(&err)
	d := k.newDoc(lang, "P", faceBold)
	title := d.t("roadmap.title")
	d.pdf.SetTitle(title+" – "+d.line(c.Commune), true)
	d.startPart(d.line(c.Commune)+" – "+d.t("strategy.pdf.council.footer"), nil)
	d.flow(d.wrapMax(title, d.contentW(), stTitle(), 2), d.left, stTitle())
	d.flow([]string{d.line(c.Commune) + " · " + d.t("pdf.report.generated", i18n.Date(d.lang, tz.In(c.GeneratedAt)))}, d.left, stSmall())
	d.y += 2

	d.councilFigures(c)

	small := style{face: faceRegular, size: 9.5, color: colInk, leading: 1.3}
	bold := small
	bold.face = faceBold
	full := false
	// line writes one item of at most n lines if it fits on the page;
	// once one does not, the rest of the page says « … ».
	line := func(mark marker, text string, st style, n int) {
		if full {
			return
		}
		lines := d.wrapMax(text, d.contentW()-5, st, n)
		h := float64(len(lines))*st.lineHeight() + 0.8
		if d.y+h > d.maxY()-st.lineHeight() {
			full = true
			d.flow([]string{ellipsis}, d.left+5, st)
			return
		}
		if mark != nil {
			mark(d.left, d.y)
		}
		d.flow(lines, d.left+5, st)
		d.y += 0.8
	}
	heading := func(s string) {
		if full || d.y+18 > d.maxY() {
			full = true
			return
		}
		d.y += 2.5
		st := stHeading()
		st.size = 11.5
		d.flow([]string{d.fit(s, d.contentW(), st)}, d.left, st)
		d.hline(d.left, d.pageW-d.right, d.y+0.3, 0.3, colAccent)
		d.y += 2
	}

	rm := c.Roadmap
	heading(d.t("strategy.pdf.council.stands"))
	for _, s := range rm.Steps {
		text := d.t(roadmap.StepTexts(s.Key).Title) + " — " + d.t("roadmap.status."+string(s.Status))
		if when := d.stepDates(s); when != "" {
			text += " · " + when
		}
		mark := d.bullet(colGrey)
		if s.Status == roadmap.Done {
			mark = d.bullet(colAccent)
		}
		line(mark, text, small, 1)
	}

	heading(d.t("strategy.pdf.council.decided"))
	owner := d.t("strategy.pdf.council.owner_none")
	if rm.Owner.Name != "" {
		owner = d.line(rm.Owner.Name)
		if rm.Owner.Role != "" {
			owner += ", " + d.line(rm.Owner.Role)
		}
	}
	line(d.bullet(colAccent), d.t("strategy.pdf.council.owner", owner), small, 1)
	pilot := d.t("strategy.pdf.council.pilot_none")
	switch {
	case c.PilotName != "" && rm.Pilot.DecidedOn != "":
		pilot = d.t("strategy.pdf.council.pilot_decided", d.line(c.PilotName), d.day(rm.Pilot.DecidedOn))
	case c.PilotName != "":
		pilot = d.line(c.PilotName)
	case c.Campaign != nil && c.Campaign.Pilot.Suggested:
		pilot = d.t("strategy.pdf.council.pilot_suggested", d.line(c.Campaign.Pilot.Name))
	}
	line(d.bullet(colAccent), d.t("strategy.pdf.council.pilot", pilot), small, 2)
	replies := []roadmap.Reply{rm.Questions.MotivatedPeople, rm.Questions.CouncilSupport, rm.Questions.TestResources, rm.Questions.ProjectCarrier, rm.Questions.ITAgreement}
	for i, key := range roadmap.QuestionKeys {
		r := replies[i]
		answer := r.Answer
		if answer == "" {
			answer = roadmap.Open
		}
		text := d.t("strategy.pdf.label_value", d.t("roadmap.answer."+string(answer)), d.t(roadmap.QuestionTexts(key).Title))
		if r.Note != "" {
			text += " — " + d.line(r.Note)
		}
		mark := d.bullet(colGrey)
		if answer == roadmap.Yes {
			mark = d.bullet(colAccent)
		} else if answer == roadmap.No {
			mark = d.bullet(colTrainer)
		}
		line(mark, text, small, 2)
	}

	heading(d.t("strategy.pdf.council.next"))
	next := slices.DeleteFunc(slices.Clone(rm.Steps), func(s roadmap.Step) bool { return s.Status == roadmap.Done })
	// Under way first, then by start date, the undated last.
	slices.SortStableFunc(next, func(a, b roadmap.Step) int {
		if (a.Status == roadmap.Doing) != (b.Status == roadmap.Doing) {
			if a.Status == roadmap.Doing {
				return -1
			}
			return 1
		}
		switch {
		case a.StartsOn == b.StartsOn:
			return 0
		case a.StartsOn == "":
			return 1
		case b.StartsOn == "":
			return -1
		}
		return strings.Compare(a.StartsOn, b.StartsOn)
	})
	if len(next) == 0 {
		line(nil, d.t("strategy.pdf.council.all_done"), small, 1)
	}
	for _, s := range next {
		text := d.t(roadmap.StepTexts(s.Key).Title) + " — " + d.t("roadmap.status."+string(s.Status))
		if when := d.stepDates(s); when != "" {
			text += " · " + when
		}
		if s.Owner != "" {
			text += " · " + d.t("strategy.pdf.council.step_owner", d.line(s.Owner))
		}
		line(d.bullet(colAccent), text, bold, 2)
		if s.Notes != "" {
			line(nil, d.para(s.Notes), small, 2)
		}
	}

	// The campaign's key figures as pictures, in the room left: the
	// roadmap's text comes first, and the page stays one page.
	if c.Campaign != nil && !full {
		ch := report.BuildCharts(c.Campaign, d.k.tr, d.lang)
		if cs, size, ok := d.councilCharts(ch, 14); ok {
			heading(d.t("chart.heading"))
			d.chartsSideBySide(cs, size)
		}
	}
	return d.finish(w)
}

// councilGap is the room between two charts side by side, in millimetres.
const councilGap = 8.0

// councilCharts chooses what of the campaign's charts fits in the room
// left under a heading headH high: the share trained per service and the
// sessions over time side by side, at a smaller size if need be, else one
// of them alone across the page.
func (d *doc) councilCharts(ch report.Charts, headH float64) ([]chart.Chart, float64, bool) {
	var both []chart.Chart
	if ch.Trained != nil {
		both = append(both, *ch.Trained)
	}
	if ch.Sessions != nil {
		both = append(both, *ch.Sessions)
	}
	choices := [][]chart.Chart{both}
	if len(both) == 2 {
		choices = append(choices, both[:1], both[1:])
	}
	for _, cs := range choices {
		for _, size := range []float64{8.5, 7.5} {
			if len(cs) > 0 && d.sideBySideHeight(cs, size)+headH <= d.room() {
				return cs, size, true
			}
		}
	}
	return nil, 0, false
}

// columns returns the left edge and width of each of n charts side by
// side: with two, the bars get the wider column, for their labels and
// numbers.
func (d *doc) columns(n int) (xs, ws []float64) {
	free := d.contentW() - councilGap*float64(n-1)
	shares := []float64{1}
	if n == 2 {
		shares = []float64{0.58, 0.42}
	}
	x := d.left
	for i := range n {
		w := free / float64(n)
		if len(shares) == n {
			w = free * shares[i]
		}
		xs, ws = append(xs, x), append(ws, w)
		x += w + councilGap
	}
	return xs, ws
}

// sideBySideHeight is the height of charts drawn side by side at size.
func (d *doc) sideBySideHeight(cs []chart.Chart, size float64) float64 {
	_, ws := d.columns(len(cs))
	h := 0.0
	for i, c := range cs {
		h = math.Max(h, d.chartHeight(c, ws[i], size))
	}
	return h
}

// chartsSideBySide draws charts in columns from the cursor.
func (d *doc) chartsSideBySide(cs []chart.Chart, size float64) {
	xs, ws := d.columns(len(cs))
	h := 0.0
	for i, c := range cs {
		h = math.Max(h, d.drawChart(c, xs[i], d.y, ws[i], size))
	}
	d.y += h
}

// councilFigures writes the campaign's key figures on a shaded band.
func (d *doc) councilFigures(c *Council) {
	var rows []metaRow
	if r := c.Campaign; r != nil {
		cm := r.Commune
		rows = append(rows,
			metaRow{d.t("pdf.report.trained"), fmt.Sprintf("%s (%d / %d)", pct(cm.ShareTrained), cm.Trained, cm.People)},
			metaRow{d.t("pdf.report.council"), fmt.Sprintf("%d / %d", cm.CouncilMembersTrained, cm.CouncilMembers)},
			metaRow{d.t("pdf.report.sessions"), d.t("pdf.report.sessions_value", cm.SessionsHeld, cm.SessionsPlanned)},
			metaRow{d.t("pdf.report.feedback"), d.t("pdf.report.feedback_value", nump(d.lang, cm.Feedback.Overall), nump(d.lang, cm.Feedback.WillUse), cm.Feedback.Respondents)},
		)
	}
	survey := d.t("strategy.pdf.council.survey_none")
	if s := c.Survey; s != nil {
		survey = d.t("strategy.pdf.council.survey_answers", s.Responses, s.Invited, pctp(s.ResponseRate))
		switch {
		case s.Partial:
			survey += " · " + d.t("strategy.pdf.council.survey_partial")
		case s.Withheld:
			survey += " · " + d.t("strategy.pdf.council.survey_withheld", s.MinGroup)
		default:
			survey += " · " + d.t("strategy.pdf.council.survey_figures", pctp(s.UsingAI), nump(d.lang, s.Competence), nump(d.lang, s.Interest))
		}
		if s.Open {
			survey += " · " + d.t("strategy.pdf.council.survey_open", i18n.Date(d.lang, tz.In(s.ClosesAt)))
		}
	}
	rows = append(rows, metaRow{d.t("strategy.pdf.council.survey"), survey})
	if s := c.Survey; s != nil && s.TopTask != "" {
		rows = append(rows, metaRow{d.t("strategy.pdf.council.top"), d.t("strategy.pdf.council.top_value", d.line(s.TopTask), s.TopTaskN, d.line(s.TopWorry), s.TopWorryN, s.Responses)})
	}
	m := d.t("strategy.pdf.council.memento_none")
	if c.MementoVersion > 0 {
		read := 0
		if c.Campaign != nil {
			read = c.Campaign.Commune.MementoRead
		}
		m = d.t("strategy.pdf.council.memento_value", c.MementoVersion, i18n.Date(d.lang, tz.In(c.MementoDate)), read)
	}
	rows = append(rows, metaRow{d.t("strategy.pdf.council.memento"), m})
	d.metaBox(rows, 2)
}

// stepDates writes a step's dates: « 1.3.2026 – 15.3.2026 », « dès le … »,
// « jusqu'au … », or "".
func (d *doc) stepDates(s roadmap.Step) string {
	switch {
	case s.StartsOn != "" && s.EndsOn != "":
		return d.day(s.StartsOn) + " – " + d.day(s.EndsOn)
	case s.StartsOn != "":
		return d.t("strategy.pdf.council.from", d.day(s.StartsOn))
	case s.EndsOn != "":
		return d.t("strategy.pdf.council.until", d.day(s.EndsOn))
	}
	return ""
}

// day writes a roadmap date (YYYY-MM-DD) the Swiss way.
func (d *doc) day(s string) string {
	t, err := time.Parse(roadmap.DateLayout, s)
	if err != nil {
		return d.line(s)
	}
	return i18n.ShortDate(t)
}
