package catalog

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	catalogdata "github.com/atelier-ch/atelier/catalog"
)

// goodSurvey is the smallest état des lieux the loader accepts: every
// question the reports read, one of each type. Line numbers in the tests
// below refer to it.
const goodSurvey = `slug: etat-des-lieux
kind: etat_des_lieux
title: {fr: "État des lieux", de: "Bestandsaufnahme"}
intro: {fr: "Cinq minutes.", de: "Fünf Minuten."}
questions:
  - key: tools
    type: multiple
    required: true
    text: {fr: "Quels outils ?", de: "Welche Werkzeuge?"}
    options:
      - key: chatgpt
        label: {fr: "ChatGPT", de: "ChatGPT"}
      - key: none
        label: {fr: "Aucun", de: "Keines"}
        exclusive: true
    other: true
  - key: tasks
    type: multiple
    required: false
    text: {fr: "Quelles tâches ?", de: "Welche Aufgaben?"}
    options:
      - key: writing
        label: {fr: "Rédiger", de: "Schreiben"}
      - key: translation
        label: {fr: "Traduire", de: "Übersetzen"}
  - key: frequency
    type: single
    required: true
    text: {fr: "Fréquence ?", de: "Wie oft?"}
    options:
      - key: never
        label: {fr: "Jamais", de: "Nie"}
      - key: daily
        label: {fr: "Chaque jour", de: "Täglich"}
  - key: competence
    type: scale
    required: true
    text: {fr: "Maîtrise ?", de: "Können?"}
    min: 1
    max: 5
    min_label: {fr: "Aucune", de: "Keines"}
    max_label: {fr: "Experte", de: "Expertin"}
  - key: wishes
    type: text
    required: false
    text: {fr: "Envies ?", de: "Wünsche?"}
    max_length: 500
  - key: worries
    type: multiple
    required: true
    text: {fr: "Craintes ?", de: "Bedenken?"}
    options:
      - key: data_protection
        label: {fr: "Données", de: "Daten"}
      - key: job
        label: {fr: "Poste", de: "Stelle"}
    other: true
  - key: interest
    type: scale
    required: true
    text: {fr: "Intérêt ?", de: "Interesse?"}
    min: 1
    max: 5
    min_label: {fr: "Aucun", de: "Keines"}
    max_label: {fr: "Fort", de: "Gross"}
  - key: preferred_length
    type: single
    required: false
    text: {fr: "Durée ?", de: "Dauer?"}
    options:
      - key: two_hours
        label: {fr: "2 h", de: "2 Std."}
      - key: full_day
        label: {fr: "Un jour", de: "Ein Tag"}
  - key: preferred_grouping
    type: single
    required: false
    text: {fr: "Avec qui ?", de: "Mit wem?"}
    options:
      - key: alone
        label: {fr: "Seul", de: "Allein"}
      - key: with_team
        label: {fr: "En équipe", de: "Im Team"}
`

const surveyFile = "surveys/etat-des-lieux.yaml"

func TestLoadSurvey(t *testing.T) {
	c, err := Load(files(map[string]string{surveyFile: goodSurvey}))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := c.Survey(EtatDesLieux)
	if !ok || len(c.Surveys()) != 1 {
		t.Fatalf("survey not loaded: %v %v", s, c.Surveys())
	}
	q, ok := s.Question("competence")
	if !ok || q.Type != QuestionScale || q.Min != 1 || q.Max != 5 || q.MaxLabel.In("de") != "Expertin" {
		t.Fatalf("competence: %+v", q)
	}
	if o, ok := s.Questions[0].Option(OptionNone); !ok || !o.Exclusive || o.Label.In("fr") != "Aucun" {
		t.Fatalf("tools none: %+v", o)
	}
	if err := c.CheckShipped(); err != nil {
		t.Errorf("CheckShipped: %v", err)
	}
}

