package campaign

import (
	"cmp"
	"context"
	"slices"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/store"
)

// Page is what the plan page shows, gathered in one call: the plan, and
// each session's people by name, grouped by service.
type Page struct {
	*Plan
	Sessions []PageSession
	// Unplaced are the people left out, by name, with the reason.
	Unplaced []Person
	// Departments names the commune's services.
	Departments map[int64]string
}

// PageSession is a proposed session with its people.
type PageSession struct {
	Index int
	plan.Session
	// Groups are the services, by name, then the people without one.
	Groups []Group
	// SessionID is the session created from it, once confirmed.
	SessionID int64
}

// Group is the people of one service in a session.
type Group struct {
	DepartmentID int64
	// Name is the service's name, "" for people without a service.
	Name   string
	People []Person
}

// Person is someone of the plan, by name. Only people of the plan's
// commune are ever named.
type Person struct {
	ID     int64
	Name   string
	Reason plan.Reason
}

// Page gathers the page of plan id.
func (s *Service) Page(ctx context.Context, caller access.Caller, id int64) (*Page, error) {
	v, a, err := s.get(ctx, caller, id)
	if err != nil {
		return nil, err
	}
	deps, err := s.store.Departments(ctx, v.OrgID)
	if err != nil {
		return nil, err
	}
	depName := make(map[int64]string, len(deps))
	for _, d := range deps {
		depName[d.ID] = d.Name
	}
	// The audience as it is now, and whoever the plan holds beyond it
	// (moved to another service, say), read by id within the commune.
	known := a.members
	var missing []int64
	ids := make([]int64, 0, len(v.Proposal.Unplaced))
	for _, u := range v.Proposal.Unplaced {
		ids = append(ids, u.PersonID)
	}
	for _, sess := range v.Proposal.Sessions {
		ids = append(ids, sess.People...)
	}
	for _, id := range ids {
		if _, ok := known[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		others, err := s.store.PeopleByID(ctx, v.OrgID, missing)
		if err != nil {
			return nil, err
		}
		for id, p := range others {
			known[id] = store.Member{ID: id, DepartmentID: p.DepartmentID, Role: p.Role, Name: p.Name}
		}
	}
	person := func(id int64) (Person, int64) {
		m := known[id] // a person erased meanwhile has no name
		dept := int64(0)
		if m.DepartmentID != nil {
			dept = *m.DepartmentID
		}
		return Person{ID: id, Name: m.Name}, dept
	}
	pg := &Page{Plan: v, Departments: depName}
	for i, sess := range v.Proposal.Sessions {
		ps := PageSession{Index: i, Session: sess}
		if i < len(v.SessionIDs) {
			ps.SessionID = v.SessionIDs[i]
		}
		groups := map[int64]*Group{}
		for _, id := range sess.People {
			p, dept := person(id)
			g := groups[dept]
			if g == nil {
				g = &Group{DepartmentID: dept, Name: depName[dept]}
				groups[dept] = g
			}
			g.People = append(g.People, p)
		}
		for _, g := range groups {
			slices.SortFunc(g.People, byName)
			ps.Groups = append(ps.Groups, *g)
		}
		slices.SortFunc(ps.Groups, func(a, b Group) int {
			if (a.DepartmentID == 0) != (b.DepartmentID == 0) {
				return cmp.Compare(b.DepartmentID, a.DepartmentID) // none last
			}
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.DepartmentID, b.DepartmentID))
		})
		pg.Sessions = append(pg.Sessions, ps)
	}
	for _, u := range v.Proposal.Unplaced {
		p, _ := person(u.PersonID)
		p.Reason = u.Reason
		pg.Unplaced = append(pg.Unplaced, p)
	}
	slices.SortFunc(pg.Unplaced, byName)
	return pg, nil
}

func byName(a, b Person) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) }

// Form is what the form making a plan offers.
type Form struct {
	Formats     []*catalog.Format
	Departments []store.Department
}

// Form gathers the choices of the form making a plan.
func (s *Service) Form(ctx context.Context, caller access.Caller) (*Form, error) {
	if err := caller.Commune(access.PlanCampaign, caller.OrgID); err != nil {
		return nil, err
	}
	deps, err := s.store.Departments(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	available, err := s.formats.Available(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	return &Form{Formats: available, Departments: deps}, nil
}
