// Package itip reads the answers participants' calendar clients mail back to
// an invitation: an RFC 5322 message carrying an iTIP METHOD:REPLY (RFC 5546)
// the way iMIP (RFC 6047) and real clients send it.
//
// Outlook, Outlook on the web, Apple Calendar, Gmail and Thunderbird each
// wrap the reply differently (a text/calendar part inside
// multipart/alternative, an .ics attachment, a single-part body; base64,
// quoted-printable or 8-bit; various charsets). ParseReply finds the calendar
// in any of these, parses it with github.com/arran4/golang-ical, and returns
// who answered what to which event. It refuses, with a typed error, anything
// that is not exactly one reply from one attendee about one event, and it
// never panics, whatever the input.
//
// What to do with a reply (check the sender, find the registration, free the
// seat) is the caller's business; this package only reads.
package itip

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Limits on what ParseReply reads. A reply is a few kilobytes; Outlook's,
// which echo the whole event with an HTML description, stay under 100 KiB.
const (
	// MaxMessageSize is the largest raw message ParseReply accepts.
	MaxMessageSize = 1 << 20
	// MaxCalendarSize is the largest decoded calendar part it parses.
	MaxCalendarSize = 256 << 10
	// MaxCommentRunes bounds Reply.Comment.
	MaxCommentRunes = 2000
)

// Errors ParseReply returns, wrapped with details; test them with errors.Is.
// All of them are permanent: the same message will never parse.
var (
	// ErrTooLarge: the message or its calendar is over the limits.
	ErrTooLarge = errors.New("itip: message too large")
	// ErrMalformed: the message or its calendar cannot be read, or a field
	// the reply needs is missing or invalid.
	ErrMalformed = errors.New("itip: malformed message")
	// ErrNoCalendar: the message carries no calendar at all (a plain
	// « thank you » mail, or an Outlook reply sent as TNEF winmail.dat).
	ErrNoCalendar = errors.New("itip: no calendar in message")
	// ErrNotReply: the calendar is not a METHOD:REPLY (a forwarded
	// invitation, a COUNTER proposal, a plain event).
	ErrNotReply = errors.New("itip: not an iTIP reply")
	// ErrAmbiguous: the message says more than one thing: several events
	// or attendees, or calendar parts that disagree.
	ErrAmbiguous = errors.New("itip: ambiguous reply")
)

// Participation statuses a reply to an event can carry (RFC 5545 §3.2.12).
const (
	Accepted    = "ACCEPTED"
	Tentative   = "TENTATIVE"
	Declined    = "DECLINED"
	NeedsAction = "NEEDS-ACTION"
	Delegated   = "DELEGATED"
)

// Reply is one attendee's answer to one event.
type Reply struct {
	// From is the address of the message's From header, lower-cased. It is
	// what the sender claims; compare it with Attendee before trusting it.
	From string
	// MessageID is the Message-ID header in angle brackets, or "" when the
	// message has none. It identifies a redelivered copy of the same mail.
	MessageID string
	// UID is the event's UID, as Atelier wrote it (<uuid>@host).
	UID string
	// Sequence is the revision of the event the attendee answered; 0 when
	// the reply has no SEQUENCE.
	Sequence int
	// Attendee is the replying attendee's address, without mailto:,
	// lower-cased.
	Attendee string
	// PartStat is one of Accepted, Tentative, Declined, NeedsAction and
	// Delegated.
	PartStat string
	// DTStamp is when the client wrote the reply (UTC); zero when absent.
	// Of two replies to the same SEQUENCE, the later DTSTAMP wins.
	DTStamp time.Time
	// Comment is the note the attendee typed, if any: plain text, newlines
	// as \n, control characters removed, at most MaxCommentRunes runes.
	Comment string
	// RecurrenceID is set when the reply is about one occurrence of a
	// recurring event only (its RECURRENCE-ID value as written, e.g.
	// 20260310T133000 or 20260310T123000Z); "" for the event as a whole.
	RecurrenceID string
}

