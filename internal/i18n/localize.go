package i18n

import "time"

// Localizer is a message argument written differently in each language,
// such as a date: Translator.T writes it in the message's language before
// formatting, so that domain code can name a time in an error without
// knowing who will read it.
type Localizer interface {
	Localize(lang string) string
}

// When is a span of time as an argument of a message: "mardi 12 janvier
// 2027, 13 h 30 – 16 h 30" / "Dienstag, 12. Januar 2027, 13.30–16.30 Uhr".
// Start and End should already be in the zone to show.
type When struct {
	Start, End time.Time
}

// Localize writes the span in lang.
func (w When) Localize(lang string) string { return DateRange(lang, w.Start, w.End) }

// localize replaces the Localizer arguments by their text in lang.
func localize(lang string, args []any) []any {
	var out []any
	for i, a := range args {
		if l, ok := a.(Localizer); ok {
			if out == nil {
				out = append([]any(nil), args...)
			}
			out[i] = l.Localize(lang)
		}
	}
	if out == nil {
		return args
	}
	return out
}
