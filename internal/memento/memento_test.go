package memento

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/i18n"
)

func TestValidate(t *testing.T) {
	good := func() Memento {
		return Memento{
			Tools:         []Tool{{Name: "DeepL Pro", Licence: "Abonnement de la commune", Use: "Traduire"}},
			ForbiddenData: []ForbiddenData{{Class: "Données fiscales", Examples: "Déclarations d’impôt"}},
			Rules:         []string{"Vérifier chaque réponse."},
			Contact:       Contact{Name: "Service informatique", Email: "informatique@commune.example"},
		}
	}
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "Une règle."
		}
		return out
	}
	cases := map[string]struct {
		change func(*Memento)
		want   map[string]string // field → translation key; nil: valid
	}{
		"good":               {func(*Memento) {}, nil},
		"empty is a draft":   {func(m *Memento) { *m = Memento{} }, nil},
		"blank rows dropped": {func(m *Memento) { m.Tools = append(m.Tools, Tool{Name: " "}); m.Rules = append(m.Rules, "\n") }, nil},
		"30 rules":           {func(m *Memento) { m.Rules = many(30) }, nil},
		"31 rules":           {func(m *Memento) { m.Rules = many(31) }, map[string]string{"rules": "memento.err.too_many"}},
		"31 tools": {func(m *Memento) {
			m.Tools = make([]Tool, 31)
			for i := range m.Tools {
				m.Tools[i].Name = "Outil"
			}
		}, map[string]string{"tools": "memento.err.too_many"}},
		"tool without name":     {func(m *Memento) { m.Tools[0].Name = "\t" }, map[string]string{"tools[0].name": "err.required"}},
		"class without name":    {func(m *Memento) { m.ForbiddenData = append([]ForbiddenData{{}}, ForbiddenData{Examples: "AVS"}) }, map[string]string{"forbidden_data[1].class": "err.required"}},
		"use too long":          {func(m *Memento) { m.Tools[0].Use = strings.Repeat("é", 501) }, map[string]string{"tools[0].use": "err.too_long"}},
		"tool name too long":    {func(m *Memento) { m.Tools[0].Name = strings.Repeat("x", 121) }, map[string]string{"tools[0].name": "err.too_long"}},
		"rule too long":         {func(m *Memento) { m.Rules[0] = strings.Repeat("x", 501) }, map[string]string{"rules[0]": "err.too_long"}},
		"bad email":             {func(m *Memento) { m.Contact.Email = "informatique at commune" }, map[string]string{"contact.email": "err.email_invalid"}},
		"email without name":    {func(m *Memento) { m.Contact.Name = "" }, map[string]string{"contact.name": "err.required"}},
		"header injection":      {func(m *Memento) { m.Contact.Email = "a@b.example\r\nBcc: x@y.example" }, map[string]string{"contact.email": "err.email_invalid"}},
		"contact name too long": {func(m *Memento) { m.Contact.Name = strings.Repeat("x", 121) }, map[string]string{"contact.name": "err.too_long"}},
	}
	tr := i18n.MustLoad()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := good()
			tc.change(&m)
			out, err := Validate(m)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if out.Tools == nil || out.ForbiddenData == nil || out.Rules == nil {
					t.Errorf("nil list: %+v", out)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.CodeValidation {
				t.Fatalf("got %v, want a validation error", err)
			}
			got := map[string]string{}
			for f, msg := range e.Fields {
				got[f] = msg.Key
				if !tr.Has(msg.Key) {
					t.Errorf("%s: no translation %s", f, msg.Key)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
		})
	}
}

func TestValidateCleans(t *testing.T) {
	out, err := Validate(Memento{
		Tools:   []Tool{{}, {Name: "  Microsoft\tCopilot ", Licence: "M365\r\n", Use: "Rédiger\r\n\r\nrésumer  \n"}},
		Rules:   []string{"  ", "Vérifier.\x07"},
		Contact: Contact{Name: " Référente IT ", Email: " IT@Commune.Example "},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Memento{
		Tools:         []Tool{{Name: "Microsoft Copilot", Licence: "M365", Use: "Rédiger\n\nrésumer"}},
		ForbiddenData: []ForbiddenData{},
		Rules:         []string{"Vérifier."},
		Contact:       Contact{Name: "Référente IT", Email: "it@commune.example"},
	}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("got  %+v\nwant %+v", out, want)
	}
}

// The JSON shape is the contract: tools, forbidden_data, rules, contact.
func TestJSONShape(t *testing.T) {
	data, err := json.Marshal(Template("fr"))
	if err != nil {
		t.Fatal(err)
	}
	var shape struct {
		Tools         []map[string]string `json:"tools"`
		ForbiddenData []map[string]string `json:"forbidden_data"`
		Rules         []string            `json:"rules"`
		Contact       map[string]string   `json:"contact"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&shape); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]string) string { return strings.Join(slices.Sorted(maps.Keys(m)), ",") }
	if keys(shape.Tools[0]) != "licence,name,use" || keys(shape.ForbiddenData[0]) != "class,examples" || keys(shape.Contact) != "email,name" {
		t.Errorf("shape: %s", data)
	}
}

// TestTemplate reads the starting memento as a commune would receive it:
// valid as it is, the same in both languages, and covering what the guide
// and the cantons' recommendations ask for.
func TestTemplate(t *testing.T) {
	cases := map[string]struct {
		lang string
		want []string // phrases the memento must contain
	}{
		"fr":                  {"fr", []string{"Microsoft Copilot", "Microsoft 365", "DeepL Pro", "AVS", "santé", "fiscales", "secret de fonction", "conseil non publiées", "Vérifier chaque réponse", "Dire quand l’IA a été utilisée", "décision humaine", "droit d’auteur", "Signaler un incident", "référente"}},
		"de":                  {"de", []string{"Microsoft Copilot", "Microsoft-365", "DeepL Pro", "AHV", "Gesundheit", "Steuer", "Amtsgeheimnis", "Nicht veröffentlichte Beschlüsse", "Jede Antwort prüfen", "Angeben, wenn KI verwendet wurde", "Der Mensch entscheidet", "Urheberrecht", "Vorfall", "Ansprechperson"}},
		"de-CH falls to de":   {"de-CH", []string{"Amtsgeheimnis"}},
		"unknown falls to fr": {"it", []string{"secret de fonction"}},
	}
	fr := Template("fr")
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := Template(tc.lang)
			out, err := Validate(m)
			if err != nil {
				t.Fatalf("template invalid: %v", err)
			}
			if !reflect.DeepEqual(out, m) {
				t.Errorf("Validate changes the template:\n%+v\n%+v", out, m)
			}
			if len(m.Tools) != len(fr.Tools) || len(m.ForbiddenData) != len(fr.ForbiddenData) || len(m.Rules) != len(fr.Rules) {
				t.Errorf("%s has other lists than fr", tc.lang)
			}
			data, _ := json.Marshal(m)
			for _, w := range tc.want {
				if !strings.Contains(string(data), w) {
					t.Errorf("%s template lacks %q", tc.lang, w)
				}
			}
			if tc.lang == "de" && strings.Contains(string(data), "ß") {
				t.Error("Swiss German writes ss, not ß")
			}
		})
	}
	// Each call is a fresh copy: a commune editing its memento does not
	// edit the next commune's template.
	a := Template("fr")
	a.Rules[0] = "changé"
	if Template("fr").Rules[0] == "changé" {
		t.Error("Template shares its lists")
	}
}
