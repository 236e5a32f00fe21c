package itip

import (
	"bytes"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// Bounds on one content line (after unfolding) of a property that is read.
const (
	maxLineBytes = 8 << 10
	// golang-ical allocates a buffer the length of the whole line for
	// every parameter value it parses, so a line of many short parameters
	// costs len(line)² bytes. No real ATTENDEE has more than a dozen.
	maxParamValues = 64
	maxUIDBytes    = 512
)

// wanted lists the properties a reply is read from; every other line
// (DESCRIPTION, X-ALT-DESC, X-MS-OLK-*, X-APPLE-*, VALARM contents…) is
// skipped unparsed, so that an oddity in a property nobody needs cannot
// make a reply unreadable. essential ones must parse; COMMENT may be lost.
var wanted = map[string]bool{
	"BEGIN": true, "END": true, "METHOD": true, "UID": true, "SEQUENCE": true,
	"DTSTAMP": true, "ATTENDEE": true, "RECURRENCE-ID": true, "COMMENT": false,
}

// partStats are the PARTSTAT values RFC 5545 §3.2.12 allows in a VEVENT.
var partStats = map[string]bool{Accepted: true, Tentative: true, Declined: true, NeedsAction: true, Delegated: true}

// lineParser is golang-ical's property parser hook, set per calendar.
type lineParser struct {
	// sawEnd records END:VCALENDAR: golang-ical accepts a calendar cut off
	// after its last component, and a truncated reply must not count.
	sawEnd bool
}

// parse reads one unfolded content line. It normalises what RFC 5545 §3.1
// says is case-insensitive and golang-ical compares case-sensitively:
// property names, parameter names, and the component names of BEGIN/END.
func (lp *lineParser) parse(line ics.ContentLine) (*ics.BaseProperty, error) {
	s := string(line)
	nameEnd := strings.IndexAny(s, ";:")
	if nameEnd <= 0 {
		return nil, nil // not a property line at all
	}
	name := strings.ToUpper(s[:nameEnd])
	essential, ok := wanted[name]
	if !ok {
		return nil, nil
	}
	fail := func(why string) (*ics.BaseProperty, error) {
		if essential {
			return nil, fmt.Errorf("%s: %s", name, why)
		}
		return nil, nil
	}
	if len(s) > maxLineBytes {
		return fail("line too long")
	}
	if paramValues(s) > maxParamValues {
		return fail("too many parameters")
	}
	prop, err := ics.ParseProperty(line)
	if err != nil || prop == nil {
		return fail("unreadable")
	}
	// golang-ical's token pattern is not anchored: it would read
	// "@ATTENDEE;…" as ATTENDEE. The name must be the line's start.
	if !strings.EqualFold(prop.IANAToken, name) {
		return fail("unreadable name")
	}
	prop.IANAToken = name
	params := make(map[string][]string, len(prop.ICalParameters))
	for k, v := range prop.ICalParameters {
		k = strings.ToUpper(k)
		params[k] = append(params[k], v...)
	}
	prop.ICalParameters = params
	if name == "BEGIN" || name == "END" {
		prop.Value = strings.ToUpper(strings.TrimSpace(prop.Value))
		if name == "END" && prop.Value == "VCALENDAR" {
			lp.sawEnd = true
		}
	}
	return prop, nil
}

// paramValues counts the parameter values before a line's value: the
// separators ';' and ',' outside double quotes, up to the first ':' outside
// them. One pass, whatever the line.
func paramValues(s string) int {
	n, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ':':
			return n
		case c == ';' || c == ',':
			n++
		}
	}
	return n
}

