package roster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/atelier-ch/atelier/internal/i18n"
)

var (
	planDepartments = []Department{{4, "Ecoles"}, {1, "Écoles"}, {2, "Travaux publics"}, {3, "Culture"}}
	planPeople      = []Person{
		{1, "Zoé", "Délèze", "zoe.deleze@sion.ch", 1, "staff", "fr"},
		{2, "Jean-Marc", "Rochat", "JM.Rochat@sion.ch", 2, "head_of_service", "fr"},
		{3, "Noël", "Garçon", "", 3, "staff", "fr"},
		{5, "Anne", "de Preux", "", 0, "staff", "de"},
		{4, "Anne", "de Preux", "", 0, "municipal_secretary", "fr"},
		{6, "Jean", "Da Silva Santos", "js@sion.ch", 0, "staff", "fr"},
	}
)

const planHeader = "Nom;Prénom;E-mail;Service;Fonction;Langue\n"

func TestPlan(t *testing.T) {
	cases := map[string]struct {
		file      string
		create    []int // lines
		update    map[int][]string
		unchanged []int
		newDeps   []string
	}{
		"same person by email, any case": {
			file:      planHeader + "Délèze;Zoé;ZOE.DELEZE@SION.CH;ecoles;Collaboratrice;fr\n",
			unchanged: []int{2},
		},
		"exact service spelling wins": {
			file:   planHeader + "Délèze;Zoé;zoe.deleze@sion.ch;Ecoles;staff;fr\n",
			update: map[int][]string{2: {"department"}},
		},
		"changes listed": {
			file:   planHeader + "Rochat;Jean-Marc;jm.rochat@sion.ch;Culture;staff;de\n",
			update: map[int][]string{2: {"department", "role", "language"}},
		},
		"renamed person found by email": {
			file:   planHeader + "Rochat-Favre;Jean-Marc;jm.rochat@sion.ch;Travaux publics;Chef de service;fr\n",
			update: map[int][]string{2: {"family_name"}},
		},
		"empty service cell removes the service": {
			file:   planHeader + "Rochat;Jean-Marc;jm.rochat@sion.ch;;Chef de service;fr\n",
			update: map[int][]string{2: {"department"}},
		},
		"missing columns keep values": {
			file:      "Nom;Prénom;E-mail\nRochat;Jean-Marc;jm.rochat@sion.ch\n",
			unchanged: []int{2},
		},
		"no email: same name and service": {
			file:      planHeader + "GARÇON;noel;;CULTURE;staff;fr\n",
			update:    map[int][]string{2: {"given_name", "family_name"}},
			unchanged: nil,
		},
		"no email: same name, exact": {
			file:      planHeader + "Garçon;Noël;;culture;staff;fr\n",
			unchanged: []int{2},
		},
		"new email for a person without one": {
			file:   planHeader + "Garçon;Noël;noel.garcon@sion.ch;Culture;staff;fr\n",
			update: map[int][]string{2: {"email"}},
		},
		"same name in another service is someone else": {
			file:   planHeader + "Garçon;Noël;;Écoles;staff;fr\n",
			create: []int{2},
		},
		"namesakes pair up with themselves": {
			file:      planHeader + "de Preux;Anne;;;staff;de\nde Preux;Anne;;;Secrétaire municipale;fr\n",
			unchanged: []int{2, 3},
		},
		"a third namesake is new": {
			file:      planHeader + "de Preux;Anne;;;staff;de\nde Preux;Anne;;;Secrétaire municipale;fr\nde Preux;Anne;;;staff;fr\n",
			unchanged: []int{2, 3},
			create:    []int{4},
		},
		"new services, once each": {
			file:    planHeader + "Favre;Léa;lea@sion.ch;Sécurité;staff;fr\nMayor;Luc;luc@sion.ch;SECURITE;staff;fr\nBonvin;Céline;celine@sion.ch;Bâtiments;staff;fr\n",
			create:  []int{2, 3, 4},
			newDeps: []string{"Sécurité", "Bâtiments"},
		},
		"full name column keeps the stored split": {
			file:      "Nom;E-mail\nJean Da Silva Santos;js@sion.ch\n",
			unchanged: []int{2},
		},
		"full name column changes a name": {
			file:   "Nom;E-mail\nJean Santos;js@sion.ch\n",
			update: map[int][]string{2: {"family_name"}},
		},
	}
	for name, tc := range cases {
		res := Plan(planPeople, planDepartments, mustParse(t, tc.file))
		if !res.OK() {
			t.Errorf("%s: problems %+v", name, res.Problems)
			continue
		}
		var create, unchanged []int
		update := map[int][]string{}
		for _, c := range res.Create {
			create = append(create, c.Line)
		}
		for _, c := range res.Update {
			update[c.Line] = c.Fields
		}
		for _, m := range res.Unchanged {
			unchanged = append(unchanged, m.Line)
		}
		if tc.update == nil {
			tc.update = map[int][]string{}
		}
		if !slices.Equal(create, tc.create) || !slices.Equal(unchanged, tc.unchanged) || !equalUpdates(update, tc.update) || !slices.Equal(res.NewDepartments, tc.newDeps) {
			t.Errorf("%s:\ncreate %v update %v unchanged %v new %q\nwant   %v update %v unchanged %v new %q",
				name, create, update, unchanged, res.NewDepartments, tc.create, tc.update, tc.unchanged, tc.newDeps)
		}
	}
}

