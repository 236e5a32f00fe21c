// Package survey checks the answers to a catalogue survey (the état des
// lieux of the guide's roadmap, §3 step 1) and turns many of them into
// results that never show a group of fewer than five people. It holds no
// storage and knows no respondent: answers come in without a name and
// results go out without one.
package survey

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
)

// Answer is the answer to one question. Which fields are set depends on the
// question's type: Choices (and Other) for single and multiple, Value for a
// scale, Text for a text.
type Answer struct {
	// Choices are option keys, and catalog.OtherKey for « autre ».
	Choices []string `json:"choices,omitempty"`
	// Other is the « autre » text, set only when Choices has OtherKey.
	Other string `json:"other,omitempty"`
	// Value is a point of a scale; a pointer because 0 can be a point.
	Value *int   `json:"value,omitempty"`
	Text  string `json:"text,omitempty"`
}

// Answers are one person's answers, by question key. A question left
// unanswered has no entry.
type Answers map[string]Answer

// FromForm reads a browser form post: check boxes repeated under the
// question's key (tools=chatgpt&tools=other), the « autre » text under
// key_other, one radio value, a scale point, a textarea. It keeps what it
// cannot read (a scale value that is not a number) so that Validate reports
// it rather than dropping it silently.
func FromForm(s *catalog.Survey, form url.Values) Answers {
	out := Answers{}
	for i := range s.Questions {
		q := &s.Questions[i]
		var a Answer
		switch q.Type {
		case catalog.QuestionSingle, catalog.QuestionMultiple:
			for _, v := range form[q.Key] {
				if v = strings.TrimSpace(v); v != "" {
					a.Choices = append(a.Choices, v)
				}
			}
			a.Other = strings.TrimSpace(form.Get(q.Key + catalog.OtherSuffix))
		case catalog.QuestionScale:
			v := strings.TrimSpace(form.Get(q.Key))
			if n, err := strconv.Atoi(v); err == nil {
				a.Value = &n
			} else {
				a.Text = v // not a number: Validate says so
			}
		case catalog.QuestionText:
			a.Text = form.Get(q.Key)
		}
		if !a.empty() {
			out[q.Key] = a
		}
	}
	return out
}

// Form writes the answers back as FromForm reads them, to fill a form again
// (after a validation error) or to post them in a test.
func (as Answers) Form() url.Values {
	form := url.Values{}
	for key, a := range as {
		if len(a.Choices) > 0 {
			form[key] = slices.Clone(a.Choices)
		}
		if a.Other != "" {
			form.Set(key+catalog.OtherSuffix, a.Other)
		}
		switch {
		case a.Value != nil:
			form.Set(key, strconv.Itoa(*a.Value))
		case a.Text != "":
			form.Set(key, a.Text)
		}
	}
	return form
}

func (a Answer) empty() bool {
	return len(a.Choices) == 0 && a.Other == "" && a.Value == nil && strings.TrimSpace(a.Text) == ""
}

// Validate checks each answer against its question and returns the answers
// cleaned: choices once each in the survey's order, texts cleaned and
// trimmed, empty answers dropped. The error is an apperr validation error
// whose fields are question keys, or key_other for an « autre » text.
func Validate(s *catalog.Survey, in Answers) (Answers, error) {
	var v apperr.Validation
	for key := range in {
		if _, ok := s.Question(key); !ok {
			v.Add(key, "survey.err.unknown_question")
		}
	}
	out := Answers{}
	for i := range s.Questions {
		q := &s.Questions[i]
		a, ok := check(&v, q, in[q.Key])
		switch {
		case ok:
			out[q.Key] = a
		case v.Has(q.Key) || v.Has(q.Key+catalog.OtherSuffix):
			// already told what is wrong with it
		case q.Required:
			v.Add(q.Key, "survey.err.required")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// check validates one answer; it reports false when there is nothing to keep.
func check(v *apperr.Validation, q *catalog.Question, a Answer) (Answer, bool) {
	switch q.Type {
	case catalog.QuestionSingle, catalog.QuestionMultiple:
		if a.Value != nil || a.Text != "" {
			v.Add(q.Key, "survey.err.wrong_type")
			return Answer{}, false
		}
		return checkChoice(v, q, a)
	case catalog.QuestionScale:
		switch {
		case len(a.Choices) > 0 || a.Other != "":
			v.Add(q.Key, "survey.err.wrong_type")
		case a.Text != "":
			v.Add(q.Key, "survey.err.not_number")
		case a.Value == nil:
		case *a.Value < q.Min || *a.Value > q.Max:
			v.Add(q.Key, "survey.err.scale", q.Min, q.Max)
		default:
			n := *a.Value
			return Answer{Value: &n}, true
		}
		return Answer{}, false
	case catalog.QuestionText:
		if len(a.Choices) > 0 || a.Other != "" || a.Value != nil {
			v.Add(q.Key, "survey.err.wrong_type")
			return Answer{}, false
		}
		t := clean.Text(a.Text)
		if utf8.RuneCountInString(t) > q.MaxLength {
			v.Add(q.Key, "survey.err.too_long", q.MaxLength)
			return Answer{}, false
		}
		return Answer{Text: t}, t != ""
	}
	return Answer{}, false
}

func checkChoice(v *apperr.Validation, q *catalog.Question, a Answer) (Answer, bool) {
	chosen := map[string]bool{}
	exclusive := false
	for _, c := range a.Choices {
		o, known := q.Option(c)
		switch {
		case known:
			exclusive = exclusive || o.Exclusive
		case c == catalog.OtherKey && q.Other:
		default:
			v.Add(q.Key, "survey.err.unknown_option", c)
			continue
		}
		chosen[c] = true
	}
	switch {
	case q.Type == catalog.QuestionSingle && len(chosen) > 1:
		v.Add(q.Key, "survey.err.one_choice")
	case exclusive && len(chosen) > 1:
		v.Add(q.Key, "survey.err.exclusive")
	}
	otherField := q.Key + catalog.OtherSuffix
	other := clean.Line(a.Other)
	switch {
	case other != "" && !chosen[catalog.OtherKey]:
		// The text would be stored under a choice nobody made, and the
		// reports would count an « autre » that is not one.
		v.Add(otherField, "survey.err.other_unchosen")
	case other == "" && chosen[catalog.OtherKey]:
		v.Add(otherField, "survey.err.other_empty")
	case utf8.RuneCountInString(other) > catalog.MaxOtherLength:
		v.Add(otherField, "survey.err.too_long", catalog.MaxOtherLength)
	}
	if v.Has(q.Key) || v.Has(otherField) || len(chosen) == 0 {
		return Answer{}, false
	}
	var out Answer
	for _, o := range q.Options {
		if chosen[o.Key] {
			out.Choices = append(out.Choices, o.Key)
		}
	}
	if chosen[catalog.OtherKey] {
		out.Choices = append(out.Choices, catalog.OtherKey)
		out.Other = other
	}
	return out, true
}
