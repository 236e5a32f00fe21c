package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

func (a *app) trainerID() int64 {
	a.t.Helper()
	for _, u := range a.users(hrAEmail) {
		if u.Email == trainerAEmail {
			return u.ID
		}
	}
	a.t.Fatal("no trainer")
	return 0
}

func TestAttendanceAndCheckIn(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		body := sessionBody(f.Slug, start, 2)
		body["trainers"] = []int64{a.trainerID()}
		s := a.createSession(hrAEmail, body)
		other := a.createSession(hrAEmail, inRoom(sessionBody(f.Slug, start, 5), "Salle 2"))
		ids := a.addPeople(a.orgA, 3, "staff", nil)
		regs := a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids}).Registrations
		otherReg := a.book(hrAEmail, other.ID, map[string]any{"person_id": ids[0]}).Registrations[0]
		mark := func(who string, reg int64, status string) *registrationJSONResult {
			res := a.as(who, "PUT", fmt.Sprintf("/api/v1/registrations/%d/attendance", reg), map[string]string{"status": status})
			return &registrationJSONResult{res.Code, res.Body.String()}
		}
		// Before the doors open: refused.
		if r := mark(trainerAEmail, regs[0].ID, "present"); r.code != 409 {
			t.Errorf("before start: %d %s", r.code, r.body)
		}
		a.setNow(start.Add(-10 * time.Minute)) // doors open
		cases := map[string]struct {
			who    string
			reg    int64
			status string
			code   int
		}{
			"trainer marks present": {trainerAEmail, regs[0].ID, "present", 200},
			"hr marks absent":       {hrAEmail, regs[1].ID, "absent", 200},
			"waitlisted":            {hrAEmail, regs[2].ID, "present", 409},
			"unknown status":        {hrAEmail, regs[1].ID, "late", 422},
			"not their session":     {trainerAEmail, otherReg.ID, "present", 403},
			"other commune":         {hrBEmail, regs[0].ID, "present", 404},
		}
		for name, tc := range cases {
			if r := mark(tc.who, tc.reg, tc.status); r.code != tc.code {
				t.Errorf("%s: %d, want %d: %s", name, r.code, tc.code, r.body)
			}
		}
		got := a.registrations(hrAEmail, s.ID)
		if got[0].Attendance != "present" && got[1].Attendance != "present" {
			t.Errorf("attendance not kept: %+v", got)
		}
		var hist []auditJSON
		mustJSON(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil), &hist)
		found := false
		for _, h := range hist {
			if h.Action == "attendance" && h.Actor == hrAEmail && h.Details["to"] == "absent" && h.UserID != nil {
				found = true
			}
		}
		if !found {
			t.Errorf("HR's mark not in the history: %+v", hist)
		}
		// unknown undoes.
		if r := mark(hrAEmail, regs[1].ID, "unknown"); r.code != 200 || !strings.Contains(r.body, `"attendance":"unknown"`) || strings.Contains(r.body, "attendance_at") {
			t.Errorf("undo: %s", r.body)
		}

		// QR: a PNG holding the personal link; scanning it checks in.
		res := a.do("GET", "/r/"+regs[1].Token+"/qr.png", "", nil)
		img, err := png.Decode(bytes.NewReader(res.Body.Bytes()))
		if res.Code != 200 || res.Header().Get("Content-Type") != "image/png" || err != nil || img.Bounds().Dx() < 200 {
			t.Fatalf("qr: %d %v", res.Code, err)
		}
		checkin := func(who string, session int64, code string) (int, checkinJSON) {
			res := a.as(who, "POST", fmt.Sprintf("/api/v1/sessions/%d/checkin", session), map[string]string{"token": code})
			var out checkinJSON
			if res.Code == 200 {
				mustJSON(t, res, &out)
			}
			return res.Code, out
		}
		code, out := checkin(trainerAEmail, s.ID, "https://atelier.example/r/"+regs[1].Token)
		if code != 200 || out.Name != "Personne 001 staff" || out.Already || out.Registration.Attendance != "present" {
			t.Errorf("check-in: %d %+v", code, out)
		}
		code, out = checkin(trainerAEmail, s.ID, regs[1].Token)
		if code != 200 || !out.Already {
			t.Errorf("second scan: %d %+v", code, out)
		}
		if code, _ := checkin(hrAEmail, s.ID, otherReg.Token); code != 404 {
			t.Errorf("token of another session: %d", code)
		}
		if code, _ := checkin(hrAEmail, s.ID, "NOPENOPENOPENOPENOPENOPE"); code != 404 {
			t.Errorf("unknown token: %d", code)
		}

		// A walk-in is registered on the spot, present, beyond capacity.
		res = a.as(trainerAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/walkins", s.ID), map[string]any{"name": "Raphaël Bender", "email": "raphael@commune-a.example"})
		var walk registrationJSON
		mustJSON(t, res, &walk)
		if res.Code != 201 || walk.Status != "booked" || walk.Attendance != "present" || !walk.WalkIn {
			t.Fatalf("walk-in: %d %s", res.Code, res.Body)
		}
		if ss := a.session(hrAEmail, s.ID); ss.Booked != 3 {
			t.Errorf("booked after walk-in: %d", ss.Booked)
		}
		expectError(t, a.as(trainerAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/walkins", s.ID), map[string]any{"name": ""}), 422, "validation", "name")
		// The waitlisted person walks in: booked and present, list moves on.
		res = a.as(trainerAEmail, "POST", fmt.Sprintf("/api/v1/sessions/%d/walkins", s.ID), map[string]any{"name": "x", "email": "p3@commune-a.example"})
		if res.Code != 201 {
			t.Fatalf("waitlisted walk-in: %d %s", res.Code, res.Body)
		}
		a.checkWaitlist(s.ID, 4, 0)
	})
}

