// Package memento holds the commune's memento on generative AI tools: the
// tools allowed and under which licence, the data that never goes into them,
// the rules of use and whom to ask. The guide (§3, step 2) asks for one,
// « inspiré de ce document », made available to all staff at step 3.
package memento

import (
	"fmt"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/clean"
)

// MaxItems bounds each list: the guide's memento is short (two pages), and
// a list of 30 rules is already one nobody reads.
const MaxItems = 30

// Field lengths, in characters.
const (
	maxName = 120
	maxLine = 200
	maxText = 500
)

// Tool is a tool staff may use, with the licence that makes it safe and
// what it is for.
type Tool struct {
	Name    string `json:"name"`
	Licence string `json:"licence"`
	Use     string `json:"use"`
}

// ForbiddenData is a class of data that never goes into a tool, with
// examples a non-specialist recognises.
type ForbiddenData struct {
	Class    string `json:"class"`
	Examples string `json:"examples"`
}

// Contact is whom to ask and to tell about an incident.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Memento is the commune's memento.
type Memento struct {
	Tools         []Tool          `json:"tools"`
	ForbiddenData []ForbiddenData `json:"forbidden_data"`
	Rules         []string        `json:"rules"`
	Contact       Contact         `json:"contact"`
}

// Validate cleans the memento and checks it. Items left entirely blank are
// dropped (a form shows spare rows); an item partly filled needs its name
// (a tool's name, a data class). The contact may stay empty while the
// memento is drafted, but an e-mail must be valid and have a name beside
// it. Lists come back non-nil, so that JSON says [] rather than null.
func Validate(m Memento) (Memento, error) {
	var v apperr.Validation
	out := Memento{Tools: []Tool{}, ForbiddenData: []ForbiddenData{}, Rules: []string{}}
	// Fields are named by the item's place in the input, blank rows
	// included, so that a form can put the message beside the right row.
	for i, t := range m.Tools {
		t = Tool{Name: clean.Line(t.Name), Licence: clean.Line(t.Licence), Use: clean.Text(t.Use)}
		if t == (Tool{}) {
			continue
		}
		field := fmt.Sprintf("tools[%d].", i)
		required(&v, field+"name", t.Name)
		length(&v, field+"name", t.Name, maxName)
		length(&v, field+"licence", t.Licence, maxLine)
		length(&v, field+"use", t.Use, maxText)
		out.Tools = append(out.Tools, t)
	}
	for i, d := range m.ForbiddenData {
		d = ForbiddenData{Class: clean.Line(d.Class), Examples: clean.Text(d.Examples)}
		if d == (ForbiddenData{}) {
			continue
		}
		field := fmt.Sprintf("forbidden_data[%d].", i)
		required(&v, field+"class", d.Class)
		length(&v, field+"class", d.Class, maxName)
		length(&v, field+"examples", d.Examples, maxText)
		out.ForbiddenData = append(out.ForbiddenData, d)
	}
	for i, r := range m.Rules {
		if r = clean.Text(r); r != "" {
			length(&v, fmt.Sprintf("rules[%d]", i), r, maxText)
			out.Rules = append(out.Rules, r)
		}
	}
	for field, n := range map[string]int{"tools": len(out.Tools), "forbidden_data": len(out.ForbiddenData), "rules": len(out.Rules)} {
		if n > MaxItems {
			v.Add(field, "memento.err.too_many", MaxItems)
		}
	}
	out.Contact.Name = clean.Line(m.Contact.Name)
	length(&v, "contact.name", out.Contact.Name, maxName)
	if e := clean.Line(m.Contact.Email); e != "" {
		email, ok := clean.Email(e)
		if !ok {
			v.Add("contact.email", "err.email_invalid")
		}
		out.Contact.Email = email
		required(&v, "contact.name", out.Contact.Name)
	}
	if err := v.Err(); err != nil {
		return Memento{}, err
	}
	return out, nil
}

func required(v *apperr.Validation, field, s string) {
	if s == "" {
		v.Add(field, "err.required")
	}
}

func length(v *apperr.Validation, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "err.too_long", max)
	}
}
