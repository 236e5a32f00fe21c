package booking

import (
	"context"
	"errors"
	"fmt"
	"maps"
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

// job is one booking request on its way through bookJobs: who books whom
// into which session, and then what it did or why it was refused.
type job struct {
	ctx       context.Context
	caller    access.Caller
	sessionID int64
	ids       []int64
	draw      *Draw
	out       *Outcome
	err       error
	// result is a registration per id, changed those this job changes;
	// free counts the seats free when it came (for the draw's record).
	result, changed []*store.Registration
	free            int
	done            chan struct{}
}

func (b *Service) book(ctx context.Context, caller access.Caller, sessionID int64, req BookRequest, dryRun bool) (*Outcome, error) {
	// The caller must be able to book somewhere before anything is read.
	if err := caller.Commune(access.BookPeople, caller.OrgID); err != nil {
		return nil, err
	}
	ids, draw, err := b.resolve(ctx, caller, req)
	if err != nil {
		return nil, err
	}
	j := &job{ctx: ctx, caller: caller, sessionID: sessionID, ids: ids, draw: draw}
	if dryRun {
		err := b.store.Tx(ctx, func(tx *store.Store) error {
			return b.bookJobs(ctx, tx, []*job{j}, b.now(), true)
		})
		if err != nil && !errors.Is(err, errRollback) {
			return nil, err
		}
		if j.err != nil {
			return nil, j.err
		}
		j.out.Registrations = nil // nothing was written: no ids to show
		return j.out, nil
	}
	b.combined(j)
	return j.out, j.err
}

// seatState is what the bookings of one transaction know of one waiting
// list under its session's lock: the seats booked against it, the people
// booked and the list's last place, as the bookings before left them.
type seatState struct {
	seats, booked, lastPos int
	scope                  int64
}

// isRule says whether err is a refusal of the rules (the job's answer),
// rather than the database's (the transaction's).
func isRule(err error) bool {
	var e *apperr.Error
	return errors.As(err, &e)
}

// bookJobs applies the booking rules to jobs, in order, in the one
// transaction tx: the people are read (held shared against an erasure),
// the sessions locked in id order, what is there counted once per session,
// and everything the jobs change is written at the end in one batch. A
// job the rules refuse gets its error (j.err) and changes nothing; an
// error returned is the transaction's, and then no job took effect. With
// dryRun everything is prepared and the transaction is rolled back
// (errRollback).
func (b *Service) bookJobs(ctx context.Context, tx *store.Store, jobs []*job, now time.Time, dryRun bool) error {
	// The people, by commune, before any session is locked: the locks are
	// held as briefly as possible.
	byOrg := map[int64][]int64{}
	for _, j := range jobs {
		byOrg[j.caller.OrgID] = append(byOrg[j.caller.OrgID], j.ids...)
	}
	people := make(map[int64]*store.Person)
	for _, org := range slices.Sorted(maps.Keys(byOrg)) {
		found, err := tx.SharePeople(ctx, org, slices.Compact(slices.Sorted(slices.Values(byOrg[org]))))
		if err != nil {
			return err
		}
		maps.Copy(people, found)
	}
	var live []*job
	var sessionIDs []int64
	want := 0
	for _, j := range jobs {
		for _, id := range j.ids {
			if p, ok := people[id]; !ok || p.OrgID != j.caller.OrgID {
				j.err = apperr.NotFound("err.person_not_found", id)
				break
			}
		}
		if j.err == nil {
			live = append(live, j)
			sessionIDs = append(sessionIDs, j.sessionID)
			want += len(j.ids)
		}
	}
	if len(live) == 0 {
		return nil
	}
	// Ids for the new registrations, reserved before the locks: the rows
	// written under them go in one statement (PostgreSQL).
	regIDs, err := tx.NextIDs(ctx, "registrations", want)
	if err != nil {
		return err
	}
	sessions, err := tx.LockSessions(ctx, sessionIDs)
	if err != nil {
		return err
	}
	// Read once the locks are held, in statements of their own: on
	// PostgreSQL a statement sees the data as of its start, so counts
	// taken in the locking statement itself would be stale (overbooking).
	asked := map[int64][]int64{}
	for _, j := range live {
		asked[j.sessionID] = append(asked[j.sessionID], j.ids...)
	}
	for sid, ids := range asked {
		asked[sid] = slices.Compact(slices.Sorted(slices.Values(ids)))
	}
	counts, existing, err := tx.BookingState(ctx, asked)
	if err != nil {
		return err
	}
	lists := map[[2]int64]*seatState{}
	var fresh, saved []*store.Registration
	var done []*job
	for _, j := range live {
		sess := sessions[j.sessionID]
		if sess == nil {
			j.err = fmt.Errorf("booking: session %d: %w", j.sessionID, store.ErrNotFound)
			continue
		}
		list, err := b.listFor(ctx, tx, j, sess, counts[sess.ID], lists, people, now)
		if err != nil {
			if !isRule(err) {
				return err
			}
			j.err = err
			continue
		}
		ex := existing[sess.ID]
		// What this job changes is known before anything changes: a job
		// the rules refuse leaves the session as the others see it.
		changes := 0
		for _, id := range j.ids {
			if r, ok := ex[id]; !ok || r.Status == store.RegCancelled {
				changes++
			}
		}
		if sess.RecordPast && list.booked+changes > list.seats {
			j.err = apperr.Conflict("err.record_full", list.seats)
			continue
		}
		j.free = max(0, list.seats-list.booked)
		j.out = &Outcome{Draw: j.draw, Unchanged: len(j.ids) - changes}
		j.result = make([]*store.Registration, len(j.ids))
		for i, id := range j.ids {
			r, ok := ex[id]
			switch {
			case ok && r.Status != store.RegCancelled:
				j.result[i] = r // already there: booking again changes nothing
				continue
			case ok: // had cancelled: registered again, at the end of the line
				r.CancelledAt = nil
				r.UpdatedAt = now
				r.Sequence++ // their calendar holds a cancellation to supersede
				// A new invitation, not answered yet.
				r.Rsvp, r.RsvpAt = store.RsvpNeedsAction, nil
				saved = append(saved, r)
			default:
				pid := id
				r = &store.Registration{SessionID: sess.ID, PersonID: &pid, OrgID: j.caller.OrgID, Attendance: store.AttendUnknown, Token: NewToken(), CreatedAt: now, UpdatedAt: now}
				if len(regIDs) > 0 {
					r.ID = regIDs[len(fresh)]
				}
				fresh = append(fresh, r)
				ex[id] = r // a later job booking them again changes nothing
			}
			r.WaitlistScope = list.scope
			switch {
			case sess.RecordPast:
				// Recording who came: present, never waiting.
				r.Status, r.WaitlistPosition = store.RegBooked, nil
				r.Attendance, r.AttendanceAt, r.AttendanceBy = store.AttendPresent, &now, j.caller.UserRef()
				list.booked++
				j.out.Booked++
			case list.booked < list.seats:
				r.Status, r.WaitlistPosition = store.RegBooked, nil
				list.booked++
				j.out.Booked++
			default:
				list.lastPos++
				pos := list.lastPos
				r.Status, r.WaitlistPosition = store.RegWaitlisted, &pos
				j.out.Waitlisted++
			}
			j.result[i] = r
			j.changed = append(j.changed, r)
		}
		done = append(done, j)
	}
	if len(done) == 0 {
		return nil
	}
	// What is written under the locks goes in one round trip.
	return tx.Batch(ctx, func(tx *store.Store) error {
		if err := tx.InsertRegistrations(ctx, fresh); err != nil {
			return err
		}
		for _, r := range saved {
			if err := tx.SaveRegistration(ctx, r); err != nil {
				return err
			}
		}
		var log audit.Log
		var events []Event
		for _, j := range done {
			sess := sessions[j.sessionID]
			if j.draw != nil {
				// The draw is written down: anyone can replay the order
				// from the seed (booking.FairOrder).
				log.Add(j.caller, sess.OrgID, sess.ID, "audience_drawn", map[string]any{
					"seed": strconv.FormatUint(j.draw.Seed, 10), "audience": j.draw.Audience, "already_trained": j.draw.Trained,
					"free_seats": j.free, "rule": "untrained_first_then_round_robin_by_service",
				}, now)
			}
			for _, r := range j.changed {
				p := people[*r.PersonID]
				detail := map[string]any{"person_id": p.ID, "person": p.Name, "registration_id": r.ID}
				kind := EventBooked
				if r.Status == store.RegWaitlisted {
					detail["position"] = *r.WaitlistPosition
					kind = EventWaitlisted
				}
				if sess.RecordPast {
					kind = "recorded"
				}
				log.Add(j.caller, sess.OrgID, sess.ID, string(kind), detail, now)
				if !sess.RecordPast { // a session of the past: nobody is written to
					events = append(events, Event{Kind: kind, SessionID: sess.ID, RegistrationID: r.ID, Registration: r, Person: p, Session: sess})
				}
			}
			j.out.Registrations = make([]store.Registration, len(j.ids))
			for i, r := range j.result {
				j.out.Registrations[i] = *r
				redact(j.caller, sess, &j.out.Registrations[i])
			}
		}
		if dryRun {
			return errRollback
		}
		if err := log.Save(ctx, tx); err != nil {
			return err
		}
		return b.notify(ctx, tx, events)
	})
}

// listFor is the waiting list job j books against in sess, whose row is
// locked: the session's one list, or its commune's own in a session with
// quotas, as the jobs before it in the transaction left it. It first
// checks that the caller may book into sess now, and that nobody to book
// has left.
func (b *Service) listFor(ctx context.Context, tx *store.Store, j *job, sess *store.Session, counts store.Counts, lists map[[2]int64]*seatState, people map[int64]*store.Person, now time.Time) (*seatState, error) {
	if err := j.caller.OnSession(access.BookInto, sessionRef(sess)); err != nil {
		return nil, err
	}
	if sess.RecordPast {
		if err := schedule.RecordingOpen(sess); err != nil {
			return nil, err
		}
	} else if err := schedule.BookingsOpen(sess, now); err != nil {
		return nil, err
	}
	// Someone who left is no longer booked; a training recorded after the
	// fact may still list them, since they attended it.
	if !sess.RecordPast {
		for _, id := range j.ids {
			if p := people[id]; p.LeftAt != nil {
				return nil, apperr.Invalid("person_ids", "err.person_left", p.Name)
			}
		}
	}
	// The seats this commune books against, and the list its people wait
	// on: the session's (scope 0), or its own in a session with quotas.
	if l, ok := lists[[2]int64{sess.ID, 0}]; ok {
		return l, nil
	}
	if l, ok := lists[[2]int64{sess.ID, j.caller.OrgID}]; ok {
		return l, nil
	}
	seats, scope, err := seatsFor(ctx, tx, sess, j.caller.OrgID, &counts)
	if err != nil {
		return nil, err
	}
	l := &seatState{seats: seats, scope: scope, booked: counts.Booked, lastPos: counts.MaxPosition}
	lists[[2]int64{sess.ID, scope}] = l
	return l, nil
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
