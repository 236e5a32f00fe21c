// Package region lets communes work together (the guide's §1: « les
// communes valaisannes ne devraient pas chercher chacune sa propre
// solution »): regions and their communes, each commune's consent to share
// its aggregates with its region, and the regional view its coordinator
// reads — aggregates only, under the anonymity rule of package survey, so
// that nothing personal ever leaves a commune.
package region

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/report"
	"github.com/atelier-ch/atelier/internal/store"
)

// Store is what the regions read and write.
type Store interface {
	CreateRegion(ctx context.Context, r *store.Region) error
	Regions(ctx context.Context) ([]store.Region, error)
	RegionBySlug(ctx context.Context, slug string) (*store.Region, error)
	Region(ctx context.Context, id int64) (*store.Region, error)
	RegionOrgs(ctx context.Context, regionID int64) ([]store.Org, error)
	OrgBySlug(ctx context.Context, slug string) (*store.Org, error)
	Org(ctx context.Context, id int64) (*store.Org, error)
	Orgs(ctx context.Context) ([]store.Org, error)
	SetOrgRegion(ctx context.Context, orgID, regionID int64) (*store.Org, error)
	SetOrgShare(ctx context.Context, orgID int64, share bool) error
	InsertStaffAction(ctx context.Context, a *store.StaffAction) error
	RegionPeople(ctx context.Context, regionID int64) ([]store.Person, error)
	CurrentFormats(ctx context.Context, f store.FormatFilter) ([]store.CurrentFormat, error)
	report.SharedStore
	ExperienceStore
}

// Service applies the regions' rules.
type Service struct {
	store   Store
	reports *report.Service
	catalog *catalog.Catalog
	tr      *i18n.Translator
	now     func() time.Time
	// titles holds the titles of the communes' own formats, by slug and
	// language, as last read (a format keeps its slug; a new version may
	// change its title, read again at every report).
	titles sync.Map
}

// New returns a Service.
func New(s Store, reports *report.Service, c *catalog.Catalog, tr *i18n.Translator, now func() time.Time) *Service {
	return &Service{store: s, reports: reports, catalog: c, tr: tr, now: now}
}

// Create validates and creates a region (admins).
func (s *Service) Create(ctx context.Context, caller access.Caller, slug, name string) (*store.Region, error) {
	if err := caller.Platform(access.ManageRegions); err != nil {
		return nil, err
	}
	var v apperr.Validation
	slug = strings.TrimSpace(slug)
	switch {
	case slug == "":
		v.Add("slug", "err.required")
	case !directory.ValidSlug(slug):
		v.Add("slug", "err.slug_invalid")
	}
	name = clean.Line(name)
	switch {
	case name == "":
		v.Add("name", "err.required")
	case utf8.RuneCountInString(name) > 200:
		v.Add("name", "err.too_long", 200)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := &store.Region{Slug: slug, Name: name, CreatedAt: s.now().UTC()}
	if err := s.store.CreateRegion(ctx, r); errors.Is(err, store.ErrDuplicate) {
		return nil, apperr.Conflict("region.err.slug_taken")
	} else if err != nil {
		return nil, err
	}
	return r, nil
}

// Overview is a region with its communes.
type Overview struct {
	store.Region
	Communes []store.Org
}

// List lists the regions with their communes (admins).
func (s *Service) List(ctx context.Context, caller access.Caller) ([]Overview, error) {
	if err := caller.Platform(access.ManageRegions); err != nil {
		return nil, err
	}
	regions, err := s.store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := s.store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Overview, len(regions))
	at := map[int64]int{}
	for i, r := range regions {
		out[i] = Overview{Region: r, Communes: []store.Org{}}
		at[r.ID] = i
	}
	for _, o := range orgs { // by name already
		if o.RegionID != nil {
			out[at[*o.RegionID]].Communes = append(out[at[*o.RegionID]].Communes, o)
		}
	}
	return out, nil
}

