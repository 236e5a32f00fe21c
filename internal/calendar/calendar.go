// Package calendar writes iCalendar files that every calendar applies:
// invitations (METHOD:REQUEST), their updates (same UID, higher SEQUENCE),
// cancellations (METHOD:CANCEL) and subscription feeds (METHOD:PUBLISH).
//
// It builds on github.com/arran4/golang-ical but works around its traps
// (see CALENDAR.md): times are written in local Europe/Zurich time with a
// TZID and a VTIMEZONE of our own, parameter values (CN) are quoted per
// RFC 5545 §3.2, and every user value is stripped of control characters
// before it reaches a property.
package calendar

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/atelier-ch/atelier/internal/clean"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Limits on user text, so that no value grows without bound.
const (
	maxLine        = 200
	maxDescription = 5000
	tzid           = "Europe/Zurich"
	prodID         = "-//Atelier//Atelier campagne IA//FR"
)

// Method is the iTIP method of a file.
type Method string

// Methods written.
const (
	Request Method = "REQUEST"
	Cancel  Method = "CANCEL"
	Publish Method = "PUBLISH"
)

// Status is an event's status.
type Status string

// Statuses written.
const (
	Confirmed Status = "CONFIRMED"
	Tentative Status = "TENTATIVE"
	Cancelled Status = "CANCELLED"
)

// Party is an organiser or attendee: a name and an email.
type Party struct {
	Name  string
	Email string
}

// Event is one session as a calendar sees it.
type Event struct {
	UID         string
	Sequence    int
	Status      Status
	Start, End  time.Time
	Summary     string
	Location    string
	Description string
	// URL is the participant's page (https or http).
	URL       string
	Organizer Party
	// Attendee is the participant of an invitation; feeds have none.
	Attendee *Party
	// RSVP asks the attendee for an answer (RSVP=TRUE): only when Atelier
	// reads the replies and the attendee holds a seat.
	RSVP bool
	// Alarm, when not empty, adds a reminder the day before with this text.
	Alarm string
	// Stamp, when not zero, is the DTSTAMP instead of the time of writing.
	Stamp time.Time
}

// ErrInvalid is returned for an event that cannot be written safely.
var ErrInvalid = errors.New("calendar: invalid event")

// Invite writes an invitation (Request) or its cancellation (Cancel) for one
// attendee, stamped now.
func Invite(method Method, ev Event, now time.Time) ([]byte, error) {
	if method != Request && method != Cancel {
		return nil, fmt.Errorf("%w: method %q", ErrInvalid, method)
	}
	if ev.Attendee == nil {
		return nil, fmt.Errorf("%w: an invitation needs its attendee", ErrInvalid)
	}
	if method == Cancel {
		ev.Status = Cancelled
		ev.Alarm = ""
	}
	cal := newCalendar(method)
	if err := addEvent(cal, ev, now); err != nil {
		return nil, err
	}
	return serialize(cal), nil
}

// FeedInfo names a subscription feed.
type FeedInfo struct {
	Name string
	// TTL is how often clients should refresh; six hours by default.
	TTL time.Duration
}

// Feed writes a subscription feed (METHOD:PUBLISH) of events, without
// attendees, stamped now.
func Feed(info FeedInfo, events []Event, now time.Time) ([]byte, error) {
	cal := newCalendar(Publish)
	name := clean.Truncate(clean.Line(info.Name), maxLine)
	cal.SetXWRCalName(name)
	cal.SetName(name)
	cal.SetXWRTimezone(tzid)
	ttl := info.TTL
	if ttl <= 0 {
		ttl = 6 * time.Hour
	}
	d := isoDuration(ttl)
	cal.SetRefreshInterval(d) // the library adds VALUE=DURATION
	cal.SetXPublishedTTL(d)
	for _, ev := range events {
		ev.Attendee = nil
		ev.Alarm = ""
		if err := addEvent(cal, ev, now); err != nil {
			return nil, err
		}
	}
	return serialize(cal), nil
}

func newCalendar(method Method) *ics.Calendar {
	cal := ics.NewCalendar()
	cal.SetProductId(prodID)
	cal.SetMethod(ics.Method(method))
	cal.SetCalscale("GREGORIAN")
	addZurich(cal)
	return cal
}

// addZurich writes the VTIMEZONE for Europe/Zurich: exactly one STANDARD and
// one DAYLIGHT rule (Outlook keeps only one of each), before any event.
func addZurich(cal *ics.Calendar) {
	z := cal.AddTimezone(tzid)
	std := z.AddStandard()
	std.AddProperty(ics.ComponentPropertyDtStart, "19701025T030000")
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0200")
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0100")
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "CET")
	std.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	day := &ics.Daylight{}
	day.AddProperty(ics.ComponentPropertyDtStart, "19700329T020000")
	day.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0100")
	day.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0200")
	day.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "CEST")
	day.AddProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	z.Components = append(z.Components, day)
}

