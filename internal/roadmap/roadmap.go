// Package roadmap holds a commune's roadmap to its strategic AI project, as
// the guide lays it out (§3, « étape 2 »): the person who carries it, the
// five questions to answer before starting, the six steps from the état des
// lieux to the intermediate review, and the pilot service. The guide calls
// it iterative (« des allers-retours entre les étapes »): steps have a
// status and dates, but no step waits for the previous one to be done.
package roadmap

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/clean"
)

// Answer is where the commune stands on one of the guide's questions.
type Answer string

// Answers to a question; an empty answer reads as open.
const (
	Yes  Answer = "yes"
	No   Answer = "no"
	Open Answer = "open"
)

// AnswerValues lists every valid answer.
var AnswerValues = []Answer{Yes, No, Open}

// Status is how far a step is.
type Status string

// Statuses of a step; an empty status reads as todo.
const (
	Todo  Status = "todo"
	Doing Status = "doing"
	Done  Status = "done"
)

// StatusValues lists every valid status.
var StatusValues = []Status{Todo, Doing, Done}

// QuestionKeys are the guide's questions « avant d’entamer ce processus »,
// in its order.
var QuestionKeys = []string{"motivated_people", "council_support", "test_resources", "project_carrier", "it_agreement"}

// StepKeys are the guide's six steps, in its order.
var StepKeys = []string{"etat_des_lieux", "discussion_strategique", "communication_interne", "test_pilote", "mise_en_commun", "bilan_intermediaire"}

// Texts are the translation keys of an item's title and one-line
// description, both taken from the guide (roadmap.json).
type Texts struct{ Title, Description string }

// StepTexts returns the texts of a step of StepKeys.
func StepTexts(key string) Texts {
	return Texts{"roadmap.step." + key + ".title", "roadmap.step." + key + ".description"}
}

// QuestionTexts returns the texts of a question of QuestionKeys: the
// guide's question and why it matters.
func QuestionTexts(key string) Texts {
	return Texts{"roadmap.question." + key + ".title", "roadmap.question." + key + ".description"}
}

// OwnerTexts are the texts of the guide's « étape préliminaire », choosing
// the person who carries the project.
var OwnerTexts = Texts{"roadmap.owner.title", "roadmap.owner.description"}

// Field lengths, in characters.
const (
	maxName = 120
	maxNote = 1000
	maxText = 2000
)

// DateLayout is how dates are written: a day, with no time and no zone.
const DateLayout = "2006-01-02"

// Owner is the person who carries the project (the guide's « étape
// préliminaire »: the municipal secretary, the head of IT…).
type Owner struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Reply is the commune's answer to one question, with a note on why.
type Reply struct {
	Answer Answer `json:"answer"`
	Note   string `json:"note"`
}

// Questions are the five questions of the guide.
type Questions struct {
	MotivatedPeople Reply `json:"motivated_people"`
	CouncilSupport  Reply `json:"council_support"`
	TestResources   Reply `json:"test_resources"`
	ProjectCarrier  Reply `json:"project_carrier"`
	ITAgreement     Reply `json:"it_agreement"`
}

// replies pairs each question's key with its reply, in QuestionKeys order.
func (q *Questions) replies() []*Reply {
	return []*Reply{&q.MotivatedPeople, &q.CouncilSupport, &q.TestResources, &q.ProjectCarrier, &q.ITAgreement}
}

