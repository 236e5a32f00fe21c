package roadmap

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/i18n"
)

func TestDefault(t *testing.T) {
	r := Default()
	out, err := Validate(r)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, r) {
		t.Errorf("Validate changes the default:\n%+v\n%+v", out, r)
	}
	data, _ := json.Marshal(r)
	want := `{"owner":{"name":"","role":""},` +
		`"questions":{"motivated_people":{"answer":"open","note":""},"council_support":{"answer":"open","note":""},"test_resources":{"answer":"open","note":""},"project_carrier":{"answer":"open","note":""},"it_agreement":{"answer":"open","note":""}},` +
		`"steps":[{"key":"etat_des_lieux","status":"todo","starts_on":"","ends_on":"","owner":"","notes":""},` +
		`{"key":"discussion_strategique","status":"todo","starts_on":"","ends_on":"","owner":"","notes":""},` +
		`{"key":"communication_interne","status":"todo","starts_on":"","ends_on":"","owner":"","notes":""},` +
		`{"key":"test_pilote","status":"todo","starts_on":"","ends_on":"","owner":"","notes":""},` +
		`{"key":"mise_en_commun","status":"todo","starts_on":"","ends_on":"","owner":"","notes":""},` +
		`{"key":"bilan_intermediaire","status":"todo","starts_on":"","ends_on":"","owner":"","notes":""}],` +
		`"pilot":{"department_id":null,"decided_on":""}}`
	if string(data) != want {
		t.Errorf("JSON:\n%s\nwant\n%s", data, want)
	}
	// Each call is a fresh copy.
	r.Steps[0].Status = Done
	if Default().Steps[0].Status != Todo {
		t.Error("Default shares its steps")
	}
}

func TestValidate(t *testing.T) {
	id := int64(4)
	zero := int64(0)
	filled := func() Roadmap {
		r := Default()
		r.Owner = Owner{Name: "Anne Rochat", Role: "Secrétaire municipale"}
		r.Questions.CouncilSupport = Reply{Answer: Yes, Note: "Séance du 3 mars"}
		r.Questions.ITAgreement = Reply{Answer: No, Note: "Licences à discuter"}
		r.Steps[0] = Step{Key: "etat_des_lieux", Status: Done, StartsOn: "2026-02-02", EndsOn: "2026-02-27", Owner: "RH", Notes: "Sondage envoyé à 48 personnes"}
		r.Steps[3] = Step{Key: "test_pilote", Status: Doing, StartsOn: "2026-04-01", EndsOn: "2026-04-01"}
		r.Pilot = Pilot{DepartmentID: &id, DecidedOn: "2026-03-15"}
		return r
	}
	cases := map[string]struct {
		change func(*Roadmap)
		want   map[string]string // field → translation key; nil: valid
	}{
		"filled":                 {func(*Roadmap) {}, nil},
		"empty answer is open":   {func(r *Roadmap) { r.Questions.TestResources.Answer = "" }, nil},
		"empty status is todo":   {func(r *Roadmap) { r.Steps[5].Status = "" }, nil},
		"unknown answer":         {func(r *Roadmap) { r.Questions.ProjectCarrier.Answer = "maybe" }, map[string]string{"questions.project_carrier.answer": "roadmap.err.answer"}},
		"unknown status":         {func(r *Roadmap) { r.Steps[2].Status = "blocked" }, map[string]string{"steps[2].status": "roadmap.err.status"}},
		"five steps":             {func(r *Roadmap) { r.Steps = r.Steps[:5] }, map[string]string{"steps": "roadmap.err.steps"}},
		"seven steps":            {func(r *Roadmap) { r.Steps = append(r.Steps, Step{Key: "bilan_intermediaire"}) }, map[string]string{"steps": "roadmap.err.steps"}},
		"steps out of order":     {func(r *Roadmap) { r.Steps[1], r.Steps[2] = r.Steps[2], r.Steps[1] }, map[string]string{"steps": "roadmap.err.steps"}},
		"step repeated":          {func(r *Roadmap) { r.Steps[1] = r.Steps[0] }, map[string]string{"steps": "roadmap.err.steps"}},
		"unknown step":           {func(r *Roadmap) { r.Steps[4].Key = "pilot" }, map[string]string{"steps": "roadmap.err.steps"}},
		"no steps":               {func(r *Roadmap) { r.Steps = nil }, map[string]string{"steps": "roadmap.err.steps"}},
		"date with a time":       {func(r *Roadmap) { r.Steps[0].StartsOn = "2026-02-02T08:00:00Z" }, map[string]string{"steps[0].starts_on": "roadmap.err.date"}},
		"Swiss date":             {func(r *Roadmap) { r.Steps[0].EndsOn = "27.02.2026" }, map[string]string{"steps[0].ends_on": "roadmap.err.date"}},
		"no such day":            {func(r *Roadmap) { r.Steps[0].EndsOn = "2026-02-30" }, map[string]string{"steps[0].ends_on": "roadmap.err.date"}},
		"single-digit month":     {func(r *Roadmap) { r.Steps[0].EndsOn = "2026-2-27" }, map[string]string{"steps[0].ends_on": "roadmap.err.date"}},
		"year typo":              {func(r *Roadmap) { r.Steps[0].EndsOn = "0226-02-27" }, map[string]string{"steps[0].ends_on": "roadmap.err.date"}},
		"ends before it starts":  {func(r *Roadmap) { r.Steps[0].EndsOn = "2026-02-01" }, map[string]string{"steps[0].ends_on": "roadmap.err.date_order"}},
		"ends only":              {func(r *Roadmap) { r.Steps[1].EndsOn = "2026-05-01" }, nil},
		"pilot date, no service": {func(r *Roadmap) { r.Pilot.DepartmentID = nil }, map[string]string{"pilot.department_id": "roadmap.err.pilot_department"}},
		"pilot service 0":        {func(r *Roadmap) { r.Pilot.DepartmentID = &zero }, map[string]string{"pilot.department_id": "roadmap.err.pilot_department"}},
		"pilot bad date":         {func(r *Roadmap) { r.Pilot.DecidedOn = "hier" }, map[string]string{"pilot.decided_on": "roadmap.err.date"}},
		"pilot service, no date": {func(r *Roadmap) { r.Pilot.DecidedOn = "" }, nil},
		"owner too long":         {func(r *Roadmap) { r.Owner.Name = strings.Repeat("x", 121) }, map[string]string{"owner.name": "err.too_long"}},
		"note too long":          {func(r *Roadmap) { r.Questions.MotivatedPeople.Note = strings.Repeat("x", 1001) }, map[string]string{"questions.motivated_people.note": "err.too_long"}},
		"notes too long":         {func(r *Roadmap) { r.Steps[3].Notes = strings.Repeat("é", 2001) }, map[string]string{"steps[3].notes": "err.too_long"}},
		"several problems": {func(r *Roadmap) {
			r.Steps[0].Status = "x"
			r.Steps[5].StartsOn = "x"
			r.Questions.ITAgreement.Answer = "x"
		}, map[string]string{
			"steps[0].status": "roadmap.err.status", "steps[5].starts_on": "roadmap.err.date", "questions.it_agreement.answer": "roadmap.err.answer",
		}},
	}
	tr := i18n.MustLoad()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := filled()
			tc.change(&r)
			out, err := Validate(r)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(out.Steps) != 6 || out.Questions.TestResources.Answer == "" || out.Steps[5].Status == "" {
					t.Errorf("not normalised: %+v", out)
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
				for _, lang := range i18n.Languages {
					if s := tr.Msg(lang, msg); s == msg.Key || strings.Contains(s, "%!") {
						t.Errorf("%s renders badly in %s: %q", msg.Key, lang, s)
					}
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
		})
	}
}

