package catalog_test

import (
	"testing"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/catalog"
)

// TestEmbeddedCatalog loads the real files shipped in the binary and checks
// the coverage the product promises: the seed campaigns, 1h to a full day,
// voluntary and mandatory, every grouping, at least eight exercises.
func TestEmbeddedCatalog(t *testing.T) {
	c, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatalf("embedded catalogue invalid:\n%v", err)
	}
	sources := map[catalog.Source]int{}
	participation := map[catalog.Participation]bool{}
	grouping := map[catalog.Grouping]bool{}
	minDur, maxDur := 1<<30, 0
	for _, f := range c.Formats() {
		sources[f.Source]++
		participation[f.Participation] = true
		grouping[f.Grouping] = true
		minDur = min(minDur, f.DurationMinutes)
		maxDur = max(maxDur, f.DurationMinutes)
	}
	for _, s := range []catalog.Source{catalog.SourceYverdon, catalog.SourceEcublens, catalog.SourceAubonne, catalog.SourceUCV} {
		if sources[s] == 0 {
			t.Errorf("no format from %s", s)
		}
	}
	if sources[catalog.SourceYverdon] < 2 || sources[catalog.SourceEcublens] < 2 {
		t.Errorf("Yverdon and Ecublens each ran two formats; got %v", sources)
	}
	if !participation[catalog.Voluntary] || !participation[catalog.Mandatory] {
		t.Errorf("need voluntary and mandatory formats, got %v", participation)
	}
	for _, g := range []catalog.Grouping{catalog.GroupTeam, catalog.GroupDepartment, catalog.GroupMixed} {
		if !grouping[g] {
			t.Errorf("no format grouped by %s", g)
		}
	}
	if minDur > 60 || maxDur < 420 {
		t.Errorf("durations span %d..%d minutes, want 60 to a full day", minDur, maxDur)
	}
	if n := c.ExerciseCount(); n < 8 {
		t.Errorf("%d exercises, want at least 8", n)
	}
}
