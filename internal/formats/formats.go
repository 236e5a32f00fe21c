package formats

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/store"
)

// Store is what the formats of the communes read and write.
type Store interface {
	Reader
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
	FormatBySlug(ctx context.Context, slug string) (*store.Format, error)
	FormatVersion(ctx context.Context, formatID int64, version int) (*store.FormatVersion, error)
	FormatVersions(ctx context.Context, formatID int64) ([]store.FormatVersion, error)
	FormatSlugsLike(ctx context.Context, prefix string) ([]string, error)
	Org(ctx context.Context, id int64) (*store.Org, error)
	OrgsByID(ctx context.Context, ids []int64) (map[int64]*store.Org, error)
	UsersByID(ctx context.Context, orgID int64, ids []int64) (map[int64]*store.User, error)
	RegionOrgs(ctx context.Context, regionID int64) ([]store.Org, error)
	Region(ctx context.Context, id int64) (*store.Region, error)
}

// Service lists, copies, adapts and versions the formats of the communes.
type Service struct {
	store    Store
	resolver *Resolver
	now      func() time.Time
}

// New returns a Service over the resolver's catalogue.
func New(s Store, r *Resolver, now func() time.Time) *Service {
	return &Service{store: s, resolver: r, now: now}
}

// Owner of the catalogue's formats, as Entry.Owner says it.
const OwnerCatalog = "catalog"

// Entry is a format as the lists and pages show it, with whose it is.
type Entry struct {
	*catalog.Format
	// Owner is OwnerCatalog or the slug of the commune whose format it is;
	// OwnerName names it.
	Owner     string
	OwnerName string
	// Version is the version shown (0 for the catalogue); Latest the
	// format's current one.
	Version int
	Latest  int
	// BasedOn is the slug of the format it was copied from.
	BasedOn string
	// Published is true once its commune shared it with its region.
	Published bool
	// Own is true for a format of the caller's commune: they may adapt it.
	Own       bool
	UpdatedAt *time.Time
}

// Catalogue reports whether the entry is a format of the catalogue.
func (e Entry) Catalogue() bool { return e.Owner == OwnerCatalog }

