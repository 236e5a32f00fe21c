package chart

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// Fonts names the faces PDF writes with: UTF-8 fonts the caller has added
// to the document (gofpdf cannot tell which font is current, so it is
// told).
type Fonts struct {
	// Family is the family of the regular face; empty means the current
	// family.
	Family string
	// Bold is the style, "B", under which a bold face of Family was added;
	// empty, titles are set in the regular face.
	Bold string
	// Size is the size of labels and numbers, in points; zero means the
	// current size.
	Size float64
	// Has reports whether the faces have a glyph for r; the others are
	// printed as "?". Nil keeps every rune of the Basic Multilingual Plane
	// (gofpdf handles no other).
	Has func(r rune) bool
}

// PDF geometry, in points (converted to the document's unit when drawn),
// or in multiples of the text size where it should follow the text.
const (
	pdfLeading    = 1.3   // line height, in text sizes
	pdfBar        = 1.05  // thickness of a Bars bar, in text sizes
	pdfPair       = 0.65  // thickness of each bar of a Paired row, in text sizes
	pdfPairNumber = 0.85  // numbers of a Paired row, in text sizes
	pdfRowGap     = 0.45  // between rows, in text sizes
	pdfPlot       = 11.0  // tallest Timeline column, in text sizes
	pdfGap        = 4.5   // between a bar's end and its number
	pdfHatchGap   = 2.6   // between hatching lines, measured across them
	pdfHatchLine  = 0.6   // hatching and outline width
	pdfHair       = 0.35  // scale lines
	pdfSmall      = 0.88  // axis ticks and column dates, in text sizes
	pdfTitle      = 1.15  // title, in text sizes
	pdfMinCount   = 0.55  // smallest Timeline count, in text sizes
	pdfLabelCol   = 0.36  // widest label column, as a share of the width
	pdfNumberCol  = 0.35  // widest number column, as a share of the width
	defaultSize   = 9.0   // when the document has no current size
	hatchSlope    = 1.414 // horizontal spacing of 45° lines per unit across
)

// Colours of the PDFs, from internal/sheets' palette: greys that keep their
// order of darkness in black and white.
var (
	pdfInk   = [3]int{0x1c, 0x1e, 0x21}
	pdfGrey  = [3]int{0x5f, 0x63, 0x68}
	pdfGrid  = [3]int{0xb0, 0xb8, 0xc0}
	pdfWhite = [3]int{0xff, 0xff, 0xff}
)

// PDF draws c in lang ("fr" or "de") with gofpdf's primitives, its top
// left corner at (x, y), w wide in the document's unit, and returns the
// height it used so that the caller can go on below. It never draws outside
// [x, x+w]: labels are wrapped on two lines and cut beyond. It does not
// break pages: PDFHeight tells beforehand whether the chart fits.
//
// PDF gives back the draw, fill and text colours and the line width it
// found; it leaves the regular face of the family current, at the size it
// found.
func PDF(pdf *gofpdf.Fpdf, x, y, w float64, c Chart, lang string, f Fonts) (float64, error) {
	return run(pdf, x, y, w, c, lang, f, false)
}

// PDFHeight returns the height PDF would use for c, drawing nothing.
func PDFHeight(pdf *gofpdf.Fpdf, w float64, c Chart, lang string, f Fonts) (float64, error) {
	return run(pdf, 0, 0, w, c, lang, f, true)
}

