package clean

import "testing"

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
