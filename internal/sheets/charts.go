package sheets

import (
	"math"

	"github.com/atelier-ch/atelier/internal/chart"
)

// Charts in the documents: package chart draws them with gofpdf's
// primitives, in the documents' faces; these helpers place them in the
// flow of a document, between its page breaks.

// chartSize is the size of a chart's labels and numbers, in points.
const chartSize = 9.0

// chartGap is the room left under a chart, in millimetres.
const chartGap = 4.0

// chartFonts are the faces a chart prints with: the document's own (the
// documents that draw charts add the bold face).
func (d *doc) chartFonts(size float64) chart.Fonts {
	covered := d.k.covered
	return chart.Fonts{Family: d.k.faces[faceRegular].family, Bold: d.k.faces[faceBold].style, Size: size,
		Has: func(r rune) bool { return int(r) < len(covered) && covered[r] }}
}

// chartHeight returns the height c takes w wide at size, in millimetres;
// an error is recorded in the document, which then fails as a whole.
func (d *doc) chartHeight(c chart.Chart, w, size float64) float64 {
	h, err := chart.PDFHeight(d.pdf, w, c, d.lang, d.chartFonts(size))
	if err != nil {
		d.pdf.SetError(err)
		return 0
	}
	return h
}

// drawChart draws c at (x, y), w wide, and returns its height.
func (d *doc) drawChart(c chart.Chart, x, y, w, size float64) float64 {
	h, err := chart.PDF(d.pdf, x, y, w, c, d.lang, d.chartFonts(size))
	d.font = style{size: -1} // the chart set its own faces
	if err != nil {
		d.pdf.SetError(err)
	}
	return h
}

// chart draws c across the page from the cursor: on this page when it
// fits, else on the next. A chart taller than a page (a commune with many
// services) is cut between rows, each piece under the chart's title and
// on the same scale.
func (d *doc) chart(c chart.Chart) {
	if !present(c) || d.pdf.Err() {
		return
	}
	w := d.contentW()
	page := d.maxY() - d.top - chartGap
	for {
		h := d.chartHeight(c, w, chartSize)
		if d.pdf.Err() {
			return
		}
		if h <= d.room()-chartGap || h <= page {
			d.ensure(h + chartGap)
			d.y += d.drawChart(c, d.left, d.y, w, chartSize) + chartGap
			return
		}
		// Too tall for any page: as many rows as fit here, if that is a
		// fair share of a page, else on a new page; then the rest.
		if d.room() < page/3 {
			d.newPage()
		}
		n := d.rowsThatFit(c, w, d.room()-chartGap)
		head, rest := splitChart(c, max(n, 1))
		d.y += d.drawChart(head, d.left, d.y, w, chartSize) + chartGap
		if rest == nil {
			return
		}
		d.newPage()
		c = rest
	}
}

// keepFor returns the room a heading keeps below it for the first chart of
// cs that is present: its height, or a third of a page for a chart that
// will be cut anyway (chart draws its first rows where a third is left).
func (d *doc) keepFor(cs ...chart.Chart) float64 {
	for _, c := range cs {
		if !present(c) {
			continue
		}
		h := d.chartHeight(c, d.contentW(), chartSize) + chartGap
		if page := d.maxY() - d.top; h > page {
			return page / 3
		}
		return h
	}
	return 0
}

// rowsThatFit returns how many of c's first rows fit in height h.
func (d *doc) rowsThatFit(c chart.Chart, w, h float64) int {
	lo, hi := 0, rowCount(c)
	for lo < hi { // the most rows whose chart fits
		mid := (lo + hi + 1) / 2
		head, _ := splitChart(c, mid)
		if d.chartHeight(head, w, chartSize) <= h {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// rowCount returns how many rows c has; a timeline is one block.
func rowCount(c chart.Chart) int {
	switch c := c.(type) {
	case chart.Bars:
		return len(c.Rows)
	case *chart.Bars:
		return len(c.Rows)
	case chart.Paired:
		return len(c.Rows)
	case *chart.Paired:
		return len(c.Rows)
	}
	return 1
}

// splitChart cuts c after n rows; rest is nil when nothing is left. Both
// pieces keep the title and the scale: a bar chart of averages or counts
// gets its full-length value from all its rows.
func splitChart(c chart.Chart, n int) (head, rest chart.Chart) {
	switch p := c.(type) {
	case *chart.Bars:
		return splitChart(*p, n)
	case *chart.Paired:
		return splitChart(*p, n)
	case chart.Bars:
		if n >= len(p.Rows) {
			return p, nil
		}
		if p.Max == 0 && p.Unit != chart.Percent {
			for _, r := range p.Rows {
				if r.Value != nil && !math.IsNaN(*r.Value) && !math.IsInf(*r.Value, 0) {
					p.Max = math.Max(p.Max, *r.Value)
				}
			}
		}
		a, b := p, p
		a.Rows, b.Rows = p.Rows[:n], p.Rows[n:]
		return a, b
	case chart.Paired:
		if n >= len(p.Rows) {
			return p, nil
		}
		a, b := p, p
		a.Rows, b.Rows = p.Rows[:n], p.Rows[n:]
		return a, b
	}
	return c, nil
}

// present reports whether c holds a chart: neither nil nor a nil pointer.
func present(c chart.Chart) bool {
	switch p := c.(type) {
	case nil:
		return false
	case *chart.Bars:
		return p != nil
	case *chart.Paired:
		return p != nil
	case *chart.Timeline:
		return p != nil
	}
	return true
}
