package report

import (
	"time"

	"github.com/atelier-ch/atelier/internal/store"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Units of a Calendar's periods.
const (
	UnitWeek  = "week"
	UnitMonth = "month"
	UnitYear  = "year"
)

// Spans up to which a calendar counts by week, then by month; beyond, by
// year. A chart of some twenty columns still reads at a phone's width.
const (
	maxWeeks  = 16
	maxMonths = 60
)

// Calendar is the campaign's sessions over time: how many of the commune's
// sessions (held or to come, not cancelled) start in each period, every
// period from the first session's to the last's, the empty ones too, so
// that a chart spaces them evenly in time.
type Calendar struct {
	// Unit is "week" (from Monday), "month" or "year".
	Unit    string   `json:"unit"`
	Periods []Period `json:"periods"`
}

// Period is one week, month or year of a Calendar.
type Period struct {
	// Start is the period's first day in Europe/Zurich, YYYY-MM-DD.
	Start    string `json:"start"`
	Sessions int    `json:"sessions"`
}

// StartTime returns the period's first day at midnight in Europe/Zurich.
func (p Period) StartTime() time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, p.Start, tz.Zurich)
	return t
}

// calendar counts the commune's sessions by period.
func calendar(sessions []store.Session, orgID int64) Calendar {
	var starts []time.Time
	for i := range sessions {
		s := &sessions[i]
		if s.OrgID == orgID && s.Status != store.SessionCancelled {
			starts = append(starts, tz.In(s.StartsAt))
		}
	}
	cal := Calendar{Unit: UnitWeek, Periods: []Period{}}
	if len(starts) == 0 {
		return cal
	}
	first, last := starts[0], starts[0]
	for _, t := range starts {
		if t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	switch {
	case weekOf(last).Sub(weekOf(first)) <= maxWeeks*7*24*time.Hour+time.Hour: // an hour for a summer time change
	case monthsBetween(first, last) <= maxMonths:
		cal.Unit = UnitMonth
	default:
		cal.Unit = UnitYear
	}
	periodOf := func(t time.Time) time.Time {
		switch cal.Unit {
		case UnitWeek:
			return weekOf(t)
		case UnitMonth:
			return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, tz.Zurich)
		}
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, tz.Zurich)
	}
	next := func(t time.Time) time.Time {
		switch cal.Unit {
		case UnitWeek:
			return t.AddDate(0, 0, 7)
		case UnitMonth:
			return t.AddDate(0, 1, 0)
		}
		return t.AddDate(1, 0, 0)
	}
	index := map[string]int{}
	end := periodOf(last)
	for p := periodOf(first); !p.After(end); p = next(p) {
		day := p.Format(time.DateOnly)
		index[day] = len(cal.Periods)
		cal.Periods = append(cal.Periods, Period{Start: day})
	}
	for _, t := range starts {
		cal.Periods[index[periodOf(t).Format(time.DateOnly)]].Sessions++
	}
	return cal
}

// weekOf returns the Monday of t's week, at midnight in Europe/Zurich.
func weekOf(t time.Time) time.Time {
	t = tz.In(t)
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return time.Date(t.Year(), t.Month(), t.Day()-back, 0, 0, 0, 0, tz.Zurich)
}

// monthsBetween counts the months from a's to b's, 0 for the same month.
func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}
