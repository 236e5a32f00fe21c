package region

import (
	"fmt"
	"slices"
	"testing"
	"time"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/survey"
)

func newTestService(t *testing.T) *Service {
	t.Helper()
	c, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	return New(nil, nil, c, i18n.MustLoad(), func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) })
}

// commune is a sharing commune of a test: n people, each answered the
// feedback once (about format) and was expected at one session.
type commune struct {
	slug   string
	people int
	// rated is how many of its people rated a session, per format.
	rated map[string]int
	// twice rates a second format for the first person (one person, two
	// answers).
	twice string
}

// build makes the shared data of communes, with ids from 1.
func build(cs []commune) ([]store.Org, map[int64]*report.Shared) {
	var orgs []store.Org
	shared := map[int64]*report.Shared{}
	for i, c := range cs {
		id := int64(i + 1)
		orgs = append(orgs, store.Org{ID: id, Slug: c.slug, Name: "Commune " + c.slug, ShareWithRegion: true})
		sh := &report.Shared{OrgID: id, Campaign: &report.Campaign{}, NameWords: map[string]bool{}}
		for p := range c.people {
			who := fmt.Sprintf("p%d-%d", id, p)
			sh.People = append(sh.People, report.PersonRow{Who: who, Trained: p%2 == 0})
			sh.Attendance = append(sh.Attendance, report.ExpectedRow{Who: who, Absent: p == 0, Format: "aubonne"})
		}
		p := 0
		for _, f := range slices.Sorted(func(yield func(string) bool) {
			for k := range c.rated {
				if !yield(k) {
					return
				}
			}
		}) {
			for range c.rated[f] {
				sh.Ratings = append(sh.Ratings, report.Rating{Who: fmt.Sprintf("p%d-%d", id, p), Format: f, Overall: 4, WillUse: 4, ConfidenceBefore: 2, ConfidenceAfter: 4})
				p++
			}
		}
		if c.twice != "" {
			sh.Ratings = append(sh.Ratings, report.Rating{Who: fmt.Sprintf("p%d-0", id), Format: c.twice, Overall: 5, WillUse: 5, ConfidenceBefore: 1, ConfidenceAfter: 5})
		}
		sh.Held = []report.HeldRow{{Format: "aubonne", Fill: 0.5}}
		shared[id] = sh
	}
	return orgs, shared
}

