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

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/names"
	"github.com/atelier-ch/atelier/internal/schedule"
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

// Store is what attendance reads outside a transaction.
type Store interface {
	Tx(ctx context.Context, fn func(tx *store.Store) error) error
	Session(ctx context.Context, id int64) (*store.Session, error)
	SessionTrainers(ctx context.Context, sessionIDs []int64) (map[int64][]int64, error)
	RegistrationByToken(ctx context.Context, token string) (*store.Registration, error)
	Feedback(ctx context.Context, registrationID int64) (*store.Feedback, error)
	SaveFeedback(ctx context.Context, f *store.Feedback) error
}

// Service applies the attendance rules.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns a Service.
func New(s Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

// access checks that the caller may take attendance in sess now: HR of the
// session's commune, or one of its trainers, once the doors are open.
// Attendance goes on once the session is held: that is when it matters.
func (s *Service) access(ctx context.Context, tx *store.Store, caller access.Caller, sess *store.Session, action access.Action) error {
	t, err := tx.SessionTrainers(ctx, []int64{sess.ID})
	if err != nil {
		return err
	}
	if err := caller.OnSession(action, access.Session{OrgID: sess.OrgID, Open: sess.OpenToOtherCommunes, Trainers: t[sess.ID]}); err != nil {
		return err
	}
	if err := schedule.Live(sess); err != nil {
		return err
	}
	now := s.now()
	if now.Before(sess.StartsAt.Add(-DoorsOpen)) {
		return apperr.Conflict("err.attendance_too_early")
	}
	// Trainers mark during the week after; HR at any time.
	if caller.Role == access.RoleTrainer && now.After(sess.EndsAt.Add(TrainerWindow)) {
		return apperr.Conflict("err.attendance_too_late")
	}
	return nil
}

// Mark sets a registration's attendance. Only booked registrations can be
// marked; the time and the acting user are kept.
func (s *Service) Mark(ctx context.Context, caller access.Caller, regID int64, status string) (*store.Registration, error) {
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
		if err := s.access(ctx, tx, caller, sess, access.TakeAttendance); err != nil {
			return err
		}
		if r, err = tx.Registration(ctx, regID); err != nil {
			return err
		}
		if err := s.set(ctx, tx, caller, sess, r, status, "attendance"); err != nil {
			return err
		}
		out = redacted(caller, sess, r)
		return nil
	})
	return out, err
}

