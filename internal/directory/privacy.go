package directory

import (
	"context"

	"github.com/atelier-ch/atelier/internal/store"
)

// Export returns everything held about a person of orgID.
func (d *Service) Export(ctx context.Context, orgID, personID int64) (*store.PersonData, error) {
	return d.store.PersonData(ctx, orgID, personID)
}
