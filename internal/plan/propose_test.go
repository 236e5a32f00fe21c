package plan

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// format builds a format of the catalogue's shape.
func format(g catalog.Grouping, p catalog.Participation, minutes int, audiences ...catalog.Audience) *catalog.Format {
	if len(audiences) == 0 {
		audiences = []catalog.Audience{catalog.AudienceStaff, catalog.AudienceHeadOfService, catalog.AudienceDeputyHead, catalog.AudienceMunicipalSecretary, catalog.AudienceCouncilMember}
	}
	return &catalog.Format{Slug: "test-" + string(g), DurationMinutes: minutes, Participation: p, Grouping: g, Audiences: audiences}
}

// commune makes staff in services 1, 2, … of the given sizes, IDs from 1.
func commune(sizes ...int) []Person {
	var people []Person
	for d, n := range sizes {
		for range n {
			people = append(people, Person{ID: int64(len(people) + 1), DepartmentID: int64(d + 1), Role: "staff"})
		}
	}
	return people
}

// councilOf adds n council members (no service) after people.
func councilOf(people []Person, n int) []Person {
	for range n {
		people = append(people, Person{ID: int64(len(people) + 1), Role: "council_member"})
	}
	return people
}

func zurich(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, tz.Zurich)
}

// baseRequest is the issue's example: every Tuesday 13:30 from 11 January
// to 26 February 2027, 3 h, 12 seats.
func baseRequest(f *catalog.Format, people []Person) Request {
	return Request{
		Format: f, Audience: Audience{All: true}, People: people,
		From: Date{2027, 1, 11}, To: Date{2027, 2, 26},
		Slots:    []Slot{{Weekday: time.Tuesday, Start: Clock{13, 30}}},
		Capacity: 12,
		Now:      zurich(2027, 1, 4, 9, 0),
	}
}

func mustPropose(t *testing.T, req Request) *Proposal {
	t.Helper()
	p, err := Propose(req)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sizes lists the sessions' head counts.
func sizes(p *Proposal) []int {
	var out []int
	for _, s := range p.Sessions {
		out = append(out, len(s.People))
	}
	return out
}

// starts lists the sessions' starts in Zurich, "2006-01-02 15:04".
func starts(p *Proposal) []string {
	var out []string
	for _, s := range p.Sessions {
		out = append(out, tz.In(s.Start).Format("2006-01-02 15:04"))
	}
	return out
}

// reasons counts the unplaced by reason.
func reasons(p *Proposal) map[Reason]int {
	m := map[Reason]int{}
	for _, u := range p.Unplaced {
		m[u.Reason]++
	}
	return m
}

func violations(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		if w.Violation {
			out = append(out, w.ID())
		}
	}
	return out
}

