package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// TestInviteAsksForAnswer reads invitations back with every parser: with
// a reply address, the organiser is that address under the commune's HR
// name, and only a person holding a seat is asked to answer (RSVP=TRUE);
// without one, the organiser is the commune's HR and nobody is asked.
func TestInviteAsksForAnswer(t *testing.T) {
	ps := parsers(t)
	tr := i18n.MustLoad()
	start := time.Date(2026, 6, 16, 8, 30, 0, 0, tz.Zurich)
	org := &store.Org{ID: 1, Name: "Commune d’Ecublens", HRSenderName: "Service RH, Ecublens", HRSenderEmail: "rh@ecublens.example"}
	email := "helene.favre@ecublens.example"
	person := &store.Person{ID: 7, OrgID: 1, Name: "Hélène Favre", Email: &email, Language: "fr"}
	sess := &store.Session{ID: 3, UID: "5f0c6a1e-1d2b-4c3d-9e8f-0a1b2c3d4e5f@atelier.example", OrgID: 1, Title: "Atelier IA", Sequence: 1,
		StartsAt: start, EndsAt: start.Add(3 * time.Hour), LocationName: "Salle du Conseil", Status: store.SessionScheduled}
	pos := 2
	cases := map[string]struct {
		replyTo    string
		reg        store.Registration
		wantMethod Method
		wantOrg    string
		wantRSVP   string
	}{
		"booked, replies read":     {"formations@ecublens.example", store.Registration{Status: store.RegBooked}, Request, "mailto:formations@ecublens.example", "TRUE"},
		"waitlisted, replies read": {"formations@ecublens.example", store.Registration{Status: store.RegWaitlisted, WaitlistPosition: &pos}, Request, "mailto:formations@ecublens.example", "FALSE"},
		"cancelled, replies read":  {"formations@ecublens.example", store.Registration{Status: store.RegCancelled}, Cancel, "mailto:formations@ecublens.example", "FALSE"},
		"booked, no reply address": {"", store.Registration{Status: store.RegBooked}, Request, "mailto:rh@ecublens.example", "FALSE"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var opts []ComposerOption
			if tc.replyTo != "" {
				opts = append(opts, ReplyTo(tc.replyTo))
			}
			c := NewComposer(tr, "https://atelier.example", Party{Email: "noreply@atelier.example"}, opts...)
			r := tc.reg
			r.ID, r.SessionID, r.Token, r.Sequence = 11, sess.ID, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1
			method, data, err := c.InviteFile(Entry{Session: sess, Registration: &r, Person: person, Org: org}, "fr", start.Add(-48*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if method != tc.wantMethod {
				t.Fatalf("method %s, want %s", method, tc.wantMethod)
			}
			checkBytes(t, data)
			if !strings.Contains(strings.ReplaceAll(string(data), "\r\n ", ""), ";RSVP="+tc.wantRSVP+":") {
				t.Errorf("file lacks RSVP=%s:\n%s", tc.wantRSVP, data)
			}
			for _, p := range ps {
				got, err := p.parse(t, data)
				if err != nil {
					t.Fatalf("%s refused the file: %v\n%s", p.name, err, data)
				}
				if len(got.Events) != 1 || len(got.Events[0].Attendees) != 1 {
					t.Fatalf("%s: %+v", p.name, got)
				}
				e := got.Events[0]
				if e.Organizer == nil || e.Organizer.Address != tc.wantOrg || e.Organizer.CN != "Service RH, Ecublens" {
					t.Errorf("%s: organizer %+v, want %s as « Service RH, Ecublens »", p.name, e.Organizer, tc.wantOrg)
				}
				if a := e.Attendees[0]; strings.ToUpper(a.RSVP) != tc.wantRSVP || a.Address != "mailto:"+email {
					t.Errorf("%s: attendee %+v, want RSVP %s", p.name, a, tc.wantRSVP)
				}
				if e.Sequence != 2 {
					t.Errorf("%s: sequence %d, want the session's plus the registration's (2)", p.name, e.Sequence)
				}
			}
		})
	}
}
