package itip

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

const atelierUID = "5f0c2a9e-3b1d-4c55-9a57-0d6e2b7f1c11@atelier.example"

func stamp(s string) time.Time {
	t, err := time.Parse("20060102T150405Z", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtures lists every file in testdata with what ParseReply must make of
// it; testdata/README.md says what each one models.
var fixtures = map[string]struct {
	want *Reply
	err  error
}{
	"outlook-desktop-accepted.eml": {want: &Reply{
		From: "anne.deleze@ecublens.example", MessageID: "<GVAP278MB0123A1B2C3D4E5F6@GVAP278MB0123.CHEP278.PROD.OUTLOOK.COM>",
		UID: atelierUID, Sequence: 2, Attendee: "anne.deleze@ecublens.example", PartStat: Accepted,
		DTStamp: stamp("20260302T081512Z"),
	}},
	"outlook-desktop-declined.eml": {want: &Reply{
		From: "anne.deleze@ecublens.example", MessageID: "<GVAP278MB0123B7C8D9E0F1A2@GVAP278MB0123.CHEP278.PROD.OUTLOOK.COM>",
		UID: atelierUID, Sequence: 2, Attendee: "anne.deleze@ecublens.example", PartStat: Declined,
		DTStamp: stamp("20260302T081512Z"), Comment: "Je suis en vacances cette semaine-là, désolée.",
	}},
	"owa-tentative.eml": {want: &Reply{
		From: "marc.rochat@ecublens.example", MessageID: "<ZR0P278MB09876F5E4D3C2B1A@ZR0P278MB0987.CHEP278.PROD.OUTLOOK.COM>",
		UID: atelierUID, Sequence: 2, Attendee: "marc.rochat@ecublens.example", PartStat: Tentative,
		DTStamp: stamp("20260303T140233Z"), Comment: "Je confirme dès que mon planning de garde est connu.",
	}},
	"owa-declined-no-comment.eml": {want: &Reply{
		From: "marc.rochat@ecublens.example", MessageID: "<ZR0P278MB09871122334455AA@ZR0P278MB0987.CHEP278.PROD.OUTLOOK.COM>",
		UID: atelierUID, Sequence: 2, Attendee: "marc.rochat@ecublens.example", PartStat: Declined,
		DTStamp: stamp("20260303T140233Z"),
	}},
	"apple-accepted.eml": {want: &Reply{
		From: "sophie.favre@icloud.example", MessageID: "<8F2C1D3E-5A6B-4C7D-8E9F-0A1B2C3D4E5F@icloud.example>",
		UID: atelierUID, Sequence: 2, Attendee: "sophie.favre@icloud.example", PartStat: Accepted,
		DTStamp: stamp("20260304T065841Z"),
	}},
	"apple-declined.eml": {want: &Reply{
		From: "sophie.favre@icloud.example", MessageID: "<1A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D@icloud.example>",
		UID: atelierUID, Sequence: 2, Attendee: "sophie.favre@icloud.example", PartStat: Declined,
		DTStamp: stamp("20260304T070212Z"),
	}},
	"gmail-accepted.eml": {want: &Reply{
		From: "luca.bernasconi@gmail.example", MessageID: "<calendar-2b7f0c1e-9d4a-4e63-8c51-7a0f3d2e1b9c@google.com>",
		UID: atelierUID, Sequence: 2, Attendee: "luca.bernasconi@gmail.example", PartStat: Accepted,
		DTStamp: stamp("20260302T191407Z"),
	}},
	"gmail-declined-note.eml": {want: &Reply{
		From: "luca.bernasconi@gmail.example", MessageID: "<calendar-61c5e0d2-3f8b-4a17-b2e9-0c4d5a6f7e81@google.com>",
		UID: atelierUID, Sequence: 2, Attendee: "luca.bernasconi@gmail.example", PartStat: Declined,
		DTStamp: stamp("20260302T191407Z"), Comment: "Je serai en formation ce jour-là, désolé",
	}},
	"gmail-tentative.eml": {want: &Reply{
		From: "luca.bernasconi@gmail.example", MessageID: "<calendar-0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b@google.com>",
		UID: atelierUID, Sequence: 2, Attendee: "luca.bernasconi@gmail.example", PartStat: Tentative,
		DTStamp: stamp("20260302T191407Z"),
	}},
	"thunderbird-accepted.eml": {want: &Reply{
		From: "nicolas.python@bluewin.example", MessageID: "<3c9a1f0e-7b2d-4e58-a6c3-9d0e1f2a3b4c@bluewin.example>",
		UID: atelierUID, Sequence: 2, Attendee: "nicolas.python@bluewin.example", PartStat: Accepted,
		DTStamp: stamp("20260305T121931Z"),
	}},
	"thunderbird-declined-comment.eml": {want: &Reply{
		From: "nicolas.python@bluewin.example", MessageID: "<7e6d5c4b-3a29-4817-b6f5-e4d3c2b1a098@bluewin.example>",
		UID: atelierUID, Sequence: 2, Attendee: "nicolas.python@bluewin.example", PartStat: Declined,
		DTStamp: stamp("20260305T121931Z"), Comment: "Rendez-vous médical ce jour-là; je m’inscrirai à la session d’avril.",
	}},
	"rfc6047-single-part.eml": {want: &Reply{
		From: "b@example.com", MessageID: "<19970612190000.b@example.com>",
		UID: "calsrv.example.com-873970198738777@example.com", Attendee: "b@example.com", PartStat: Accepted,
		DTStamp: stamp("19970612T190000Z"),
	}},
	"rfc5546-delegated.eml": {want: &Reply{
		From: "b@example.com", MessageID: "<19970612190100.b@example.com>",
		UID: "calsrv.example.com-873970198738777@example.com", Attendee: "b@example.com", PartStat: Delegated,
		DTStamp: stamp("19970611T190000Z"),
	}},
	"rfc5546-recurrence-instance.eml": {want: &Reply{
		From: "b@example.com", MessageID: "<19970612190200.b@example.com>",
		UID: "123456789@example.com", Sequence: 2, Attendee: "b@example.com", PartStat: Declined,
		DTStamp: stamp("19970614T190000Z"), RecurrenceID: "19970805T200000Z",
	}},
	"variant-series-and-exception.eml": {want: &Reply{
		From: "b@example.com", MessageID: "<19970612190300.b@example.com>",
		UID: "123456789@example.com", Sequence: 2, Attendee: "b@example.com", PartStat: Accepted,
		DTStamp: stamp("19970614T190000Z"),
	}},
	"variant-lowercase-params.eml": {want: &Reply{
		From: "anne@ecublens.example", MessageID: "<variant-lowercase-params@variant.example>",
		UID: atelierUID, Sequence: 3, Attendee: "anne@ecublens.example", PartStat: Declined,
		DTStamp: stamp("20260306T090000Z"), Comment: "Absente, désolée",
	}},
	"variant-octet-stream-attachment.eml": {want: variant("octet", Tentative, "")},
	"variant-nested-related.eml": {want: &Reply{
		From: "sophie.favre@ecublens.example", MessageID: "<nested@variant.example>",
		UID: atelierUID, Sequence: 1, Attendee: "sophie.favre@ecublens.example", PartStat: Accepted,
		DTStamp: stamp("20260306T090000Z"),
	}},
	"charset-iso-8859-1.eml":           {want: variant("charset-iso-8859-1", Declined, "Désolée, je serai à l'étranger - à la prochaine !")},
	"charset-windows-1252.eml":         {want: variant("charset-windows-1252", Declined, frComment)},
	"charset-utf8-no-hyphen.eml":       {want: variant("charset-utf8-no-hyphen", Declined, frComment)},
	"charset-us-ascii-mislabelled.eml": {want: variant("charset-us-ascii-mislabelled", Declined, frComment)},
	"charset-missing-latin1.eml":       {want: variant("charset-missing-latin1", Declined, frComment)},
	"refused-request.eml":              {err: ErrNotReply},
	"refused-counter.eml":              {err: ErrNotReply},
	"refused-no-method.eml":            {err: ErrNotReply},
	"refused-plain-text.eml":           {err: ErrNoCalendar},
	"refused-outlook-tnef.eml":         {err: ErrNoCalendar},
	"refused-two-attendees.eml":        {err: ErrAmbiguous},
	"refused-two-uids.eml":             {err: ErrAmbiguous},
	"refused-parts-disagree.eml":       {err: ErrAmbiguous},
	"refused-truncated.eml":            {err: ErrMalformed},
}

const frComment = "Désolée, je serai à l’étranger – à la prochaine !"

// variant is the reply of the synthetic variants, which share one calendar.
func variant(id, partStat, comment string) *Reply {
	return &Reply{
		From: "anne@ecublens.example", MessageID: "<" + id + "@variant.example>",
		UID: atelierUID, Sequence: 1, Attendee: "anne@ecublens.example", PartStat: partStat,
		DTStamp: stamp("20260306T090000Z"), Comment: comment,
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestFixtures: every client's reply reads as the same answer the person
// gave, and every refused shape is refused with its error.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(fixtures) {
		t.Errorf("%d .eml files in testdata, %d in the table: every fixture needs a case", len(files), len(fixtures))
	}
	for name, tc := range fixtures {
		t.Run(name, func(t *testing.T) {
			got, err := ParseReply(readFixture(t, name))
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != *tc.want {
				t.Errorf("got  %+v\nwant %+v", *got, *tc.want)
			}
		})
	}
}

// TestFixturesReadme: the README names every fixture, so that each says
// what it models and where its shape comes from.
func TestFixturesReadme(t *testing.T) {
	readme := string(readFixture(t, "README.md"))
	for name := range fixtures {
		if !strings.Contains(readme, "`"+name+"`") {
			t.Errorf("testdata/README.md does not describe %s", name)
		}
	}
}

// TestFixturesSecondParser reads the calendars of the accepted fixtures
// with emersion/go-ical, a stricter parser written independently: the
// fixtures are valid iCalendar, and ParseReply reads the same attendee,
// UID and answer out of them.
func TestFixturesSecondParser(t *testing.T) {
	for name, tc := range fixtures {
		if tc.want == nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			msg := mustMessage(t, readFixture(t, name))
			cals, bad, err := findCalendars(msg)
			if err != nil || len(bad) > 0 || len(cals) == 0 {
				t.Fatalf("calendars %d, %v", len(cals), err)
			}
			for _, data := range cals {
				cal, err := decodeStrict(data)
				if err != nil {
					t.Fatalf("go-ical: %v", err)
				}
				if m := strings.ToUpper(cal.Props.Get(goical.PropMethod).Value); m != "REPLY" {
					t.Errorf("METHOD %q", m)
				}
				found := false
				for _, ev := range cal.Events() {
					if ev.Props.Get(goical.PropRecurrenceID) != nil && tc.want.RecurrenceID == "" {
						continue
					}
					att := ev.Props.Get(goical.PropAttendee)
					uid := ev.Props.Get(goical.PropUID)
					if att == nil || uid == nil {
						t.Fatal("event without ATTENDEE or UID")
					}
					found = true
					addr := strings.ToLower(att.Value[len("mailto:"):])
					if addr != tc.want.Attendee || uid.Value != tc.want.UID || !strings.EqualFold(att.Params.Get(goical.ParamParticipationStatus), tc.want.PartStat) {
						t.Errorf("go-ical reads %s %s %s", addr, uid.Value, att.Params.Get(goical.ParamParticipationStatus))
					}
				}
				if !found {
					t.Error("no event")
				}
			}
		})
	}
}