// parseCalendar reads one iCalendar object as a reply.
func parseCalendar(data []byte) (*Reply, error) {
	if len(data) > MaxCalendarSize {
		return nil, fmt.Errorf("%w: calendar over %d bytes", ErrTooLarge, MaxCalendarSize)
	}
	lp := &lineParser{}
	cal, err := ics.ParseCalendarWithOptions(bytes.NewReader(data),
		ics.WithPropertyParser(lp.parse),
		// Properties between components are not RFC 5545, but some
		// producers write them; keep them at calendar level rather than
		// refusing the reply.
		ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
	if err != nil {
		if strings.Contains(err.Error(), ics.ErrUnexpectedCalendarEnd.Error()) {
			return nil, fmt.Errorf("%w: several VCALENDAR objects", ErrAmbiguous)
		}
		return nil, fmt.Errorf("%w: calendar: %v", ErrMalformed, err)
	}
	if !lp.sawEnd {
		return nil, fmt.Errorf("%w: calendar has no END:VCALENDAR (truncated?)", ErrMalformed)
	}
	if err := checkMethod(cal); err != nil {
		return nil, err
	}
	ev, err := pickEvent(cal)
	if err != nil {
		return nil, err
	}
	return readEvent(ev)
}

// checkMethod requires exactly one METHOD, and that it be REPLY.
func checkMethod(cal *ics.Calendar) error {
	var methods []string
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == "METHOD" {
			methods = append(methods, strings.ToUpper(strings.TrimSpace(p.Value)))
		}
	}
	switch {
	case len(methods) == 0:
		// RFC 6047 §2.4 puts the method in both places; a calendar without
		// METHOD is a plain event (an .ics the person forwarded), not iTIP.
		return fmt.Errorf("%w: calendar has no METHOD", ErrNotReply)
	case len(methods) > 1:
		return fmt.Errorf("%w: %d METHOD properties", ErrAmbiguous, len(methods))
	case methods[0] != "REPLY":
		return fmt.Errorf("%w: METHOD:%s", ErrNotReply, oneLine(methods[0], 40))
	}
	return nil
}

// pickEvent returns the VEVENT a reply is about. A reply to a recurring
// event can hold the whole series (no RECURRENCE-ID) and per-occurrence
// answers; the series is what counts. A reply about a single occurrence
// holds that one VEVENT only.
func pickEvent(cal *ics.Calendar) (*ics.VEvent, error) {
	var events []*ics.VEvent
	for _, c := range cal.Components {
		switch c := c.(type) {
		case *ics.VEvent:
			events = append(events, c)
		case *ics.VTodo, *ics.VJournal, *ics.VBusy:
			return nil, fmt.Errorf("%w: reply about something other than an event", ErrMalformed)
		}
		// VTIMEZONE (Outlook, Apple, Thunderbird include one, Gmail does
		// not) and X- components are not needed.
	}
	if len(events) == 0 {
		return nil, fmt.Errorf("%w: no VEVENT", ErrMalformed)
	}
	uid := ""
	var masters []*ics.VEvent
	for i, ev := range events {
		uids := ev.GetProperties(ics.ComponentPropertyUniqueId)
		if len(uids) != 1 {
			return nil, fmt.Errorf("%w: VEVENT with %d UIDs", ErrMalformed, len(uids))
		}
		u := strings.TrimSpace(uids[0].Value)
		if i == 0 {
			uid = u
		} else if u != uid {
			return nil, fmt.Errorf("%w: events with different UIDs", ErrAmbiguous)
		}
		if ev.GetProperty(ics.ComponentPropertyRecurrenceId) == nil {
			masters = append(masters, ev)
		}
	}
	switch {
	case len(masters) == 1:
		return masters[0], nil
	case len(masters) > 1:
		return nil, fmt.Errorf("%w: %d VEVENTs without RECURRENCE-ID", ErrAmbiguous, len(masters))
	case len(events) == 1:
		return events[0], nil
	}
	return nil, fmt.Errorf("%w: answers for %d occurrences and none for the event", ErrAmbiguous, len(events))
}

