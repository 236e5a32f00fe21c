package plan

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// The property tests generate communes and requests at random (from fixed
// seeds, so a failure is reproducible by its case name) and check every rule
// of the package on each proposal with code of their own: who is where,
// capacity, shares, teams, council slots, overlaps, the number of sessions
// against a lower bound (and against brute force when the instance is
// small), what editing does, and determinism.

// window kinds of a generated request.
const (
	windowShort  = "short"  // one week: people are left without a slot
	windowEnough = "enough" // exactly the lower bound's number of starts
	windowPlenty = "plenty" // weeks of slots, some overlapping
)

type genCase struct {
	name   string
	req    Request
	window string
}

// generate makes the case of seed.
func generate(seed uint64) genCase {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	pick := func(xs ...int) int { return xs[r.IntN(len(xs))] }

	// The commune: 1–40 services of 1–60 people (half of them small),
	// some people without a service, maybe a council.
	var people []Person
	services := 1 + r.IntN(40)
	for d := 1; d <= services; d++ {
		n := 1 + r.IntN(60)
		if r.IntN(2) == 0 {
			n = 1 + r.IntN(8)
		}
		for i := range n {
			role := "staff"
			switch {
			case i == 0:
				role = "head_of_service"
			case i == 1 && r.IntN(2) == 0:
				role = "deputy_head"
			}
			people = append(people, Person{DepartmentID: int64(d * 10), Role: role})
		}
	}
	for range r.IntN(3) {
		people = append(people, Person{Role: "municipal_secretary"})
	}
	if r.IntN(2) == 0 {
		for i := range 1 + r.IntN(15) {
			p := Person{Role: "council_member"}
			if i == 0 && r.IntN(5) == 0 {
				p.DepartmentID = 10 // a councillor who also works in a service
			}
			people = append(people, p)
		}
	}
	trainedRate := []float64{0, 0.3, 0.6}[r.IntN(3)]
	ids := r.Perm(len(people))
	for i := range people {
		people[i].ID = int64(ids[i]*3 + 7) // not in service order
		people[i].Trained = r.Float64() < trainedRate
		people[i].Booked = r.Float64() < 0.05
	}

	g := []catalog.Grouping{catalog.GroupTeam, catalog.GroupDepartment, catalog.GroupMixed, catalog.GroupMixed}[r.IntN(4)]
	part := []catalog.Participation{catalog.Voluntary, catalog.Mandatory}[r.IntN(2)]
	f := format(g, part, pick(60, 120, 180, 240, 420))
	if r.IntN(4) == 0 {
		f.Audiences = []catalog.Audience{catalog.AudienceStaff, catalog.AudienceDeputyHead}
	}
	req := Request{
		Format: f, Audience: Audience{All: true}, People: people,
		Capacity:       pick(1, 5, 12, 30),
		MaxShare:       []float64{0, 0.3, 0.5, 1}[r.IntN(4)],
		IncludeTrained: r.IntN(2) == 0,
	}
	switch r.IntN(6) {
	case 0:
		req.Audience = Audience{Role: "staff"}
	case 1:
		req.Audience = Audience{DepartmentID: int64(10 * (1 + r.IntN(services)))}
	}
	// Capacity 1 with thousands of people needs thousands of sessions:
	// keep such communes small enough for a year of slots to matter.
	if req.Capacity == 1 && len(people) > 300 {
		req.People = people[:300]
	}
	if len(audienceOf(req)) == 0 {
		req.Audience = Audience{All: true}
	}

	staffAt := Clock{8, 0}
	councilMin := min(18*60+30, 23*60-f.DurationMinutes)
	councilAt := Clock{councilMin / 60, councilMin % 60}
	start := Date{2027, time.Month(1 + r.IntN(12)), 1 + r.IntN(28)}
	req.Now = start.at(0, 0).Add(-time.Duration(r.IntN(5)*24) * time.Hour)
	needStaff, needCouncil := lowerBounds(req)
	c := genCase{window: []string{windowShort, windowEnough, windowPlenty}[r.IntN(3)]}
	if c.window == windowEnough && needStaff+needCouncil > MaxStarts {
		c.window = windowPlenty
	}
	switch c.window {
	case windowShort:
		req.From, req.To = start, DateOf(start.at(12, 0).AddDate(0, 0, 6))
		req.Slots = []Slot{{Weekday: start.at(12, 0).Weekday(), Start: staffAt}, {Weekday: time.Wednesday, Start: councilAt, Council: true}}
	case windowEnough:
		// One staff start a day, one council start a day, never
		// overlapping: exactly as many as the lower bounds.
		for i := range max(needStaff, needCouncil) {
			day := DateOf(start.at(12, 0).AddDate(0, 0, i))
			if i < needStaff {
				req.Starts = append(req.Starts, Start{At: day.at(staffAt.Hour, staffAt.Minute)})
			}
			if i < needCouncil {
				req.Starts = append(req.Starts, Start{At: day.at(councilAt.Hour, councilAt.Minute), Council: true})
			}
		}
		if len(req.Starts) == 0 {
			req.Starts = []Start{{At: start.at(9, 0)}} // nobody to plan
		}
	case windowPlenty:
		req.Slots = []Slot{
			{Weekday: time.Monday, Start: staffAt}, {Weekday: time.Tuesday, Start: staffAt}, {Weekday: time.Wednesday, Start: staffAt},
			{Weekday: time.Thursday, Start: staffAt}, {Weekday: time.Friday, Start: staffAt},
			{Weekday: time.Tuesday, Start: Clock{13, 30}}, {Weekday: time.Thursday, Start: Clock{13, 30}}, // overlap 08:00 when long
			{Weekday: time.Monday, Start: councilAt, Council: true},
			{Weekday: time.Thursday, Start: Clock{9, 0}, Council: true}, // overlaps Thursday 08:00
		}
		weeks := min(52, (2*(needStaff+needCouncil))/5+2)
		req.From, req.To = start, DateOf(start.at(12, 0).AddDate(0, 0, 7*weeks-1))
	}
	if r.IntN(3) == 0 {
		// The room is taken now and then: whole days, and evenings.
		for i := range 1 + r.IntN(20) {
			day := DateOf(start.at(12, 0).AddDate(0, 0, r.IntN(60)))
			if i%2 == 0 {
				req.Busy = append(req.Busy, Interval{day.at(7, 0), day.at(12, 0)})
			} else {
				req.Busy = append(req.Busy, Interval{day.at(17, 0), day.at(23, 0)})
			}
		}
	}
	c.req = req
	c.name = fmt.Sprintf("seed%d/%s/%s/cap%d/%s/%dpeople", seed, g, part, req.Capacity, c.window, len(req.People))
	return c
}

