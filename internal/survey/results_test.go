package survey

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// answers builds one respondent's answers; the wish carries the service so
// that a test can see where a text ended up.
func answers(wish string, competence int, tools ...string) Answers {
	freq := "weekly"
	if len(tools) == 1 && tools[0] == "none" {
		freq = "never"
	}
	return Answers{
		"tools":      {Choices: tools},
		"frequency":  {Choices: []string{freq}},
		"competence": {Value: intp(competence)},
		"interest":   {Value: intp(4)},
		"worries":    {Choices: []string{"reliability"}},
		"wishes":     {Text: wish},
	}
}

// staffIn returns n staff respondents of a service.
func staffIn(dept int64, n int) []Response {
	out := make([]Response, n)
	for i := range out {
		out[i] = Response{DepartmentID: dept, Group: GroupStaff, Answers: answers(fmt.Sprintf("souhait du service %d", dept), 3, "chatgpt")}
	}
	return out
}

type partWant struct {
	key         string
	merged      []string
	withheld    bool
	respondents int
}

func summarise(ps []Part) []partWant {
	out := make([]partWant, len(ps))
	for i, p := range ps {
		out[i] = partWant{key: p.Key, merged: p.Merged, withheld: p.Withheld}
		if p.Figures != nil {
			out[i].respondents = p.Figures.Respondents
		}
	}
	return out
}

// TestAggregateAnonymity runs the merge and the withholding on services of
// 4, 5 and 6 respondents.
func TestAggregateAnonymity(t *testing.T) {
	s := etatDesLieux(t)
	cases := map[string]struct {
		sizes    map[int64]int // respondents per service
		pop      map[int64]int // people invited, beyond the respondents
		services []partWant
		overall  partWant
	}{
		"a service of 5 is shown": {
			sizes:    map[int64]int{1: 5},
			services: []partWant{{key: "1", respondents: 5}},
			overall:  partWant{key: KeyAll, respondents: 5},
		},
		"a service of 6 is shown": {
			sizes:    map[int64]int{1: 6},
			services: []partWant{{key: "1", respondents: 6}},
			overall:  partWant{key: KeyAll, respondents: 6},
		},
		"4 alone: everything withheld": {
			sizes:    map[int64]int{1: 4},
			services: []partWant{{key: KeyOthers, merged: []string{"1"}, withheld: true}},
			overall:  partWant{key: KeyAll, withheld: true},
		},
		"4 and 4 merged into others of 8": {
			sizes:    map[int64]int{1: 4, 2: 4},
			services: []partWant{{key: KeyOthers, merged: []string{"1", "2"}, respondents: 8}},
			overall:  partWant{key: KeyAll, respondents: 8},
		},
		// Others would hold 4: withholding it would not protect it, since
		// overall (15) minus the 5 and the 6 shown gives the 4 back. The
		// smallest shown service joins it instead.
		"4, 5, 6: the 5 joins the 4": {
			sizes:    map[int64]int{1: 4, 2: 5, 3: 6},
			services: []partWant{{key: "3", respondents: 6}, {key: KeyOthers, merged: []string{"1", "2"}, respondents: 9}},
			overall:  partWant{key: KeyAll, respondents: 15},
		},
		"4 and 6: only others, which is everyone": {
			sizes:    map[int64]int{1: 6, 2: 4},
			services: []partWant{{key: KeyOthers, merged: []string{"1", "2"}, respondents: 10}},
			overall:  partWant{key: KeyAll, respondents: 10},
		},
		"5, 5, 5, 2: the later 5 joins the 2": {
			sizes:    map[int64]int{1: 5, 2: 5, 3: 5, 4: 2},
			services: []partWant{{key: "1", respondents: 5}, {key: "2", respondents: 5}, {key: KeyOthers, merged: []string{"3", "4"}, respondents: 7}},
			overall:  partWant{key: KeyAll, respondents: 17},
		},
		"3 and 3 with a 6: others of 6 shown": {
			sizes:    map[int64]int{1: 3, 2: 3, 3: 6},
			services: []partWant{{key: "3", respondents: 6}, {key: KeyOthers, merged: []string{"1", "2"}, respondents: 6}},
			overall:  partWant{key: KeyAll, respondents: 12},
		},
		// Nobody answered in service 2: there is nothing to protect by a
		// merge, but nothing to show either.
		"a silent service is withheld, the 6 stays": {
			sizes:    map[int64]int{1: 6},
			pop:      map[int64]int{2: 10},
			services: []partWant{{key: "1", respondents: 6}, {key: KeyOthers, merged: []string{"2"}, withheld: true}},
			overall:  partWant{key: KeyAll, respondents: 6},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var rs []Response
			pop := Population{Departments: map[int64]int{}}
			for dept, n := range tc.sizes {
				rs = append(rs, staffIn(dept, n)...)
				pop.Departments[dept] = n + 2
			}
			for dept, n := range tc.pop {
				pop.Departments[dept] = n
			}
			res := Aggregate(s, rs, pop)
			if got := summarise(res.Services); !reflect.DeepEqual(got, tc.services) {
				t.Errorf("services\n got %+v\nwant %+v", got, tc.services)
			}
			if got := summarise([]Part{res.Overall}); got[0].key != tc.overall.key || got[0].withheld != tc.overall.withheld || got[0].respondents != tc.overall.respondents {
				t.Errorf("overall %+v, want %+v", got[0], tc.overall)
			}
			checkAnonymous(t, res, len(rs))
		})
	}
}