func run(pdf *gofpdf.Fpdf, x, y, w float64, c Chart, lang string, f Fonts, dry bool) (h float64, err error) {
	if pdf == nil {
		return 0, errors.New("chart: no PDF")
	}
	if err := pdf.Error(); err != nil {
		return 0, err
	}
	c, err = prepare(c)
	if err != nil {
		return 0, err
	}
	if !(w > 0) || math.IsInf(w, 0) || math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
		return 0, fmt.Errorf("chart: box at %v, %v, %v wide", x, y, w)
	}
	size, _ := pdf.GetFontSize()
	if f.Family == "" && pdf.GetFontDesc("", "").Ascent == 0 {
		return 0, errors.New("chart: the document has no current font")
	}
	if f.Size == 0 {
		f.Size = size
	}
	if !(f.Size > 0) || math.IsInf(f.Size, 0) {
		f.Size = defaultSize
	}
	p := &pdfDoc{pdf: pdf, f: f, k: pdf.GetConversionRatio(), x: x, w: w, y: y, dry: dry,
		num: newNumbers(lang, nbsp), style: "-", stroke: [3]int{-1}, fillCol: [3]int{-1}, width: -1}
	dr, dg, db := pdf.GetDrawColor()
	fr, fg, fb := pdf.GetFillColor()
	tr, tg, tb := pdf.GetTextColor()
	lw := pdf.GetLineWidth()
	defer func() {
		// gofpdf indexes its tables without checks: a panic is turned into
		// an error rather than a crashed request.
		if r := recover(); r != nil {
			err = fmt.Errorf("chart: PDF writer failed: %v", r)
		}
		pdf.SetDrawColor(dr, dg, db)
		pdf.SetFillColor(fr, fg, fb)
		pdf.SetTextColor(tr, tg, tb)
		pdf.SetLineWidth(lw)
		pdf.SetFont(f.Family, "", size)
		if err == nil {
			err = pdf.Error()
		}
	}()
	p.draw(c)
	return p.y - y, nil
}

// pdfDoc is one chart being drawn top to bottom; y is the cursor, in the
// document's unit.
type pdfDoc struct {
	pdf  *gofpdf.Fpdf
	f    Fonts
	k    float64 // points per unit
	x, w float64
	y    float64
	dry  bool // measure only
	num  numbers
	// The face set last, so that measuring a run of texts does not write a
	// font change per text into the page.
	style string
	size  float64
	// The stroke and fill set last, for the same reason: a chart draws
	// hundreds of scale lines in one colour.
	stroke, fillCol [3]int
	width           float64
}

// pt converts points to the document's unit.
func (p *pdfDoc) pt(v float64) float64 { return v / p.k }

// font makes a face current: bold or not, at size (points).
func (p *pdfDoc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = p.f.Bold
	}
	if style != p.style || size != p.size {
		p.pdf.SetFont(p.f.Family, style, size)
		p.style, p.size = style, size
	}
}

// measurer returns the width of texts in a face.
func (p *pdfDoc) measurer(bold bool, size float64) measurer {
	return func(s string) float64 {
		p.font(bold, size)
		return p.pdf.GetStringWidth(s)
	}
}

// text makes s printable in the faces: the narrow no-break space, which
// the Go fonts lack, becomes a no-break space; runes the faces lack, "?".
func (p *pdfDoc) text(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == nnbsp || r == '\u2007':
			return nbsp
		case r > 0xffff, p.f.Has != nil && !p.f.Has(r):
			return '?'
		}
		return r
	}, clean(s))
}

// write draws s with its baseline at y, starting at x.
func (p *pdfDoc) write(x, y float64, bold bool, size float64, color [3]int, s string) {
	if p.dry || s == "" {
		return
	}
	p.font(bold, size)
	p.pdf.SetTextColor(color[0], color[1], color[2])
	p.pdf.Text(x, y, s)
}

// baseline returns the baseline of a line of text of size whose top is y,
// the capitals centred in the line.
func (p *pdfDoc) baseline(top, size float64) float64 {
	return top + p.pt(size*pdfLeading+0.72*size)/2
}

func (p *pdfDoc) fill(x, y, w, h float64, color [3]int) {
	if p.dry || w <= 0 || h <= 0 {
		return
	}
	if color != p.fillCol {
		p.pdf.SetFillColor(color[0], color[1], color[2])
		p.fillCol = color
	}
	p.pdf.Rect(x, y, w, h, "F")
}

// pen sets the colour and width of the lines drawn next.
func (p *pdfDoc) pen(color [3]int, width float64) {
	if color != p.stroke {
		p.pdf.SetDrawColor(color[0], color[1], color[2])
		p.stroke = color
	}
	if width != p.width {
		p.pdf.SetLineWidth(width)
		p.width = width
	}
}

func (p *pdfDoc) line(x1, y1, x2, y2, width float64, color [3]int) {
	if p.dry {
		return
	}
	p.pen(color, width)
	p.pdf.Line(x1, y1, x2, y2)
}

