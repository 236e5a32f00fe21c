package sheets

import (
	"math"
	"strconv"
	"strings"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/tz"
)

// The type scale of the portrait documents.
const (
	bodySize    = 10.5
	bodyLeading = 1.42
)

func stBody() style    { return style{faceRegular, bodySize, colInk, bodyLeading} }
func stSmall() style   { return style{faceRegular, 9, colGrey, 1.35} }
func stLabel() style   { return style{faceBold, 9, colGrey, 1.35} }
func stHeading() style { return style{faceBold, 12.5, colAccent, 1.3} }
func stTitle() style   { return style{faceBold, 18, colInk, 1.22} }

// heading writes a section title with a rule under it, kept on a page with
// at least keep millimetres of what follows.
func (d *doc) heading(title string, col rgb, keep float64) {
	st := stHeading()
	st.color = col
	lines := d.wrapMax(title, d.contentW(), st, 2)
	h := float64(len(lines))*st.lineHeight() + 2.5
	const before = 5
	if !d.ensure(before + h + keep) {
		d.y += before
	}
	d.flow(lines, d.left, st)
	d.hline(d.left, d.pageW-d.right, d.y+0.3, 0.35, col)
	d.y += 2.5
}

// marker draws the mark of a list item whose first line's top is at y.
type marker func(x, y float64)

// item writes a list item: its marker in a gutter of indent millimetres, its
// text wrapped beside it, and an optional note (a timing) right-aligned on
// the first line. The first two lines stay together.
func (d *doc) item(mark marker, indent float64, text string, st style, note string) {
	width := d.contentW() - indent
	noteSt := style{face: faceBold, size: 9.5, color: colTrainer, leading: st.leading}
	noteW := 0.0
	if note != "" {
		noteW = d.measure(noteSt, note) + 5
	}
	lines := d.wrap(text, width-noteW, st)
	lh := st.lineHeight()
	d.ensure(math.Min(2, float64(len(lines))) * lh)
	if mark != nil {
		mark(d.left, d.y)
	}
	if note != "" {
		d.textRight(d.pageW-d.right, d.y+st.baseline(), noteSt, note)
	}
	d.flow(lines, d.left+indent, st)
	d.y += 1.4
}

// bullet marks an item with a small accent dot.
func (d *doc) bullet(col rgb) marker {
	return func(x, y float64) {
		d.fill(col)
		d.pdf.Circle(x+1.6, y+stBody().baseline()-1.25, 0.85, "F")
	}
}

// numbered marks an item with its number in a disc.
func (d *doc) numbered(n int) marker {
	return func(x, y float64) {
		cy := y + stBody().baseline() - 1.3
		d.fill(colAccent)
		d.pdf.Circle(x+2.6, cy, 2.6, "F")
		st := style{face: faceBold, size: 9, color: colWhite}
		d.textCenter(x+2.6, cy+1.15, st, strconv.Itoa(n))
	}
}

// checkbox marks an item with an empty box to tick.
func (d *doc) checkbox() marker {
	return func(x, y float64) {
		const s = 3.8
		d.stroke(colInk)
		d.pdf.SetLineWidth(0.3)
		d.pdf.Rect(x+0.2, y+stBody().baseline()-s+0.45, s, s, "D")
	}
}

// metaRow is one "label: value" line of a header block.
type metaRow struct{ label, value string }

// metaBox writes label/value rows on a shaded band; each value wraps to at
// most maxLines lines.
func (d *doc) metaBox(rows []metaRow, maxLines int) {
	if len(rows) == 0 {
		return
	}
	const pad = 3
	labelW := 0.0
	for _, r := range rows {
		labelW = math.Max(labelW, d.measure(stLabel(), r.label))
	}
	labelW += 4
	valueW := d.contentW() - 2*pad - labelW
	type laid struct {
		label string
		lines []string
	}
	var all []laid
	h := 2.0 * pad
	lh := stBody().lineHeight()
	for _, r := range rows {
		lines := d.wrapMax(r.value, valueW, stBody(), maxLines)
		all = append(all, laid{r.label, lines})
		h += float64(len(lines)) * lh
	}
	d.ensure(h)
	d.fill(colShade)
	d.pdf.Rect(d.left, d.y, d.contentW(), h, "F")
	d.fill(colAccent)
	d.pdf.Rect(d.left, d.y, 1.2, h, "F")
	y := d.y + pad
	for _, r := range all {
		d.text(d.left+pad+1, y+stBody().baseline(), stLabel(), r.label)
		for _, l := range r.lines {
			d.text(d.left+pad+labelW, y+stBody().baseline(), stBody(), l)
			y += lh
		}
	}
	d.y += h
}

// writingGap is the distance between the lines to write on.
const writingGap = 8.5

// writingLines fills the rest of the page with ruled lines to write on, at
// least min of them (on a new page if they do not fit).
func (d *doc) writingLines(min int) {
	const gap = writingGap
	if d.room() < float64(min)*gap+2 {
		d.newPage()
	}
	d.stroke(colLine)
	d.pdf.SetLineWidth(0.25)
	for y := d.y + gap; y <= d.maxY()-1; y += gap {
		d.pdf.Line(d.left, y, d.pageW-d.right, y)
	}
	d.y = d.maxY()
}

// when writes a session's date and time in Europe/Zurich; a line may break
// between the dates but not inside a French clock time ("13 h 30").
func (d *doc) when(s Session) string {
	start := tz.In(s.Start)
	var out string
	if s.End.IsZero() || s.End.Before(s.Start) {
		out = i18n.Date(d.lang, start) + ", " + i18n.Clock(d.lang, start)
	} else {
		out = i18n.DateRange(d.lang, start, tz.In(s.End))
	}
	return strings.ReplaceAll(d.line(out), " h ", "\u00a0h\u00a0")
}
