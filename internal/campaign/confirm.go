package campaign

import (
	"context"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/store"
)

// Confirm creates the sessions of a proposed plan of the caller's commune
// and books their people, in one transaction: the invitations are queued
// as for any booking, each session's history records the plan, and the
// plan keeps the sessions it created. Nothing is half done.
//
// It is a *Conflict (409) carrying the plan when the commune changed since
// the proposal (the plan then holds a new proposal, made from the commune
// as it is, HR's edits and acceptances gone), or when violations remain
// that HR has not accepted (nothing changes). A confirmed plan cannot be
// confirmed again (409).
func (s *Service) Confirm(ctx context.Context, caller access.Caller, id int64) (*Plan, error) {
	var out *Plan
	var refused *Conflict
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		row, cur, a, p, err := s.lockProposed(ctx, tx, caller, id)
		if err != nil {
			return err
		}
		now := s.now()
		if cur.Changed {
			prop, err := plan.Propose(a.req)
			if err != nil {
				return err
			}
			doc, err := encode(prop, nil)
			if err != nil {
				return err
			}
			row.Proposal, row.Fingerprint, row.UpdatedAt = doc, plan.Fingerprint(a.req), now
			if err := tx.SavePlan(ctx, row); err != nil {
				return err
			}
			// Committed: the new proposal is the plan now.
			refused = &Conflict{Err: apperr.Conflict("campaign.err.changed"), Plan: s.view(row, p, a, prop, nil), NewProposal: true}
			return nil
		}
		if left := cur.Unaccepted(); len(left) > 0 {
			refused = &Conflict{Err: apperr.Conflict("campaign.err.unaccepted", len(left)), Plan: cur}
			return nil
		}
		ids, err := s.create(ctx, tx, caller, row, p, cur)
		if err != nil {
			return err
		}
		doc, err := encode(cur.Proposal, cur.Accepted)
		if err != nil {
			return err
		}
		row.Status, row.Proposal, row.ConfirmedBy, row.ConfirmedAt, row.UpdatedAt = store.PlanConfirmed, doc, caller.UserRef(), &now, now
		if err := tx.SavePlan(ctx, row); err != nil {
			return err
		}
		out = s.view(row, p, a, cur.Proposal, cur.Accepted)
		out.SessionIDs = ids
		return nil
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return out, nil
}

// create makes the sessions of cur and books their people through booking,
// records the plan in each session's history and the sessions in the plan.
func (s *Service) create(ctx context.Context, tx *store.Store, caller access.Caller, row *store.Plan, p *parsed, cur *Plan) ([]int64, error) {
	sessions := cur.Proposal.Sessions
	planned := make([]booking.PlannedSession, len(sessions))
	for i, sess := range sessions {
		format, start, end := row.FormatSlug, sess.Start.Format(time.RFC3339), sess.End.Format(time.RFC3339)
		// An accepted "over capacity" means HR wants them all in: the
		// session gets as many seats as people.
		capacity := max(p.req.Capacity, len(sess.People))
		loc := p.location
		in := booking.SessionInput{Format: &format, StartsAt: &start, EndsAt: &end, Capacity: &capacity, Location: &loc}
		if p.req.Language != "" {
			lang := p.req.Language
			in.Language = &lang
		}
		if cur.Accepted[(plan.Warning{Code: plan.WarnRoomBusy, Session: i, Other: -1}).ID()] {
			allow := true
			in.AllowRoomOverlap = &allow
		}
		planned[i] = booking.PlannedSession{Input: in, People: sess.People}
	}
	created, err := s.booking.CreatePlanned(ctx, tx, caller, planned, map[string]any{"plan_id": row.ID})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(created))
	var log audit.Log
	now := s.now()
	for i, sess := range created {
		ids[i] = sess.ID
		log.Add(caller, sess.OrgID, sess.ID, "planned", map[string]any{"plan_id": row.ID, "position": i + 1, "sessions": len(created)}, now)
	}
	if err := log.Save(ctx, tx); err != nil {
		return nil, err
	}
	return ids, tx.AddPlanSessions(ctx, row.ID, ids)
}