func TestProposeExamples(t *testing.T) {
	mixed := format(catalog.GroupMixed, catalog.Voluntary, 180)
	team := format(catalog.GroupTeam, catalog.Mandatory, 240)
	demo := commune(8, 7, 6, 5, 5, 4, 4, 2) // 41 staff in 8 services
	cases := map[string]struct {
		req         Request
		wantSizes   []int
		wantStarts  []string
		wantReasons map[Reason]int
		wantWarn    []WarningCode
	}{
		"41 staff in 8 services, mixed, 12 seats: 4 sessions": {
			req:         baseRequest(mixed, demo),
			wantSizes:   []int{11, 10, 10, 10},
			wantStarts:  []string{"2027-01-12 13:30", "2027-01-19 13:30", "2027-01-26 13:30", "2027-02-02 13:30"},
			wantReasons: map[Reason]int{},
		},
		"team format: a service of 15 for 12 seats is split 8/7": {
			req:         baseRequest(team, commune(15)),
			wantSizes:   []int{8, 7},
			wantReasons: map[Reason]int{},
		},
		"team format: four services of 7 stay whole, one session each": {
			req:         baseRequest(team, commune(7, 7, 7, 7)),
			wantSizes:   []int{7, 7, 7, 7},
			wantReasons: map[Reason]int{},
		},
		"team format: services share sessions, balanced": {
			req:         baseRequest(team, commune(6, 5, 4, 3, 3, 2, 2, 1)),
			wantSizes:   []int{9, 8, 9}, // 26 people, 3 sessions
			wantReasons: map[Reason]int{},
		},
		"mixed: a service of 3 needs 3 sessions to keep two at work": {
			req:         baseRequest(mixed, commune(3)),
			wantSizes:   []int{1, 1, 1},
			wantReasons: map[Reason]int{},
		},
		"mixed: max share 1 lets a service go together": {
			req:         func() Request { r := baseRequest(mixed, commune(3)); r.MaxShare = 1; return r }(),
			wantSizes:   []int{3},
			wantReasons: map[Reason]int{},
		},
		"window too short: the rest is unplaced, with a warning": {
			req: func() Request {
				r := baseRequest(mixed, demo)
				r.To = Date{2027, 1, 20} // two Tuesdays
				return r
			}(),
			wantSizes:   []int{12, 12},
			wantReasons: map[Reason]int{ReasonNoSlot: 17},
			wantWarn:    []WarningCode{WarnNoSlot},
		},
		"a busy room and a slot in the past are skipped": {
			req: func() Request {
				r := baseRequest(mixed, commune(12, 12))
				r.Now = zurich(2027, 1, 12, 14, 0) // 12 January has started
				r.Busy = []Interval{{zurich(2027, 1, 19, 15, 0), zurich(2027, 1, 19, 17, 0)}}
				return r
			}(),
			wantSizes:   []int{12, 12},
			wantStarts:  []string{"2027-01-26 13:30", "2027-02-02 13:30"},
			wantReasons: map[Reason]int{},
		},
		"overlapping slots are never both taken": {
			req: func() Request {
				r := baseRequest(mixed, commune(12, 12, 12))
				r.Slots = []Slot{{Weekday: time.Tuesday, Start: Clock{8, 30}}, {Weekday: time.Tuesday, Start: Clock{10, 0}}, {Weekday: time.Tuesday, Start: Clock{13, 30}}}
				return r
			}(),
			wantSizes:   []int{12, 12, 12},
			wantStarts:  []string{"2027-01-12 08:30", "2027-01-12 13:30", "2027-01-19 08:30"},
			wantReasons: map[Reason]int{},
		},
		"the council goes to its evening slot, alone": {
			req: func() Request {
				r := baseRequest(mixed, councilOf(commune(6, 6), 7))
				r.Slots = append(r.Slots, Slot{Weekday: time.Monday, Start: Clock{18, 30}, Council: true})
				return r
			}(),
			wantSizes:   []int{7, 6, 6}, // 12 in one would be all of each service
			wantStarts:  []string{"2027-01-11 18:30", "2027-01-12 13:30", "2027-01-19 13:30"},
			wantReasons: map[Reason]int{},
		},
		"no council slot: council members are unplaced": {
			req:         baseRequest(mixed, councilOf(commune(6, 6), 7)),
			wantSizes:   []int{6, 6},
			wantReasons: map[Reason]int{ReasonNoCouncilSlot: 7},
			wantWarn:    []WarningCode{WarnNoCouncilSlot},
		},
		"the format's audiences leave out other roles": {
			req: func() Request {
				r := baseRequest(format(catalog.GroupMixed, catalog.Voluntary, 120, catalog.AudienceHeadOfService), councilOf(commune(4), 2))
				r.People[0].Role = "head_of_service"
				return r
			}(),
			wantSizes:   []int{1},
			wantReasons: map[Reason]int{ReasonRole: 5},
		},
		"voluntary: trained people are skipped by default, booked ones always": {
			req: func() Request {
				r := baseRequest(mixed, commune(4, 4))
				r.People[0].Trained, r.People[1].Booked, r.People[2].Trained, r.People[2].Booked = true, true, true, true
				return r
			}(),
			wantSizes:   []int{3, 2},
			wantReasons: map[Reason]int{ReasonTrained: 2, ReasonBooked: 1},
		},
		"voluntary with skip_trained false plans the trained again": {
			req: func() Request {
				r := baseRequest(mixed, commune(4, 4))
				r.People[0].Trained, r.People[1].Booked = true, true
				r.IncludeTrained = true
				return r
			}(),
			wantSizes:   []int{4, 3},
			wantReasons: map[Reason]int{ReasonBooked: 1},
		},
		"everyone trained: nothing to plan": {
			req: func() Request {
				r := baseRequest(team, commune(2))
				r.People[0].Trained, r.People[1].Trained = true, true
				return r
			}(),
			wantReasons: map[Reason]int{ReasonTrained: 2},
			wantWarn:    []WarningCode{WarnNothingToPlan},
		},
		"explicit starts": {
			req: func() Request {
				r := baseRequest(mixed, commune(10, 10))
				r.Slots, r.From, r.To = nil, Date{}, Date{}
				r.Starts = []Start{{At: zurich(2027, 3, 2, 8, 30)}, {At: zurich(2027, 2, 23, 8, 30)}}
				return r
			}(),
			wantSizes:   []int{10, 10},
			wantStarts:  []string{"2027-02-23 08:30", "2027-03-02 08:30"},
			wantReasons: map[Reason]int{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := mustPropose(t, tc.req)
			if got := sizes(p); !slices.Equal(got, tc.wantSizes) {
				t.Errorf("sizes %v, want %v", got, tc.wantSizes)
			}
			if tc.wantStarts != nil && !slices.Equal(starts(p), tc.wantStarts) {
				t.Errorf("starts %v, want %v", starts(p), tc.wantStarts)
			}
			if got := reasons(p); !reflect.DeepEqual(got, tc.wantReasons) {
				t.Errorf("unplaced %v, want %v", got, tc.wantReasons)
			}
			var codes []WarningCode
			for _, w := range p.Warnings {
				codes = append(codes, w.Code)
			}
			if !slices.Equal(codes, tc.wantWarn) {
				t.Errorf("warnings %v, want %v", codes, tc.wantWarn)
			}
			checkRules(t, tc.req, p)
		})
	}
}

