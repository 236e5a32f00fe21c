// Package attendance records who came (by hand, by QR code, walk-ins) and
// what participants thought of the session (feedback).
package attendance

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/store"
)

// Statuses an attendance can be set to; unknown undoes a mark.
var Statuses = []string{store.AttendPresent, store.AttendAbsent, store.AttendExcused, store.AttendUnknown}

const (
	// DoorsOpen is how long before the start check-in and marking open:
	// people arrive early and the trainer checks them in at the door.
	DoorsOpen = 30 * time.Minute
	// TrainerWindow is how long after the end a trainer may still mark;
	// HR may mark past sessions at any time.
	TrainerWindow = 7 * 24 * time.Hour
	maxText       = 2000
)

// Service applies the attendance rules.
type Service struct {
	store *store.Store
	dir   *directory.Service
	now   func() time.Time
}

// New returns a Service.
func New(s *store.Store, now func() time.Time) *Service {
	return &Service{store: s, dir: directory.New(s), now: now}
}

// access checks that the actor may take attendance in sess now: HR of the
// session's commune, or one of its trainers, once the doors are open.
func (s *Service) access(ctx context.Context, tx *store.Store, actor booking.Actor, sess *store.Session) error {
	if sess.OrgID != actor.OrgID {
		return store.ErrNotFound
	}
	switch {
	case actor.IsStaff():
	case actor.Role == store.RoleTrainer && actor.UserID != nil:
		ok, err := tx.IsSessionTrainer(ctx, sess.ID, *actor.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Forbidden("err.not_your_session")
		}
	default:
		return apperr.Forbidden("err.forbidden")
	}
	now := s.now()
	if sess.Status == store.SessionCancelled {
		return apperr.Conflict("err.session_cancelled")
	}
	if now.Before(sess.StartsAt.Add(-DoorsOpen)) {
		return apperr.Conflict("err.attendance_too_early")
	}
	if !actor.IsStaff() && now.After(sess.EndsAt.Add(TrainerWindow)) {
		return apperr.Conflict("err.attendance_too_late")
	}
	return nil
}

// Mark sets a registration's attendance. Only booked registrations can be
// marked; the time and the acting user are kept.
func (s *Service) Mark(ctx context.Context, actor booking.Actor, regID int64, status string) (*store.Registration, error) {
	if !slices.Contains(Statuses, status) {
		return nil, apperr.Invalid("status", "err.attendance_status")
	}
	var out *store.Registration
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		r, err := tx.Registration(ctx, regID)
		if err != nil {
			return err
		}
		sess, err := tx.LockSession(ctx, r.SessionID)
		if err != nil {
			return err
		}
		if err := s.access(ctx, tx, actor, sess); err != nil {
			return err
		}
		if r, err = tx.Registration(ctx, regID); err != nil {
			return err
		}
		if err := s.set(ctx, tx, actor, sess, r, status, "attendance"); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

func (s *Service) set(ctx context.Context, tx *store.Store, actor booking.Actor, sess *store.Session, r *store.Registration, status, action string) error {
	if r.Status != store.RegBooked {
		return apperr.Conflict("err.attendance_not_booked")
	}
	now := s.now()
	from := r.Attendance
	r.Attendance, r.UpdatedAt = status, now
	if status == store.AttendUnknown {
		r.AttendanceAt, r.AttendanceBy = nil, nil
	} else {
		r.AttendanceAt, r.AttendanceBy = &now, actor.UserID
	}
	if err := tx.SaveRegistration(ctx, r); err != nil {
		return err
	}
	return booking.Audit(ctx, tx, actor, sess.OrgID, sess.ID, action, map[string]any{
		"registration_id": r.ID, "person_id": r.PersonID, "from": from, "to": status,
	}, now)
}

// CheckInResult is what a scan answers.
type CheckInResult struct {
	Registration *store.Registration
	Name         string
	// Already is true when the person was already marked present.
	Already bool
}

// CheckIn marks present the registration a participant's QR code names.
// The code holds the personal link; the bare token works too. A token of
// another session is not found; scanning twice changes nothing.
func (s *Service) CheckIn(ctx context.Context, actor booking.Actor, sessionID int64, code string) (*CheckInResult, error) {
	token := tokenFrom(code)
	if token == "" {
		return nil, apperr.Invalid("token", "err.required")
	}
	var out *CheckInResult
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		sess, err := tx.LockSession(ctx, sessionID)
		if err != nil {
			return err
		}
		if err := s.access(ctx, tx, actor, sess); err != nil {
			return err
		}
		r, err := tx.RegistrationByToken(ctx, token)
		if err != nil {
			return err
		}
		if r.SessionID != sessionID {
			return apperr.NotFound("err.checkin_other_session")
		}
		out = &CheckInResult{Registration: r, Already: r.Attendance == store.AttendPresent}
		if r.PersonID != nil {
			if p, err := tx.Person(ctx, r.OrgID, *r.PersonID); err == nil {
				out.Name = p.Name
			}
		}
		if out.Already {
			return nil
		}
		return s.set(ctx, tx, actor, sess, r, store.AttendPresent, "checked_in")
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound("err.checkin_unknown")
	}
	return out, err
}

// tokenFrom reads a token from a scanned code: a personal link
// (…/r/TOKEN…) or the token itself.
func tokenFrom(code string) string {
	code = strings.TrimSpace(code)
	if u, err := url.Parse(code); err == nil && u.Scheme != "" {
		code = u.Path
	}
	if i := strings.LastIndex(code, "/r/"); i >= 0 {
		code = code[i+3:]
	}
	code, _, _ = strings.Cut(code, "/")
	if len(code) > 64 {
		return ""
	}
	return code
}

