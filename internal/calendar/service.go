package calendar

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/atelier-ch/atelier/internal/access"
	"github.com/atelier-ch/atelier/internal/audit"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/store"
)

// Store is what the calendar files read.
type Store interface {
	Session(ctx context.Context, id int64) (*store.Session, error)
	Sessions(ctx context.Context, f store.SessionFilter) ([]store.Session, int64, error)
	SessionsByID(ctx context.Context, ids []int64) (map[int64]*store.Session, error)
	Org(ctx context.Context, id int64) (*store.Org, error)
	Person(ctx context.Context, orgID, id int64) (*store.Person, error)
	RegistrationByToken(ctx context.Context, token string) (*store.Registration, error)
	RegistrationsOfPerson(ctx context.Context, personID int64) ([]store.Registration, error)
	UserByFeedTokenHash(ctx context.Context, hash string) (*store.User, error)
	SessionsDigest(ctx context.Context, orgID, trainerID int64) (store.SessionsDigest, error)
	SetFeedTokenHash(ctx context.Context, userID int64, hash string, at time.Time, onlyIfNone bool) (bool, error)
	ClearFeedToken(ctx context.Context, userID int64) error
	User(ctx context.Context, id int64) (*store.User, error)
	InsertStaffAction(ctx context.Context, a *store.StaffAction) error
}

// Service reads what the calendar files show.
type Service struct {
	store    Store
	formats  *formats.Resolver
	composer *Composer
	now      func() time.Time
	// version digests what the files depend on besides their rows
	// (versionOf); started is when this process started, by the clock of
	// the database's updated_at columns: no file is older.
	version string
	started time.Time
}

// NewService returns a Service; f finds the format of a session.
func NewService(s Store, f *formats.Resolver, comp *Composer, now func() time.Time) *Service {
	return &Service{store: s, formats: f, composer: comp, now: now, version: versionOf(comp, f.Catalog()), started: time.Now().UTC()}
}

// File is a calendar file to send, or — NotModified — the news that the
// client's copy is current (Data is then empty).
type File struct {
	Method      Method
	Data        []byte
	Name        string
	Stamp       Stamp
	NotModified bool
}

// entry loads what a registration's files show.
func (s *Service) entry(ctx context.Context, r *store.Registration, sessions map[int64]*store.Session, orgs map[int64]*store.Org, person *store.Person) (Entry, error) {
	sess, ok := sessions[r.SessionID]
	if !ok {
		var err error
		if sess, err = s.store.Session(ctx, r.SessionID); err != nil {
			return Entry{}, err
		}
	}
	org, ok := orgs[sess.OrgID]
	if !ok {
		var err error
		if org, err = s.store.Org(ctx, sess.OrgID); err != nil {
			return Entry{}, err
		}
		orgs[sess.OrgID] = org
	}
	f, err := s.formats.Session(ctx, sess)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Session: sess, Registration: r, Person: person, Org: org, Format: f, Stamp: entryStamp(sess, r, person)}, nil
}

// lang is the language of a person's files.
func lang(p *store.Person) string {
	if p != nil && p.Language == "de" {
		return "de"
	}
	return "fr"
}

// Invite answers a participant's invite.ics: the invitation, or its
// cancellation; not written when fresh says the client holds it. An
// unknown token is store.ErrNotFound.
func (s *Service) Invite(ctx context.Context, token string, fresh Fresh) (*File, error) {
	r, p, err := s.byToken(ctx, token)
	if err != nil {
		return nil, err
	}
	e, err := s.entry(ctx, r, map[int64]*store.Session{}, map[int64]*store.Org{}, p)
	if err != nil {
		return nil, err
	}
	st := newStamper(s.version, "invite")
	st.entry(&e)
	stamp := st.stamp(s.started)
	if fresh != nil && fresh(stamp) {
		return &File{Stamp: stamp, NotModified: true}, nil
	}
	method, data, err := s.composer.InviteFile(e, lang(p), e.Stamp)
	if err != nil {
		return nil, err
	}
	return &File{Method: method, Data: data, Name: "invitation.ics", Stamp: stamp}, nil
}