// TestProposeDemoShares checks the issue's example in full: no session holds
// more than half of any service of two or more.
func TestProposeDemoShares(t *testing.T) {
	req := baseRequest(format(catalog.GroupMixed, catalog.Voluntary, 180), commune(8, 7, 6, 5, 5, 4, 4, 2))
	p := mustPropose(t, req)
	size := map[int64]int{}
	for _, q := range req.People {
		size[q.DepartmentID]++
	}
	for i, s := range p.Sessions {
		for d, n := range s.ByService {
			if 2*n > size[d] {
				t.Errorf("session %d: %d of service %d's %d people", i, n, d, size[d])
			}
		}
		if got := s.End.Sub(s.Start); got != 3*time.Hour {
			t.Errorf("session %d lasts %v", i, got)
		}
	}
}

// TestProposeMandatoryAgain runs a mandatory campaign, marks the first
// sessions as held, and plans again: only the rest are planned, whatever
// skip_trained says.
func TestProposeMandatoryAgain(t *testing.T) {
	req := baseRequest(format(catalog.GroupMixed, catalog.Mandatory, 120), commune(8, 7, 6, 5, 5, 4, 4, 2))
	first := mustPropose(t, req)
	if len(first.Sessions) != 4 {
		t.Fatalf("%d sessions", len(first.Sessions))
	}
	trained := map[int64]bool{}
	for _, s := range first.Sessions[:2] {
		for _, id := range s.People {
			trained[id] = true
		}
	}
	for i := range req.People {
		req.People[i].Trained = trained[req.People[i].ID]
	}
	for _, include := range []bool{false, true} {
		req.IncludeTrained = include // skip_trained false does not apply to a mandatory format
		again := mustPropose(t, req)
		placed := 0
		for _, s := range again.Sessions {
			for _, id := range s.People {
				if trained[id] {
					t.Errorf("trained person %d planned again", id)
				}
				placed++
			}
		}
		if placed != 41-len(trained) || reasons(again)[ReasonTrained] != len(trained) {
			t.Errorf("include=%v: %d placed, unplaced %v; %d trained", include, placed, reasons(again), len(trained))
		}
		if len(again.Sessions) != 2 {
			t.Errorf("%d sessions for the remaining %d", len(again.Sessions), placed)
		}
		checkRules(t, req, again)
	}
}

// TestProposeDST checks slots across both changes of 2027: wall-clock times
// stay, the spring-forward gap is skipped, and durations are real time.
func TestProposeDST(t *testing.T) {
	req := baseRequest(format(catalog.GroupMixed, catalog.Voluntary, 60), commune(1, 1, 1, 1, 1, 1))
	req.From, req.To = Date{2027, 3, 22}, Date{2027, 4, 4}
	req.Capacity = 1
	req.Slots = []Slot{{Weekday: time.Sunday, Start: Clock{2, 30}}, {Weekday: time.Tuesday, Start: Clock{13, 30}}}
	p := mustPropose(t, req)
	got := starts(p)
	// 28 March 2027 02:30 does not exist: the Sundays give 4 April only.
	wantStarts := []string{"2027-03-23 13:30", "2027-03-30 13:30", "2027-04-04 02:30"}
	if !slices.Equal(got, wantStarts) {
		t.Fatalf("starts %v, want %v", got, wantStarts)
	}
	if _, off := p.Sessions[0].Start.Zone(); off != 3600 {
		t.Errorf("23 March is winter time, offset %d", off)
	}
	if _, off := p.Sessions[1].Start.Zone(); off != 7200 {
		t.Errorf("30 March is summer time, offset %d", off)
	}
	if reasons(p)[ReasonNoSlot] != 3 {
		t.Errorf("unplaced %v", reasons(p))
	}

	// Fall back: 31 October 2027, a 3-hour session from 01:00 ends at
	// 03:00 on the clock (three real hours, one of them repeated).
	req.From, req.To = Date{2027, 10, 31}, Date{2027, 10, 31}
	req.Now = zurich(2027, 10, 1, 0, 0)
	req.Format = format(catalog.GroupMixed, catalog.Voluntary, 180)
	req.Slots = []Slot{{Weekday: time.Sunday, Start: Clock{1, 0}}}
	p = mustPropose(t, req)
	if got := tz.In(p.Sessions[0].End).Format("15:04 MST"); got != "03:00 CET" {
		t.Errorf("ends %s", got)
	}
	if got := p.Sessions[0].End.Sub(p.Sessions[0].Start); got != 3*time.Hour {
		t.Errorf("lasts %v", got)
	}

	// 02:30 happens twice that night: the second, in winter time.
	req.Slots = []Slot{{Weekday: time.Sunday, Start: Clock{2, 30}}}
	p = mustPropose(t, req)
	if got := tz.In(p.Sessions[0].Start).Format("15:04 MST"); got != "02:30 CET" {
		t.Errorf("starts %s", got)
	}
}

