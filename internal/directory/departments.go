package directory

import (
	"context"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/store"
)

// DeleteDepartment removes an empty service of the caller's commune; one
// that still has people is a 409 saying how many (move or merge them
// first).
func (d *Service) DeleteDepartment(ctx context.Context, caller access.Caller, id int64) error {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return err
	}
	return d.store.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.Department(ctx, caller.OrgID, id); err != nil {
			return err
		}
		counts, err := tx.DepartmentCounts(ctx, caller.OrgID)
		if err != nil {
			return err
		}
		if n := counts[id]; n > 0 {
			return apperr.Conflict("err.department_not_empty", n)
		}
		return tx.DeleteDepartment(ctx, caller.OrgID, id)
	})
}

// MergeDepartments moves every person of service id into service into
// and removes id, in one transaction; reports keep their counts under the
// merged service.
func (d *Service) MergeDepartments(ctx context.Context, caller access.Caller, id, into int64) (*store.Department, error) {
	if err := caller.Commune(access.ManageDirectory, caller.OrgID); err != nil {
		return nil, err
	}
	if into == 0 {
		return nil, apperr.Invalid("into", "err.required")
	}
	if into == id {
		return nil, apperr.Invalid("into", "err.merge_itself")
	}
	var target *store.Department
	err := d.store.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.Department(ctx, caller.OrgID, id); err != nil {
			return err
		}
		var err error
		if target, err = tx.Department(ctx, caller.OrgID, into); err != nil {
			return apperr.Invalid("into", "err.department_unknown")
		}
		if _, err := tx.MoveDepartmentPeople(ctx, caller.OrgID, id, into); err != nil {
			return err
		}
		return tx.DeleteDepartment(ctx, caller.OrgID, id)
	})
	return target, err
}
