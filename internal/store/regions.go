package store

import (
	"context"
	"slices"

	"gorm.io/gorm/clause"

	"github.com/atelier-ch/atelier/internal/names"
)

// CreateRegion inserts a region; a taken slug is ErrDuplicate.
func (s *Store) CreateRegion(ctx context.Context, r *Region) error {
	return translate(s.with(ctx).Create(r).Error)
}

// Regions lists every region by name.
func (s *Store) Regions(ctx context.Context) ([]Region, error) {
	var out []Region
	if err := s.with(ctx).Find(&out).Error; err != nil {
		return nil, translate(err)
	}
	slices.SortStableFunc(out, func(a, b Region) int { return names.Compare(a.Name, b.Name) })
	return out, nil
}

// RegionBySlug finds a region by its slug.
func (s *Store) RegionBySlug(ctx context.Context, slug string) (*Region, error) {
	var r Region
	return &r, translate(s.with(ctx).Where("slug = ?", slug).Take(&r).Error)
}

// Region finds a region by id.
func (s *Store) Region(ctx context.Context, id int64) (*Region, error) {
	var r Region
	return &r, translate(s.with(ctx).Take(&r, id).Error)
}

// RegionsByID returns the regions among ids, keyed by id.
func (s *Store) RegionsByID(ctx context.Context, ids []int64) (map[int64]*Region, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make(map[int64]*Region, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rs []Region
	if err := s.with(ctx).Where("id IN ?", ids).Find(&rs).Error; err != nil {
		return nil, translate(err)
	}
	for i := range rs {
		out[rs[i].ID] = &rs[i]
	}
	return out, nil
}

// RegionOrgs lists the communes of a region by name.
func (s *Store) RegionOrgs(ctx context.Context, regionID int64) ([]Org, error) {
	var out []Org
	if err := s.with(ctx).Where("region_id = ?", regionID).Find(&out).Error; err != nil {
		return nil, translate(err)
	}
	slices.SortStableFunc(out, func(a, b Org) int { return names.Compare(a.Name, b.Name) })
	return out, nil
}

// SetOrgRegion puts a commune in a region. A commune that changes region
// stops sharing: its consent was given to the other region.
func (s *Store) SetOrgRegion(ctx context.Context, orgID, regionID int64) (*Org, error) {
	var o Org
	err := s.Tx(ctx, func(tx *Store) error {
		q := tx.with(ctx)
		if tx.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Take(&o, orgID).Error; err != nil {
			return err
		}
		if o.RegionID != nil && *o.RegionID == regionID {
			return nil
		}
		o.RegionID, o.ShareWithRegion = &regionID, false
		return tx.with(ctx).Model(&Org{}).Where("id = ?", orgID).Updates(map[string]any{"region_id": regionID, "share_with_region": false}).Error
	})
	return &o, translate(err)
}

// SetOrgShare records whether a commune shares its aggregates with its
// region.
func (s *Store) SetOrgShare(ctx context.Context, orgID int64, share bool) error {
	res := s.with(ctx).Model(&Org{}).Where("id = ?", orgID).Update("share_with_region", share)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// Experience finds a commune's exchange of experience.
func (s *Store) Experience(ctx context.Context, orgID int64) (*Experience, error) {
	var e Experience
	return &e, translate(s.with(ctx).Where("org_id = ?", orgID).Take(&e).Error)
}

// SaveExperience creates or replaces a commune's exchange of experience
// (one per commune: a second creation meanwhile is ErrDuplicate).
func (s *Store) SaveExperience(ctx context.Context, e *Experience) error {
	if e.ID == 0 {
		return translate(s.with(ctx).Create(e).Error)
	}
	return translate(s.with(ctx).Save(e).Error)
}

// PublishedExperiences lists what the communes of a region published to
// it, by commune id; a commune that left the region takes its own along.
func (s *Store) PublishedExperiences(ctx context.Context, regionID int64) ([]Experience, error) {
	members := s.with(ctx).Model(&Org{}).Select("id").Where("region_id = ?", regionID)
	var out []Experience
	err := s.with(ctx).Where("published_region_id = ? AND org_id IN (?)", regionID, members).Order("org_id").Find(&out).Error
	return out, translate(err)
}

// RegionPeople lists the names of the people of a region's communes (no
// address, nothing else): what regional texts must never carry.
func (s *Store) RegionPeople(ctx context.Context, regionID int64) ([]Person, error) {
	members := s.with(ctx).Model(&Org{}).Select("id").Where("region_id = ?", regionID)
	var out []Person
	err := s.with(ctx).Select("id, org_id, name, given_name, family_name").Where("org_id IN (?)", members).Find(&out).Error
	return out, translate(err)
}
