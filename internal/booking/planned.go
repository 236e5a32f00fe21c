package booking

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// PlannedSession is a session to create with the people to book into it,
// in order.
type PlannedSession struct {
	Input  SessionInput
	People []int64
}

// CreatePlanned creates sessions of the caller's commune and books their
// people, inside the caller's transaction tx, so that a caller creating
// many sessions at once (a campaign plan) commits all of them or none.
// Each session is checked as CreateSession checks it (fields, a start in
// the future, the room free unless allowed) and each person is booked as
// Book books them (up to the capacity, then the waiting list), with the
// same history entries (detail is added to each session's
// "session_created") and the same mails, queued through the notifier in
// tx. A validation problem of session i names its fields
// "sessions[i].field".
func (b *Service) CreatePlanned(ctx context.Context, tx *store.Store, caller access.Caller, planned []PlannedSession, detail map[string]any) ([]*store.Session, error) {
	if err := caller.Commune(access.ScheduleSession, caller.OrgID); err != nil {
		return nil, err
	}
	if err := caller.Commune(access.BookPeople, caller.OrgID); err != nil {
		return nil, err
	}
	now := b.now()
	var ids []int64
	for _, p := range planned {
		ids = append(ids, p.People...)
	}
	// Held shared against an erasure until the commit, as Book does.
	people, err := tx.SharePeople(ctx, caller.OrgID, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if _, ok := people[id]; !ok {
			return nil, apperr.NotFound("err.person_not_found", id)
		}
	}
	// Every session is checked before anything is written: the commune is
	// locked once, and the room's other sessions over the whole plan read
	// once, then each session is checked against them and the plan's own.
	out := make([]*store.Session, len(planned))
	allowed := make([]bool, len(planned))
	trainers := make([][]int64, len(planned))
	var from, to time.Time
	for i, p := range planned {
		sess := &store.Session{OrgID: caller.OrgID, Status: store.SessionScheduled, Language: "fr", CreatedBy: caller.UserRef()}
		var v apperr.Validation
		for _, f := range []struct {
			missing bool
			field   string
		}{{p.Input.Format == nil, "format"}, {p.Input.StartsAt == nil, "starts_at"}, {p.Input.Capacity == nil, "capacity"}, {p.Input.Location == nil, "location.name"}} {
			if f.missing {
				v.Add(f.field, "err.required")
			}
		}
		ap, err := b.apply(ctx, tx, &v, sess, p.Input, true)
		if err != nil {
			return nil, err
		}
		t := ap.trainers
		if !v.Has("starts_at") && schedule.PastStart(sess.StartsAt, now) {
			v.Add("starts_at", "err.starts_in_past")
		}
		if err := v.Err(); err != nil {
			return nil, prefixFields(err, fmt.Sprintf("sessions[%d].", i))
		}
		out[i], trainers[i] = sess, t
		allowed[i] = p.Input.AllowRoomOverlap != nil && *p.Input.AllowRoomOverlap
		if i == 0 || sess.StartsAt.Before(from) {
			from = sess.StartsAt
		}
		if i == 0 || sess.EndsAt.After(to) {
			to = sess.EndsAt
		}
	}
	if len(out) > 0 {
		if _, err := tx.LockOrg(ctx, caller.OrgID); err != nil {
			return nil, err
		}
		others, err := tx.SessionsBetween(ctx, caller.OrgID, from, to)
		if err != nil {
			return nil, err
		}
		for i, sess := range out {
			if allowed[i] {
				continue
			}
			for k := range others {
				if o := &others[k]; o.StartsAt.Before(sess.EndsAt) && sess.StartsAt.Before(o.EndsAt) && locationOf(sess).Holds(o) {
					return nil, RoomTaken(o)
				}
			}
			for _, o := range out[:i] {
				if o.StartsAt.Before(sess.EndsAt) && sess.StartsAt.Before(o.EndsAt) && locationOf(sess).Holds(o) {
					return nil, apperr.Conflict("err.room_taken_plan", o.Title, i18n.When{Start: tz.In(o.StartsAt), End: tz.In(o.EndsAt)})
				}
			}
		}
	}
	var log audit.Log
	var events []Event
	var regs []*store.Registration
	for i, sess := range out {
		sess.UID = newUID(b.host)
		if err := tx.CreateSession(ctx, sess, trainers[i]); err != nil {
			return nil, err
		}
		created := map[string]any{"format": sess.FormatSlug, "starts_at": tz.In(sess.StartsAt), "capacity": sess.Capacity}
		maps.Copy(created, detail)
		log.Add(caller, sess.OrgID, sess.ID, "session_created", created, now)
		for k, id := range planned[i].People {
			pid := id
			r := &store.Registration{SessionID: sess.ID, PersonID: &pid, OrgID: caller.OrgID, Status: store.RegBooked, Attendance: store.AttendUnknown, Token: NewToken(), CreatedAt: now, UpdatedAt: now}
			if k >= sess.Capacity {
				pos := k - sess.Capacity + 1
				r.Status, r.WaitlistPosition = store.RegWaitlisted, &pos
			}
			regs = append(regs, r)
		}
	}
	// All the bookings in a few statements rather than one per session.
	if err := tx.InsertRegistrations(ctx, regs); err != nil {
		return nil, err
	}
	byID := make(map[int64]*store.Session, len(out))
	for _, sess := range out {
		byID[sess.ID] = sess
	}
	for _, r := range regs {
		sess := byID[r.SessionID]
		d := map[string]any{"person_id": *r.PersonID, "person": people[*r.PersonID].Name, "registration_id": r.ID}
		kind := EventBooked
		if r.Status == store.RegWaitlisted {
			d["position"] = *r.WaitlistPosition
			kind = EventWaitlisted
		}
		log.Add(caller, sess.OrgID, sess.ID, string(kind), d, now)
		events = append(events, Event{Kind: kind, SessionID: sess.ID, RegistrationID: r.ID, Registration: r, Person: people[*r.PersonID], Session: sess})
	}
	if err := log.Save(ctx, tx); err != nil {
		return nil, err
	}
	return out, b.notify(ctx, tx, events)
}

// prefixFields renames the fields of a validation error with prefix.
func prefixFields(err error, prefix string) error {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make(map[string]i18n.Msg, len(e.Fields))
	for f, m := range e.Fields {
		out.Fields[prefix+f] = m
	}
	return &out
}
