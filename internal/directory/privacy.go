package directory

import (
	"context"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
)

// Export returns everything held about a person of orgID.
func (d *Service) Export(ctx context.Context, orgID, personID int64) (*store.PersonData, error) {
	return d.store.PersonData(ctx, orgID, personID)
}

// Erase deletes a person of orgID; see store.ErasePerson for what remains.
func (d *Service) Erase(ctx context.Context, orgID, personID int64, now time.Time) error {
	return d.store.ErasePerson(ctx, orgID, personID, now)
}