type registrationJSONResult struct {
	code int
	body string
}

func TestFeedback(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, start, 5))
		ids := a.addPeople(a.orgA, 1, "staff", nil)
		reg := a.book(hrAEmail, s.ID, map[string]any{"person_id": ids[0]}).Registrations[0]
		good := map[string]any{"overall": 5, "will_use": 4, "confidence_before": 2, "confidence_after": 4, "use_cases": "Résumer les consultations", "worries": "Protection des données"}
		path := "/r/" + reg.Token + "/feedback"
		expectError(t, a.do("POST", path, "", good), 409, "conflict")
		if strings.Contains(a.do("GET", "/r/"+reg.Token, "", nil).Body.String(), "/feedback") {
			t.Error("feedback form shown before the end")
		}
		a.setNow(s.EndsAt.Add(time.Hour))
		if !strings.Contains(a.do("GET", "/r/"+reg.Token, "", nil).Body.String(), `action="/r/`+reg.Token+`/feedback"`) {
			t.Error("feedback form missing after the end")
		}
		bad := map[string]struct {
			mutate func(m map[string]any)
			fields []string
		}{
			"zero":       {func(m map[string]any) { m["overall"] = 0 }, []string{"overall"}},
			"six":        {func(m map[string]any) { m["will_use"] = 6 }, []string{"will_use"}},
			"missing":    {func(m map[string]any) { delete(m, "confidence_after") }, []string{"confidence_after"}},
			"long text":  {func(m map[string]any) { m["worries"] = strings.Repeat("é", 2001) }, []string{"worries"}},
			"long cases": {func(m map[string]any) { m["use_cases"] = strings.Repeat("a", 2001) }, []string{"use_cases"}},
		}
		for name, tc := range bad {
			m := map[string]any{}
			for k, v := range good {
				m[k] = v
			}
			tc.mutate(m)
			t.Run(name, func(t *testing.T) { expectError(t, a.do("POST", path, "", m), 422, "validation", tc.fields...) })
		}
		if n := a.count("feedback"); n != 0 {
			t.Fatalf("%d feedback rows after refusals", n)
		}
		if res := a.do("POST", path, "", good); res.Code != 200 {
			t.Fatalf("feedback: %d %s", res.Code, res.Body)
		}
		// The form: a second answer replaces the first; a bad one re-renders with the message next to the field.
		form := url.Values{"overall": {"3"}, "will_use": {"5"}, "confidence_before": {"1"}, "confidence_after": {"5"}, "use_cases": {"PV du conseil"}, "worries": {""}}
		res := a.do("POST", path, "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if res.Code != http.StatusSeeOther {
			t.Fatalf("form: %d %s", res.Code, res.Body)
		}
		if n := a.count("feedback"); n != 1 {
			t.Errorf("%d feedback rows, want 1", n)
		}
		page := a.do("GET", "/r/"+reg.Token+"?done=feedback", "", nil).Body.String()
		if !strings.Contains(page, "Merci pour votre retour") || !strings.Contains(page, "PV du conseil") || !strings.Contains(page, `value="5" checked`) {
			t.Errorf("page after feedback lacks the answers")
		}
		form.Set("will_use", "9")
		form.Set("use_cases", "<script>alert(1)</script>")
		res = a.do("POST", path, "", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if res.Code != 422 || !strings.Contains(res.Body.String(), "Choisissez une note de 1 à 5") || !strings.Contains(res.Body.String(), "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("bad form: %d %s", res.Code, res.Body)
		}
	})
}

