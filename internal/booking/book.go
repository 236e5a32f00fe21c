package booking

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/directory"
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

// Book registers people of the actor's commune into a session, in order:
// those who fit are booked, the others join the waiting list. Booking
// someone already booked or waitlisted changes nothing; someone who had
// cancelled is registered again. The whole request is one transaction.
func (b *Service) Book(ctx context.Context, actor Actor, sessionID int64, req BookRequest) ([]store.Registration, error) {
	if !actor.IsStaff() {
		return nil, apperr.Forbidden("err.forbidden")
	}
	ids, err := b.resolve(ctx, actor, req)
	if err != nil {
		return nil, err
	}
	var out []store.Registration
	now := b.now()
	err = b.store.Tx(ctx, func(tx *store.Store) error {
		// The people are read, and held shared against an erasure, before
		// the session is locked: the lock is held as briefly as possible.
		people, err := tx.SharePeople(ctx, actor.OrgID, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, ok := people[id]; !ok {
				return apperr.NotFound("err.person_not_found", id)
			}
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
		if !canSee(actor, sess) {
			return store.ErrNotFound
		}
		if sess.Status == store.SessionCancelled {
			return apperr.Conflict("err.session_cancelled")
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
			default:
				pid := id
				r = &store.Registration{SessionID: sessionID, PersonID: &pid, OrgID: actor.OrgID, Attendance: store.AttendUnknown, Token: NewToken(), CreatedAt: now, UpdatedAt: now}
				fresh = append(fresh, r)
			}
			if booked < sess.Capacity {
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
		if err := tx.InsertRegistrations(ctx, fresh); err != nil {
			return err
		}
		var log audit
		var events []Event
		for _, r := range changed {
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
			log.add(actor, sess.OrgID, sessionID, string(kind), detail, now)
			events = append(events, Event{Kind: kind, SessionID: sessionID, RegistrationID: r.ID, Registration: r, Person: people[*r.PersonID], Session: sess})
		}
		out = make([]store.Registration, len(ids))
		for i, id := range ids {
			out[i] = *result[id]
		}
		if err := log.save(ctx, tx); err != nil {
			return err
		}
		return b.notify(ctx, tx, events)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// resolve turns a request into a list of distinct person ids of the
// actor's commune, in booking order.
func (b *Service) resolve(ctx context.Context, actor Actor, req BookRequest) ([]int64, error) {
	given := 0
	for _, set := range []bool{req.PersonID != nil, req.PersonIDs != nil, req.Audience != nil} {
		if set {
			given++
		}
	}
	if given != 1 {
		return nil, apperr.Invalid("person_ids", "err.book_one_of")
	}
	switch {
	case req.PersonID != nil:
		return []int64{*req.PersonID}, nil
	case req.PersonIDs != nil:
		ids := *req.PersonIDs
		if len(ids) == 0 {
			return nil, apperr.Invalid("person_ids", "err.person_ids_empty")
		}
		if len(ids) > MaxBatch {
			return nil, apperr.Invalid("person_ids", "err.person_ids_too_many", MaxBatch)
		}
		seen := make(map[int64]bool, len(ids))
		out := make([]int64, 0, len(ids))
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		return out, nil
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
		if _, err := b.store.Department(ctx, actor.OrgID, a.DepartmentID); errors.Is(err, store.ErrNotFound) {
			v.Add("audience.department_id", "err.department_unknown")
		} else if err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	people, _, err := b.store.People(ctx, store.PeopleFilter{OrgID: actor.OrgID, Role: a.Role, DepartmentID: a.DepartmentID})
	if err != nil {
		return nil, err
	}
	if len(people) == 0 {
		return nil, apperr.Invalid("audience", "err.audience_nobody")
	}
	if len(people) > MaxBatch {
		return nil, apperr.Invalid("audience", "err.person_ids_too_many", MaxBatch)
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	return ids, nil
}

// promote books up to n people from the head of the waiting list and moves
// the rest of the list forward.
func promote(ctx context.Context, tx *store.Store, sess *store.Session, n int, actor Actor, log *audit, now time.Time) ([]store.Registration, error) {
	if n <= 0 {
		return nil, nil
	}
	first, err := tx.FirstWaitlisted(ctx, sess.ID, n)
	if err != nil || len(first) == 0 {
		return nil, err
	}
	lastPos := 0
	for i := range first {
		r := &first[i]
		lastPos = *r.WaitlistPosition
		log.add(actor, sess.OrgID, sess.ID, "promoted", map[string]any{"registration_id": r.ID, "person_id": r.PersonID, "from_position": lastPos}, now)
		r.Status, r.WaitlistPosition, r.UpdatedAt = store.RegBooked, nil, now
		r.Sequence++ // tentative becomes confirmed in their calendar
		if err := tx.SaveRegistration(ctx, r); err != nil {
			return nil, err
		}
	}
	// Everyone left was behind the promoted ones.
	return first, tx.ShiftWaitlist(ctx, sess.ID, lastPos, len(first))
}
