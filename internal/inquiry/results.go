package inquiry

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/survey"
)

// Count is how many respondents chose an option, with its label.
type Count struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Figures are the results of one part (package survey's Figures), with
// the options' labels in the reader's language.
type Figures struct {
	Respondents       int      `json:"respondents"`
	Population        int      `json:"population"`
	ResponseRate      *float64 `json:"response_rate"`
	UsingAI           *float64 `json:"using_ai"`
	Competence        *float64 `json:"competence"`
	Interest          *float64 `json:"interest"`
	Frequency         []Count  `json:"frequency"`
	PreferredLength   []Count  `json:"preferred_length"`
	PreferredGrouping []Count  `json:"preferred_grouping"`
	TopTasks          []Count  `json:"top_tasks"`
	TopWorries        []Count  `json:"top_worries"`
	Wishes            []string `json:"wishes"`
	WorriesOther      []string `json:"worries_other"`
	ToolsOther        []string `json:"tools_other"`
	TasksOther        []string `json:"tasks_other"`
}

// Part is the results of the whole administration, a service, a group, or
// the « autres » that gathers the small ones, named.
type Part struct {
	// Key is "all", a service's id, a group, or "others".
	Key  string `json:"key"`
	Name string `json:"name"`
	// Merged names what « autres » gathers.
	Merged []string `json:"merged,omitempty"`
	// Withheld: fewer than MinGroup answers, no figure.
	Withheld bool     `json:"withheld"`
	Figures  *Figures `json:"figures"`
}

// Results are a survey's results as the API, the page and the PDF show
// them: never a figure or a text from fewer than MinGroup people.
type Results struct {
	Survey   View   `json:"survey"`
	Commune  string `json:"-"`
	MinGroup int    `json:"min_group"`
	// Partial is true while the survey is open: the parts then hold only
	// their respondents and response rates. The figures and texts come
	// when it closes: results read again after each new answer would
	// otherwise show what the last respondents said, by difference.
	Partial  bool   `json:"partial"`
	Overall  Part   `json:"overall"`
	Services []Part `json:"services"`
	Groups   []Part `json:"groups"`
}

// Aggregate computes a survey's results from its stored answers and
// population with survey.Aggregate's anonymity rules. The campaign report
// uses it too, so that both show the same merges.
func Aggregate(cs *catalog.Survey, rows []store.SurveyResponse, pop []store.PopulationRow) (survey.Results, error) {
	responses, err := Responses(rows)
	if err != nil {
		return survey.Results{}, err
	}
	p := survey.Population{Departments: map[int64]int{}, Groups: map[survey.Group]int{}}
	for _, row := range pop {
		dep := int64(0)
		if row.DepartmentID != nil {
			dep = *row.DepartmentID
		}
		p.Departments[dep] += int(row.N)
		p.Groups[survey.Group(row.GroupKey)] += int(row.N)
		p.Total += int(row.N)
	}
	return survey.Aggregate(cs, responses, p), nil
}

// Responses reads stored answers as package survey's responses, each with
// its service and group.
func Responses(rows []store.SurveyResponse) ([]survey.Response, error) {
	responses := make([]survey.Response, len(rows))
	for i, r := range rows {
		responses[i] = survey.Response{Group: survey.Group(r.GroupKey)}
		if r.DepartmentID != nil {
			responses[i].DepartmentID = *r.DepartmentID
		}
		if err := json.Unmarshal([]byte(r.Answers), &responses[i].Answers); err != nil {
			return nil, fmt.Errorf("inquiry: answers of survey %d: %w", r.SurveyID, err)
		}
	}
	return responses, nil
}

// Labels names the counts of a question's options in lang, as the results
// do.
func Labels(tr *i18n.Translator, lang string, cs *catalog.Survey, question string, counts []survey.Count) []Count {
	return namer{tr: tr, lang: i18n.Normalize(lang), cs: cs}.counts(question, counts)
}

// Results computes the results of survey id of the caller's commune, in
// lang.
func (s *Service) Results(ctx context.Context, caller access.Caller, id int64, lang string) (*Results, error) {
	sv, cs, err := s.readable(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.SurveyResponses(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	pop, err := s.store.SurveyPopulation(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	agg, err := Aggregate(cs, rows, pop)
	if err != nil {
		return nil, err
	}
	deps, err := s.store.Departments(ctx, sv.OrgID)
	if err != nil {
		return nil, err
	}
	org, err := s.store.Org(ctx, sv.OrgID)
	if err != nil {
		return nil, err
	}
	var invited int64
	for _, r := range pop {
		invited += r.N
	}
	lang = i18n.Normalize(lang)
	n := namer{tr: s.tr, lang: lang, cs: cs, services: map[string]string{survey.DepartmentKey(0): s.tr.T(lang, "report.no_department")}}
	for _, d := range deps {
		n.services[survey.DepartmentKey(d.ID)] = d.Name
	}
	out := &Results{
		Survey:   s.view(sv, cs, store.SurveyCounts{Invited: invited, Responses: int64(len(rows))}, lang),
		Commune:  org.Name,
		MinGroup: agg.MinGroup,
		Overall:  n.part(agg.Overall, func(string) string { return s.tr.T(lang, "survey.results.overall") }),
		Services: make([]Part, 0, len(agg.Services)),
		Groups:   make([]Part, 0, len(agg.Groups)),
	}
	for _, p := range agg.Services {
		out.Services = append(out.Services, n.part(p, n.service))
	}
	for _, p := range agg.Groups {
		out.Groups = append(out.Groups, n.part(p, n.group))
	}
	if out.Survey.Open {
		out.Partial = true
		for _, p := range append(append([]*Part{&out.Overall}, ptrs(out.Services)...), ptrs(out.Groups)...) {
			p.Figures = ratesOnly(p.Figures)
		}
	}
	return out, nil
}

func ptrs(parts []Part) []*Part {
	out := make([]*Part, len(parts))
	for i := range parts {
		out[i] = &parts[i]
	}
	return out
}

// ratesOnly keeps of f what an open survey shows: who answered, not what.
func ratesOnly(f *Figures) *Figures {
	if f == nil {
		return nil
	}
	return &Figures{Respondents: f.Respondents, Population: f.Population, ResponseRate: f.ResponseRate,
		Frequency: []Count{}, PreferredLength: []Count{}, PreferredGrouping: []Count{}, TopTasks: []Count{}, TopWorries: []Count{},
		Wishes: []string{}, WorriesOther: []string{}, ToolsOther: []string{}, TasksOther: []string{}}
}

// namer names parts and options in one language.
type namer struct {
	tr       *i18n.Translator
	lang     string
	cs       *catalog.Survey
	services map[string]string
}

func (n namer) service(key string) string {
	if name, ok := n.services[key]; ok {
		return name
	}
	return key
}

func (n namer) group(key string) string {
	switch key {
	case string(survey.GroupCouncil), string(survey.GroupHeadsOfService), string(survey.GroupStaff):
		return n.tr.T(n.lang, "survey.group."+key)
	}
	return n.tr.T(n.lang, "strategy.group_unknown")
}

func (n namer) part(p survey.Part, name func(string) string) Part {
	out := Part{Key: p.Key, Withheld: p.Withheld}
	if p.Key == survey.KeyOthers {
		out.Name = n.tr.T(n.lang, "survey.results.others")
		for _, k := range p.Merged {
			out.Merged = append(out.Merged, name(k))
		}
	} else {
		out.Name = name(p.Key)
	}
	if f := p.Figures; f != nil {
		out.Figures = &Figures{
			Respondents: f.Respondents, Population: f.Population, ResponseRate: f.ResponseRate,
			UsingAI: f.UsingAI, Competence: f.Competence, Interest: f.Interest,
			Frequency: n.counts("frequency", f.Frequency), PreferredLength: n.counts("preferred_length", f.PreferredLength),
			PreferredGrouping: n.counts("preferred_grouping", f.PreferredGrouping),
			TopTasks:          n.counts("tasks", f.TopTasks), TopWorries: n.counts("worries", f.TopWorries),
			Wishes: nonNil(f.Wishes), WorriesOther: nonNil(f.WorriesOther), ToolsOther: nonNil(f.ToolsOther), TasksOther: nonNil(f.TasksOther),
		}
	}
	return out
}

// counts labels the counts of a question's options.
func (n namer) counts(question string, cs []survey.Count) []Count {
	out := make([]Count, len(cs))
	q, _ := n.cs.Question(question)
	for i, c := range cs {
		out[i] = Count{Key: c.Key, Count: c.Count, Label: c.Key}
		switch {
		case c.Key == catalog.OtherKey:
			out[i].Label = n.tr.T(n.lang, "survey.other")
		case q != nil:
			if o, ok := q.Option(c.Key); ok {
				out[i].Label = o.Label.In(n.lang)
			}
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
