package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/tz"
)

func baseEvent(start, end time.Time) Event {
	return Event{
		UID: "5f0c6a1e-1d2b-4c3d-9e8f-0a1b2c3d4e5f@atelier.example", Sequence: 3,
		Start: start, End: end,
		Summary:     "Formation IA : chefs de service",
		Location:    "Salle du Conseil, 2e étage, Place du Marché 1, 1400 Yverdon-les-Bains",
		Description: "Au programme : comprendre l’IA générative.\nÀ prendre : un ordinateur.\nVotre page : https://atelier.example/r/ABC",
		URL:         "https://atelier.example/r/ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		Organizer:   Party{Name: "Service RH – Commune de Démo", Email: "rh@demo.atelier.example"},
		Attendee:    &Party{Name: "Hélène Favre", Email: "helene.favre@demo.atelier.example"},
		RSVP:        true,
		Alarm:       "Demain : formation IA",
	}
}

// TestInviteTimes checks the instant every parser reads, in winter, in
// summer, on both DST-change days and across the spring change.
func TestInviteTimes(t *testing.T) {
	ps := parsers(t)
	z := tz.Zurich
	cases := map[string]struct {
		start, end time.Time
		wantStart  string
	}{
		"winter":              {time.Date(2026, 3, 10, 13, 30, 0, 0, z), time.Date(2026, 3, 10, 15, 30, 0, 0, z), "2026-03-10T12:30:00.000Z"},
		"summer":              {time.Date(2026, 6, 16, 8, 30, 0, 0, z), time.Date(2026, 6, 16, 17, 0, 0, 0, z), "2026-06-16T06:30:00.000Z"},
		"spring change day":   {time.Date(2026, 3, 29, 9, 0, 0, 0, z), time.Date(2026, 3, 29, 12, 0, 0, 0, z), "2026-03-29T07:00:00.000Z"},
		"autumn change day":   {time.Date(2026, 10, 25, 9, 0, 0, 0, z), time.Date(2026, 10, 25, 12, 0, 0, 0, z), "2026-10-25T08:00:00.000Z"},
		"across spring night": {time.Date(2026, 3, 28, 23, 0, 0, 0, z), time.Date(2026, 3, 29, 4, 0, 0, 0, z), "2026-03-28T22:00:00.000Z"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := Invite(Request, baseEvent(tc.start, tc.end), time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			checkBytes(t, data)
			wantEnd := tc.end.UTC().Format("2006-01-02T15:04:05.000Z")
			for _, p := range ps {
				got, err := p.parse(t, data)
				if err != nil {
					t.Fatalf("%s refused the file: %v\n%s", p.name, err, data)
				}
				if len(got.Events) != 1 {
					t.Fatalf("%s: %d events", p.name, len(got.Events))
				}
				ev := got.Events[0]
				if ev.Start != tc.wantStart || ev.End != wantEnd {
					t.Errorf("%s: %s – %s, want %s – %s", p.name, ev.Start, ev.End, tc.wantStart, wantEnd)
				}
				if got.Method != "REQUEST" || ev.Sequence != 3 || ev.Alarms != 1 || got.Timezones != 1 {
					t.Errorf("%s: method %s, sequence %d, alarms %d, timezones %d", p.name, got.Method, ev.Sequence, ev.Alarms, got.Timezones)
				}
			}
		})
	}
}

