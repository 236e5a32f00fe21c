package catalog

import (
	"strings"
	"testing"
	"testing/fstest"
)

const goodExercise = `slug: ex-one
minutes: 20
title: Un exercice
objective: Apprendre.
scenario: Une commune.
steps:
  - text: Lire.
    minutes: 5
  - text: Écrire.
    minutes: 10
prompts:
  - label: Modèle
    text: "Tu es [rôle]."
questions:
  - Pourquoi ?
rules:
  - Pas de données personnelles.
trainer_notes:
  - Insister sur la vérification.
pitfalls:
  - Copier-coller sans relire.
material:
  - Un ordinateur
`

const goodFormat = `slug: fmt-one
title: Un format
summary: Pour tester.
source: custom
duration_minutes: 60
participation: voluntary
grouping: mixed
audiences: [staff]
trainer: internal
themes:
  - key: how_it_works
    focus: Les bases.
  - key: rules_security_ethics
    focus: Les règles.
  - key: use_cases
    focus: Les usages.
agenda:
  - minutes: 30
    title: Exposé
    kind: talk
  - minutes: 30
    title: Pratique
    kind: hands_on
exercises: [ex-one]
`

func files(overrides map[string]string) fstest.MapFS {
	fs := fstest.MapFS{
		"exercises/ex-one.yaml": {Data: []byte(goodExercise)},
		"formats/fmt-one.yaml":  {Data: []byte(goodFormat)},
	}
	for name, data := range overrides {
		if data == "" {
			delete(fs, name)
			continue
		}
		fs[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fs
}

func TestLoadGood(t *testing.T) {
	c, err := Load(files(nil))
	if err != nil {
		t.Fatal(err)
	}
	f, ok := c.Format("fmt-one")
	if !ok || len(c.ExercisesOf(f)) != 1 || f.Agenda[1].Kind != KindHandsOn {
		t.Fatalf("format not loaded right: %+v", f)
	}
}

func TestLoadProblems(t *testing.T) {
	rep := strings.Replace
	cases := map[string]struct {
		files map[string]string
		want  []string // each a line of the output
	}{
		"unknown key": {
			files: map[string]string{"formats/fmt-one.yaml": rep(goodFormat, "trainer: internal\n", "trainer: internal\ncolour: blue\n", 1)},
			want:  []string{`formats/fmt-one.yaml:10: clé inconnue "colour"`},
		},
		"bad enum": {
			files: map[string]string{"formats/fmt-one.yaml": rep(goodFormat, "participation: voluntary", "participation: sometimes", 1)},
			want:  []string{`formats/fmt-one.yaml:6: participation : valeur "sometimes" inconnue (attendu : voluntary, mandatory)`},
		},
		"bad agenda kind": {
			files: map[string]string{"formats/fmt-one.yaml": rep(goodFormat, "kind: talk", "kind: lecture", 1)},
			want:  []string{`formats/fmt-one.yaml:20: agenda[0].kind : valeur "lecture" inconnue`},
		},
		"duplicate slug": {
			files: map[string]string{"formats/fmt-two.yaml": rep(goodFormat, "slug: fmt-one", "slug: fmt-one", 1)},
			want:  []string{`formats/fmt-two.yaml:1: le fichier doit s'appeler fmt-one.yaml`},
		},
		"agenda not adding up": {
			files: map[string]string{"formats/fmt-one.yaml": rep(goodFormat, "duration_minutes: 60", "duration_minutes: 90", 1)},
			want:  []string{"formats/fmt-one.yaml:17: l'agenda totalise 60 minutes, la durée du format est de 90"},
		},
		"unknown exercise": {
			files: map[string]string{"formats/fmt-one.yaml": rep(goodFormat, "exercises: [ex-one]", "exercises:\n  - ex-one\n  - ex-missing", 1)},
			want:  []string{`formats/fmt-one.yaml:26: exercice inconnu "ex-missing"`},
		},
		"zero duration": {
			files: map[string]string{"formats/fmt-one.yaml": rep(goodFormat, "duration_minutes: 60", "duration_minutes: 0", 1)},
			want:  []string{"formats/fmt-one.yaml:5: la durée doit être positive"},
		},
		"negative duration": {
			files: map[string]string{"formats/fmt-one.yaml": rep(goodFormat, "duration_minutes: 60", "duration_minutes: -60", 1)},
			want:  []string{"formats/fmt-one.yaml:5: la durée doit être positive"},
		},
		"empty title": {
			files: map[string]string{"exercises/ex-one.yaml": rep(goodExercise, "title: Un exercice", `title: ""`, 1)},
			want:  []string{"exercises/ex-one.yaml:3: title vide"},
		},
		"invalid yaml": {
			files: map[string]string{"exercises/ex-one.yaml": "slug: ex-one\nminutes: [20\n"},
			want:  []string{"exercises/ex-one.yaml:2: YAML invalide : did not find expected ',' or ']'"},
		},
		"missing theme": {
			files: map[string]string{"formats/fmt-one.yaml": rep(goodFormat, "  - key: use_cases\n    focus: Les usages.\n", "", 1)},
			want:  []string{`formats/fmt-one.yaml:10: thème "use_cases" manquant`},
		},
		"wrong type": {
			files: map[string]string{"exercises/ex-one.yaml": rep(goodExercise, "minutes: 20", "minutes: vingt", 1)},
			want:  []string{"exercises/ex-one.yaml:2: YAML invalide : cannot unmarshal !!str `vingt` into int"},
		},
		"exercises longer than practice": {
			files: map[string]string{"exercises/ex-one.yaml": rep(goodExercise, "minutes: 20", "minutes: 45", 1)},
			want:  []string{"formats/fmt-one.yaml:24: les exercices durent 45 minutes, l'agenda ne prévoit que 30 minutes de pratique (hands_on)"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(files(tc.files))
			if err == nil {
				t.Fatal("Load accepted an invalid catalogue")
			}
			out := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q; got:\n%s", w, out)
				}
			}
		})
	}
}
