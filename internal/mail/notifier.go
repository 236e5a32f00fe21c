// Package mail announces booking changes to participants: each change puts
// a message in the outbox in the same transaction, and a worker delivers the
// outbox over SMTP, retrying with backoff, never losing a message.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/calendar"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Notifier composes the message of each booking event and queues it.
type Notifier struct {
	catalog  *catalog.Catalog
	formats  *formats.Resolver
	composer *calendar.Composer
	tr       *i18n.Translator
	host     string
	now      func() time.Time
	log      *slog.Logger
	// composeNever, in tests, leaves queued messages to ComposeQueued.
	composeNever bool
	// background says RunComposer runs: a commit then only wakes it
	// (kick), and the request that committed does not wait for its mail.
	background atomic.Bool
	kick       chan struct{}
	// fresh carries the messages of this process's commits, as queued,
	// to RunComposer: composed from memory, not read back.
	fresh chan freshMail

	// orgs caches communes briefly: a booking would otherwise read its
	// commune while holding the session's lock.
	mu   sync.Mutex
	orgs map[int64]cachedOrg
}

type cachedOrg struct {
	org *store.Org
	at  time.Time
}

const orgCacheTTL = time.Minute

func (n *Notifier) org(ctx context.Context, tx *store.Store, id int64) (*store.Org, error) {
	n.mu.Lock()
	c, ok := n.orgs[id]
	n.mu.Unlock()
	if ok && time.Since(c.at) < orgCacheTTL {
		return c.org, nil
	}
	o, err := tx.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	if n.orgs == nil {
		n.orgs = map[int64]cachedOrg{}
	}
	n.orgs[id] = cachedOrg{org: o, at: time.Now()}
	n.mu.Unlock()
	return o, nil
}

// WithLog makes the notifier log to l (by default it logs nothing).
func (n *Notifier) WithLog(l *slog.Logger) *Notifier {
	if l != nil {
		n.log = l
	}
	return n
}

// NewNotifier returns a Notifier; f finds a session's format, host names
// the site in Message-IDs.
func NewNotifier(f *formats.Resolver, comp *calendar.Composer, tr *i18n.Translator, host string, now func() time.Time) *Notifier {
	return &Notifier{catalog: f.Catalog(), formats: f, composer: comp, tr: tr, host: host, now: now, log: slog.New(slog.DiscardHandler), kick: make(chan struct{}, 1), fresh: make(chan freshMail, freshBacklog)}
}

// Notify queues one message per event, inside the caller's transaction:
// a small row that says what happened, composed (subject, bodies,
// calendar file) once the transaction has committed, outside the locks it
// held: by RunComposer, which the commit wakes, or, when it does not run,
// right after the commit. Should the process stop in between,
// ComposeQueued composes it later from the same row: a message is never
// lost, and composing twice writes it once. People without an email get
// nothing (their link still works).
func (n *Notifier) Notify(ctx context.Context, tx *store.Store, events []booking.Event) error {
	var msgs []*store.OutboxMessage
	var recs []*queued
	sessions := map[int64]*store.Session{}
	for _, ev := range events {
		q, err := n.resolve(ctx, tx, ev, sessions)
		if err != nil {
			return err
		}
		if q == nil {
			continue
		}
		m, err := n.queue(q)
		if err != nil {
			return err
		}
		msgs = append(msgs, m)
		recs = append(recs, q)
	}
	if err := tx.EnqueueMail(ctx, msgs); err != nil {
		return err
	}
	if len(msgs) == 0 || n.composeNever {
		return nil
	}
	tx.AfterCommit(ctx, func(ctx context.Context, s *store.Store) {
		if n.background.Load() {
			select {
			case n.fresh <- freshMail{msgs, recs}:
			default:
				// RunComposer is behind: it reads these back from the
				// outbox once it has caught up.
				select {
				case n.kick <- struct{}{}:
				default: // already woken: it takes these too
				}
			}
			return
		}
		done := make(map[string]*store.Composed, len(msgs))
		for i, m := range msgs {
			c, err := n.compose(ctx, s, recs[i])
			if err != nil {
				n.log.WarnContext(ctx, "mail not composed yet", "err", err)
				continue // the sweep composes it
			}
			done[m.MessageID] = c
		}
		if err := s.ComposeMail(ctx, done); err != nil {
			// Committed all the same: the sweep composes them later.
			n.log.WarnContext(ctx, "mail not composed yet", "messages", len(msgs), "err", err)
		}
	})
	return nil
}

