package sheets

import (
	"errors"
	"io"
	"math"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Certificates writes one certificate of attendance per person, each an A4
// landscape page: the person, the format, date, duration and place, the
// three themes covered, the commune and the trainer's signature line.
func (k *Kit) Certificates(w io.Writer, s Session, f *catalog.Format, people []Participant) (err error) {
	defer recoverTo(&err)
	if f == nil {
		return errors.New("sheets: no format")
	}
	if len(people) == 0 {
		return errors.New("sheets: no participant")
	}
	d := k.newDoc(s.Language, "L", faceBold)
	d.left, d.right, d.top, d.bottom = 26, 26, 24, 22
	d.pdf.SetTitle(d.t("pdf.cert.title")+" · "+d.line(f.Localized(d.lang).Title), true)
	for i := range people {
		d.certificate(s, f, &people[i])
	}
	return d.finish(w)
}

// certificate writes one person's page.
func (d *doc) certificate(s Session, f *catalog.Format, p *Participant) {
	d.header = nil
	d.newPage()
	cx := d.pageW / 2
	w := d.contentW()

	// A double frame.
	d.stroke(colAccent)
	d.pdf.SetLineWidth(0.8)
	d.pdf.Rect(10, 10, d.pageW-20, d.pageH-20, "D")
	d.pdf.SetLineWidth(0.25)
	d.pdf.Rect(12.5, 12.5, d.pageW-25, d.pageH-25, "D")

	center := func(lines []string, st style) {
		for _, l := range lines {
			d.textCenter(cx, d.y+st.baseline(), st, l)
			d.y += st.lineHeight()
		}
	}
	if s.Commune != "" {
		st := style{faceBold, 13, colAccent, 1.3}
		center(d.wrapMax(d.line(s.Commune), w, st, 1), st)
		d.y += 3
	}
	center(d.wrapMax(d.t("pdf.cert.title"), w, style{faceBold, 30, colInk, 1.2}, 1), style{faceBold, 30, colInk, 1.2})
	d.y += 6
	lead := style{faceRegular, 12.5, colGrey, 1.4}
	center([]string{d.t("pdf.cert.certifies")}, lead)
	d.y += 1.5
	// The name as large as fits on one line, else smaller on two.
	name := d.line(p.Name)
	nameSt := style{faceBold, 30, colAccent, 1.2}
	for nameSt.size > 20 && d.measure(nameSt, name) > w {
		nameSt.size--
	}
	center(d.wrapMax(name, w, nameSt, 2), nameSt)
	d.y += 1.5
	center([]string{d.t("pdf.cert.attended")}, lead)
	d.y += 1.5
	ft := f.Localized(d.lang)
	titleSt := style{faceBold, 19, colInk, 1.22}
	center(d.wrapMax(d.line(ft.Title), w, titleSt, 2), titleSt)
	d.y += 2
	infoSt := style{faceRegular, 12.5, colInk, 1.4}
	center(d.wrapMax(d.certFacts(s, f), w, infoSt, 2), infoSt)

	// The three themes side by side, with their focus texts if all fit.
	sigTop := d.pageH - d.bottom - 24
	d.y += 7
	d.hline(cx-20, cx+20, d.y, 0.4, colAccent)
	d.y += 4
	center([]string{d.t("pdf.cert.themes")}, style{faceBold, 10.5, colAccent, 1.4})
	d.y += 1
	const gap = 8
	colW := (w - 2*gap) / 3
	themeSt := style{faceBold, 12, colInk, 1.25}
	focusSt := style{faceRegular, 10, colGrey, 1.3}
	type column struct{ title, focus []string }
	var cols []column
	fits := true
	for _, th := range certThemes(f) {
		focus := th.Focus
		if d.lang == "de" && th.FocusDE != "" {
			focus = th.FocusDE
		}
		c := column{d.wrapMax(d.t("pdf.theme."+string(th.Key)), colW, themeSt, 2), d.wrap(d.line(focus), colW, focusSt)}
		h := 2*themeSt.lineHeight() + 1 + float64(len(c.focus))*focusSt.lineHeight()
		fits = fits && d.y+h <= sigTop-4
		cols = append(cols, c)
	}
	titleLines := 0
	for _, c := range cols {
		titleLines = max(titleLines, len(c.title))
	}
	for i, c := range cols {
		x := d.left + float64(i)*(colW+gap)
		y := d.y
		for _, l := range c.title {
			d.text(x, y+themeSt.baseline(), themeSt, l)
			y += themeSt.lineHeight()
		}
		if !fits {
			continue
		}
		y = d.y + float64(titleLines)*themeSt.lineHeight() + 1 // the texts start level
		for _, l := range c.focus {
			d.text(x, y+focusSt.baseline(), focusSt, l)
			y += focusSt.lineHeight()
		}
	}
	d.certSignatures(s, sigTop)
}

// certFacts writes the date, duration and place on one line.
func (d *doc) certFacts(s Session, f *catalog.Format) string {
	var facts []string
	if !s.Start.IsZero() {
		start, end := tz.In(s.Start), tz.In(s.End)
		if s.End.IsZero() || !end.After(start) || sameDay(start, end) {
			facts = append(facts, i18n.Date(d.lang, start))
		} else {
			facts = append(facts, d.k.tr.T(d.lang, "pdf.cert.days", i18n.Date(d.lang, start), i18n.Date(d.lang, end)))
		}
	}
	if f.DurationMinutes > 0 {
		facts = append(facts, d.k.tr.T(d.lang, "pdf.cert.duration", i18n.Duration(f.DurationMinutes)))
	}
	if s.Place != "" {
		facts = append(facts, s.Place)
	}
	return d.line(strings.Join(facts, " · "))
}

// certSignatures writes the place and date line on the left and a
// signature line per trainer (at most three) on the right.
func (d *doc) certSignatures(s Session, top float64) {
	st := style{faceRegular, 10.5, colInk, 1.35}
	small := style{faceRegular, 9, colGrey, 1.3}
	where := d.line(s.Commune)
	if !s.Start.IsZero() {
		date := i18n.ShortDate(tz.In(s.Start))
		if where != "" {
			where += ", "
		}
		where += date
	}
	lineY := top + 13
	if where != "" {
		d.text(d.left, lineY-1.5, st, d.fit(where, 90, st))
	}
	d.hline(d.left, d.left+90, lineY, 0.3, colInk)
	d.text(d.left, lineY+4.5, small, d.t("pdf.cert.place_date"))

	names := []string{}
	for _, n := range s.Trainers {
		if n = d.line(n); n != "" {
			names = append(names, n)
		}
	}
	if len(names) > 3 {
		names = names[:3]
	}
	if len(names) == 0 {
		names = []string{""}
	}
	const sigW = 62
	gap := 8.0
	total := float64(len(names))*sigW + float64(len(names)-1)*gap
	x := math.Max(d.left+100, d.pageW-d.right-total)
	for _, n := range names {
		d.hline(x, x+sigW, lineY, 0.3, colInk)
		label := d.t("pdf.cert.trainer")
		if n != "" {
			d.text(x, lineY+4.8, st, d.fit(n, sigW, st))
			d.text(x, lineY+9, small, d.fit(label, sigW, small))
		} else {
			d.text(x, lineY+4.5, small, d.fit(label, sigW, small))
		}
		x += sigW + gap
	}
}

// certThemes returns the format's themes in the guide's order.
func certThemes(f *catalog.Format) []catalog.Theme {
	var out []catalog.Theme
	for _, key := range catalog.ThemeKeys {
		for _, th := range f.Themes {
			if th.Key == key {
				out = append(out, th)
			}
		}
	}
	return out
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
