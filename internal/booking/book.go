package booking

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/directory"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// Audience selects people of the actor's commune by role, department or both.
type Audience struct {
	Role         string
	DepartmentID int64
}

// BookRequest names who to book: one person, a list, or an audience.
type BookRequest struct {
	PersonID  *int64
	PersonIDs *[]int64
	Audience  *Audience
}

// Book registers people of the caller's commune into a session, in order:
// those who fit are booked, the others join the waiting list. Booking
// someone already booked or waitlisted changes nothing; someone who had
// cancelled is registered again. The whole request is one transaction,
// and only while the session has not started. A session recorded after
// the fact takes the people who attended, marked present, up to its
// capacity, without a waiting list or a mail.
func (b *Service) Book(ctx context.Context, caller access.Caller, sessionID int64, req BookRequest) ([]store.Registration, error) {
	out, err := b.book(ctx, caller, sessionID, req, false)
	if err != nil {
		return nil, err
	}
	return out.Registrations, nil
}

// Outcome is what a booking did, or would do.
type Outcome struct {
	Registrations []store.Registration
	// Booked and Waitlisted count the people this booking gives a seat or
	// a waiting-list place; Unchanged those already there.
	Booked, Waitlisted, Unchanged int
	// Draw is the audience's draw, nil for a list of people.
	Draw *Draw
}

// PreviewBook says what Book would do — how many get a seat, how many
// wait — and changes nothing: the same transaction runs and is rolled back.
func (b *Service) PreviewBook(ctx context.Context, caller access.Caller, sessionID int64, req BookRequest) (*Outcome, error) {
	return b.book(ctx, caller, sessionID, req, true)
}

// errRollback ends a dry run's transaction without writing.
var errRollback = errors.New("booking: dry run")

