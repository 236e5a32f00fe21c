package plan

import (
	"slices"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
)

// codes lists the warnings' IDs.
func ids(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.ID())
	}
	return out
}

func TestMove(t *testing.T) {
	mixed := format(catalog.GroupMixed, catalog.Voluntary, 180)
	team := format(catalog.GroupTeam, catalog.Voluntary, 180)
	withCouncil := func(f *catalog.Format, people []Person) Request {
		r := baseRequest(f, people)
		r.Slots = append(r.Slots, Slot{Weekday: time.Monday, Start: Clock{18, 30}, Council: true})
		return r
	}
	cases := map[string]struct {
		req      Request
		person   int64
		to       int
		want     []string // warning IDs after the move
		unplaced Reason   // the person's reason when moved out
	}{
		// 12+12 staff in services of 6: sessions 1 and 2 (index 0 is the council's).
		"into a full session, with two more of the service": {
			req: withCouncil(mixed, councilOf(commune(6, 6, 6, 6), 3)), person: 1, to: 2,
			want: []string{"over_capacity:s2", "share_exceeded:s2:d1"},
		},
		"the only council member into a staff session": {
			req: withCouncil(mixed, councilOf(commune(6, 6, 6, 6), 1)), person: 25, to: 1,
			want: []string{"empty_session:s0", "over_capacity:s1", "council_outside:s1:p25"},
		},
		"someone into the council's slot": {
			req: withCouncil(mixed, councilOf(commune(6, 6, 6, 6), 3)), person: 2, to: 0,
			want: []string{"council_only:s0:p2"},
		},
		"out of the plan": {
			req: baseRequest(mixed, commune(6, 6)), person: 3, to: Unplace, unplaced: ReasonExcluded,
		},
		"one out, and two sessions could be one": {
			req: baseRequest(team, commune(7, 6)), person: 1, to: Unplace, unplaced: ReasonExcluded,
			want: []string{"mergeable:s0:s1"},
		},
		"half a team elsewhere": {
			req: baseRequest(team, commune(6, 5, 5)), person: 1, to: 1,
			want: []string{"team_split:d1"},
		},
		"a trained person in": {
			req: func() Request {
				r := baseRequest(mixed, commune(6, 6))
				r.People[0].Trained = true
				return r
			}(), person: 1, to: 1, // session 1 has 2 of the service's 6
			want: []string{"placed_trained:s1:p1"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := mustPropose(t, tc.req)
			if err := Move(tc.req, p, tc.person, tc.to); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range p.Warnings {
				if w.Violation {
					got = append(got, w.ID())
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("warnings %v, want %v", got, tc.want)
			}
			where := -2
			for i, s := range p.Sessions {
				if slices.Contains(s.People, tc.person) {
					where = i
				}
			}
			for _, u := range p.Unplaced {
				if u.PersonID == tc.person {
					where = Unplace
					if u.Reason != tc.unplaced {
						t.Errorf("reason %s, want %s", u.Reason, tc.unplaced)
					}
				}
			}
			if where != tc.to {
				t.Errorf("person %d is in %d, want %d", tc.person, where, tc.to)
			}
			assertOnce(t, tc.req, p)
		})
	}
}

func TestMoveErrors(t *testing.T) {
	req := baseRequest(format(catalog.GroupMixed, catalog.Voluntary, 180), commune(6, 6))
	p := mustPropose(t, req)
	for name, tc := range map[string]struct {
		person int64
		to     int
		field  string
	}{
		"unknown person": {99, 0, "person_id"},
		"no session 5":   {1, 5, "session"},
		"no session -2":  {1, -2, "session"},
	} {
		err := Move(req, p, tc.person, tc.to)
		if e, ok := apperr.As(err); !ok || e.Fields[tc.field].Key == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := RemoveSession(req, p, 7); !apperr.Is(err, apperr.CodeValidation) {
		t.Errorf("RemoveSession(7): %v", err)
	}
	if err := Move(req, nil, 1, 0); err == nil {
		t.Error("Move on no proposal")
	}
}

func TestRemoveSession(t *testing.T) {
	mixed := format(catalog.GroupMixed, catalog.Voluntary, 180)
	team := format(catalog.GroupTeam, catalog.Voluntary, 180)
	cases := map[string]struct {
		req       Request
		idx       int
		wantSizes []int
		noRoom    int
	}{
		// 30 staff in 5 services of 6, 12 seats: 10/10/10; removing one
		// puts its 10 into the 2 seats left in each of the others.
		"mixed: re-placed up to capacity": {req: baseRequest(mixed, commune(6, 6, 6, 6, 6)), idx: 0, wantSizes: []int{12, 12}, noRoom: 6},
		// Services of 8, 3 and 6 (12 seats): [8] [6+3]. Removing the
		// second, the 6 first: it fits nowhere; the 3 joins the 8.
		"team: groups whole where they fit": {req: baseRequest(team, commune(8, 3, 6)), idx: 1, wantSizes: []int{11}, noRoom: 6},
		"team: no room, unplaced whole":     {req: baseRequest(team, commune(12, 12)), idx: 0, wantSizes: []int{12}, noRoom: 12},
		// A service of 15 split 8/7, and one of 2 with the 7.
		"team: a split part that fits nowhere": {req: baseRequest(team, commune(15, 2)), idx: 1, wantSizes: []int{10}, noRoom: 7},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := mustPropose(t, tc.req)
			before := sizes(p)
			if err := RemoveSession(tc.req, p, tc.idx); err != nil {
				t.Fatal(err)
			}
			if got := sizes(p); !slices.Equal(got, tc.wantSizes) {
				t.Errorf("sizes %v → %v, want %v", before, got, tc.wantSizes)
			}
			if got := reasons(p)[ReasonNoRoom]; got != tc.noRoom {
				t.Errorf("%d without room, want %d", got, tc.noRoom)
			}
			if v := violations(p.Warnings); len(v) > 0 {
				t.Errorf("broken rules after removal: %v", v)
			}
			assertOnce(t, tc.req, p)
		})
	}
}

