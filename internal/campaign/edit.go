package campaign

import (
	"context"
	"fmt"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/store"
)

// Edit is one change HR makes to a proposed plan: exactly one of its
// fields is set.
type Edit struct {
	// Move puts a person into another proposed session, or out of the plan.
	Move *Move
	// RemoveSession removes the proposed session of that index; its
	// people are placed again where the rules allow, or unplaced.
	RemoveSession *int
	// Accept is the whole list of violations HR accepts (warning IDs);
	// an empty list withdraws every acceptance.
	Accept *[]string
}

// Move moves a person of the audience.
type Move struct {
	PersonID int64
	// ToSession is the index of a proposed session, or OutOfPlan.
	ToSession int
}

// OutOfPlan is the ToSession that takes a person out of the plan (they
// are listed as unplaced, "excluded").
const OutOfPlan = plan.Unplace

// Edit applies e to a proposed plan of the caller's commune and checks
// every rule again. A move or a removal is made whatever rule it breaks:
// the warnings say what it broke, and each violation must be accepted
// before the plan can be confirmed. An acceptance holds while its warning
// stays exactly the same (same rule, same sessions and times, same
// figures). A past session's warning cannot be accepted: remove the
// session instead.
func (s *Service) Edit(ctx context.Context, caller access.Caller, id int64, e Edit) (*Plan, error) {
	n := 0
	for _, set := range []bool{e.Move != nil, e.RemoveSession != nil, e.Accept != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, apperr.Invalid("edit", "campaign.err.one_edit")
	}
	var out *Plan
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		row, cur, a, p, err := s.lockProposed(ctx, tx, caller, id)
		if err != nil {
			return err
		}
		prop := cur.Proposal
		keep := cur.Accepted
		// The acceptances as they stand, bound to the proposal before the
		// edit changes it in place.
		var before []acceptance
		for _, w := range prop.Warnings {
			if keep[w.ID()] {
				before = append(before, acceptance{ID: w.ID(), Digest: digest(w, prop)})
			}
		}
		switch {
		case e.Move != nil:
			err := plan.Move(a.req, prop, e.Move.PersonID, e.Move.ToSession)
			if err != nil {
				return renameFields(err, map[string]string{"person_id": "move.person_id", "session": "move.to_session"})
			}
			keep = accepted(before, prop)
		case e.RemoveSession != nil:
			if err := plan.RemoveSession(a.req, prop, *e.RemoveSession); err != nil {
				return renameFields(err, map[string]string{"session": "remove_session"})
			}
			keep = accepted(before, prop)
		default:
			if keep, err = acceptList(prop, *e.Accept); err != nil {
				return err
			}
		}
		doc, err := encode(prop, keep)
		if err != nil {
			return err
		}
		row.Proposal, row.UpdatedAt = doc, s.now()
		if err := tx.SavePlan(ctx, row); err != nil {
			return err
		}
		out = s.view(row, p, a, prop, keep)
		out.Changed = cur.Changed
		return nil
	})
	return out, err
}

// lockProposed locks plan id inside tx for a change by caller, and reads
// it with the commune as it is: only a proposed plan changes. Reading in
// the transaction that changes it means what is changed is what was
// checked.
func (s *Service) lockProposed(ctx context.Context, tx *store.Store, caller access.Caller, id int64) (*store.Plan, *Plan, *audience, *parsed, error) {
	row, err := tx.LockPlan(ctx, id)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if err := caller.Commune(access.PlanCampaign, row.OrgID); err != nil {
		return nil, nil, nil, nil, err
	}
	if row.Status != store.PlanProposed {
		return nil, nil, nil, nil, apperr.Conflict("campaign.err.confirmed")
	}
	cur, a, p, err := s.current(ctx, tx, row)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return row, cur, a, p, nil
}

// acceptList checks HR's list of accepted violations against p's warnings.
func acceptList(p *plan.Proposal, ids []string) (map[string]bool, error) {
	byID := make(map[string]plan.Warning, len(p.Warnings))
	for _, w := range p.Warnings {
		byID[w.ID()] = w
	}
	var v apperr.Validation
	out := map[string]bool{}
	for i, id := range ids {
		field := fmt.Sprintf("accept[%d]", i)
		switch w, ok := byID[id]; {
		case !ok:
			v.Add(field, "campaign.err.warning_unknown", id)
		case !w.Violation:
			v.Add(field, "campaign.err.warning_information", id)
		case w.Code == plan.WarnPast:
			// No session can be scheduled in the past.
			v.Add(field, "campaign.err.warning_past")
		default:
			out[id] = true
		}
	}
	return out, v.Err()
}
