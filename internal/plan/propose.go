package plan

import (
	"cmp"
	"slices"

	"github.com/atelier-ch/atelier/internal/apperr"
)

// Propose plans req: how many sessions, when, and who goes to which, plus
// who is left out and why. Nothing is booked. Problems with the request are
// an apperr validation error naming its JSON fields (format, audience,
// from, to, slots[2].start, capacity, max_share_of_service…).
//
// The same request always gives the same proposal, whatever the order of
// People and Busy.
func Propose(req Request) (*Proposal, error) {
	var v apperr.Validation
	c, err := newCohort(req, &v)
	if err != nil {
		return nil, err
	}
	validateTimes(req, c.duration, &v)
	if len(c.people) == 0 && !v.Has("audience") && !v.Has("audience.role") {
		v.Add("audience", "plan.err.audience_nobody")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	// Council members and the others never share a session, so they are
	// two plans that only compete for time.
	var kinds [2][]Person // 0: staff, 1: council
	for i, p := range c.people {
		if c.reason[i] == "" {
			kinds[b2i(council(p))] = append(kinds[b2i(council(p))], p)
		}
	}
	var groups [2][][]Person
	var need [2]int
	for k, people := range kinds {
		groups[k], _ = c.pack(people, unlimited)
		need[k] = len(groups[k])
	}
	councilSlots, staffSlots := choose(candidates(req, c.duration), need[1], need[0])
	slots := [2][]candidate{staffSlots, councilSlots}

	p := &Proposal{Sessions: []Session{}, Unplaced: []Unplaced{}}
	for k, people := range kinds {
		g := groups[k]
		var out []Person
		if len(slots[k]) < len(g) {
			g, out = c.pack(people, len(slots[k]))
		}
		for i, members := range g {
			p.Sessions = append(p.Sessions, newSession(slots[k][i], members))
		}
		reason := ReasonNoSlot
		if k == 1 {
			reason = ReasonNoCouncilSlot
		}
		for _, q := range out {
			p.Unplaced = append(p.Unplaced, Unplaced{q.ID, reason})
		}
	}
	for i, q := range c.people {
		if c.reason[i] != "" {
			p.Unplaced = append(p.Unplaced, Unplaced{q.ID, c.reason[i]})
		}
	}
	slices.SortFunc(p.Sessions, func(a, b Session) int { return a.Start.Compare(b.Start) })
	slices.SortFunc(p.Unplaced, func(a, b Unplaced) int { return cmp.Compare(a.PersonID, b.PersonID) })
	p.Warnings = c.check(p)
	return p, nil
}

// newSession is a session at slot with members.
func newSession(slot candidate, members []Person) Session {
	s := Session{Start: slot.start, End: slot.end, Council: slot.council, People: make([]int64, len(members)), ByService: map[int64]int{}}
	for i, m := range members {
		s.People[i] = m.ID
		s.ByService[m.DepartmentID]++
	}
	slices.Sort(s.People)
	return s
}

// b2i is 1 for true, 0 for false.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
