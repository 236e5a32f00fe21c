package survey

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/atelier-ch/atelier/internal/catalog"
)

// MinGroup is the fewest respondents any figure or text may come from: the
// product's anonymity threshold (DESIGN.md: groups under 5 merged).
const MinGroup = 5

// Group is the part of the commune a respondent belongs to, as the
// invitation says (the survey does not ask it).
type Group string

// Groups of respondents.
const (
	GroupCouncil        Group = "council"
	GroupHeadsOfService Group = "heads_of_service"
	GroupStaff          Group = "staff"
)

// Groups lists the groups in the order results show them.
var Groups = []Group{GroupCouncil, GroupHeadsOfService, GroupStaff}

// Part keys that are not a service id or a group.
const (
	KeyAll     = "all"
	KeyOthers  = "others"
	KeyUnknown = "unknown" // a response whose group is empty
)

// Response is one person's validated answers with where they work, and
// nothing that says who they are.
type Response struct {
	Answers Answers
	// DepartmentID is the person's service; 0 for none (council members).
	DepartmentID int64
	Group        Group
}

// Population is how many people were invited, for the response rates.
type Population struct {
	// Total is the whole population; 0 means the sum of Groups.
	Total       int
	Departments map[int64]int // 0: people without a service
	Groups      map[Group]int
}

// Count is how many respondents chose an option (catalog.OtherKey for
// « autre »).
type Count struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Figures are the results of a set of at least MinGroup respondents.
// Averages and shares are nil when nobody answered the question.
type Figures struct {
	Respondents int `json:"respondents"`
	// Population is 0 and ResponseRate nil when the population is unknown
	// or smaller than the respondents (a stale list).
	Population   int      `json:"population"`
	ResponseRate *float64 `json:"response_rate"`
	// UsingAI is the share of respondents who use a generative AI tool
	// today: a tool other than « none », and a frequency other than « never ».
	UsingAI    *float64 `json:"using_ai"`
	Competence *float64 `json:"competence"`
	Interest   *float64 `json:"interest"`
	// Frequency and the preferences list every option, in the survey's
	// order, zeros included (a chart's bars).
	Frequency         []Count `json:"frequency"`
	PreferredLength   []Count `json:"preferred_length"`
	PreferredGrouping []Count `json:"preferred_grouping"`
	// TopTasks and TopWorries list the options chosen at least once, most
	// chosen first.
	TopTasks   []Count `json:"top_tasks"`
	TopWorries []Count `json:"top_worries"`
	// Free texts, scrubbed of names (Scrub) and sorted, so that their order
	// says nothing of who answered first.
	Wishes       []string `json:"wishes"`
	WorriesOther []string `json:"worries_other"`
	ToolsOther   []string `json:"tools_other"`
	TasksOther   []string `json:"tasks_other"`
}

// Part is the results of the whole commune, a service, a group, or the
// « autres » that gathers the small ones.
type Part struct {
	// Key is KeyAll, a service's id (DepartmentKey), a Group, or KeyOthers.
	Key string `json:"key"`
	// Merged lists the keys gathered in KeyOthers.
	Merged []string `json:"merged,omitempty"`
	// Withheld says that fewer than MinGroup people answered: Figures is
	// nil and the page says why.
	Withheld bool     `json:"withheld"`
	Figures  *Figures `json:"figures"`
}

// Results are a survey's results, overall, per service and per group.
type Results struct {
	Survey   string `json:"survey"`
	MinGroup int    `json:"min_group"`
	Overall  Part   `json:"overall"`
	Services []Part `json:"services"`
	Groups   []Part `json:"groups"`
}

// DepartmentKey is the Part key of a service.
func DepartmentKey(id int64) string { return strconv.FormatInt(id, 10) }

