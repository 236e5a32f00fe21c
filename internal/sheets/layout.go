package sheets

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"github.com/atelier-ch/atelier/internal/i18n"
)

// mmPerPt converts a font size in points to millimetres.
const mmPerPt = 25.4 / 72

// rgb is a colour as 0xRRGGBB.
type rgb uint32

func (c rgb) split() (int, int, int) { return int(c >> 16 & 0xff), int(c >> 8 & 0xff), int(c & 0xff) }

// The palette: ink for text, one accent, greys for what is secondary.
const (
	colInk     rgb = 0x1c1e21
	colGrey    rgb = 0x5f6368
	colAccent  rgb = 0x154c79
	colTrainer rgb = 0x9c4000
	colRule    rgb = 0xb0b8c0
	colLine    rgb = 0xcdd2d7
	colShade   rgb = 0xf1f4f7
	colWhite   rgb = 0xffffff
)

// style is a face, a size and a colour; leading is the line height as a
// multiple of the size.
type style struct {
	face    face
	size    float64
	color   rgb
	leading float64
}

func (s style) lineHeight() float64 {
	l := s.leading
	if l == 0 {
		l = 1.4
	}
	return s.size * mmPerPt * l
}

// baseline is the distance from the top of a line to its baseline: the
// capitals sit in the middle of the line.
func (s style) baseline() float64 { return (s.lineHeight() + 0.72*s.size*mmPerPt) / 2 }

// part is a run of pages numbered on their own: one exercise sheet, one
// day of a sign-in sheet.
type part struct {
	first, last int
	footer      string
}

// doc is one PDF being written, with a cursor y on the current page. Page
// breaks are the doc's, never gofpdf's: it knows what must stay together and
// redraws the running header of the part on each new page.
type doc struct {
	k     *Kit
	pdf   *gofpdf.Fpdf
	lang  string
	pageW float64
	pageH float64
	// Margins: content runs from left to pageW-right and top to pageH-bottom.
	left, right, top, bottom float64
	y                        float64
	font                     style
	header                   func() // draws the running header on a new page
	parts                    []part
}

// newDoc starts a PDF in A4 ("P" portrait or "L" landscape) with the
// regular face (the footers use it) and the other faces given; each face
// costs a font parse, so callers name only those they use.
func (k *Kit) newDoc(lang, orientation string, faces ...face) *doc {
	pdf := gofpdf.New(orientation, "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreator("Atelier", true)
	pdf.SetCompression(false) // finish compresses the pages, faster
	for _, f := range append([]face{faceRegular}, faces...) {
		ff := k.faces[f]
		// gofpdf pads the font's tables in place (append on sub-slices of
		// the file) when it writes the subset: each document gets its own
		// copy, so documents made at once do not write to shared bytes.
		pdf.AddUTF8FontFromBytes(ff.family, ff.style, bytes.Clone(ff.ttf))
	}
	w, h := pdf.GetPageSize()
	d := &doc{k: k, pdf: pdf, lang: i18n.Normalize(lang), pageW: w, pageH: h,
		left: 18, right: 18, top: 18, bottom: 20}
	pdf.SetMargins(d.left, d.top, d.right)
	return d
}

// t translates a label.
func (d *doc) t(key string, args ...any) string {
	return d.k.clean(d.k.tr.T(d.lang, key, args...), d.lang, false, 0)
}

// line cleans a one-line user or catalogue text.
func (d *doc) line(s string) string { return d.k.clean(s, d.lang, false, maxField) }

// para cleans a catalogue text that may hold line breaks.
func (d *doc) para(s string) string { return d.k.clean(s, d.lang, true, 0) }

func (d *doc) contentW() float64 { return d.pageW - d.left - d.right }
func (d *doc) maxY() float64     { return d.pageH - d.bottom }
func (d *doc) room() float64     { return d.maxY() - d.y }

// startPart begins a new run of pages on a new page.
func (d *doc) startPart(footer string, header func()) {
	d.header = header
	d.parts = append(d.parts, part{first: d.pdf.PageNo() + 1, footer: footer})
	d.newPage()
}

// newPage adds a page to the current part and draws its running header.
func (d *doc) newPage() {
	d.pdf.AddPage()
	d.font = style{size: -1}
	d.y = d.top
	if n := len(d.parts); n > 0 {
		d.parts[n-1].last = d.pdf.PageNo()
	}
	if d.header != nil {
		d.header()
	}
}

// ensure moves to a new page unless h millimetres fit on this one; it
// reports whether it did.
func (d *doc) ensure(h float64) bool {
	if d.y+h <= d.maxY()+0.01 {
		return false
	}
	d.newPage()
	return true
}

func (d *doc) setStyle(s style) {
	if s.face != d.font.face || s.size != d.font.size {
		ff := d.k.faces[s.face]
		d.pdf.SetFont(ff.family, ff.style, s.size)
	}
	d.font = s
	d.pdf.SetTextColor(s.color.split())
}

func (d *doc) fill(c rgb)   { d.pdf.SetFillColor(c.split()) }
func (d *doc) stroke(c rgb) { d.pdf.SetDrawColor(c.split()) }

// measure returns the width of s in style st, in millimetres.
func (d *doc) measure(st style, s string) float64 {
	adv := d.k.faces[st.face].adv
	n := 0
	for _, r := range s {
		if int(r) < len(adv) {
			n += int(adv[r])
		}
	}
	return float64(n) * st.size * mmPerPt / 1000
}

// text writes s with its baseline at y, in style st.
func (d *doc) text(x, y float64, st style, s string) {
	d.setStyle(st)
	d.pdf.Text(x, y, s)
}

// textRight writes s ending at x.
func (d *doc) textRight(x, y float64, st style, s string) {
	d.setStyle(st)
	d.pdf.Text(x-d.measure(st, s), y, s)
}

// textCenter writes s centred on x.
func (d *doc) textCenter(x, y float64, st style, s string) {
	d.setStyle(st)
	d.pdf.Text(x-d.measure(st, s)/2, y, s)
}

// hline draws a horizontal rule.
func (d *doc) hline(x1, x2, y, width float64, c rgb) {
	d.stroke(c)
	d.pdf.SetLineWidth(width)
	d.pdf.Line(x1, y, x2, y)
}

// wrap breaks s into lines no wider than width in style st. Lines break at
// ordinary spaces and at line breaks only, so no-break spaces hold; a word
// wider than the line is the only thing cut.
func (d *doc) wrap(s string, width float64, st style) []string {
	space := d.measure(st, " ")
	var lines []string
	for _, par := range strings.Split(s, "\n") {
		var cur strings.Builder
		curW := 0.0
		flush := func() {
			lines = append(lines, cur.String())
			cur.Reset()
			curW = 0
		}
		started := false
		for _, word := range strings.Split(par, " ") {
			if word == "" {
				continue
			}
			ww := d.measure(st, word)
			if started && curW+space+ww <= width {
				cur.WriteByte(' ')
				cur.WriteString(word)
				curW += space + ww
				continue
			}
			if started {
				flush()
			}
			started = true
			for ww > width {
				head, rest := d.cut(word, width, st)
				cur.WriteString(head)
				flush()
				word = rest
				ww = d.measure(st, word)
			}
			cur.WriteString(word)
			curW = ww
		}
		flush()
	}
	return lines
}

// cut splits a word too wide for width into a head that fits (at least one
// rune) and the rest, after a hyphen or a slash when the head has one.
func (d *doc) cut(word string, width float64, st style) (string, string) {
	w := 0.0
	soft := 0 // the byte after the last hyphen or slash that fits
	for i, r := range word {
		w += d.measure(st, string(r))
		if w > width {
			switch {
			case soft > 0:
				return word[:soft], word[soft:]
			case i == 0:
				_, n := utf8.DecodeRuneInString(word)
				return word[:n], word[n:]
			}
			return word[:i], word[i:]
		}
		if r == '-' || r == '/' {
			soft = i + 1
		}
	}
	return word, ""
}

// wrapMax wraps s into at most n lines, the last one ending in an ellipsis
// if text was left out.
func (d *doc) wrapMax(s string, width float64, st style, n int) []string {
	lines := d.wrap(s, width, st)
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n]
	lines[n-1] = d.fit(lines[n-1]+ellipsis, width, st)
	return lines
}

