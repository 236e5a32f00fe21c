package store

import (
	"context"

	"strings"

	"gorm.io/gorm/clause"
)

// IsSessionTrainer reports whether the user runs the session.
func (s *Store) IsSessionTrainer(ctx context.Context, sessionID, userID int64) (bool, error) {
	var n int64
	err := s.with(ctx).Model(&SessionTrainer{}).Where("session_id = ? AND user_id = ?", sessionID, userID).Count(&n).Error
	return n > 0, translate(err)
}

// PersonByEmail finds a person of a commune by email.
func (s *Store) PersonByEmail(ctx context.Context, orgID int64, email string) (*Person, error) {
	var p Person
	return &p, translate(s.with(ctx).Where("org_id = ? AND email = ?", orgID, strings.ToLower(email)).Take(&p).Error)
}

// Feedback finds the feedback given through a registration.
func (s *Store) Feedback(ctx context.Context, registrationID int64) (*Feedback, error) {
	var f Feedback
	return &f, translate(s.with(ctx).Where("registration_id = ?", registrationID).Take(&f).Error)
}

// SaveFeedback inserts a registration's feedback, or replaces it: one per
// registration, whatever the concurrency.
func (s *Store) SaveFeedback(ctx context.Context, f *Feedback) error {
	err := s.with(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "registration_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"overall", "will_use", "confidence_before", "confidence_after", "use_cases", "worries", "updated_at"}),
	}).Create(f).Error
	return translate(err)
}
