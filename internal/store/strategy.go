package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// MementoVersion is one saved version of a commune's memento.
type MementoVersion struct {
	ID      int64
	OrgID   int64
	Version int
	// Language is the language the memento is written in.
	Language string
	// Content is the memento as JSON (package memento).
	Content   string
	CreatedBy *int64
	CreatedAt time.Time
}

// TableName maps MementoVersion to its table.
func (MementoVersion) TableName() string { return "mementos" }

// MementoRead is a person's confirmation of having read a version of the
// memento.
type MementoRead struct {
	ID       int64
	OrgID    int64
	PersonID int64
	Version  int
	ReadAt   time.Time
}

// Roadmap is a commune's roadmap, edited in place.
type Roadmap struct {
	ID    int64
	OrgID int64
	// Content is the roadmap as JSON (package roadmap).
	Content   string
	UpdatedBy *int64
	UpdatedAt time.Time
}

// LatestMemento finds the last saved version of a commune's memento.
func (s *Store) LatestMemento(ctx context.Context, orgID int64) (*MementoVersion, error) {
	var m MementoVersion
	return &m, translate(s.with(ctx).Where("org_id = ?", orgID).Order("version DESC").Take(&m).Error)
}

// Memento finds one version of a commune's memento.
func (s *Store) Memento(ctx context.Context, orgID int64, version int) (*MementoVersion, error) {
	var m MementoVersion
	return &m, translate(s.with(ctx).Where("org_id = ? AND version = ?", orgID, version).Take(&m).Error)
}

// InsertMemento saves a new version; a version number taken meanwhile is
// ErrDuplicate.
func (s *Store) InsertMemento(ctx context.Context, m *MementoVersion) error {
	return translate(s.with(ctx).Create(m).Error)
}

// ConfirmMementoRead records that a person read a version; confirming
// again keeps the first confirmation.
func (s *Store) ConfirmMementoRead(ctx context.Context, r *MementoRead) error {
	err := s.with(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "person_id"}, {Name: "version"}}, DoNothing: true}).Create(r).Error
	if err != nil {
		return translate(err)
	}
	return translate(s.with(ctx).Where("person_id = ? AND version = ?", r.PersonID, r.Version).Take(r).Error)
}

// MementoReadOf finds a person's confirmation of a version.
func (s *Store) MementoReadOf(ctx context.Context, personID int64, version int) (*MementoRead, error) {
	var r MementoRead
	return &r, translate(s.with(ctx).Where("person_id = ? AND version = ?", personID, version).Take(&r).Error)
}

// MementoReads lists the confirmations of a commune's people.
func (s *Store) MementoReads(ctx context.Context, orgID int64) ([]MementoRead, error) {
	var out []MementoRead
	return out, translate(s.with(ctx).Where("org_id = ?", orgID).Order("id").Find(&out).Error)
}

// RoadmapOf finds a commune's roadmap.
func (s *Store) RoadmapOf(ctx context.Context, orgID int64) (*Roadmap, error) {
	var r Roadmap
	return &r, translate(s.with(ctx).Where("org_id = ?", orgID).Take(&r).Error)
}

// SaveRoadmap writes a commune's roadmap, creating it the first time.
func (s *Store) SaveRoadmap(ctx context.Context, r *Roadmap) error {
	err := s.with(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "org_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"content", "updated_by", "updated_at"}),
	}).Create(r).Error
	if err != nil {
		return translate(err)
	}
	return translate(s.with(ctx).Where("org_id = ?", r.OrgID).Take(r).Error)
}

// PeopleLanguages counts a commune's people by language.
func (s *Store) PeopleLanguages(ctx context.Context, orgID int64) (map[string]int64, error) {
	var rows []struct {
		Language string
		N        int64
	}
	if err := s.with(ctx).Model(&Person{}).Select("language, COUNT(*) AS n").Where("org_id = ?", orgID).Group("language").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Language] = r.N
	}
	return out, nil
}
