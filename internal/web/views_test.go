package web

import (
	"html/template"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/tz"
	staticdata "github.com/atelier-ch/atelier/static"
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

// TestViewsParsedWhenShown checks that pages are checked at start but held
// parsed only once shown (an idle server keeps none), that a page shown by
// many requests at once is parsed once, and that a page that does not
// parse fails the start.
func TestViewsParsedWhenShown(t *testing.T) {
	as, err := loadAssets(staticdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	v, err := loadViews(as, templateFS)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.pages) < 10 {
		t.Fatalf("%d pages, want every template", len(v.pages))
	}
	for name, p := range v.pages {
		if p.t != nil {
			t.Errorf("page %s held parsed before it was shown", name)
		}
	}
	pv := v.pages["login"]
	if pv == nil {
		t.Fatal("no login page")
	}
	parse, parses := pv.parse, atomic.Int32{}
	pv.parse = func() (*template.Template, error) { parses.Add(1); return parse() }
	var wg sync.WaitGroup
	got := make([]*template.Template, 16)
	for i := range got {
		wg.Go(func() {
			tpl, err := pv.template()
			if err != nil {
				t.Error(err)
			}
			got[i] = tpl
		})
	}
	wg.Wait()
	if n := parses.Load(); n != 1 {
		t.Errorf("parsed %d times, want once", n)
	}
	for _, tpl := range got {
		if tpl == nil || tpl != got[0] {
			t.Fatal("requests at once got different templates")
		}
	}
	var b strings.Builder
	if err := got[0].ExecuteTemplate(&b, "layout.html", &page{Lang: "fr", tr: i18n.MustLoad()}); err != nil {
		t.Fatal(err)
	}
	for name, p := range v.pages {
		if name != "login" && p.t != nil {
			t.Errorf("page %s parsed when login was shown", name)
		}
	}

	broken := fstest.MapFS{
		"templates/layout.html":   {Data: []byte(`{{template "content" .}}`)},
		"templates/partials.html": {Data: []byte(`{{define "x"}}{{end}}`)},
		"templates/ok.html":       {Data: []byte(`{{define "content"}}ok{{end}}`)},
		"templates/broken.html":   {Data: []byte(`{{define "content"}}{{if}}{{end}}`)},
	}
	if _, err := loadViews(as, broken); err == nil || !strings.Contains(err.Error(), "broken.html") {
		t.Errorf("a page that does not parse: %v, want the start to fail naming it", err)
	}
}
