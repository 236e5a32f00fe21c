package campaign

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/store"
)

// audience is the commune as a plan is made from it: the planner's
// request and the people it holds, by id.
type audience struct {
	req     plan.Request
	members map[int64]store.Member
}

// load reads, through rd (the store or a transaction), what a proposal for
// p depends on in commune orgID at now: the people of the audience with
// their service, role, and whether they are trained on the format or
// booked in a session of it not yet ended, and the times the room is
// taken. Five queries, whatever the size of the commune. A department of
// the audience that is not the commune's is recorded in v.
func load(ctx context.Context, rd reader, orgID int64, p *parsed, v *apperr.Validation, now time.Time) (*audience, error) {
	a := p.req.Audience
	if a.DepartmentID != 0 {
		if _, err := rd.Department(ctx, orgID, a.DepartmentID); errors.Is(err, store.ErrNotFound) {
			v.Add("audience.department_id", "err.department_unknown")
		} else if err != nil {
			return nil, err
		}
	}
	role, dept := a.Role, a.DepartmentID
	if a.All {
		role, dept = "", 0 // the planner refuses all with a filter
	}
	members, err := rd.Members(ctx, orgID, role, dept)
	if err != nil {
		return nil, err
	}
	var trained, booked []int64
	if p.format != nil {
		if trained, err = rd.TrainedOn(ctx, orgID, p.format.Slug); err != nil {
			return nil, err
		}
		if booked, err = rd.BookedOn(ctx, orgID, p.format.Slug, now); err != nil {
			return nil, err
		}
	}
	var busy []plan.Interval
	if from, to, ok := p.span(); ok && p.location.Name != "" {
		sessions, err := booking.RoomBusy(ctx, rd, orgID, p.location, from, to)
		if err != nil {
			return nil, err
		}
		for _, s := range sessions {
			busy = append(busy, plan.Interval{Start: s.StartsAt, End: s.EndsAt})
		}
	}
	out := &audience{members: make(map[int64]store.Member, len(members))}
	people := make([]plan.Person, len(members))
	for i, m := range members {
		out.members[m.ID] = m
		people[i] = plan.Person{ID: m.ID, Role: m.Role, Trained: has(trained, m.ID), Booked: has(booked, m.ID)}
		if m.DepartmentID != nil {
			people[i].DepartmentID = *m.DepartmentID
		}
	}
	out.req = plan.Request{
		Format:   p.format,
		Audience: plan.Audience{All: a.All, Role: a.Role, DepartmentID: a.DepartmentID},
		People:   people,
		From:     p.from, To: p.to,
		Slots:    p.slots,
		Starts:   p.starts,
		Capacity: p.req.Capacity,
		Busy:     busy,
		Now:      now,
	}
	if p.req.MaxShare != nil && *p.req.MaxShare > 0 {
		out.req.MaxShare = *p.req.MaxShare
	}
	out.req.IncludeTrained = p.req.SkipTrained != nil && !*p.req.SkipTrained
	return out, nil
}

// has reports whether sorted ids holds id.
func has(ids []int64, id int64) bool {
	_, ok := slices.BinarySearch(ids, id)
	return ok
}

// department is the service of a person as the plan counts it: 0 for none
// or for someone no longer in the audience.
func (a *audience) department(id int64) int64 {
	if m, ok := a.members[id]; ok && m.DepartmentID != nil {
		return *m.DepartmentID
	}
	return 0
}