// List lists the formats the caller sees: the catalogue (to anyone), then
// the caller's commune's own formats, then those published in its region.
func (s *Service) List(ctx context.Context, caller access.Caller) ([]Entry, error) {
	out := make([]Entry, 0, len(s.resolver.catalog.Formats()))
	for _, f := range s.resolver.catalog.Formats() {
		out = append(out, catalogEntry(f))
	}
	if caller.Commune(access.ReadFormats, caller.OrgID) != nil {
		return out, nil
	}
	region, err := s.regionOf(ctx, caller)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.CurrentFormats(ctx, store.FormatFilter{OrgID: caller.OrgID, PublishedBy: region})
	if err != nil {
		return nil, err
	}
	entries, err := s.entries(ctx, caller, rows)
	if err != nil {
		return nil, err
	}
	// The commune's own first, then the region's, each by slug.
	slices.SortStableFunc(entries, func(a, b Entry) int {
		if a.Own != b.Own {
			if a.Own {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return append(out, entries...), nil
}

// regionOf lists the other communes of the caller's commune's region, whose
// published formats the caller sees: none outside a region.
func (s *Service) regionOf(ctx context.Context, caller access.Caller) ([]int64, error) {
	org, err := s.store.Org(ctx, caller.OrgID)
	if err != nil || org.RegionID == nil {
		return nil, err
	}
	orgs, err := s.store.RegionOrgs(ctx, *org.RegionID)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, o := range orgs {
		if o.ID != caller.OrgID {
			out = append(out, o.ID)
		}
	}
	return out, nil
}

func catalogEntry(f *catalog.Format) Entry {
	return Entry{Format: f, Owner: OwnerCatalog}
}

// entries turns stored formats into entries, naming their communes.
func (s *Service) entries(ctx context.Context, caller access.Caller, rows []store.CurrentFormat) ([]Entry, error) {
	ids := make([]int64, 0, len(rows))
	for i := range rows {
		ids = append(ids, rows[i].OrgID)
	}
	orgs, err := s.store.OrgsByID(ctx, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(rows))
	for i := range rows {
		row := &rows[i]
		f, err := s.resolver.decodeCurrent(row)
		if err != nil {
			return nil, err
		}
		out = append(out, entryOf(&row.Format, f, row.Version, orgs[row.OrgID], caller))
	}
	return out, nil
}

func entryOf(row *store.Format, f *catalog.Format, version int, org *store.Org, caller access.Caller) Entry {
	updated := row.UpdatedAt
	e := Entry{Format: f, Version: version, Latest: row.Version, BasedOn: row.BasedOn, Published: row.PublishedAt != nil,
		Own: row.OrgID == caller.OrgID, UpdatedAt: &updated}
	if org != nil {
		e.Owner, e.OwnerName = org.Slug, org.Name
	}
	return e
}

// Detail is a format with its exercises.
type Detail struct {
	Entry
	Exercises []*catalog.Exercise
}

// Get returns a format the caller sees: one of the catalogue (to anyone),
// one of the caller's commune (version 0: the current one; an older
// version by number), or one published in its region (the current one).
func (s *Service) Get(ctx context.Context, caller access.Caller, slug string, version int) (*Detail, error) {
	if f, ok := s.resolver.catalog.Format(slug); ok {
		if version != 0 {
			return nil, apperr.NotFound("err.not_found")
		}
		return &Detail{Entry: catalogEntry(f), Exercises: s.resolver.Exercises(f)}, nil
	}
	row, err := s.visible(ctx, caller, slug)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = row.Version
	} else if row.OrgID != caller.OrgID {
		return nil, apperr.NotFound("err.not_found") // older versions are the commune's
	}
	v, err := s.store.FormatVersion(ctx, row.ID, version)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound("err.not_found")
	}
	if err != nil {
		return nil, err
	}
	f, err := s.decodeVersion(v)
	if err != nil {
		return nil, err
	}
	org, err := s.store.Org(ctx, row.OrgID)
	if err != nil {
		return nil, err
	}
	return &Detail{Entry: entryOf(row, f, version, org, caller), Exercises: s.resolver.Exercises(f)}, nil
}

// visible finds a commune's format the caller may read: their commune's,
// or one published in their region. Any other is not found.
func (s *Service) visible(ctx context.Context, caller access.Caller, slug string) (*store.Format, error) {
	if err := caller.Commune(access.ReadFormats, caller.OrgID); err != nil {
		return nil, err
	}
	if !catalog.ValidSlug(slug) {
		return nil, apperr.NotFound("err.not_found")
	}
	row, err := s.store.FormatBySlug(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound("err.not_found")
	}
	if err != nil {
		return nil, err
	}
	if row.OrgID == caller.OrgID {
		return row, nil
	}
	if row.PublishedAt != nil {
		region, err := s.regionOf(ctx, caller)
		if err != nil {
			return nil, err
		}
		if slices.Contains(region, row.OrgID) {
			return row, nil
		}
	}
	return nil, apperr.NotFound("err.not_found")
}

func (s *Service) decodeVersion(v *store.FormatVersion) (*catalog.Format, error) {
	if r, ok := s.resolver.cache.get(v.ID); ok {
		return r.Format, nil
	}
	f, err := Decode(v.Body)
	if err != nil {
		return nil, fmt.Errorf("formats: version %d: %w", v.ID, err)
	}
	s.resolver.cache.put(v.ID, Resolved{Format: f, Version: v.Version})
	return f, nil
}

// VersionInfo is one saved version of a format.
type VersionInfo struct {
	Version   int
	CreatedAt time.Time
	// By names who saved it (an account of the commune), "" when unknown.
	By string
}

// Versions lists the versions of one of the caller's commune's formats,
// newest first.
func (s *Service) Versions(ctx context.Context, caller access.Caller, slug string) ([]VersionInfo, error) {
	row, err := s.visible(ctx, caller, slug)
	if err != nil {
		return nil, err
	}
	if row.OrgID != caller.OrgID {
		return nil, apperr.NotFound("err.not_found")
	}
	vs, err := s.store.FormatVersions(ctx, row.ID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, v := range vs {
		if v.CreatedBy != nil {
			ids = append(ids, *v.CreatedBy)
		}
	}
	users, err := s.store.UsersByID(ctx, row.OrgID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]VersionInfo, len(vs))
	for i, v := range vs {
		out[i] = VersionInfo{Version: v.Version, CreatedAt: v.CreatedAt}
		if v.CreatedBy != nil {
			if u, ok := users[*v.CreatedBy]; ok {
				out[i].By = cmpOr(u.Name, u.Email)
			}
		}
	}
	return out, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// CopyInput names the copy; both fields are optional.
type CopyInput struct {
	// Slug is the new format's slug; by default the original's followed
	// by the commune's (aubonne-ecublens), numbered when taken.
	Slug *string
	// Title is the copy's title; by default the original's.
	Title *string
}

// Copy copies a format the caller sees — the catalogue's, their
// commune's, or one published in their region — into the caller's
// commune, as version 1 of a new format of theirs.
func (s *Service) Copy(ctx context.Context, caller access.Caller, slug string, in CopyInput) (*Detail, error) {
	if err := caller.Commune(access.AdaptFormats, caller.OrgID); err != nil {
		return nil, err
	}
	src, err := s.Get(ctx, caller, slug, 0)
	if err != nil {
		return nil, err
	}
	org, err := s.store.Org(ctx, caller.OrgID)
	if err != nil {
		return nil, err
	}
	f := *src.Format
	var v apperr.Validation
	if in.Title != nil {
		f.Title = clean.Line(*in.Title)
		if f.DE != nil {
			de := *f.DE
			de.Title = "" // the German title was the original's
			f.DE = &de
		}
	}
	newSlug := ""
	if in.Slug != nil {
		newSlug = strings.TrimSpace(*in.Slug)
		switch _, inCatalog := s.resolver.catalog.Format(newSlug); {
		case !catalog.ValidSlug(newSlug):
			v.Add("slug", "formats.check.slug_invalid", newSlug)
		case inCatalog:
			v.Add("slug", "formats.err.slug_taken", newSlug)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var row *store.Format
	err = s.store.Tx(ctx, func(tx *store.Store) error {
		if newSlug == "" {
			free, err := s.freeSlug(ctx, tx, src.Slug, src.Owner, org.Slug)
			if err != nil {
				return err
			}
			f.Slug = free
		} else {
			f.Slug = newSlug
		}
		if err := validate(s.resolver.catalog, &f); err != nil {
			return err
		}
		body, err := Encode(&f)
		if err != nil {
			return err
		}
		row = &store.Format{OrgID: caller.OrgID, Slug: f.Slug, BasedOn: src.Slug, Version: 1, CreatedBy: caller.UserRef(), CreatedAt: now, UpdatedAt: now}
		err = tx.CreateFormat(ctx, row, &store.FormatVersion{Version: 1, Body: body, CreatedBy: caller.UserRef(), CreatedAt: now})
		if errors.Is(err, store.ErrDuplicate) {
			return apperr.Invalid("slug", "formats.err.slug_taken", f.Slug)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Detail{Entry: entryOf(row, &f, 1, org, caller), Exercises: s.resolver.Exercises(&f)}, nil
}

// freeSlug names a copy: base-commune, then base-commune-2, … A copy of a
// commune's format (owner's) drops that commune's name, and the copier's.
func (s *Service) freeSlug(ctx context.Context, tx *store.Store, base, owner, org string) (string, error) {
	base = strings.TrimSuffix(strings.TrimSuffix(base, "-"+owner), "-"+org)
	stem := base + "-" + org
	if len(stem) > 60 {
		stem = strings.TrimRight(stem[:60], "-")
	}
	taken, err := tx.FormatSlugsLike(ctx, stem)
	if err != nil {
		return "", err
	}
	for n := 1; ; n++ {
		cand := stem
		if n > 1 {
			cand = fmt.Sprintf("%s-%d", stem, n)
		}
		if _, inCatalog := s.resolver.catalog.Format(cand); !inCatalog && !slices.Contains(taken, cand) {
			return cand, nil
		}
	}
}

// validate checks a format with the catalogue's rules and turns its
// issues into a 422 naming each field.
func validate(c *catalog.Catalog, f *catalog.Format) error {
	var v apperr.Validation
	for _, is := range catalog.ValidateFormat(f, c.Exercise) {
		v.Add(is.Field(), is.Msg.Key, is.Msg.Args...)
	}
	return v.Err()
}

// Patch is a change of a commune's format: nil fields stay as they are.
type Patch struct {
	// Version, when given, is the version the change was made on: if
	// another was saved since, the change is refused (409) rather than
	// silently undoing it.
	Version         *int
	Title           *string
	Summary         *string
	TitleDE         *string
	SummaryDE       *string
	DurationMinutes *int
	Participation   *string
	Grouping        *string
	Trainer         *string
	Audiences       *[]string
	Agenda          *[]catalog.AgendaItem
	Exercises       *[]string
	Bring           *[]string
}

// Update changes one of the caller's commune's formats: a new version is
// saved (none when nothing changed). A French title or summary changed
// without its German text drops the old German one, which described the
// old text: German readers see the French until it is written again. An
// agenda given without a duration sets the duration to its total.
func (s *Service) Update(ctx context.Context, caller access.Caller, slug string, p Patch) (*Detail, error) {
	if err := s.adaptable(caller, slug); err != nil {
		return nil, err
	}
	now := s.now()
	var out *Detail
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		row, err := lockOwn(ctx, tx, caller, slug)
		if err != nil {
			return err
		}
		if p.Version != nil && *p.Version != row.Version {
			return apperr.Conflict("formats.err.stale", row.Version)
		}
		cur, err := tx.FormatVersion(ctx, row.ID, row.Version)
		if err != nil {
			return err
		}
		f, err := Decode(cur.Body)
		if err != nil {
			return err
		}
		apply(f, p)
		if err := validate(s.resolver.catalog, f); err != nil {
			return err
		}
		body, err := Encode(f)
		if err != nil {
			return err
		}
		org, err := tx.Org(ctx, row.OrgID)
		if err != nil {
			return err
		}
		if body == cur.Body {
			out = &Detail{Entry: entryOf(row, f, row.Version, org, caller), Exercises: s.resolver.Exercises(f)}
			return nil
		}
		row.Version++
		row.UpdatedAt = now
		if err := tx.InsertFormatVersion(ctx, &store.FormatVersion{FormatID: row.ID, Version: row.Version, Body: body, CreatedBy: caller.UserRef(), CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.SaveFormat(ctx, row); err != nil {
			return err
		}
		out = &Detail{Entry: entryOf(row, f, row.Version, org, caller), Exercises: s.resolver.Exercises(f)}
		return nil
	})
	return out, err
}

// adaptable says why the caller may not change the format slug, before
// anything is read: only HR adapts, and only a commune's formats.
func (s *Service) adaptable(caller access.Caller, slug string) error {
	if err := caller.Commune(access.AdaptFormats, caller.OrgID); err != nil {
		return err
	}
	if _, ok := s.resolver.catalog.Format(slug); ok {
		return apperr.Forbidden("formats.err.catalog_readonly")
	}
	if !catalog.ValidSlug(slug) {
		return apperr.NotFound("err.not_found")
	}
	return nil
}

// lockOwn reads and locks one of the caller's commune's formats; another
// commune's is not found.
func lockOwn(ctx context.Context, tx *store.Store, caller access.Caller, slug string) (*store.Format, error) {
	row, err := tx.LockFormat(ctx, slug)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound("err.not_found")
	}
	if err != nil {
		return nil, err
	}
	return row, caller.Commune(access.AdaptFormats, row.OrgID)
}

// apply copies a patch onto a format.
func apply(f *catalog.Format, p Patch) {
	de := catalog.FormatText{}
	if f.DE != nil {
		de = *f.DE
	}
	if p.Title != nil {
		if t := clean.Line(*p.Title); t != f.Title {
			f.Title, de.Title = t, ""
		}
	}
	if p.Summary != nil {
		if t := clean.Text(*p.Summary); t != f.Summary {
			f.Summary, de.Summary = t, ""
		}
	}
	if p.TitleDE != nil {
		de.Title = clean.Line(*p.TitleDE)
	}
	if p.SummaryDE != nil {
		de.Summary = clean.Text(*p.SummaryDE)
	}
	if de.Title == "" && de.Summary == "" && de.EditorNote == "" && len(de.Bring) == 0 {
		f.DE = nil
	} else {
		f.DE = &de
	}
	if p.Participation != nil {
		f.Participation = catalog.Participation(*p.Participation)
	}
	if p.Grouping != nil {
		f.Grouping = catalog.Grouping(*p.Grouping)
	}
	if p.Trainer != nil {
		f.Trainer = catalog.TrainerKind(*p.Trainer)
	}
	if p.Audiences != nil {
		f.Audiences = make([]catalog.Audience, len(*p.Audiences))
		for i, a := range *p.Audiences {
			f.Audiences[i] = catalog.Audience(a)
		}
	}
	if p.Agenda != nil {
		f.Agenda = make([]catalog.AgendaItem, len(*p.Agenda))
		total := 0
		for i, it := range *p.Agenda {
			it.Title, it.TitleDE = clean.Line(it.Title), clean.Line(it.TitleDE)
			f.Agenda[i] = it
			total += it.Minutes
		}
		if p.DurationMinutes == nil {
			f.DurationMinutes = total
		}
	}
	if p.DurationMinutes != nil {
		f.DurationMinutes = *p.DurationMinutes
	}
	if p.Exercises != nil {
		f.Exercises = slices.Clone(*p.Exercises)
	}
	if p.Bring != nil {
		f.Bring = make([]string, 0, len(*p.Bring))
		for _, b := range *p.Bring {
			f.Bring = append(f.Bring, clean.Line(b))
		}
	}
}

// Page is a format's page: the format (a version of it), what the caller
// may do with it, and the versions of a commune's own format.
type Page struct {
	Detail
	// CanCopy: the caller may copy it into their commune; CanEdit: it is
	// the current version of one of their commune's formats; CanPublish:
	// also, their commune belongs to a region (Region names it).
	CanCopy, CanEdit, CanPublish bool
	Region                       string
	Versions                     []VersionInfo
}

// Page gathers a format's page (version 0: the current one).
func (s *Service) Page(ctx context.Context, caller access.Caller, slug string, version int) (*Page, error) {
	d, err := s.Get(ctx, caller, slug, version)
	if err != nil {
		return nil, err
	}
	p := &Page{Detail: *d, CanCopy: caller.Commune(access.AdaptFormats, caller.OrgID) == nil}
	if d.Own {
		p.CanEdit = p.CanCopy && d.Version == d.Latest
		if p.Versions, err = s.Versions(ctx, caller, slug); err != nil {
			return nil, err
		}
		org, err := s.store.Org(ctx, caller.OrgID)
		if err != nil {
			return nil, err
		}
		if org.RegionID != nil && p.CanEdit {
			r, err := s.store.Region(ctx, *org.RegionID)
			if err != nil {
				return nil, err
			}
			p.CanPublish, p.Region = true, r.Name
		}
	}
	return p, nil
}

// EditForm is what the form adapting a format offers.
type EditForm struct {
	Detail
	// Exercises are all the catalogue's, to choose from.
	Exercises []*catalog.Exercise
}

// EditForm gathers the form adapting one of the caller's commune's
// formats, in its current version.
func (s *Service) EditForm(ctx context.Context, caller access.Caller, slug string) (*EditForm, error) {
	if err := caller.Commune(access.AdaptFormats, caller.OrgID); err != nil {
		return nil, err
	}
	if _, ok := s.resolver.catalog.Format(slug); ok {
		return nil, apperr.Forbidden("formats.err.catalog_readonly")
	}
	d, err := s.Get(ctx, caller, slug, 0)
	if err != nil {
		return nil, err
	}
	if !d.Own {
		return nil, apperr.Forbidden("formats.err.not_own")
	}
	return &EditForm{Detail: *d, Exercises: s.resolver.catalog.Exercises()}, nil
}

// Publish shares one of the caller's commune's formats with the other
// communes of its region (publish false withdraws it): they see it in
// their list and may copy it, never change it. A commune outside a region
// has nobody to share with (409).
func (s *Service) Publish(ctx context.Context, caller access.Caller, slug string, publish bool) (*Detail, error) {
	if err := s.adaptable(caller, slug); err != nil {
		return nil, err
	}
	now := s.now()
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		row, err := lockOwn(ctx, tx, caller, slug)
		if err != nil {
			return err
		}
		org, err := tx.Org(ctx, row.OrgID)
		if err != nil {
			return err
		}
		switch {
		case publish && org.RegionID == nil:
			return apperr.Conflict("formats.err.no_region")
		case publish && row.PublishedAt == nil:
			row.PublishedAt = &now
		case !publish:
			row.PublishedAt = nil
		default:
			return nil // published already
		}
		return tx.SaveFormat(ctx, row)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, caller, slug, 0)
}