// A folder written before surveys existed stays valid, but is not a
// catalogue the binary could ship.
func TestLoadWithoutSurveys(t *testing.T) {
	c, err := Load(files(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Surveys()) != 0 {
		t.Fatalf("surveys: %v", c.Surveys())
	}
	err = c.CheckShipped()
	var ps Problems
	if !errors.As(err, &ps) || ps[0].String() != "surveys/etat-des-lieux.yaml:0: questionnaire manquant : le catalogue livré doit contenir l’état des lieux" {
		t.Fatalf("CheckShipped: %v", err)
	}
}

func TestLoadSurveyProblems(t *testing.T) {
	rep := strings.Replace
	cases := map[string]struct {
		survey string
		want   []string
	}{
		"unknown key": {
			rep(goodSurvey, "    required: true\n", "    required: true\n    mandatory: yes\n", 1),
			[]string{`:9: clé inconnue "mandatory"`},
		},
		"German missing": {
			rep(goodSurvey, `title: {fr: "État des lieux", de: "Bestandsaufnahme"}`, `title: {fr: "État des lieux"}`, 1),
			[]string{":3: title.de vide"},
		},
		"option label German missing": {
			rep(goodSurvey, `label: {fr: "Rédiger", de: "Schreiben"}`, `label: {fr: "Rédiger"}`, 1),
			[]string{":23: questions[1].options[0].label.de vide"},
		},
		"unknown kind": {
			rep(goodSurvey, "kind: etat_des_lieux", "kind: feedback", 1),
			[]string{`:2: kind : valeur "feedback" inconnue (attendu : etat_des_lieux)`},
		},
		"unknown type": {
			rep(goodSurvey, "type: text", "type: essay", 1),
			[]string{`:44: questions[4].type : valeur "essay" inconnue`},
		},
		"duplicate question key": {
			rep(goodSurvey, "key: wishes", "key: tasks", 1),
			[]string{`:43: clé "tasks" déjà utilisée par la question 2`, `:5: question "wishes" manquante`},
		},
		"key not snake_case": {
			rep(goodSurvey, "key: wishes", "key: Wishes-Text", 1),
			[]string{`:43: clé "Wishes-Text" invalide`},
		},
		"key reserved for other text": {
			rep(goodSurvey, "key: wishes", "key: tools_other", 1),
			[]string{`:43: clé "tools_other" réservée`},
		},
		"option key reserved": {
			rep(goodSurvey, "key: writing", "key: other", 1),
			[]string{`:22: option "other" réservée : écrivez other: true`},
		},
		"one option only": {
			rep(goodSurvey, "      - key: translation\n        label: {fr: \"Traduire\", de: \"Übersetzen\"}\n", "", 1),
			[]string{":21: au moins deux options sont requises"},
		},
		"option repeated": {
			rep(goodSurvey, "key: translation", "key: writing", 1),
			[]string{`:24: option "writing" répétée`},
		},
		"exclusive on a single question": {
			rep(goodSurvey, "      - key: daily\n", "      - key: daily\n        exclusive: true\n", 1),
			[]string{":34: exclusive : seulement pour les questions multiple"},
		},
		"scale upside down": {
			rep(goodSurvey, "min: 1\n    max: 5\n    min_label: {fr: \"Aucune\"", "min: 5\n    max: 1\n    min_label: {fr: \"Aucune\"", 1),
			[]string{":40: échelle de 5 à 1"},
		},
		"scale too wide": {
			rep(goodSurvey, "max: 5\n    min_label: {fr: \"Aucune\"", "max: 100\n    min_label: {fr: \"Aucune\"", 1),
			[]string{":40: échelle de 1 à 100"},
		},
		"scale without max": {
			rep(goodSurvey, "    max: 5\n    min_label: {fr: \"Aucune\"", "    min_label: {fr: \"Aucune\"", 1),
			[]string{":35: une échelle a besoin de min et de max"},
		},
		"scale without label": {
			rep(goodSurvey, "    max_label: {fr: \"Experte\", de: \"Expertin\"}\n", "", 1),
			[]string{":35: max_label requis"},
		},
		"options on a scale": {
			rep(goodSurvey, "    max_label: {fr: \"Experte\", de: \"Expertin\"}\n", "    max_label: {fr: \"Experte\", de: \"Expertin\"}\n    options:\n      - key: a\n        label: {fr: a, de: a}\n", 1),
			[]string{":43: options : seulement pour les questions single et multiple"},
		},
		"min on a text": {
			rep(goodSurvey, "    max_length: 500\n", "    max_length: 500\n    min: 0\n", 1),
			[]string{":48: min : seulement pour les questions scale"},
		},
		"max_length on a choice": {
			rep(goodSurvey, "    other: true\n  - key: tasks", "    other: true\n    max_length: 100\n  - key: tasks", 1),
			[]string{":17: max_length : seulement pour les questions text"},
		},
		"text too long": {
			rep(goodSurvey, "max_length: 500", "max_length: 5000", 1),
			[]string{":47: max_length : entre 1 et 2000 caractères (5000)"},
		},
		"text without max_length": {
			rep(goodSurvey, "    max_length: 500\n", "", 1),
			[]string{":43: max_length : entre 1 et 2000 caractères (0)"},
		},
		"report question of the wrong type": {
			rep(goodSurvey, "  - key: frequency\n    type: single", "  - key: frequency\n    type: multiple", 1),
			[]string{`:27: question "frequency" : type single attendu`},
		},
		"report question missing": {
			rep(goodSurvey, "key: interest", "key: motivation", 1),
			[]string{`:5: question "interest" manquante : les rapports etat_des_lieux la lisent (type scale)`},
		},
		"tools without an exclusive none": {
			rep(goodSurvey, "        exclusive: true\n    other: true\n  - key: tasks", "    other: true\n  - key: tasks", 1),
			[]string{`:10: question "tools" : une option "none" exclusive est requise`},
		},
		"frequency without never": {
			rep(goodSurvey, "key: never", "key: rarely", 1),
			[]string{`:30: question "frequency" : une option "never" est requise`},
		},
		"slug not the file name": {
			rep(goodSurvey, "slug: etat-des-lieux", "slug: sondage", 1),
			[]string{":1: le fichier doit s'appeler sondage.yaml"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(files(map[string]string{surveyFile: tc.survey}))
			if err == nil {
				t.Fatal("Load accepted an invalid survey")
			}
			out := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(out, surveyFile+w) {
					t.Errorf("output lacks %q; got:\n%s", surveyFile+w, out)
				}
			}
		})
	}
}

