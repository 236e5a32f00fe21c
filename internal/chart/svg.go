package chart

import (
	"encoding/xml"
	"html/template"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// SVG geometry, in user units. A page shows the chart at its width, svgW
// units to the CSS pixel, on a desktop; chart.css lets it shrink with its
// container, and on a 390 px phone (about 316 px inside a card) 15-unit text
// still comes out at 12 px. A wider viewBox would shrink it below that.
const (
	svgW         = 400.0
	svgText      = 15.0 // labels and numbers
	svgSmall     = 13.0 // axis ticks, column dates
	svgTitle     = 17.0
	svgLine      = 19.0 // line height of svgText
	svgTitleLine = 22.0
	svgBar       = 16.0 // thickness of a Bars bar
	svgPair      = 13.0 // thickness of each bar of a Paired row
	svgGap       = 5.0  // between a bar's end and its number
	svgRowGap    = 12.0
	svgPlot      = 150.0 // height of a Timeline's tallest column
	svgSwatch    = 14.0  // legend square
)

// Greys from the page's palette (static/css/atelier.css): they keep their
// order of darkness when printed in black and white.
const (
	svgInk   = "#1d2530" // text, hatching, outlines
	svgMuted = "#4a5565" // solid bars, secondary text
	svgGrid  = "#c3cad4" // scale lines
)

// SVG writes c as an inline SVG element in lang ("fr" or "de"): role="img"
// with a <title> and a <desc> that give the numbers to screen readers, a
// viewBox so that it scales with the page, and presentation attributes and
// classes only — no style attribute, no script — for the site's
// Content-Security-Policy. Every text is XML-escaped.
func SVG(w io.Writer, c Chart, lang string) error {
	c, err := prepare(c)
	if err != nil {
		return err
	}
	s := &svgDoc{id: "chart-" + strconv.FormatUint(rand.Uint64(), 36), num: newNumbers(lang, nnbsp), german: isGerman(lang)}
	s.draw(c)
	_, err = io.WriteString(w, s.document())
	return err
}

// HTML returns the SVG of c for an html/template page. The conversion to
// template.HTML is safe because SVG escapes every text it writes; it is done
// here, next to the escaping, so that handlers need not trust markup.
func HTML(c Chart, lang string) (template.HTML, error) {
	var b strings.Builder
	if err := SVG(&b, c, lang); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // every text in it was escaped by SVG
}

// svgDoc is one SVG being laid out top to bottom; y is the cursor.
type svgDoc struct {
	// id prefixes the ids of the chart's title, description and pattern:
	// random, so that two charts on a page never share one (a page whose
	// first chart is hidden would otherwise lose the other's hatching).
	id     string
	num    numbers
	german bool
	kind   string
	title  string
	desc   []string // one entry per row, joined by "; "
	defs   strings.Builder
	b      strings.Builder
	y      float64
}

func (s *svgDoc) measure(t string) float64 { return estimate(t, svgText, false) }
func (s *svgDoc) small(t string) float64   { return estimate(t, svgSmall, false) }

func (s *svgDoc) draw(c Chart) {
	switch c := c.(type) {
	case Bars:
		s.kind = "bars"
		s.head(c.Title)
		s.bars(c)
	case Paired:
		s.kind = "paired"
		s.head(c.Title)
		s.paired(c)
	case Timeline:
		s.kind = "timeline"
		s.head(c.Title)
		s.timeline(c)
	}
}

// document returns the whole element, now that the height is known.
func (s *svgDoc) document() string {
	h := f1(math.Ceil(s.y + 4))
	var b strings.Builder
	b.Grow(s.b.Len() + s.defs.Len() + 512)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-` + s.kind + `" width="` + f1(svgW) + `" height="` + h +
		`" viewBox="0 0 ` + f1(svgW) + ` ` + h + `" role="img" aria-labelledby="` + s.id + `-t ` + s.id + `-d"` +
		` font-family="system-ui, sans-serif" font-size="` + f1(svgText) + `" fill="` + svgInk + `">`)
	b.WriteString(`<title id="` + s.id + `-t">`)
	esc(&b, s.title)
	b.WriteString(`</title><desc id="` + s.id + `-d">`)
	d := strings.Join(s.desc, "; ")
	if d == "" {
		d = dash
	}
	esc(&b, d)
	b.WriteString(`</desc>`)
	if s.defs.Len() > 0 {
		b.WriteString(`<defs>` + s.defs.String() + `</defs>`)
	}
	b.WriteString(s.b.String())
	b.WriteString(`</svg>`)
	return b.String()
}

