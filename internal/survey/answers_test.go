package survey

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	catalogdata "github.com/atelier-ch/atelier/catalog"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
)

// etatDesLieux is the shipped questionnaire: the tests answer the survey
// respondents will meet.
func etatDesLieux(t testing.TB) *catalog.Survey {
	t.Helper()
	c, err := catalog.Load(catalogdata.FS)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := c.Survey(catalog.EtatDesLieux)
	if !ok {
		t.Fatal("no état des lieux in the catalogue")
	}
	return s
}

func intp(n int) *int { return &n }

// goodForm is what a browser posts for a complete answer.
func goodForm() url.Values {
	return url.Values{
		"tools":              {"deepl", "chatgpt", "other"},
		"tools_other":        {"  Perplexity "},
		"tasks":              {"translation"},
		"tasks_other":        {""},
		"frequency":          {"weekly"},
		"competence":         {"3"},
		"wishes":             {"Résumer les préavis\r\ndu conseil.\x00  \n\n"},
		"worries":            {"reliability", "data_protection"},
		"worries_other":      {""},
		"interest":           {"5"},
		"preferred_length":   {"half_day"},
		"preferred_grouping": {""},
	}
}

func TestValidateGood(t *testing.T) {
	s := etatDesLieux(t)
	got, err := Validate(s, FromForm(s, goodForm()))
	if err != nil {
		t.Fatal(err)
	}
	want := Answers{
		// Choices come back once each, in the survey's order, « autre » last.
		"tools":            {Choices: []string{"chatgpt", "deepl", "other"}, Other: "Perplexity"},
		"tasks":            {Choices: []string{"translation"}},
		"frequency":        {Choices: []string{"weekly"}},
		"competence":       {Value: intp(3)},
		"wishes":           {Text: "Résumer les préavis\ndu conseil."},
		"worries":          {Choices: []string{"data_protection", "reliability"}},
		"interest":         {Value: intp(5)},
		"preferred_length": {Choices: []string{"half_day"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	// Stored as JSON and read back unchanged.
	data, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var back Answers
	if err := json.Unmarshal(data, &back); err != nil || !reflect.DeepEqual(back, got) {
		t.Fatalf("JSON round trip: %v\n%s", err, data)
	}
	// Written back into a form (to fill it again) and read as a post.
	if again := FromForm(s, got.Form()); !reflect.DeepEqual(again, got) {
		t.Fatalf("form round trip:\n%+v\n%+v", again, got)
	}
	// A scale point of 0 survives JSON although it is Go's zero.
	zero, _ := json.Marshal(Answers{"x": {Value: intp(0)}})
	if string(zero) != `{"x":{"value":0}}` {
		t.Errorf("zero point: %s", zero)
	}
}

func TestValidateProblems(t *testing.T) {
	s := etatDesLieux(t)
	with := func(change func(url.Values)) Answers {
		f := goodForm()
		change(f)
		return FromForm(s, f)
	}
	cases := map[string]struct {
		in   Answers
		want map[string]string // field → translation key, exactly
	}{
		"nothing answered": {
			Answers{},
			map[string]string{"tools": "survey.err.required", "frequency": "survey.err.required", "competence": "survey.err.required", "worries": "survey.err.required", "interest": "survey.err.required"},
		},
		"unknown tool": {
			with(func(f url.Values) { f["tools"] = []string{"chatgpt", "skynet"} }),
			map[string]string{"tools": "survey.err.unknown_option", "tools_other": "survey.err.other_unchosen"},
		},
		"none with a tool": {
			with(func(f url.Values) { f["tools"] = []string{"none", "chatgpt"}; f.Del("tools_other") }),
			map[string]string{"tools": "survey.err.exclusive"},
		},
		"two frequencies": {
			with(func(f url.Values) { f["frequency"] = []string{"daily", "weekly"} }),
			map[string]string{"frequency": "survey.err.one_choice"},
		},
		"other text without other": {
			with(func(f url.Values) { f["tools"] = []string{"chatgpt"} }),
			map[string]string{"tools_other": "survey.err.other_unchosen"},
		},
		"other without its text": {
			with(func(f url.Values) { f.Set("tools_other", " \t") }),
			map[string]string{"tools_other": "survey.err.other_empty"},
		},
		"other text too long": {
			with(func(f url.Values) { f.Set("tools_other", strings.Repeat("é", catalog.MaxOtherLength+1)) }),
			map[string]string{"tools_other": "survey.err.too_long"},
		},
		"other on a question without other": {
			with(func(f url.Values) { f["frequency"] = []string{"other"} }),
			map[string]string{"frequency": "survey.err.unknown_option"},
		},
		"competence out of range": {
			with(func(f url.Values) { f.Set("competence", "6") }),
			map[string]string{"competence": "survey.err.scale"},
		},
		"competence not a number": {
			with(func(f url.Values) { f.Set("competence", "beaucoup") }),
			map[string]string{"competence": "survey.err.not_number"},
		},
		"wishes too long": {
			with(func(f url.Values) { f.Set("wishes", strings.Repeat("a", 1001)) }),
			map[string]string{"wishes": "survey.err.too_long"},
		},
		"unknown question": {
			Answers{"salary": {Text: "secret"}, "tools": {Choices: []string{"none"}}, "frequency": {Choices: []string{"never"}}, "competence": {Value: intp(1)}, "worries": {Choices: []string{"none"}}, "interest": {Value: intp(1)}},
			map[string]string{"salary": "survey.err.unknown_question"},
		},
		"scale answered with a choice": {
			Answers{"tools": {Choices: []string{"none"}}, "frequency": {Choices: []string{"never"}}, "competence": {Choices: []string{"3"}}, "worries": {Choices: []string{"none"}}, "interest": {Value: intp(1)}},
			map[string]string{"competence": "survey.err.wrong_type"},
		},
		"text answered with a number": {
			Answers{"tools": {Choices: []string{"none"}}, "frequency": {Choices: []string{"never"}}, "competence": {Value: intp(1)}, "worries": {Choices: []string{"none"}}, "interest": {Value: intp(1)}, "wishes": {Value: intp(2)}},
			map[string]string{"wishes": "survey.err.wrong_type"},
		},
	}
	tr := i18n.MustLoad()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := Validate(s, tc.in)
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.CodeValidation || out != nil {
				t.Fatalf("got %v, %v; want a validation error", out, err)
			}
			got := map[string]string{}
			for field, msg := range e.Fields {
				got[field] = msg.Key
				for _, lang := range i18n.Languages {
					if text := tr.Msg(lang, msg); text == msg.Key || strings.Contains(text, "%!") {
						t.Errorf("%s: %s renders badly in %s: %q", field, msg.Key, lang, text)
					}
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields %v\nwant   %v", got, tc.want)
			}
		})
	}
}

// A respondent who uses nothing answers the required questions only.
func TestValidateMinimal(t *testing.T) {
	s := etatDesLieux(t)
	in := FromForm(s, url.Values{
		"tools": {"none"}, "frequency": {"never"}, "competence": {"1"}, "worries": {"none"}, "interest": {"2"},
		"wishes": {"   \n "}, "tasks_other": {""},
	})
	got, err := Validate(s, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Errorf("blank answers kept: %+v", got)
	}
}
