package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm/clause"
)

// Format is a commune's own training format: a copy of a catalogue format
// (or of a format another commune published), adapted. Its texts and
// agenda are in its versions; Version is the current one.
type Format struct {
	ID    int64
	OrgID int64
	Slug  string
	// BasedOn is the slug of the format it was copied from.
	BasedOn string
	Version int
	// PublishedAt is when the commune shared it with its region; nil while
	// it is the commune's alone.
	PublishedAt *time.Time
	CreatedBy   *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// FormatVersion is one saved version of a commune's format. Versions are
// never changed: a session keeps the one it was scheduled with.
type FormatVersion struct {
	ID       int64
	FormatID int64
	Version  int
	// Body is the format as JSON (catalog.Format).
	Body      string
	CreatedBy *int64
	CreatedAt time.Time
}

// CurrentFormat is a format with the body of its current version.
type CurrentFormat struct {
	Format
	VersionID int64
	Body      string
}

// CreateFormat inserts a format and its first version; a slug taken
// meanwhile is ErrDuplicate.
func (s *Store) CreateFormat(ctx context.Context, f *Format, v *FormatVersion) error {
	if err := s.with(ctx).Create(f).Error; err != nil {
		return translate(err)
	}
	v.FormatID = f.ID
	return translate(s.with(ctx).Create(v).Error)
}

// FormatBySlug finds a commune's format by slug, whatever its commune:
// callers check access.
func (s *Store) FormatBySlug(ctx context.Context, slug string) (*Format, error) {
	var f Format
	return &f, translate(s.with(ctx).Where("slug = ?", slug).Take(&f).Error)
}

// LockFormat reads a format and locks its row until the transaction ends,
// so that two edits make two versions one after the other.
func (s *Store) LockFormat(ctx context.Context, slug string) (*Format, error) {
	q := s.with(ctx)
	if s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var f Format
	return &f, translate(q.Where("slug = ?", slug).Take(&f).Error)
}

// SaveFormat updates every field of a format.
func (s *Store) SaveFormat(ctx context.Context, f *Format) error {
	return translate(s.with(ctx).Save(f).Error)
}

// InsertFormatVersion saves a new version of a format.
func (s *Store) InsertFormatVersion(ctx context.Context, v *FormatVersion) error {
	return translate(s.with(ctx).Create(v).Error)
}

// FormatVersion finds one version of a format.
func (s *Store) FormatVersion(ctx context.Context, formatID int64, version int) (*FormatVersion, error) {
	var v FormatVersion
	return &v, translate(s.with(ctx).Where("format_id = ? AND version = ?", formatID, version).Take(&v).Error)
}

// FormatVersions lists a format's versions, newest first, without their
// bodies.
func (s *Store) FormatVersions(ctx context.Context, formatID int64) ([]FormatVersion, error) {
	var out []FormatVersion
	err := s.with(ctx).Select("id, format_id, version, created_by, created_at").Where("format_id = ?", formatID).Order("version DESC").Find(&out).Error
	return out, translate(err)
}

// FormatVersionsByID returns the versions among ids, keyed by id.
func (s *Store) FormatVersionsByID(ctx context.Context, ids []int64) (map[int64]*FormatVersion, error) {
	out := make(map[int64]*FormatVersion, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		var rows []FormatVersion
		if err := s.with(ctx).Where("id IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, translate(err)
		}
		for i := range rows {
			out[rows[i].ID] = &rows[i]
		}
	}
	return out, nil
}

// FormatFilter selects the formats a commune sees.
type FormatFilter struct {
	// OrgID keeps the formats of that commune.
	OrgID int64
	// PublishedBy adds the published formats of these communes.
	PublishedBy []int64
	// Slug keeps one format.
	Slug string
}

// CurrentFormats lists formats with their current version, by slug, in
// one query.
func (s *Store) CurrentFormats(ctx context.Context, f FormatFilter) ([]CurrentFormat, error) {
	q := s.with(ctx).Table("formats AS f").
		Select("f.*, v.id AS version_id, v.body AS body").
		Joins("JOIN format_versions v ON v.format_id = f.id AND v.version = f.version")
	if len(f.PublishedBy) > 0 {
		q = q.Where("(f.org_id = ? OR (f.published_at IS NOT NULL AND f.org_id IN ?))", f.OrgID, f.PublishedBy)
	} else {
		q = q.Where("f.org_id = ?", f.OrgID)
	}
	if f.Slug != "" {
		q = q.Where("f.slug = ?", f.Slug)
	}
	var out []CurrentFormat
	return out, translate(q.Order(s.bytewise("f.slug")).Scan(&out).Error)
}

// FormatSlugsLike lists the slugs of formats that are prefix or start
// with prefix and a dash, to name a new copy. A slug holds no LIKE
// wildcard (letters, digits and dashes).
func (s *Store) FormatSlugsLike(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	err := s.with(ctx).Model(&Format{}).Where("slug = ? OR slug LIKE ?", prefix, prefix+"-%").Pluck("slug", &out).Error
	return out, translate(err)
}
