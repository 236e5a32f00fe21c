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

// Orgs reads communes: the sender of a message is its commune's HR.
type Orgs interface {
	Org(ctx context.Context, id int64) (*store.Org, error)
}

func (n *Notifier) org(ctx context.Context, tx Orgs, id int64) (*store.Org, error) {
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
	return &Notifier{catalog: f.Catalog(), formats: f, composer: comp, tr: tr, host: host, now: now, log: slog.New(slog.DiscardHandler)}
}

// Notify queues one message per event, inside the caller's transaction:
// a small row that says what happened, as the change left the rows. It is
// composed (subject, bodies, calendar file) from that row when it is read:
// by the worker right before sending it, and for HR's outbox. Nothing is
// composed while the change holds its locks, nor written back: the
// transaction writes the row once, and a message is never lost. People
// without an email get nothing (their link still works).
func (n *Notifier) Notify(ctx context.Context, tx *store.Store, events []booking.Event) error {
	var msgs []*store.OutboxMessage
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
	}
	return tx.EnqueueMail(ctx, msgs)
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

// lang is the language the message is written in: the person's.
func (q *queued) lang() string {
	if q.Person.Language == "de" {
		return "de"
	}
	return "fr"
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
	// commune (the sender) is read when composing.
	rc, pc, sc := *r, *p, *sess
	return &queued{Kind: ev.Kind, Registration: &rc, Person: &pc, Session: &sc, Before: ev.Before}, nil
}

// queue is the outbox row of a message to compose: who it goes to, from
// whom, and the change as JSON.
func (n *Notifier) queue(q *queued) (*store.OutboxMessage, error) {
	event, err := q.marshal()
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
func (n *Notifier) compose(ctx context.Context, s Orgs, q *queued) (*store.Composed, error) {
	format, err := n.formats.Session(ctx, q.Session)
	if err != nil {
		return nil, err
	}
	if q.org, err = n.org(ctx, s, q.Session.OrgID); err != nil {
		return nil, err
	}
	entry := calendar.Entry{Session: q.Session, Registration: q.Registration, Person: q.Person, Org: q.org, Format: format}
	lang := q.lang()
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
		Subject: body.subject, TextBody: body.text, HTMLBody: body.html,
		ICS: string(ics), ICSMethod: string(method), PageURL: qrFor(q.Kind, n.composer.PageURL(q.Registration.Token)),
	}, nil
}

// ErrNothingToSend says a queued message has nothing to send, e.g. the
// commune's sender address is not valid.
var ErrNothingToSend = errors.New("mail: nothing to send")

// Fill composes the queued messages among msgs (those with an event) in
// place, from what their change recorded; the others were composed when
// queued. Nothing is written. A message it cannot compose gets its error
// in the map, by id, and stays as it was: ErrNothingToSend, an unreadable
// event, or the database's error.
func (n *Notifier) Fill(ctx context.Context, s Orgs, msgs []store.OutboxMessage) map[int64]error {
	return eachQueued(msgs, func(m *store.OutboxMessage) error { return n.fill(ctx, s, m) })
}

// FillSubjects is Fill for a list that shows only whom a message is from
// and its subject: the bodies and the calendar file are not composed.
func (n *Notifier) FillSubjects(ctx context.Context, s Orgs, msgs []store.OutboxMessage) map[int64]error {
	return eachQueued(msgs, func(m *store.OutboxMessage) error {
		q, err := unqueue(m)
		if err != nil {
			return err
		}
		if q.org, err = n.org(ctx, s, q.Session.OrgID); err != nil {
			return err
		}
		from := n.composer.Organizer(q.org)
		m.FromEmail, m.FromName, m.Subject = from.Email, clean.Line(from.Name), n.subject(q.Kind, q.Session, q.lang())
		return nil
	})
}

// Listable is what a list makes of Fill's errors: a message with nothing
// to send is listed as it is, without content (the worker marks it failed
// when it comes to it); any other error is the list's.
func Listable(failed map[int64]error) error {
	for _, err := range failed {
		if !errors.Is(err, ErrNothingToSend) {
			return err
		}
	}
	return nil
}

// eachQueued runs fill on the queued messages among msgs, and returns
// their errors by id.
func eachQueued(msgs []store.OutboxMessage, fill func(*store.OutboxMessage) error) map[int64]error {
	var failed map[int64]error
	for i := range msgs {
		if msgs[i].Event == "" {
			continue
		}
		if err := fill(&msgs[i]); err != nil {
			if failed == nil {
				failed = map[int64]error{}
			}
			failed[msgs[i].ID] = err
		}
	}
	return failed
}

// unqueue reads what a queued message's change recorded.
func unqueue(m *store.OutboxMessage) (*queued, error) {
	var q queued
	if err := json.Unmarshal([]byte(m.Event), &q); err != nil {
		return nil, fmt.Errorf("mail: queued message %d unreadable (%v): %w", m.ID, err, ErrNothingToSend)
	}
	if q.Session == nil || q.Registration == nil || q.Person == nil {
		return nil, fmt.Errorf("mail: queued message %d incomplete: %w", m.ID, ErrNothingToSend)
	}
	return &q, nil
}

func (n *Notifier) fill(ctx context.Context, s Orgs, m *store.OutboxMessage) error {
	q, err := unqueue(m)
	if err != nil {
		return err
	}
	c, err := n.compose(ctx, s, q)
	if err != nil {
		return err
	}
	if c == nil {
		return fmt.Errorf("mail: message %d: %w", m.ID, ErrNothingToSend)
	}
	m.FromEmail, m.FromName, m.Subject = c.FromEmail, c.FromName, c.Subject
	m.TextBody, m.HTMLBody, m.ICS, m.ICSMethod, m.PageURL = c.TextBody, c.HTMLBody, c.ICS, c.ICSMethod, c.PageURL
	return nil
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
	switch kind {
	case booking.EventBooked:
		c.Lead = t("mail.booked.lead", s.Title)
	case booking.EventWaitlisted:
		pos := 0
		if e.Registration.WaitlistPosition != nil {
			pos = *e.Registration.WaitlistPosition
		}
		c.Lead = t("mail.waitlisted.lead", s.Title, pos)
	case booking.EventPromoted:
		c.Lead = t("mail.promoted.lead", s.Title)
	case booking.EventCancelled:
		c.Lead = t("mail.cancelled.lead", s.Title)
		c.Summary, c.Bring = "", ""
	case booking.EventSessionCancelled:
		c.Lead = t("mail.session_cancelled.lead", s.Title)
		c.Summary, c.Bring = "", ""
	case booking.EventRescheduled:
		c.Lead = t("mail.rescheduled.lead", s.Title)
		c.Changes = n.changes(before, s, lang)
	}
	return composed{subject: n.subject(kind, s, lang), text: renderText(c), html: renderHTML(c)}
}

// subject is a message's subject line, as written.
func (n *Notifier) subject(kind booking.EventKind, s *store.Session, lang string) string {
	key := map[booking.EventKind]string{
		booking.EventBooked: "mail.booked.subject", booking.EventWaitlisted: "mail.waitlisted.subject",
		booking.EventPromoted: "mail.promoted.subject", booking.EventCancelled: "mail.cancelled.subject",
		booking.EventSessionCancelled: "mail.session_cancelled.subject", booking.EventRescheduled: "mail.rescheduled.subject",
	}[kind]
	if key == "" {
		return ""
	}
	return clean.Truncate(clean.Line(n.tr.T(lang, key, s.Title)), 250)
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
