package i18n

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAreas checks the translation files of the survey, memento, roadmap,
// rsvp, region and exchange packages: each file's keys carry its area's
// prefix (so that two areas cannot define one key), and every key the
// package's code names is defined.
func TestAreas(t *testing.T) {
	tr := MustLoad()
	keyRE := regexp.MustCompile(`"((?:survey|memento|roadmap|rsvp|region|exchange|formats|pool|err)\.[a-z_.]*[a-z_])"`)
	for _, area := range []string{"survey", "memento", "roadmap", "rsvp", "region", "exchange", "formats"} {
		t.Run(area, func(t *testing.T) {
			for _, lang := range Languages {
				data, err := os.ReadFile(filepath.Join("locales", lang, area+".json"))
				if err != nil {
					t.Fatal(err)
				}
				var m map[string]string
				if err := json.Unmarshal(data, &m); err != nil {
					t.Fatal(err)
				}
				for k, v := range m {
					if !strings.HasPrefix(k, area+".") {
						t.Errorf("%s/%s.json: key %s lacks the prefix %s.", lang, area, k, area)
					}
					if strings.TrimSpace(v) == "" {
						t.Errorf("%s/%s.json: %s is empty", lang, area, k)
					}
				}
			}
			src, err := filepath.Glob(filepath.Join("..", area, "*.go"))
			if err != nil || len(src) == 0 {
				t.Fatalf("no source for %s: %v", area, err)
			}
			for _, name := range src {
				if strings.HasSuffix(name, "_test.go") {
					continue
				}
				data, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range keyRE.FindAllSubmatch(data, -1) {
					if !tr.Has(string(m[1])) {
						t.Errorf("%s uses %s, which no translation file defines", name, m[1])
					}
				}
			}
		})
	}
}
