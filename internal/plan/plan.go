// Package plan proposes the sessions of a training campaign in one step:
// given a format, an audience, a window of dates with weekly slots and a
// capacity, it says how many sessions to hold, when, and who goes to which,
// without booking anything. HR then edits the proposal (Move,
// RemoveSession), Check re-checks every rule, and Fingerprint lets a later
// confirmation notice that the commune changed in between.
//
// The package knows nothing of the database or of HTTP: the caller loads the
// people, the room's busy times and the format, and turns the proposal into
// sessions and bookings.
//
// # The rules
//
//   - Everyone of the audience is placed exactly once, or listed in
//     Unplaced with a Reason.
//   - No session is over capacity, and there are as few sessions as the
//     rules below allow.
//   - A team or department format keeps each service in one session when it
//     fits, else splits it into the fewest sessions, of balanced sizes. The
//     directory knows services (departments), not teams, so both groupings
//     group by DepartmentID.
//   - A mixed format spreads each service over the sessions, with at most
//     MaxShare of a service of two people or more in one session (at least
//     one, so that the office stays open).
//   - Sessions never overlap one another nor the room's busy intervals.
//   - Council members go only to council slots, and only they go there.
//   - A mandatory format plans who still lacks it: people already trained on
//     it are left out whatever IncludeTrained says.
//
// People without a service (DepartmentID 0: council members, often the
// municipal secretary) are each a group of their own: they have no office to
// keep open and no team to stay with, so they fill the gaps. A session's
// ByService counts them under 0.
package plan

import (
	"fmt"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Limits on a request, so that a typo cannot make the planner generate
// millions of candidate slots.
const (
	// MaxCapacity is the largest capacity of a session (the booking
	// package's limit too).
	MaxCapacity = 500
	// MaxWindowDays is the longest window, about a year.
	MaxWindowDays = 366
	// MaxSlots is the most weekly slots a request may give.
	MaxSlots = 50
	// MaxStarts is the most explicit start times a request may give.
	MaxStarts = 1000
	// MaxPeople is the largest audience one plan handles.
	MaxPeople = 20000
	// DefaultMaxShare is the share of a service allowed in one session of
	// a mixed format when the request gives none.
	DefaultMaxShare = 0.5
)

// Person is one person of the commune as the planner needs them.
type Person struct {
	ID int64
	// DepartmentID is the person's service; 0 means none.
	DepartmentID int64
	// Role is one of the catalogue's audiences ("staff", "council_member"…).
	Role string
	// Trained is true when the person attended this format already.
	Trained bool
	// Booked is true when the person is booked (or waiting) in a coming
	// session of this format.
	Booked bool
}

// Audience selects who the plan is for, as the request's "audience" does:
// everyone, or a role, a service, or a role within a service.
type Audience struct {
	All          bool
	Role         string
	DepartmentID int64
}

// Matches reports whether p belongs to the audience.
func (a Audience) Matches(p Person) bool {
	if a.All {
		return true
	}
	return (a.Role == "" || p.Role == a.Role) && (a.DepartmentID == 0 || p.DepartmentID == a.DepartmentID)
}

// Slot is a weekly time at which a session may start, such as every
// Tuesday at 13:30.
type Slot struct {
	Weekday time.Weekday
	Start   Clock
	// Council marks an evening slot kept for council members.
	Council bool
}

// Start is one explicit start time, the alternative to weekly slots.
type Start struct {
	At time.Time
	// Council marks a start kept for council members.
	Council bool
}

// Interval is a span of time [Start, End).
type Interval struct {
	Start, End time.Time
}

// overlaps reports whether the half-open spans [s1, e1) and [s2, e2) meet;
// a session ending at 12:00 does not clash with one starting at 12:00.
func overlaps(s1, e1, s2, e2 time.Time) bool { return s1.Before(e2) && s2.Before(e1) }

// Request is everything a proposal depends on.
type Request struct {
	// Format is the catalogue format to plan; nil means the request named
	// an unknown one.
	Format *catalog.Format
	// Audience selects among People who the plan is for.
	Audience Audience
	// People are the commune's people; the caller may pass all of them or
	// only those the audience selects.
	People []Person
	// From and To bound the window, both days included. Required with
	// Slots; optional with Starts, where they only check the starts.
	From, To Date
	// Slots are weekly slots; give either Slots or Starts.
	Slots []Slot
	// Starts are explicit start times.
	Starts []Start
	// Capacity is the number of seats of one session.
	Capacity int
	// MaxShare is the largest share of a service in one session of a mixed
	// format, in (0, 1]; 0 means DefaultMaxShare.
	MaxShare float64
	// IncludeTrained plans people already trained on a voluntary format
	// again. It is the JSON's skip_trained negated, so that the zero value
	// is the default (skip them). Mandatory formats ignore it.
	IncludeTrained bool
	// Busy are the times the room is already taken by other sessions.
	Busy []Interval
	// Now is the current time: no session is planned before it.
	Now time.Time
}

// Proposal is a plan: sessions with who goes, who does not and why, and
// what HR should know before confirming.
type Proposal struct {
	// Sessions are in chronological order.
	Sessions []Session
	// Unplaced are in order of person ID.
	Unplaced []Unplaced
	// Warnings is what Check finds; Propose's own proposals carry only
	// informational ones.
	Warnings []Warning
}

// Session is one proposed session.
type Session struct {
	Start, End time.Time
	// Council is true for a session in a council slot.
	Council bool
	// People are the person IDs, ascending.
	People []int64
	// ByService counts People per DepartmentID (0 for no service).
	ByService map[int64]int
}

// Unplaced is a person of the audience the plan leaves out, and why.
type Unplaced struct {
	PersonID int64
	Reason   Reason
}

// Reason is the stable machine code of why a person is not placed.
type Reason string

// Reasons a person is not placed, in the order Propose tests them.
const (
	// ReasonRole: the format is not for the person's role.
	ReasonRole Reason = "role"
	// ReasonTrained: already trained on this format.
	ReasonTrained Reason = "trained"
	// ReasonBooked: already booked in a coming session of this format.
	ReasonBooked Reason = "booked"
	// ReasonNoSlot: no free slot left in the window.
	ReasonNoSlot Reason = "no_slot"
	// ReasonNoCouncilSlot: a council member and no free council slot left.
	ReasonNoCouncilSlot Reason = "no_council_slot"
	// ReasonNoRoom: their session was removed and no other could take them.
	ReasonNoRoom Reason = "no_room"
	// ReasonExcluded: HR took the person out of the plan.
	ReasonExcluded Reason = "excluded"
)

// Reasons lists every reason.
var Reasons = []Reason{ReasonRole, ReasonTrained, ReasonBooked, ReasonNoSlot, ReasonNoCouncilSlot, ReasonNoRoom, ReasonExcluded}

// Key is the reason's translation key.
func (r Reason) Key() string { return "plan.unplaced." + string(r) }

// Date is a day of the calendar, without time or zone; the planner reads it
// in Europe/Zurich.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads "2027-01-11".
func ParseDate(s string) (Date, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, false
	}
	return DateOf(t), true
}