// checkAnonymous checks the rule on any results: no part shown under
// MinGroup, no figure in a withheld part, and the shown parts of each
// breakdown adding up to the whole, so that no subtraction isolates fewer
// than MinGroup people.
func checkAnonymous(t *testing.T, res Results, total int) {
	t.Helper()
	for _, ps := range [][]Part{{res.Overall}, res.Services, res.Groups} {
		shown := 0
		for _, p := range ps {
			switch {
			case p.Withheld && p.Figures != nil:
				t.Errorf("%s withheld but has figures", p.Key)
			case !p.Withheld && (p.Figures == nil || p.Figures.Respondents < MinGroup):
				t.Errorf("%s shown with %+v", p.Key, p.Figures)
			case !p.Withheld:
				shown += p.Figures.Respondents
			}
		}
		if hidden := total - shown; hidden > 0 && hidden < MinGroup && shown > 0 {
			t.Errorf("parts %v show %d of %d: the other %d can be worked out", summarise(ps), shown, total, hidden)
		}
	}
}

func TestAggregateGroups(t *testing.T) {
	s := etatDesLieux(t)
	var rs []Response
	for range 4 { // the council: 4, merged with the 5 heads of service
		rs = append(rs, Response{Group: GroupCouncil, Answers: answers("conseil", 2, "none")})
	}
	for range 5 {
		rs = append(rs, Response{DepartmentID: 1, Group: GroupHeadsOfService, Answers: answers("chefs", 4, "copilot")})
	}
	for range 6 {
		rs = append(rs, Response{DepartmentID: 2, Group: GroupStaff, Answers: answers("équipes", 3, "chatgpt", "deepl")})
	}
	res := Aggregate(s, rs, Population{Groups: map[Group]int{GroupCouncil: 7, GroupHeadsOfService: 8, GroupStaff: 40}})
	want := []partWant{{key: "staff", respondents: 6}, {key: KeyOthers, merged: []string{"council", "heads_of_service"}, respondents: 9}}
	if got := summarise(res.Groups); !reflect.DeepEqual(got, want) {
		t.Fatalf("groups\n got %+v\nwant %+v", got, want)
	}
	others := res.Groups[1].Figures
	if *others.ResponseRate != 9.0/15 || others.Population != 15 {
		t.Errorf("others: %d of %d, rate %v", others.Respondents, others.Population, *others.ResponseRate)
	}
	if len(others.Wishes) != 9 || others.Wishes[0] != "chefs" || others.Wishes[8] != "conseil" {
		t.Errorf("others' wishes: %q", others.Wishes)
	}
	// Overall: the population is the sum of the groups when no total is given.
	if o := res.Overall.Figures; o.Population != 55 || *o.ResponseRate != 15.0/55 {
		t.Errorf("overall: %d of %d", o.Respondents, o.Population)
	}
	checkAnonymous(t, res, len(rs))
}

