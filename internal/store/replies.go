package store

import (
	"context"
	"strings"
	"time"
)

// SessionByUID finds a session by the UID of its calendar events.
func (s *Store) SessionByUID(ctx context.Context, uid string) (*Session, error) {
	var sess Session
	return &sess, translate(s.with(ctx).Where("uid = ?", uid).Take(&sess).Error)
}

// RegistrationsByEmail lists the registrations of a session whose person
// has this email (compared in lower case), at most limit of them.
func (s *Store) RegistrationsByEmail(ctx context.Context, sessionID int64, email string, limit int) ([]Registration, error) {
	var out []Registration
	err := s.with(ctx).Table("registrations AS r").Select("r.*").
		Joins("JOIN people p ON p.id = r.person_id").
		Where("r.session_id = ? AND LOWER(p.email) = ?", sessionID, strings.ToLower(email)).
		Order("r.id").Limit(limit).Scan(&out).Error
	return out, translate(err)
}

// CalendarReplySeen reports whether a reply with this key was applied.
func (s *Store) CalendarReplySeen(ctx context.Context, key string) (bool, error) {
	var n int64
	err := s.with(ctx).Model(&CalendarReply{}).Where("message_key = ?", key).Count(&n).Error
	return n > 0, translate(err)
}

// LatestReplyStamp returns the latest DTSTAMP of the replies applied to a
// registration, nil when none said when it was written.
func (s *Store) LatestReplyStamp(ctx context.Context, registrationID int64) (*time.Time, error) {
	var rows []CalendarReply
	err := s.with(ctx).Where("registration_id = ? AND stamp IS NOT NULL", registrationID).
		Order("stamp DESC").Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, translate(err)
	}
	return rows[0].Stamp, nil
}

// InsertCalendarReply records an applied reply; a key recorded before is
// ErrDuplicate.
func (s *Store) InsertCalendarReply(ctx context.Context, r *CalendarReply) error {
	return translate(s.with(ctx).Create(r).Error)
}
