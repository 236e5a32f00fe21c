// Package chart draws the few charts of Atelier's reports — share trained
// per service, ratings before and after per service, sessions over time — as
// inline SVG for the pages and with gofpdf's primitives for the PDFs.
//
// Both outputs are vectors and need no script, so they pass the site's
// Content-Security-Policy (no inline style, no inline script). They stay
// readable printed in black and white: the two series of a paired chart
// differ by pattern (solid and hatched), not by colour alone, and every bar
// carries its number beside it.
//
// Labels come in already translated; the package writes the numbers, in
// French or German style.
package chart

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Chart is one of Bars, Paired or Timeline.
type Chart interface {
	// kind seals the interface: the writers know each chart by its type.
	kind() string
}

// Unit says how the values of a Bars chart are written.
type Unit int

// Units of a Bars chart.
const (
	// Percent values are shares from 0 to 1, written "42 %".
	Percent Unit = iota
	// Value values are averages and the like, written with one decimal: "3,8".
	Value
	// Count values are whole numbers, written "12".
	Count
)

// Bars is a horizontal bar chart, one bar per row: the share of people
// trained per service, for instance.
type Bars struct {
	Title string
	Unit  Unit
	// Max is the value of a full-length bar. Zero means 1 (100 %) for
	// Percent, and otherwise the largest value rounded up to the chart's
	// scale. Bars start at 0; a value beyond Max draws a full bar, a
	// negative one none, and the number beside says the truth.
	Max  float64
	Rows []BarRow
}

// BarRow is one bar.
type BarRow struct {
	Label string
	// Value is nil when there is no data: the row shows "–" and no bar.
	Value *float64
	// Note is written after the number, e.g. "12 / 41".
	Note string
}

// Paired is a horizontal bar chart with two bars per row, the first series
// hatched and the second solid: confidence before and after the training,
// per service, for instance. The bars start at 0, so that their lengths
// compare as their values do, and the scale marks Min to Max.
type Paired struct {
	Title string
	// Min and Max bound the scale; both zero means 1 to 5, the scale of the
	// feedback form. Values beyond are drawn at its ends.
	Min, Max float64
	// SeriesLabels name the two series in the legend, e.g. « avant »,
	// « après ».
	SeriesLabels [2]string
	Rows         []PairedRow
}

// PairedRow is one row of a Paired chart; a nil value has no bar and shows
// "–".
type PairedRow struct {
	Label string
	A, B  *float64
}

// Timeline is a column chart of counts over time: the campaign's sessions
// per week or per month.
type Timeline struct {
	Title string
	// Points are the columns, drawn in the order of their dates. Give every
	// period, those without sessions too, so that the columns are evenly
	// spaced in time.
	Points []TimePoint
}

// TimePoint is one column of a Timeline.
type TimePoint struct {
	Date  time.Time
	Count int
	// Label is written under the column; empty, the date is, as "10.03".
	Label string
}

func (Bars) kind() string     { return "bars" }
func (Paired) kind() string   { return "paired" }
func (Timeline) kind() string { return "timeline" }

// Bounds that keep a hostile or broken input from costing much: labels are
// cut, and a chart has at most so many rows.
const (
	maxLabel = 300
	maxRows  = 1000
)

// number returns the value when there is one to draw: NaN and infinities
// count as no data, as nil does.
func number(v *float64) (float64, bool) {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return 0, false
	}
	return *v, true
}

// fraction places v on the scale [lo, hi] as a share of the bar's full
// length, clamped: the number beside the bar still tells the true value.
func fraction(v, lo, hi float64) float64 {
	if hi <= lo {
		return 0
	}
	return math.Min(1, math.Max(0, (v-lo)/(hi-lo)))
}

// scale returns the value of a full-length bar and the values the chart's
// scale marks: round steps from 0, at most five intervals.
func (b Bars) scale() (float64, []float64) {
	top := b.Max
	if top == 0 && b.Unit == Percent {
		top = 1
	}
	mult := 1.0
	if b.Unit == Percent {
		mult = 100 // round steps of percentages, not of shares
	}
	if top == 0 {
		for _, r := range b.Rows {
			if v, ok := number(r.Value); ok && v > top {
				top = v
			}
		}
		if top == 0 {
			top = 1 // all zero: empty bars rather than a division by zero
		}
		step := niceStep(top*mult, b.Unit != Value) / mult
		top = step * math.Ceil(top/step-1e-9)
	}
	step := niceStep(top*mult, b.Unit != Value) / mult
	var ticks []float64
	for i := 0; float64(i)*step <= top*(1+1e-9); i++ {
		ticks = append(ticks, float64(i)*step)
	}
	return top, ticks
}

// niceStep returns the smallest round step (1, 2, 2.5 or 5 times a power
// of ten) that divides [0, hi] into at most five intervals; whole asks for
// a whole step, for counts and percentages.
func niceStep(hi float64, whole bool) float64 {
	if !(hi > 0) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(hi/5)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		s := m * mag
		if whole && s < 1 || whole && s != math.Trunc(s) {
			continue
		}
		if math.Ceil(hi/s-1e-9) <= 5 {
			return s
		}
	}
	return 10 * mag
}

