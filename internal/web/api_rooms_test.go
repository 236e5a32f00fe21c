package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/tz"
)

// TestRoomConflicts: a room taken at that time by another live session of
// the commune refuses a session (409 naming it), through the API and the
// form, unless the overlap is allowed.
func TestRoomConflicts(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		at := func(day, h, m int) time.Time { return time.Date(2026, 3, day, h, m, 0, 0, tz.Zurich) }
		first := a.createSession(hrAEmail, sessionBody("aubonne", at(10, 13, 30), 5)) // 13:30–16:30
		clash := func(body map[string]any) {
			t.Helper()
			e := expectError(t, a.as(hrAEmail, "POST", "/api/v1/sessions", body), 409, "conflict")
			if !strings.Contains(e.Error.Message, first.Title) || !strings.Contains(e.Error.Message, fmt.Sprintf("n°\u00a0%d", first.ID)) || !strings.Contains(e.Error.Message, "mardi 10 mars 2026, 13 h 30 – 16 h 30") {
				t.Errorf("the refusal does not name the other session: %s", e.Error.Message)
			}
		}
		clash(sessionBody("yverdon-cadres", at(10, 15, 0), 5))
		// The same room written differently is the same room.
		same := sessionBody("yverdon-cadres", at(10, 12, 0), 5)
		same["location"] = map[string]string{"name": "  salle du conseil ", "address": "Place de l’Hôtel-de-Ville 1,  1400 Yverdon-les-Bains", "room": "2E ÉTAGE"}
		clash(same)
		// German names the session too.
		res := a.as(hrAEmail, "POST", "/api/v1/sessions", sessionBody("yverdon-cadres", at(10, 15, 0), 5), "Accept-Language", "de")
		if res.Code != 409 || !strings.Contains(res.Body.String(), "Dienstag, 10. März 2026, 13.30–16.30 Uhr") {
			t.Errorf("German refusal: %d %s", res.Code, res.Body)
		}
		ok := map[string]map[string]any{
			"just after":   sessionBody("yverdon-cadres", at(10, 16, 30), 5),
			"just before":  sessionBody("yverdon-cadres", at(10, 11, 30), 5), // ends at 13:30
			"another room": inRoom(sessionBody("yverdon-cadres", at(10, 14, 0), 5), "Salle 3"),
			"overlap allowed": func() map[string]any {
				b := sessionBody("yverdon-cadres", at(10, 14, 0), 5)
				b["allow_room_overlap"] = true
				return b
			}(),
			"another commune's": sessionBody("yverdon-cadres", at(10, 14, 0), 5),
		}
		for name, body := range ok {
			who := hrAEmail
			if name == "another commune's" {
				who = hrBEmail
			}
			if res := a.as(who, "POST", "/api/v1/sessions", body); res.Code != http.StatusCreated {
				t.Errorf("%s: %d %s", name, res.Code, res.Body)
			}
		}
		// A cancelled session leaves its room free.
		gone := a.createSession(hrAEmail, sessionBody("aubonne", at(12, 8, 0), 5))
		if res := a.as(hrAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/cancel", gone.ID), nil); res.Code != 200 {
			t.Fatalf("cancel: %d", res.Code)
		}
		later := a.createSession(hrAEmail, sessionBody("aubonne", at(12, 9, 0), 5))
		// Moving a session into a taken room is refused, and allowed when asked.
		patch := fmt.Sprintf("/api/v1/sessions/%d", later.ID)
		e := expectError(t, a.as(hrAEmail, "PATCH", patch, map[string]any{"starts_at": at(10, 14, 0).Format(time.RFC3339)}), 409, "conflict")
		if !strings.Contains(e.Error.Message, first.Title) {
			t.Errorf("PATCH refusal: %s", e.Error.Message)
		}
		if s := a.session(hrAEmail, later.ID); !s.StartsAt.Equal(at(12, 9, 0)) || s.Sequence != 0 {
			t.Errorf("a refused move changed the session: %+v", s)
		}
		// Changing the title alone never asks about the room.
		if res := a.as(hrAEmail, "PATCH", patch, map[string]any{"title": "Autre titre"}); res.Code != 200 {
			t.Errorf("title: %d %s", res.Code, res.Body)
		}
		if res := a.as(hrAEmail, "PATCH", patch, map[string]any{"starts_at": at(10, 14, 0).Format(time.RFC3339), "allow_room_overlap": true}); res.Code != 200 {
			t.Errorf("allowed move: %d %s", res.Code, res.Body)
		}

		// The form says so too, and keeps what was typed.
		hr := a.browserSession(hrAEmail)
		form := url.Values{"format": {"aubonne"}, "starts_at": {"2026-03-10T14:00"}, "capacity": {"5"}, "location_name": {"Salle du Conseil"},
			"location_address": {"Place de l’Hôtel-de-Ville 1, 1400 Yverdon-les-Bains"}, "location_room": {"2e étage"}}
		res = a.page(hr, "POST", "/app/sessions", form)
		if res.Code != 409 || !strings.Contains(res.Body.String(), "Autoriser le chevauchement de salle") || !strings.Contains(res.Body.String(), `value="2026-03-10T14:00"`) {
			t.Errorf("form: %d", res.Code)
		}
		form.Set("allow_room_overlap", "on")
		if res := a.page(hr, "POST", "/app/sessions", form); res.Code != http.StatusSeeOther {
			t.Errorf("form with the overlap allowed: %d", res.Code)
		}
	})
}
