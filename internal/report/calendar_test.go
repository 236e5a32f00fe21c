package report

import (
	"fmt"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// TestCalendar counts sessions by week, month or year in Europe/Zurich:
// every period between the first and the last, cancelled sessions and
// other communes' left out.
func TestCalendar(t *testing.T) {
	at := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, tz.Zurich).UTC()
	}
	sess := func(start time.Time, mods ...func(*store.Session)) store.Session {
		s := store.Session{OrgID: 1, StartsAt: start, Status: store.SessionScheduled}
		for _, m := range mods {
			m(&s)
		}
		return s
	}
	cancelled := func(s *store.Session) { s.Status = store.SessionCancelled }
	other := func(s *store.Session) { s.OrgID = 2 }
	cases := map[string]struct {
		sessions []store.Session
		want     string
	}{
		"none": {nil, "week []"},
		"one":  {[]store.Session{sess(at(2026, 3, 4, 9, 0))}, "week [{2026-03-02 1}]"},
		"weeks, empty ones too": {[]store.Session{sess(at(2026, 3, 16, 9, 0)), sess(at(2026, 3, 3, 9, 0)), sess(at(2026, 3, 5, 14, 0)),
			sess(at(2026, 3, 10, 9, 0), cancelled), sess(at(2026, 3, 11, 9, 0), other)},
			"week [{2026-03-02 2} {2026-03-09 0} {2026-03-16 1}]"},
		// Sunday 23:30 in Zurich is Sunday 21:30 or 22:30 UTC: that week.
		"sunday night":  {[]store.Session{sess(at(2026, 3, 8, 23, 30)), sess(at(2026, 3, 9, 0, 30))}, "week [{2026-03-02 1} {2026-03-09 1}]"},
		"summer time":   {[]store.Session{sess(at(2026, 3, 27, 9, 0)), sess(at(2026, 4, 3, 9, 0))}, "week [{2026-03-23 1} {2026-03-30 1}]"},
		"sixteen weeks": {[]store.Session{sess(at(2026, 1, 5, 9, 0)), sess(at(2026, 4, 27, 9, 0))}, "week 17"},
		"months": {[]store.Session{sess(at(2026, 1, 5, 9, 0)), sess(at(2026, 5, 4, 9, 0)), sess(at(2026, 1, 31, 23, 30))},
			"month [{2026-01-01 2} {2026-02-01 0} {2026-03-01 0} {2026-04-01 0} {2026-05-01 1}]"},
		"years": {[]store.Session{sess(at(2020, 6, 1, 9, 0)), sess(at(2026, 2, 1, 9, 0))}, "year 7"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := calendar(tc.sessions, 1)
			got := fmt.Sprintf("%s %v", c.Unit, c.Periods)
			if len(c.Periods) > 5 {
				got = fmt.Sprintf("%s %d", c.Unit, len(c.Periods))
			}
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			total := 0
			for _, p := range c.Periods {
				total += p.Sessions
				if s := p.StartTime(); s.Format(time.DateOnly) != p.Start || s.Hour() != 0 || s.Location() != tz.Zurich {
					t.Errorf("period %s starts at %v", p.Start, s)
				}
			}
			want := 0
			for _, s := range tc.sessions {
				if s.OrgID == 1 && s.Status != store.SessionCancelled {
					want++
				}
			}
			if total != want {
				t.Errorf("%d sessions counted, want %d", total, want)
			}
		})
	}
}