// TestAnonymityOfTheRegion checks the merges of the regional view: a
// commune's answers are shown only from five people, four are merged into
// « autres communes » (with company, so that the region minus the communes
// shown never isolates them), a person counts once however many answers
// they gave, and no commune and format shown alone differ by one to four
// people.
func TestAnonymityOfTheRegion(t *testing.T) {
	x := "ucv-consultation"
	y := "aubonne"
	z := "yverdon-cadres"
	cases := map[string]struct {
		communes []commune
		// shown lists the communes whose feedback shows on their line;
		// others is « autres communes »'s respondents (0: none, -1:
		// withheld).
		shown  []string
		others int
		total  int // the region's respondents, 0 when withheld
	}{
		"five and five": {communes: []commune{{slug: "a", people: 6, rated: map[string]int{x: 5}}, {slug: "b", people: 6, rated: map[string]int{x: 5}}},
			shown: []string{"a", "b"}, total: 10},
		"five and four": {communes: []commune{{slug: "a", people: 6, rated: map[string]int{x: 5}}, {slug: "b", people: 6, rated: map[string]int{x: 4}}},
			others: 9, total: 9},
		"six, five and four": {communes: []commune{{slug: "a", people: 8, rated: map[string]int{x: 6}}, {slug: "b", people: 6, rated: map[string]int{x: 5}}, {slug: "c", people: 6, rated: map[string]int{x: 4}}},
			shown: []string{"a"}, others: 9, total: 15},
		"four alone": {communes: []commune{{slug: "a", people: 6, rated: map[string]int{x: 4}}},
			others: -1},
		"five answers from four people": {communes: []commune{{slug: "a", people: 6, rated: map[string]int{x: 4}, twice: y}, {slug: "b", people: 9, rated: map[string]int{x: 8}}, {slug: "c", people: 9, rated: map[string]int{x: 7}}},
			shown: []string{"b"}, others: 11, total: 19},
		"a format inside a commune": {communes: []commune{{slug: "a", people: 14, rated: map[string]int{x: 10, z: 2}}, {slug: "b", people: 9, rated: map[string]int{y: 6}}},
			others: 18, total: 18},
	}
	s := newTestService(t)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			orgs, shared := build(tc.communes)
			rep := s.compute(&store.Region{Slug: "r", Name: "Région"}, orgs, shared, "fr")
			var shown []string
			for _, c := range rep.Communes {
				if c.Figures.Feedback != nil {
					shown = append(shown, c.Slug)
					if c.Figures.Feedback.Respondents < survey.MinGroup {
						t.Errorf("%s shows feedback from %d people", c.Slug, c.Figures.Feedback.Respondents)
					}
					if slices.Contains(c.Merged, BlockFeedback) {
						t.Errorf("%s is shown and merged", c.Slug)
					}
				} else if !slices.Contains(c.Merged, BlockFeedback) {
					t.Errorf("%s shows no feedback and is not merged: %+v", c.Slug, c.Merged)
				}
			}
			if !slices.Equal(shown, tc.shown) {
				t.Errorf("communes shown alone %v, want %v", shown, tc.shown)
			}
			others := 0
			switch {
			case rep.Others.Feedback != nil:
				others = rep.Others.Feedback.Respondents
			case len(rep.Others.Communes[BlockFeedback]) > 0:
				others = -1
			}
			if others != tc.others {
				t.Errorf("« autres communes »: %d respondents, want %d (%v)", others, tc.others, rep.Others.Communes)
			}
			total := 0
			if rep.Total.Feedback != nil {
				total = rep.Total.Feedback.Respondents
			}
			if total != tc.total {
				t.Errorf("region: %d respondents, want %d", total, tc.total)
			}
			for _, f := range rep.Formats {
				if f.Feedback != nil && f.Feedback.Respondents < survey.MinGroup {
					t.Errorf("format %s shows feedback from %d people", f.Slug, f.Feedback.Respondents)
				}
			}
			checkNoNestedLeak(t, rep, shared)
		})
	}
}

// checkNoNestedLeak recomputes, for every commune and every format shown
// alone, the answers in one and not the other: never from one to four
// people.
func checkNoNestedLeak(t *testing.T, rep *Report, shared map[int64]*report.Shared) {
	t.Helper()
	type answer struct{ org, who, format string }
	var all []answer
	for _, sh := range shared {
		for _, r := range sh.Ratings {
			all = append(all, answer{fmt.Sprint(sh.OrgID), r.Who, r.Format})
		}
	}
	slugID := map[string]string{}
	for i, c := range rep.Communes {
		slugID[c.Slug] = fmt.Sprint(i + 1)
	}
	for _, c := range rep.Communes {
		if c.Figures == nil || c.Figures.Feedback == nil {
			continue
		}
		for _, f := range rep.Formats {
			if f.Feedback == nil {
				continue
			}
			for _, dir := range []bool{true, false} {
				people, other := map[string]bool{}, 0
				for _, a := range all {
					inC, inF := a.org == slugID[c.Slug], a.format == f.Slug
					switch {
					case dir && inC && !inF, !dir && inF && !inC:
						people[a.who] = true
					case dir && inF && !inC, !dir && inC && !inF:
						other++
					}
				}
				if other == 0 && len(people) > 0 && len(people) < survey.MinGroup {
					t.Errorf("commune %s and format %s shown alone differ by %d people", c.Slug, f.Slug, len(people))
				}
			}
		}
	}
}

