package plan

import (
	"cmp"
	"errors"
	"slices"

	"github.com/atelier-ch/atelier/internal/apperr"
)

// Unplace is the session index Move takes to leave a person out of the plan.
const Unplace = -1

// Move puts a person of the audience into session toSession (an index of
// p.Sessions), or out of the plan with Unplace (reason "excluded"),
// wherever they were. HR decides: a move that breaks a rule (a full
// session, a council slot, someone already trained) is made, and Check's
// warnings, refreshed in p.Warnings, say what it broke.
func Move(req Request, p *Proposal, personID int64, toSession int) error {
	c, err := editable(req, p)
	if err != nil {
		return err
	}
	if _, _, ok := c.person(personID); !ok {
		return apperr.Invalid("person_id", "plan.err.person_unknown")
	}
	if toSession != Unplace && (toSession < 0 || toSession >= len(p.Sessions)) {
		return apperr.Invalid("session", "plan.err.session_unknown")
	}
	takeOut(c, p, personID)
	if toSession == Unplace {
		addUnplaced(p, personID, ReasonExcluded)
	} else {
		q, _, _ := c.person(personID)
		addPerson(&p.Sessions[toSession], q)
	}
	p.Warnings = c.check(p)
	return nil
}

// RemoveSession deletes session idx (later sessions move up one index) and
// places its people again where the rules allow: for a team format each
// service's group whole, largest first, into a session of the same kind
// (council or not) that already holds its service, else into the first with
// room; for a
// mixed format each person into the least full session of the same kind
// with a seat and room in their service's share. Those who fit nowhere are
// unplaced ("no_room"), as are people the rules leave out whom HR had
// moved in (with the rule's reason).
func RemoveSession(req Request, p *Proposal, idx int) error {
	c, err := editable(req, p)
	if err != nil {
		return err
	}
	if idx < 0 || idx >= len(p.Sessions) {
		return apperr.Invalid("session", "plan.err.session_unknown")
	}
	removed := p.Sessions[idx]
	p.Sessions = slices.Delete(p.Sessions, idx, idx+1)
	var again []Person
	for _, id := range removed.People {
		q, at, ok := c.person(id)
		switch {
		case !ok:
			// Not of the audience (any more): nothing to place.
		case c.reason[at] != "":
			addUnplaced(p, id, c.reason[at])
		default:
			again = append(again, q)
		}
	}
	if c.team {
		// The groups as Propose makes them (a service whole, people
		// without a service alone), largest first like first-fit
		// decreasing. The capacity is not a limit here: the removed
		// session held each group whole already.
		for _, g := range teamItems(again, len(again)) {
			c.placeGroup(p, g)
		}
	} else {
		for _, q := range again {
			c.placeOne(p, q)
		}
	}
	p.Warnings = c.check(p)
	return nil
}

// placeGroup puts a team's group whole into a session of its kind with
// room, preferring one that holds its service already, or unplaces it.
func (c *cohort) placeGroup(p *Proposal, g []Person) {
	best := -1
	for i := range p.Sessions {
		s := &p.Sessions[i]
		if s.Council != council(g[0]) || len(s.People)+len(g) > c.req.Capacity {
			continue
		}
		if g[0].DepartmentID != 0 && s.ByService[g[0].DepartmentID] > 0 {
			best = i
			break
		}
		if best < 0 {
			best = i
		}
	}
	for _, q := range g {
		if best < 0 {
			addUnplaced(p, q.ID, ReasonNoRoom)
		} else {
			addPerson(&p.Sessions[best], q)
		}
	}
}

// placeOne puts a person of a mixed format into the least full session of
// their kind with a seat and room in their service's share, or unplaces
// them.
func (c *cohort) placeOne(p *Proposal, q Person) {
	best := -1
	for i := range p.Sessions {
		s := &p.Sessions[i]
		if s.Council != council(q) || len(s.People) >= c.req.Capacity {
			continue
		}
		if q.DepartmentID != 0 && s.ByService[q.DepartmentID] >= c.limit(q.DepartmentID) {
			continue
		}
		if best < 0 || len(s.People) < len(p.Sessions[best].People) {
			best = i
		}
	}
	if best < 0 {
		addUnplaced(p, q.ID, ReasonNoRoom)
		return
	}
	addPerson(&p.Sessions[best], q)
}

// editable checks the request and the proposal an edit works on.
func editable(req Request, p *Proposal) (*cohort, error) {
	if p == nil {
		return nil, errors.New("plan: no proposal")
	}
	c, err := cohortFor(req)
	if err != nil {
		return nil, err
	}
	// ByService is derived from People: rebuilt here so that a proposal
	// read back from JSON (keys as strings, maybe stale) counts right.
	for i := range p.Sessions {
		rebuildByService(c, &p.Sessions[i])
	}
	return c, nil
}

// takeOut removes every appearance of id from p.
func takeOut(c *cohort, p *Proposal, id int64) {
	for i := range p.Sessions {
		s := &p.Sessions[i]
		if slices.Contains(s.People, id) {
			s.People = slices.DeleteFunc(s.People, func(x int64) bool { return x == id })
			rebuildByService(c, s)
		}
	}
	p.Unplaced = slices.DeleteFunc(p.Unplaced, func(u Unplaced) bool { return u.PersonID == id })
}

// addPerson adds q to s, keeping People sorted.
func addPerson(s *Session, q Person) {
	i, _ := slices.BinarySearch(s.People, q.ID)
	s.People = slices.Insert(s.People, i, q.ID)
	if s.ByService == nil {
		s.ByService = map[int64]int{}
	}
	s.ByService[q.DepartmentID]++
}

// addUnplaced lists id as unplaced, keeping the list sorted.
func addUnplaced(p *Proposal, id int64, r Reason) {
	i, _ := slices.BinarySearchFunc(p.Unplaced, id, func(u Unplaced, id int64) int { return cmp.Compare(u.PersonID, id) })
	p.Unplaced = slices.Insert(p.Unplaced, i, Unplaced{id, r})
}

// rebuildByService counts s's people per service again; people outside the
// audience count under no service.
func rebuildByService(c *cohort, s *Session) {
	s.ByService = map[int64]int{}
	for _, id := range s.People {
		q, _, _ := c.person(id)
		s.ByService[q.DepartmentID]++
	}
}
