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
//     when nobody in it answered. (The smallest part shown also joins when
//     KeyOthers would hold a single part, merged by the next rule: it
//     would be that part renamed);
//   - when a part of one breakdown lies inside a part of the other (the
//     council inside « no service ») and the two differ by 1 to
//     MinGroup-1 respondents, the service (else the group) is merged into
//     KeyOthers too, since subtracting one from the other would show those
//     few; repeated until no such pair is left;
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
	res := Results{Survey: s.Slug, MinGroup: MinGroup, Overall: Part{Key: KeyAll}}
	if len(responses) < MinGroup {
		res.Overall.Withheld = true
	} else {
		all := make([]int, len(responses))
		for i := range all {
			all[i] = i
		}
		res.Overall.Figures = figures(s, answersOf(responses, all), total)
	}

	services, groups := serviceDimension(responses, pop), groupDimension(responses, pop)
	var sc, gc []cell
	for {
		sc, gc = services.split(responses), groups.split(responses)
		key, inServices, ok := nestedLeak(sc, gc)
		if !ok {
			break
		}
		if inServices {
			services.forced[key] = true
		} else {
			groups.forced[key] = true
		}
	}
	res.Services = services.parts(s, responses, sc)
	res.Groups = groups.parts(s, responses, gc)
	return res
}

// serviceDimension splits by service, in the order of their ids.
func serviceDimension(responses []Response, pop Population) dimension {
	d := dimension{keyOf: func(r Response) string { return DepartmentKey(r.DepartmentID) }, pop: map[string]int{}, forced: map[string]bool{}}
	var ids []int64
	for id, n := range pop.Departments {
		d.pop[DepartmentKey(id)] = n
		ids = append(ids, id)
	}
	for _, r := range responses {
		ids = append(ids, r.DepartmentID)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		d.order = append(d.order, DepartmentKey(id))
	}
	return d
}

// groupDimension splits by group, in the order of Groups, then any other
// group met, so that no response falls outside the breakdown.
func groupDimension(responses []Response, pop Population) dimension {
	d := dimension{keyOf: func(r Response) string { return groupKey(r.Group) }, pop: map[string]int{}, forced: map[string]bool{}}
	for g, n := range pop.Groups {
		d.pop[groupKey(g)] = n
	}
	for _, g := range Groups {
		d.order = append(d.order, string(g))
	}
	extra := slices.Collect(maps.Keys(d.pop))
	for _, r := range responses {
		extra = append(extra, groupKey(r.Group))
	}
	slices.Sort(extra)
	for _, g := range slices.Compact(extra) {
		if !slices.Contains(d.order, g) {
			d.order = append(d.order, g)
		}
	}
	return d
}

func groupKey(g Group) string {
	if g == "" {
		return KeyUnknown
	}
	return string(g)
}

// dimension is one way of splitting the respondents: by service or by group.
type dimension struct {
	keyOf  func(Response) string
	order  []string
	pop    map[string]int
	forced map[string]bool // merged into KeyOthers whatever their size
}

// cell is a part before its figures: the respondents it holds, as indexes
// of the responses.
type cell struct {
	key      string
	merged   []string
	members  []int
	withheld bool
}

// split applies the merge rules of Aggregate within the dimension. Every
// response lands in exactly one cell, so that the cells add up to the whole
// and no subtraction within the dimension isolates a small group.
func (d dimension) split(responses []Response) []cell {
	byKey := map[string][]int{}
	for i, r := range responses {
		k := d.keyOf(r)
		byKey[k] = append(byKey[k], i)
	}
	var shown, small []string
	for _, k := range d.order {
		switch {
		case len(byKey[k]) >= MinGroup && !d.forced[k]:
			shown = append(shown, k)
		case len(byKey[k]) > 0 || d.pop[k] > 0:
			small = append(small, k)
		}
	}
	smallCount := func() (n, keys int) {
		for _, k := range small {
			if len(byKey[k]) > 0 {
				n += len(byKey[k])
				keys++
			}
		}
		return n, keys
	}
	// Under MinGroup, the part needs company (see Aggregate); holding one
	// forced part only, it would be that part renamed.
	if n, keys := smallCount(); n > 0 && (n < MinGroup || keys == 1) && len(shown) > 0 {
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
		slices.SortFunc(small, func(a, b string) int { return cmp.Compare(slices.Index(d.order, a), slices.Index(d.order, b)) })
	}
	cells := make([]cell, 0, len(shown)+1)
	for _, k := range shown {
		cells = append(cells, cell{key: k, members: byKey[k]})
	}
	if len(small) == 0 {
		return cells
	}
	others := cell{key: KeyOthers, merged: small}
	for _, k := range small {
		others.members = append(others.members, byKey[k]...)
	}
	others.withheld = len(others.members) < MinGroup
	return append(cells, others)
}

// nestedLeak finds a shown service and a shown group, one inside the other,
// that differ by 1 to MinGroup-1 respondents, and says which cell to merge
// away: the service when it is one (services are many and small, groups
// are three), else the group, else (both are KeyOthers) the smallest
// service shown.
func nestedLeak(services, groups []cell) (key string, inServices, ok bool) {
	for _, a := range services {
		for _, b := range groups {
			if a.withheld || b.withheld {
				continue
			}
			in := intersection(a.members, b.members)
			da, db := len(a.members)-in, len(b.members)-in
			leaks := (db == 0 && da > 0 && da < MinGroup) || (da == 0 && db > 0 && db < MinGroup)
			switch {
			case !leaks:
			case a.key != KeyOthers:
				return a.key, true, true
			case b.key != KeyOthers:
				return b.key, false, true
			default:
				return smallest(services)
			}
		}
	}
	return "", false, false
}

func smallest(services []cell) (string, bool, bool) {
	best := -1
	for i, c := range services {
		if c.key != KeyOthers && (best < 0 || len(c.members) <= len(services[best].members)) {
			best = i
		}
	}
	if best < 0 {
		return "", false, false
	}
	return services[best].key, true, true
}

func intersection(a, b []int) int {
	in := map[int]bool{}
	for _, i := range a {
		in[i] = true
	}
	n := 0
	for _, i := range b {
		if in[i] {
			n++
		}
	}
	return n
}

func answersOf(responses []Response, members []int) []Answers {
	out := make([]Answers, len(members))
	for i, m := range members {
		out[i] = responses[m].Answers
	}
	return out
}

// parts computes the figures of the cells that are shown.
func (d dimension) parts(s *catalog.Survey, responses []Response, cells []cell) []Part {
	parts := make([]Part, len(cells))
	for i, c := range cells {
		parts[i] = Part{Key: c.key, Merged: c.merged, Withheld: c.withheld}
		if c.withheld {
			continue
		}
		population := d.pop[c.key]
		if c.key == KeyOthers {
			population = 0
			for _, k := range c.merged {
				population += d.pop[k]
			}
		}
		parts[i].Figures = figures(s, answersOf(responses, c.members), population)
	}
	return parts
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
