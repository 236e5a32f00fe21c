// Package mail announces booking changes to participants: each change puts
// a message in the outbox in the same transaction, and a worker delivers the
// outbox over SMTP, retrying with backoff, never losing a message.
package mail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
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

// NewNotifier returns a Notifier; f finds a session's format, host names
// the site in Message-IDs.
func NewNotifier(f *formats.Resolver, comp *calendar.Composer, tr *i18n.Translator, host string, now func() time.Time) *Notifier {
	return &Notifier{catalog: f.Catalog(), formats: f, composer: comp, tr: tr, host: host, now: now}
}

// Notify queues one message per event, inside the caller's transaction.
// People without an email get nothing (their link still works).
func (n *Notifier) Notify(ctx context.Context, tx *store.Store, events []booking.Event) error {
	var msgs []*store.OutboxMessage
	sessions := map[int64]*store.Session{}
	orgs := map[int64]*store.Org{}
	for _, ev := range events {
		m, err := n.compose(ctx, tx, ev, sessions, orgs)
		if err != nil {
			return err
		}
		if m != nil {
			msgs = append(msgs, m)
		}
	}
	return tx.EnqueueMail(ctx, msgs)
}

func (n *Notifier) compose(ctx context.Context, tx *store.Store, ev booking.Event, sessions map[int64]*store.Session, orgs map[int64]*store.Org) (*store.OutboxMessage, error) {
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
	org, ok := orgs[sess.OrgID]
	if !ok {
		if org, err = n.org(ctx, tx, sess.OrgID); err != nil {
			return nil, err
		}
		orgs[org.ID] = org
	}
	format, err := n.formats.In(tx).Session(ctx, sess)
	if err != nil {
		return nil, err
	}
	entry := calendar.Entry{Session: sess, Registration: r, Person: p, Org: org, Format: format}
	lang := "fr"
	if p.Language == "de" {
		lang = "de"
	}
	method, ics, err := n.composer.InviteFile(entry, lang, n.now())
	if errors.Is(err, calendar.ErrInvalid) {
		return nil, nil // e.g. a commune sender address that is not valid: no mail
	}
	if err != nil {
		return nil, err
	}
	body := n.body(ev, entry, lang)
	from := n.composer.Organizer(org)
	sid := sess.ID
	return &store.OutboxMessage{
		OrgID: r.OrgID, SessionID: &sid, RegistrationID: &r.ID, Kind: string(ev.Kind),
		ToEmail: *p.Email, ToName: clean.Line(p.Name), FromEmail: from.Email, FromName: clean.Line(from.Name),
		Subject: clean.Truncate(clean.Line(body.subject), 250), TextBody: body.text, HTMLBody: body.html,
		ICS: string(ics), ICSMethod: string(method), PageURL: qrFor(ev.Kind, n.composer.PageURL(r.Token)), MessageID: fmt.Sprintf("<%s@%s>", strings.ToLower(rand.Text()), n.host),
		Status: store.OutboxPending, NextAttemptAt: n.now().UTC(), CreatedAt: n.now().UTC(),
	}, nil
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

func (n *Notifier) body(ev booking.Event, e calendar.Entry, lang string) composed {
	t := func(key string, args ...any) string { return n.tr.T(lang, key, args...) }
	s := e.Session
	when := i18n.DateRange(lang, tz.In(s.StartsAt), tz.In(s.EndsAt))
	colon := " : "
	if lang == "de" {
		colon = ": "
	}
	c := content{Lang: lang, Colon: colon, Greeting: t("mail.greeting", e.Person.Name), Link: n.composer.PageURL(e.Registration.Token), LinkText: t("mail.link"), Footer: e.Org.Name}
	c.Facts = []change{{Label: t("mail.when"), After: when}, {Label: t("mail.where"), After: schedule.Place(s)}}
	if qrFor(ev.Kind, "x") != "" {
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
	switch ev.Kind {
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
		c.Changes = n.changes(ev.Before, s, lang)
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
