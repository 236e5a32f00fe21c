package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPlanPages drives the plan pages through the router as a browser
// without JavaScript would: from a format's page to the form, the plan,
// a move, the acceptances, the confirmation step and the sessions.
func TestPlanPages(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		c := a.generateCommune(a.orgA, []int{6, 4, 3}, 2)
		b := a.generateCommune(a.orgB, []int{3}, 0)
		hr := a.browserSession(hrAEmail)
		res := a.page(hr, "GET", "/app/catalog/aubonne", nil)
		if !strings.Contains(res.Body.String(), `href="/app/plans/new?format=aubonne"`) || !strings.Contains(res.Body.String(), "Planifier une campagne") {
			t.Fatal("the format's page does not offer to plan a campaign")
		}
		res = a.page(hr, "GET", "/app/plans/new?format=aubonne", nil)
		if res.Code != 200 || !strings.Contains(res.Body.String(), `<option value="aubonne" selected>`) {
			t.Fatalf("form: %d", res.Code)
		}

		form := url.Values{"format": {"aubonne"}, "from": {"2026-03-09"}, "to": {"2026-04-30"}, "capacity": {"6"}, "max_share": {"50"}, "skip_trained": {"on"},
			"slot_weekday_0": {"tue"}, "slot_start_0": {"13:30"}, "slot_weekday_1": {"mon"}, "slot_start_1": {"18:30"}, "slot_council_1": {"on"},
			"location_name": {""}, "location_room": {"Salle <b>2</b>"}}
		res = a.page(hr, "POST", "/app/plans", form)
		if res.Code != 422 || !strings.Contains(res.Body.String(), "Champ obligatoire") || !strings.Contains(res.Body.String(), `value="Salle &lt;b&gt;2&lt;/b&gt;"`) {
			t.Fatalf("refused form: %d", res.Code)
		}
		form.Set("slot_start_0", "27:00")
		form.Set("location_name", "Salle du Conseil")
		if res := a.page(hr, "POST", "/app/plans", form); res.Code != 422 || !strings.Contains(res.Body.String(), "Heure invalide") {
			t.Fatalf("a bad slot: %d", res.Code)
		}
		form.Set("slot_start_0", "13:30")
		res = a.page(hr, "POST", "/app/plans", form)
		if res.Code != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Code, res.Body)
		}
		var id int64
		fmt.Sscanf(res.Header().Get("Location"), "/app/plans/%d", &id)
		path := fmt.Sprintf("/app/plans/%d", id)
		p := a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(id), nil, 200)

		page := a.page(hr, "GET", path, nil).Body.String()
		for _, want := range []string{"Plan de campagne", "Service A", "Service B", "Sans service", "Personne 000 head_of_service", "Séance\u00a02</h3>", "Retirer cette séance", `name="to_session"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the plan page lacks %q", want)
			}
		}
		others, err := a.store.PeopleByID(context.Background(), a.orgB.ID, b.all)
		if err != nil || len(others) != len(b.all) {
			t.Fatal(err)
		}
		for _, o := range others {
			if strings.Contains(page, o.Name) || strings.Contains(page, fmt.Sprintf(`value="%d"`, o.ID)) {
				t.Errorf("another commune's person %s on the page", o.Name)
			}
		}

		// Move a person through the form (a select per person).
		mover := c.all[0]
		from, _ := p.where(mover)
		to := 0
		for to == from || p.Sessions[to].Council {
			to++
		}
		res = a.page(hr, "POST", path+"/move", url.Values{"person_id": {fmt.Sprint(mover)}, "to_session": {fmt.Sprint(to)}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("move: %d %s", res.Code, res.Body)
		}
		p = a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(id), nil, 200)
		if w, _ := p.where(mover); w != to {
			t.Fatalf("moved to %d, want %d", w, to)
		}
		// A move into the council's slot breaks a rule: the page offers to
		// accept it, and the confirmation is refused until then.
		council := -1
		for _, s := range p.Sessions {
			if s.Council {
				council = s.Index
			}
		}
		a.page(hr, "POST", path+"/move", url.Values{"person_id": {fmt.Sprint(c.all[1])}, "to_session": {fmt.Sprint(council)}})
		page = a.page(hr, "GET", path+"?done=moved", nil).Body.String()
		if !strings.Contains(page, "Personne déplacée.") || !strings.Contains(page, `name="accept"`) || !strings.Contains(page, "réservé à ses membres") {
			t.Fatalf("the violation is not offered for acceptance")
		}
		res = a.page(hr, "POST", path+"/confirm", url.Values{})
		if res.Code != 409 || !strings.Contains(res.Body.String(), "à accepter avant de confirmer") {
			t.Fatalf("confirm with a violation: %d", res.Code)
		}
		all, _ := a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(id), nil, 200).violations()
		res = a.page(hr, "POST", path+"/accept", url.Values{"accept": all})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", res.Code, res.Body)
		}
		if _, open := a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(id), nil, 200).violations(); len(open) > 0 {
			t.Fatalf("still open: %v", open)
		}

		// The confirmation step says what will happen.
		p = a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(id), nil, 200)
		page = a.page(hr, "GET", path+"/confirm", nil).Body.String()
		want := fmt.Sprintf("Confirmer créera %d séance(s) et %d inscription(s)\u00a0; %d personne(s) recevront une invitation par e-mail.", p.Totals.Sessions, p.Totals.Bookings, p.Totals.Mailed)
		if !strings.Contains(page, want) {
			t.Errorf("the confirmation step lacks %q", want)
		}
		res = a.page(hr, "POST", path+"/confirm", url.Values{})
		if res.Code != http.StatusSeeOther || !strings.HasSuffix(res.Header().Get("Location"), "?done=confirmed") {
			t.Fatalf("confirm: %d %s", res.Code, res.Body)
		}
		p = a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(id), nil, 200)
		page = a.page(hr, "GET", res.Header().Get("Location"), nil).Body.String()
		if !strings.Contains(page, "Plan confirmé") || !strings.Contains(page, fmt.Sprintf(`href="/app/sessions/%d"`, p.SessionIDs[0])) || strings.Contains(page, `action="`+path+`/move"`) {
			t.Errorf("the confirmed plan's page")
		}
		sess := a.page(hr, "GET", fmt.Sprintf("/app/sessions/%d", p.SessionIDs[0]), nil).Body.String()
		if !strings.Contains(sess, fmt.Sprintf("séance créée par le plan de campagne n°\u00a0%d (séance 1 sur %d)", id, len(p.SessionIDs))) {
			t.Error("the session's history does not name the plan")
		}

		// A plan whose commune changes: the form shows the new proposal.
		form.Set("format", "ecublens-collaborateurs")
		form.Set("from", "2026-05-04")
		form.Set("to", "2026-06-30")
		res = a.page(hr, "POST", "/app/plans", form)
		fmt.Sscanf(res.Header().Get("Location"), "/app/plans/%d", &id)
		path = fmt.Sprintf("/app/plans/%d", id)
		a.addPeople(a.orgA, 1, "staff", &c.services[2])
		if page := a.page(hr, "GET", path+"/confirm", nil).Body.String(); !strings.Contains(page, "La commune a changé") {
			t.Error("the confirmation step does not warn that the commune changed")
		}
		res = a.page(hr, "POST", path+"/confirm", url.Values{})
		if res.Code != http.StatusSeeOther || !strings.HasSuffix(res.Header().Get("Location"), "?done=changed") {
			t.Fatalf("confirm after a change: %d %s", res.Code, res.Header())
		}
		if page := a.page(hr, "GET", res.Header().Get("Location"), nil).Body.String(); !strings.Contains(page, "voici un nouveau plan") {
			t.Error("no message about the new proposal")
		}
		// Remove a session through its form.
		before := len(a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(id), nil, 200).Sessions)
		if res := a.page(hr, "POST", path+"/remove", url.Values{"session": {"0"}}); res.Code != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.Code)
		}
		if after := len(a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(id), nil, 200).Sessions); after != before-1 {
			t.Errorf("%d sessions after removing one of %d", after, before)
		}
		// Others: a trainer is refused, another commune sees nothing.
		if res := a.page(a.browserSession(trainerAEmail), "GET", path, nil); res.Code != 403 {
			t.Errorf("trainer: %d", res.Code)
		}
		if res := a.page(a.browserSession(hrBEmail), "GET", path, nil); res.Code != 404 {
			t.Errorf("another commune: %d", res.Code)
		}
	})
}

// TestPlanPageManySessions: beyond 40 sessions the page asks for a session
// number rather than offering every session beside every person.
func TestPlanPageManySessions(t *testing.T) {
	a := newApp(t, freshSQLite(t))
	c := a.generateCommune(a.orgA, []int{45}, 0)
	var slots []map[string]any
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		slots = append(slots, map[string]any{"weekday": d, "start": "08:00"}, map[string]any{"weekday": d, "start": "13:30"})
	}
	p := a.planCall(hrAEmail, "POST", "/api/v1/plans", map[string]any{"format": "ecublens-collaborateurs", "audience": map[string]any{"all": true},
		"from": "2026-03-09", "to": "2026-04-30", "slots": slots, "capacity": 1, "max_share_of_service": 1, "location": map[string]string{"name": "Salle"}}, http.StatusCreated)
	if len(p.Sessions) != 45 {
		t.Fatalf("%d sessions", len(p.Sessions))
	}
	hr := a.browserSession(hrAEmail)
	path := fmt.Sprintf("/app/plans/%d", p.ID)
	page := a.page(hr, "GET", path, nil).Body.String()
	if strings.Contains(page, "<select id=\"move-") || !strings.Contains(page, `name="session_number" type="number" min="1" max="45"`) {
		t.Fatal("the page offers a select of 45 sessions per person")
	}
	mover := p.Sessions[0].People[0]
	if res := a.page(hr, "POST", path+"/move", url.Values{"person_id": {fmt.Sprint(mover)}, "session_number": {"45"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("move by number: %d", res.Code)
	}
	if w, _ := a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(p.ID), nil, 200).where(mover); w != 44 {
		t.Errorf("moved to %d, want 44", w)
	}
	if res := a.page(hr, "POST", path+"/move", url.Values{"person_id": {fmt.Sprint(mover)}, "session_number": {"2"}, "to_session": {"out"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("out of the plan: %d", res.Code)
	}
	if w, reason := a.planCall(hrAEmail, "GET", "/api/v1/plans/"+fmt.Sprint(p.ID), nil, 200).where(mover); w != -1 || reason != "excluded" {
		t.Errorf("out: %d %s", w, reason)
	}
	if res := a.page(hr, "POST", path+"/move", url.Values{"person_id": {fmt.Sprint(c.all[1])}, "session_number": {"46"}}); res.Code != 422 {
		t.Errorf("session 46 of 45: %d", res.Code)
	}
}