// readEvent reads the reply's fields from its VEVENT.
func readEvent(ev *ics.VEvent) (*Reply, error) {
	rep := &Reply{}
	uid := strings.TrimSpace(ev.GetProperty(ics.ComponentPropertyUniqueId).Value)
	if uid == "" || len(uid) > maxUIDBytes || !utf8.ValidString(uid) || strings.ContainsFunc(uid, isControl) {
		return nil, fmt.Errorf("%w: invalid UID", ErrMalformed)
	}
	rep.UID = uid

	attendees := ev.GetProperties(ics.ComponentPropertyAttendee)
	switch {
	case len(attendees) == 0:
		return nil, fmt.Errorf("%w: no ATTENDEE", ErrMalformed)
	case len(attendees) > 1:
		// RFC 5546 §3.2.3: a REPLY carries the replying attendee only.
		// Outlook echoes the event but keeps just that one ATTENDEE.
		return nil, fmt.Errorf("%w: %d ATTENDEEs", ErrAmbiguous, len(attendees))
	}
	att := attendees[0]
	addr, err := attendeeAddress(att)
	if err != nil {
		return nil, err
	}
	rep.Attendee = addr

	rep.PartStat = NeedsAction // RFC 5545 §3.2.12: the default
	if v := param(att, "PARTSTAT"); v != "" {
		rep.PartStat = strings.ToUpper(v)
	}
	if !partStats[rep.PartStat] {
		return nil, fmt.Errorf("%w: PARTSTAT %q", ErrMalformed, oneLine(rep.PartStat, 40))
	}

	if p := ev.GetProperty(ics.ComponentPropertySequence); p != nil {
		n, err := strconv.Atoi(strings.TrimSpace(p.Value))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: SEQUENCE %q", ErrMalformed, oneLine(p.Value, 40))
		}
		rep.Sequence = n
	}

	if p := ev.GetProperty(ics.ComponentPropertyDtstamp); p != nil {
		t, err := parseStamp(p.Value)
		if err != nil {
			return nil, fmt.Errorf("%w: DTSTAMP %q", ErrMalformed, oneLine(p.Value, 40))
		}
		rep.DTStamp = t
	}

	if p := ev.GetProperty(ics.ComponentPropertyRecurrenceId); p != nil {
		rep.RecurrenceID = oneLine(p.Value, 64)
	}

	var comments []string
	for _, p := range ev.GetProperties(ics.ComponentPropertyComment) {
		comments = append(comments, p.Value)
	}
	if len(comments) == 0 {
		// Google Calendar puts the note typed with a « no » in a parameter
		// of the ATTENDEE instead of a COMMENT property.
		comments = append(comments, param(att, "X-RESPONSE-COMMENT"))
	}
	rep.Comment = cleanText(strings.Join(comments, "\n"), MaxCommentRunes)
	return rep, nil
}

// attendeeAddress returns the ATTENDEE's email address, lower-cased.
// RFC 5545 makes it a mailto: URI (the scheme is case-insensitive: Outlook
// writes MAILTO:). A calendar server may use another URI (urn:uuid:…) with
// the address in an EMAIL parameter (RFC 7986 §6.2).
func attendeeAddress(att *ics.IANAProperty) (string, error) {
	v := strings.TrimSpace(att.Value)
	addr := ""
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		addr = v[7:]
	} else if e := param(att, "EMAIL"); e != "" {
		addr = e
	}
	a, err := mail.ParseAddress(addr)
	if addr == "" || err != nil || a.Name != "" || a.Address != addr {
		return "", fmt.Errorf("%w: ATTENDEE is not an email address", ErrMalformed)
	}
	return strings.ToLower(a.Address), nil
}

// param returns a parameter's first value, trimmed.
func param(p *ics.IANAProperty, name string) string {
	if v := p.ICalParameters[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// parseStamp reads a DTSTAMP. It must be UTC (RFC 5545 §3.8.7.2); a stamp
// without the Z is read as UTC too rather than refusing the reply over it.
func parseStamp(v string) (time.Time, error) {
	v = strings.TrimSuffix(strings.TrimSpace(v), "Z")
	return time.Parse("20060102T150405", v)
}

// cleanText makes a comment safe to store and show: CRLF and CR become LF,
// other control characters go, ends are trimmed, at most n runes are kept.
func cleanText(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if isControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = strings.TrimSpace(string([]rune(s)[:n]))
	}
	return s
}

// oneLine shortens a value quoted in an error message.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}

// isControl reports characters that break lines or display somewhere: C0
// and C1 controls, DEL, and the Unicode line and paragraph separators.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\u2028' || r == '\u2029'
}