// Aggregate computes the results of responses under the anonymity rule:
//
//   - nothing (no figure, no count, no text) comes from fewer than MinGroup
//     respondents;
//   - in each breakdown (services, groups), the parts with fewer than
//     MinGroup respondents are merged into one KeyOthers part;
//   - when that part would still have 1 to MinGroup-1 respondents, the
//     smallest part shown is merged into it too: otherwise the overall
//     figures minus the parts shown would give the withheld part's
//     figures. The part is withheld only when nothing can be merged into
//     it (the breakdown has fewer than MinGroup respondents in all) or
//     when nobody in it answered;
//   - the overall part is withheld below MinGroup respondents;
//   - free texts are scrubbed of names (Scrub) and sorted.
//
// Responses carry no identity, and Results hold no response: nothing here
// can say who answered what.
func Aggregate(s *catalog.Survey, responses []Response, pop Population) Results {
	total := pop.Total
	if total == 0 {
		total = sum(slices.Collect(maps.Values(pop.Groups)))
	}
	all := make([]Answers, len(responses))
	for i, r := range responses {
		all[i] = r.Answers
	}
	res := Results{Survey: s.Slug, MinGroup: MinGroup, Overall: Part{Key: KeyAll}}
	if len(all) < MinGroup {
		res.Overall.Withheld = true
	} else {
		res.Overall.Figures = figures(s, all, total)
	}

	deptPop := map[string]int{}
	var deptIDs []int64
	for id, n := range pop.Departments {
		deptPop[DepartmentKey(id)] = n
		deptIDs = append(deptIDs, id)
	}
	for _, r := range responses {
		deptIDs = append(deptIDs, r.DepartmentID)
	}
	slices.Sort(deptIDs)
	deptOrder := make([]string, 0, len(deptIDs))
	for _, id := range slices.Compact(deptIDs) {
		deptOrder = append(deptOrder, DepartmentKey(id))
	}
	res.Services = breakdown(s, responses, func(r Response) string { return DepartmentKey(r.DepartmentID) }, deptOrder, deptPop)

	groupPop := map[string]int{}
	for g, n := range pop.Groups {
		groupPop[groupKey(g)] = n
	}
	groupOrder := make([]string, 0, len(Groups))
	for _, g := range Groups {
		groupOrder = append(groupOrder, string(g))
	}
	var extra []string
	for _, r := range responses {
		extra = append(extra, groupKey(r.Group))
	}
	for g := range groupPop {
		extra = append(extra, g)
	}
	slices.Sort(extra)
	for _, g := range slices.Compact(extra) {
		if !slices.Contains(groupOrder, g) {
			groupOrder = append(groupOrder, g)
		}
	}
	res.Groups = breakdown(s, responses, func(r Response) string { return groupKey(r.Group) }, groupOrder, groupPop)
	return res
}

func groupKey(g Group) string {
	if g == "" {
		return KeyUnknown
	}
	return string(g)
}

// breakdown splits the responses by keyOf, in order, under the anonymity
// rule (see Aggregate). Every response lands in exactly one part, so that
// the parts add up to the whole and no subtraction isolates a small group.
func breakdown(s *catalog.Survey, responses []Response, keyOf func(Response) string, order []string, pop map[string]int) []Part {
	byKey := map[string][]Answers{}
	for _, r := range responses {
		k := keyOf(r)
		byKey[k] = append(byKey[k], r.Answers)
	}
	var shown, small []string
	for _, k := range order {
		switch {
		case len(byKey[k]) >= MinGroup:
			shown = append(shown, k)
		case len(byKey[k]) > 0 || pop[k] > 0:
			small = append(small, k)
		}
	}
	smallCount := func() int {
		n := 0
		for _, k := range small {
			n += len(byKey[k])
		}
		return n
	}
	if n := smallCount(); n > 0 && n < MinGroup && len(shown) > 0 {
		// The fewest respondents, the later in order on a tie: the part
		// whose merge costs the least detail.
		i := 0
		for j, k := range shown {
			if len(byKey[k]) <= len(byKey[shown[i]]) {
				i = j
			}
		}
		small = append(small, shown[i])
		shown = slices.Delete(shown, i, i+1)
		slices.SortFunc(small, func(a, b string) int { return cmp.Compare(slices.Index(order, a), slices.Index(order, b)) })
	}
	parts := make([]Part, 0, len(shown)+1)
	for _, k := range shown {
		parts = append(parts, Part{Key: k, Figures: figures(s, byKey[k], pop[k])})
	}
	if len(small) == 0 {
		return parts
	}
	others := Part{Key: KeyOthers, Merged: small}
	if smallCount() < MinGroup {
		others.Withheld = true
	} else {
		var answers []Answers
		population := 0
		for _, k := range small {
			answers = append(answers, byKey[k]...)
			population += pop[k]
		}
		others.Figures = figures(s, answers, population)
	}
	return append(parts, others)
}

