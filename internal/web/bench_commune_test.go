package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/store/storetest"
)

// communePages are the pages BenchmarkCommune times.
func communePages(w communeWorld) []pageRequest {
	return []pageRequest{
		{"dashboard", hrAEmail, "/app", true},
		{"people-search", hrAEmail, "/app/people?q=" + w.Search, true},
		{"session-page", hrAEmail, fmt.Sprintf("/app/sessions/%d", w.Big), true},
		{"campaign-json", hrAEmail, "/api/v1/reports/campaign", false},
		{"campaign-pdf", hrAEmail, "/api/v1/reports/campaign.pdf", false},
		{"attendance-csv", hrAEmail, "/api/v1/reports/attendance.csv", false},
	}
}

// Targets of issue 13 for a large commune's pages.
const (
	communeMaxRatio = 12
	communeMaxTime  = 300 * time.Millisecond
)

// BenchmarkCommune times the heavy pages through the router on the large
// commune (5,000 people, 40 services, 500 sessions, 20,000 registrations,
// a session of 200) and on one a tenth of its size, on SQLite and, with
// ATELIER_TEST_DATABASE_URL, PostgreSQL. Each iteration reads the page at
// both sizes; the metrics are the time of each (ms/large, ms/small) and
// their ratio. It fails when the large page takes more than 300 ms or 12
// times the small one.
//
//	go test -run XXX -bench Commune -benchtime 20x ./internal/web
func BenchmarkCommune(b *testing.B) {
	for _, kind := range storetest.Kinds() {
		large, small := newApp(b, storetest.Fresh(b, kind)), newApp(b, storetest.Fresh(b, kind))
		wl, ws := fillCommune(b, large, largeCommune), fillCommune(b, small, largeCommune.div(10))
		sl, ss := &signedIn{a: large}, &signedIn{a: small}
		pl, ps := communePages(wl), communePages(ws)
		for i := range pl {
			b.Run(kind+"/"+pl[i].name, func(b *testing.B) {
				var tl, ts time.Duration
				for b.Loop() {
					tl += timePage(b, large, sl, pl[i])
					ts += timePage(b, small, ss, ps[i])
				}
				n := float64(b.N)
				msl, mss := tl.Seconds()*1000/n, ts.Seconds()*1000/n
				b.ReportMetric(msl, "ms/large")
				b.ReportMetric(mss, "ms/small")
				b.ReportMetric(msl/mss, "ratio")
				if msl/mss > communeMaxRatio || time.Duration(msl*float64(time.Millisecond)) > communeMaxTime {
					b.Errorf("%s: %.1f ms at 5,000 people, %.1f ms at 500 (%.1f×): the targets are %v and %d×", pl[i].name, msl, mss, msl/mss, communeMaxTime, communeMaxRatio)
				}
			})
		}
	}
}

// timePage reads a page once and returns how long the router took.
func timePage(b *testing.B, a *app, s *signedIn, r pageRequest) time.Duration {
	b.StopTimer()
	req := s.request(r)
	res := httptest.NewRecorder()
	b.StartTimer()
	start := time.Now()
	a.h.ServeHTTP(res, req)
	took := time.Since(start)
	if res.Code != http.StatusOK {
		b.Fatalf("%s: %d %.300s", r.path, res.Code, res.Body)
	}
	return took
}
