package booking

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Location is where a session takes place.
type Location struct {
	Name    string
	Address string
	Room    string
}

// SessionInput is a session to create, or the fields of an edit: nil
// fields are left as they are.
type SessionInput struct {
	Format   *string
	StartsAt *string
	EndsAt   *string
	Location *Location
	Capacity *int
	Title    *string
	// RegistrationDeadline set to "" removes the deadline.
	RegistrationDeadline *string
	Language             *string
	Trainers             *[]int64
	OpenToOtherCommunes  *bool
	// Quotas are seats per commune (by slug) in a pooled session; an
	// empty map removes them.
	Quotas *map[string]int
	// RecordPast creates a session already held (creation only).
	RecordPast *bool
	// AllowRoomOverlap schedules the session even when its room is taken
	// by another session at that time (room.go).
	AllowRoomOverlap *bool
}

// parseTime reads an RFC 3339 time, or a local Europe/Zurich time without
// offset (what a browser's datetime-local field sends).
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
			if t, err = time.ParseInLocation(layout, s, tz.Zurich); err == nil {
				break
			}
		}
	}
	// A campaign happens in years people live in: anything else is a typo,
	// and years past 9999 cannot even be written back as RFC 3339.
	if err != nil || t.Year() < MinYear || t.Year() > MaxYear {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// CreateSession schedules a session of a catalogue format for the caller's
// commune. A session must start in the future, unless in.RecordPast says
// it records a session already held (e.g. before Atelier): that one takes
// the people who attended and never mails anyone.
func (b *Service) CreateSession(ctx context.Context, caller access.Caller, in SessionInput) (*SessionView, error) {
	if err := caller.Commune(access.ScheduleSession, caller.OrgID); err != nil {
		return nil, err
	}
	sess := &store.Session{OrgID: caller.OrgID, Status: store.SessionScheduled, Language: "fr", CreatedBy: caller.UserRef()}
	var v apperr.Validation
	if in.Format == nil || *in.Format == "" {
		v.Add("format", "err.required")
	}
	if in.StartsAt == nil || *in.StartsAt == "" {
		v.Add("starts_at", "err.required")
	}
	if in.Capacity == nil {
		v.Add("capacity", "err.required")
	}
	if in.Location == nil {
		v.Add("location.name", "err.required")
	}
	ap, err := b.apply(ctx, b.store, &v, sess, in, true)
	if err != nil {
		return nil, err
	}
	now := b.now()
	sess.RecordPast = in.RecordPast != nil && *in.RecordPast
	if !v.Has("starts_at") && !v.Has("ends_at") && !sess.StartsAt.IsZero() {
		switch {
		case !sess.RecordPast && schedule.PastStart(sess.StartsAt, now):
			v.Add("starts_at", "err.starts_in_past")
		case sess.RecordPast && !sess.EndsAt.Before(now):
			v.Add("starts_at", "err.record_past_future")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sess.UID = newUID(b.host)
	err = b.store.Tx(ctx, func(tx *store.Store) error {
		if err := roomFree(ctx, tx, sess, in); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, sess, ap.trainers); err != nil {
			return err
		}
		var log audit.Log
		detail := map[string]any{"format": sess.FormatSlug, "starts_at": tz.In(sess.StartsAt), "capacity": sess.Capacity}
		if ap.quotas != nil && len(*ap.quotas) > 0 {
			if err := tx.SetSessionQuotas(ctx, sess.ID, *ap.quotas); err != nil {
				return err
			}
			detail["quotas"] = ap.quotaSlugs(*ap.quotas)
		}
		if sess.RecordPast {
			detail["record_past"] = true
		}
		log.Add(caller, sess.OrgID, sess.ID, "session_created", detail, now)
		return log.Save(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return b.viewOf(ctx, caller, sess)
}

// trainerReader is what validating a session reads: trainers, formats,
// communes and quotas.
type trainerReader interface {
	UsersIn(ctx context.Context, orgIDs, ids []int64) (map[int64]*store.User, error)
	SessionTrainers(ctx context.Context, sessionIDs []int64) (map[int64][]int64, error)
	SessionQuotas(ctx context.Context, sessionIDs []int64) (map[int64][]store.SessionQuota, error)
	OrgsBySlug(ctx context.Context, slugs []string) (map[string]*store.Org, error)
	Org(ctx context.Context, id int64) (*store.Org, error)
	formats.Reader
}

// applied is what apply read besides the session's own fields.
type applied struct {
	// trainers are the trainer ids, nil when not given.
	trainers []int64
	// quotas are the session's quotas once applied, nil when not given.
	quotas *[]store.SessionQuota
	// slugs names the communes of the quotas.
	slugs map[int64]string
}

// quotaSlugs writes quotas as the API does, by commune slug.
func (a *applied) quotaSlugs(qs []store.SessionQuota) map[string]int {
	out := make(map[string]int, len(qs))
	for _, q := range qs {
		out[a.slugs[q.OrgID]] = q.Seats
	}
	return out
}

// apply validates in and copies it onto sess, reading through st (the
// transaction, when there is one). creating says whether absent
// fields get defaults (ends_at, title). It returns the trainer ids and
// the quotas when they were given.
func (b *Service) apply(ctx context.Context, st trainerReader, v *apperr.Validation, sess *store.Session, in SessionInput, creating bool) (*applied, error) {
	ap := &applied{}
	var format *catalog.Format
	var err error
	resolver := b.formats.In(st)
	switch {
	case in.Format != nil && *in.Format != "" && (creating || *in.Format != sess.FormatSlug):
		// A commune's own format is scheduled in its current version,
		// which the session keeps (its sheets and certificates with it).
		f, versionID, err := resolver.Scheduling(ctx, sess.OrgID, *in.Format)
		if err != nil {
			return nil, err
		}
		if f == nil {
			v.Add("format", "err.format_unknown")
		} else {
			format = f
			sess.FormatSlug, sess.FormatVersionID = f.Slug, versionID
		}
	case !creating:
		// The same format: the session keeps the version it has.
		if format, err = resolver.Session(ctx, sess); err != nil {
			return nil, err
		}
	}
	oldStart, oldEnd := sess.StartsAt, sess.EndsAt
	if in.StartsAt != nil && *in.StartsAt != "" {
		if t, ok := parseTime(*in.StartsAt); ok {
			sess.StartsAt = t
		} else {
			v.Add("starts_at", "err.time_format")
		}
	}
	switch {
	case in.EndsAt != nil && *in.EndsAt != "":
		if t, ok := parseTime(*in.EndsAt); ok {
			sess.EndsAt = t
		} else {
			v.Add("ends_at", "err.time_format")
		}
	case creating && format != nil:
		sess.EndsAt = sess.StartsAt.Add(time.Duration(format.DurationMinutes) * time.Minute)
	case !creating && !sess.StartsAt.Equal(oldStart):
		// Moving the start alone moves the whole session.
		sess.EndsAt = sess.StartsAt.Add(oldEnd.Sub(oldStart))
	}
	if !v.Has("starts_at") && !v.Has("ends_at") && !v.Has("format") && (!creating || (in.StartsAt != nil && *in.StartsAt != "")) {
		switch d := sess.EndsAt.Sub(sess.StartsAt); {
		case d <= 0:
			v.Add("ends_at", "err.end_before_start")
		case d > MaxSessionLength:
			v.Add("ends_at", "err.session_too_long", int(MaxSessionLength.Hours()/24))
		}
	}
	if in.Location != nil {
		sess.LocationName = line(v, "location.name", in.Location.Name, 200, true)
		sess.LocationAddress = line(v, "location.address", in.Location.Address, 300, false)
		sess.LocationRoom = line(v, "location.room", in.Location.Room, 100, false)
	}
	if in.Capacity != nil {
		if *in.Capacity < 1 || *in.Capacity > MaxCapacity {
			v.Add("capacity", "err.capacity_range", MaxCapacity)
		} else {
			sess.Capacity = *in.Capacity
		}
	}
	if in.Title != nil && strings.TrimSpace(*in.Title) != "" {
		sess.Title = line(v, "title", *in.Title, maxTitle, true)
	} else if creating && format != nil {
		sess.Title = format.Localized(sess.Language).Title
	}
	if in.Language != nil {
		if i18n.Valid(*in.Language) {
			sess.Language = *in.Language
			if creating && (in.Title == nil || strings.TrimSpace(*in.Title) == "") && format != nil {
				sess.Title = format.Localized(sess.Language).Title
			}
		} else {
			v.Add("language", "err.language")
		}
	}
	if in.RegistrationDeadline != nil {
		if *in.RegistrationDeadline == "" {
			sess.RegistrationDeadline = nil
		} else if t, ok := parseTime(*in.RegistrationDeadline); ok {
			sess.RegistrationDeadline = &t
		} else {
			v.Add("registration_deadline", "err.time_format")
		}
	}
	if d := sess.RegistrationDeadline; d != nil && !v.Has("registration_deadline") && !sess.StartsAt.IsZero() && d.After(sess.StartsAt) {
		v.Add("registration_deadline", "err.deadline_after_start")
	}
	if in.OpenToOtherCommunes != nil {
		sess.OpenToOtherCommunes = *in.OpenToOtherCommunes
	}
	quotas, err := b.applyQuotas(ctx, st, v, sess, in, creating, ap)
	if err != nil {
		return nil, err
	}
	// A trainer of the session's commune, or of a commune holding seats in
	// it: a pooled session may be run by another commune's trainer.
	allowed := []int64{sess.OrgID}
	for _, q := range quotas {
		allowed = append(allowed, q.OrgID)
	}
	check := in.Trainers
	if check == nil && ap.quotas != nil && !creating {
		current, err := st.SessionTrainers(ctx, []int64{sess.ID})
		if err != nil {
			return nil, err
		}
		cur := current[sess.ID]
		check = &cur
	}
	if check != nil {
		trainers := slices.Compact(slices.Sorted(slices.Values(*check)))
		users, err := st.UsersIn(ctx, allowed, trainers)
		if err != nil {
			return nil, err
		}
		field := "trainers"
		if in.Trainers == nil {
			field = "quotas" // removing a commune whose trainer runs the session
		}
		for _, id := range trainers {
			if u, ok := users[id]; !ok || u.Role == store.RoleAdmin {
				v.Add(field, "err.trainer_unknown", id)
				break
			}
		}
		if in.Trainers != nil {
			ap.trainers = trainers
			if ap.trainers == nil {
				ap.trainers = []int64{}
			}
		}
	}
	return ap, nil
}

// applyQuotas validates the quotas of in (seats per commune slug) against
// the session as applied, and returns the quotas the session has once
// applied. Quotas make a session open to other communes unless the
// request says otherwise, which is refused.
func (b *Service) applyQuotas(ctx context.Context, st trainerReader, v *apperr.Validation, sess *store.Session, in SessionInput, creating bool, ap *applied) ([]store.SessionQuota, error) {
	var quotas []store.SessionQuota
	if !creating {
		current, err := st.SessionQuotas(ctx, []int64{sess.ID})
		if err != nil {
			return nil, err
		}
		quotas = current[sess.ID]
	}
	field := "capacity"
	if in.Quotas != nil {
		field = "quotas"
		slugs := slices.Sorted(maps.Keys(*in.Quotas))
		orgs, err := st.OrgsBySlug(ctx, slugs)
		if err != nil {
			return nil, err
		}
		// A commune of a region pools its sessions with its region.
		host, err := st.Org(ctx, sess.OrgID)
		if err != nil {
			return nil, err
		}
		quotas = make([]store.SessionQuota, 0, len(slugs))
		ap.slugs = map[int64]string{}
		for _, slug := range slugs {
			seats := (*in.Quotas)[slug]
			o, ok := orgs[slug]
			switch {
			case !ok:
				v.Add("quotas."+slug, "pool.err.unknown_commune", slug)
			case host.RegionID != nil && o.ID != host.ID && (o.RegionID == nil || *o.RegionID != *host.RegionID):
				v.Add("quotas."+slug, "pool.err.other_region", o.Name)
			case seats < 0 || seats > MaxCapacity:
				v.Add("quotas."+slug, "pool.err.seats", MaxCapacity)
			default:
				quotas = append(quotas, store.SessionQuota{OrgID: o.ID, Seats: seats})
				ap.slugs[o.ID] = slug
			}
		}
		ap.quotas = &quotas
		if len(quotas) > 0 && in.OpenToOtherCommunes == nil {
			sess.OpenToOtherCommunes = true
		}
	}
	if len(quotas) == 0 {
		return nil, nil
	}
	sum := 0
	for _, q := range quotas {
		sum += q.Seats
	}
	switch {
	case creating && in.RecordPast != nil && *in.RecordPast:
		v.Add("quotas", "pool.err.record_past")
	case !sess.OpenToOtherCommunes:
		f := "quotas"
		if in.OpenToOtherCommunes != nil {
			f = "open_to_other_communes"
		}
		v.Add(f, "pool.err.closed")
	case sess.Capacity > 0 && sum > sess.Capacity && !v.Has("capacity"):
		v.Add(field, "pool.err.sum", sum, sess.Capacity)
	}
	return quotas, nil
}

// line cleans a one-line field and records a problem if it is missing or too long.
func line(v *apperr.Validation, field, s string, max int, required bool) string {
	s = clean.Line(s)
	switch {
	case required && s == "":
		v.Add(field, "err.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "err.too_long", max)
	}
	return s
}

// UpdateSession edits a session of the caller's commune. A change of time
// or place (or title) raises the sequence, so calendars apply it. Raising
// the capacity promotes from the waiting list; lowering it under the
// number of booked people is refused. Once the session has started, its
// time, place and capacity are history: only the title, the trainers and
// the like may change.
func (b *Service) UpdateSession(ctx context.Context, caller access.Caller, id int64, in SessionInput) (*SessionView, error) {
	var out *store.Session
	now := b.now()
	err := b.store.Tx(ctx, func(tx *store.Store) error {
		sess, err := tx.LockSession(ctx, id)
		if err != nil {
			return err
		}
		if err := caller.OnSession(access.EditSession, sessionRef(sess)); err != nil {
			return err
		}
		before := *sess
		var v apperr.Validation
		ap, err := b.apply(ctx, tx, &v, sess, in, false)
		if err != nil {
			return err
		}
		trainers := ap.trainers
		if err := v.Err(); err != nil {
			return err
		}
		if err := schedule.Live(&before); err != nil {
			return err
		}
		moved := !sess.StartsAt.Equal(before.StartsAt) || !sess.EndsAt.Equal(before.EndsAt) ||
			sess.LocationName != before.LocationName || sess.LocationAddress != before.LocationAddress || sess.LocationRoom != before.LocationRoom
		if moved || sess.Capacity != before.Capacity || ap.quotas != nil {
			if err := schedule.TimeAndPlaceChangeable(&before, now); err != nil {
				return err
			}
		}
		if moved {
			if err := roomFree(ctx, tx, sess, in); err != nil {
				return err
			}
		}
		var log audit.Log
		var events []Event
		if sess.Capacity != before.Capacity || ap.quotas != nil {
			promoted, err := rebalance(ctx, tx, caller, sess, &before, ap, &log, now)
			if err != nil {
				return err
			}
			for _, r := range promoted {
				events = append(events, Event{Kind: EventPromoted, SessionID: id, RegistrationID: r.ID})
			}
		}
		if moved || sess.Title != before.Title {
			sess.Sequence++
		}
		if moved {
			log.Add(caller, sess.OrgID, id, "rescheduled", map[string]any{
				"from": map[string]any{"starts_at": tz.In(before.StartsAt), "ends_at": tz.In(before.EndsAt), "location": schedule.Place(&before)},
				"to":   map[string]any{"starts_at": tz.In(sess.StartsAt), "ends_at": tz.In(sess.EndsAt), "location": schedule.Place(sess)},
			}, now)
			active, err := tx.ActiveRegistrationIDs(ctx, id)
			if err != nil {
				return err
			}
			for _, rid := range active {
				events = append(events, Event{Kind: EventRescheduled, SessionID: id, RegistrationID: rid, Before: &before})
			}
		}
		if changed := otherChanges(&before, sess, trainers != nil); len(changed) > 0 {
			log.Add(caller, sess.OrgID, id, "session_updated", map[string]any{"fields": changed}, now)
		}
		if err := tx.SaveSession(ctx, sess); err != nil {
			return err
		}
		if trainers != nil {
			if err := tx.SetSessionTrainers(ctx, id, trainers); err != nil {
				return err
			}
		}
		if err := log.Save(ctx, tx); err != nil {
			return err
		}
		out = sess
		return b.notify(ctx, tx, events)
	})
	if err != nil {
		return nil, err
	}
	return b.viewOf(ctx, caller, out)
}

func otherChanges(before, after *store.Session, trainers bool) []string {
	var out []string
	if before.Title != after.Title {
		out = append(out, "title")
	}
	if before.FormatSlug != after.FormatSlug {
		out = append(out, "format")
	}
	if !equalTimePtr(before.RegistrationDeadline, after.RegistrationDeadline) {
		out = append(out, "registration_deadline")
	}
	if before.Language != after.Language {
		out = append(out, "language")
	}
	if before.OpenToOtherCommunes != after.OpenToOtherCommunes {
		out = append(out, "open_to_other_communes")
	}
	if trainers {
		out = append(out, "trainers")
	}
	return out
}

func equalTimePtr(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// CancelSession cancels a session of the caller's commune and every
// registration in it, before it starts. Cancelling a cancelled session
// changes nothing.
func (b *Service) CancelSession(ctx context.Context, caller access.Caller, id int64) (*SessionView, error) {
	var out *store.Session
	now := b.now()
	err := b.store.Tx(ctx, func(tx *store.Store) error {
		sess, err := tx.LockSession(ctx, id)
		if err != nil {
			return err
		}
		if err := caller.OnSession(access.EditSession, sessionRef(sess)); err != nil {
			return err
		}
		out = sess
		if err := schedule.Cancellable(sess, now); err != nil {
			return err
		}
		if sess.Status == store.SessionCancelled {
			return nil
		}
		active, err := tx.ActiveRegistrationIDs(ctx, id)
		if err != nil {
			return err
		}
		sess.Status = store.SessionCancelled
		sess.Sequence++
		if err := tx.SaveSession(ctx, sess); err != nil {
			return err
		}
		n, err := tx.CancelAllRegistrations(ctx, id, now)
		if err != nil {
			return err
		}
		var log audit.Log
		log.Add(caller, sess.OrgID, id, "session_cancelled", map[string]any{"registrations_cancelled": n}, now)
		if err := log.Save(ctx, tx); err != nil {
			return err
		}
		events := make([]Event, len(active))
		for i, rid := range active {
			events[i] = Event{Kind: EventSessionCancelled, SessionID: id, RegistrationID: rid}
		}
		return b.notify(ctx, tx, events)
	})
	if err != nil {
		return nil, err
	}
	return b.viewOf(ctx, caller, out)
}