// TestEmbeddedSurvey reads the shipped état des lieux the way a respondent
// meets it: every question and option in both languages, the questions of
// the issue present with their stable keys.
func TestEmbeddedSurvey(t *testing.T) {
	c, err := Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckShipped(); err != nil {
		t.Fatal(err)
	}
	s, _ := c.Survey(EtatDesLieux)
	wantOptions := map[string][]string{
		"tools":              {"chatgpt", "copilot", "gemini", "mistral", "deepl", "none"},
		"frequency":          {"never", "monthly", "weekly", "daily"},
		"preferred_length":   {"two_hours", "half_day", "full_day"},
		"preferred_grouping": {"alone", "with_team"},
	}
	for key, want := range wantOptions {
		q, _ := s.Question(key)
		var got []string
		for _, o := range q.Options {
			got = append(got, o.Key)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s options %v, want %v", key, got, want)
		}
	}
	for _, key := range []string{"tools", "tasks", "worries"} {
		if q, _ := s.Question(key); !q.Other {
			t.Errorf("%s has no « autre »", key)
		}
	}
	for _, key := range []string{"data_protection", "reliability", "job", "cost"} {
		if q, _ := s.Question("worries"); !hasOption(q, key) {
			t.Errorf("worries lacks %s", key)
		}
	}
	for _, key := range []string{"competence", "interest"} {
		if q, _ := s.Question(key); q.Min != 1 || q.Max != 5 {
			t.Errorf("%s scale %d–%d, want 1–5", key, q.Min, q.Max)
		}
	}
	// The survey is served as JSON too: it must round-trip unchanged.
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Survey
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	if string(again) != string(data) {
		t.Errorf("JSON round trip changed the survey")
	}
}

func hasOption(q *Question, key string) bool {
	_, ok := q.Option(key)
	return ok
}
