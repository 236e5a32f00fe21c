package web

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// icsEvent is what go-ical (an independent parser) reads of a file.
type icsEvent struct {
	method, uid, status, summary, location string
	sequence                               int
	start, end                             time.Time
	stamp                                  time.Time
	attendees                              []string
}

func parseICS(t *testing.T, data []byte) (string, []icsEvent) {
	t.Helper()
	cal, err := goical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("go-ical refused the file: %v\n%s", err, data)
	}
	method := ""
	if p := cal.Props.Get("METHOD"); p != nil {
		method = p.Value
	}
	var out []icsEvent
	for _, ev := range cal.Events() {
		var e icsEvent
		e.method = method
		e.uid, _ = ev.Props.Text(goical.PropUID)
		e.status, _ = ev.Props.Text(goical.PropStatus)
		e.summary, _ = ev.Props.Text(goical.PropSummary)
		e.location, _ = ev.Props.Text(goical.PropLocation)
		if p := ev.Props.Get(goical.PropSequence); p != nil {
			e.sequence, _ = p.Int()
		}
		e.start, _ = ev.DateTimeStart(time.UTC)
		e.end, _ = ev.DateTimeEnd(time.UTC)
		if p := ev.Props.Get(goical.PropDateTimeStamp); p != nil {
			e.stamp, _ = p.DateTime(time.UTC)
		}
		for _, a := range ev.Props.Values(goical.PropAttendee) {
			e.attendees = append(e.attendees, a.Value)
		}
		out = append(out, e)
	}
	return method, out
}

func (a *app) invite(token string) icsEvent {
	a.t.Helper()
	res := a.do("GET", "/r/"+token+"/invite.ics", "", nil)
	if res.Code != 200 || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/calendar; charset=utf-8; method=") {
		a.t.Fatalf("invite: %d %v", res.Code, res.Header())
	}
	_, evs := parseICS(a.t.(*testing.T), res.Body.Bytes())
	if len(evs) != 1 {
		a.t.Fatalf("%d events", len(evs))
	}
	if !strings.Contains(res.Header().Get("Content-Type"), "method="+evs[0].method) {
		a.t.Errorf("content type %q does not match METHOD:%s", res.Header().Get("Content-Type"), evs[0].method)
	}
	return evs[0]
}

func TestInviteLifecycle(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, start, 1))
		ids := a.addPeople(a.orgA, 2, "staff", nil)
		regs := a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids}).Registrations

		first := a.invite(regs[0].Token)
		if first.method != "REQUEST" || first.uid != s.UID || first.sequence != 0 || first.status != "CONFIRMED" ||
			!first.start.Equal(start) || len(first.attendees) != 1 || first.attendees[0] != "mailto:p1@commune-a.example" {
			t.Fatalf("first invite: %+v", first)
		}
		waiting := a.invite(regs[1].Token)
		if waiting.status != "TENTATIVE" || !strings.Contains(waiting.summary, "Liste d’attente") {
			t.Errorf("waitlisted invite: %+v", waiting)
		}

		// Reschedule: same UID, higher SEQUENCE, new time; DTSTAMP is when
		// the rows last changed (by the database's clock, to the second:
		// the same second as the booking, here), never older.
		a.setNow(a.clock().Add(time.Hour))
		newStart := time.Date(2026, 6, 16, 8, 30, 0, 0, tz.Zurich)
		if res := a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"starts_at": newStart.Format(time.RFC3339), "location": map[string]string{"name": "Aula", "room": "B12"}}); res.Code != 200 {
			t.Fatal(res.Body)
		}
		moved := a.invite(regs[0].Token)
		if moved.uid != first.uid || moved.sequence <= first.sequence || moved.stamp.Before(first.stamp) || !moved.start.Equal(newStart) || moved.location != "Aula, B12" {
			t.Errorf("after reschedule: %+v (before %+v)", moved, first)
		}

		// The participant cancels: the same URL now cancels, SEQUENCE up.
		if res := a.do("POST", "/r/"+regs[0].Token+"/cancel", "", map[string]any{}); res.Code != 200 {
			t.Fatalf("cancel: %d %s", res.Code, res.Body)
		}
		cancelled := a.invite(regs[0].Token)
		if cancelled.method != "CANCEL" || cancelled.status != "CANCELLED" || cancelled.sequence <= moved.sequence || cancelled.uid != first.uid {
			t.Errorf("after cancel: %+v", cancelled)
		}
		// The waiting person was promoted: their invite is confirmed, SEQUENCE up.
		promoted := a.invite(regs[1].Token)
		if promoted.method != "REQUEST" || promoted.status != "CONFIRMED" || promoted.sequence <= waiting.sequence {
			t.Errorf("after promotion: %+v (waiting %+v)", promoted, waiting)
		}
		// Booked again after cancelling: a REQUEST that outranks the CANCEL.
		a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"capacity": 2})
		a.book(hrAEmail, s.ID, map[string]any{"person_id": ids[0]})
		again := a.invite(regs[0].Token)
		if again.method != "REQUEST" || again.sequence <= cancelled.sequence {
			t.Errorf("booked again: %+v (cancel was %d)", again, cancelled.sequence)
		}
		// The session is cancelled: every invite cancels.
		a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/cancel", s.ID), nil)
		for _, r := range regs {
			if ev := a.invite(r.Token); ev.method != "CANCEL" || ev.status != "CANCELLED" || ev.sequence <= again.sequence-1 {
				t.Errorf("after session cancel: %+v", ev)
			}
		}
		if res := a.do("GET", "/r/AAAAAAAAAAAAAAAAAAAAAAAAAA/invite.ics", "", nil); res.Code != 404 {
			t.Errorf("unknown token: %d", res.Code)
		}
	})
}

