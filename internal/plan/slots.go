package plan

import (
	"slices"
	"time"

	"github.com/atelier-ch/atelier/internal/tz"
)

// candidate is a time a session of the plan could take.
type candidate struct {
	start, end time.Time
	council    bool
}

// candidates lists the times a session could take, in chronological order:
// each weekly slot on each matching day of the window (or each explicit
// start), in Europe/Zurich, after now and clear of the room's busy times.
//
// A slot is wall-clock time: "Tuesday 13:30" stays 13:30 across the change
// to summer time. A slot at a time that does not exist that day (02:30 on
// the spring-forward Sunday) is skipped rather than moved to 03:30 as
// time.Date would. A time that happens twice (02:30 on the fall-back
// Sunday) is the one time.Date gives, the second (winter time): nobody
// trains then, it only has to be one of them, always the same. A session
// lasts the format's duration of real time, so one crossing a change ends
// an hour earlier or later on the clock.
func candidates(req Request, duration time.Duration) []candidate {
	busy := newIntervalSet(req.Busy)
	var out []candidate
	add := func(start time.Time, council bool) {
		end := start.Add(duration)
		if start.After(req.Now) && !busy.overlaps(start, end) {
			out = append(out, candidate{tz.In(start), tz.In(end), council})
		}
	}
	// The guard keeps a request that failed validation (Fingerprint takes
	// any) from walking millions of days.
	if len(req.Slots) > 0 && req.From.valid() && req.To.valid() && req.From.days(req.To) < MaxWindowDays {
		for d := req.From; !req.To.before(d); d = d.next() {
			wd := d.at(12, 0).Weekday()
			for _, s := range req.Slots {
				if s.Weekday != wd {
					continue
				}
				t := d.at(s.Start.Hour, s.Start.Minute)
				if t.Hour() != s.Start.Hour || t.Minute() != s.Start.Minute {
					continue // in the spring-forward gap
				}
				add(t, s.Council)
			}
		}
	}
	for _, s := range req.Starts {
		add(s.At, s.Council)
	}
	slices.SortStableFunc(out, func(a, b candidate) int { return a.start.Compare(b.start) })
	return out
}

// choose picks, among the candidates, needCouncil council sessions and
// needStaff others that do not overlap one another, earliest first: that
// leaves the end of the window free to catch up with those who miss their
// session.
//
// All sessions of a plan last the same, so earliest start is earliest end,
// and taking the earliest candidate that fits is the classic greedy that
// fits the most intervals: for one kind of slot it finds needStaff sessions
// whenever they exist. With both kinds the council goes first, taking
// council slots that overlap no other slot before those that do, so that it
// costs the staff nothing in the usual case (council slots in the evening);
// only when an evening slot overlaps an afternoon one and the window is
// tight can this leave staff unplaced that another choice would place.
func choose(cands []candidate, needCouncil, needStaff int) (council, staff []candidate) {
	var staffTimes []Interval
	for _, c := range cands {
		if !c.council {
			staffTimes = append(staffTimes, Interval{c.start, c.end})
		}
	}
	others := newIntervalSet(staffTimes)
	var taken intervalSet
	for _, pass := range []bool{true, false} {
		for _, c := range cands {
			if len(council) == needCouncil {
				break
			}
			if !c.council || taken.overlaps(c.start, c.end) || pass && others.overlaps(c.start, c.end) {
				continue
			}
			taken.add(c.start, c.end)
			council = append(council, c)
		}
	}
	for _, c := range cands {
		if len(staff) == needStaff {
			break
		}
		if c.council || taken.overlaps(c.start, c.end) {
			continue
		}
		taken.add(c.start, c.end)
		staff = append(staff, c)
	}
	slices.SortFunc(council, func(a, b candidate) int { return a.start.Compare(b.start) })
	return council, staff
}

// intervalSet is a union of time spans kept as sorted disjoint intervals,
// so that an overlap test is a binary search.
type intervalSet struct {
	iv []Interval
}

// newIntervalSet builds the union of spans; empty or reversed spans take no
// time and are dropped.
func newIntervalSet(spans []Interval) intervalSet {
	var s intervalSet
	sorted := slices.Clone(spans)
	slices.SortFunc(sorted, func(a, b Interval) int { return a.Start.Compare(b.Start) })
	for _, x := range sorted {
		if !x.Start.Before(x.End) {
			continue
		}
		if n := len(s.iv); n > 0 && !x.Start.After(s.iv[n-1].End) {
			if x.End.After(s.iv[n-1].End) {
				s.iv[n-1].End = x.End
			}
			continue
		}
		s.iv = append(s.iv, x)
	}
	return s
}

// overlaps reports whether [start, end) meets the set.
func (s *intervalSet) overlaps(start, end time.Time) bool {
	// The first interval ending after start is the only one that can meet
	// [start, end): those before it end before start, and those after it
	// start after it does.
	i, _ := slices.BinarySearchFunc(s.iv, start, func(x Interval, t time.Time) int {
		if x.End.After(t) {
			return 1
		}
		return -1
	})
	return i < len(s.iv) && s.iv[i].Start.Before(end)
}

// add inserts [start, end), which must not overlap the set.
func (s *intervalSet) add(start, end time.Time) {
	i, _ := slices.BinarySearchFunc(s.iv, start, func(x Interval, t time.Time) int { return x.Start.Compare(t) })
	s.iv = slices.Insert(s.iv, i, Interval{start, end})
}
