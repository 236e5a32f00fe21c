package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/auth"
	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

const trainerBEmail = "formateur@commune-b.example"

// TestQuotaSessions: a session of A with seats for B. Each commune's HR
// books and sees its own people against its own seats; the host sees the
// counts per commune; a trainer of B runs the session with the names
// only: the list, the sign-in sheet, the check-in, never a walk-in, an
// address or a link.
func TestQuotaSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		ctx := context.Background()
		for _, o := range []*store.Org{{Slug: "commune-c", Name: "Commune C"}} {
			if err := a.store.CreateOrg(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		trB, err := a.srv.svc.Auth.CreateUser(ctx, nil, auth.NewUser{Email: trainerBEmail, Password: testPassword, Role: store.RoleTrainer, Org: "commune-b", Name: "Bruno Formateur"})
		if err != nil {
			t.Fatal(err)
		}
		trC, err := a.srv.svc.Auth.CreateUser(ctx, nil, auth.NewUser{Email: "formateur@commune-c.example", Password: testPassword, Role: store.RoleTrainer, Org: "commune-c"})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		body := sessionBody("aubonne", start, 4)
		// The rules of the quotas, refused naming the field, in German too.
		body["quotas"] = map[string]int{"commune-b": 3, "commune-c": 2}
		e := expectError(t, a.as(hrAEmail, "POST", "/api/v1/sessions", body, "Accept-Language", "de"), 422, "validation", "quotas")
		if e.Error.Fields["quotas"] != "Die Kontingente ergeben 5 Plätze, die Kapazität beträgt nur 4." {
			t.Errorf("German: %+v", e.Error.Fields)
		}
		body["quotas"] = map[string]int{"commune-z": 1}
		e = expectError(t, a.as(hrAEmail, "POST", "/api/v1/sessions", body), 422, "validation", "quotas.commune-z")
		if !strings.Contains(e.Error.Fields["quotas.commune-z"], "Commune inconnue") {
			t.Errorf("French: %+v", e.Error.Fields)
		}
		body["quotas"] = map[string]int{"commune-b": 2}
		body["trainers"] = []int64{trC.ID}
		expectError(t, a.as(hrAEmail, "POST", "/api/v1/sessions", body), 422, "validation", "trainers")
		body["trainers"] = []int64{trB.ID}
		s := a.createSession(hrAEmail, body)
		if !s.OpenToOtherCommunes || s.Quotas["commune-b"] != 2 || len(s.Communes) != 2 || *s.Communes[0].Seats != 2 || s.Communes[0].Org != "commune-a" {
			t.Fatalf("session: %+v", s)
		}
		peopleA, peopleB := a.addPeople(a.orgA, 3, "staff", nil), a.addPeople(a.orgB, 3, "staff", nil)
		regsA := a.book(hrAEmail, s.ID, map[string]any{"person_ids": peopleA}).Registrations
		regsB := a.book(hrBEmail, s.ID, map[string]any{"person_ids": peopleB}).Registrations
		for i, want := range []string{"booked", "booked", "waitlisted"} {
			if regsA[i].Status != want || regsB[i].Status != want {
				t.Errorf("registration %d: A %s, B %s, want %s", i, regsA[i].Status, regsB[i].Status, want)
			}
		}
		if *regsA[2].WaitlistPosition != 1 || *regsB[2].WaitlistPosition != 1 {
			t.Errorf("each commune's list starts at 1: A %d, B %d", *regsA[2].WaitlistPosition, *regsB[2].WaitlistPosition)
		}
		// Commune C has no seats in it.
		orgC, err := a.store.OrgBySlug(ctx, "commune-c")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.srv.svc.Auth.CreateUser(ctx, nil, auth.NewUser{Email: "rh@commune-c.example", Password: testPassword, Role: store.RoleHR, Org: "commune-c"}); err != nil {
			t.Fatal(err)
		}
		e = expectError(t, a.as("rh@commune-c.example", "POST", fmt.Sprintf("/api/v1/sessions/%d/registrations", s.ID), map[string]any{"person_ids": a.addPeople(orgC, 1, "staff", nil)}), 409, "conflict")
		if !strings.Contains(e.Error.Message, "la vôtre n’en a pas") {
			t.Errorf("C's refusal: %q", e.Error.Message)
		}
		// B sees its own part: its people, its seats.
		sb := a.session(hrBEmail, s.ID)
		if len(sb.Communes) != 1 || sb.Communes[0].Org != "commune-b" || sb.Communes[0].Booked != 2 || sb.Communes[0].Waitlisted != 1 || len(sb.Quotas) != 1 {
			t.Errorf("B's view: %+v %+v", sb.Communes, sb.Quotas)
		}
		if n := len(a.registrations(hrBEmail, s.ID)); n != 3 {
			t.Errorf("B sees %d registrations", n)
		}
		// B's page shows its part of the session.
		if page := a.page(a.browserSession(hrBEmail), "GET", fmt.Sprintf("/app/sessions/%d", s.ID), nil).Body.String(); !strings.Contains(page, "Les places de votre commune") {
			t.Errorf("B's page lacks its part")
		}

		// B's trainer runs it: names, never an address or a link of A's people.
		a.setNow(start.Add(-20 * time.Minute))
		for _, path := range []string{"", "/registrations", "/signin-sheet.pdf", "/programme.pdf"} {
			res := a.as(trainerBEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d%s", s.ID, path), nil)
			if res.Code != 200 {
				t.Errorf("trainer of B on %s: %d %s", path, res.Code, res.Body)
			}
			for _, secret := range append(a.emailsOf(a.orgA), a.tokensOf(s.ID)...) {
				if strings.Contains(res.Body.String(), secret) {
					t.Errorf("trainer of B on %s sees %q", path, secret)
				}
			}
		}
		var rows []registrationJSON
		mustJSON(t, a.as(trainerBEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/registrations", s.ID), nil), &rows)
		if len(rows) != 6 || rows[0].PersonName == "" {
			t.Errorf("trainer's list: %+v", rows)
		}
		res := a.as(trainerBEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/checkin", s.ID), map[string]string{"token": regsA[0].Token})
		if res.Code != 200 || !strings.Contains(res.Body.String(), "Personne") {
			t.Errorf("check-in by B's trainer: %d %s", res.Code, res.Body)
		}
		expectError(t, a.as(trainerBEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/walkins", s.ID), map[string]string{"name": "Passant"}), 403, "forbidden")
		expectError(t, a.as(trainerBEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil), 404, "not_found")
		expectError(t, a.as(trainerBEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]string{"title": "x"}), 404, "not_found")
		if res := a.page(a.browserSession(trainerBEmail), "GET", fmt.Sprintf("/app/sessions/%d/day", s.ID), nil); res.Code != 200 {
			t.Errorf("B's trainer's day page: %d", res.Code)
		}
		var mine []sessionJSON
		mustJSON(t, a.as(trainerBEmail, "GET", "/api/v1/sessions?trainer=me", nil), &mine)
		if len(mine) != 1 || mine[0].ID != s.ID {
			t.Errorf("B's trainer's sessions: %+v", mine)
		}
		// Once A belongs to a region, it pools its sessions there only.
		a.regionOf("region-ab", "Région AB", a.orgA, a.orgB)
		e = expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"quotas": map[string]int{"commune-b": 2, "commune-c": 1}}), 422, "validation", "quotas.commune-c")
		if !strings.Contains(e.Error.Fields["quotas.commune-c"], "Commune C n’est pas de la région") {
			t.Errorf("outside the region: %+v", e.Error.Fields)
		}
		// Fewer seats for B than B has people booked: refused.
		a.setNow(time.Date(2026, 3, 2, 9, 0, 0, 0, tz.Zurich))
		expectError(t, a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/sessions/%d", s.ID), map[string]any{"quotas": map[string]int{"commune-b": 1}}), 409, "conflict")
		// A freed seat of B goes to B's first waiting.
		if res := a.as(hrBEmail, "DELETE", fmt.Sprintf("/api/v1/registrations/%d", regsB[0].ID), nil); res.Code != 200 {
			t.Fatalf("cancel: %d", res.Code)
		}
		for _, r := range a.registrations(hrBEmail, s.ID) {
			if r.ID == regsB[2].ID && r.Status != "booked" {
				t.Errorf("B's waiting not promoted: %+v", r)
			}
		}
		for _, r := range a.registrations(hrAEmail, s.ID) {
			if r.ID == regsA[2].ID && r.Status != "waitlisted" {
				t.Errorf("A's waiting took B's seat: %+v", r)
			}
		}
	})
}

// emailsOf lists the addresses of a commune's people.
func (a *app) emailsOf(org *store.Org) []string {
	a.t.Helper()
	people, _, err := a.store.People(context.Background(), store.PeopleFilter{OrgID: org.ID})
	if err != nil {
		a.t.Fatal(err)
	}
	var out []string
	for _, p := range people {
		if p.Email != nil {
			out = append(out, *p.Email)
		}
	}
	return out
}

// tokensOf lists the personal links of a session's registrations.
func (a *app) tokensOf(sessionID int64) []string {
	a.t.Helper()
	rows, err := a.store.RegistrationRows(context.Background(), store.RegistrationFilter{SessionID: sessionID})
	if err != nil {
		a.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Token)
	}
	return out
}

// TestQuotasForm: the scheduling form offers seats to the other communes
// of the region, keeps what was typed when refused (naming the commune's
// field), and makes a pooled session; outside a region it offers none.
func TestQuotasForm(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		hr := a.browserSession(hrAEmail)
		if body := a.page(hr, "GET", "/app/sessions/new", nil).Body.String(); strings.Contains(body, `name="quotas.`) {
			t.Error("seats offered to communes outside any region")
		}
		a.regionOf("valais-romand", "Antenne Région Valais romand", a.orgA, a.orgB)
		body := a.page(hr, "GET", "/app/sessions/new", nil).Body.String()
		if !strings.Contains(body, `name="quotas.commune-b"`) || strings.Contains(body, `name="quotas.commune-a"`) {
			t.Fatalf("the form does not offer seats to commune B alone:\n%s", body)
		}
		form := url.Values{"format": {"aubonne"}, "starts_at": {"2026-03-10T14:00"}, "capacity": {"4"}, "location_name": {"Salle du Conseil"}, "quotas.commune-b": {"5"}}
		res := a.page(hr, "POST", "/app/sessions", form)
		if res.Code != 422 || !strings.Contains(res.Body.String(), `<p class="field-error">Les quotas totalisent 5 places, la capacité n’est que de 4.</p>`) || !strings.Contains(res.Body.String(), `value="5"`) {
			t.Errorf("too many seats: %d %s", res.Code, res.Body)
		}
		form.Set("quotas.commune-b", "2")
		res = a.page(hr, "POST", "/app/sessions", form)
		if res.Code != http.StatusSeeOther {
			t.Fatalf("pooled session: %d %s", res.Code, res.Body)
		}
		var id int64
		if _, err := fmt.Sscanf(res.Header().Get("Location"), "/app/sessions/%d", &id); err != nil {
			t.Fatal(err)
		}
		got := a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d", id), nil).Body.String()
		if !strings.Contains(got, `"quotas":{"commune-b":2}`) || !strings.Contains(got, `"open_to_other_communes":true`) {
			t.Errorf("the session made by the form: %s", got)
		}
	})
}