// head writes the title, on up to three lines.
func (s *svgDoc) head(title string) {
	s.title = clean(title)
	if s.title == "" {
		return
	}
	lines, _ := wrap(s.title, svgW, 3, func(t string) float64 { return estimate(t, svgTitle, true) })
	for _, l := range lines {
		s.y += svgTitleLine
		s.text(0, s.y-6, "chart-title", "", l, ` font-size="`+f1(svgTitle)+`" font-weight="700"`)
	}
	s.y += 8
}

// empty writes the dash of a chart without rows.
func (s *svgDoc) empty() {
	s.y += svgLine
	s.text(0, s.y-5, "chart-empty", "", dash, ` fill="`+svgMuted+`"`)
}

// label writes a row's label on up to two lines, and the full label as the
// row's tooltip when it had to be cut.
func (s *svgDoc) label(label string) {
	lines, cut := wrap(label, svgW, 2, s.measure)
	if cut {
		s.b.WriteString(`<title>`)
		esc(&s.b, label)
		s.b.WriteString(`</title>`)
	}
	for _, l := range lines {
		s.y += svgLine
		s.text(0, s.y-5, "chart-label", "", l, "")
	}
	s.y += 3
}

func (s *svgDoc) bars(c Bars) {
	if len(c.Rows) == 0 {
		s.empty()
		return
	}
	top, ticks := c.scale()
	texts := make([]string, len(c.Rows))
	numW := 0.0
	for i, r := range c.Rows {
		texts[i] = s.num.maybe(r.Value, c.Unit)
		if note := clean(r.Note); note != "" {
			texts[i] += " (" + note + ")"
		}
		numW = math.Max(numW, s.measure(texts[i]))
	}
	// The numbers get the room the widest needs beside a full bar, up to
	// two fifths of the width; a longer note is cut.
	numW = math.Min(numW, 0.4*svgW)
	full := svgW - svgGap - numW
	x := func(v float64) float64 { return fraction(v, 0, top) * full }
	for i, r := range c.Rows {
		label := clean(r.Label)
		s.desc = append(s.desc, s.entry(label, texts[i]))
		s.b.WriteString(`<g class="chart-row">`)
		s.label(label)
		v, ok := number(r.Value)
		end := 0.0
		if ok {
			end = x(v)
		}
		t := fit(texts[i], svgW-end-svgGap, s.measure)
		s.gridLane(ticks, x, s.y-2, s.y+svgBar+2, end+svgGap, s.measure(t))
		if ok {
			s.rect("chart-bar", 0, s.y, end, svgBar, ` fill="`+svgMuted+`"`)
		}
		s.text(end+svgGap, s.y+svgBar/2+5, "chart-value", "", t, "")
		s.b.WriteString(`</g>`)
		s.y += svgBar + svgRowGap
	}
	s.axis(ticks, x, func(v float64) string {
		if c.Unit == Value {
			return tickLabel(s.num, v)
		}
		return s.num.format(v, c.Unit)
	})
}

// gridLane draws the scale's lines across one bar's lane, from y0 to y1,
// behind the bar and not through the labels. A line that would strike
// through the bar's number, drawn from nx and nw wide, is left out of this
// lane instead.
func (s *svgDoc) gridLane(ticks []float64, x func(float64) float64, y0, y1, nx, nw float64) {
	for _, t := range ticks {
		if xt := x(t); xt < nx-3 || xt > nx+nw+3 {
			s.line("chart-grid", xt, y0, xt, y1, svgGrid)
		}
	}
}

// axis writes the scale's numbers under the last row, centred on their
// lines but kept within the box, and thinned where they would touch.
func (s *svgDoc) axis(ticks []float64, x func(float64) float64, label func(float64) string) {
	s.y += svgSmall - svgRowGap + 6
	labels := make([]string, len(ticks))
	xs, ws := make([]float64, len(ticks)), make([]float64, len(ticks))
	for i, t := range ticks {
		labels[i], xs[i] = label(t), x(t)
		ws[i] = s.small(labels[i])
	}
	for i, left := range place(xs, ws, 0, svgW, 4) {
		if !math.IsNaN(left) {
			s.text(left, s.y, "chart-axis", "", labels[i], ` font-size="`+f1(svgSmall)+`" fill="`+svgMuted+`"`)
		}
	}
	s.y += 4
}