// hatched draws a white box striped at 45° and outlined: the first series
// of a Paired chart, told from the solid second one without colour. The
// stripes are clipped to the box; colour and width are set before the
// clip, whose end restores the graphics state gofpdf believes current.
func (p *pdfDoc) hatched(x, y, w, h float64) {
	if p.dry || w <= 0 || h <= 0 {
		return
	}
	p.fill(x, y, w, h, pdfWhite)
	lw := p.pt(pdfHatchLine)
	p.pen(pdfInk, lw)
	p.pdf.ClipRect(x, y, w, h, false)
	step := p.pt(pdfHatchGap) * hatchSlope
	for t := -h; t < w; t += step {
		p.pdf.Line(x+t, y+h, x+t+h, y)
	}
	p.pdf.ClipEnd()
	// The outline inside the box, so that it stays within the bar's extent.
	p.pdf.Rect(x+lw/2, y+lw/2, math.Max(w-lw, 0), h-lw, "D")
}

func (p *pdfDoc) draw(c Chart) {
	switch c := c.(type) {
	case Bars:
		p.head(c.Title)
		p.bars(c)
	case Paired:
		p.head(c.Title)
		p.paired(c)
	case Timeline:
		p.head(c.Title)
		p.timeline(c)
	}
}

func (p *pdfDoc) lineH(size float64) float64 { return p.pt(size * pdfLeading) }

// head writes the title on up to three lines.
func (p *pdfDoc) head(title string) {
	title = p.text(title)
	if title == "" {
		return
	}
	size := p.f.Size * pdfTitle
	lines, _ := wrap(title, p.w, 3, p.measurer(true, size))
	for _, l := range lines {
		p.write(p.x, p.baseline(p.y, size), true, size, pdfInk, l)
		p.y += p.lineH(size)
	}
	p.y += p.pt(0.4 * p.f.Size)
}

func (p *pdfDoc) empty() {
	p.write(p.x, p.baseline(p.y, p.f.Size), false, p.f.Size, pdfGrey, dash)
	p.y += p.lineH(p.f.Size)
}

// labels wraps the rows' labels into a column as narrow as they allow, at
// most pdfLabelCol of the width; it returns the lines and the column's
// width, its gap included.
func (p *pdfDoc) labels(raw []string) ([][]string, float64) {
	m := p.measurer(false, p.f.Size)
	gap := p.pt(pdfGap)
	col := 0.0
	cleaned := make([]string, len(raw))
	for i, l := range raw {
		cleaned[i] = p.text(l)
		col = math.Max(col, m(cleaned[i]))
	}
	col = math.Min(col, pdfLabelCol*p.w-gap)
	out := make([][]string, len(raw))
	for i, l := range cleaned {
		out[i], _ = wrap(l, col, 2, m)
	}
	return out, col + gap
}

func (p *pdfDoc) bars(c Bars) {
	if len(c.Rows) == 0 {
		p.empty()
		return
	}
	size := p.f.Size
	m := p.measurer(false, size)
	raw := make([]string, len(c.Rows))
	texts := make([]string, len(c.Rows))
	numW := 0.0
	for i, r := range c.Rows {
		raw[i] = r.Label
		texts[i] = p.num.maybe(r.Value, c.Unit)
		if note := p.text(r.Note); note != "" {
			texts[i] += " (" + note + ")"
		}
		numW = math.Max(numW, m(texts[i]))
	}
	numW = math.Min(numW, pdfNumberCol*p.w)
	labels, col := p.labels(raw)
	gap := p.pt(pdfGap)
	barX := p.x + col
	full := math.Max(0, p.w-col-gap-numW)
	top, ticks := c.scale()
	x := func(v float64) float64 { return barX + fraction(v, 0, top)*full }
	barH, ext := p.pt(size*pdfBar), p.pt(1)
	for i, r := range c.Rows {
		rowH := math.Max(float64(len(labels[i]))*p.lineH(size), barH)
		p.rowLabel(labels[i], rowH)
		bt := p.y + (rowH-barH)/2
		v, ok := number(r.Value)
		end := barX
		if ok {
			end = x(v)
		}
		t := fit(texts[i], p.x+p.w-(end+gap), m)
		p.gridLane(ticks, x, bt-ext, bt+barH+ext, end+gap, m(t))
		if ok {
			p.fill(barX, bt, end-barX, barH, pdfGrey)
		}
		p.number(end+gap, bt+barH/2, size, t)
		p.y += rowH + p.pt(pdfRowGap*size)
	}
	p.axis(ticks, x, func(v float64) string {
		if c.Unit == Value {
			return tickLabel(p.num, v)
		}
		return p.num.format(v, c.Unit)
	})
}

