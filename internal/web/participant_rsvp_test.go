package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/store/storetest"
	"github.com/atelier-ch/atelier/internal/tz"
)

// answer posts the participant page's answer form.
func (a *app) answer(token string, form url.Values) *http.Response {
	a.t.Helper()
	return a.page(nil, "POST", "/r/"+token+"/rsvp", form).Result()
}

func regOf(t *testing.T, regs []registrationJSON, id int64) registrationJSON {
	t.Helper()
	for _, r := range regs {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("registration %d not listed", id)
	return registrationJSON{}
}

// TestParticipantAnswers: the page offers « Je viens », « Peut-être », « Je
// ne viens pas » to a person holding a seat; each posts to /r/{token}/rsvp
// as a form or as JSON; declining a voluntary session asks for
// confirmation first, without JavaScript, then gives the seat up; on a
// mandatory session it is recorded and HR sees « a décliné ».
func TestParticipantAnswers(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		vol, mand := pickFormat(t, a, catalog.Voluntary), pickFormat(t, a, catalog.Mandatory)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		body := sessionBody(vol.Slug, start, 1)
		body["registration_deadline"] = "2026-03-06T17:00:00+01:00"
		s := a.createSession(hrAEmail, body)
		m := a.createSession(hrAEmail, sessionBody(mand.Slug, start.Add(24*time.Hour), 5))
		ids := a.addPeople(a.orgA, 2, "staff", nil)
		regs := a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids}).Registrations
		mine, next := regs[0], regs[1]
		mreg := a.book(hrAEmail, m.ID, map[string]any{"person_id": ids[0]}).Registrations[0]

		page := a.do("GET", "/r/"+mine.Token, "", nil).Body.String()
		for _, want := range []string{`action="/r/` + mine.Token + `/rsvp"`, `value="accepted"`, `value="tentative"`, `value="declined"`,
			">Je viens<", ">Peut-être<", ">Je ne viens pas<", "libère votre place"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if page := a.do("GET", "/r/"+next.Token, "", nil).Body.String(); strings.Contains(page, "/rsvp") {
			t.Error("answers offered to a waitlisted person")
		}

		// « Je viens »: recorded, the page says so, the API too.
		res := a.answer(mine.Token, url.Values{"answer": {"accepted"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/r/"+mine.Token+"?done=rsvp" {
			t.Fatalf("accept: %d %v", res.StatusCode, res.Header)
		}
		page = a.do("GET", "/r/"+mine.Token+"?done=rsvp", "", nil).Body.String()
		if !strings.Contains(page, "Merci, votre réponse est enregistrée.") || !strings.Contains(page, "Vous avez répondu\u00a0: je viens.") ||
			!strings.Contains(page, `aria-pressed="true">Je viens<`) {
			t.Errorf("the page after « Je viens »:\n%s", page)
		}
		list := a.registrations(hrAEmail, s.ID)
		if r := regOf(t, list, mine.ID); r.Rsvp != "accepted" || r.RsvpAt == nil || !r.RsvpAt.Equal(a.clock()) {
			t.Errorf("API: rsvp %q at %v", r.Rsvp, r.RsvpAt)
		}
		if r := regOf(t, list, next.ID); r.Rsvp != "needs_action" || r.RsvpAt != nil {
			t.Errorf("API, not answered: rsvp %q at %v", r.Rsvp, r.RsvpAt)
		}

		// « Je ne viens pas » on a voluntary session: confirm first.
		confirm := a.page(nil, "POST", "/r/"+mine.Token+"/rsvp", url.Values{"answer": {"declined"}})
		if confirm.Code != 200 || !strings.Contains(confirm.Body.String(), `name="confirm" value="yes"`) || !strings.Contains(confirm.Body.String(), "Libérer votre place\u00a0?") {
			t.Fatalf("decline without confirmation: %d\n%s", confirm.Code, confirm.Body)
		}
		if r := regOf(t, a.registrations(hrAEmail, s.ID), mine.ID); r.Status != "booked" {
			t.Fatalf("the confirmation page cancelled: %s", r.Status)
		}
		res = a.answer(mine.Token, url.Values{"answer": {"declined"}, "confirm": {"yes"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/r/"+mine.Token+"?done=cancelled" {
			t.Fatalf("confirmed decline: %d %v", res.StatusCode, res.Header)
		}
		list = a.registrations(hrAEmail, s.ID)
		if r := regOf(t, list, mine.ID); r.Status != "cancelled" || r.Rsvp != "declined" {
			t.Errorf("after the decline: %s, %s", r.Status, r.Rsvp)
		}
		if r := regOf(t, list, next.ID); r.Status != "booked" {
			t.Errorf("the next person is %s", r.Status)
		}
		var hist []auditJSON
		mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil), &hist)
		var answers []string
		for _, h := range hist {
			if h.Action == "rsvp" && h.Actor == "participant" && h.Details["via"] == "page" {
				answers = append(answers, fmt.Sprint(h.Details["answer"]))
			}
		}
		if strings.Join(answers, ",") != "accepted,declined" {
			t.Errorf("history of answers %v", answers)
		}

		// JSON, like the other participant posts.
		var got registrationJSON
		r := a.do("POST", "/r/"+next.Token+"/rsvp", "", map[string]any{"answer": "tentative"})
		mustJSON(t, r, &got)
		if r.Code != 200 || got.Rsvp != "tentative" || got.RsvpAt == nil {
			t.Errorf("JSON answer: %d %+v", r.Code, got)
		}
		expectError(t, a.do("POST", "/r/"+next.Token+"/rsvp", "", map[string]any{"answer": "declined"}), 409, "conflict")
		expectError(t, a.do("POST", "/r/"+next.Token+"/rsvp", "", map[string]any{"answer": "oui"}), 422, "validation", "answer")
		expectError(t, a.do("POST", "/r/"+next.Token+"/rsvp", "", map[string]any{"answer": "accepted", "why": "x"}), 400, "bad_request")
		if r := a.page(nil, "POST", "/r/"+next.Token+"/rsvp", url.Values{"answer": {"bof"}}); r.Code != 422 || !strings.Contains(r.Body.String(), "je ne viens pas") {
			t.Errorf("form with a bad answer: %d", r.Code)
		}
		if r := a.page(nil, "POST", "/r/"+next.Token+"/rsvp", url.Values{"answer": {"accepted"}}, "Sec-Fetch-Site", "cross-site"); r.Code != 403 {
			t.Errorf("cross-site answer: %d", r.Code)
		}
		if r := a.page(nil, "POST", "/r/"+strings.Repeat("A", 26)+"/rsvp", url.Values{"answer": {"accepted"}}); r.Code != 404 {
			t.Errorf("unknown token: %d", r.Code)
		}

		// A mandatory session: recorded at once, HR sees « a décliné ».
		res = a.answer(mreg.Token, url.Values{"answer": {"declined"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/r/"+mreg.Token+"?done=rsvp" {
			t.Fatalf("mandatory decline: %d %v", res.StatusCode, res.Header)
		}
		if r := regOf(t, a.registrations(hrAEmail, m.ID), mreg.ID); r.Status != "booked" || r.Rsvp != "declined" {
			t.Errorf("mandatory decline: %s, %s", r.Status, r.Rsvp)
		}
		hr := a.browserSession(hrAEmail)
		sp := a.page(hr, "GET", fmt.Sprintf("/app/sessions/%d", m.ID), nil).Body.String()
		if !strings.Contains(sp, `<span class="badge bad">a décliné</span>`) || !strings.Contains(sp, "1 a décliné") || !strings.Contains(sp, "a décliné (depuis sa page)") {
			t.Errorf("HR's session page does not show the decline:\n%s", sp)
		}
		if dash := a.page(hr, "GET", "/app", nil).Body.String(); !strings.Contains(dash, "1 a décliné") {
			t.Errorf("the dashboard does not show the decline:\n%s", dash)
		}
	})
}

// TestCalendarReplyShownToHR: with a reply address, the invitation names
// it as organiser and asks the booked person (not the waitlisted one) to
// answer; the answer their calendar mails back shows in the API, on the
// session page and on the dashboard.
func TestCalendarReplyShownToHR(t *testing.T) {
	for _, db := range storetest.Databases(t) {
		t.Run(db.Name, func(t *testing.T) {
			a := newAppReplying(t, db, "formations@commune-a.example")
			f := pickFormat(t, a, catalog.Voluntary)
			s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 1))
			ids := a.addPeople(a.orgA, 2, "staff", nil)
			regs := a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids}).Registrations
			for i, want := range []string{"TRUE", "FALSE"} {
				res := a.do("GET", "/r/"+regs[i].Token+"/invite.ics", "", nil)
				cal, err := goical.NewDecoder(strings.NewReader(res.Body.String())).Decode()
				if err != nil {
					t.Fatal(err)
				}
				ev := cal.Events()[0]
				org, att := ev.Props.Get(goical.PropOrganizer), ev.Props.Get(goical.PropAttendee)
				if org.Value != "mailto:formations@commune-a.example" || strings.ToUpper(att.Params.Get(goical.ParamRSVP)) != want {
					t.Errorf("invite %d: organizer %s, RSVP %s; want RSVP %s", i, org.Value, att.Params.Get(goical.ParamRSVP), want)
				}
			}
			email := fmt.Sprintf("p%d@commune-a.example", 1)
			reply := "From: Personne <" + email + ">\r\nTo: formations@commune-a.example\r\nMessage-ID: <r1@client.example>\r\n" +
				"Subject: Accepted\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n" +
				"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:" + s.UID + "\r\n" +
				"DTSTAMP:20260302T080000Z\r\nSEQUENCE:0\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:" + email + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
			if err := a.srv.svc.Replies.HandleMail(context.Background(), email, []byte(reply)); err != nil {
				t.Fatal(err)
			}
			if r := regOf(t, a.registrations(hrAEmail, s.ID), regs[0].ID); r.Rsvp != "accepted" || r.RsvpAt == nil {
				t.Errorf("API after the reply: %q at %v", r.Rsvp, r.RsvpAt)
			}
			hr := a.browserSession(hrAEmail)
			if sp := a.page(hr, "GET", fmt.Sprintf("/app/sessions/%d", s.ID), nil).Body.String(); !strings.Contains(sp, `<span class="badge ok">a confirmé</span>`) ||
				!strings.Contains(sp, "a confirmé sa venue (depuis son agenda)") {
				t.Errorf("session page:\n%s", sp)
			}
			if dash := a.page(hr, "GET", "/app", nil).Body.String(); !strings.Contains(dash, "1 a confirmé") {
				t.Errorf("dashboard:\n%s", dash)
			}
		})
	}
}
