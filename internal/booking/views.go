package booking

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// SessionView is a session as lists and pages show it: its counts, its
// trainers, its commune and where it is in its life.
type SessionView struct {
	store.Session
	OrgSlug  string
	Counts   store.Counts
	Trainers []int64
	Phase    schedule.Phase
	Format   *catalog.Format
	// FormatVersion is the version of a commune's format the session
	// keeps, 0 for a format of the catalogue.
	FormatVersion int
	// Own is true when the session belongs to the caller's commune.
	Own bool
	// Quotas are the seats per commune of a pooled session, none without.
	Quotas []store.SessionQuota
	// Communes are the counts per commune of a session open to others, as
	// far as the caller may see them: every commune's for the host, the
	// caller's own for another commune.
	Communes []CommuneCount
}

// CommuneCount is one commune's part of a pooled session.
type CommuneCount struct {
	OrgID      int64
	Slug, Name string
	// Seats is the commune's quota (the host's: the seats no other quota
	// holds); nil in a session without quotas.
	Seats              *int
	Booked, Waitlisted int
}

// Place is where the session takes place, in one line.
func (v *SessionView) Place() string { return schedule.Place(&v.Session) }

// Session returns a session the caller may see, with its counts.
func (b *Service) Session(ctx context.Context, caller access.Caller, id int64) (*SessionView, error) {
	sess, err := b.store.Session(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := caller.OnSession(access.ViewSession, sessionRef(sess)); err != nil {
		return nil, err
	}
	return b.viewOf(ctx, caller, sess)
}

// SessionQuery filters the sessions a caller lists.
type SessionQuery struct {
	From, To *time.Time
	Status   string
	// Mine keeps the sessions the caller trains.
	Mine bool
	// OwnOnly leaves out other communes' open sessions.
	OwnOnly       bool
	Limit, Offset int
}

// Sessions lists the sessions the caller sees: their commune's and those
// other communes opened to all, by start time, with the total before
// paging. Counts, trainers and communes come in a fixed number of
// queries whatever the length.
func (b *Service) Sessions(ctx context.Context, caller access.Caller, q SessionQuery) ([]SessionView, int64, error) {
	if err := caller.Commune(access.ListSessions, caller.OrgID); err != nil {
		return nil, 0, err
	}
	f := store.SessionFilter{OrgID: caller.OrgID, IncludeOpen: !q.OwnOnly, From: q.From, To: q.To, Status: q.Status, Limit: q.Limit, Offset: q.Offset}
	if q.Mine {
		f.TrainerID = caller.UserID
	}
	sessions, total, err := b.store.Sessions(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	views, err := b.views(ctx, caller, sessions)
	return views, total, err
}

// viewOf is the view of one session the caller just changed.
func (b *Service) viewOf(ctx context.Context, caller access.Caller, sess *store.Session) (*SessionView, error) {
	views, err := b.views(ctx, caller, []store.Session{*sess})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

func (b *Service) views(ctx context.Context, caller access.Caller, sessions []store.Session) ([]SessionView, error) {
	ids := make([]int64, len(sessions))
	orgIDs := make([]int64, 0, 2)
	for i, s := range sessions {
		ids[i] = s.ID
		orgIDs = append(orgIDs, s.OrgID)
	}
	counts, err := b.store.CountsBySession(ctx, ids)
	if err != nil {
		return nil, err
	}
	trainers, err := b.store.SessionTrainers(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Pooled sessions: their quotas and counts per commune.
	var open []int64
	for _, s := range sessions {
		if s.OpenToOtherCommunes {
			open = append(open, s.ID)
		}
	}
	quotas, err := b.store.SessionQuotas(ctx, open)
	if err != nil {
		return nil, err
	}
	byOrg, err := b.store.CountsByOrg(ctx, open)
	if err != nil {
		return nil, err
	}
	for _, qs := range quotas {
		for _, q := range qs {
			orgIDs = append(orgIDs, q.OrgID)
		}
	}
	for _, m := range byOrg {
		for id := range m {
			orgIDs = append(orgIDs, id)
		}
	}
	orgs, err := b.store.OrgsByID(ctx, slices.Compact(slices.Sorted(slices.Values(orgIDs))))
	if err != nil {
		return nil, err
	}
	resolved, err := b.formats.Sessions(ctx, sessions)
	if err != nil {
		return nil, err
	}
	now := b.now()
	out := make([]SessionView, len(sessions))
	for i := range sessions {
		s := &sessions[i]
		v := SessionView{Session: *s, Counts: counts[s.ID], Trainers: trainers[s.ID], Phase: schedule.PhaseOf(s, now), Own: s.OrgID == caller.OrgID}
		if v.Trainers == nil {
			v.Trainers = []int64{}
		}
		if o, ok := orgs[s.OrgID]; ok {
			v.OrgSlug = o.Slug
		}
		v.Format, v.FormatVersion = resolved[s.ID].Format, resolved[s.ID].Version
		if s.OpenToOtherCommunes {
			v.Quotas = quotas[s.ID]
			v.Communes = communeCounts(caller, s, quotas[s.ID], byOrg[s.ID], orgs)
		}
		out[i] = v
	}
	return out, nil
}

// communeCounts lists the communes of a pooled session with their seats
// and counts: those with a quota or people registered, the host first.
// The host sees every commune; another commune only itself.
func communeCounts(caller access.Caller, s *store.Session, quotas []store.SessionQuota, counts map[int64]store.Counts, orgs map[int64]*store.Org) []CommuneCount {
	ids := slices.Collect(maps.Keys(counts))
	for _, q := range quotas {
		ids = append(ids, q.OrgID)
	}
	ids = append(ids, s.OrgID)
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	slices.SortStableFunc(ids, func(a, b int64) int {
		switch {
		case a == s.OrgID:
			return -1
		case b == s.OrgID:
			return 1
		}
		return 0
	})
	out := []CommuneCount{}
	for _, id := range ids {
		if !caller.SeesAllRegistrations(sessionRef(s)) && id != caller.OrgID {
			continue
		}
		c := CommuneCount{OrgID: id, Booked: counts[id].Booked, Waitlisted: counts[id].Waitlisted}
		if o, ok := orgs[id]; ok {
			c.Slug, c.Name = o.Slug, o.Name
		}
		if len(quotas) > 0 {
			if seats, _, ok := listOf(s, quotas, id); ok {
				c.Seats = &seats
			} else {
				zero := 0
				c.Seats = &zero
			}
		}
		out = append(out, c)
	}
	return out
}
