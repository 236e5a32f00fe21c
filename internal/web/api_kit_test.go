package web

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// pdfText extracts a PDF's text with pdftotext (poppler), as a reader would.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext missing (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext missing")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestKitDownloads(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		f := pickFormat(t, a, catalog.Voluntary)
		start := time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich)
		body := sessionBody(f.Slug, start, 2)
		body["trainers"] = []int64{a.trainerID()}
		s := a.createSession(hrAEmail, body)
		ids := a.addPeople(a.orgA, 3, "staff", nil)
		names := []string{"Élodie Jacquier", "Stéphane Zufferey", "Zoé Waitlisted"}
		for i, id := range ids {
			a.as(hrAEmail, "PATCH", fmt.Sprintf("/api/v1/people/%d", id), map[string]any{"name": names[i]})
		}
		regs := a.book(hrAEmail, s.ID, map[string]any{"person_ids": ids}).Registrations

		get := func(who, path string) ([]byte, int, string) {
			res := a.as(who, "GET", path, nil)
			return res.Body.Bytes(), res.Code, res.Header().Get("Content-Type")
		}
		data, code, ct := get(hrAEmail, fmt.Sprintf("/api/v1/sessions/%d/signin-sheet.pdf", s.ID))
		if code != 200 || ct != "application/pdf" {
			t.Fatalf("sign-in: %d %s %s", code, ct, data)
		}
		text := pdfText(t, data)
		if !strings.Contains(text, "Jacquier Élodie") || !strings.Contains(text, "Zufferey Stéphane") || strings.Contains(text, "Waitlisted") ||
			strings.Index(text, "Jacquier") > strings.Index(text, "Zufferey") {
			t.Errorf("sign-in sheet: %s", text)
		}
		data, code, _ = get(trainerAEmail, fmt.Sprintf("/api/v1/sessions/%d/sheets.pdf?variant=trainer", s.ID))
		if code != 200 || !strings.Contains(pdfText(t, data), "Commune A") {
			t.Errorf("trainer sheets: %d", code)
		}
		data, code, _ = get(hrAEmail, fmt.Sprintf("/api/v1/sessions/%d/programme.pdf", s.ID))
		if code != 200 || !strings.Contains(pdfText(t, data), "13 h 30") {
			t.Errorf("programme: %d %s", code, pdfText(t, data))
		}
		expectError(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/sheets.pdf?variant=boss", s.ID), nil), 422, "validation", "variant")
		expectError(t, a.as(hrBEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/signin-sheet.pdf", s.ID), nil), 404, "not_found")
		expectError(t, a.as(hrAEmail, "GET", "/api/v1/sessions/999999/programme.pdf", nil), 404, "not_found")
		// Certificates: nobody present yet → 409; then only the present one.
		expectError(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/certificates.pdf", s.ID), nil), 409, "conflict")
		a.setNow(start)
		a.as(hrAEmail, "PUT", fmt.Sprintf("/api/v1/registrations/%d/attendance", regs[0].ID), map[string]string{"status": "present"})
		a.as(hrAEmail, "PUT", fmt.Sprintf("/api/v1/registrations/%d/attendance", regs[1].ID), map[string]string{"status": "absent"})
		data, code, _ = get(hrAEmail, fmt.Sprintf("/api/v1/sessions/%d/certificates.pdf", s.ID))
		text = pdfText(t, data)
		if code != 200 || !strings.Contains(text, "Élodie Jacquier") || strings.Contains(text, "Stéphane") {
			t.Errorf("certificates: %d %s", code, text)
		}
		// The participant's own certificate, once present.
		res := a.do("GET", "/r/"+regs[0].Token+"/certificate.pdf", "", nil)
		if res.Code != 200 || !strings.Contains(pdfText(t, res.Body.Bytes()), "Élodie Jacquier") {
			t.Errorf("own certificate: %d", res.Code)
		}
		if res := a.do("GET", "/r/"+regs[1].Token+"/certificate.pdf", "", nil); res.Code != 409 {
			t.Errorf("absent person's certificate: %d", res.Code)
		}
		// Format sheets need no login; the participant variant has no trainer notes.
		ex := a.srv.svc.Catalog.ExercisesOf(f)[0]
		part := pdfText(t, a.do("GET", "/api/v1/formats/"+f.Slug+"/sheets.pdf?variant=participant", "", nil).Body.Bytes())
		trainer := pdfText(t, a.do("GET", "/api/v1/formats/"+f.Slug+"/sheets.pdf?variant=trainer", "", nil).Body.Bytes())
		note := strings.Join(strings.Fields(ex.TrainerNotes[0]), " ")[:30]
		if !strings.Contains(part, ex.Title[:20]) || strings.Contains(part, note) || !strings.Contains(trainer, note) {
			t.Errorf("format sheets: trainer note %q in participant %v, in trainer %v", note, strings.Contains(part, note), strings.Contains(trainer, note))
		}
		if res := a.do("GET", "/api/v1/formats/nope/sheets.pdf", "", nil); res.Code != 404 {
			t.Errorf("unknown format: %d", res.Code)
		}
		// Campaign report PDF.
		data, code, _ = get(hrAEmail, "/api/v1/reports/campaign.pdf")
		if code != 200 || !strings.Contains(pdfText(t, data), "Rapport de campagne – Commune A") {
			t.Errorf("campaign pdf: %d", code)
		}
	})
}