func (s *Service) set(ctx context.Context, tx *store.Store, caller access.Caller, sess *store.Session, r *store.Registration, status, action string) error {
	if r.Status != store.RegBooked {
		return apperr.Conflict("err.attendance_not_booked")
	}
	now := s.now()
	from := r.Attendance
	r.Attendance, r.UpdatedAt = status, now
	if status == store.AttendUnknown {
		r.AttendanceAt, r.AttendanceBy = nil, nil
	} else {
		r.AttendanceAt, r.AttendanceBy = &now, caller.UserRef()
	}
	if err := tx.SaveRegistration(ctx, r); err != nil {
		return err
	}
	return audit.Record(ctx, tx, caller, sess.OrgID, sess.ID, action, map[string]any{
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
func (s *Service) CheckIn(ctx context.Context, caller access.Caller, sessionID int64, code string) (*CheckInResult, error) {
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
		if err := s.access(ctx, tx, caller, sess, access.TakeAttendance); err != nil {
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
		if !out.Already {
			if err := s.set(ctx, tx, caller, sess, r, store.AttendPresent, "checked_in"); err != nil {
				return err
			}
		}
		out.Registration = redacted(caller, sess, r)
		return nil
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
	// PersonID names the person when the trainer picked one of several
	// people of the same name.
	PersonID *int64
}

// Candidate is a person a walk-in's name could be.
type Candidate struct {
	ID         int64
	Name       string
	Department string
}

// ErrAmbiguousWalkIn is a walk-in whose name fits several people: the
// trainer picks one (WalkIn.PersonID).
type ErrAmbiguousWalkIn struct {
	Candidates []Candidate
}

func (e *ErrAmbiguousWalkIn) Error() string { return "attendance: several people have that name" }

// Unwrap makes it a 409 for the error adapters.
func (e *ErrAmbiguousWalkIn) Unwrap() error {
	return apperr.Conflict("err.walkin_ambiguous", len(e.Candidates))
}

// WalkInResult is who came in.
type WalkInResult struct {
	Registration *store.Registration
	Person       *store.Person
	// Matched is true when the walk-in is a person the commune already had.
	Matched bool
}

// AddWalkIn registers someone on the spot and marks them present, beyond
// the capacity if need be: they are in the room. A known email reuses the
// person.
func (s *Service) AddWalkIn(ctx context.Context, caller access.Caller, sessionID int64, in WalkIn) (*WalkInResult, error) {
	if in.Role == "" {
		in.Role = "staff"
	}
	var reg *store.Registration
	var person *store.Person
	matched := false
	err := s.store.Tx(ctx, func(tx *store.Store) error {
		sess, err := tx.LockSession(ctx, sessionID)
		if err != nil {
			return err
		}
		if err := s.access(ctx, tx, caller, sess, access.AddWalkIns); err != nil {
			return err
		}
		if person, err = s.match(ctx, tx, sess.OrgID, in); err != nil {
			return err
		}
		matched = person != nil
		if person == nil {
			email := in.Email
			if person, err = directory.CreatePerson(ctx, tx, sess.OrgID, directory.PersonInput{Name: &in.Name, Email: &email, Role: &in.Role, DepartmentID: in.DepartmentID}); err != nil {
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
		r.Attendance, r.AttendanceAt, r.AttendanceBy, r.UpdatedAt = store.AttendPresent, &now, caller.UserRef(), now
		if ok {
			err = tx.SaveRegistration(ctx, r)
		} else {
			err = tx.InsertRegistrations(ctx, []*store.Registration{r})
		}
		if err != nil {
			return err
		}
		if wasWaiting && oldPos != nil {
			if err := tx.ShiftWaitlist(ctx, sessionID, r.WaitlistScope, *oldPos, 1); err != nil {
				return err
			}
		}
		reg = redacted(caller, sess, r)
		return audit.Record(ctx, tx, caller, sess.OrgID, sessionID, "walk_in", map[string]any{
			"registration_id": r.ID, "person_id": person.ID, "person": person.Name, "matched": matched,
		}, now)
	})
	if err != nil {
		return nil, err
	}
	return &WalkInResult{Registration: reg, Person: person, Matched: matched}, nil
}

// match finds the person a walk-in is: the one named by the trainer, the
// one with that email, or the only one with that name (accents, case and
// the order of given and family names aside). Several people of that name
// are an ErrAmbiguousWalkIn; nobody is nil, a new person.
func (s *Service) match(ctx context.Context, tx *store.Store, orgID int64, in WalkIn) (*store.Person, error) {
	if in.PersonID != nil {
		return tx.Person(ctx, orgID, *in.PersonID)
	}
	if email := strings.TrimSpace(in.Email); email != "" {
		p, err := tx.PersonByEmail(ctx, orgID, email)
		if err == nil || !errors.Is(err, store.ErrNotFound) {
			return p, err
		}
		return nil, nil // a new address is a new person
	}
	want := names.Fold(in.Name)
	if want == "" {
		return nil, nil
	}
	found, _, err := tx.People(ctx, store.PeopleFilter{OrgID: orgID, Query: in.Name, Limit: 50})
	if err != nil {
		return nil, err
	}
	var same []store.Person
	for _, p := range found {
		if names.Fold(names.Join(p.GivenName, p.FamilyName)) == want || names.Fold(names.Join(p.FamilyName, p.GivenName)) == want {
			same = append(same, p)
		}
	}
	switch len(same) {
	case 0:
		return nil, nil
	case 1:
		return &same[0], nil
	}
	deps, err := tx.Departments(ctx, orgID)
	if err != nil {
		return nil, err
	}
	depName := map[int64]string{}
	for _, d := range deps {
		depName[d.ID] = d.Name
	}
	amb := &ErrAmbiguousWalkIn{}
	for _, p := range same {
		c := Candidate{ID: p.ID, Name: p.Name}
		if p.DepartmentID != nil {
			c.Department = depName[*p.DepartmentID]
		}
		amb.Candidates = append(amb.Candidates, c)
	}
	return nil, amb
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
	if len(token) < 16 || len(token) > 64 {
		return nil, store.ErrNotFound
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
	if err := schedule.Live(sess); err != nil {
		return err
	}
	if r.Status != store.RegBooked {
		return apperr.Conflict("err.feedback_not_booked")
	}
	if s.now().Before(sess.EndsAt) {
		return apperr.Conflict("err.feedback_too_early")
	}
	return nil
}

// CertificateRefusal says why a registration has no certificate yet, or
// nil: only people booked and marked present get one.
func CertificateRefusal(r *store.Registration) error {
	if r.Status != store.RegBooked || r.Attendance != store.AttendPresent || r.PersonID == nil {
		return apperr.Conflict("participant.no_certificate_hint")
	}
	return nil
}

// redacted is a copy of r without its personal token unless the caller may
// hold it (HR of the person's commune): a trainer checks people in, the
// link to their page is none of their business.
func redacted(caller access.Caller, sess *store.Session, r *store.Registration) *store.Registration {
	out := *r
	if !caller.CanSeeToken(access.Registration{ID: r.ID, OrgID: r.OrgID, Session: access.Session{OrgID: sess.OrgID, Open: sess.OpenToOtherCommunes}}) {
		out.Token = ""
	}
	return &out
}
