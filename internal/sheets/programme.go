package sheets

import (
	"errors"
	"io"
	"math"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Type sizes the programme's rows try, largest first: it is read on a wall
// or a projector, so it takes the largest size that fits on one page.
const (
	progMaxSize  = 20.0
	progMinSize  = 16.0
	progSizeStep = 0.5
)

// progRow is one agenda block laid out.
type progRow struct {
	time  string
	title []string
	kind  string
	pause bool
}

// Programme writes a session's agenda in large type, A4 landscape: each
// block with its clock times computed from the session's start and its kind.
func (k *Kit) Programme(w io.Writer, s Session, f *catalog.Format) (err error) {
	defer recoverTo(&err)
	if f == nil {
		return errors.New("sheets: no format")
	}
	if len(f.Agenda) == 0 {
		return errors.New("sheets: the format has no agenda")
	}
	d := k.newDoc(s.Language, "L", faceBold)
	title := s.Title
	if title == "" {
		title = f.Localized(d.lang).Title
	}
	title = d.line(title)
	d.pdf.SetTitle(d.t("pdf.prog.title")+" · "+title, true)

	times := d.agendaTimes(s, f)
	kinds := make([]string, len(f.Agenda))
	for i, it := range f.Agenda {
		kinds[i] = d.t("pdf.kind." + string(it.Kind))
	}

	first := true
	head := func() {
		if !first {
			d.progRunningHeader(title)
			return
		}
		first = false
		d.progHeader(s, title)
	}
	footer := title
	if s.Commune != "" {
		footer = d.line(s.Commune) + " · " + title
	}
	d.startPart(footer, head)

	// The largest size that needs no more pages than the smallest does.
	lay := func(size float64) (rows []progRow, timeW, kindW float64) {
		timeSt, bodySt, kindSt := progStyles(size)
		for i := range times {
			timeW = math.Max(timeW, d.measure(timeSt, times[i]))
			kindW = math.Max(kindW, d.measure(kindSt, kinds[i]))
		}
		timeW += 8
		kindW += 10
		titleW := d.contentW() - timeW - kindW - 6
		for i, it := range f.Agenda {
			ti := it.Title
			if d.lang == "de" && it.TitleDE != "" {
				ti = it.TitleDE
			}
			rows = append(rows, progRow{time: times[i], title: d.wrapMax(d.line(ti), titleW, bodySt, 3), kind: kinds[i], pause: it.Kind == catalog.KindBreak})
		}
		return rows, timeW, kindW
	}
	firstRoom, nextRoom := d.room(), d.maxY()-d.top-progRunningH
	pagesAt := func(size float64) int {
		rows, _, _ := lay(size)
		pages, _ := progPages(rows, progBody(size), firstRoom, nextRoom)
		return pages
	}
	least := pagesAt(progMinSize)
	size := progMaxSize
	for size > progMinSize && pagesAt(size) > least {
		size -= progSizeStep
	}
	rows, timeW, kindW := lay(size)
	timeSt, bodySt, kindSt := progStyles(size)
	_, perPage := progPages(rows, bodySt, firstRoom, nextRoom)
	onPage := 0
	for _, r := range rows {
		h := progRowH(r, bodySt)
		if onPage == perPage || d.ensure(h) {
			if onPage == perPage {
				d.newPage()
			}
			onPage = 0
		}
		onPage++
		if r.pause {
			d.fill(colShade)
			d.pdf.Rect(d.left, d.y, d.contentW(), h, "F")
		}
		pad := (h - float64(len(r.title))*bodySt.lineHeight()) / 2
		base := d.y + pad + bodySt.baseline()
		ts := timeSt
		if r.pause {
			ts.color = colGrey
		}
		d.text(d.left+2, base, ts, r.time)
		y := d.y + pad
		bs := bodySt
		if r.pause {
			bs.color = colGrey
		}
		for _, l := range r.title {
			d.text(d.left+timeW, y+bs.baseline(), bs, l)
			y += bs.lineHeight()
		}
		// The kind as a tag at the right, on the first line.
		tagH := kindSt.size * mmPerPt * 1.7
		tagW := d.measure(kindSt, r.kind) + 6
		tx := d.pageW - d.right - kindW + 4
		ty := base - bodySt.size*mmPerPt*0.36 - tagH/2
		d.stroke(colRule)
		d.pdf.SetLineWidth(0.3)
		if !r.pause {
			d.fill(colWhite)
			d.pdf.RoundedRect(tx, ty, tagW, tagH, 1.2, "1234", "D")
		}
		d.text(tx+3, ty+tagH/2+kindSt.size*mmPerPt*0.36, kindSt, r.kind)
		d.y += h
		d.hline(d.left, d.pageW-d.right, d.y, 0.25, colLine)
	}
	return d.finish(w)
}

// progRunningH is the height of the running header of the further pages.
const progRunningH = 8.0

// progPages counts the pages rows need and balances them: perPage rows on
// each page, so the last page is not left with a few.
func progPages(rows []progRow, st style, first, next float64) (pages, perPage int) {
	pages, room := 1, first
	for _, r := range rows {
		h := progRowH(r, st)
		if h > room {
			pages++
			room = next
		}
		room -= h
	}
	return pages, (len(rows) + pages - 1) / pages
}

// progStyles returns the styles of the times, titles and kinds at a size.
func progStyles(size float64) (time, body, kind style) {
	return style{faceBold, size, colAccent, 1.25}, progBody(size),
		style{faceRegular, math.Max(10, size*0.62), colGrey, 1.2}
}

func progBody(size float64) style { return style{faceRegular, size, colInk, 1.25} }

// progRowH is the height of a row: its lines with room above and below.
func progRowH(r progRow, st style) float64 {
	return float64(len(r.title))*st.lineHeight() + st.size*mmPerPt*0.75
}

// agendaTimes writes each block's clock times from the session's start
// ("13 h 30 – 14 h 00", "13.30–14.00"), or its duration when the session
// has no start.
func (d *doc) agendaTimes(s Session, f *catalog.Format) []string {
	out := make([]string, len(f.Agenda))
	t := tz.In(s.Start)
	for i, it := range f.Agenda {
		if s.Start.IsZero() {
			out[i] = i18n.Duration(it.Minutes)
			continue
		}
		end := t.Add(time.Duration(it.Minutes) * time.Minute)
		out[i] = d.clockRange(t, end)
		t = end
	}
	return out
}

// clockRange writes a span of clock times without a break inside.
func (d *doc) clockRange(a, b time.Time) string {
	if d.lang == "de" {
		return i18n.Clock(d.lang, a) + "–" + i18n.Clock(d.lang, b)
	}
	return glue(i18n.Clock(d.lang, a)) + "\u00a0– " + glue(i18n.Clock(d.lang, b))
}

// glue turns the spaces of s into no-break spaces.
func glue(s string) string {
	b := []rune(s)
	for i, r := range b {
		if r == ' ' {
			b[i] = nbsp
		}
	}
	return string(b)
}

// progHeader opens the programme: commune, title, date and place.
func (d *doc) progHeader(s Session, title string) {
	label := d.t("pdf.prog.title")
	if s.Commune != "" {
		label = d.line(s.Commune) + " · " + label
	}
	st := style{faceBold, 13, colAccent, 1.3}
	d.flow(d.wrapMax(label, d.contentW(), st, 1), d.left, st)
	d.y += 1
	tst := style{faceBold, 26, colInk, 1.15}
	d.flow(d.wrapMax(title, d.contentW(), tst, 2), d.left, tst)
	d.y += 1
	var facts string
	if !s.Start.IsZero() {
		facts = d.when(s)
	}
	if s.Place != "" {
		if facts != "" {
			facts += " · "
		}
		facts += d.line(s.Place)
	}
	if facts != "" {
		fst := style{faceRegular, 14, colGrey, 1.3}
		d.flow(d.wrapMax(facts, d.contentW(), fst, 2), d.left, fst)
	}
	d.y += 2.5
	d.hline(d.left, d.pageW-d.right, d.y, 0.6, colAccent)
	d.y += 1
}

// progRunningHeader opens the programme's further pages.
func (d *doc) progRunningHeader(title string) {
	st := style{faceBold, 12, colGrey, 1.3}
	d.flow([]string{d.fit(title, d.contentW(), st)}, d.left, st)
	d.y += 1.5
	d.hline(d.left, d.pageW-d.right, d.y, 0.6, colAccent)
	d.y += 1
}
