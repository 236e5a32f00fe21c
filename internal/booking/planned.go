package booking

import (
	"context"
	"fmt"
	"maps"

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
// "session_created"), and the same mails,
// queued through the notifier in tx. A validation problem of session i
// names its fields "sessions[i].field".
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
	var log audit.Log
	var events []Event
	out := make([]*store.Session, len(planned))
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
		trainers, err := b.apply(ctx, tx, &v, sess, p.Input, true)
		if err != nil {
			return nil, err
		}
		if !v.Has("starts_at") && schedule.PastStart(sess.StartsAt, now) {
			v.Add("starts_at", "err.starts_in_past")
		}
		if err := v.Err(); err != nil {
			return nil, prefixFields(err, fmt.Sprintf("sessions[%d].", i))
		}
		if err := roomFree(ctx, tx, sess, p.Input); err != nil {
			return nil, err
		}
		sess.UID = newUID(b.host)
		if err := tx.CreateSession(ctx, sess, trainers); err != nil {
			return nil, err
		}
		created := map[string]any{"format": sess.FormatSlug, "starts_at": tz.In(sess.StartsAt), "capacity": sess.Capacity}
		maps.Copy(created, detail)
		log.Add(caller, sess.OrgID, sess.ID, "session_created", created, now)
		regs := make([]*store.Registration, len(p.People))
		for k, id := range p.People {
			pid := id
			r := &store.Registration{SessionID: sess.ID, PersonID: &pid, OrgID: caller.OrgID, Status: store.RegBooked, Attendance: store.AttendUnknown, Token: NewToken(), CreatedAt: now, UpdatedAt: now}
			if k >= sess.Capacity {
				pos := k - sess.Capacity + 1
				r.Status, r.WaitlistPosition = store.RegWaitlisted, &pos
			}
			regs[k] = r
		}
		if err := tx.InsertRegistrations(ctx, regs); err != nil {
			return nil, err
		}
		for _, r := range regs {
			d := map[string]any{"person_id": *r.PersonID, "person": people[*r.PersonID].Name, "registration_id": r.ID}
			kind := EventBooked
			if r.Status == store.RegWaitlisted {
				d["position"] = *r.WaitlistPosition
				kind = EventWaitlisted
			}
			log.Add(caller, sess.OrgID, sess.ID, string(kind), d, now)
			events = append(events, Event{Kind: kind, SessionID: sess.ID, RegistrationID: r.ID, Registration: r, Person: people[*r.PersonID], Session: sess})
		}
		out[i] = sess
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