func TestValidateCleans(t *testing.T) {
	r := Default()
	r.Owner = Owner{Name: " Anne\tRochat ", Role: "Secrétaire\r\nmunicipale"}
	r.Steps[1].Notes = "Budget :\r\n- licences\x00\n\n"
	r.Steps[1].StartsOn = " 2026-03-02 "
	out, err := Validate(r)
	if err != nil {
		t.Fatal(err)
	}
	if out.Owner != (Owner{Name: "Anne Rochat", Role: "Secrétaire municipale"}) || out.Steps[1].Notes != "Budget :\n- licences" || out.Steps[1].StartsOn != "2026-03-02" {
		t.Errorf("not cleaned: %+v %+v", out.Owner, out.Steps[1])
	}
}

// Every step and question has its title and description from the guide,
// in both languages, and the guide's order is the one shown.
func TestTexts(t *testing.T) {
	tr := i18n.MustLoad()
	var keys []Texts
	for _, k := range StepKeys {
		keys = append(keys, StepTexts(k))
	}
	for _, k := range QuestionKeys {
		keys = append(keys, QuestionTexts(k))
	}
	keys = append(keys, OwnerTexts)
	for _, tx := range keys {
		for _, key := range []string{tx.Title, tx.Description} {
			if !tr.Has(key) {
				t.Errorf("no translation %s", key)
			}
		}
	}
	for _, v := range AnswerValues {
		if !tr.Has("roadmap.answer." + string(v)) {
			t.Errorf("no translation for answer %s", v)
		}
	}
	for _, v := range StatusValues {
		if !tr.Has("roadmap.status." + string(v)) {
			t.Errorf("no translation for status %s", v)
		}
	}
	for i, k := range StepKeys {
		title := tr.T("fr", StepTexts(k).Title)
		if !strings.HasPrefix(title, string(rune('1'+i))+". ") {
			t.Errorf("step %s is titled %q, want number %d", k, title, i+1)
		}
	}
	if got := tr.T("de", StepTexts("etat_des_lieux").Title); got != "1. Bestandsaufnahme" {
		t.Errorf("de title %q", got)
	}
	if !slices.Equal(StepKeys, []string{"etat_des_lieux", "discussion_strategique", "communication_interne", "test_pilote", "mise_en_commun", "bilan_intermediaire"}) {
		t.Errorf("step keys changed: %v", StepKeys)
	}
}