// queued is what a message remembers of its change until it is composed:
// the rows as the change left them, and the session before a reschedule.
type queued struct {
	Kind         booking.EventKind
	Registration *store.Registration
	Person       *store.Person
	Session      *store.Session
	Before       *store.Session `json:",omitempty"`
	org          *store.Org
}

// resolve gathers what an event's message needs, reading inside the
// transaction only what the event does not carry; nil means no message.
func (n *Notifier) resolve(ctx context.Context, tx *store.Store, ev booking.Event, sessions map[int64]*store.Session) (*queued, error) {
	var err error
	r := ev.Registration
	if r == nil {
		if r, err = tx.Registration(ctx, ev.RegistrationID); err != nil {
			return nil, err
		}
	}
	if r.PersonID == nil {
		return nil, nil
	}
	p := ev.Person
	if p == nil {
		p, err = tx.Person(ctx, r.OrgID, *r.PersonID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil // erased: nobody to write to
		}
		if err != nil {
			return nil, err
		}
	}
	if p.Email == nil {
		return nil, nil
	}
	sess := ev.Session
	if sess == nil {
		var ok bool
		if sess, ok = sessions[r.SessionID]; !ok {
			if sess, err = tx.Session(ctx, r.SessionID); err != nil {
				return nil, err
			}
			sessions[sess.ID] = sess
		}
	}
	// Copies: the caller may change its rows after the commit. The
	// commune (the sender) is read when composing, outside the lock.
	rc, pc, sc := *r, *p, *sess
	return &queued{Kind: ev.Kind, Registration: &rc, Person: &pc, Session: &sc, Before: ev.Before}, nil
}

// queue is the outbox row of a message to compose: who it goes to, from
// whom, and the change as JSON.
func (n *Notifier) queue(q *queued) (*store.OutboxMessage, error) {
	event, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	sid, rid := q.Session.ID, q.Registration.ID
	return &store.OutboxMessage{
		OrgID: q.Registration.OrgID, SessionID: &sid, RegistrationID: &rid, Kind: string(q.Kind),
		ToEmail: *q.Person.Email, ToName: clean.Line(q.Person.Name),
		MessageID: fmt.Sprintf("<%s@%s>", strings.ToLower(rand.Text()), n.host),
		Status:    store.OutboxPending, NextAttemptAt: n.now().UTC(), CreatedAt: n.now().UTC(), Event: string(event),
	}, nil
}

