package campaign

import (
	"context"
	"encoding/json"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/store"
)

// Propose makes a plan for the caller's commune and stores it, proposed:
// nothing is booked. Problems with the request are a 422 naming the JSON
// fields.
func (s *Service) Propose(ctx context.Context, caller access.Caller, req Request) (*Plan, error) {
	if err := caller.Commune(access.PlanCampaign, caller.OrgID); err != nil {
		return nil, err
	}
	now := s.now()
	var v apperr.Validation
	p, err := s.parse(ctx, s.store, caller.OrgID, req, &v)
	if err != nil {
		return nil, err
	}
	a, err := load(ctx, s.store, caller.OrgID, p, &v, now)
	if err != nil {
		return nil, err
	}
	prop, err := plan.Propose(a.req)
	if err := merge(&v, err); err != nil {
		return nil, err
	}
	doc, err := encode(prop, nil)
	if err != nil {
		return nil, err
	}
	stored, err := json.Marshal(p.req)
	if err != nil {
		return nil, err
	}
	row := &store.Plan{OrgID: caller.OrgID, FormatSlug: p.format.Slug, Status: store.PlanProposed, Request: string(stored), Proposal: doc,
		Fingerprint: plan.Fingerprint(a.req), CreatedBy: caller.UserRef(), CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreatePlan(ctx, row); err != nil {
		return nil, err
	}
	return s.view(row, p, a, prop, nil), nil
}

// Plan returns a plan of the caller's commune, checked against the commune
// as it is now.
func (s *Service) Plan(ctx context.Context, caller access.Caller, id int64) (*Plan, error) {
	v, _, err := s.get(ctx, caller, id)
	return v, err
}

// get is Plan with the audience it was checked against.
func (s *Service) get(ctx context.Context, caller access.Caller, id int64) (*Plan, *audience, error) {
	row, err := s.store.Plan(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := caller.Commune(access.PlanCampaign, row.OrgID); err != nil {
		return nil, nil, err
	}
	v, a, _, err := s.current(ctx, s.store, row)
	if err != nil {
		return nil, nil, err
	}
	if row.Status == store.PlanConfirmed {
		if v.SessionIDs, err = s.store.PlanSessionIDs(ctx, row.ID); err != nil {
			return nil, nil, err
		}
	}
	return v, a, nil
}

// current reads row through rd and the commune as it is now: a proposed
// plan's warnings are checked afresh, and Changed says whether the
// commune changed since the proposal; a confirmed plan keeps the warnings
// it was confirmed with.
func (s *Service) current(ctx context.Context, rd reader, row *store.Plan) (*Plan, *audience, *parsed, error) {
	var req Request
	if err := json.Unmarshal([]byte(row.Request), &req); err != nil {
		return nil, nil, nil, err
	}
	// The request was valid when stored; what the catalogue or the
	// commune changed since shows in the check below.
	var ignored apperr.Validation
	p, err := s.parse(ctx, rd, row.OrgID, req, &ignored)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := load(ctx, rd, row.OrgID, p, &ignored, s.now())
	if err != nil {
		return nil, nil, nil, err
	}
	prop, acc, err := decode(row.Proposal)
	if err != nil {
		return nil, nil, nil, err
	}
	changed := false
	if row.Status == store.PlanProposed {
		if prop.Warnings, err = plan.Check(a.req, prop); err != nil {
			return nil, nil, nil, err
		}
		changed = plan.Fingerprint(a.req) != row.Fingerprint
	}
	v := s.view(row, p, a, prop, accepted(acc, prop))
	v.Changed = changed
	return v, a, p, nil
}