func (s *Service) byToken(ctx context.Context, token string) (*store.Registration, *store.Person, error) {
	if len(token) < 16 || len(token) > 64 {
		return nil, nil, store.ErrNotFound
	}
	r, err := s.store.RegistrationByToken(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	var p *store.Person
	if r.PersonID != nil {
		if p, err = s.store.Person(ctx, r.OrgID, *r.PersonID); err != nil {
			return nil, nil, err
		}
	}
	return r, p, nil
}

// PersonFeed answers a participant's feed.ics: every session of that
// person, cancelled ones marked so; not written when fresh says the
// client holds it.
func (s *Service) PersonFeed(ctx context.Context, token string, fresh Fresh) (*File, error) {
	r, p, err := s.byToken(ctx, token)
	if err != nil {
		return nil, err
	}
	regs := []store.Registration{*r}
	if p != nil {
		if regs, err = s.store.RegistrationsOfPerson(ctx, p.ID); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, len(regs))
	for i, reg := range regs {
		ids[i] = reg.SessionID
	}
	sessions, err := s.store.SessionsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	orgs := map[int64]*store.Org{}
	entries := make([]Entry, 0, len(regs))
	for i := range regs {
		e, err := s.entry(ctx, &regs[i], sessions, orgs, p)
		if err != nil {
			return nil, err
		}
		e.Private = regs[i].ID != r.ID
		entries = append(entries, e)
	}
	sortEntries(entries)
	l := lang(p)
	name := "Atelier"
	if p != nil {
		name = p.Name
	}
	// The person's registrations are never deleted (an erased person's
	// lose their link to the person, and the token's own is edited), so
	// the entries' times are enough for Modified.
	st := newStamper(s.version, "person feed")
	st.str(name)
	st.str(l)
	for i := range entries {
		st.entry(&entries[i])
	}
	stamp := st.stamp(s.started)
	if fresh != nil && fresh(stamp) {
		return &File{Stamp: stamp, NotModified: true}, nil
	}
	data, err := s.composer.FeedFile(s.composer.tr.T(l, "cal.feed_person", name), entries, l, s.now())
	if err != nil {
		return nil, err
	}
	return &File{Method: Publish, Data: data, Name: "formations.ics", Stamp: stamp}, nil
}

// StaffFeed answers a user's feed: the sessions a trainer runs, or every
// session of an HR user's commune; not written when fresh says the client
// holds it, which one small query tells (store.SessionsDigest) without
// reading the sessions. An unknown token is store.ErrNotFound.
func (s *Service) StaffFeed(ctx context.Context, token string, fresh Fresh) (*File, error) {
	if len(token) < 16 || len(token) > 64 {
		return nil, store.ErrNotFound
	}
	u, err := s.store.UserByFeedTokenHash(ctx, tokenHash(token))
	if err != nil {
		return nil, err
	}
	if u.OrgID == nil {
		return nil, store.ErrNotFound
	}
	org, err := s.store.Org(ctx, *u.OrgID)
	if err != nil {
		return nil, err
	}
	f := store.SessionFilter{OrgID: org.ID}
	nameKey := "cal.feed_commune"
	if u.Role == store.RoleTrainer {
		f.TrainerID = u.ID
		nameKey = "cal.feed_trainer"
	}
	l := u.Language
	d, err := s.store.SessionsDigest(ctx, org.ID, f.TrainerID)
	if err != nil {
		return nil, err
	}
	// Sessions are never deleted: the commune's latest edit covers those
	// that left a trainer's feed, and the account's covers a new role.
	st := newStamper(s.version, "staff feed")
	st.str(nameKey)
	st.str(l)
	st.org(org)
	st.num(d.Count)
	st.num(d.SumID)
	st.num(d.SumSequence)
	st.num(d.UpdatedSum)
	st.optNum(d.UpdatedMax)
	st.changed(fromMillis(d.OrgUpdatedMax))
	st.changed(u.UpdatedAt)
	stamp := st.stamp(s.started)
	if fresh != nil && fresh(stamp) {
		return &File{Stamp: stamp, NotModified: true}, nil
	}
	sessions, _, err := s.store.Sessions(ctx, f)
	if err != nil {
		return nil, err
	}
	resolved, err := s.formats.Sessions(ctx, sessions)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, len(sessions))
	for i := range sessions {
		entries[i] = Entry{Session: &sessions[i], Org: org, Format: resolved[sessions[i].ID].Format, Stamp: entryStamp(&sessions[i], nil, nil)}
	}
	data, err := s.composer.FeedFile(s.composer.tr.T(l, nameKey, org.Name), entries, l, s.now())
	if err != nil {
		return nil, err
	}
	return &File{Method: Publish, Data: data, Name: "formations.ics", Stamp: stamp}, nil
}