// rowLabel writes a row's label, its lines centred on the row's height.
func (p *pdfDoc) rowLabel(lines []string, rowH float64) {
	size := p.f.Size
	top := p.y + (rowH-float64(len(lines))*p.lineH(size))/2
	for j, l := range lines {
		p.write(p.x, p.baseline(top+float64(j)*p.lineH(size), size), false, size, pdfInk, l)
	}
}

// number writes a bar's number from x, centred on mid.
func (p *pdfDoc) number(x, mid, size float64, s string) {
	p.write(x, mid+p.pt(0.36*size), false, size, pdfInk, s)
}

// gridLane draws the scale's lines across one bar's lane, from y0 to y1,
// behind the bar and not through the labels. A line that would strike
// through the bar's number, drawn from nx and nw wide, is left out of this
// lane instead.
func (p *pdfDoc) gridLane(ticks []float64, x func(float64) float64, y0, y1, nx, nw float64) {
	pad := p.pt(1.5)
	for _, t := range ticks {
		if xt := x(t); xt < nx-pad || xt > nx+nw+pad {
			p.line(xt, y0, xt, y1, p.pt(pdfHair), pdfGrid)
		}
	}
}

// axis writes the scale's numbers under the last row, centred on their
// lines but kept within the box, and thinned where they would touch.
func (p *pdfDoc) axis(ticks []float64, x func(float64) float64, label func(float64) string) {
	small := p.f.Size * pdfSmall
	ms := p.measurer(false, small)
	p.y -= p.pt(pdfRowGap * p.f.Size / 2)
	labels := make([]string, len(ticks))
	xs, ws := make([]float64, len(ticks)), make([]float64, len(ticks))
	for i, t := range ticks {
		labels[i], xs[i] = label(t), x(t)
		ws[i] = ms(labels[i])
	}
	for i, left := range place(xs, ws, p.x, p.w, p.pt(3)) {
		if !math.IsNaN(left) {
			p.write(left, p.baseline(p.y, small), false, small, pdfGrey, labels[i])
		}
	}
	p.y += p.lineH(small)
}

func (p *pdfDoc) paired(c Paired) {
	lo, hi := c.scale()
	alo, ahi := c.axis()
	size := p.f.Size
	series := [2]string{p.text(c.SeriesLabels[0]), p.text(c.SeriesLabels[1])}
	p.legend(series)
	if len(c.Rows) == 0 {
		p.empty()
		return
	}
	raw := make([]string, len(c.Rows))
	// The numbers of a row's two bars are set smaller than the labels, so
	// that they do not run into each other.
	nsize := size * pdfPairNumber
	mn := p.measurer(false, nsize)
	numW := mn(dash)
	for i, r := range c.Rows {
		raw[i] = r.Label
		numW = math.Max(numW, math.Max(mn(p.num.maybe(r.A, Value)), mn(p.num.maybe(r.B, Value))))
	}
	labels, col := p.labels(raw)
	gap := p.pt(pdfGap)
	barX := p.x + col
	full := math.Max(0, p.w-col-gap-numW)
	x := func(v float64) float64 { return barX + fraction(v, alo, ahi)*full }
	ticks := scaleTicks(lo, hi)
	grid := ticks
	if alo < lo || ahi > hi {
		grid = append(slices.Clip(ticks), 0) // the bars' origin
	}
	barH, inner, ext := p.pt(size*pdfPair), p.pt(size*0.12), p.pt(1)
	block := 2*barH + inner
	for i, r := range c.Rows {
		rowH := math.Max(float64(len(labels[i]))*p.lineH(size), block)
		p.rowLabel(labels[i], rowH)
		bt := p.y + (rowH-block)/2
		for k, v := range [2]*float64{r.A, r.B} {
			top := bt + float64(k)*(barH+inner)
			from, end, ok := c.span(v, x)
			t := p.num.maybe(v, Value)
			// The lanes of the two bars meet in the middle of the gap
			// between them.
			y0, y1 := top-ext, top+barH+inner/2
			if k == 1 {
				y0, y1 = top-inner/2, top+barH+ext
			}
			p.gridLane(grid, x, y0, y1, end+gap, mn(t))
			switch {
			case !ok:
			case k == 0:
				p.hatched(from, top, end-from, barH)
			default:
				p.fill(from, top, end-from, barH, pdfGrey)
			}
			p.number(end+gap, top+barH/2, nsize, t)
		}
		p.y += rowH + p.pt(pdfRowGap*size)
	}
	p.axis(ticks, x, func(v float64) string { return tickLabel(p.num, v) })
}

