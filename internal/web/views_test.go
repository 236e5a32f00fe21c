package web

import (
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/tz"
)

// TestTimesDoNotBreak checks that times, durations and percentages on the
// pages carry no-break spaces where a line must not break.
func TestTimesDoNotBreak(t *testing.T) {
	start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
	fr, de := &page{Lang: "fr"}, &page{Lang: "de"}
	cases := map[string]struct{ got, want string }{
		"fr range":      {fr.DateRange(start, start.Add(2*time.Hour)), "mardi 10 mars 2026, 13\u00a0h\u00a030\u00a0– 15\u00a0h\u00a030"},
		"fr two days":   {fr.DateRange(start, start.Add(24*time.Hour)), "mardi 10 mars 2026, 13\u00a0h\u00a030\u00a0– mercredi 11 mars 2026, 13\u00a0h\u00a030"},
		"de range":      {de.DateRange(start, start.Add(2*time.Hour)), "Dienstag, 10. März 2026, 13.30–15.30\u00a0Uhr"},
		"de two days":   {de.DateRange(start, start.Add(24*time.Hour)), "Dienstag, 10. März 2026, 13.30\u00a0Uhr\u00a0– Mittwoch, 11. März 2026, 13.30\u00a0Uhr"},
		"fr clock":      {fr.Clock(start.Add(-5 * time.Hour)), "8\u00a0h\u00a030"},
		"duration":      {templateFuncs["duration"].(func(int) string)(90), "1\u00a0h\u00a030"},
		"duration min":  {templateFuncs["duration"].(func(int) string)(45), "45\u00a0min"},
		"duration hour": {templateFuncs["duration"].(func(int) string)(120), "2\u00a0h"},
		"percent":       {percentOf(0.54), "54\u00a0%"},
		"date alone":    {fr.Date(start), "mardi 10 mars 2026"},
	}
	for name, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", name, tc.got, tc.want)
		}
	}
}