// TestTrainingAndAttendanceMerge checks the blocks counted from people: a
// commune of four is merged, with the smallest other one.
func TestTrainingAndAttendanceMerge(t *testing.T) {
	s := newTestService(t)
	orgs, shared := build([]commune{{slug: "a", people: 12}, {slug: "b", people: 7}, {slug: "c", people: 4}})
	rep := s.compute(&store.Region{Slug: "r", Name: "Région"}, orgs, shared, "fr")
	want := map[string]bool{"a": true, "b": false, "c": false} // shown alone
	for _, c := range rep.Communes {
		if got := c.Figures.Training != nil; got != want[c.Slug] {
			t.Errorf("%s: training shown %v, want %v", c.Slug, got, want[c.Slug])
		}
		if got := c.Figures.Attendance != nil; got != want[c.Slug] {
			t.Errorf("%s: attendance shown %v, want %v", c.Slug, got, want[c.Slug])
		}
		if c.Figures.Sessions == nil || c.Figures.Sessions.Held != 1 {
			t.Errorf("%s: sessions %+v (not about people: always shown)", c.Slug, c.Figures.Sessions)
		}
	}
	if o := rep.Others.Training; o == nil || o.People != 11 || o.Trained != 6 {
		t.Errorf("« autres communes » training %+v, want 6 of 11", o)
	}
	if tot := rep.Total.Training; tot == nil || tot.People != 23 || tot.Trained != 12 {
		t.Errorf("region training %+v, want 12 of 23", tot)
	}
	if tot := rep.Total.Attendance; tot == nil || tot.Expected != 23 || *tot.NoShowRate != 3.0/23 {
		t.Errorf("region attendance %+v", tot)
	}
	if got := rep.Others.Communes[BlockTraining]; !slices.Equal(got, []string{"Commune b", "Commune c"}) {
		t.Errorf("« autres communes » names %v", got)
	}
}

// TestTopWordsLeaveNamesOut checks that a word of a person's name never
// counts among the words of the free answers.
func TestTopWordsLeaveNamesOut(t *testing.T) {
	s := newTestService(t)
	orgs, shared := build([]commune{{slug: "a", people: 6, rated: map[string]int{"aubonne": 6}}})
	sh := shared[1]
	sh.NameWords = report.NameWords([]store.Person{{Name: "Nadia Bonvin", GivenName: "Nadia", FamilyName: "Bonvin"}})
	for i := range sh.Ratings {
		sh.Ratings[i].UseCases = "procès-verbaux avec Bonvin, procès-verbaux"
		sh.Ratings[i].Worries = "nadia confidentialité"
	}
	rep := s.compute(&store.Region{Slug: "r", Name: "Région"}, orgs, shared, "fr")
	f := rep.Communes[0].Figures.Feedback
	if f == nil || len(f.TopUseCases) == 0 || f.TopUseCases[0].Word != "procès-verbaux" {
		t.Fatalf("use cases %+v", f)
	}
	for _, w := range append(append([]report.Word{}, f.TopUseCases...), f.TopWorries...) {
		if w.Word == "bonvin" || w.Word == "nadia" {
			t.Errorf("a name counts among the words: %+v", w)
		}
	}
}

// TestOwnFormatTitles: a commune's own format is named by its title in
// the regional view, like the catalogue's, and by its slug only when its
// title is not known.
func TestOwnFormatTitles(t *testing.T) {
	s := newTestService(t)
	orgs, shared := build([]commune{{slug: "a", people: 6}, {slug: "b", people: 6}})
	shared[1].Held = []report.HeldRow{{Format: "aubonne-commune-a", Fill: 0.5}, {Format: "aubonne", Fill: 1}}
	shared[2].Held = []report.HeldRow{{Format: "inconnu-commune-b", Fill: 0.5}}
	s.titles.Store("aubonne-commune-a/fr", "L’IA au bureau, version d’Aubonne")
	rep := s.compute(&store.Region{Slug: "r", Name: "Région"}, orgs, shared, "fr")
	got := map[string]string{}
	for _, f := range rep.Total.Formats {
		got[f.Slug] = f.Title
	}
	want := map[string]string{"aubonne-commune-a": "L’IA au bureau, version d’Aubonne", "inconnu-commune-b": "inconnu-commune-b"}
	for slug, title := range want {
		if got[slug] != title {
			t.Errorf("%s named %q, want %q (all: %v)", slug, got[slug], title, got)
		}
	}
	if got["aubonne"] == "" || got["aubonne"] == "aubonne" {
		t.Errorf("the catalogue's format is named %q", got["aubonne"])
	}
}