// figures computes the results of a set of respondents; callers make sure
// there are at least MinGroup of them.
func figures(s *catalog.Survey, answers []Answers, population int) *Figures {
	n := len(answers)
	f := &Figures{Respondents: n}
	if population >= n && population > 0 {
		f.Population = population
		f.ResponseRate = ratio(n, population)
	}
	using, known := 0, 0
	for _, a := range answers {
		if uses, ok := usesAI(s, a); ok {
			known++
			if uses {
				using++
			}
		}
	}
	f.UsingAI = ratio(using, known)
	f.Competence = average(answers, "competence")
	f.Interest = average(answers, "interest")
	f.Frequency = distribution(s, answers, "frequency")
	f.PreferredLength = distribution(s, answers, "preferred_length")
	f.PreferredGrouping = distribution(s, answers, "preferred_grouping")
	f.TopTasks = top(distribution(s, answers, "tasks"))
	f.TopWorries = top(distribution(s, answers, "worries"))
	f.Wishes = texts(answers, "wishes", func(a Answer) string { return a.Text })
	other := func(a Answer) string { return a.Other }
	f.WorriesOther = texts(answers, "worries", other)
	f.ToolsOther = texts(answers, "tools", other)
	f.TasksOther = texts(answers, "tasks", other)
	return f
}

// usesAI tells whether a respondent uses generative AI today: a tool that is
// not an exclusive option (« aucun »), and not « never » as frequency. The
// two answers can disagree (someone ticks ChatGPT, tried once, and says
// never); either « no » wins. It reports false when neither was answered.
func usesAI(s *catalog.Survey, a Answers) (uses, known bool) {
	tools, hasTools := a["tools"]
	freq, hasFreq := a["frequency"]
	if !hasTools && !hasFreq {
		return false, false
	}
	uses = true
	if q, ok := s.Question("tools"); ok && hasTools {
		uses = slices.ContainsFunc(tools.Choices, func(c string) bool {
			o, known := q.Option(c)
			return !known || !o.Exclusive // « autre » is a tool
		})
	}
	if hasFreq && slices.Contains(freq.Choices, catalog.OptionNever) {
		uses = false
	}
	return uses, true
}

func average(answers []Answers, key string) *float64 {
	total, n := 0, 0
	for _, a := range answers {
		if v := a[key].Value; v != nil {
			total += *v
			n++
		}
	}
	if n == 0 {
		return nil
	}
	avg := float64(total) / float64(n)
	return &avg
}

func ratio(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}

// distribution counts each option of a choice question, zeros included, in
// the survey's order, « autre » last; nil when the survey lacks the question.
func distribution(s *catalog.Survey, answers []Answers, key string) []Count {
	q, ok := s.Question(key)
	if !ok || !q.IsChoice() {
		return nil
	}
	out := make([]Count, 0, len(q.Options)+1)
	for _, o := range q.Options {
		out = append(out, Count{Key: o.Key})
	}
	if q.Other {
		out = append(out, Count{Key: catalog.OtherKey})
	}
	for _, a := range answers {
		for _, c := range a[key].Choices {
			if i := slices.IndexFunc(out, func(x Count) bool { return x.Key == c }); i >= 0 {
				out[i].Count++
			}
		}
	}
	return out
}

// top keeps the options chosen at least once, most chosen first; a stable
// sort keeps the survey's order on a tie.
func top(counts []Count) []Count {
	out := slices.DeleteFunc(counts, func(c Count) bool { return c.Count == 0 })
	slices.SortStableFunc(out, func(a, b Count) int { return cmp.Compare(b.Count, a.Count) })
	return out
}

func texts(answers []Answers, key string, field func(Answer) string) []string {
	var out []string
	for _, a := range answers {
		if t := strings.TrimSpace(Scrub(field(a[key]))); t != "" && t != Masked {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

func sum(ns []int) int {
	t := 0
	for _, n := range ns {
		t += n
	}
	return t
}