// StaffFeedState is the state of a staff calendar feed. URL is given only when the
// address was just made: only its hash is kept.
type StaffFeedState struct {
	Active    bool
	CreatedAt *time.Time
	URL       string
}

// FeedOf returns the caller's calendar feed — the sessions a trainer runs,
// or every session of an HR user's commune —, making its address on first
// use (and showing it that once).
func (s *Service) FeedOf(ctx context.Context, caller access.Caller) (*StaffFeedState, error) {
	if err := caller.Commune(access.UseFeed, caller.OrgID); err != nil {
		return nil, err
	}
	token := rand.Text() + rand.Text()
	now := s.now()
	made, err := s.store.SetFeedTokenHash(ctx, caller.UserID, tokenHash(token), now, true)
	if err != nil {
		return nil, err
	}
	if made {
		return &StaffFeedState{Active: true, CreatedAt: &now, URL: s.feedURL(token)}, nil
	}
	u, err := s.store.User(ctx, caller.UserID)
	if err != nil {
		return nil, err
	}
	return &StaffFeedState{Active: true, CreatedAt: u.FeedTokenAt}, nil
}

// RotateFeed gives the caller a new feed address; the old one answers 404
// at once (a subscription given to the wrong person, a lost phone).
func (s *Service) RotateFeed(ctx context.Context, caller access.Caller) (*StaffFeedState, error) {
	if err := caller.Commune(access.UseFeed, caller.OrgID); err != nil {
		return nil, err
	}
	token := rand.Text() + rand.Text()
	now := s.now()
	if _, err := s.store.SetFeedTokenHash(ctx, caller.UserID, tokenHash(token), now, false); err != nil {
		return nil, err
	}
	return &StaffFeedState{Active: true, CreatedAt: &now, URL: s.feedURL(token)}, nil
}

// RevokeFeed ends an account's feed: the caller's own, or — for an admin —
// anyone's.
func (s *Service) RevokeFeed(ctx context.Context, caller access.Caller, userID int64) error {
	if userID == caller.UserID && caller.UserID != 0 {
		return s.store.ClearFeedToken(ctx, userID)
	}
	if err := caller.Platform(access.ManageRoles); err != nil {
		return err
	}
	if err := s.store.ClearFeedToken(ctx, userID); err != nil {
		return err
	}
	return audit.Staff(ctx, s.store, caller, 0, "feed_revoked", fmt.Sprintf("user:%d", userID), nil, s.now())
}

func (s *Service) feedURL(token string) string {
	return s.composer.baseURL + "/feeds/" + token + ".ics"
}

// tokenHash is how a feed token is kept: hex SHA-256 (the token carries 260
// random bits, so a fast hash is enough).
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func sortEntries(es []Entry) {
	slices.SortFunc(es, func(a, b Entry) int { return a.Session.StartsAt.Compare(b.Session.StartsAt) })
}
