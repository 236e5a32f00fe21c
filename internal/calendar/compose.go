package calendar

import (
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/schedule"
	"github.com/atelier-ch/atelier/internal/store"
)

// Entry is one session as seen by one person (with their registration) or
// by staff (without).
type Entry struct {
	Session      *store.Session
	Registration *store.Registration
	Person       *store.Person
	Org          *store.Org
	Format       *catalog.Format
	// Private leaves out the personal link: a feed opened with one token
	// must not hand out the tokens of the person's other registrations.
	Private bool
	// Stamp is when the entry's rows last changed: the event's DTSTAMP,
	// so that a file read twice is the same bytes. Zero (a mail) stamps
	// the event with the time of writing.
	Stamp time.Time
}

// Composer turns sessions and registrations into calendar events, in the
// reader's language.
type Composer struct {
	tr      *i18n.Translator
	baseURL string
	// fallback organises events of communes without an HR sender address.
	fallback Party
	// replyTo, when set, is the address calendar replies reach Atelier at
	// (ATELIER_REPLY_ADDRESS): the events' ORGANIZER, and invitations then
	// ask for an answer.
	replyTo string
}

// ComposerOption sets an optional behaviour of a Composer.
type ComposerOption func(*Composer)

// ReplyTo makes address (ATELIER_REPLY_ADDRESS, already checked) the
// organiser of every event, under the commune's HR name, and has the
// invitations of people booked ask for an answer (RSVP=TRUE). Without it
// the organiser is the commune's HR and no answer is asked for: nobody
// would read it.
func ReplyTo(address string) ComposerOption {
	return func(c *Composer) { c.replyTo = address }
}

// NewComposer returns a Composer; fallback is the organiser used when a
// commune has no HR sender address.
func NewComposer(tr *i18n.Translator, baseURL string, fallback Party, opts ...ComposerOption) *Composer {
	c := &Composer{tr: tr, baseURL: strings.TrimRight(baseURL, "/"), fallback: fallback}
	for _, o := range opts {
		o(c)
	}
	return c
}

// PageURL is the personal page of a registration token.
func (c *Composer) PageURL(token string) string { return c.baseURL + "/r/" + token }

// URL is the absolute address of a path of the site.
func (c *Composer) URL(path string) string { return c.baseURL + path }

// Organizer is who sends a commune's invitations.
func (c *Composer) Organizer(org *store.Org) Party {
	if org != nil && org.HRSenderEmail != "" {
		name := org.HRSenderName
		if name == "" {
			name = org.Name
		}
		return Party{Name: name, Email: org.HRSenderEmail}
	}
	p := c.fallback
	if org != nil && p.Name == "" {
		p.Name = org.Name
	}
	return p
}

// EventOrganizer is the ORGANIZER of a commune's events: the reply
// address under the commune's HR name when replies are read, else the
// commune's HR itself (Organizer).
func (c *Composer) EventOrganizer(org *store.Org) Party {
	p := c.Organizer(org)
	if c.replyTo != "" {
		p.Email = c.replyTo
	}
	return p
}

// Cancelled reports whether the entry is off for its reader.
func (e Entry) Cancelled() bool {
	return e.Session.Status == store.SessionCancelled || (e.Registration != nil && e.Registration.Status == store.RegCancelled)
}

// Event composes the calendar event of an entry in lang.
func (c *Composer) Event(e Entry, lang string) Event {
	s := e.Session
	ev := Event{
		UID:       s.UID,
		Sequence:  s.Sequence,
		Start:     s.StartsAt,
		End:       s.EndsAt,
		Summary:   s.Title,
		Location:  schedule.Place(s),
		Organizer: c.EventOrganizer(e.Org),
		Status:    Confirmed,
		Stamp:     e.Stamp,
	}
	var desc []string
	if e.Format != nil {
		ft := e.Format.Localized(lang)
		desc = append(desc, ft.Summary)
		if len(ft.Bring) > 0 {
			desc = append(desc, c.tr.T(lang, "cal.bring", strings.Join(ft.Bring, " ; ")))
		}
	}
	if r := e.Registration; r != nil {
		ev.Sequence += r.Sequence
		if !e.Private {
			ev.URL = c.PageURL(r.Token)
		}
		if r.Status == store.RegWaitlisted && r.WaitlistPosition != nil {
			ev.Status = Tentative
			ev.Summary = c.tr.T(lang, "cal.waitlisted_summary", s.Title)
			desc = append([]string{c.tr.T(lang, "cal.waitlisted", *r.WaitlistPosition)}, desc...)
		}
		if ev.URL != "" {
			desc = append(desc, c.tr.T(lang, "cal.page", ev.URL))
		}
		if e.Person != nil && e.Person.Email != nil {
			ev.Attendee = &Party{Name: e.Person.Name, Email: *e.Person.Email}
		}
		// Only a seat can be answered for: a waitlisted person has nothing
		// to confirm yet (their promotion sends a new invitation that asks).
		ev.RSVP = c.replyTo != "" && r.Status == store.RegBooked
	}
	if e.Cancelled() {
		ev.Status = Cancelled
	}
	ev.Description = strings.Join(desc, "\n\n")
	ev.Alarm = c.tr.T(lang, "cal.alarm", s.Title)
	return ev
}

// InviteFile is what a participant's invite.ics answers: the invitation,
// or its cancellation once the registration or the session is cancelled.
// A person without email gets a plain event to add (PUBLISH), since an
// invitation must name its attendee.
func (c *Composer) InviteFile(e Entry, lang string, now time.Time) (Method, []byte, error) {
	ev := c.Event(e, lang)
	if ev.Attendee == nil {
		data, err := Feed(FeedInfo{Name: e.Session.Title}, []Event{ev}, now)
		return Publish, data, err
	}
	method := Request
	if e.Cancelled() {
		method = Cancel
	}
	data, err := Invite(method, ev, now)
	return method, data, err
}

// FeedFile writes a subscription feed of entries named name.
func (c *Composer) FeedFile(name string, entries []Entry, lang string, now time.Time) ([]byte, error) {
	events := make([]Event, 0, len(entries))
	for _, e := range entries {
		events = append(events, c.Event(e, lang))
	}
	return Feed(FeedInfo{Name: name}, events, now)
}