// TestAggregateFigures checks the figures a report shows, on one service of
// six respondents.
func TestAggregateFigures(t *testing.T) {
	s := etatDesLieux(t)
	six := []Answers{
		{"tools": {Choices: []string{"chatgpt", "other"}, Other: "Perplexity"}, "frequency": {Choices: []string{"daily"}}, "competence": {Value: intp(4)}, "interest": {Value: intp(5)},
			"tasks": {Choices: []string{"writing", "translation"}}, "worries": {Choices: []string{"reliability", "other"}, Other: "Demander à Marie Dupont (marie.dupont@commune.ch)"},
			"wishes": {Text: "Résumer les PV, appeler le 079 123 45 67 si besoin"}, "preferred_length": {Choices: []string{"half_day"}}},
		{"tools": {Choices: []string{"deepl"}}, "frequency": {Choices: []string{"weekly"}}, "competence": {Value: intp(3)}, "interest": {Value: intp(4)},
			"tasks": {Choices: []string{"translation"}}, "worries": {Choices: []string{"data_protection"}}, "preferred_length": {Choices: []string{"two_hours"}}},
		// Ticked a tool, but never uses it: not a user today.
		{"tools": {Choices: []string{"copilot"}}, "frequency": {Choices: []string{"never"}}, "competence": {Value: intp(2)}, "interest": {Value: intp(4)},
			"worries": {Choices: []string{"data_protection", "job"}}, "wishes": {Text: "Apprendre les bases"}},
		{"tools": {Choices: []string{"none"}}, "frequency": {Choices: []string{"never"}}, "competence": {Value: intp(1)}, "interest": {Value: intp(3)},
			"worries": {Choices: []string{"data_protection"}}},
		{"tools": {Choices: []string{"none"}}, "frequency": {Choices: []string{"never"}}, "competence": {Value: intp(1)}, "interest": {Value: intp(2)},
			"worries": {Choices: []string{"none"}}, "preferred_grouping": {Choices: []string{"with_team"}}},
		{"tools": {Choices: []string{"chatgpt"}}, "frequency": {Choices: []string{"monthly"}}, "competence": {Value: intp(3)}, "interest": {Value: intp(3)},
			"tasks": {Choices: []string{"writing"}}, "worries": {Choices: []string{"reliability"}}},
	}
	var rs []Response
	for _, a := range six {
		rs = append(rs, Response{DepartmentID: 7, Group: GroupStaff, Answers: a})
	}
	res := Aggregate(s, rs, Population{Total: 12, Departments: map[int64]int{7: 12}, Groups: map[Group]int{GroupStaff: 12}})
	f := res.Services[0].Figures
	if res.Services[0].Key != "7" || f == nil {
		t.Fatalf("service 7: %+v", res.Services)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("respondents", f.Respondents, 6)
	check("response rate", *f.ResponseRate, 0.5)
	check("using AI", *f.UsingAI, 0.5) // 1, 2 and 6
	check("competence", *f.Competence, 14.0/6)
	check("interest", *f.Interest, 21.0/6)
	check("frequency", f.Frequency, []Count{{"never", 3}, {"monthly", 1}, {"weekly", 1}, {"daily", 1}})
	check("top tasks", f.TopTasks, []Count{{"writing", 2}, {"translation", 2}})
	check("top worries", f.TopWorries, []Count{{"data_protection", 3}, {"reliability", 2}, {"job", 1}, {"none", 1}, {"other", 1}})
	check("preferred length", f.PreferredLength, []Count{{"two_hours", 1}, {"half_day", 1}, {"full_day", 0}})
	check("wishes", f.Wishes, []string{"Apprendre les bases", "Résumer les PV, appeler le […] si besoin"})
	check("worries other", f.WorriesOther, []string{"Demander à […] ([…])"})
	check("tools other", f.ToolsOther, []string{"Perplexity"})
	check("tasks other", f.TasksOther, []string(nil))

	// Nothing in the results can be traced to a respondent: no service
	// id beside a text, no response, just the parts.
	data, _ := json.Marshal(res)
	for _, leak := range []string{"Marie", "Dupont", "079", "answers", "department_id"} {
		if strings.Contains(string(data), leak) {
			t.Errorf("results carry %q: %s", leak, data)
		}
	}
}

// TestAggregateNested covers a part of one breakdown inside a part of the
// other: the 6 council members have no service, and neither has one staff
// member. « No service » (7) minus « council » (6) would show that one
// person's answers, so « no service » joins « others » (with the smallest
// service, or « others » would be « no service » renamed).
func TestAggregateNested(t *testing.T) {
	s := etatDesLieux(t)
	council := func(n int) []Response {
		out := make([]Response, n)
		for i := range out {
			out[i] = Response{Group: GroupCouncil, Answers: answers("conseil", 2, "none")}
		}
		return out
	}
	cases := map[string]struct {
		responses        [][]Response
		services, groups []partWant
	}{
		"council alone without a service: nothing to hide": {
			[][]Response{council(6), staffIn(1, 6), staffIn(2, 6)},
			[]partWant{{key: "0", respondents: 6}, {key: "1", respondents: 6}, {key: "2", respondents: 6}},
			[]partWant{{key: "council", respondents: 6}, {key: "staff", respondents: 12}},
		},
		"one staff member beside the council": {
			[][]Response{council(6), staffIn(0, 1), staffIn(1, 6), staffIn(2, 6)},
			[]partWant{{key: "1", respondents: 6}, {key: KeyOthers, merged: []string{"0", "2"}, respondents: 13}},
			[]partWant{{key: "council", respondents: 6}, {key: "staff", respondents: 13}},
		},
		"five staff members beside the council: enough": {
			[][]Response{council(6), staffIn(0, 5), staffIn(1, 6)},
			[]partWant{{key: "0", respondents: 11}, {key: "1", respondents: 6}},
			[]partWant{{key: "council", respondents: 6}, {key: "staff", respondents: 11}},
		},
		// With two services, whichever is merged, « others » is everyone.
		"no detail left to give": {
			[][]Response{council(6), staffIn(0, 1), staffIn(1, 10)},
			[]partWant{{key: KeyOthers, merged: []string{"0", "1"}, respondents: 17}},
			[]partWant{{key: "council", respondents: 6}, {key: "staff", respondents: 11}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var rs []Response
			for _, r := range tc.responses {
				rs = append(rs, r...)
			}
			res := Aggregate(s, rs, Population{})
			if got := summarise(res.Services); !reflect.DeepEqual(got, tc.services) {
				t.Errorf("services\n got %+v\nwant %+v", got, tc.services)
			}
			if got := summarise(res.Groups); !reflect.DeepEqual(got, tc.groups) {
				t.Errorf("groups\n got %+v\nwant %+v", got, tc.groups)
			}
			checkAnonymous(t, res, len(rs))
		})
	}
}