// TestProposeDeterministic plans the same commune given in different orders.
func TestProposeDeterministic(t *testing.T) {
	people := councilOf(commune(9, 14, 3, 27, 1, 6), 5)
	people = append(people, Person{ID: 900, Role: "municipal_secretary"})
	for _, g := range []catalog.Grouping{catalog.GroupMixed, catalog.GroupTeam} {
		req := baseRequest(format(g, catalog.Voluntary, 180), people)
		req.To = Date{2027, 6, 30}
		req.Slots = append(req.Slots, Slot{Weekday: time.Thursday, Start: Clock{18, 0}, Council: true})
		req.Busy = []Interval{{zurich(2027, 1, 19, 8, 0), zurich(2027, 1, 19, 18, 0)}, {zurich(2027, 1, 14, 17, 0), zurich(2027, 1, 14, 19, 0)}}
		want := mustPropose(t, req)
		for i := range 5 {
			shuffled := req
			shuffled.People = slices.Clone(people)
			for j := range shuffled.People {
				k := (j*7 + i*13) % len(shuffled.People)
				shuffled.People[j], shuffled.People[k] = shuffled.People[k], shuffled.People[j]
			}
			shuffled.Busy = []Interval{req.Busy[1], req.Busy[0]}
			if got := mustPropose(t, shuffled); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: order %d gives another proposal", g, i)
			}
			if Fingerprint(shuffled) != Fingerprint(req) {
				t.Fatalf("%s: order %d gives another fingerprint", g, i)
			}
		}
	}
}

// checkRules fails t when Check finds a broken rule in p.
func checkRules(t *testing.T, req Request, p *Proposal) {
	t.Helper()
	ws, err := Check(req, p)
	if err != nil {
		t.Fatal(err)
	}
	if v := violations(ws); len(v) > 0 {
		t.Errorf("broken rules: %v", v)
	}
	if !reflect.DeepEqual(ws, p.Warnings) && !(len(ws) == 0 && len(p.Warnings) == 0) {
		t.Errorf("Check gives %v, the proposal says %v", ws, p.Warnings)
	}
}

func ExamplePropose() {
	people := commune(8, 7, 6, 5, 5, 4, 4, 2)
	p, err := Propose(Request{
		Format:   &catalog.Format{Slug: "ecublens-collaborateurs", DurationMinutes: 180, Participation: catalog.Voluntary, Grouping: catalog.GroupMixed, Audiences: []catalog.Audience{catalog.AudienceStaff}},
		Audience: Audience{All: true},
		People:   people,
		From:     Date{2027, 1, 11}, To: Date{2027, 2, 26},
		Slots:    []Slot{{Weekday: time.Tuesday, Start: Clock{13, 30}}},
		Capacity: 12,
		Now:      time.Date(2027, 1, 4, 9, 0, 0, 0, tz.Zurich),
	})
	if err != nil {
		panic(err)
	}
	for _, s := range p.Sessions {
		fmt.Println(tz.In(s.Start).Format("Mon 2 Jan 15:04"), len(s.People), s.ByService)
	}
	// Output:
	// Tue 12 Jan 13:30 11 map[1:2 2:2 3:2 4:1 5:1 6:1 7:1 8:1]
	// Tue 19 Jan 13:30 10 map[1:2 2:2 3:1 4:2 5:1 6:1 7:1]
	// Tue 26 Jan 13:30 10 map[1:2 2:2 3:1 4:1 5:2 6:1 7:1]
	// Tue 2 Feb 13:30 10 map[1:2 2:1 3:2 4:1 5:1 6:1 7:1 8:1]
}