// TestInviteContent checks every property a client relies on, and that
// hostile names and places stay inside their property in every parser.
func TestInviteContent(t *testing.T) {
	ps := parsers(t)
	start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
	cases := map[string]struct {
		mutate       func(e *Event)
		wantCN       string
		wantLocation string
		wantSummary  string
	}{
		"plain":                      {func(e *Event) {}, "Hélène Favre", "Salle du Conseil, 2e étage, Place du Marché 1, 1400 Yverdon-les-Bains", "Formation IA : chefs de service"},
		"name with , ; : and quotes": {func(e *Event) { e.Attendee.Name = `Dupont, Jean: "Chef"` }, "Dupont, Jean: Chef", "", ""},
		"apostrophe":                 {func(e *Event) { e.Attendee.Name = "Lucia D'Amico; RH" }, "Lucia D'Amico; RH", "", ""},
		"place injecting an attendee": {func(e *Event) { e.Location = "Salle 1\r\nATTENDEE:mailto:x@example.com" },
			"", "Salle 1 ATTENDEE:mailto:x@example.com", ""},
		"lone cr and unicode separators in the title": {func(e *Event) { e.Summary = "Titre\rEND:VEVENT\u2028BEGIN:VEVENT\u0085x" },
			"", "", "Titre END:VEVENT BEGIN:VEVENT x"},
		"very long name": {func(e *Event) { e.Attendee.Name = strings.Repeat("Éloïse ", 100) }, strings.TrimSpace(strings.Repeat("Éloïse ", 100))[:len(strings.TrimSpace(strings.Repeat("Éloïse ", 100)))], "", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ev := baseEvent(start, start.Add(2*time.Hour))
			tc.mutate(&ev)
			data, err := Invite(Request, ev, start)
			if err != nil {
				t.Fatal(err)
			}
			checkBytes(t, data)
			if n := strings.Count(string(data), "\r\nATTENDEE"); n != 1 {
				t.Errorf("%d ATTENDEE lines", n)
			}
			for _, p := range ps {
				got, err := p.parse(t, data)
				if err != nil {
					t.Fatalf("%s refused the file: %v\n%s", p.name, err, data)
				}
				if len(got.Events) != 1 {
					t.Fatalf("%s: %d events\n%s", p.name, len(got.Events), data)
				}
				e := got.Events[0]
				if len(e.Attendees) != 1 || e.Attendees[0].Address != "mailto:helene.favre@demo.atelier.example" {
					t.Fatalf("%s: attendees %+v", p.name, e.Attendees)
				}
				a := e.Attendees[0]
				if a.Role != "REQ-PARTICIPANT" || a.PartStat != "NEEDS-ACTION" || strings.ToUpper(a.RSVP) != "TRUE" {
					t.Errorf("%s: attendee params %+v", p.name, a)
				}
				if want := tc.wantCN; want != "" && a.CN != clipRunes(want, maxLine) {
					t.Errorf("%s: CN %q, want %q", p.name, a.CN, want)
				}
				if tc.wantLocation != "" && e.Location != tc.wantLocation {
					t.Errorf("%s: location %q, want %q", p.name, e.Location, tc.wantLocation)
				}
				if tc.wantSummary != "" && e.Summary != tc.wantSummary {
					t.Errorf("%s: summary %q, want %q", p.name, e.Summary, tc.wantSummary)
				}
				if e.Organizer == nil || e.Organizer.CN != "Service RH – Commune de Démo" || e.Organizer.Address != "mailto:rh@demo.atelier.example" {
					t.Errorf("%s: organizer %+v", p.name, e.Organizer)
				}
				if e.UID != ev.UID || e.URL != ev.URL || e.Status != "CONFIRMED" || !strings.Contains(e.Description, "À prendre : un ordinateur.\nVotre page") {
					t.Errorf("%s: uid %q url %q status %q description %q", p.name, e.UID, e.URL, e.Status, e.Description)
				}
			}
		})
	}
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return strings.TrimSpace(string(r))
}

func TestCancelAndFeed(t *testing.T) {
	ps := parsers(t)
	start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
	ev := baseEvent(start, start.Add(2*time.Hour))
	ev.Sequence = 4
	data, err := Invite(Cancel, ev, start)
	if err != nil {
		t.Fatal(err)
	}
	checkBytes(t, data)
	for _, p := range ps {
		got, err := p.parse(t, data)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		e := got.Events[0]
		if got.Method != "CANCEL" || e.Status != "CANCELLED" || e.Sequence != 4 || e.Alarms != 0 || len(e.Attendees) != 1 || e.UID != ev.UID {
			t.Errorf("%s: cancel %+v", p.name, got)
		}
	}

	var events []Event
	for i := range 3 {
		e := baseEvent(start.AddDate(0, i*3, 0), start.AddDate(0, i*3, 0).Add(3*time.Hour))
		e.UID = strings.Replace(e.UID, "5f0c", "5f0"+string(rune('a'+i)), 1)
		if i == 1 {
			e.Status = Cancelled
		}
		events = append(events, e)
	}
	data, err = Feed(FeedInfo{Name: "Mes formations – Atelier"}, events, start)
	if err != nil {
		t.Fatal(err)
	}
	checkBytes(t, data)
	for _, want := range []string{"METHOD:PUBLISH", "X-WR-CALNAME:Mes formations – Atelier", "X-WR-TIMEZONE:Europe/Zurich", "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	for _, p := range ps {
		got, err := p.parse(t, data)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		if got.Method != "PUBLISH" || len(got.Events) != 3 || got.Name != "Mes formations – Atelier" {
			t.Fatalf("%s: feed %+v", p.name, got)
		}
		for i, e := range got.Events {
			if len(e.Attendees) != 0 || e.Organizer == nil || e.Alarms != 0 {
				t.Errorf("%s: feed event %d: attendees %v organizer %v alarms %d", p.name, i, e.Attendees, e.Organizer, e.Alarms)
			}
		}
		if got.Events[1].Status != "CANCELLED" || got.Events[0].Status != "CONFIRMED" {
			t.Errorf("%s: statuses %s %s", p.name, got.Events[0].Status, got.Events[1].Status)
		}
		// June is summer time: 13:30 in Zurich is 11:30 UTC.
		if got.Events[1].Start != "2026-06-10T11:30:00.000Z" {
			t.Errorf("%s: summer event at %s", p.name, got.Events[1].Start)
		}
	}
}

