package region

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/inquiry"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/survey"
)

// Blocks of a commune's figures that hold answers or attendance: each is
// shown for a commune only when it comes from at least survey.MinGroup
// people, else counted in « autres communes ».
const (
	BlockTraining   = "training"
	BlockAttendance = "attendance"
	BlockFeedback   = "feedback"
	BlockSurvey     = "survey"
)

// topWords is how many words of the free answers a line shows.
const topWords = 5

// Report is the regional view: per commune that shares, for the communes
// too small to be shown alone, for the region, and per format. It carries
// aggregates only: no name, address or token, nothing from fewer than
// survey.MinGroup people.
type Report struct {
	Region      Ref       `json:"region"`
	GeneratedAt time.Time `json:"generated_at"`
	MinGroup    int       `json:"min_group"`
	// Communes lists every commune of the region by name; one that did
	// not share has no figures (« n'a pas partagé »).
	Communes []Commune `json:"communes"`
	// Others gathers, block by block, the communes too small to be shown
	// alone.
	Others Others `json:"others"`
	// Total is the region: every commune that shares.
	Total Figures `json:"region_total"`
	// Formats are the formats the sharing communes held sessions of.
	Formats []FormatLine `json:"formats"`
	// FormatOthers gathers the ratings of formats rated by too few people.
	FormatOthers *FormatOthers `json:"format_others"`
}

// Ref names a region or a commune.
type Ref struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// Commune is one commune's line.
type Commune struct {
	Ref
	Shared bool `json:"shared"`
	// Figures are nil when the commune did not share.
	Figures *Figures `json:"figures"`
	// Merged lists the blocks of its figures counted in « autres
	// communes ».
	Merged []string `json:"merged"`
}

// Figures are the figures of a commune, of « autres communes » or of the
// region; a block is nil when it is counted elsewhere or withheld.
type Figures struct {
	Training   *Training   `json:"training"`
	Sessions   *Sessions   `json:"sessions"`
	Attendance *Attendance `json:"attendance"`
	Feedback   *Feedback   `json:"feedback"`
	Survey     *Survey     `json:"survey"`
	// Formats are the formats of the sessions held (a commune's, the
	// region's).
	Formats []FormatUse `json:"formats"`
	// SuggestedPilot is the pilot service the commune's campaign report
	// suggests (its name), "" when none.
	SuggestedPilot string `json:"suggested_pilot,omitempty"`
}

// Training is how many people were trained.
type Training struct {
	People       int     `json:"people"`
	Trained      int     `json:"trained"`
	ShareTrained float64 `json:"share_trained"`
}

// Sessions are the sessions held and to come.
type Sessions struct {
	Held            int      `json:"held"`
	Planned         int      `json:"planned"`
	AverageFillRate *float64 `json:"average_fill_rate"`
}

// Attendance is who came to the sessions held.
type Attendance struct {
	Expected   int      `json:"expected"`
	NoShowRate *float64 `json:"no_show_rate"`
}

// Feedback is what participants said after their session: interest
// (« I will use these tools ») and confidence before and after (1–5).
type Feedback struct {
	Respondents      int           `json:"respondents"`
	Overall          *float64      `json:"overall"`
	Interest         *float64      `json:"interest"`
	ConfidenceBefore *float64      `json:"confidence_before"`
	ConfidenceAfter  *float64      `json:"confidence_after"`
	ConfidenceGain   *float64      `json:"confidence_gain"`
	TopUseCases      []report.Word `json:"top_use_cases"`
	TopWorries       []report.Word `json:"top_worries"`
}

// Survey is the état des lieux before the training, once closed.
type Survey struct {
	Respondents  int             `json:"respondents"`
	ResponseRate *float64        `json:"response_rate"`
	UsingAI      *float64        `json:"using_ai"`
	Competence   *float64        `json:"competence"`
	Interest     *float64        `json:"interest"`
	TopTasks     []inquiry.Count `json:"top_tasks"`
	TopWorries   []inquiry.Count `json:"top_worries"`
}

// FormatUse is a format and the sessions held of it.
type FormatUse struct {
	Slug         string `json:"slug"`
	Title        string `json:"title"`
	SessionsHeld int    `json:"sessions_held"`
}

