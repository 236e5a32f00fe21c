package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/i18n"
)

// TestTranslations checks plan.json against the code: every key the
// package uses exists in French and German, every key of the files is
// used, and each warning's text takes as many arguments as check gives.
func TestTranslations(t *testing.T) {
	used := map[string]bool{}
	for _, r := range Reasons {
		used[r.Key()] = true
	}
	for _, c := range WarningCodes {
		used[c.Key()] = true
	}
	literal := regexp.MustCompile(`"(plan\.err\.[a-z_]+)"`)
	sources, _ := filepath.Glob("*.go")
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	tr := i18n.MustLoad()
	for key := range used {
		if !tr.Has(key) {
			t.Errorf("%s is missing from plan.json", key)
		}
	}
	verb := regexp.MustCompile(`%[ds]`)
	for _, lang := range i18n.Languages {
		data, err := os.ReadFile(filepath.Join("..", "i18n", "locales", lang, "plan.json"))
		if err != nil {
			t.Fatal(err)
		}
		texts := map[string]string{}
		if err := json.Unmarshal(data, &texts); err != nil {
			t.Fatal(err)
		}
		for key, text := range texts {
			if !strings.HasPrefix(key, "plan.") || !used[key] {
				t.Errorf("%s/plan.json: %s is not used by the plan package", lang, key)
			}
			if strings.Contains(text, "ß") {
				t.Errorf("%s/plan.json: %s: Swiss German writes ss", lang, key)
			}
		}
		for _, code := range WarningCodes {
			if n := len(verb.FindAllString(texts[code.Key()], -1)); n != warningArgs[code] {
				t.Errorf("%s: %s takes %d arguments, check gives %d", lang, code.Key(), n, warningArgs[code])
			}
		}
		for _, r := range Reasons {
			if verb.MatchString(texts[r.Key()]) {
				t.Errorf("%s: %s takes arguments; reasons have none", lang, r.Key())
			}
		}
	}
	// A rendered warning has no formatting error.
	p := mustPropose(t, baseRequest(format("mixed", "voluntary", 180), commune(6, 6)))
	_ = Move(baseRequest(format("mixed", "voluntary", 180), commune(6, 6)), p, 1, 1)
	for _, w := range p.Warnings {
		for _, lang := range i18n.Languages {
			if s := tr.Msg(lang, w.Msg); strings.Contains(s, "%!") || !slices.Contains(WarningCodes, w.Code) {
				t.Errorf("%s: %q", lang, s)
			}
		}
	}
}

// warningArgs is the number of arguments each warning's message takes.
var warningArgs = map[WarningCode]int{
	WarnOverCapacity: 3, WarnShareExceeded: 4, WarnTeamSplit: 2, WarnCouncilOutside: 1,
	WarnCouncilOnly: 1, WarnMergeable: 2, WarnOverlap: 2, WarnRoomBusy: 1, WarnPast: 1, WarnEmptySession: 1,
	WarnUnknownPerson: 1, WarnPlacedTrained: 1, WarnPlacedBooked: 1, WarnPlacedRole: 1,
	WarnNoSlot: 1, WarnNoCouncilSlot: 1, WarnNoRoom: 1,
}
