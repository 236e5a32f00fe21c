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
	sc, gc := Breakdown(len(responses), nil, services, groups)
	res.Services = parts(s, responses, services, sc)
	res.Groups = parts(s, responses, groups, gc)
	return res
}

// serviceDimension splits by service, in the order of their ids.
func serviceDimension(responses []Response, pop Population) Dimension {
	d := Dimension{Key: func(i int) string { return DepartmentKey(responses[i].DepartmentID) }, Pop: map[string]int{}}
	var ids []int64
	for id, n := range pop.Departments {
		d.Pop[DepartmentKey(id)] = n
		ids = append(ids, id)
	}
	for _, r := range responses {
		ids = append(ids, r.DepartmentID)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		d.Order = append(d.Order, DepartmentKey(id))
	}
	return d
}

// groupDimension splits by group, in the order of Groups, then any other
// group met, so that no response falls outside the breakdown.
func groupDimension(responses []Response, pop Population) Dimension {
	d := Dimension{Key: func(i int) string { return groupKey(responses[i].Group) }, Pop: map[string]int{}}
	for g, n := range pop.Groups {
		d.Pop[groupKey(g)] = n
	}
	for _, g := range Groups {
		d.Order = append(d.Order, string(g))
	}
	extra := slices.Collect(maps.Keys(d.Pop))
	for _, r := range responses {
		extra = append(extra, groupKey(r.Group))
	}
	slices.Sort(extra)
	for _, g := range slices.Compact(extra) {
		if !slices.Contains(d.Order, g) {
			d.Order = append(d.Order, g)
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

// Dimension is one way of splitting items (answers, ratings) into parts:
// by service, by group, by commune, by format.
type Dimension struct {
	// Key is the part item i belongs to.
	Key func(i int) string
	// Order lists the parts in the order they are shown.
	Order []string
	// Pop is how many people each part holds (invited, employed); a part
	// with people but no item is still named among the merged.
	Pop map[string]int
}

// Cell is a part of a breakdown before its figures: the items it holds.
type Cell struct {
	// Key is a part's key, or KeyOthers for the small parts merged.
	Key string
	// Merged lists the keys gathered in KeyOthers.
	Merged []string
	// Members are the indexes of the items the cell holds.
	Members []int
	// Withheld says that the cell holds fewer than MinGroup people: no
	// figure may come from it.
	Withheld bool
}

// Breakdown applies the anonymity rule of Aggregate to n items split two
// ways (b may be a Dimension with no Key: one breakdown only). who names
// the person behind item i, so that a person with several items (ratings
// of two sessions) counts once; nil means one person per item. Every item
// lands in exactly one cell of each dimension.
func Breakdown(n int, who func(i int) string, a, b Dimension) (ca, cb []Cell) {
	if who == nil {
		who = strconv.Itoa
	}
	da := dimension{Dimension: a, forced: map[string]bool{}}
	db := dimension{Dimension: b, forced: map[string]bool{}}
	for {
		ca = da.split(n, who)
		if b.Key == nil {
			return ca, nil
		}
		cb = db.split(n, who)
		key, inA, ok := nestedLeak(ca, cb, who)
		if !ok {
			return ca, cb
		}
		if inA {
			da.forced[key] = true
		} else {
			db.forced[key] = true
		}
	}
}

// People counts the distinct people behind items.
func People(items []int, who func(i int) string) int {
	if who == nil {
		return len(items)
	}
	seen := make(map[string]bool, len(items))
	for _, i := range items {
		seen[who(i)] = true
	}
	return len(seen)
}

// dimension is a Dimension as Breakdown works on it.
type dimension struct {
	Dimension
	forced map[string]bool // merged into KeyOthers whatever their size
}

// split applies the merge rules of Aggregate within the dimension. Every
// item lands in exactly one cell, so that the cells add up to the whole
// and no subtraction within the dimension isolates a small group.
func (d dimension) split(n int, who func(int) string) []Cell {
	byKey := map[string][]int{}
	for i := range n {
		k := d.Key(i)
		byKey[k] = append(byKey[k], i)
	}
	size := func(k string) int { return People(byKey[k], who) }
	var shown, small []string
	for _, k := range d.Order {
		switch {
		case size(k) >= MinGroup && !d.forced[k]:
			shown = append(shown, k)
		case len(byKey[k]) > 0 || d.Pop[k] > 0:
			small = append(small, k)
		}
	}
	smallCount := func() (n, keys int) {
		var members []int
		for _, k := range small {
			if len(byKey[k]) > 0 {
				members = append(members, byKey[k]...)
				keys++
			}
		}
		return People(members, who), keys
	}
	// Under MinGroup, the part needs company (see Aggregate); holding one
	// forced part only, it would be that part renamed.
	if n, keys := smallCount(); n > 0 && (n < MinGroup || keys == 1) && len(shown) > 0 {
		// The fewest respondents, the later in order on a tie: the part
		// whose merge costs the least detail.
		i := 0
		for j, k := range shown {
			if size(k) <= size(shown[i]) {
				i = j
			}
		}
		small = append(small, shown[i])
		shown = slices.Delete(shown, i, i+1)
		slices.SortFunc(small, func(a, b string) int { return cmp.Compare(slices.Index(d.Order, a), slices.Index(d.Order, b)) })
	}
	cells := make([]Cell, 0, len(shown)+1)
	for _, k := range shown {
		cells = append(cells, Cell{Key: k, Members: byKey[k]})
	}
	if len(small) == 0 {
		return cells
	}
	others := Cell{Key: KeyOthers, Merged: small}
	for _, k := range small {
		others.Members = append(others.Members, byKey[k]...)
	}
	others.Withheld = People(others.Members, who) < MinGroup
	return append(cells, others)
}

// nestedLeak finds a shown part of a and a shown part of b whose items,
// one's minus the other's, come from 1 to MinGroup-1 people: subtracting
// one's figures from the other's would show them. It says which cell to
// merge away: a's part when it is not KeyOthers (services are many and
// small, groups are three), else b's, else (both are KeyOthers) a's
// smallest part shown.
func nestedLeak(a, b []Cell, who func(int) string) (key string, inA, ok bool) {
	for _, x := range a {
		for _, y := range b {
			if x.Withheld || y.Withheld {
				continue
			}
			dx, dy := minus(x.Members, y.Members), minus(y.Members, x.Members)
			leaks := (len(dy) == 0 && len(dx) > 0 && People(dx, who) < MinGroup) || (len(dx) == 0 && len(dy) > 0 && People(dy, who) < MinGroup)
			switch {
			case !leaks:
			case x.Key != KeyOthers:
				return x.Key, true, true
			case y.Key != KeyOthers:
				return y.Key, false, true
			default:
				return smallest(a, who)
			}
		}
	}
	return "", false, false
}

func smallest(cells []Cell, who func(int) string) (string, bool, bool) {
	best := -1
	for i, c := range cells {
		if c.Key != KeyOthers && (best < 0 || People(c.Members, who) <= People(cells[best].Members, who)) {
			best = i
		}
	}
	if best < 0 {
		return "", false, false
	}
	return cells[best].Key, true, true
}

// minus returns the items of a that are not in b.
func minus(a, b []int) []int {
	in := make(map[int]bool, len(b))
	for _, i := range b {
		in[i] = true
	}
	var out []int
	for _, i := range a {
		if !in[i] {
			out = append(out, i)
		}
	}
	return out
}

func answersOf(responses []Response, members []int) []Answers {
	out := make([]Answers, len(members))
	for i, m := range members {
		out[i] = responses[m].Answers
	}
	return out
}

// parts computes the figures of the cells that are shown.
func parts(s *catalog.Survey, responses []Response, d Dimension, cells []Cell) []Part {
	out := make([]Part, len(cells))
	for i, c := range cells {
		out[i] = Part{Key: c.Key, Merged: c.Merged, Withheld: c.Withheld}
		if c.Withheld {
			continue
		}
		population := d.Pop[c.Key]
		if c.Key == KeyOthers {
			population = 0
			for _, k := range c.Merged {
				population += d.Pop[k]
			}
		}
		out[i].Figures = figures(s, answersOf(responses, c.Members), population)
	}
	return out
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