func (s *svgDoc) paired(c Paired) {
	lo, hi := c.scale()
	alo, ahi := c.axis()
	series := [2]string{clean(c.SeriesLabels[0]), clean(c.SeriesLabels[1])}
	hatch := s.id + "-hatch"
	// Stripes at 45°, two units of ink in five: the first series reads as
	// a texture, the second as solid grey, in colour and on paper alike.
	s.defs.WriteString(`<pattern id="` + hatch + `" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<rect width="5" height="5" fill="#fff"/><rect width="2" height="5" fill="` + svgInk + `"/></pattern>`)
	fills := [2]string{
		` fill="url(#` + hatch + `)" stroke="` + svgInk + `" stroke-width="1"`,
		` fill="` + svgMuted + `"`,
	}
	s.legend(series, fills)
	if len(c.Rows) == 0 {
		s.empty()
		return
	}
	numW := s.measure(dash)
	for _, r := range c.Rows {
		numW = math.Max(numW, s.measure(s.num.maybe(r.A, Value)))
		numW = math.Max(numW, s.measure(s.num.maybe(r.B, Value)))
	}
	full := svgW - svgGap - numW
	ticks := scaleTicks(lo, hi)
	if alo < lo || ahi > hi {
		ticks = append(ticks, 0) // the bars' origin
	}
	x := func(v float64) float64 { return fraction(v, alo, ahi) * full }
	for _, r := range c.Rows {
		label := clean(r.Label)
		a, b := s.num.maybe(r.A, Value), s.num.maybe(r.B, Value)
		s.desc = append(s.desc, s.entry(label, series[0]+" "+a+", "+series[1]+" "+b))
		s.b.WriteString(`<g class="chart-row">`)
		s.label(label)
		for i, v := range [2]*float64{r.A, r.B} {
			from, end, ok := c.span(v, x)
			t := s.num.maybe(v, Value)
			// The lanes of the two bars meet in the middle of the gap
			// between them.
			y0, y1 := s.y-2, s.y+svgPair+1.5
			if i == 1 {
				y0, y1 = s.y-1.5, s.y+svgPair+2
			}
			s.gridLane(ticks, x, y0, y1, end+svgGap, s.measure(t))
			if ok {
				s.rect("chart-bar chart-bar-"+"ab"[i:i+1], from, s.y, end-from, svgPair, fills[i])
			}
			s.text(end+svgGap, s.y+svgPair/2+5, "chart-value", "", t, "")
			s.y += svgPair + 3
		}
		s.b.WriteString(`</g>`)
		s.y += svgRowGap - 3
	}
	s.axis(scaleTicks(lo, hi), x, func(v float64) string { return tickLabel(s.num, v) })
}

// legend writes the two series' swatches and names, on one line when they
// fit.
func (s *svgDoc) legend(series [2]string, fills [2]string) {
	x := 0.0
	s.y += svgLine
	s.b.WriteString(`<g class="chart-legend">`)
	for i, name := range series {
		w := s.measure(name)
		if x > 0 && x+svgSwatch+6+w > svgW {
			x = 0
			s.y += svgLine
		}
		s.rect("chart-swatch chart-bar-"+"ab"[i:i+1], x+0.5, s.y-svgSwatch+1.5, svgSwatch-1, svgSwatch-1, fills[i])
		name = fit(name, svgW-x-svgSwatch-6, s.measure)
		s.text(x+svgSwatch+6, s.y-2, "chart-legend-label", "", name, "")
		x += svgSwatch + 6 + s.measure(name) + 18
	}
	s.b.WriteString(`</g>`)
	s.y += 10
}

