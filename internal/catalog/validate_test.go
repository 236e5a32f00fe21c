package catalog

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestValidateFormat checks the one validation of a format: the catalogue
// loader and the communes' own formats get the same issues, at the same
// field, with the same words in French and German.
func TestValidateFormat(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"exercises/ex-one.yaml": {Data: []byte(goodExercise)},
		"formats/fmt-one.yaml":  {Data: []byte(goodFormat)},
	})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := c.Format("fmt-one")
	cases := map[string]struct {
		change func(f *Format)
		field  string
		fr, de string
	}{
		"agenda not adding up": {func(f *Format) { f.DurationMinutes = 90 }, "agenda",
			"l'agenda totalise 60 minutes, la durée du format est de 90", "Der Ablauf ergibt 60 Minuten, das Format dauert 90"},
		"unknown exercise": {func(f *Format) { f.Exercises = []string{"ex-one", "ex-missing"} }, "exercises[1]",
			`exercice inconnu "ex-missing"`, `Unbekannte Übung "ex-missing"`},
		"empty title": {func(f *Format) { f.Title = "  " }, "title", "title vide", "title leer"},
		"bad participation": {func(f *Format) { f.Participation = "sometimes" }, "participation",
			`participation : valeur "sometimes" inconnue (attendu : voluntary, mandatory)`, `participation: Wert "sometimes" unbekannt (erwartet: voluntary, mandatory)`},
		"agenda minutes": {func(f *Format) { f.Agenda[0].Minutes = 0; f.DurationMinutes = 30 }, "agenda[0].minutes",
			"agenda[0].minutes doit être positif (0)", "agenda[0].minutes muss positiv sein (0)"},
		"exercises longer than practice": {func(f *Format) {
			f.Agenda[0].Kind, f.Agenda[1].Kind = KindHandsOn, KindTalk
			f.Agenda[0].Minutes, f.Agenda[1].Minutes = 10, 50
		}, "exercises", "les exercices durent 20 minutes, l'agenda ne prévoit que 10 minutes de pratique (hands_on)", "Die Übungen dauern 20 Minuten, der Ablauf sieht nur 10 Minuten Praxis (hands_on) vor"},
		"too long title": {func(f *Format) { f.Title = strings.Repeat("é", MaxTitle+1) }, "title",
			"title : au plus 200 caractères", "title: höchstens 200 Zeichen"},
		"no audience":   {func(f *Format) { f.Audiences = nil }, "audiences", "au moins un public est requis", "Mindestens ein Zielpublikum ist erforderlich"},
		"missing theme": {func(f *Format) { f.Themes = f.Themes[:2] }, "themes", `thème "use_cases" manquant`, `Thema "use_cases" fehlt`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := *base
			f.Agenda = append([]AgendaItem(nil), base.Agenda...)
			f.Themes = append([]Theme(nil), base.Themes...)
			tc.change(&f)
			issues := ValidateFormat(&f, c.Exercise)
			var found *Issue
			for i := range issues {
				if issues[i].Field() == tc.field {
					found = &issues[i]
				}
			}
			if found == nil {
				t.Fatalf("no issue on %s: %+v", tc.field, issues)
			}
			if got := found.Text("fr"); !strings.Contains(got, tc.fr) {
				t.Errorf("French %q, want %q", got, tc.fr)
			}
			if got := found.Text("de"); !strings.Contains(got, tc.de) {
				t.Errorf("German %q, want %q", got, tc.de)
			}
		})
	}
	if issues := ValidateFormat(base, c.Exercise); len(issues) != 0 {
		t.Errorf("a valid format has issues: %+v", issues)
	}
}