// Step is one of the six steps. Dates are YYYY-MM-DD, or empty.
type Step struct {
	Key      string `json:"key"`
	Status   Status `json:"status"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
	Owner    string `json:"owner"`
	Notes    string `json:"notes"`
}

// Pilot is the service chosen for the test (step 4) and when.
type Pilot struct {
	// DepartmentID is nil until a service is chosen. That it belongs to
	// the commune is the caller's check: this package knows no store.
	DepartmentID *int64 `json:"department_id"`
	DecidedOn    string `json:"decided_on"`
}

// Roadmap is a commune's roadmap.
type Roadmap struct {
	Owner     Owner     `json:"owner"`
	Questions Questions `json:"questions"`
	Steps     []Step    `json:"steps"`
	Pilot     Pilot     `json:"pilot"`
}

// Default is the roadmap of a commune that has not started: every question
// open, every step to do.
func Default() Roadmap {
	r := Roadmap{Steps: make([]Step, len(StepKeys))}
	for _, rep := range r.Questions.replies() {
		rep.Answer = Open
	}
	for i, k := range StepKeys {
		r.Steps[i] = Step{Key: k, Status: Todo}
	}
	return r
}

// Validate cleans the roadmap and checks it: the six steps exactly, in the
// guide's order; known answers and statuses; dates as YYYY-MM-DD, a step
// not ending before it starts; bounded texts. Fields are named as in JSON:
// owner.name, questions.it_agreement.answer, steps[3].ends_on, pilot.decided_on.
func Validate(r Roadmap) (Roadmap, error) {
	var v apperr.Validation
	out := Roadmap{
		Owner: Owner{Name: clean.Line(r.Owner.Name), Role: clean.Line(r.Owner.Role)},
	}
	length(&v, "owner.name", out.Owner.Name, maxName)
	length(&v, "owner.role", out.Owner.Role, maxName)

	in, res := r.Questions.replies(), out.Questions.replies()
	for i, key := range QuestionKeys {
		field := "questions." + key + "."
		a := in[i].Answer
		if a == "" {
			a = Open
		}
		if !slices.Contains(AnswerValues, a) {
			v.Add(field+"answer", "roadmap.err.answer", join(AnswerValues))
		}
		*res[i] = Reply{Answer: a, Note: clean.Text(in[i].Note)}
		length(&v, field+"note", res[i].Note, maxNote)
	}

	if !sameKeys(r.Steps) {
		v.Add("steps", "roadmap.err.steps", strings.Join(StepKeys, ", "))
	} else {
		out.Steps = make([]Step, len(r.Steps))
		for i, s := range r.Steps {
			out.Steps[i] = step(&v, fmt.Sprintf("steps[%d].", i), s)
		}
	}

	out.Pilot.DecidedOn = date(&v, "pilot.decided_on", r.Pilot.DecidedOn)
	switch id := r.Pilot.DepartmentID; {
	case id != nil && *id <= 0:
		v.Add("pilot.department_id", "roadmap.err.pilot_department")
	case id != nil:
		n := *id
		out.Pilot.DepartmentID = &n
	case out.Pilot.DecidedOn != "":
		// A decision date with no service decided is a half-filled form.
		v.Add("pilot.department_id", "roadmap.err.pilot_department")
	}

	if err := v.Err(); err != nil {
		return Roadmap{}, err
	}
	return out, nil
}

func sameKeys(steps []Step) bool {
	if len(steps) != len(StepKeys) {
		return false
	}
	for i, s := range steps {
		if s.Key != StepKeys[i] {
			return false
		}
	}
	return true
}

func step(v *apperr.Validation, field string, s Step) Step {
	out := Step{Key: s.Key, Status: s.Status, Owner: clean.Line(s.Owner), Notes: clean.Text(s.Notes)}
	if out.Status == "" {
		out.Status = Todo
	}
	if !slices.Contains(StatusValues, out.Status) {
		v.Add(field+"status", "roadmap.err.status", join(StatusValues))
	}
	out.StartsOn = date(v, field+"starts_on", s.StartsOn)
	out.EndsOn = date(v, field+"ends_on", s.EndsOn)
	// Dates in this layout compare as strings.
	if out.StartsOn != "" && out.EndsOn != "" && out.EndsOn < out.StartsOn && !v.Has(field+"ends_on") {
		v.Add(field+"ends_on", "roadmap.err.date_order")
	}
	length(v, field+"owner", out.Owner, maxName)
	length(v, field+"notes", out.Notes, maxText)
	return out
}

// date checks a YYYY-MM-DD day and returns it, or "" when it is empty or
// invalid. Years outside 2000–2099 are refused: they are typos (0226,
// 20266), not plans.
func date(v *apperr.Validation, field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	d, err := time.Parse(DateLayout, s)
	if err != nil || d.Year() < 2000 || d.Year() > 2099 {
		v.Add(field, "roadmap.err.date")
		return ""
	}
	return s
}

func length(v *apperr.Validation, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Add(field, "err.too_long", max)
	}
}

func join[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