func addEvent(cal *ics.Calendar, ev Event, now time.Time) error {
	if ev.UID == "" || strings.ContainsFunc(ev.UID, func(r rune) bool { return r <= ' ' || r == 0x7f || r == ';' || r == ',' || r == '\\' }) {
		return fmt.Errorf("%w: uid %q", ErrInvalid, ev.UID)
	}
	if !ev.End.After(ev.Start) {
		return fmt.Errorf("%w: end before start", ErrInvalid)
	}
	organizer, err := calAddress(ev.Organizer.Email)
	if err != nil {
		return err
	}
	e := cal.AddEvent(ev.UID)
	if !ev.Stamp.IsZero() {
		now = ev.Stamp
	}
	e.SetDtStampTime(now.UTC())
	e.SetSequence(max(ev.Sequence, 0))
	e.SetProperty(ics.ComponentPropertyDtStart, local(ev.Start), ics.WithTZID(tzid))
	e.SetProperty(ics.ComponentPropertyDtEnd, local(ev.End), ics.WithTZID(tzid))
	e.SetSummary(oneLine(ev.Summary))
	if loc := oneLine(ev.Location); loc != "" {
		e.SetLocation(loc)
	}
	if desc := clean.Truncate(clean.Text(ev.Description), maxDescription); desc != "" {
		e.SetDescription(desc)
	}
	// A URL that is not a plain http(s) address is left out rather than
	// written verbatim (URI values are not escaped).
	if u, err := webURL(ev.URL); err == nil {
		e.SetURL(u)
	}
	status := ev.Status
	if status == "" {
		status = Confirmed
	}
	e.SetStatus(ics.ObjectStatus(status))
	e.SetProperty(ics.ComponentPropertyTransp, "OPAQUE")
	addParty(&e.ComponentBase, "ORGANIZER", ev.Organizer.Name, organizer, "")
	if ev.Attendee != nil {
		attendee, err := calAddress(ev.Attendee.Email)
		if err != nil {
			return err
		}
		partstat, rsvp := "NEEDS-ACTION", "FALSE"
		if status == Cancelled {
			partstat = "DECLINED"
		} else if ev.RSVP {
			rsvp = "TRUE"
		}
		addParty(&e.ComponentBase, "ATTENDEE", ev.Attendee.Name, attendee,
			";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT="+partstat+";RSVP="+rsvp)
	}
	if ev.Alarm != "" && status != Cancelled {
		a := e.AddAlarm()
		a.SetAction(ics.ActionDisplay)
		a.SetTrigger("-P1D")
		a.SetProperty(ics.ComponentPropertyDescription, oneLine(ev.Alarm))
	}
	return nil
}

// addParty writes ORGANIZER or ATTENDEE with its CN quoted per RFC 5545
// §3.2. golang-ical escapes parameter values with backslashes instead,
// which ical.js and python-icalendar misread, so the parameters are
// written into the property token, which the library emits verbatim (and
// still folds).
func addParty(c *ics.ComponentBase, name, cn, address, params string) {
	token := name
	if cn = quoteParam(cn); cn != "" {
		token += ";CN=" + cn
	}
	c.Properties = append(c.Properties, ics.IANAProperty{BaseProperty: ics.BaseProperty{
		IANAToken: token + params, Value: address, ICalParameters: map[string][]string{},
	}})
}

// quoteParam makes a quoted parameter value: one line, no double quote
// (RFC 5545 has no escape for it), at most maxLine characters.
func quoteParam(s string) string {
	s = strings.ReplaceAll(clean.Truncate(clean.Line(s), maxLine), `"`, "")
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return `"` + s + `"`
}

func oneLine(s string) string { return clean.Truncate(clean.Line(s), maxLine) }

// local writes t as a local Europe/Zurich date-time, without Z.
func local(t time.Time) string { return t.In(tz.Zurich).Format("20060102T150405") }

// calAddress turns an email into a mailto: URI, refusing anything that is
// not a plain address (no header or line injection through it).
func calAddress(email string) (string, error) {
	e, ok := clean.Email(email)
	if !ok {
		return "", fmt.Errorf("%w: email %q", ErrInvalid, email)
	}
	return "mailto:" + e, nil
}

// webURL checks an http(s) URL without whitespace or control characters.
func webURL(raw string) (string, error) {
	if strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || !utf8.ValidRune(r) }) {
		return "", fmt.Errorf("%w: url", ErrInvalid)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%w: url %q", ErrInvalid, raw)
	}
	return u.String(), nil
}

func serialize(cal *ics.Calendar) []byte {
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}

// isoDuration writes d as an RFC 5545 duration (hours and minutes).
func isoDuration(d time.Duration) string {
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case m == 0:
		return fmt.Sprintf("PT%dH", h)
	case h == 0:
		return fmt.Sprintf("PT%dM", m)
	}
	return fmt.Sprintf("PT%dH%dM", h, m)
}