// DateOf is the day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// valid reports whether d is a real day of a year people plan in.
func (d Date) valid() bool {
	if d.Year < 2000 || d.Year > 9999 {
		return false
	}
	return DateOf(d.at(0, 0)) == d
}

// at is the wall-clock time h:m of day d in Europe/Zurich (normalized by
// time.Date when that time does not exist).
func (d Date) at(h, m int) time.Time { return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, tz.Zurich) }

// next is the following day.
func (d Date) next() Date { return DateOf(time.Date(d.Year, d.Month, d.Day+1, 12, 0, 0, 0, time.UTC)) }

// before reports whether d is earlier than e.
func (d Date) before(e Date) bool {
	if d.Year != e.Year {
		return d.Year < e.Year
	}
	if d.Month != e.Month {
		return d.Month < e.Month
	}
	return d.Day < e.Day
}

// days is the number of days from d to e (negative when e is before d).
func (d Date) days(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// String writes "2027-01-11".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Clock is a time of day.
type Clock struct {
	Hour, Minute int
}

// ParseClock reads "13:30".
func ParseClock(s string) (Clock, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return Clock{}, false
	}
	return Clock{t.Hour(), t.Minute()}, true
}

// valid reports whether c is a time of day.
func (c Clock) valid() bool { return c.Hour >= 0 && c.Hour < 24 && c.Minute >= 0 && c.Minute < 60 }

// minutes is c in minutes since midnight.
func (c Clock) minutes() int { return c.Hour*60 + c.Minute }

// String writes "13:30".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// ParseWeekday reads the request's weekday names, "mon" to "sun".
func ParseWeekday(s string) (time.Weekday, bool) {
	for d, name := range [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
		if s == name {
			return time.Weekday(d), true
		}
	}
	return 0, false
}