// scale returns the bounds of a Paired chart's scale.
func (p Paired) scale() (float64, float64) {
	if p.Min == 0 && p.Max == 0 {
		return 1, 5
	}
	return p.Min, p.Max
}

// axis returns the range the bars are drawn on: the scale, stretched to
// include the bars' origin, 0.
func (p Paired) axis() (float64, float64) {
	lo, hi := p.scale()
	return math.Min(lo, 0), math.Max(hi, 0)
}

// tickLabel writes a value of a scale: whole numbers without decimals.
func tickLabel(n numbers, v float64) string {
	if v == math.Trunc(v) {
		return n.integer(v)
	}
	return n.format(v, Value)
}

// scaleTicks returns the values the scale of a Paired chart marks: each
// whole step of a short whole scale (1 to 5), quarters otherwise.
func scaleTicks(lo, hi float64) []float64 {
	if lo == math.Trunc(lo) && hi == math.Trunc(hi) && hi-lo <= 10 {
		ts := make([]float64, 0, int(hi-lo)+1)
		for v := lo; v <= hi; v++ {
			ts = append(ts, v)
		}
		return ts
	}
	ts := make([]float64, 5)
	for i := range ts {
		ts[i] = lo + (hi-lo)*float64(i)/4
	}
	return ts
}

// span returns where the bar of v runs on a Paired chart whose values x
// places: from the origin to the value, clamped to the scale, either way.
// Without a value, ok is false and both ends are the origin, where the
// "–" is written.
func (p Paired) span(v *float64, x func(float64) float64) (from, to float64, ok bool) {
	n, ok := number(v)
	if !ok {
		return x(0), x(0), false
	}
	lo, hi := p.scale()
	n = math.Max(lo, math.Min(hi, n))
	return math.Min(x(0), x(n)), math.Max(x(0), x(n)), true
}

// sorted returns the points in date order, without changing the caller's
// slice; points of the same date keep their order.
func (t Timeline) sorted() []TimePoint {
	pts := slices.Clone(t.Points)
	slices.SortStableFunc(pts, func(a, b TimePoint) int { return a.Date.Compare(b.Date) })
	return pts
}

// prepare returns the chart behind c, a value or a pointer, once checked.
func prepare(c Chart) (Chart, error) {
	switch p := c.(type) {
	case *Bars:
		if p != nil {
			c = *p
		}
	case *Paired:
		if p != nil {
			c = *p
		}
	case *Timeline:
		if p != nil {
			c = *p
		}
	}
	if err := check(c); err != nil {
		return nil, err
	}
	return c, nil
}

// check rejects what no drawing can show honestly.
func check(c Chart) error {
	switch c := c.(type) {
	case Bars:
		if len(c.Rows) > maxRows {
			return fmt.Errorf("chart: %d rows, at most %d", len(c.Rows), maxRows)
		}
		if c.Unit < Percent || c.Unit > Count {
			return fmt.Errorf("chart: unknown unit %d", c.Unit)
		}
		if c.Max < 0 || math.IsNaN(c.Max) || math.IsInf(c.Max, 0) {
			return fmt.Errorf("chart: bad maximum %v", c.Max)
		}
	case Paired:
		if len(c.Rows) > maxRows {
			return fmt.Errorf("chart: %d rows, at most %d", len(c.Rows), maxRows)
		}
		lo, hi := c.scale()
		if !(hi > lo) || math.IsInf(hi-lo, 0) {
			return fmt.Errorf("chart: bad scale %v–%v", lo, hi)
		}
	case Timeline:
		if len(c.Points) > maxRows {
			return fmt.Errorf("chart: %d points, at most %d", len(c.Points), maxRows)
		}
	case nil, *Bars, *Paired, *Timeline: // nil pointers left by prepare
		return fmt.Errorf("chart: no chart")
	default:
		return fmt.Errorf("chart: unknown chart %T", c)
	}
	return nil
}

// countGap is the least room between two counts of a timeline, in count
// sizes: wider than the space inside "1 234", so that two counts never read
// as one.
const countGap = 0.6

// place lays out labels of widths ws centred on xs (NaN: no label) in a
// box from x0, w wide: moved inside the box at its ends, and left out where
// one would come closer than gap to the one before. It returns each label's
// left edge, NaN for those left out: the dates under a timeline, the
// numbers of a scale.
func place(xs, ws []float64, x0, w, gap float64) []float64 {
	out := make([]float64, len(xs))
	last := math.Inf(-1) // right edge of the last label placed
	for i, x := range xs {
		out[i] = math.NaN()
		if math.IsNaN(x) {
			continue
		}
		left := math.Max(x0, math.Min(x0+w-ws[i], x-ws[i]/2))
		if left < last+gap-slack {
			continue
		}
		out[i], last = left, left+ws[i]
	}
	return out
}

// columnCentres returns the centres of n columns pitch apart from x0, NaN
// but for one column every step: those whose date is written.
func columnCentres(n int, x0, pitch float64, step int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = math.NaN()
		if i%step == 0 {
			xs[i] = x0 + pitch*(float64(i)+0.5)
		}
	}
	return xs
}