func equalUpdates(a, b map[int][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestPlanChanges checks that a change carries the whole person as it will
// be saved.
func TestPlanChanges(t *testing.T) {
	res := Plan(planPeople, planDepartments, mustParse(t, "Nom;Prénom;E-mail;Service\nRochat;Jean-Marc;jm.rochat@sion.ch;Sécurité\nFavre;Léa;;Sécurité\n"))
	wantUpdate := Change{Line: 2, PersonID: 2, GivenName: "Jean-Marc", FamilyName: "Rochat", Email: "JM.Rochat@sion.ch",
		NewDepartment: "Sécurité", Role: "head_of_service", Language: "fr", Fields: []string{"department"}}
	if len(res.Update) != 1 || !equalChange(res.Update[0], wantUpdate) {
		t.Errorf("update %+v, want %+v", res.Update, wantUpdate)
	}
	wantCreate := Change{Line: 3, GivenName: "Léa", FamilyName: "Favre", NewDepartment: "Sécurité", Role: "staff", Language: "fr"}
	if len(res.Create) != 1 || !equalChange(res.Create[0], wantCreate) {
		t.Errorf("create %+v, want %+v", res.Create, wantCreate)
	}
}

func equalChange(a, b Change) bool {
	return slices.Equal(a.Fields, b.Fields) && fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

func TestPlanKeepsProblems(t *testing.T) {
	res := Plan(planPeople, planDepartments, mustParse(t, planHeader+"Délèze;Zoé;zoe.deleze@sion.ch;Écoles;Chef;fr\nFavre;Léa;lea@sion.ch;;;\n"))
	if res.OK() || len(res.Problems) != 1 || len(res.Create) != 1 {
		t.Errorf("result %+v, want one problem and one creation", res)
	}
}

func TestPreviewJSON(t *testing.T) {
	tr := i18n.MustLoad()
	res := Plan(planPeople, planDepartments, mustParse(t, planHeader+"Délèze;Zoé;zoe.deleze@sion.ch;Écoles;staff;fr\n"))
	got, err := json.Marshal(res.Preview(tr, "fr"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"created":0,"updated":0,"unchanged":1,"departments_created":[],"errors":[]}`; string(got) != want {
		t.Errorf("preview %s, want %s", got, want)
	}

	res = Plan(nil, nil, mustParse(t, "Nom;Prénom;E-mail;Service;Tél.\nDélèze;Zoé;zoe@;Écoles;027\n"))
	got, _ = json.Marshal(res.Preview(tr, "de"))
	if want := `{"created":0,"updated":0,"unchanged":0,"departments_created":[],"ignored_columns":["Tél."],"errors":[{"line":2,"field":"email","message":"Ungültige E-Mail-Adresse: «zoe@»."}]}`; string(got) != want {
		t.Errorf("preview %s, want %s", got, want)
	}
}

func TestWrite(t *testing.T) {
	people := []Person{
		{1, "Zoé", "Délèze", "zoe@sion.ch", 1, "staff", "fr"},
		{2, "Anne", "de Preux", "", 0, "municipal_secretary", "de"},
		{3, "=Jean-Marc", "Rochat", "jm@sion.ch", 2, "head_of_service", "fr"},
	}
	deps := map[int64]string{1: "Écoles", 2: "Sécurité; police"}
	cases := map[string]string{
		"fr": "\ufeffNom;Prénom;E-mail;Service;Fonction;Langue\r\n" +
			"de Preux;Anne;;;Secrétaire municipal·e;de\r\n" +
			"Délèze;Zoé;zoe@sion.ch;Écoles;Collaborateur·rice;fr\r\n" +
			"Rochat;'=Jean-Marc;jm@sion.ch;\"Sécurité; police\";Chef·fe de service;fr\r\n",
		"de": "\ufeffName;Vorname;E-Mail;Abteilung;Funktion;Sprache\r\n" +
			"de Preux;Anne;;;Gemeindeschreiber·in;de\r\n" +
			"Délèze;Zoé;zoe@sion.ch;Écoles;Mitarbeitende;fr\r\n" +
			"Rochat;'=Jean-Marc;jm@sion.ch;\"Sécurité; police\";Abteilungsleitung;fr\r\n",
	}
	for lang, want := range cases {
		var b bytes.Buffer
		if err := Write(&b, people, deps, lang); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%s:\n%q\nwant\n%q", lang, b.String(), want)
		}
	}
}

// TestRoundTrip exports people with every awkward kind of name and reads
// the export back: nothing may change.
func TestRoundTrip(t *testing.T) {
	deps := []Department{{1, "Écoles"}, {2, "Sécurité; police"}, {3, `Le "Relais"`}, {4, "Öffentliche Sicherheit"}, {5, "=1+1"}}
	people := []Person{
		{1, "Zoé", "Délèze", "zoe.deleze@sion.ch", 1, "staff", "fr"},
		{2, "Anne", "de Preux", "", 0, "municipal_secretary", "fr"},
		{3, "Jean-Marc", "Rochat; fils", "JM.Rochat@Sion.ch", 2, "head_of_service", "fr"},
		{4, `Marie "Mimi"`, "d’Allèves", "mimi@sion.ch", 3, "deputy_head", "fr"},
		{5, "Line\nBreak", "Favre\r\nDupont", "favre@sion.ch", 1, "staff", "fr"},
		{6, "+41", `=HYPERLINK("http://evil.example")`, "evil@sion.ch", 5, "staff", "fr"},
		{7, "Gerard", "'t Hooft", "gerard@sion.ch", 0, "staff", "de"},
		{8, "@at", "-Minus", "minus@sion.ch", 0, "staff", "fr"},
		{9, "Fabienne", "Müller-Lüdenscheid", "fabienne@brig.ch", 4, "council_member", "de"},
		{10, "Noël", "Garçon", "", 1, "staff", "fr"},
		{11, "Noël", "Garçon", "", 1, "head_of_service", "fr"},
		{12, "", "Ölz", "oelz@brig.ch", 4, "staff", "de"},
		{13, "Cœur", "Lætitia", "", 0, "staff", "fr"},
		{14, "'=x", "''=y", "quotes@sion.ch", 0, "staff", "fr"},
		{15, "\u00a0Élodie", "Rey\u00a0", "", 0, "staff", "fr"},
	}
	depNames := map[int64]string{}
	for _, d := range deps {
		depNames[d.ID] = d.Name
	}
	for _, lang := range []string{"fr", "de"} {
		var b bytes.Buffer
		if err := Write(&b, people, depNames, lang); err != nil {
			t.Fatal(err)
		}
		if strings.Count(b.String(), "\r\n") != len(people)+1 {
			t.Errorf("%s: %d lines, want %d: a line break got through", lang, strings.Count(b.String(), "\r\n"), len(people)+1)
		}
		sheet, err := Parse(b.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		res := Plan(people, deps, sheet)
		if !res.OK() || len(res.Create)+len(res.Update) > 0 || len(res.Unchanged) != len(people) || len(res.NewDepartments) > 0 {
			t.Errorf("%s: round trip changes something: create %+v update %+v new %q problems %+v\n%s",
				lang, res.Create, res.Update, res.NewDepartments, res.Problems, b.String())
		}
	}
}
