package chart

import (
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"plain":           {"Écoles et jeunesse", "Écoles et jeunesse"},
		"spaces collapse": {"  Service \t des\n\r eaux  ", "Service des eaux"},
		"bidi override":   {"\u202eevil\u202c", "evil"},
		"bidi isolates":   {"a\u2067b\u2069c\u200f", "abc"},
		"controls":        {"a\x00b\x1bc\x7f", "abc"},
		"invalid utf8":    {"a\xffb", "ab"},
		"no-break kept":   {"42\u00a0%", "42\u00a0%"},
		"markup is text":  {"<script>alert(1)</script>", "<script>alert(1)</script>"},
		"zero width":      {"a\u200bb\ufeff", "ab"},
		"only junk":       {"\u202e\u200b", ""},
		"line separator":  {"a\u2028b", "a b"},
		"capped":          {strings.Repeat("x", maxLabel+10), strings.Repeat("x", maxLabel) + ellipsis},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := clean(tc.in); got != tc.want {
				t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	mono := func(s string) float64 { return float64(len([]rune(s))) } // one unit a rune
	cases := map[string]struct {
		in    string
		width float64
		max   int
		want  []string
		cut   bool
	}{
		"fits":                 {"Finances", 10, 2, []string{"Finances"}, false},
		"two lines":            {"Service des eaux", 10, 2, []string{"Service", "des eaux"}, false},
		"cut on the last":      {"Service de la population et des habitants", 12, 2, []string{"Service de", "la populati…"}, true},
		"long word cut":        {"Einwohnerdienste", 6, 3, []string{"Einwoh", "nerdie", "nste"}, false},
		"long word max":        {"Einwohnerdienste", 6, 2, []string{"Einwoh", "nerdi…"}, true},
		"no-break holds":       {"42\u00a0% des gens", 5, 3, []string{"42\u00a0%", "des", "gens"}, false},
		"empty":                {"", 10, 2, []string{""}, false},
		"narrower than a rune": {"abc", 0.5, 5, []string{"a", "b", "c"}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, cut := wrap(tc.in, tc.width, tc.max, mono)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || cut != tc.cut {
				t.Errorf("wrap(%q) = %q, %v; want %q, %v", tc.in, got, cut, tc.want, tc.cut)
			}
		})
	}
}

// The estimate the SVG is laid out with must not fall short of a real
// sans-serif: Helvetica's widths, widened.
func TestEstimate(t *testing.T) {
	cases := map[string]struct {
		s    string
		size float64
		min  float64 // Helvetica's width at size
	}{
		"digits":     {"0123456789", 10, 55.6},
		"lower":      {"services", 10, 36.6},
		"upper":      {"ÉCOLES", 10, 41.1},
		"no-break":   {"42\u202f%", 10, 22.7},
		"ideographs": {"漢字", 10, 20},
		"emoji":      {"🚀", 10, 10},
		"marks sit":  {"e\u0301", 10, 5.56},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := estimate(tc.s, tc.size, false)
			if got < tc.min || got > tc.min*1.4 {
				t.Errorf("estimate(%q) = %.1f, want %.1f to %.1f", tc.s, got, tc.min, tc.min*1.4)
			}
			if bold := estimate(tc.s, tc.size, true); bold <= got {
				t.Errorf("bold %.1f not wider than regular %.1f", bold, got)
			}
		})
	}
}
