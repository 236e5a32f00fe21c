// Package clean normalises user text before it is stored or written into
// line-based formats (iCalendar, mail headers, CSV), HTML and PDFs.
package clean

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isBreaking reports characters that end a line somewhere: the C0 and C1
// controls, DEL, and the Unicode line and paragraph separators.
func isBreaking(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\u2028' || r == '\u2029'
}

// IsBidi reports the Unicode bidirectional formatting characters (the
// Bidi_Control property: U+061C, U+200E, U+200F, U+202A–U+202E and
// U+2066–U+2069). They change the order in which the text around them is
// displayed, so « Anne \u202egnp.exe » reads « Anne exe.png »; nothing a
// person types into a name, title or place needs them.
func IsBidi(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }

// Line makes a one-line value: control characters become spaces, runs of
// spaces collapse, bidirectional controls and invalid UTF-8 are dropped
// (so is U+FFFD, which only stands for text already lost), and the ends
// are trimmed.
func Line(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if IsBidi(r) || r == utf8.RuneError {
			continue
		}
		if isBreaking(r) || unicode.IsSpace(r) && r != '\u00a0' && r != '\u202f' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Text makes a multi-line value: CRLF and CR become LF, other control
// characters, bidirectional controls and U+FFFD are dropped, trailing spaces and
// blank lines at the ends go.
func Text(s string) string {
	if isText(s) {
		return s // the usual case (a format's description, mail after mail): nothing to copy
	}
	return text(s)
}

// isText says whether Text leaves s as it is: valid UTF-8 with no
// character Text drops, no line ending in a space, no newline at the ends.
func isText(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == '\n' || s[len(s)-1] == '\n' {
		return false
	}
	space := false        // the rune before is a space
	for _, r := range s { // invalid UTF-8 comes as utf8.RuneError
		switch {
		case r == '\n':
			if space {
				return false
			}
		case r == '\t':
		case r == utf8.RuneError, isBreaking(r), IsBidi(r):
			return false
		}
		space = r != '\n' && unicode.IsSpace(r)
	}
	return !space
}

func text(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\u2028", "\n")
	s = strings.ReplaceAll(s, "\u2029", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == '\n' || r == '\t' || !isBreaking(r) && !IsBidi(r) && r != utf8.RuneError {
			b.WriteRune(r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// Truncate cuts s to at most n runes, on a rune boundary.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// Email checks a bare address (no display name, no control or space
// characters) and returns it lower-cased. It reports false when invalid.
func Email(s string) (string, bool) {
	s = strings.TrimSpace(s)
	// Quoted local parts ("a,b"@x) are legal but useless here, and their
	// characters would need escaping in iCalendar and mail headers.
	if s == "" || len(s) > 254 || strings.ContainsAny(s, `"\,;:<>()[]`) || strings.ContainsFunc(s, func(r rune) bool { return isBreaking(r) || unicode.IsSpace(r) }) {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return "", false
	}
	return strings.ToLower(s), true
}
