package sheets

import (
	"math"
	"strings"
)

// A prompt template is printed in a shaded box in a monospace face; each
// blank written [hint] in the catalogue becomes a line to write on with its
// hint in small type under it.

const (
	promptPad      = 3.5  // inner margin of the box
	blankMinW      = 30.0 // shortest blank, in millimetres
	blankAbove     = 2.8  // extra room above a line with a blank, to write
	blankBelow     = 3.4  // room under it for the hint
	blankRuleBelow = 1.1  // from the baseline down to the rule
)

func stPrompt() style { return style{faceMono, bodySize, colInk, 1.45} }
func stHint() style   { return style{faceRegular, 7.5, colGrey, 1.2} }

// ptoken is a word or a blank of a prompt template.
type ptoken struct {
	text  string
	blank bool
	space bool // a space comes before it: a line may break there
	w     float64
}

// pline is one laid-out line of a prompt box.
type pline struct {
	toks  []ptoken
	blank bool // holds a blank, so is taller
}

func (l pline) height() float64 {
	h := stPrompt().lineHeight()
	if l.blank {
		h += blankAbove + blankBelow
	}
	return h
}

// parsePrompt splits a template into hard lines of tokens.
func parsePrompt(s string) [][]ptoken {
	var out [][]ptoken
	for _, line := range strings.Split(s, "\n") {
		var toks []ptoken
		space := false
		for line != "" {
			if line[0] == ' ' {
				space = true
				line = line[1:]
				continue
			}
			if line[0] == '[' {
				if j := strings.IndexByte(line, ']'); j > 0 {
					toks = append(toks, ptoken{text: strings.TrimSpace(line[1:j]), blank: true, space: space})
					line, space = line[j+1:], false
					continue
				}
			}
			j := strings.IndexAny(line[1:], " [")
			if j < 0 {
				j = len(line)
			} else {
				j++
			}
			toks = append(toks, ptoken{text: line[:j], space: space})
			line, space = line[j:], false
		}
		out = append(out, toks)
	}
	return out
}

// layPrompt measures the tokens and breaks them into lines of width w;
// tokens with no space between them stay on one line.
func (d *doc) layPrompt(hard [][]ptoken, w float64) []pline {
	st, hint := stPrompt(), stHint()
	space := d.measure(st, " ")
	var lines []pline
	for _, toks := range hard {
		for i := range toks {
			t := &toks[i]
			if !t.blank {
				t.w = d.measure(st, t.text)
				continue
			}
			t.w = math.Min(w, math.Max(blankMinW, d.measure(hint, t.text)+6))
			t.text = d.fit(t.text, t.w-1.5, hint)
		}
		var cur pline
		curW := 0.0
		for i := 0; i < len(toks); {
			// A unit is a token and those glued to it.
			j, unitW := i+1, toks[i].w
			for j < len(toks) && !toks[j].space {
				unitW += toks[j].w
				j++
			}
			gap := 0.0
			if len(cur.toks) > 0 {
				gap = space
			}
			if len(cur.toks) > 0 && curW+gap+unitW > w {
				lines = append(lines, cur)
				cur, curW, gap = pline{}, 0, 0
			}
			for _, t := range toks[i:j] {
				if t.w > w && !t.blank { // a word wider than the box
					t.text = d.fit(t.text, w, st)
					t.w = d.measure(st, t.text)
				}
				cur.toks = append(cur.toks, t)
				cur.blank = cur.blank || t.blank
			}
			curW += gap + unitW
			i = j
		}
		lines = append(lines, cur)
	}
	return lines
}

// promptBox writes a prompt template's label and its box; a box taller than
// the room left continues on the next page.
func (d *doc) promptBox(label, text string) {
	inner := d.contentW() - 2*promptPad
	lines := d.layPrompt(parsePrompt(text), inner)
	labelSt := stBody()
	labelSt.face = faceBold
	labelSt.color = colAccent
	labelLines := d.wrapMax(label, d.contentW(), labelSt, 2)
	// A box that fits on a page moves whole if it has to; a longer one starts
	// here with two lines at least.
	labelH := float64(len(labelLines))*labelSt.lineHeight() + 1
	first, total := 2*promptPad, 2*promptPad
	for i, l := range lines {
		if i < 2 {
			first += l.height()
		}
		total += l.height()
	}
	d.y += 3
	if labelH+total <= (d.maxY()-d.top)*0.45 {
		first = total
	}
	d.ensure(labelH + first)
	d.flow(labelLines, d.left, labelSt)
	d.y += 1

	st := stPrompt()
	space := d.measure(st, " ")
	for len(lines) > 0 {
		// Take the lines that fit on this page.
		h, n := 2*promptPad, 0
		for n < len(lines) && d.y+h+lines[n].height() <= d.maxY() {
			h += lines[n].height()
			n++
		}
		if n == 0 {
			d.newPage()
			continue
		}
		if n < len(lines) && len(lines)-n < 2 && n > 2 { // no lone line on the next page
			n--
			h -= lines[n].height()
		}
		d.fill(colShade)
		d.stroke(colRule)
		d.pdf.SetLineWidth(0.3)
		d.pdf.Rect(d.left, d.y, d.contentW(), h, "FD")
		y := d.y + promptPad
		for _, l := range lines[:n] {
			d.promptLine(l, d.left+promptPad, y, space)
			y += l.height()
		}
		d.y += h
		lines = lines[n:]
		if len(lines) > 0 {
			d.newPage()
		}
	}
}

// promptLine draws one line of a prompt box whose top is at y.
func (d *doc) promptLine(l pline, x, y, space float64) {
	st, hint := stPrompt(), stHint()
	base := y + st.baseline()
	if l.blank {
		base += blankAbove
	}
	for i, t := range l.toks {
		if i > 0 && t.space {
			x += space
		}
		if t.blank {
			rule := base + blankRuleBelow
			d.hline(x+0.4, x+t.w-0.4, rule, 0.35, colInk)
			if t.text != "" {
				d.text(x+0.6, rule+2.7, hint, t.text)
			}
		} else if t.text != "" {
			d.text(x, base, st, t.text)
		}
		x += t.w
	}
}