// legend draws the two series' swatches and names on one line, or two.
func (p *pdfDoc) legend(series [2]string) {
	size := p.f.Size
	m := p.measurer(false, size)
	sw := p.pt(0.8 * size)
	gap := p.pt(0.4 * size)
	x := p.x
	for i, name := range series {
		if x > p.x && x+sw+gap+m(name) > p.x+p.w {
			x = p.x
			p.y += p.lineH(size)
		}
		top := p.y + (p.lineH(size)-sw)/2
		if i == 0 {
			p.hatched(x, top, sw, sw)
		} else {
			p.fill(x, top, sw, sw, pdfGrey)
		}
		name = fit(name, p.x+p.w-(x+sw+gap), m)
		p.write(x+sw+gap, p.baseline(p.y, size), false, size, pdfInk, name)
		x += sw + gap + m(name) + 3*gap
	}
	p.y += p.lineH(size) + p.pt(0.4*size)
}

func (p *pdfDoc) timeline(c Timeline) {
	pts := c.sorted()
	if len(pts) == 0 {
		p.empty()
		return
	}
	size, small := p.f.Size, p.f.Size*pdfSmall
	pitch := p.w / float64(len(pts))
	colW := math.Min(0.66*pitch, p.pt(3*size))
	top := 0
	counts := make([]string, len(pts))
	labels := make([]string, len(pts))
	ms := p.measurer(false, small)
	widest, labelW := 0.0, 0.0
	for i, pt := range pts {
		top = max(top, pt.Count)
		counts[i] = p.num.integer(float64(pt.Count))
		labels[i] = p.text(pt.Label)
		if labels[i] == "" {
			labels[i] = pt.Date.Format("02.01")
		}
		labelW = math.Max(labelW, ms(labels[i]))
	}
	mc := p.measurer(false, size)
	for _, s := range counts {
		widest = math.Max(widest, mc(s)/size) // per point of size
	}
	// Every count is written, its size shrunk to the pitch when columns
	// are many (down to a floor); the dates are thinned instead.
	csize := size
	if widest > 0 {
		// csize·widest + countGap·csize (in points) fills the pitch.
		csize = math.Max(pdfMinCount*size, math.Min(size, pitch/(widest+p.pt(countGap))))
	}
	step := max(1, int(math.Ceil((labelW+p.pt(4))/pitch)))
	room := float64(step)*pitch - p.pt(3)
	plot := p.pt(pdfPlot * size)
	base := p.y + p.lineH(csize) + plot
	mc = p.measurer(false, csize)
	xs, cws := make([]float64, len(pts)), make([]float64, len(pts))
	for i := range pts {
		xs[i], cws[i] = p.x+pitch*(float64(i)+0.5), mc(counts[i])
	}
	// At the floor size, a count can be wider than its column: one that
	// would touch its neighbour's is left out rather than overprinted.
	cx := place(xs, cws, p.x, p.w, p.pt(countGap*csize))
	for i, pt := range pts {
		h := 0.0
		if top > 0 && pt.Count > 0 {
			h = plot * float64(pt.Count) / float64(top)
		}
		p.fill(xs[i]-colW/2, base-h, colW, h, pdfGrey)
		if !math.IsNaN(cx[i]) {
			p.write(cx[i], base-h-p.pt(0.3*csize), false, csize, pdfInk, counts[i])
		}
	}
	// The dates in a second pass: one font change, not one per column.
	shown := make([]string, len(pts))
	widths := make([]float64, len(pts))
	for i := range pts {
		shown[i] = fit(labels[i], room, ms)
		widths[i] = ms(shown[i])
	}
	for i, left := range place(columnCentres(len(pts), p.x, pitch, step), widths, p.x, p.w, p.pt(4)) {
		if !math.IsNaN(left) {
			p.write(left, p.baseline(base+p.pt(0.2*size), small), false, small, pdfGrey, shown[i])
		}
	}
	p.line(p.x, base, p.x+p.w, base, p.pt(0.6), pdfInk)
	p.y = base + p.pt(0.2*size) + p.lineH(small)
}