// decodeStrict runs go-ical, which can panic on a broken line.
func decodeStrict(data []byte) (cal *goical.Calendar, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return goical.NewDecoder(bytes.NewReader(data)).Decode()
}

// reply builds a single-part reply around calendar lines, for the cases
// that no fixture needs to model a client for.
func reply(lines ...string) []byte {
	return []byte("From: anne@ecublens.example\r\nMessage-ID: x@y\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n" + calendar(lines...))
}

// calendar wraps lines in a VCALENDAR.
func calendar(lines ...string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCALENDAR\r\n"
}

func mustMessage(t testing.TB, raw []byte) *mail.Message {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func event(lines ...string) string {
	return "BEGIN:VEVENT\r\nUID:u@atelier.example\r\nDTSTAMP:20260306T090000Z\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VEVENT"
}

// TestEdgeCases covers rules no client fixture shows.
func TestEdgeCases(t *testing.T) {
	big := bytes.Repeat([]byte("a"), MaxMessageSize+1)
	hugeCal := reply("METHOD:REPLY", event("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example", "X-FILL:"+strings.Repeat("x", MaxCalendarSize)))
	cases := map[string]struct {
		raw  []byte
		want func(*Reply) bool
		err  error
	}{
		"message over the limit":  {raw: big, err: ErrTooLarge},
		"calendar over the limit": {raw: hugeCal, err: ErrTooLarge},
		"not a message":           {raw: []byte("\x00\x01garbage"), err: ErrMalformed},
		"no From":                 {raw: []byte("Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n"), err: ErrMalformed},
		"empty":                   {raw: nil, err: ErrMalformed},
		"PARTSTAT missing means NEEDS-ACTION": {
			raw:  reply("METHOD:REPLY", event("ATTENDEE:mailto:a@b.example")),
			want: func(r *Reply) bool { return r.PartStat == NeedsAction && r.Attendee == "a@b.example" },
		},
		"unknown PARTSTAT": {raw: reply("METHOD:REPLY", event("ATTENDEE;PARTSTAT=COMPLETED:mailto:a@b.example")), err: ErrMalformed},
		"no ATTENDEE":      {raw: reply("METHOD:REPLY", event("COMMENT:hello")), err: ErrMalformed},
		"attendee by EMAIL parameter (calendar server URN)": {
			raw:  reply("METHOD:REPLY", event("ATTENDEE;EMAIL=Anne@B.example;PARTSTAT=ACCEPTED:urn:uuid:6f0c0c1e-1111-4b4b-9c9c-000000000001")),
			want: func(r *Reply) bool { return r.Attendee == "anne@b.example" },
		},
		"attendee not an address": {raw: reply("METHOD:REPLY", event("ATTENDEE;PARTSTAT=ACCEPTED:mailto:Anne <a@b.example>")), err: ErrMalformed},
		"negative SEQUENCE":       {raw: reply("METHOD:REPLY", event("SEQUENCE:-1", "ATTENDEE:mailto:a@b.example")), err: ErrMalformed},
		"bad DTSTAMP":             {raw: reply("METHOD:REPLY", "BEGIN:VEVENT\r\nUID:u@x\r\nDTSTAMP:yesterday\r\nATTENDEE:mailto:a@b.example\r\nEND:VEVENT"), err: ErrMalformed},
		"DTSTAMP without Z read as UTC": {
			raw:  reply("METHOD:REPLY", "BEGIN:VEVENT\r\nUID:u@x\r\nDTSTAMP:20260306T090000\r\nATTENDEE:mailto:a@b.example\r\nEND:VEVENT"),
			want: func(r *Reply) bool { return r.DTStamp.Equal(stamp("20260306T090000Z")) },
		},
		"no DTSTAMP": {
			raw:  reply("METHOD:REPLY", "BEGIN:VEVENT\r\nUID:u@x\r\nATTENDEE:mailto:a@b.example\r\nEND:VEVENT"),
			want: func(r *Reply) bool { return r.DTStamp.IsZero() },
		},
		"two METHODs": {raw: reply("METHOD:REPLY", "METHOD:REPLY", event("ATTENDEE:mailto:a@b.example")), err: ErrAmbiguous},
		"a VTODO reply": {
			raw: reply("METHOD:REPLY", "BEGIN:VTODO\r\nUID:u@x\r\nATTENDEE:mailto:a@b.example\r\nEND:VTODO"), err: ErrMalformed,
		},
		"two occurrences, no series": {
			raw: reply("METHOD:REPLY", event("RECURRENCE-ID:20260310T133000", "ATTENDEE:mailto:a@b.example"),
				event("RECURRENCE-ID:20260317T133000", "ATTENDEE:mailto:a@b.example")),
			err: ErrAmbiguous,
		},
		"two VCALENDARs": {
			raw: append(reply("METHOD:REPLY", event("ATTENDEE:mailto:a@b.example")), []byte("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n")...),
			err: ErrAmbiguous,
		},
		// golang-ical finds a property name anywhere in a line; a line
		// that does not start with ATTENDEE must not count as one.
		"property name not at line start": {
			raw:  reply("METHOD:REPLY", event("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example", "@ATTENDEE;PARTSTAT=DECLINED:mailto:c@d.example")),
			want: func(r *Reply) bool { return r.Attendee == "a@b.example" && r.PartStat == Accepted },
		},
		"broken X- property is ignored": {
			raw:  reply("METHOD:REPLY", event("X-BROKEN;=\"oops:1", "X-NO-COLON", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example")),
			want: func(r *Reply) bool { return r.PartStat == Accepted },
		},
		"broken ATTENDEE is refused": {
			raw: reply("METHOD:REPLY", event("ATTENDEE;PARTSTAT=\"ACC\"EPTED:mailto:a@b.example")), err: ErrMalformed,
		},
		"too many parameters": {
			raw: reply("METHOD:REPLY", event("ATTENDEE"+strings.Repeat(";X=a", 100)+":mailto:a@b.example")), err: ErrMalformed,
		},
		"control characters leave the comment": {
			raw:  reply("METHOD:REPLY", event("ATTENDEE:mailto:a@b.example", "COMMENT:a\x1b[31mb\\nc")),
			want: func(r *Reply) bool { return r.Comment == "a[31mb\nc" },
		},
		"long comment is cut": {
			raw:  reply("METHOD:REPLY", event("ATTENDEE:mailto:a@b.example", "COMMENT:"+strings.Repeat("é", 3000))),
			want: func(r *Reply) bool { return len([]rune(r.Comment)) == MaxCommentRunes },
		},
		"a reply and a request": {
			raw: []byte("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/calendar\r\n\r\n" +
				calendar("METHOD:REPLY", event("ATTENDEE:mailto:a@b.example")) +
				"\r\n--b\r\nContent-Type: text/calendar\r\n\r\n" +
				calendar("METHOD:REQUEST", event("ATTENDEE:mailto:a@b.example")) +
				"\r\n--b--\r\n"),
			err: ErrAmbiguous,
		},
		"an unreadable copy beside a good one": {
			raw: []byte("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/calendar\r\n\r\n" +
				calendar("METHOD:REPLY", event("ATTENDEE:mailto:a@b.example")) +
				"\r\n--b\r\nContent-Type: application/ics\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n--b--\r\n"),
			want: func(r *Reply) bool { return r.Attendee == "a@b.example" },
		},
		"multipart nested too deep": {
			raw: nested(20),
			err: ErrMalformed,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ParseReply(tc.raw)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.want(got) {
				t.Errorf("got %+v", *got)
			}
		})
	}
}

// nested is a message of n multiparts inside each other.
func nested(n int) []byte {
	var b strings.Builder
	b.WriteString("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i-1, i)
	}
	for i := n; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return []byte(b.String())
}

// TestMessageID: the form the outbox stores its own Message-IDs in.
func TestMessageID(t *testing.T) {
	cases := map[string]string{
		"<a@b>":         "<a@b>",
		" a@b ":         "<a@b>",
		"":              "",
		"<a b@c>":       "",
		"<a@b>\x00":     "",
		"<<a@b>>":       "<a@b>",
		"\t<x.y@z>\r\n": "<x.y@z>",
	}
	for in, want := range cases {
		if got := messageID(in); got != want {
			t.Errorf("messageID(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkParseReplyOutlook(b *testing.B) {
	raw := readFixture(b, "outlook-desktop-accepted.eml")
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ParseReply(raw); err != nil {
			b.Fatal(err)
		}
	}
}