// WalkIn is someone who comes without being registered.
type WalkIn struct {
	Name         string
	Email        string
	Role         string
	DepartmentID *int64
}

// AddWalkIn registers someone on the spot and marks them present, beyond
// the capacity if need be: they are in the room. A known email reuses the
// person.
func (s *Service) AddWalkIn(ctx context.Context, actor booking.Actor, sessionID int64, in WalkIn) (*store.Registration, *store.Person, error) {
	if in.Role == "" {
		in.Role = "staff"
	}
	var reg *store.Registration
	var person *store.Person
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		sess, err := tx.LockSession(ctx, sessionID)
		if err != nil {
			return err
		}
		if err := s.access(ctx, tx, actor, sess); err != nil {
			return err
		}
		dir := directory.New(tx)
		if in.Email != "" {
			if p, err := tx.PersonByEmail(ctx, sess.OrgID, strings.TrimSpace(in.Email)); err == nil {
				person = p
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if person == nil {
			email := in.Email
			if person, err = dir.CreatePerson(ctx, sess.OrgID, directory.PersonInput{Name: &in.Name, Email: &email, Role: &in.Role, DepartmentID: in.DepartmentID}); err != nil {
				return err
			}
		}
		now := s.now()
		existing, err := tx.RegistrationsOf(ctx, sessionID, []int64{person.ID})
		if err != nil {
			return err
		}
		r, ok := existing[person.ID]
		if !ok {
			r = &store.Registration{SessionID: sessionID, PersonID: &person.ID, OrgID: sess.OrgID, Token: booking.NewToken(), WalkIn: true, CreatedAt: now}
		}
		wasWaiting := r.Status == store.RegWaitlisted
		oldPos := r.WaitlistPosition
		if r.Status != store.RegBooked {
			r.Sequence++
		}
		r.Status, r.WaitlistPosition, r.CancelledAt = store.RegBooked, nil, nil
		r.Attendance, r.AttendanceAt, r.AttendanceBy, r.UpdatedAt = store.AttendPresent, &now, actor.UserID, now
		if ok {
			err = tx.SaveRegistration(ctx, r)
		} else {
			err = tx.InsertRegistrations(ctx, []*store.Registration{r})
		}
		if err != nil {
			return err
		}
		if wasWaiting && oldPos != nil {
			if err := tx.ShiftWaitlist(ctx, sessionID, *oldPos, 1); err != nil {
				return err
			}
		}
		reg = r
		return booking.Audit(ctx, tx, actor, sess.OrgID, sessionID, "walk_in", map[string]any{
			"registration_id": r.ID, "person_id": person.ID, "person": person.Name,
		}, now)
	})
	return reg, person, err
}

// Answers is a participant's feedback.
type Answers struct {
	Overall, WillUse, ConfidenceBefore, ConfidenceAfter int
	UseCases, Worries                                   string
}

// SaveFeedback records the feedback given through a personal link, once the
// session has ended; a second answer replaces the first.
func (s *Service) SaveFeedback(ctx context.Context, token string, a Answers) (*store.Feedback, error) {
	var v apperr.Validation
	for _, f := range []struct {
		name string
		n    int
	}{{"overall", a.Overall}, {"will_use", a.WillUse}, {"confidence_before", a.ConfidenceBefore}, {"confidence_after", a.ConfidenceAfter}} {
		if f.n < 1 || f.n > 5 {
			v.Add(f.name, "err.rating_range")
		}
	}
	useCases, worries := strings.TrimSpace(a.UseCases), strings.TrimSpace(a.Worries)
	if utf8.RuneCountInString(useCases) > maxText {
		v.Add("use_cases", "err.too_long", maxText)
	}
	if utf8.RuneCountInString(worries) > maxText {
		v.Add("worries", "err.too_long", maxText)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := s.store.RegistrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	sess, err := s.store.Session(ctx, r.SessionID)
	if err != nil {
		return nil, err
	}
	if err := s.FeedbackRefusal(sess, r); err != nil {
		return nil, err
	}
	now := s.now()
	f := &store.Feedback{
		RegistrationID: r.ID, SessionID: sess.ID, OrgID: r.OrgID,
		Overall: a.Overall, WillUse: a.WillUse, ConfidenceBefore: a.ConfidenceBefore, ConfidenceAfter: a.ConfidenceAfter,
		UseCases: clean.Text(useCases), Worries: clean.Text(worries), CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.SaveFeedback(ctx, f); err != nil {
		return nil, err
	}
	return s.store.Feedback(ctx, r.ID)
}

// FeedbackRefusal says why a registration cannot give feedback now, or nil.
func (s *Service) FeedbackRefusal(sess *store.Session, r *store.Registration) error {
	if sess.Status == store.SessionCancelled {
		return apperr.Conflict("err.session_cancelled")
	}
	if r.Status != store.RegBooked {
		return apperr.Conflict("err.feedback_not_booked")
	}
	if s.now().Before(sess.EndsAt) {
		return apperr.Conflict("err.feedback_too_early")
	}
	return nil
}

// Present lists the booked registrations of a session marked present: the
// people a certificate is for.
func (s *Service) Present(ctx context.Context, sessionID int64) ([]store.RegistrationRow, error) {
	rows, err := s.store.RegistrationRows(ctx, store.RegistrationFilter{SessionID: sessionID, Status: []string{store.RegBooked}})
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, r := range rows {
		if r.Attendance == store.AttendPresent {
			out = append(out, r)
		}
	}
	return out, nil
}

// CertificateRefusal says why a registration has no certificate yet, or
// nil: only people booked and marked present get one.
func CertificateRefusal(r *store.Registration) error {
	if r.Status != store.RegBooked || r.Attendance != store.AttendPresent || r.PersonID == nil {
		return apperr.Conflict("participant.no_certificate_hint")
	}
	return nil
}