// compose writes a queued message; nil means there is nothing to send.
// The format is the version the session keeps, whenever this runs.
func (n *Notifier) compose(ctx context.Context, s *store.Store, q *queued) (*store.Composed, error) {
	format, err := n.formats.Session(ctx, q.Session)
	if err != nil {
		return nil, err
	}
	if q.org, err = n.org(ctx, s, q.Session.OrgID); err != nil {
		return nil, err
	}
	entry := calendar.Entry{Session: q.Session, Registration: q.Registration, Person: q.Person, Org: q.org, Format: format}
	lang := "fr"
	if q.Person.Language == "de" {
		lang = "de"
	}
	method, ics, err := n.composer.InviteFile(entry, lang, n.now())
	if errors.Is(err, calendar.ErrInvalid) {
		// e.g. a commune sender address that is not valid: no mail, as
		// before it was queued.
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	body := n.body(q.Kind, q.Before, entry, lang)
	from := n.composer.Organizer(q.org)
	return &store.Composed{
		FromEmail: from.Email, FromName: clean.Line(from.Name),
		Subject: clean.Truncate(clean.Line(body.subject), 250), TextBody: body.text, HTMLBody: body.html,
		ICS: string(ics), ICSMethod: string(method), PageURL: qrFor(q.Kind, n.composer.PageURL(q.Registration.Token)),
	}, nil
}

// ComposeQueued composes the messages queued before the given time and not
// composed yet (their process stopped right after the commit), of one
// commune or, with orgID 0, all; it returns how many it composed.
func (n *Notifier) ComposeQueued(ctx context.Context, s *store.Store, orgID int64, before time.Time) (int, error) {
	total := 0
	var after int64 // messages are taken in id order, each once a call
	for {
		msgs, err := s.UncomposedMail(ctx, orgID, before, after, 200)
		if err != nil || len(msgs) == 0 {
			return total, err
		}
		after = msgs[len(msgs)-1].ID
		done := make(map[string]*store.Composed, len(msgs))
		for _, m := range msgs {
			var q queued
			if err := json.Unmarshal([]byte(m.Event), &q); err != nil || q.Session == nil || q.Registration == nil || q.Person == nil {
				n.log.ErrorContext(ctx, "queued mail unreadable, dropped", "id", m.ID, "err", err)
				done[m.MessageID] = nil
				continue
			}
			c, err := n.compose(ctx, s, &q)
			if err != nil {
				// Left queued for the next sweep; the others go on.
				n.log.ErrorContext(ctx, "queued mail not composed", "id", m.ID, "err", err)
				continue
			}
			done[m.MessageID] = c
		}
		if err := s.ComposeMail(ctx, done); err != nil {
			return total, err
		}
		total += len(done)
	}
}

// RunComposer composes the mail queued by this process's commits as they
// wake it, many in one write when they come together, and every period
// what was queued but not composed (a process that stopped between a
// commit and its mails), until ctx ends. While it runs, a request does
// not wait for its mail to be composed.
func (n *Notifier) RunComposer(ctx context.Context, s *store.Store, period time.Duration) {
	n.background.Store(true)
	defer n.background.Store(false)
	tick := time.NewTicker(period)
	defer tick.Stop()
	// The sweep leaves the messages of changes just committed elsewhere
	// to their own process, at first and on each tick.
	sweep := func(before time.Time) {
		if k, err := n.ComposeQueued(ctx, s, 0, before); err != nil && ctx.Err() == nil {
			n.log.ErrorContext(ctx, "outbox: composing queued mail", "err", err)
		} else if k > 0 && !before.IsZero() {
			n.log.InfoContext(ctx, "outbox: queued mail composed", "messages", k)
		}
	}
	sweep(n.now().Add(-period))
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			sweep(n.now().Add(-period))
		case <-n.kick:
			sweep(time.Time{}) // all there is
		case f := <-n.fresh:
			// These, and whatever else came meanwhile, in one write.
			batch := []freshMail{f}
		more:
			for len(batch) < freshBacklog {
				select {
				case f := <-n.fresh:
					batch = append(batch, f)
				default:
					break more
				}
			}
			n.composeFresh(ctx, s, batch)
		}
	}
}

// freshMail is what one commit queued: its messages and what each says.
type freshMail struct {
	msgs []*store.OutboxMessage
	recs []*queued
}

// freshBacklog is how many commits' messages wait for RunComposer in
// memory; past it, they are read back from the outbox.
const freshBacklog = 256

// composeFresh composes the messages of this process's commits from what
// they queued, and writes them in one statement. One that fails stays
// queued in the outbox for the sweep.
func (n *Notifier) composeFresh(ctx context.Context, s *store.Store, batch []freshMail) {
	done := map[string]*store.Composed{}
	for _, f := range batch {
		for i, m := range f.msgs {
			c, err := n.compose(ctx, s, f.recs[i])
			if err != nil {
				n.log.WarnContext(ctx, "mail not composed yet", "err", err)
				continue // the sweep composes it
			}
			done[m.MessageID] = c
		}
	}
	if err := s.ComposeMail(ctx, done); err != nil && ctx.Err() == nil {
		n.log.WarnContext(ctx, "mail not composed yet", "messages", len(done), "err", err)
	}
}

// change is one line of "what changed" in a reschedule message.
type change struct{ Label, Before, After string }