// Others is « autres communes »: per block, the communes it counts and
// its figures (nil when still too few people: withheld).
type Others struct {
	Figures
	Communes map[string][]string `json:"communes"`
}

// FormatLine is a format across the region and how it was rated.
type FormatLine struct {
	FormatUse
	Communes        int      `json:"communes"`
	AverageFillRate *float64 `json:"average_fill_rate"`
	// Feedback is nil when too few people rated it: it counts in
	// FormatOthers (Merged).
	Feedback *Feedback `json:"feedback"`
	Merged   bool      `json:"merged"`
}

// FormatOthers gathers the ratings of formats rated by too few people.
type FormatOthers struct {
	Formats  []string  `json:"formats"`
	Feedback *Feedback `json:"feedback"`
}

// Report computes the regional view of the caller's region (its
// coordinator) in lang.
func (s *Service) Report(ctx context.Context, caller access.Caller, lang string) (*Report, error) {
	r, orgs, err := s.regionOf(ctx, caller, access.ReadRegionReport)
	if err != nil {
		return nil, err
	}
	lang = i18n.Normalize(lang)
	var ids []int64
	for _, o := range orgs {
		if o.ShareWithRegion {
			ids = append(ids, o.ID)
		}
	}
	shared, err := s.reports.SharedOf(ctx, s.store, ids, lang)
	if err != nil {
		return nil, err
	}
	// A free answer may name someone of another commune of the region,
	// one that shares or not: no word of their names is counted either.
	people, err := s.store.RegionPeople(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	names := report.NameWords(people)
	for _, sh := range shared {
		for w := range names {
			sh.NameWords[w] = true
		}
	}
	// The communes' own formats are named by their titles, as the
	// catalogue's are.
	for _, id := range ids {
		own, err := s.store.CurrentFormats(ctx, store.FormatFilter{OrgID: id})
		if err != nil {
			return nil, err
		}
		for _, f := range own {
			if d, err := formats.Decode(f.Body); err == nil {
				s.titles.Store(f.Slug+"/"+lang, d.Localized(lang).Title)
			}
		}
	}
	return s.compute(r, orgs, shared, lang), nil
}

// pool is the rows of every sharing commune, with the commune of each.
type pool struct {
	people     []report.PersonRow
	peopleOrg  []string
	expected   []report.ExpectedRow
	expOrg     []string
	ratings    []report.Rating
	ratingsOrg []string
	nameWords  map[string]bool
}

func (s *Service) compute(r *store.Region, orgs []store.Org, shared map[int64]*report.Shared, lang string) *Report {
	out := &Report{Region: Ref{Slug: r.Slug, Name: r.Name}, GeneratedAt: s.now(), MinGroup: survey.MinGroup,
		Communes: []Commune{}, Formats: []FormatLine{}, Others: Others{Communes: map[string][]string{}}}
	names := map[string]string{}
	line := map[string]*Commune{}
	p := pool{nameWords: map[string]bool{}}
	var order []string
	for _, o := range orgs {
		c := Commune{Ref: Ref{Slug: o.Slug, Name: o.Name}, Merged: []string{}}
		names[o.Slug] = o.Name
		sh := shared[o.ID]
		if sh != nil {
			c.Shared = true
			c.Figures = &Figures{Sessions: sessionsOf(sh.Held, sh.Campaign.Commune.SessionsPlanned), Formats: s.formatsOf(sh.Held, lang)}
			if pl := sh.Campaign.Pilot; pl.Suggested {
				c.Figures.SuggestedPilot = pl.Name
			}
			order = append(order, o.Slug)
			for _, row := range sh.People {
				p.people, p.peopleOrg = append(p.people, row), append(p.peopleOrg, o.Slug)
			}
			for _, row := range sh.Attendance {
				p.expected, p.expOrg = append(p.expected, row), append(p.expOrg, o.Slug)
			}
			for _, row := range sh.Ratings {
				p.ratings, p.ratingsOrg = append(p.ratings, row), append(p.ratingsOrg, o.Slug)
			}
			for w := range sh.NameWords {
				p.nameWords[w] = true
			}
		}
		out.Communes = append(out.Communes, c)
	}
	for i := range out.Communes {
		line[out.Communes[i].Slug] = &out.Communes[i]
	}
	communes := func(key func(int) string) survey.Dimension {
		return survey.Dimension{Key: key, Order: order, Pop: map[string]int{}}
	}
	// place puts each cell's figures on its commune's line, or in «
	// autres communes » for the cell of the small ones.
	place := func(block string, cells []survey.Cell, set func(f *Figures, members []int)) {
		for _, c := range cells {
			if c.Key != survey.KeyOthers {
				set(line[c.Key].Figures, c.Members)
				continue
			}
			for _, k := range c.Merged {
				line[k].Merged = append(line[k].Merged, block)
				out.Others.Communes[block] = append(out.Others.Communes[block], names[k])
			}
			if !c.Withheld {
				set(&out.Others.Figures, c.Members)
			}
		}
	}

	// Training: one row per person.
	who := func(rows []report.PersonRow) func(int) string { return func(i int) string { return rows[i].Who } }
	cells, _ := survey.Breakdown(len(p.people), who(p.people), communes(func(i int) string { return p.peopleOrg[i] }), survey.Dimension{})
	place(BlockTraining, cells, func(f *Figures, m []int) { f.Training = trainingOf(p.people, m) })
	out.Total.Training = trainingOf(p.people, all(len(p.people)))

	// Sessions: not about people, shown for every commune.
	var held []report.HeldRow
	planned := 0
	for _, id := range orgIDsOf(orgs, shared) {
		held = append(held, shared[id].Held...)
		planned += shared[id].Campaign.Commune.SessionsPlanned
	}
	out.Total.Sessions = sessionsOf(held, planned)
	out.Total.Formats = s.formatsOf(held, lang)

	// Attendance: one row per person expected at a session held.
	expWho := func(i int) string { return p.expected[i].Who }
	cells, _ = survey.Breakdown(len(p.expected), expWho, communes(func(i int) string { return p.expOrg[i] }), survey.Dimension{})
	place(BlockAttendance, cells, func(f *Figures, m []int) { f.Attendance = attendanceOf(p.expected, m) })
	if survey.People(all(len(p.expected)), expWho) >= survey.MinGroup {
		out.Total.Attendance = attendanceOf(p.expected, all(len(p.expected)))
	}

	// Feedback: one row per answer, by commune and by format.
	fbWho := func(i int) string { return p.ratings[i].Who }
	formatOrder := make([]string, 0, len(out.Total.Formats))
	for _, f := range out.Total.Formats {
		formatOrder = append(formatOrder, f.Slug)
	}
	for _, rt := range p.ratings { // rated formats held elsewhere (another region's session)
		if !slices.Contains(formatOrder, rt.Format) {
			formatOrder = append(formatOrder, rt.Format)
		}
	}
	byCommune, byFormat := survey.Breakdown(len(p.ratings), fbWho,
		communes(func(i int) string { return p.ratingsOrg[i] }),
		survey.Dimension{Key: func(i int) string { return p.ratings[i].Format }, Order: formatOrder, Pop: map[string]int{}})
	place(BlockFeedback, byCommune, func(f *Figures, m []int) { f.Feedback = feedbackOf(p.ratings, m, fbWho, p.nameWords, true) })
	if survey.People(all(len(p.ratings)), fbWho) >= survey.MinGroup {
		out.Total.Feedback = feedbackOf(p.ratings, all(len(p.ratings)), fbWho, p.nameWords, true)
	}
	out.Formats, out.FormatOthers = s.formatLines(held, shared, orgs, p, byFormat, fbWho, lang)

	// The état des lieux, pooled under the survey's own rules.
	s.surveys(out, orgs, shared, line, names, lang)
	for i := range out.Communes {
		if f := out.Communes[i].Figures; f != nil && f.Formats == nil {
			f.Formats = []FormatUse{}
		}
	}
	if out.Total.Formats == nil {
		out.Total.Formats = []FormatUse{}
	}
	return out
}

// orgIDsOf lists the sharing communes in the order of orgs.
func orgIDsOf(orgs []store.Org, shared map[int64]*report.Shared) []int64 {
	var out []int64
	for _, o := range orgs {
		if shared[o.ID] != nil {
			out = append(out, o.ID)
		}
	}
	return out
}

func all(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func avg(sum float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := sum / float64(n)
	return &v
}

func trainingOf(rows []report.PersonRow, members []int) *Training {
	t := &Training{People: len(members)}
	for _, i := range members {
		if rows[i].Trained {
			t.Trained++
		}
	}
	t.ShareTrained = ratio(t.Trained, t.People)
	return t
}

func sessionsOf(held []report.HeldRow, planned int) *Sessions {
	sum := 0.0
	for _, h := range held {
		sum += h.Fill
	}
	return &Sessions{Held: len(held), Planned: planned, AverageFillRate: avg(sum, len(held))}
}

func attendanceOf(rows []report.ExpectedRow, members []int) *Attendance {
	a := &Attendance{Expected: len(members)}
	absent := 0
	for _, i := range members {
		if rows[i].Absent {
			absent++
		}
	}
	if len(members) > 0 {
		v := ratio(absent, len(members))
		a.NoShowRate = &v
	}
	return a
}

func feedbackOf(rows []report.Rating, members []int, who func(int) string, skip map[string]bool, words bool) *Feedback {
	var overall, will, before, after float64
	var useCases, worries []string
	for _, i := range members {
		r := rows[i]
		overall += float64(r.Overall)
		will += float64(r.WillUse)
		before += float64(r.ConfidenceBefore)
		after += float64(r.ConfidenceAfter)
		useCases, worries = append(useCases, r.UseCases), append(worries, r.Worries)
	}
	n := len(members)
	f := &Feedback{Respondents: survey.People(members, who), Overall: avg(overall, n), Interest: avg(will, n),
		ConfidenceBefore: avg(before, n), ConfidenceAfter: avg(after, n), ConfidenceGain: avg(after-before, n),
		TopUseCases: []report.Word{}, TopWorries: []report.Word{}}
	if words {
		f.TopUseCases = report.TopWordsWithout(useCases, topWords, skip)
		f.TopWorries = report.TopWordsWithout(worries, topWords, skip)
	}
	return f
}

// formatsOf lists the formats of sessions held, most held first.
func (s *Service) formatsOf(held []report.HeldRow, lang string) []FormatUse {
	count := map[string]int{}
	var order []string
	for _, h := range held {
		if count[h.Format] == 0 {
			order = append(order, h.Format)
		}
		count[h.Format]++
	}
	out := make([]FormatUse, 0, len(order))
	for _, slug := range order {
		out = append(out, FormatUse{Slug: slug, Title: s.title(slug, lang), SessionsHeld: count[slug]})
	}
	slices.SortStableFunc(out, func(a, b FormatUse) int {
		return cmp.Or(cmp.Compare(b.SessionsHeld, a.SessionsHeld), cmp.Compare(a.Title, b.Title))
	})
	return out
}

// title is a format's title in lang, a commune's own format's as last
// read, its slug when neither is known.
func (s *Service) title(slug, lang string) string {
	if f, ok := s.catalog.Format(slug); ok {
		return f.Localized(lang).Title
	}
	if t, ok := s.titles.Load(slug + "/" + lang); ok {
		return t.(string)
	}
	return slug
}

// formatLines gives each format used or rated in the region its line:
// sessions, communes, fill, and its ratings from the format cells.
func (s *Service) formatLines(held []report.HeldRow, shared map[int64]*report.Shared, orgs []store.Org, p pool, cells []survey.Cell, who func(int) string, lang string) ([]FormatLine, *FormatOthers) {
	byFormat := map[string]*FormatLine{}
	var lines []*FormatLine
	get := func(slug string) *FormatLine {
		if l, ok := byFormat[slug]; ok {
			return l
		}
		l := &FormatLine{FormatUse: FormatUse{Slug: slug, Title: s.title(slug, lang)}}
		byFormat[slug] = l
		lines = append(lines, l)
		return l
	}
	fill := map[string]float64{}
	for _, h := range held {
		l := get(h.Format)
		l.SessionsHeld++
		fill[h.Format] += h.Fill
	}
	for _, id := range orgIDsOf(orgs, shared) {
		seen := map[string]bool{}
		for _, h := range shared[id].Held {
			if !seen[h.Format] {
				seen[h.Format] = true
				get(h.Format).Communes++
			}
		}
	}
	var others *FormatOthers
	for _, c := range cells {
		if c.Key != survey.KeyOthers {
			get(c.Key).Feedback = feedbackOf(p.ratings, c.Members, who, p.nameWords, false)
			continue
		}
		others = &FormatOthers{Formats: []string{}}
		for _, k := range c.Merged {
			get(k).Merged = true
			others.Formats = append(others.Formats, s.title(k, lang))
		}
		if !c.Withheld {
			others.Feedback = feedbackOf(p.ratings, c.Members, who, p.nameWords, false)
		}
	}
	out := make([]FormatLine, 0, len(lines))
	for _, l := range lines {
		if l.SessionsHeld > 0 {
			l.AverageFillRate = avg(fill[l.Slug], l.SessionsHeld)
		}
		out = append(out, *l)
	}
	slices.SortStableFunc(out, func(a, b FormatLine) int {
		return cmp.Or(cmp.Compare(b.SessionsHeld, a.SessionsHeld), cmp.Compare(a.Title, b.Title))
	})
	return out, others
}

// surveys pools the sharing communes' closed états des lieux: one
// breakdown by commune (in place of services) and by group, with
// survey.Aggregate's anonymity rules.
func (s *Service) surveys(out *Report, orgs []store.Org, shared map[int64]*report.Shared, line map[string]*Commune, names map[string]string, lang string) {
	var slug string
	var responses []survey.Response
	pop := survey.Population{Departments: map[int64]int{}, Groups: map[survey.Group]int{}}
	slugOf := map[string]string{} // survey.DepartmentKey(org id) → commune slug
	for _, o := range orgs {
		sh := shared[o.ID]
		if sh == nil || sh.Survey == nil {
			continue
		}
		if slug == "" {
			slug = sh.Survey.Slug
		}
		if sh.Survey.Slug != slug {
			continue // another questionnaire: its answers do not add up
		}
		rs, err := inquiry.Responses(sh.Survey.Responses)
		if err != nil {
			continue
		}
		for i := range rs {
			rs[i].DepartmentID = o.ID
		}
		responses = append(responses, rs...)
		slugOf[survey.DepartmentKey(o.ID)] = o.Slug
		for _, row := range sh.Survey.Population {
			pop.Departments[o.ID] += int(row.N)
			pop.Groups[survey.Group(row.GroupKey)] += int(row.N)
			pop.Total += int(row.N)
		}
	}
	cs, ok := s.catalog.Survey(slug)
	if slug == "" || !ok {
		return
	}
	res := survey.Aggregate(cs, responses, pop)
	fig := func(f *survey.Figures) *Survey {
		if f == nil {
			return nil
		}
		return &Survey{Respondents: f.Respondents, ResponseRate: f.ResponseRate, UsingAI: f.UsingAI, Competence: f.Competence, Interest: f.Interest,
			TopTasks: inquiry.Labels(s.tr, lang, cs, "tasks", f.TopTasks), TopWorries: inquiry.Labels(s.tr, lang, cs, "worries", f.TopWorries)}
	}
	out.Total.Survey = fig(res.Overall.Figures)
	for _, part := range res.Services {
		if part.Key != survey.KeyOthers {
			if c := line[slugOf[part.Key]]; c != nil && c.Figures != nil {
				c.Figures.Survey = fig(part.Figures)
			}
			continue
		}
		for _, k := range part.Merged {
			if c := line[slugOf[k]]; c != nil {
				c.Merged = append(c.Merged, BlockSurvey)
				out.Others.Communes[BlockSurvey] = append(out.Others.Communes[BlockSurvey], names[c.Slug])
			}
		}
		out.Others.Survey = fig(part.Figures)
	}
}