func (s *svgDoc) timeline(c Timeline) {
	pts := c.sorted()
	if len(pts) == 0 {
		s.empty()
		return
	}
	pitch := svgW / float64(len(pts))
	colW := math.Min(0.66*pitch, 48)
	top, counts := 0, make([]string, len(pts))
	labels := make([]string, len(pts))
	widest, labelW := 0.0, 0.0
	for i, p := range pts {
		top = max(top, p.Count)
		counts[i] = s.num.integer(float64(p.Count))
		widest = math.Max(widest, estimate(counts[i], 1, false))
		labels[i] = clean(p.Label)
		if labels[i] == "" {
			labels[i] = p.Date.Format("02.01")
		}
		labelW = math.Max(labelW, s.small(labels[i]))
		s.desc = append(s.desc, s.entry(labels[i], counts[i]))
	}
	// Every count is written: with many columns its type shrinks to fit
	// the column's pitch, down to a floor.
	size := math.Max(7, math.Min(svgText, pitch/(widest+countGap)))
	// The dates are thinned instead: one every step columns.
	step := max(1, int(math.Ceil((labelW+8)/pitch)))
	room := float64(step)*pitch - 6
	base := s.y + size + 4 + svgPlot
	shown := make([]string, len(pts))
	widths := make([]float64, len(pts))
	for i := range pts {
		shown[i] = fit(labels[i], room, s.small)
		widths[i] = s.small(shown[i])
	}
	lefts := place(columnCentres(len(pts), 0, pitch, step), widths, 0, svgW, 6)
	xs, cws := make([]float64, len(pts)), make([]float64, len(pts))
	for i := range pts {
		xs[i], cws[i] = pitch*(float64(i)+0.5), estimate(counts[i], size, false)
	}
	// At the floor size, a count can be wider than its column: one that
	// would touch its neighbour's is left out rather than overprinted.
	cx := place(xs, cws, 0, svgW, countGap*size)
	for i, p := range pts {
		h := 0.0
		if top > 0 && p.Count > 0 {
			h = svgPlot * float64(p.Count) / float64(top)
		}
		s.b.WriteString(`<g class="chart-row">`)
		// A column whose count or date could not be written in full says
		// both in its tooltip.
		if math.IsNaN(cx[i]) || math.IsNaN(lefts[i]) || shown[i] != labels[i] {
			s.b.WriteString(`<title>`)
			esc(&s.b, s.entry(labels[i], counts[i]))
			s.b.WriteString(`</title>`)
		}
		s.rect("chart-bar", xs[i]-colW/2, base-h, colW, h, ` fill="`+svgMuted+`"`)
		if !math.IsNaN(cx[i]) {
			s.text(cx[i], base-h-4, "chart-value", "", counts[i], ` font-size="`+f1(size)+`"`)
		}
		if !math.IsNaN(lefts[i]) {
			s.text(lefts[i], base+svgSmall+5, "chart-label", "", shown[i], ` font-size="`+f1(svgSmall)+`" fill="`+svgMuted+`"`)
		}
		s.b.WriteString(`</g>`)
	}
	s.line("chart-axis", 0, base, svgW, base, svgInk)
	s.y = base + svgSmall + 10
}

// entry is one row of the description: "Écoles : 42 %" in French,
// "Schulen: 42 %" in German.
func (s *svgDoc) entry(label, value string) string {
	if label == "" {
		return value
	}
	if s.german {
		return label + ": " + value
	}
	return label + "\u00a0: " + value
}

// text writes a <text> element; attrs are extra attributes, each with its
// leading space.
func (s *svgDoc) text(x, y float64, class, anchor, content, attrs string) {
	s.b.WriteString(`<text class="` + class + `" x="` + f1(x) + `" y="` + f1(y) + `"`)
	if anchor != "" {
		s.b.WriteString(` text-anchor="` + anchor + `"`)
	}
	s.b.WriteString(attrs + `>`)
	esc(&s.b, content)
	s.b.WriteString(`</text>`)
}

func (s *svgDoc) rect(class string, x, y, w, h float64, attrs string) {
	s.b.WriteString(`<rect class="` + class + `" x="` + f1(x) + `" y="` + f1(y) + `" width="` + f1(w) + `" height="` + f1(h) + `"` + attrs + `/>`)
}

func (s *svgDoc) line(class string, x1, y1, x2, y2 float64, stroke string) {
	s.b.WriteString(`<line class="` + class + `" x1="` + f1(x1) + `" y1="` + f1(y1) + `" x2="` + f1(x2) + `" y2="` + f1(y2) +
		`" stroke="` + stroke + `" stroke-width="1"/>`)
}

// esc writes t as XML character data: a service named "<script>" comes out
// as text.
func esc(b *strings.Builder, t string) {
	_ = xml.EscapeText(b, []byte(t)) // a strings.Builder does not fail
}

// f1 writes a coordinate with at most one decimal.
func f1(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10+0, 'f', -1, 64) // +0: no "-0"
}