func TestAttendanceCSV(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, start, 1))
		later := a.createSession(hrAEmail, sessionBody(f.Slug, start.AddDate(0, 2, 0), 5))
		ids := a.addPeople(a.orgA, 2, "staff", nil)
		regs := a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids}).Registrations
		a.book(hrAEmail, later.ID, map[string]any{"person_id": ids[0]})
		a.setNow(start)
		a.as(hrAEmail, "PUT", fmt.Sprintf("/api/v1/registrations/%d/attendance", regs[0].ID), map[string]string{"status": "present"})
		res := a.as(hrAEmail, "GET", "/api/v1/reports/attendance.csv", nil)
		if res.Code != 200 || res.Header().Get("Content-Type") != "text/csv; charset=utf-8" || !bytes.HasPrefix(res.Body.Bytes(), []byte("\xef\xbb\xbf")) {
			t.Fatalf("csv: %d %v %q", res.Code, res.Header(), res.Body.String()[:20])
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body.Bytes(), []byte("\xef\xbb\xbf"))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || strings.Join(rows[0], "|") != "Séance|Date|Format|Personne|Service|Rôle|Inscription|Présence" {
			t.Fatalf("rows: %q", rows)
		}
		if got := strings.Join(rows[1], "|"); got != s.Title+"|2026-03-10 13:30|"+f.Slug+"|Personne 000 staff||Collaborateur·rice|inscrit·e|présent·e" {
			t.Errorf("row 1: %s", got)
		}
		if rows[2][6] != "liste d’attente" || rows[2][7] != "non saisie" {
			t.Errorf("row 2: %q", rows[2])
		}
		// Filters: date range.
		res = a.as(hrAEmail, "GET", "/api/v1/reports/attendance.csv?from=2026-04-01&to=2026-12-31", nil)
		r = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body.Bytes(), []byte("\xef\xbb\xbf"))))
		r.Comma = ';'
		rows, _ = r.ReadAll()
		if len(rows) != 2 || rows[1][1] != "2026-05-10 13:30" {
			t.Errorf("filtered: %q", rows)
		}
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/reports/attendance.csv?from=yesterday", nil), 422, "validation", "from")
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/reports/attendance.csv?format=nope", nil), 422, "validation", "format")
		expectError(t, a.as(trainerAEmail, "GET", "/api/v1/reports/attendance.csv", nil), 403, "forbidden")
		if res := a.as(hrAEmail, "GET", "/api/v1/reports/attendance.csv?lang=de", nil); !strings.Contains(res.Body.String(), "Kurs;Datum;Format;Person;Abteilung;Rolle;Anmeldung;Anwesenheit") {
			t.Errorf("German header: %s", res.Body)
		}
	})
}