// content is what a message says, before it is written as text and HTML.
type content struct {
	Lang     string
	Colon    string // " : " in French, ": " in German
	Greeting string
	Lead     string
	Changes  []change
	Facts    []change // label and value (After)
	Summary  string
	Bring    string
	Link     string
	LinkText string
	Footer   string
	// QR shows the code to present at the door, embedded as QRID.
	QR     bool
	QRID   string
	QRText string
}

type composed struct{ subject, text, html string }

func (n *Notifier) body(kind booking.EventKind, before *store.Session, e calendar.Entry, lang string) composed {
	t := func(key string, args ...any) string { return n.tr.T(lang, key, args...) }
	s := e.Session
	when := i18n.DateRange(lang, tz.In(s.StartsAt), tz.In(s.EndsAt))
	colon := " : "
	if lang == "de" {
		colon = ": "
	}
	c := content{Lang: lang, Colon: colon, Greeting: t("mail.greeting", e.Person.Name), Link: n.composer.PageURL(e.Registration.Token), LinkText: t("mail.link"), Footer: e.Org.Name}
	c.Facts = []change{{Label: t("mail.when"), After: when}, {Label: t("mail.where"), After: schedule.Place(s)}}
	if qrFor(kind, "x") != "" {
		c.QR, c.QRID, c.QRText = true, QRContentID, t("participant.qr_hint")
	}
	if e.Format != nil {
		ft := e.Format.Localized(lang)
		c.Summary = ft.Summary
		if len(ft.Bring) > 0 {
			c.Bring = t("cal.bring", strings.Join(ft.Bring, " ; "))
		}
	}
	var subject string
	switch kind {
	case booking.EventBooked:
		subject, c.Lead = t("mail.booked.subject", s.Title), t("mail.booked.lead", s.Title)
	case booking.EventWaitlisted:
		pos := 0
		if e.Registration.WaitlistPosition != nil {
			pos = *e.Registration.WaitlistPosition
		}
		subject, c.Lead = t("mail.waitlisted.subject", s.Title), t("mail.waitlisted.lead", s.Title, pos)
	case booking.EventPromoted:
		subject, c.Lead = t("mail.promoted.subject", s.Title), t("mail.promoted.lead", s.Title)
	case booking.EventCancelled:
		subject, c.Lead = t("mail.cancelled.subject", s.Title), t("mail.cancelled.lead", s.Title)
		c.Summary, c.Bring = "", ""
	case booking.EventSessionCancelled:
		subject, c.Lead = t("mail.session_cancelled.subject", s.Title), t("mail.session_cancelled.lead", s.Title)
		c.Summary, c.Bring = "", ""
	case booking.EventRescheduled:
		subject, c.Lead = t("mail.rescheduled.subject", s.Title), t("mail.rescheduled.lead", s.Title)
		c.Changes = n.changes(before, s, lang)
	}
	return composed{subject: subject, text: renderText(c), html: renderHTML(c)}
}

// changes says in words what a reschedule changed, since Outlook shows the
// body, not the event's description.
func (n *Notifier) changes(before, after *store.Session, lang string) []change {
	if before == nil {
		return nil
	}
	var out []change
	if !before.StartsAt.Equal(after.StartsAt) || !before.EndsAt.Equal(after.EndsAt) {
		out = append(out, change{Label: n.tr.T(lang, "mail.new_time"),
			Before: i18n.DateRange(lang, tz.In(before.StartsAt), tz.In(before.EndsAt)),
			After:  i18n.DateRange(lang, tz.In(after.StartsAt), tz.In(after.EndsAt))})
	}
	if schedule.Place(before) != schedule.Place(after) {
		label := "mail.new_place"
		if before.LocationName == after.LocationName && before.LocationAddress == after.LocationAddress {
			label = "mail.new_room"
		}
		out = append(out, change{Label: n.tr.T(lang, label), Before: schedule.Place(before), After: schedule.Place(after)})
	}
	return out
}

// qrFor is the page whose QR code a message carries: only messages of
// people expected at the door (booked, promoted, moved) get one.
func qrFor(kind booking.EventKind, page string) string {
	switch kind {
	case booking.EventBooked, booking.EventPromoted, booking.EventRescheduled:
		return page
	}
	return ""
}
