package chart

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

const ellipsis = "…"

// slack absorbs the rounding of the layout's arithmetic: a number given
// exactly the room it measures must not be cut.
const slack = 1e-6

// clean makes a label drawable: service names are user input. It drops
// control and format characters — the bidi overrides and isolates among
// them, which would reverse the numbers drawn after the label — and invalid
// UTF-8, turns line breaks and other spaces into one space (keeping no-break
// spaces), trims, and cuts the label to maxLabel runes.
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	space := false // a space is pending, written before the next rune
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r == '\ufffe', r == '\uffff':
			continue
		case r == nbsp || r == nnbsp || r == '\u2007':
		case r == '\t' || r == '\n' || r == '\r' || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		if n == maxLabel {
			b.WriteString(ellipsis)
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// measurer gives the width of a string in the units of its output.
type measurer func(string) float64

// wrap breaks s into lines no wider than width, at most n of them; when
// text is left out, the last line takes as much of the rest as fits and
// ends with an ellipsis, and wrap reports the cut. Lines break at spaces
// only, so no-break spaces hold; a word wider than a line is cut.
func wrap(s string, width float64, n int, m measurer) ([]string, bool) {
	width += slack
	var lines []string
	var starts []int // where each line begins in s
	cur, curStart := "", 0
	i := 0
	for i < len(s) && len(lines) <= n { // past n lines, the rest is cut anyway
		if s[i] == ' ' {
			i++
			continue
		}
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			j = len(s)
		} else {
			j += i
		}
		word := s[i:j]
		if cur != "" && m(cur+" "+word) <= width {
			cur += " " + word
			i = j
			continue
		}
		if cur != "" {
			lines, starts = append(lines, cur), append(starts, curStart)
		}
		start := i
		for m(word) > width {
			head, rest := cut(word, width, m)
			lines, starts = append(lines, head), append(starts, start)
			start += len(head)
			word = rest
		}
		cur, curStart = word, start
		i = j
	}
	if cur != "" {
		lines, starts = append(lines, cur), append(starts, curStart)
	}
	if len(lines) == 0 {
		return []string{""}, false
	}
	if len(lines) <= n {
		return lines, false
	}
	lines = lines[:n]
	lines[n-1] = fit(s[starts[n-1]:], width, m)
	return lines, true
}

// cut splits a word wider than width into a head that fits — at least one
// rune, so that wrapping always advances — and the rest.
func cut(word string, width float64, m measurer) (string, string) {
	end := 0
	for i, r := range word {
		next := i + utf8.RuneLen(r)
		if end > 0 && m(word[:next]) > width {
			break
		}
		end = next
	}
	return word[:end], word[end:]
}

// fit shortens s to width, ending it with an ellipsis when it cuts.
func fit(s string, width float64, m measurer) string {
	width += slack
	if m(s) <= width {
		return s
	}
	rs := []rune(strings.TrimSuffix(s, ellipsis))
	lo, hi := 0, len(rs)
	for lo < hi { // the longest prefix that fits with the ellipsis
		mid := (lo + hi + 1) / 2
		if m(string(rs[:mid])+ellipsis) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(rs[:lo]), " ") + ellipsis
}

// helvetica holds the advance widths, in thousandths of an em, of the
// printable ASCII runes in Helvetica/Arial. The SVG is laid out before a
// browser picks its font, so text is measured with these metrics of a
// common sans-serif and a margin (svgSlack) for wider system fonts.
var helvetica = [95]uint16{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0 to ?
	1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
	667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P to _
	333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // ` to o
	556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p to ~
}

// svgSlack widens the estimate: system-ui faces run wider than Helvetica
// (San Francisco and Segoe UI a little, DejaVu Sans, Linux's, some 12 %),
// and a label that overflows is worse than one cut a little early.
const svgSlack = 1.15

// estimate returns the width of s set in a sans-serif of size size.
func estimate(s string, size float64, bold bool) float64 {
	em := 0
	for _, r := range s {
		switch {
		case r >= ' ' && r <= '~':
			em += int(helvetica[r-' '])
		case r == nbsp || r == nnbsp:
			em += 278
		case unicode.Is(unicode.Mn, r):
			// combining accents sit on their letter
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) ||
			unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
			r >= 0xff00 && r <= 0xffef || r >= 0x1f000:
			em += 1000 // ideographs, full-width forms, emoji
		case unicode.IsUpper(r):
			em += 722
		default:
			em += 580
		}
	}
	w := float64(em) * size / 1000 * svgSlack
	if bold {
		w *= 1.12
	}
	return w
}
