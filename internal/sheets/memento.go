package sheets

import (
	"io"
	"time"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/memento"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Memento is what the memento's PDF prints.
type Memento struct {
	Commune string
	// Version is the version printed; 0 for the starting template, never
	// saved.
	Version int
	Date    time.Time
	// Lang is the language the memento is written in.
	Lang    string
	Content memento.Memento
	// URL is where the full memento is read, printed when the text had to
	// be cut to fit; "" when there is none.
	URL string
}

// MaxMementoPages is the length of the printed memento: the guide's
// memento is two pages, and a longer one is not read.
const MaxMementoPages = 2

// mementoScales are the type sizes tried, largest first, until the
// memento fits on MaxMementoPages; at the smallest, what does not fit is
// cut and the reader sent to the URL.
var mementoScales = []float64{1, 0.92, 0.84, 0.76}

// MementoPDF prints the commune's memento on at most two A4 pages, with
// the commune's name and the version on every page.
func (k *Kit) MementoPDF(w io.Writer, m Memento) (err error) {
	defer recoverTo(&err)
	for i, scale := range mementoScales {
		d := k.newDoc(m.Lang, "P", faceBold)
		last := i == len(mementoScales)-1
		if fits := d.memento(m, scale, last); fits || last {
			return d.finish(w)
		}
	}
	return nil
}

// memento draws m at scale; with cut, it stops at the last page allowed
// and says where to read the rest. It reports whether everything fitted.
func (d *doc) memento(m Memento, scale float64, cut bool) bool {
	sc := func(st style) style { st.size *= scale; return st }
	body, head, title, small := sc(stBody()), sc(stHeading()), sc(stTitle()), sc(stSmall())
	bold := body
	bold.face = faceBold
	version := d.t("strategy.pdf.memento.template")
	if m.Version > 0 {
		version = d.t("strategy.pdf.memento.version", m.Version, i18n.ShortDate(tz.In(m.Date)))
	}
	footer := d.line(m.Commune) + " – " + version
	d.pdf.SetTitle(d.t("memento.title")+" – "+d.line(m.Commune), true)
	d.startPart(footer, nil)
	d.flow(d.wrapMax(d.t("memento.title"), d.contentW(), title, 2), d.left, title)
	d.flow([]string{d.line(m.Commune) + " · " + version}, d.left, small)
	d.y += 2

	truncated := false
	note := d.t("strategy.pdf.memento.cut")
	if m.URL != "" {
		note = d.t("strategy.pdf.memento.cut_url", m.URL)
	}
	noteLines := d.wrapMax(note, d.contentW(), small, 2)
	// place makes room for h millimetres: on this page, or on a new one
	// while the document may grow. With cut, the last page ends the
	// document, keeping room for the note that says where the rest is.
	place := func(h float64) bool {
		if truncated {
			return false
		}
		limit := d.maxY()
		if cut && d.pdf.PageNo() >= MaxMementoPages {
			limit -= float64(len(noteLines))*small.lineHeight() + 2
		}
		if d.y+h <= limit+0.01 {
			return true
		}
		if cut && d.pdf.PageNo() >= MaxMementoPages {
			truncated = true
			return false
		}
		d.newPage()
		return true
	}
	section := func(name string) {
		lines := d.wrapMax(name, d.contentW(), head, 2)
		h := 4 + float64(len(lines))*head.lineHeight() + 2.5
		if !place(h + 2*body.lineHeight()) {
			return
		}
		d.y += 4
		d.flow(lines, d.left, head)
		d.hline(d.left, d.pageW-d.right, d.y+0.3, 0.35, colAccent)
		d.y += 2.5
	}
	// entry writes a bold name and the lines under it, kept together.
	entry := func(mark marker, name string, rest ...string) {
		const indent = 7.0 // room for a numbered disc
		width := d.contentW() - indent
		var lines []string
		var styles []style
		if name != "" {
			for _, l := range d.wrap(name, width, bold) {
				lines, styles = append(lines, l), append(styles, bold)
			}
		}
		for _, r := range rest {
			if r == "" {
				continue
			}
			for _, l := range d.wrap(r, width, body) {
				lines, styles = append(lines, l), append(styles, body)
			}
		}
		h := 0.0
		for _, st := range styles {
			h += st.lineHeight()
		}
		if !place(h + 1.2) {
			return
		}
		if mark != nil {
			mark(d.left, d.y)
		}
		for i, l := range lines {
			d.text(d.left+indent, d.y+styles[i].baseline(), styles[i], l)
			d.y += styles[i].lineHeight()
		}
		d.y += 1.2
	}
	c := m.Content
	if len(c.Tools) > 0 {
		section(d.t("memento.tools"))
		for _, t := range c.Tools {
			licence := ""
			if t.Licence != "" {
				licence = d.t("strategy.pdf.memento.licence", d.line(t.Licence))
			}
			entry(d.bullet(colAccent), d.line(t.Name), licence, d.para(t.Use))
		}
	}
	if len(c.ForbiddenData) > 0 {
		section(d.t("memento.forbidden_data"))
		for _, f := range c.ForbiddenData {
			entry(d.bullet(colTrainer), d.line(f.Class), d.para(f.Examples))
		}
	}
	if len(c.Rules) > 0 {
		section(d.t("memento.rules"))
		for i, r := range c.Rules {
			entry(d.numbered(i+1), "", d.para(r))
		}
	}
	if c.Contact.Name != "" || c.Contact.Email != "" {
		section(d.t("memento.contact"))
		entry(nil, d.line(c.Contact.Name), d.line(c.Contact.Email))
	}
	if truncated {
		d.y += 2
		d.flow(noteLines, d.left, small)
	}
	return !truncated && d.pdf.PageNo() <= MaxMementoPages
}
