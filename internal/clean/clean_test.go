package clean

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"plain":         {"Salle du Conseil", "Salle du Conseil"},
		"crlf injected": {"Salle 1\r\nATTENDEE:mailto:x@example.com", "Salle 1 ATTENDEE:mailto:x@example.com"},
		"lone cr":       {"a\rb", "a b"},
		"unicode seps":  {"a\u2028b\u2029c\u0085d", "a b c d"},
		"tabs and runs": {"  a \t\t b  ", "a b"},
		"nbsp kept":     {"«\u00a0oui\u00a0»", "«\u00a0oui\u00a0»"},
		"invalid utf8":  {"caf\xe9", "caf"},
		"nul and del":   {"a\x00b\x7fc", "a b c"},
		// Bidirectional controls would make « Anne exe.png » of this name.
		"rlo":             {"Anne \u202egnp.exe", "Anne gnp.exe"},
		"every bidi":      {"a\u061cb\u200ec\u200fd\u202ae\u202bf\u202cg\u202dh\u202ei\u2066j\u2067k\u2068l\u2069m", "abcdefghijklm"},
		"bidi in spaces":  {"Salle \u202e 1", "Salle 1"},
		"bidi at the end": {"Salle 1 \u2069", "Salle 1"},
		"only bidi":       {"\u202e\u2066", ""},
		"joiners kept":    {"👩\u200d💻 a\u200cb", "👩\u200d💻 a\u200cb"},
		"arabic kept":     {"مرحبا", "مرحبا"},
	}
	for name, tc := range cases {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("%s: Line(%q) = %q, want %q", name, tc.in, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"crlf":     {"a\r\nb\rc\nd", "a\nb\nc\nd"},
		"controls": {"a\x00b\x1bc", "abc"},
		"trim":     {"\n\na  \nb\n\n", "a\nb"},
		"rlo":      {"Anne \u202egnp.exe\nligne 2\u2066", "Anne gnp.exe\nligne 2"},
		"isolates": {"\u2067a\u2069\n\u200f", "a"},
		"tab kept": {"a\tb", "a\tb"},
	}
	for name, tc := range cases {
		if got := Text(tc.in); got != tc.want {
			t.Errorf("%s: Text(%q) = %q, want %q", name, tc.in, got, tc.want)
		}
	}
}

func TestEmail(t *testing.T) {
	cases := map[string]struct {
		in   string
		want string
		ok   bool
	}{
		"simple":       {"Anne.Muller@Commune-Demo.ch", "anne.muller@commune-demo.ch", true},
		"display name": {"Anne <anne@demo.ch>", "", false},
		"crlf":         {"anne@demo.ch\r\nBcc: x@y.ch", "", false},
		"no domain":    {"anne@", "", false},
		"no dot":       {"anne@localhost", "", false},
		"space":        {"an ne@demo.ch", "", false},
		"empty":        {"", "", false},
		"quoted local": {`"a,b"@demo.ch`, "", false},
		"semicolon":    {"a;b@demo.ch", "", false},
	}
	for name, tc := range cases {
		got, ok := Email(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: Email(%q) = %q, %v; want %q, %v", name, tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// forbidden reports a rune that must never leave Line (Text also keeps
// newlines and tabs): controls, line separators and bidirectional controls.
func forbidden(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\u2028' || r == '\u2029' || IsBidi(r) || r == utf8.RuneError
}

// fuzzSeeds are the hostile inputs both fuzz tests start from.
var fuzzSeeds = []string{
	"", " ", "Salle du Conseil", "Anne \u202egnp.exe", "a\r\nATTENDEE:mailto:x@example.com",
	"\u2066\u2067\u2068\u2069\u200e\u200f\u061c", "caf\xe9", "\x00\x7f\u0085\u2028\u2029",
	"«\u00a0oui\u00a0»", "\r\u202e\n", "a \u202e b", "\t\tx\t", "👩\u200d💻", "\ufeff\u00ad",
}

// FuzzLine: whatever comes in, Line's output is valid UTF-8 on one line,
// without control or bidirectional characters, and Line is idempotent.
func FuzzLine(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Line(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Line(%q) = %q: invalid UTF-8", in, out)
		}
		if i := strings.IndexFunc(out, forbidden); i >= 0 {
			t.Fatalf("Line(%q) = %q: forbidden character at %d", in, out, i)
		}
		if strings.Contains(out, "  ") || strings.Trim(out, " ") != out {
			t.Fatalf("Line(%q) = %q: spaces not collapsed or trimmed", in, out)
		}
		if again := Line(out); again != out {
			t.Fatalf("Line not idempotent: %q → %q → %q", in, out, again)
		}
	})
}

// FuzzText: the same for Text, which keeps newlines and tabs.
func FuzzText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	// Texts Text leaves as they are, and near misses of them.
	for _, s := range []string{"Atelier d’une journée\n\tExercices : 3", "a\u00a0\nb", "fin\t", "x\u200ey", "ligne\n\nligne", "\ufffd", "é\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Text(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Text(%q) = %q: invalid UTF-8", in, out)
		}
		if i := strings.IndexFunc(out, func(r rune) bool { return r != '\n' && r != '\t' && forbidden(r) }); i >= 0 {
			t.Fatalf("Text(%q) = %q: forbidden character at %d", in, out, i)
		}
		if strings.HasPrefix(out, "\n") || strings.HasSuffix(out, "\n") {
			t.Fatalf("Text(%q) = %q: blank lines at the ends", in, out)
		}
		if slow := text(in); slow != out {
			t.Fatalf("Text(%q) = %q, the long way %q", in, out, slow)
		}
		if again := Text(out); again != out {
			t.Fatalf("Text not idempotent: %q → %q → %q", in, out, again)
		}
	})
}
