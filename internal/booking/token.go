package booking

import (
	"context"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store"
)

// Ticket is everything a participant's link opens: their registration, the
// session, the person, the commune and the format.
type Ticket struct {
	Registration *store.Registration
	Session      *store.Session
	Person       *store.Person
	Org          *store.Org
	Format       *catalog.Format
}

// TicketByToken finds what a participant's token opens. An unknown token is
// store.ErrNotFound, like any other.
func (b *Service) TicketByToken(ctx context.Context, token string) (*Ticket, error) {
	if len(token) < 16 || len(token) > 64 {
		return nil, store.ErrNotFound
	}
	r, err := b.store.RegistrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	return b.ticket(ctx, r)
}

func (b *Service) ticket(ctx context.Context, r *store.Registration) (*Ticket, error) {
	sess, err := b.store.Session(ctx, r.SessionID)
	if err != nil {
		return nil, err
	}
	org, err := b.store.Org(ctx, sess.OrgID)
	if err != nil {
		return nil, err
	}
	t := &Ticket{Registration: r, Session: sess, Org: org}
	if r.PersonID != nil {
		if t.Person, err = b.store.Person(ctx, r.OrgID, *r.PersonID); err != nil {
			return nil, err
		}
	}
	t.Format, _ = b.catalog.Format(sess.FormatSlug)
	return t, nil
}
