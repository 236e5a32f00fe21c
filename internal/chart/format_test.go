package chart

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	cases := map[string]struct {
		lang  string
		space rune
		v     float64
		unit  Unit
		want  string
	}{
		"percent fr svg":      {"fr", nnbsp, 0.42, Percent, "42\u202f%"},
		"percent de pdf":      {"de", nbsp, 0.42, Percent, "42\u00a0%"},
		"percent rounds":      {"fr", nbsp, 12.0 / 41, Percent, "29\u00a0%"},
		"percent zero":        {"fr", nbsp, 0, Percent, "0\u00a0%"},
		"percent whole":       {"fr", nbsp, 1, Percent, "100\u00a0%"},
		"percent tiny minus":  {"fr", nbsp, -0.001, Percent, "0\u00a0%"},
		"value fr comma":      {"fr", nnbsp, 3.84, Value, "3,8"},
		"value de point":      {"de-CH", nnbsp, 3.84, Value, "3.8"},
		"value rounds up":     {"fr", nnbsp, 4.96, Value, "5,0"},
		"value whole":         {"fr", nnbsp, 4, Value, "4,0"},
		"value negative":      {"fr", nnbsp, -1.25, Value, "-1,3"},
		"value small minus":   {"fr", nnbsp, -0.4, Value, "-0,4"},
		"value minus zero":    {"fr", nnbsp, -0.01, Value, "0,0"},
		"value thousands fr":  {"fr", nnbsp, 12345.67, Value, "12\u202f345,7"},
		"count":               {"fr", nnbsp, 12, Count, "12"},
		"count thousands fr":  {"fr", nbsp, 1234, Count, "1\u00a0234"},
		"count thousands de":  {"de", nbsp, 1234567, Count, "1’234’567"},
		"count negative":      {"de", nbsp, -1234, Count, "-1’234"},
		"unknown lang is fr":  {"it", nnbsp, 3.8, Value, "3,8"},
		"huge stays readable": {"fr", nnbsp, 1e20, Count, "1e+20"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := newNumbers(tc.lang, tc.space).format(tc.v, tc.unit); got != tc.want {
				t.Errorf("format(%v) = %q, want %q", tc.v, got, tc.want)
			}
		})
	}
}

func TestMaybe(t *testing.T) {
	n := newNumbers("fr", nnbsp)
	nan, inf := math.NaN(), math.Inf(1)
	for _, v := range []*float64{nil, &nan, &inf} {
		if got := n.maybe(v, Value); got != dash {
			t.Errorf("maybe(%v) = %q, want %q", v, got, dash)
		}
	}
}
