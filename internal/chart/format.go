package chart

import (
	"math"
	"strconv"
	"strings"
)

// Spaces the numbers are written with. SVG text gets the narrow no-break
// space French typography asks before "%"; the PDFs get the no-break space,
// because the Go fonts they embed have no glyph for the narrow one (as
// internal/sheets found).
const (
	nbsp  = '\u00a0'
	nnbsp = '\u202f'
)

// numbers writes the figures of one language for one output.
type numbers struct {
	german bool
	space  rune // before "%" and between groups of thousands in French
}

func newNumbers(lang string, space rune) numbers {
	return numbers{german: isGerman(lang), space: space}
}

// isGerman reads a language tag as internal/i18n does: German for "de…",
// French otherwise.
func isGerman(lang string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "de")
}

// format writes v in unit: "42 %", "3,8" (French) or "3.8" (German, as the
// rest of Atelier's German documents write decimals), "1 234".
func (n numbers) format(v float64, u Unit) string {
	switch u {
	case Percent:
		return n.integer(math.Round(100*v)) + string(n.space) + "%"
	case Count:
		return n.integer(math.Round(v))
	}
	r := math.Round(v*10) / 10
	s := n.integer(math.Trunc(r))
	if r < 0 && math.Trunc(r) == 0 {
		s = "-0" // -0,4 keeps its sign once the integer part is 0
	}
	tenth := int(math.Round(math.Abs(r-math.Trunc(r)) * 10))
	sep := ","
	if n.german {
		sep = "."
	}
	return s + sep + strconv.Itoa(tenth)
}

// maybe writes v, or "–" when there is no data.
func (n numbers) maybe(v *float64, u Unit) string {
	if x, ok := number(v); ok {
		return n.format(x, u)
	}
	return dash
}

// dash stands for a missing value.
const dash = "–"

// integer writes a whole number with its thousands grouped: "12 345" in
// French, "12’345" in German (the Swiss way), from four digits on so that
// the numbers of one column look alike.
func (n numbers) integer(v float64) string {
	if math.Abs(v) >= 1e15 {
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	s := strconv.FormatInt(int64(v), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if len(s) > 3 {
		group := string(n.space)
		if n.german {
			group = "’"
		}
		var b strings.Builder
		head := len(s) % 3
		if head > 0 {
			b.WriteString(s[:head])
		}
		for i := head; i < len(s); i += 3 {
			if b.Len() > 0 {
				b.WriteString(group)
			}
			b.WriteString(s[i : i+3])
		}
		s = b.String()
	}
	if neg {
		s = "-" + s
	}
	return s
}