// assertOnce fails t unless each person of the audience is in exactly one
// session or in Unplaced.
func assertOnce(t *testing.T, req Request, p *Proposal) {
	t.Helper()
	seen := map[int64]int{}
	for _, s := range p.Sessions {
		for _, id := range s.People {
			seen[id]++
		}
	}
	for _, u := range p.Unplaced {
		seen[u.PersonID]++
	}
	for _, q := range req.People {
		if req.Audience.Matches(q) && seen[q.ID] != 1 {
			t.Errorf("person %d appears %d times", q.ID, seen[q.ID])
		}
	}
}

func TestFingerprint(t *testing.T) {
	base := baseRequest(format(catalog.GroupMixed, catalog.Voluntary, 180), commune(3, 4))
	base.Audience = Audience{DepartmentID: 1}
	base.People = append(base.People, Person{ID: 50, DepartmentID: 1, Role: "council_member"})
	base.Busy = []Interval{{zurich(2027, 1, 12, 14, 0), zurich(2027, 1, 12, 15, 0)}}
	same := map[string]func(r *Request){
		"people reordered":             func(r *Request) { slices.Reverse(r.People) },
		"time passes":                  func(r *Request) { r.Now = r.Now.Add(48 * time.Hour) },
		"someone outside the audience": func(r *Request) { r.People[5].Trained = true },
		"the room busy outside a slot": func(r *Request) {
			r.Busy = append(r.Busy, Interval{zurich(2027, 1, 13, 8, 0), zurich(2027, 1, 13, 18, 0)})
		},
		"a busy time given in two bits": func(r *Request) {
			r.Busy = []Interval{{zurich(2027, 1, 12, 14, 0), zurich(2027, 1, 12, 14, 30)}, {zurich(2027, 1, 12, 14, 30), zurich(2027, 1, 12, 15, 0)}}
		},
	}
	differ := map[string]func(r *Request){
		"someone trained":      func(r *Request) { r.People[0].Trained = true },
		"someone booked":       func(r *Request) { r.People[1].Booked = true },
		"someone changes role": func(r *Request) { r.People[2].Role = "head_of_service" },
		"someone joins":        func(r *Request) { r.People[4].DepartmentID = 1 },
		"someone leaves":       func(r *Request) { r.People[0].DepartmentID = 2 },
		"the room busy in slots": func(r *Request) {
			r.Busy = append(r.Busy, Interval{zurich(2027, 1, 19, 16, 0), zurich(2027, 1, 19, 17, 0)})
		},
		"the room free again": func(r *Request) { r.Busy = nil },
		"another capacity":    func(r *Request) { r.Capacity = 10 },
	}
	want := Fingerprint(base)
	if len(want) != 64 {
		t.Fatalf("fingerprint %q", want)
	}
	for name, edit := range same {
		r := base
		r.People, r.Busy = slices.Clone(base.People), slices.Clone(base.Busy)
		edit(&r)
		if Fingerprint(r) != want {
			t.Errorf("%s changes the fingerprint", name)
		}
	}
	for name, edit := range differ {
		r := base
		r.People, r.Busy = slices.Clone(base.People), slices.Clone(base.Busy)
		edit(&r)
		if Fingerprint(r) == want {
			t.Errorf("%s leaves the fingerprint as it was", name)
		}
	}
}

// TestRemoveSessionRejoins: a split service's part goes back to the other
// part when the two fit together.
func TestRemoveSessionRejoins(t *testing.T) {
	req := baseRequest(format(catalog.GroupTeam, catalog.Mandatory, 240), commune(13))
	p := mustPropose(t, req)
	if got := sizes(p); !slices.Equal(got, []int{7, 6}) {
		t.Fatalf("sizes %v", got)
	}
	for _, id := range p.Sessions[0].People[:2] {
		if err := Move(req, p, id, Unplace); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveSession(req, p, 1); err != nil {
		t.Fatal(err)
	}
	if got := sizes(p); !slices.Equal(got, []int{11}) {
		t.Errorf("sizes %v, want the service together", got)
	}
	if v := violations(p.Warnings); len(v) > 0 {
		t.Errorf("broken rules: %v", v)
	}
	assertOnce(t, req, p)
}