// eligibility is the test's own reading of who is planned: "" or the reason
// they are left out.
func eligibility(req Request, p Person) Reason {
	f := req.Format
	switch {
	case !slices.Contains(f.Audiences, catalog.Audience(p.Role)):
		return ReasonRole
	case p.Trained && (f.Participation == catalog.Mandatory || !req.IncludeTrained):
		return ReasonTrained
	case p.Booked:
		return ReasonBooked
	}
	return ""
}

// audienceOf is the audience in ID order.
func audienceOf(req Request) []Person {
	var out []Person
	for _, p := range req.People {
		if req.Audience.Matches(p) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Person) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// shareLimit is the most people of a service of size n in one mixed session.
func shareLimit(req Request, n int) int {
	share := req.MaxShare
	if share == 0 {
		share = 0.5
	}
	return max(1, int(math.Floor(share*float64(n)+1e-9)))
}

// isCouncil says whether p goes to council slots.
func isCouncil(p Person) bool { return p.Role == "council_member" }

// kindOf names a kind: 0 staff, 1 council.
func kindOf(p Person) int {
	if isCouncil(p) {
		return 1
	}
	return 0
}

// serviceSizes counts the audience's people per service.
func serviceSizes(req Request) map[int64]int {
	m := map[int64]int{}
	for _, p := range audienceOf(req) {
		m[p.DepartmentID]++
	}
	return m
}

// eligibleByKind groups the people to plan by kind, then by service.
func eligibleByKind(req Request) [2]map[int64]int {
	out := [2]map[int64]int{{}, {}}
	for _, p := range audienceOf(req) {
		if eligibility(req, p) == "" {
			out[kindOf(p)][p.DepartmentID]++
		}
	}
	return out
}

// teamParts is the test's own cut of a kind's people into the groups a
// team format keeps whole.
func teamParts(req Request, byService map[int64]int) []int {
	var parts []int
	for d, n := range byService {
		switch {
		case d == 0:
			for range n {
				parts = append(parts, 1)
			}
		case n <= req.Capacity:
			parts = append(parts, n)
		default:
			k := (n + req.Capacity - 1) / req.Capacity
			for i := range k {
				parts = append(parts, n/k+b2i(i < n%k))
			}
		}
	}
	slices.Sort(parts)
	return parts
}

// lowerBound is the fewest sessions one kind can need. Mixed: max(ceil(N /
// capacity), ceil(n / limit) for each service), which the package must meet
// exactly. Team: max(ceil(N / capacity), groups larger than half a session).
func lowerBound(req Request, byService map[int64]int) int {
	total := 0
	for _, n := range byService {
		total += n
	}
	lb := (total + req.Capacity - 1) / req.Capacity
	if req.Format.Grouping == catalog.GroupMixed {
		sizes := serviceSizes(req)
		for d, n := range byService {
			if d != 0 {
				l := shareLimit(req, sizes[d])
				lb = max(lb, (n+l-1)/l)
			}
		}
		return lb
	}
	big := 0
	for _, s := range teamParts(req, byService) {
		if 2*s > req.Capacity {
			big++
		}
	}
	return max(lb, big)
}

// lowerBounds are the lower bounds of both kinds.
func lowerBounds(req Request) (staff, council int) {
	k := eligibleByKind(req)
	return lowerBound(req, k[0]), lowerBound(req, k[1])
}

// optimalBins packs sizes into the fewest bins by dynamic programming over
// subsets (for at most 14 items): best[mask] is the fewest bins, then the
// lightest last bin, that hold the items of mask.
func optimalBins(sizes []int, capacity int) int {
	type state struct{ bins, load int }
	n := len(sizes)
	best := make([]state, 1<<n)
	for m := range best {
		best[m] = state{math.MaxInt, 0}
	}
	best[0] = state{1, 0}
	for m := range best {
		if best[m].bins == math.MaxInt {
			continue
		}
		for i, s := range sizes {
			if m&(1<<i) != 0 {
				continue
			}
			next := state{best[m].bins, best[m].load + s}
			if next.load > capacity {
				next = state{best[m].bins + 1, s}
			}
			if b := &best[m|1<<i]; next.bins < b.bins || next.bins == b.bins && next.load < b.load {
				*b = next
			}
		}
	}
	if n == 0 {
		return 0
	}
	return best[len(best)-1].bins
}

// testCandidates is the test's own list of free times of kind council: each
// slot on each matching day, at its wall-clock time (skipped in the DST
// gap), after now, clear of the room's busy times.
func testCandidates(req Request, council bool) []Interval {
	dur := time.Duration(req.Format.DurationMinutes) * time.Minute
	var out []Interval
	add := func(t time.Time) {
		if !t.After(req.Now) {
			return
		}
		for _, b := range req.Busy {
			if t.Before(b.End) && b.Start.Before(t.Add(dur)) {
				return
			}
		}
		out = append(out, Interval{t, t.Add(dur)})
	}
	if len(req.Slots) > 0 {
		for d := req.From.at(12, 0); !req.To.before(DateOf(d)); d = d.AddDate(0, 0, 1) {
			for _, s := range req.Slots {
				if s.Weekday == d.Weekday() && s.Council == council {
					t := time.Date(d.Year(), d.Month(), d.Day(), s.Start.Hour, s.Start.Minute, 0, 0, tz.Zurich)
					if t.Format("15:04") == s.Start.String() {
						add(t)
					}
				}
			}
		}
	}
	for _, s := range req.Starts {
		if s.Council == council {
			add(s.At)
		}
	}
	return out
}

// stats counts how the team packing compares with its bounds.
type stats struct {
	teamKinds, atLowerBound, bruteForced, aboveLowerBound int
}

// verify checks every rule on p, a proposal for req, with the test's own
// reading of the rules.
func verify(t *testing.T, c genCase, p *Proposal, st *stats) {
	t.Helper()
	req := c.req
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(c.name+": "+format, args...)
	}
	audience := audienceOf(req)
	byID := map[int64]Person{}
	for _, q := range audience {
		byID[q.ID] = q
	}
	sizes := serviceSizes(req)
	dur := time.Duration(req.Format.DurationMinutes) * time.Minute
	team := req.Format.Grouping != catalog.GroupMixed

	// Everyone of the audience exactly once, placed or with a reason that
	// is theirs.
	where := map[int64]int{}
	count := map[int64]int{}
	for i, s := range p.Sessions {
		for _, id := range s.People {
			where[id] = i
			count[id]++
		}
	}
	unplacedFor := map[int64]Reason{}
	for _, u := range p.Unplaced {
		unplacedFor[u.PersonID] = u.Reason
		count[u.PersonID]++
	}
	for id, n := range count {
		if _, ok := byID[id]; !ok || n != 1 {
			fail("person %d appears %d times (in the audience: %v)", id, n, ok)
		}
	}
	left := [2]int{}
	for _, q := range audience {
		if count[q.ID] != 1 {
			fail("person %d is nowhere", q.ID)
		}
		want := eligibility(req, q)
		got, out := unplacedFor[q.ID]
		switch {
		case want != "" && got != want:
			fail("person %d: reason %q, want %q", q.ID, got, want)
		case want == "" && out && isCouncil(q) && got != ReasonNoCouncilSlot:
			fail("council member %d: reason %q", q.ID, got)
		case want == "" && out && !isCouncil(q) && got != ReasonNoSlot:
			fail("person %d: reason %q", q.ID, got)
		}
		if want == "" && out {
			left[kindOf(q)]++
		}
	}

	// Sessions: seats, length, slots, council, shares, order.
	free := [2][]Interval{testCandidates(req, false), testCandidates(req, true)}
	isFree := [2]map[int64]bool{{}, {}}
	for k := range free {
		for _, x := range free[k] {
			isFree[k][x.Start.UnixNano()] = true
		}
	}
	var spans []Interval
	perKind := [2][]Session{}
	for i, s := range p.Sessions {
		if len(s.People) == 0 || len(s.People) > req.Capacity {
			fail("session %d has %d people for %d seats", i, len(s.People), req.Capacity)
		}
		if !slices.IsSorted(s.People) {
			fail("session %d: people not sorted", i)
		}
		if s.End.Sub(s.Start) != dur {
			fail("session %d lasts %v", i, s.End.Sub(s.Start))
		}
		if i > 0 && s.Start.Before(p.Sessions[i-1].Start) {
			fail("sessions not in order")
		}
		if !isFree[b2i(s.Council)][s.Start.UnixNano()] {
			fail("session %d at %v (council %v) is not a free slot", i, s.Start, s.Council)
		}
		spans = append(spans, Interval{s.Start, s.End})
		perService := map[int64]int{}
		for _, id := range s.People {
			q := byID[id]
			if isCouncil(q) != s.Council {
				fail("person %d (council %v) in session %d (council %v)", id, isCouncil(q), i, s.Council)
			}
			perService[q.DepartmentID]++
		}
		if !reflect.DeepEqual(perService, s.ByService) {
			fail("session %d: ByService %v, people say %v", i, s.ByService, perService)
		}
		if !team {
			for d, n := range perService {
				if d != 0 && n > shareLimit(req, sizes[d]) {
					fail("session %d: %d of service %d's %d (limit %d)", i, n, d, sizes[d], shareLimit(req, sizes[d]))
				}
			}
		}
		perKind[b2i(s.Council)] = append(perKind[b2i(s.Council)], s)
	}
	slices.SortFunc(spans, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	for i := 1; i < len(spans); i++ {
		if spans[i].Start.Before(spans[i-1].End) {
			fail("sessions at %v and %v overlap", spans[i-1].Start, spans[i].Start)
		}
	}
	for _, s := range spans {
		for _, b := range req.Busy {
			if s.Start.Before(b.End) && b.Start.Before(s.End) {
				fail("session at %v in a busy time of the room", s.Start)
			}
		}
	}

	eligible := eligibleByKind(req)
	for k := range 2 {
		sessions := perKind[k]
		// Teams: together when they fit, else in the fewest balanced parts.
		if team {
			parts := map[int64][]int{}
			for _, s := range sessions {
				for d, n := range s.ByService {
					if d != 0 {
						parts[d] = append(parts[d], n)
					}
				}
			}
			for d, got := range parts {
				n := eligible[k][d]
				want := (n + req.Capacity - 1) / req.Capacity
				if len(got) > want || len(got) != want && left[k] == 0 {
					fail("kind %d: service %d of %d in parts %v", k, d, n, got)
				}
				for _, x := range got {
					if x != n/want && x != (n+want-1)/want {
						fail("kind %d: service %d of %d in parts %v, not balanced", k, d, n, got)
					}
				}
			}
		}
		// The number of sessions.
		if left[k] > 0 {
			if parts := teamParts(req, eligible[k]); team && c.window == windowEnough && len(req.Busy) == 0 && len(parts) <= 14 &&
				optimalBins(parts, req.Capacity) <= lowerBound(req, eligible[k]) {
				fail("kind %d: as many starts as an optimal packing needs, yet %d left without one", k, left[k])
			}
			// Left without a slot: then no free slot of their kind is left.
			for _, x := range free[k] {
				if !slices.ContainsFunc(spans, func(s Interval) bool { return s.Start.Before(x.End) && x.Start.Before(s.End) }) {
					fail("kind %d: %d left without a slot, but %v is free", k, left[k], x.Start)
				}
			}
			continue
		}
		lb := lowerBound(req, eligible[k])
		if len(sessions) < lb {
			fail("kind %d: %d sessions, below the lower bound %d", k, len(sessions), lb)
		}
		if !team {
			if len(sessions) != lb {
				fail("kind %d: %d sessions, the lower bound %d is reachable", k, len(sessions), lb)
			}
			continue
		}
		if len(sessions) == 0 {
			continue
		}
		st.teamKinds++
		// No two sessions could be merged: at most 2·OPT−1 sessions.
		for i := range sessions {
			for j := range i {
				if len(sessions[i].People)+len(sessions[j].People) <= req.Capacity {
					fail("kind %d: sessions of %d and %d could be one", k, len(sessions[i].People), len(sessions[j].People))
				}
			}
		}
		if len(sessions) == lb {
			st.atLowerBound++
		} else {
			st.aboveLowerBound++
		}
		if parts := teamParts(req, eligible[k]); len(parts) <= 14 {
			st.bruteForced++
			if opt := optimalBins(parts, req.Capacity); len(sessions) != opt {
				fail("kind %d: %d sessions for parts %v, brute force finds %d", k, len(sessions), parts, opt)
			}
		}
	}
	if c.window == windowEnough && !team && len(req.Busy) == 0 && left != [2]int{} {
		fail("exactly enough starts, yet %v left without a slot", left)
	}

	// Check agrees: no broken rule, the same warnings.
	ws, err := Check(req, p)
	if err != nil {
		fail("Check: %v", err)
	}
	if v := violations(ws); len(v) > 0 {
		fail("Check finds broken rules in Propose's work: %v", v)
	}
	if len(ws)+len(p.Warnings) > 0 && !reflect.DeepEqual(ws, p.Warnings) {
		fail("Check gives %v, the proposal %v", ids(ws), ids(p.Warnings))
	}
}

func TestProposeProperties(t *testing.T) {
	n := 500
	if testing.Short() {
		n = 60
	}
	var st stats
	windows := map[string]int{}
	for seed := range uint64(n) {
		c := generate(seed)
		p, err := Propose(c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		windows[c.window]++
		verify(t, c, p, &st)

		// Deterministic, whatever the order of the input.
		shuffled := c.req
		shuffled.People = slices.Clone(c.req.People)
		rand.New(rand.NewPCG(seed, 1)).Shuffle(len(shuffled.People), func(i, j int) {
			shuffled.People[i], shuffled.People[j] = shuffled.People[j], shuffled.People[i]
		})
		slices.Reverse(shuffled.Busy)
		if again, _ := Propose(shuffled); !reflect.DeepEqual(again, p) {
			t.Fatalf("%s: another order gives another proposal", c.name)
		}

		// Editing: removing sessions re-places under the rules only, so
		// no rule breaks; a move keeps everyone exactly once.
		r := rand.New(rand.NewPCG(seed, 2))
		for range min(3, len(p.Sessions)) {
			if err := RemoveSession(c.req, p, r.IntN(len(p.Sessions))); err != nil {
				t.Fatalf("%s: RemoveSession: %v", c.name, err)
			}
			if v := violations(p.Warnings); len(v) > 0 {
				t.Fatalf("%s: RemoveSession broke rules: %v", c.name, v)
			}
			assertOnce(t, c.req, p)
		}
		audience := audienceOf(c.req)
		for range 3 {
			to := Unplace
			if len(p.Sessions) > 0 {
				to = r.IntN(len(p.Sessions))
			}
			if err := Move(c.req, p, audience[r.IntN(len(audience))].ID, to); err != nil {
				t.Fatalf("%s: Move: %v", c.name, err)
			}
			assertOnce(t, c.req, p)
		}
		for _, w := range p.Warnings {
			if len(w.Msg.Args) != warningArgs[w.Code] {
				t.Fatalf("%s: %s has %d arguments", c.name, w.ID(), len(w.Msg.Args))
			}
		}
	}
	t.Logf("%d cases %v; team packings: %d, %d at the lower bound, %d above it, %d checked against brute force",
		n, windows, st.teamKinds, st.atLowerBound, st.aboveLowerBound, st.bruteForced)
}
