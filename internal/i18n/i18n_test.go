package i18n

import (
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	if _, err := Load(); err != nil {
		t.Fatal(err)
	}
}

func TestDateRange(t *testing.T) {
	zurich, _ := time.LoadLocation("Europe/Zurich")
	start := time.Date(2026, 3, 10, 13, 30, 0, 0, zurich)
	cases := map[string]struct {
		lang       string
		start, end time.Time
		want       string
	}{
		"fr":           {"fr", start, start.Add(2 * time.Hour), "mardi 10 mars 2026, 13 h 30 – 15 h 30"},
		"de":           {"de", start, start.Add(2 * time.Hour), "Dienstag, 10. März 2026, 13.30–15.30 Uhr"},
		"fr first day": {"fr", time.Date(2026, 9, 1, 8, 0, 0, 0, zurich), time.Date(2026, 9, 1, 17, 0, 0, 0, zurich), "mardi 1er septembre 2026, 8 h 00 – 17 h 00"},
		"fr two days":  {"fr", start, start.Add(24 * time.Hour), "mardi 10 mars 2026, 13 h 30 – mercredi 11 mars 2026, 13 h 30"},
		"de two days":  {"de-CH", start, start.Add(24 * time.Hour), "Dienstag, 10. März 2026, 13.30 Uhr – Mittwoch, 11. März 2026, 13.30 Uhr"},
	}
	for name, tc := range cases {
		if got := DateRange(tc.lang, tc.start, tc.end); got != tc.want {
			t.Errorf("%s: got %q, want %q", name, got, tc.want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	cases := map[string]string{
		"":                           "fr",
		"de":                         "de",
		"de-CH,de;q=0.9,en;q=0.8":    "de",
		"fr-CH, de;q=0.5":            "fr",
		"en-US,de;q=0.7,fr;q=0.9":    "fr",
		"en":                         "fr",
		"de;q=0":                     "fr",
		"it-CH,de-CH;q=0.8,fr;q=0.7": "de",
	}
	for header, want := range cases {
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	for minutes, want := range map[int]string{45: "45 min", 60: "1 h", 90: "1 h 30", 420: "7 h"} {
		if got := Duration(minutes); got != want {
			t.Errorf("Duration(%d) = %q, want %q", minutes, got, want)
		}
	}
}

func TestLocalizedArgs(t *testing.T) {
	zurich, _ := time.LoadLocation("Europe/Zurich")
	start := time.Date(2027, 1, 12, 13, 30, 0, 0, zurich)
	tr := &Translator{texts: map[string]map[string]string{"fr": {"k": "le %s (%d)"}, "de": {"k": "am %s (%d)"}}}
	w := When{start, start.Add(3 * time.Hour)}
	if got := tr.T("fr", "k", w, 7); got != "le mardi 12 janvier 2027, 13 h 30 – 16 h 30 (7)" {
		t.Errorf("fr: %q", got)
	}
	if got := tr.T("de-CH", "k", w, 7); got != "am Dienstag, 12. Januar 2027, 13.30–16.30 Uhr (7)" {
		t.Errorf("de: %q", got)
	}
}