func TestInvalidEvents(t *testing.T) {
	start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
	cases := map[string]func(e *Event){
		"no attendee":        func(e *Event) { e.Attendee = nil },
		"end before start":   func(e *Event) { e.End = e.Start.Add(-time.Hour) },
		"uid with crlf":      func(e *Event) { e.UID = "a\r\nATTENDEE:x" },
		"attendee email":     func(e *Event) { e.Attendee.Email = "x@y.ch\r\nBCC:z@y.ch" },
		"organizer no email": func(e *Event) { e.Organizer.Email = "" },
	}
	for name, mutate := range cases {
		ev := baseEvent(start, start.Add(time.Hour))
		mutate(&ev)
		if _, err := Invite(Request, ev, start); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzInvite: whatever the title, name, place and URL, the file parses to
// one event with exactly the expected attendee.
func FuzzInvite(f *testing.F) {
	f.Add("Formation", `Dupont, Jean: "Chef"`, "Salle 1\r\nATTENDEE:mailto:x@example.com", "https://atelier.example/r/ABC")
	f.Add("a\rb", "\u2028", "\\;,", "https://x.example/a b\r\nX:y")
	f.Add(strings.Repeat("é", 300), "'\"", "END:VCALENDAR", "javascript:alert(1)")
	start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
	f.Fuzz(func(t *testing.T, title, name, place, url string) {
		ev := baseEvent(start, start.Add(time.Hour))
		ev.Summary, ev.Attendee.Name, ev.Location, ev.URL, ev.Description = title, name, place, url, title+"\n"+place
		data, err := Invite(Request, ev, start)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseGoICal(t, data)
		if err != nil {
			t.Fatalf("go-ical refused: %v\n%q", err, data)
		}
		if len(got.Events) != 1 || len(got.Events[0].Attendees) != 1 || got.Events[0].Attendees[0].Address != "mailto:helene.favre@demo.atelier.example" {
			t.Fatalf("events %+v\n%q", got.Events, data)
		}
		if strings.Count(string(data), "\nATTENDEE") != 1 || strings.Count(string(data), "BEGIN:VEVENT") != 1 {
			t.Fatalf("injected lines:\n%q", data)
		}
		for i, l := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
			if len(l) > 75 || strings.ContainsAny(l, "\r\n") {
				t.Fatalf("line %d: %q", i, l)
			}
		}
	})
}

// BenchmarkFeed500 writes a subscription feed of 500 sessions.
func BenchmarkFeed500(b *testing.B) {
	start := time.Date(2026, 1, 5, 8, 30, 0, 0, tz.Zurich)
	events := make([]Event, 500)
	for i := range events {
		e := baseEvent(start.Add(time.Duration(i)*26*time.Hour), start.Add(time.Duration(i)*26*time.Hour+3*time.Hour))
		e.UID = fmt.Sprintf("%08d-1d2b-4c3d-9e8f-0a1b2c3d4e5f@atelier.example", i)
		events[i] = e
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Feed(FeedInfo{Name: "Formations de la commune"}, events, start); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInvite writes one invitation, as every booking's mail does.
func BenchmarkInvite(b *testing.B) {
	start := time.Date(2026, 1, 5, 8, 30, 0, 0, tz.Zurich)
	e := baseEvent(start, start.Add(3*time.Hour))
	e.Attendee = &Party{Name: "Anne Müller", Email: "anne.mueller@ecublens.example"}
	e.URL = "https://atelier.example/r/R7DMFUTOJ6YTYRDS5XGCP3XSSJ"
	e.Alarm = "Demain : formation IA"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Invite(Request, e, start); err != nil {
			b.Fatal(err)
		}
	}
}