func TestFeeds(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		ids := a.addPeople(a.orgA, 1, "staff", nil)
		var tokens []string
		var sessions []sessionJSON
		for i := range 3 {
			s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, time.Month(3+i), 10, 9, 0, 0, 0, tz.Zurich), 5))
			sessions = append(sessions, s)
			tokens = append(tokens, a.book(hrAEmail, s.ID, map[string]any{"person_id": ids[0]}).Registrations[0].Token)
		}
		a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/cancel", sessions[1].ID), nil)
		res := a.do("GET", "/r/"+tokens[2]+"/feed.ics", "", nil)
		body := res.Body.String()
		if res.Code != 200 || !strings.Contains(body, "REFRESH-INTERVAL;VALUE=DURATION:PT6H") || !strings.Contains(body, "X-WR-CALNAME:Formations – Personne 000 staff") {
			t.Fatalf("feed: %d %s", res.Code, body)
		}
		method, evs := parseICS(t, res.Body.Bytes())
		if method != "PUBLISH" || len(evs) != 3 || evs[1].status != "CANCELLED" || evs[0].status != "CONFIRMED" || len(evs[0].attendees) != 0 {
			t.Errorf("feed events: %s %+v", method, evs)
		}
		// The page offers the feed as webcal:// and https.
		page := a.do("GET", "/r/"+tokens[0], "", nil).Body.String()
		if !strings.Contains(page, "webcal://atelier.example/r/"+tokens[0]+"/feed.ics") || !strings.Contains(page, "https://atelier.example/r/"+tokens[0]+"/feed.ics") || !strings.Contains(page, "/invite.ics") {
			t.Error("participant page lacks the calendar links")
		}

		// Staff feeds: the trainer's sessions, the commune's sessions.
		var trainerID int64
		for _, u := range a.users(hrAEmail) {
			if u.Email == trainerAEmail {
				trainerID = u.ID
			}
		}
		a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", sessions[0].ID), map[string]any{"trainers": []int64{trainerID}})
		var feed feedJSON
		mustJSON(t, a.as(trainerAEmail, "GET", "/api/v1/feed", nil), &feed)
		if !strings.HasPrefix(feed.Webcal, "webcal://atelier.example/feeds/") {
			t.Fatalf("feed url %+v", feed)
		}
		// The address is shown once: only its hash is kept.
		var again feedJSON
		mustJSON(t, a.as(trainerAEmail, "GET", "/api/v1/feed", nil), &again)
		if again.URL != "" || !again.Active {
			t.Errorf("the feed's address shown again: %+v", again)
		}
		path := strings.TrimPrefix(feed.URL, "https://atelier.example")
		_, evs = parseICS(t, a.do("GET", path, "", nil).Body.Bytes())
		if len(evs) != 1 || evs[0].uid != sessions[0].UID {
			t.Errorf("trainer feed: %+v", evs)
		}
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/feed", nil), &feed)
		_, evs = parseICS(t, a.do("GET", strings.TrimPrefix(feed.URL, "https://atelier.example"), "", nil).Body.Bytes())
		if len(evs) != 3 {
			t.Errorf("commune feed: %d events", len(evs))
		}
		if res := a.do("GET", "/feeds/nope.ics", "", nil); res.Code != 404 {
			t.Errorf("unknown feed: %d", res.Code)
		}
	})
}

func TestOutboxAPI(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 1))
		ids := a.addPeople(a.orgA, 2, "staff", nil)
		a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids})
		a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"location": map[string]string{"name": "Aula"}})
		var out []outboxJSON
		res := a.as(hrAEmail, "GET", "/api/v1/outbox", nil)
		mustJSON(t, res, &out)
		if res.Code != 200 || len(out) != 4 || res.Header().Get("X-Total-Count") != "4" {
			t.Fatalf("outbox: %d %d %s", res.Code, len(out), res.Body)
		}
		kinds := map[string]int{}
		for _, m := range out {
			kinds[m.Kind]++
			if m.Status != "pending" || m.CalendarMethod != "REQUEST" || m.NextAttemptAt == nil {
				t.Errorf("message %+v", m)
			}
		}
		if kinds["booked"] != 1 || kinds["waitlisted"] != 1 || kinds["rescheduled"] != 2 {
			t.Errorf("kinds %v", kinds)
		}
		if !strings.Contains(out[0].Text, "Lieu changé : Salle du Conseil, 2e étage") {
			t.Errorf("reschedule text: %s", out[0].Text)
		}
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/outbox?status=sent", nil), &out)
		if len(out) != 0 {
			t.Errorf("sent: %d", len(out))
		}
		mustJSON(t, a.as(hrBEmail, "GET", "/api/v1/outbox", nil), &out)
		if len(out) != 0 {
			t.Errorf("commune b sees a's mail: %d", len(out))
		}
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/outbox?status=lost", nil), 422, "validation", "status")
		expectError(t, a.as(trainerAEmail, "GET", "/api/v1/outbox", nil), 403, "forbidden")
	})
}
