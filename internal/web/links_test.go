package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// TestPageLinks: the exports are links on the people and reports pages;
// the certificates link is disabled, with its reason, while nobody is
// present; a PDF link that fails answers a page, not raw JSON.
func TestPageLinks(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app) {
		hr := a.browserSession(hrAEmail)
		for _, path := range []string{"/app/people", "/app/reports"} {
			body := a.page(hr, "GET", path, nil).Body.String()
			if !strings.Contains(body, `href="/api/v1/people/export.csv`) || !strings.Contains(body, "/api/v1/reports/attendance.csv") {
				t.Errorf("%s: the exports are not linked", path)
			}
		}
		f := pickFormat(t, a, catalog.Voluntary)
		s := a.createSession(hrAEmail, sessionBody(f.Slug, time.Date(2026, 3, 10, 13, 30, 0, 0, tz.Zurich), 5))
		body := a.page(hr, "GET", fmt.Sprintf("/app/sessions/%d", s.ID), nil).Body.String()
		if strings.Contains(body, fmt.Sprintf(`href="/api/v1/sessions/%d/certificates.pdf"`, s.ID)) || !strings.Contains(body, "Les attestations s’impriment une fois") {
			t.Error("the certificates link should be disabled with its reason")
		}
		res := a.page(hr, "GET", fmt.Sprintf("/api/v1/sessions/%d/certificates.pdf", s.ID), nil, "Accept", "text/html,application/xhtml+xml")
		if res.Code != http.StatusConflict || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/html") || strings.Contains(res.Body.String(), `"error"`) {
			t.Errorf("a failing PDF link in a browser: %d %s", res.Code, res.Header().Get("Content-Type"))
		}
		// An API client still gets the contract's JSON.
		expectError(t, a.as(hrAEmail, "GET", fmt.Sprintf("/api/v1/sessions/%d/certificates.pdf", s.ID), nil), 409, "conflict")
	})
}