func TestExportAndErase(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, start, 5))
		ids := a.addPeople(a.orgA, 2, "head_of_service", nil)
		regs := a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids}).Registrations
		a.setNow(start)
		a.as(hrAEmail, "PUT", fmt.Sprintf("/api/v1/registrations/%d/attendance", regs[0].ID), map[string]string{"status": "present"})
		a.setNow(s.EndsAt.Add(time.Hour))
		a.do("POST", "/r/"+regs[0].Token+"/feedback", "", map[string]any{"overall": 5, "will_use": 5, "confidence_before": 1, "confidence_after": 4, "use_cases": "Mon nom est Personne 000", "worries": ""})
		var before map[string]any
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/reports/campaign", nil), &before)

		res := a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/people/%d/export", ids[0]), nil)
		var exp exportJSON
		mustJSON(t, res, &exp)
		if res.Code != 200 || exp.Person.Name != "Personne 000 head_of_service" || len(exp.Registrations) != 1 || exp.Registrations[0].Attendance != "present" ||
			len(exp.Feedback) != 1 || len(exp.Mail) != 1 || len(exp.History) < 2 {
			t.Fatalf("export: %d %s", res.Code, res.Body)
		}
		// The mail, queued by the booking, is listed with its subject.
		if !strings.Contains(exp.Mail[0].Subject, s.Title) || exp.Mail[0].To != "p1@commune-a.example" {
			t.Errorf("exported mail: %+v", exp.Mail[0])
		}
		expectError(t, a.as(hrBEmail, "GET", fmt.Sprintf("/api/v1/people/%d/export", ids[0]), nil), 404, "not_found")
		expectError(t, a.as(hrBEmail, "DELETE", fmt.Sprintf("/api/v1/people/%d", ids[0]), nil), 404, "not_found")
		expectError(t, a.as(trainerAEmail, "DELETE", fmt.Sprintf("/api/v1/people/%d", ids[0]), nil), 403, "forbidden")

		if res := a.as(hrAEmail, "DELETE", fmt.Sprintf("/api/v1/people/%d", ids[0]), nil); res.Code != 204 {
			t.Fatalf("erase: %d %s", res.Code, res.Body)
		}
		expectError(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/people/%d", ids[0]), nil), 404, "not_found")
		// Nothing identifying remains: no name in history, outbox, feedback.
		hist := a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/history", s.ID), nil).Body.String()
		outbox := a.as(hrAEmail, "GET", "/api/v1/outbox", nil).Body.String()
		db, _ := a.store.SQL()
		var texts string
		_ = db.QueryRow("SELECT COALESCE(MAX(use_cases), '') FROM feedback").Scan(&texts)
		for where, text := range map[string]string{"history": hist, "outbox": outbox, "feedback": texts} {
			if strings.Contains(text, "Personne 000") || strings.Contains(text, "p1@commune-a.example") {
				t.Errorf("%s still names the erased person", where)
			}
		}
		// The registration stays as an anonymous count: totals unchanged.
		if n := a.count("registrations"); n != 2 {
			t.Errorf("registrations: %d", n)
		}
		var after map[string]any
		mustJSON(t, a.as(hrAEmail, "GET", "/api/v1/reports/campaign", nil), &after)
		bc, ac := before["commune"].(map[string]any), after["commune"].(map[string]any)
		if bc["no_show_rate"] != ac["no_show_rate"] || bc["sessions_held"] != ac["sessions_held"] || ac["people"].(float64) != bc["people"].(float64)-1 {
			t.Errorf("commune before %v after %v", bc, ac)
		}
		deps := func(m map[string]any) map[string]any { return m["departments"].([]any)[0].(map[string]any) }
		if deps(before)["participations"] != deps(after)["participations"] || deps(after)["feedback"].(map[string]any)["respondents"].(float64) != 1 {
			t.Errorf("department before %v after %v", deps(before), deps(after))
		}
		rows := a.as(hrAEmail, "GET", "/api/v1/reports/attendance.csv", nil).Body.String()
		if !strings.Contains(rows, "(personne effacée)") {
			t.Errorf("csv: %s", rows)
		}
	})
}