// AddCommune puts commune orgSlug in region regionSlug (admins). A commune
// belongs to one region: moving it to another ends its sharing, whose
// consent was given to the first.
func (s *Service) AddCommune(ctx context.Context, caller access.Caller, regionSlug, orgSlug string) (*store.Org, error) {
	if err := caller.Platform(access.ManageRegions); err != nil {
		return nil, err
	}
	r, err := s.store.RegionBySlug(ctx, regionSlug)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(orgSlug) == "" {
		return nil, apperr.Invalid("org", "err.required")
	}
	o, err := s.store.OrgBySlug(ctx, strings.TrimSpace(orgSlug))
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.Invalid("org", "err.org_unknown")
	} else if err != nil {
		return nil, err
	}
	before := o.RegionID
	if o, err = s.store.SetOrgRegion(ctx, o.ID, r.ID); err != nil {
		return nil, err
	}
	if before == nil || *before != r.ID {
		if err := audit.Staff(ctx, s.store, caller, o.ID, "region_joined", "region:"+r.Slug, nil, s.now()); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// Sharing is a commune's region and whether it shares with it.
type Sharing struct {
	Org    *store.Org
	Region *store.Region
}

// SharingOf says whether commune orgSlug shares with its region: for its
// HR (or an admin) before they decide. An empty slug is the caller's own
// commune.
func (s *Service) SharingOf(ctx context.Context, caller access.Caller, orgSlug string) (*Sharing, error) {
	o, err := s.orgFor(ctx, caller, orgSlug)
	if err != nil {
		return nil, err
	}
	out := &Sharing{Org: o}
	if o.RegionID != nil {
		if out.Region, err = s.store.Region(ctx, *o.RegionID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// orgFor finds the commune a caller names (their own when slug is empty)
// and checks that they may decide its sharing: an admin any, HR their own.
func (s *Service) orgFor(ctx context.Context, caller access.Caller, slug string) (*store.Org, error) {
	if slug == "" {
		if err := caller.Commune(access.ShareWithRegion, caller.OrgID); err != nil {
			return nil, err
		}
		return s.store.Org(ctx, caller.OrgID)
	}
	o, err := s.store.OrgBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if caller.Platform(access.ManageRegions) == nil {
		return o, nil
	}
	if err := caller.Commune(access.ShareWithRegion, o.ID); err != nil {
		return nil, err
	}
	return o, nil
}

// SetShare records whether commune orgSlug (the caller's own when empty)
// shows its aggregates to its region: HR of the commune, or an admin.
// Sharing needs a region; it is off until someone turns it on.
func (s *Service) SetShare(ctx context.Context, caller access.Caller, orgSlug string, share bool) (*Sharing, error) {
	o, err := s.orgFor(ctx, caller, orgSlug)
	if err != nil {
		return nil, err
	}
	if share && o.RegionID == nil {
		return nil, apperr.Invalid("share_with_region", "region.err.no_region")
	}
	if o.ShareWithRegion != share {
		if err := s.store.SetOrgShare(ctx, o.ID, share); err != nil {
			return nil, err
		}
		action := "region_share_stopped"
		if share {
			action = "region_share_started"
		}
		if err := audit.Staff(ctx, s.store, caller, o.ID, action, "org:"+o.Slug, nil, s.now()); err != nil {
			return nil, err
		}
		o.ShareWithRegion = share
	}
	out := &Sharing{Org: o}
	if o.RegionID != nil {
		if out.Region, err = s.store.Region(ctx, *o.RegionID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// regionOf finds the caller's region with its communes and asks the
// policy: a coordinator's own, or the region of the caller's commune.
func (s *Service) regionOf(ctx context.Context, caller access.Caller, a access.Action) (*store.Region, []store.Org, error) {
	var id int64
	switch {
	case caller.RegionID != 0:
		id = caller.RegionID
	case caller.OrgID != 0:
		o, err := s.store.Org(ctx, caller.OrgID)
		if err != nil {
			return nil, nil, err
		}
		if o.RegionID != nil {
			id = *o.RegionID
		}
	}
	var r *store.Region
	var orgs []store.Org
	if id != 0 {
		var err error
		if r, err = s.store.Region(ctx, id); err != nil {
			return nil, nil, err
		}
		if orgs, err = s.store.RegionOrgs(ctx, id); err != nil {
			return nil, nil, err
		}
	}
	policy := access.Region{ID: id}
	for _, o := range orgs {
		policy.Communes = append(policy.Communes, o.ID)
	}
	if err := caller.OnRegion(a, policy); err != nil {
		return nil, nil, err
	}
	return r, orgs, nil
}

// Neighbours lists the other communes of the region of the caller's
// commune, for HR scheduling a session with seats for them (no region:
// none). Only their names and slugs: nothing of their people.
func (s *Service) Neighbours(ctx context.Context, caller access.Caller) ([]store.Org, error) {
	if err := caller.Commune(access.ScheduleSession, caller.OrgID); err != nil {
		return nil, err
	}
	o, err := s.store.Org(ctx, caller.OrgID)
	if err != nil || o.RegionID == nil {
		return nil, err
	}
	orgs, err := s.store.RegionOrgs(ctx, *o.RegionID)
	if err != nil {
		return nil, err
	}
	out := make([]store.Org, 0, len(orgs))
	for _, n := range orgs {
		if n.ID != o.ID {
			out = append(out, store.Org{ID: n.ID, Slug: n.Slug, Name: n.Name})
		}
	}
	return out, nil
}
