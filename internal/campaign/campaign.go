// Package campaign plans a commune's training campaign in one step. It
// loads the audience of a format (people with their service and role, who
// is trained or booked on it already, when the room is taken), asks
// internal/plan for a proposal, keeps the plan, lets HR edit it and accept
// the rules an edit breaks, and confirms it: every session and booking in
// one transaction, through internal/booking.
//
// A plan belongs to its commune: the access policy's PlanCampaign decides
// (its HR; other communes do not see it). A plan stores what HR asked for
// and the proposal as JSON, never names: people are read fresh each time,
// and internal/plan.Fingerprint of what the proposal was made from tells,
// at confirmation, whether the commune changed meanwhile.
package campaign

import (
	"context"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/store"
)

// reader is what loading an audience reads: the store, or a transaction.
type reader interface {
	Members(ctx context.Context, orgID int64, role string, departmentID int64) ([]store.Member, error)
	TrainedOn(ctx context.Context, orgID int64, formatSlug string) ([]int64, error)
	BookedOn(ctx context.Context, orgID int64, formatSlug string, now time.Time) ([]int64, error)
	SessionsBetween(ctx context.Context, orgID int64, from, to time.Time) ([]store.Session, error)
	Department(ctx context.Context, orgID, id int64) (*store.Department, error)
	formats.Reader
}

// Store is what the planner reads and writes outside a transaction.
type Store interface {
	reader
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
	CreatePlan(ctx context.Context, p *store.Plan) error
	Plan(ctx context.Context, id int64) (*store.Plan, error)
	PlanSessionIDs(ctx context.Context, planID int64) ([]int64, error)
	Departments(ctx context.Context, orgID int64) ([]store.Department, error)
	PeopleByID(ctx context.Context, orgID int64, ids []int64) (map[int64]*store.Person, error)
}

// Service plans campaigns.
type Service struct {
	store   Store
	formats *formats.Resolver
	booking *booking.Service
	now     func() time.Time
}

// New returns a Service that confirms plans through b.
func New(s Store, f *formats.Resolver, b *booking.Service, now func() time.Time) *Service {
	return &Service{store: s, formats: f, booking: b, now: now}
}

// Plan is a plan as HR sees it: the request, the proposal with its
// warnings checked against the commune as it is now, and what confirming
// it would create.
type Plan struct {
	ID      int64
	OrgID   int64
	Status  string
	Request Request
	// Format is the request's format, nil if the catalogue lost it.
	Format *catalog.Format
	// Proposal holds the sessions (ByService counted from the people as
	// they are now), the unplaced and the warnings: checked afresh while
	// the plan is proposed, as they were at confirmation afterwards.
	Proposal *plan.Proposal
	// Accepted holds the IDs of the violations HR accepted.
	Accepted map[string]bool
	// Changed is true when the commune changed since the proposal
	// (someone joined, left, was trained or booked, the room was taken):
	// confirming then answers 409 with a new proposal.
	Changed bool
	// SessionIDs are the sessions a confirmed plan created, in the order
	// of the proposal's sessions.
	SessionIDs []int64
	Totals     Totals
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// ConfirmedAt is set once confirmed.
	ConfirmedAt *time.Time
}

// Totals is what confirming creates.
type Totals struct {
	Sessions int
	// Bookings counts the people placed.
	Bookings int
	// Mailed counts the people placed who have an email address: each gets
	// an invitation.
	Mailed int
}

// Unaccepted lists the violations HR has not accepted: confirming is
// refused while there are any.
func (p *Plan) Unaccepted() []plan.Warning {
	var out []plan.Warning
	for _, w := range p.Proposal.Warnings {
		if w.Violation && !p.Accepted[w.ID()] {
			out = append(out, w)
		}
	}
	return out
}

// Conflict is a refusal to confirm that comes with the plan as it now is:
// a new proposal when the commune changed, or the plan with the
// violations still to accept.
type Conflict struct {
	Err  *apperr.Error
	Plan *Plan
	// NewProposal is true when the commune changed: Plan holds the new
	// proposal, stored in place of the old one.
	NewProposal bool
}

func (c *Conflict) Error() string { return c.Err.Error() }

// Unwrap lets apperr.As find the 409.
func (c *Conflict) Unwrap() error { return c.Err }