func (b *Service) book(ctx context.Context, caller access.Caller, sessionID int64, req BookRequest, dryRun bool) (*Outcome, error) {
	// The caller must be able to book somewhere before anything is read.
	if err := caller.Commune(access.BookPeople, caller.OrgID); err != nil {
		return nil, err
	}
	ids, draw, err := b.resolve(ctx, caller, req)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Draw: draw}
	now := b.now()
	err = b.store.Tx(ctx, func(tx *store.Store) error {
		// The people are read, and held shared against an erasure, before
		// the session is locked: the lock is held as briefly as possible.
		people, err := tx.SharePeople(ctx, caller.OrgID, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, ok := people[id]; !ok {
				return apperr.NotFound("err.person_not_found", id)
			}
		}
		// Ids for the new registrations, reserved before the lock: the
		// rows written under it go in one statement (PostgreSQL).
		regIDs, err := tx.NextIDs(ctx, "registrations", len(ids))
		if err != nil {
			return err
		}
		sess, err := tx.LockSession(ctx, sessionID)
		if err != nil {
			return err
		}
		// Read after the lock is held, in a statement of its own: on
		// PostgreSQL a statement sees the data as of its start, so counts
		// taken in the locking statement itself would be stale (overbooking).
		counts, existing, err := tx.BookingState(ctx, sessionID, ids)
		if err != nil {
			return err
		}
		if err := caller.OnSession(access.BookInto, sessionRef(sess)); err != nil {
			return err
		}
		if sess.RecordPast {
			if err := schedule.RecordingOpen(sess); err != nil {
				return err
			}
		} else if err := schedule.BookingsOpen(sess, now); err != nil {
			return err
		}
		// Someone who left is no longer booked; a training recorded after
		// the fact may still list them, since they attended it.
		if !sess.RecordPast {
			for _, id := range ids {
				if p := people[id]; p.LeftAt != nil {
					return apperr.Invalid("person_ids", "err.person_left", p.Name)
				}
			}
		}
		// The seats this commune books against, and the list its people
		// wait on: the session's, or its own in a session with quotas.
		seats, scope, err := seatsFor(ctx, tx, sess, caller.OrgID, &counts)
		if err != nil {
			return err
		}
		booked, lastPos := counts.Booked, counts.MaxPosition
		var fresh, changed []*store.Registration
		result := make(map[int64]*store.Registration, len(ids))
		for _, id := range ids {
			r, ok := existing[id]
			switch {
			case ok && r.Status != store.RegCancelled:
				result[id] = r // already there: booking again changes nothing
				continue
			case ok: // had cancelled: registered again, at the end of the line
				r.CancelledAt = nil
				r.UpdatedAt = now
				r.Sequence++ // their calendar holds a cancellation to supersede
				// A new invitation, not answered yet.
				r.Rsvp, r.RsvpAt = store.RsvpNeedsAction, nil
			default:
				pid := id
				r = &store.Registration{SessionID: sessionID, PersonID: &pid, OrgID: caller.OrgID, Attendance: store.AttendUnknown, Token: NewToken(), CreatedAt: now, UpdatedAt: now}
				if len(regIDs) > 0 {
					r.ID = regIDs[len(fresh)]
				}
				fresh = append(fresh, r)
			}
			r.WaitlistScope = scope
			if sess.RecordPast {
				// Recording who came: present, never waiting.
				if booked >= seats {
					return apperr.Conflict("err.record_full", seats)
				}
				r.Status, r.WaitlistPosition = store.RegBooked, nil
				r.Attendance, r.AttendanceAt, r.AttendanceBy = store.AttendPresent, &now, caller.UserRef()
				booked++
			} else if booked < seats {
				r.Status, r.WaitlistPosition = store.RegBooked, nil
				booked++
			} else {
				lastPos++
				pos := lastPos
				r.Status, r.WaitlistPosition = store.RegWaitlisted, &pos
			}
			result[id] = r
			changed = append(changed, r)
		}
		// What is written under the lock goes in one round trip.
		return tx.Batch(ctx, func(tx *store.Store) error {
			if err := tx.InsertRegistrations(ctx, fresh); err != nil {
				return err
			}
			var log audit.Log
			var events []Event
			if draw != nil {
				// The draw is written down: anyone can replay the order from
				// the seed (booking.FairOrder).
				log.Add(caller, sess.OrgID, sessionID, "audience_drawn", map[string]any{
					"seed": strconv.FormatUint(draw.Seed, 10), "audience": draw.Audience, "already_trained": draw.Trained,
					"free_seats": max(0, seats-counts.Booked), "rule": "untrained_first_then_round_robin_by_service",
				}, now)
			}
			out.Unchanged = len(ids) - len(changed)
			for _, r := range changed {
				if r.Status == store.RegBooked {
					out.Booked++
				} else {
					out.Waitlisted++
				}
				if _, reregistered := existing[*r.PersonID]; reregistered {
					if err := tx.SaveRegistration(ctx, r); err != nil {
						return err
					}
				}
				detail := map[string]any{"person_id": *r.PersonID, "person": people[*r.PersonID].Name, "registration_id": r.ID}
				kind := EventBooked
				if r.Status == store.RegWaitlisted {
					detail["position"] = *r.WaitlistPosition
					kind = EventWaitlisted
				}
				if sess.RecordPast {
					kind = "recorded"
				}
				log.Add(caller, sess.OrgID, sessionID, string(kind), detail, now)
				events = append(events, Event{Kind: kind, SessionID: sessionID, RegistrationID: r.ID, Registration: r, Person: people[*r.PersonID], Session: sess})
			}
			out.Registrations = make([]store.Registration, len(ids))
			for i, id := range ids {
				out.Registrations[i] = *result[id]
				redact(caller, sess, &out.Registrations[i])
			}
			if dryRun {
				return errRollback
			}
			if err := log.Save(ctx, tx); err != nil {
				return err
			}
			if sess.RecordPast {
				return nil // a session of the past: nobody is written to
			}
			return b.notify(ctx, tx, events)
		})
	})
	if dryRun && errors.Is(err, errRollback) {
		out.Registrations = nil // nothing was written: no ids to show
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// resolve turns a request into a list of distinct person ids of the
// caller's commune, in booking order.
func (b *Service) resolve(ctx context.Context, caller access.Caller, req BookRequest) ([]int64, *Draw, error) {
	given := 0
	for _, set := range []bool{req.PersonID != nil, req.PersonIDs != nil, req.Audience != nil} {
		if set {
			given++
		}
	}
	if given != 1 {
		return nil, nil, apperr.Invalid("person_ids", "err.book_one_of")
	}
	switch {
	case req.PersonID != nil:
		return []int64{*req.PersonID}, nil, nil
	case req.PersonIDs != nil:
		ids := *req.PersonIDs
		if len(ids) == 0 {
			return nil, nil, apperr.Invalid("person_ids", "err.person_ids_empty")
		}
		if len(ids) > MaxBatch {
			return nil, nil, apperr.Invalid("person_ids", "err.person_ids_too_many", MaxBatch)
		}
		seen := make(map[int64]bool, len(ids))
		out := make([]int64, 0, len(ids))
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		return out, nil, nil
	}
	a := req.Audience
	var v apperr.Validation
	if a.Role == "" && a.DepartmentID == 0 {
		v.Add("audience", "err.audience_empty")
	}
	if a.Role != "" && !slices.Contains(directory.Roles, a.Role) {
		v.Add("audience.role", "err.person_role", strings.Join(directory.Roles, ", "))
	}
	if a.DepartmentID != 0 {
		if _, err := b.store.Department(ctx, caller.OrgID, a.DepartmentID); errors.Is(err, store.ErrNotFound) {
			v.Add("audience.department_id", "err.department_unknown")
		} else if err != nil {
			return nil, nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	people, _, err := b.store.People(ctx, store.PeopleFilter{OrgID: caller.OrgID, Role: a.Role, DepartmentID: a.DepartmentID, Present: true})
	if err != nil {
		return nil, nil, err
	}
	if len(people) == 0 {
		return nil, nil, apperr.Invalid("audience", "err.audience_nobody")
	}
	if len(people) > MaxBatch {
		return nil, nil, apperr.Invalid("audience", "err.person_ids_too_many", MaxBatch)
	}
	// Who gets the seats when the audience is larger than them is fair:
	// people not yet trained first, then turn by turn across services,
	// ties by a draw whose seed goes into the history. Never alphabetical.
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	trained, err := b.store.AttendedPeople(ctx, caller.OrgID, ids)
	if err != nil {
		return nil, nil, err
	}
	cands := make([]Candidate, len(people))
	for i, p := range people {
		cands[i] = Candidate{PersonID: p.ID, Attended: trained[p.ID]}
		if p.DepartmentID != nil {
			cands[i].DepartmentID = *p.DepartmentID
		}
	}
	draw := &Draw{Seed: NewSeed(), Audience: len(people), Trained: len(trained)}
	return FairOrder(cands, draw.Seed), draw, nil
}

// Draw is how an audience's order was drawn, for the session's history.
type Draw struct {
	Seed     uint64
	Audience int
	// Trained counts those of the audience who already attended a session.
	Trained int
}

// promote books up to n people from the head of a waiting list (scope: 0
// for the session's, a commune's id for its list in a session with
// quotas) and moves the rest of the list forward.
func promote(ctx context.Context, tx *store.Store, sess *store.Session, scope int64, n int, caller access.Caller, log *audit.Log, now time.Time) ([]store.Registration, error) {
	if n <= 0 {
		return nil, nil
	}
	first, err := tx.FirstWaitlisted(ctx, sess.ID, scope, n)
	if err != nil || len(first) == 0 {
		return nil, err
	}
	lastPos := 0
	for i := range first {
		r := &first[i]
		lastPos = *r.WaitlistPosition
		log.Add(caller, sess.OrgID, sess.ID, "promoted", map[string]any{"registration_id": r.ID, "person_id": r.PersonID, "from_position": lastPos}, now)
		r.Status, r.WaitlistPosition, r.UpdatedAt = store.RegBooked, nil, now
		r.Sequence++ // tentative becomes confirmed in their calendar
		// The seat is offered by a new invitation that asks for an answer.
		r.Rsvp, r.RsvpAt = store.RsvpNeedsAction, nil
		if err := tx.SaveRegistration(ctx, r); err != nil {
			return nil, err
		}
	}
	// Everyone left was behind the promoted ones.
	return first, tx.ShiftWaitlist(ctx, sess.ID, scope, lastPos, len(first))
}