// fit shortens s to width, ending it with an ellipsis when cut.
func (d *doc) fit(s string, width float64, st style) string {
	if d.measure(st, s) <= width {
		return s
	}
	rs := []rune(strings.TrimSuffix(s, ellipsis))
	lo, hi := 0, len(rs)
	for lo < hi { // longest prefix that fits with the ellipsis
		mid := (lo + hi + 1) / 2
		if d.measure(st, string(rs[:mid])+ellipsis) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(rs[:lo]), " ") + ellipsis
}

// flow writes wrapped lines from the cursor at x, breaking pages between
// lines as needed.
func (d *doc) flow(lines []string, x float64, st style) {
	lh := st.lineHeight()
	for _, l := range lines {
		d.ensure(lh)
		if l != "" {
			d.text(x, d.y+st.baseline(), st, l)
		}
		d.y += lh
	}
}

// finish writes the footers, "page x/y" numbered within each part, and the
// PDF to w.
func (d *doc) finish(w io.Writer) error {
	if err := d.close(); err != nil {
		return err
	}
	return d.write(w)
}

// close writes the footers and ends the document: what can fail in the
// making of it fails here, before anything is written.
func (d *doc) close() error {
	foot := style{face: faceRegular, size: 8.5, color: colGrey}
	y := d.pageH - d.bottom + 9
	for _, p := range d.parts {
		n := p.last - p.first + 1
		for i := 0; i < n; i++ {
			d.pdf.SetPage(p.first + i)
			d.font = style{size: -1} // each page has its own font state
			d.hline(d.left, d.pageW-d.right, y-4.2, 0.2, colLine)
			label := d.t("pdf.page", i+1, n)
			d.textRight(d.pageW-d.right, y, foot, label)
			if p.footer != "" {
				d.text(d.left, y, foot, d.fit(p.footer, d.contentW()-d.measure(foot, label)-8, foot))
			}
		}
	}
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	d.pdf.Close() // gofpdf ends the file in its buffer
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	return nil
}

// write writes the closed document to w: gofpdf's buffer goes out object
// by object, each page's stream compressed on its way (stream.go), not
// copied and compressed whole first.
func (d *doc) write(w io.Writer) error {
	if d.k.raw {
		return d.pdf.Output(w)
	}
	sc := newStreamCompressor(w)
	if err := d.pdf.Output(sc); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	if err := sc.Close(); err != nil {
		return fmt.Errorf("sheets: %w", err)
	}
	return nil
}

// Document is a document made, and not written yet.
type Document struct{ d *doc }

// Write writes the document to w: only writing is left, which fails only
// if w does.
func (doc *Document) Write(w io.Writer) (err error) {
	defer recoverTo(&err)
	return doc.d.write(w)
}

// recoverTo turns a panic of the PDF writer into an error: gofpdf indexes
// tables without checks, and a document is not worth a crashed request.
func recoverTo(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("sheets: PDF writer failed: %v", r)
	}
}