// ParseReply reads a raw RFC 5322 message as a participant's calendar
// client sends it and returns the reply it carries.
func ParseReply(raw []byte) (rep *Reply, err error) {
	// The MIME walk and golang-ical are not known to panic (the fuzz test
	// runs parseReply without this net); this is the promise to callers
	// that whatever arrives by mail cannot crash the process.
	defer func() {
		if p := recover(); p != nil {
			rep, err = nil, fmt.Errorf("%w: unreadable message", ErrMalformed)
		}
	}()
	return parseReply(raw)
}

func parseReply(raw []byte) (*Reply, error) {
	if len(raw) > MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), MaxMessageSize)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	from, err := fromAddress(msg.Header)
	if err != nil {
		return nil, err
	}
	cals, bad, err := findCalendars(msg)
	if err != nil {
		return nil, err
	}
	if len(cals) == 0 && len(bad) == 0 {
		return nil, ErrNoCalendar
	}
	rep, err := oneReply(cals, bad)
	if err != nil {
		return nil, err
	}
	rep.From = from
	rep.MessageID = messageID(msg.Header.Get("Message-Id"))
	return rep, nil
}

// oneReply parses every calendar part and requires them to agree. Gmail and
// Thunderbird send the same calendar twice (inline text/calendar and an
// invite.ics attachment). A part that cannot be decoded (errs) or parsed is
// ignored when another one can be read, but a second, different answer or
// a non-reply next to a reply makes the message ambiguous.
func oneReply(cals [][]byte, errs []error) (*Reply, error) {
	var got *Reply
	for _, data := range cals {
		rep, err := parseCalendar(data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if got != nil && !sameAnswer(got, rep) {
			return nil, fmt.Errorf("%w: calendar parts disagree", ErrAmbiguous)
		}
		got = rep
	}
	for _, e := range []error{ErrTooLarge, ErrAmbiguous, ErrNotReply, ErrMalformed} {
		for _, err := range errs {
			if !errors.Is(err, e) {
				continue
			}
			switch {
			case got == nil, e == ErrTooLarge, e == ErrAmbiguous:
				return nil, err
			case e == ErrNotReply:
				return nil, fmt.Errorf("%w: a reply and another iTIP method in one message", ErrAmbiguous)
			}
		}
	}
	if got == nil && len(errs) > 0 {
		return nil, errs[0]
	}
	return got, nil
}

// sameAnswer tells whether two parts carry the same reply.
func sameAnswer(a, b *Reply) bool {
	return a.UID == b.UID && a.Sequence == b.Sequence && a.Attendee == b.Attendee && a.PartStat == b.PartStat &&
		a.DTStamp.Equal(b.DTStamp) && a.Comment == b.Comment && a.RecurrenceID == b.RecurrenceID
}

// fromAddress returns the From header's address, lower-cased.
func fromAddress(h mail.Header) (string, error) {
	raw := h.Get("From")
	if strings.TrimSpace(raw) == "" {
		return "", fmt.Errorf("%w: no From header", ErrMalformed)
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	if list, err := p.ParseList(raw); err == nil && len(list) > 0 {
		return strings.ToLower(list[0].Address), nil
	}
	// Some clients write a display name with an unquoted comma
	// (From: Dupont, Jean <jean.dupont@example.ch>), which RFC 5322 reads
	// as two mailboxes, the first one invalid. The address in angle
	// brackets is still unambiguous.
	if i, j := strings.LastIndexByte(raw, '<'), strings.LastIndexByte(raw, '>'); i >= 0 && j > i {
		if a, err := mail.ParseAddress(raw[i : j+1]); err == nil {
			return strings.ToLower(a.Address), nil
		}
	}
	return "", fmt.Errorf("%w: unreadable From header", ErrMalformed)
}

// messageID normalises a Message-ID header to "<id>", the form the outbox
// stores its own with.
func messageID(v string) string {
	v = strings.TrimSpace(v)
	if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r < 0x21 || r == 0x7f }) || len(v) > 998 {
		return ""
	}
	return "<" + strings.Trim(v, "<>") + ">"
}
