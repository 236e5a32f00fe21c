package plan

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/i18n"
)

// WarningCode is the stable machine code of a warning.
type WarningCode string

// Warnings that report a broken rule (Violation is true): Propose never
// makes them, HR's edits can, and HR accepts them explicitly.
const (
	// WarnOverCapacity: a session has more people than seats.
	WarnOverCapacity WarningCode = "over_capacity"
	// WarnShareExceeded: a mixed session takes more of a service than MaxShare.
	WarnShareExceeded WarningCode = "share_exceeded"
	// WarnTeamSplit: a team or department format spreads a service over
	// more sessions than its size needs.
	WarnTeamSplit WarningCode = "team_split"
	// WarnCouncilOutside: a council member is in a session outside the
	// council slots.
	WarnCouncilOutside WarningCode = "council_outside"
	// WarnCouncilOnly: someone off the council is in a council slot.
	WarnCouncilOnly WarningCode = "council_only"
	// WarnMergeable: two sessions could be one without breaking a rule, so
	// the plan has more sessions than the rules need.
	WarnMergeable WarningCode = "mergeable"
	// WarnOverlap: two sessions of the plan overlap.
	WarnOverlap WarningCode = "overlap"
	// WarnRoomBusy: a session overlaps the room's other bookings.
	WarnRoomBusy WarningCode = "room_busy"
	// WarnPast: a session starts before now.
	WarnPast WarningCode = "past"
	// WarnEmptySession: a session has nobody.
	WarnEmptySession WarningCode = "empty_session"
	// WarnDuplicate: a person appears more than once in the plan.
	WarnDuplicate WarningCode = "duplicate"
	// WarnMissing: a person of the audience appears nowhere in the plan.
	WarnMissing WarningCode = "missing"
	// WarnUnknownPerson: a session holds someone outside the audience.
	WarnUnknownPerson WarningCode = "unknown_person"
	// WarnPlacedTrained: a session holds someone the rules leave out as
	// already trained.
	WarnPlacedTrained WarningCode = "placed_trained"
	// WarnPlacedBooked: a session holds someone already booked in a coming
	// session of the format.
	WarnPlacedBooked WarningCode = "placed_booked"
	// WarnPlacedRole: a session holds someone whose role the format is not for.
	WarnPlacedRole WarningCode = "placed_role"
)

// Warnings that inform (Violation is false).
const (
	// WarnNoSlot: people are unplaced for want of a free slot.
	WarnNoSlot WarningCode = "no_slot"
	// WarnNoCouncilSlot: council members are unplaced for want of a free
	// council slot.
	WarnNoCouncilSlot WarningCode = "no_council_slot"
	// WarnNoRoom: people of a removed session found no other.
	WarnNoRoom WarningCode = "no_room"
	// WarnNothingToPlan: everyone of the audience is left out (trained,
	// booked, or not a role of the format).
	WarnNothingToPlan WarningCode = "nothing_to_plan"
)

// WarningCodes lists every warning code.
var WarningCodes = []WarningCode{
	WarnOverCapacity, WarnShareExceeded, WarnTeamSplit, WarnCouncilOutside, WarnCouncilOnly,
	WarnMergeable, WarnOverlap, WarnRoomBusy, WarnPast, WarnEmptySession, WarnDuplicate, WarnMissing,
	WarnUnknownPerson, WarnPlacedTrained, WarnPlacedBooked, WarnPlacedRole,
	WarnNoSlot, WarnNoCouncilSlot, WarnNoRoom, WarnNothingToPlan,
}

// Key is the code's translation key.
func (c WarningCode) Key() string { return "plan.warning." + string(c) }

// Violation reports whether the code is a broken rule rather than
// information.
func (c WarningCode) Violation() bool {
	switch c {
	case WarnNoSlot, WarnNoCouncilSlot, WarnNoRoom, WarnNothingToPlan:
		return false
	}
	return true
}

// Warning is something HR should know about a proposal before confirming.
type Warning struct {
	Code WarningCode
	// Violation is true when a rule is broken: confirming then needs HR's
	// explicit acceptance.
	Violation bool
	// Session is the index of the session concerned, -1 when none; Other
	// is the second session of an overlap, else -1.
	Session, Other int
	// PersonID is the person concerned, 0 when none.
	PersonID int64
	// DepartmentID is the service concerned, 0 when none.
	DepartmentID int64
	// Msg is the text to show: Code's key and its arguments (session
	// numbers in them count from 1, as HR does).
	Msg i18n.Msg
}

// ID identifies the warning within a proposal, so that HR's acceptance
// can name it: "share_exceeded:s2:d14".
func (w Warning) ID() string {
	id := string(w.Code)
	if w.Session >= 0 {
		id += fmt.Sprintf(":s%d", w.Session)
	}
	if w.Other >= 0 {
		id += fmt.Sprintf(":s%d", w.Other)
	}
	if w.PersonID != 0 {
		id += fmt.Sprintf(":p%d", w.PersonID)
	}
	if w.DepartmentID != 0 {
		id += fmt.Sprintf(":d%d", w.DepartmentID)
	}
	return id
}

// Check re-checks every rule on p, typically after HR's edits, and returns
// the warnings: broken rules (over capacity, share of a service exceeded, a
// team split needlessly, the council outside its slots or others in them,
// two sessions that could be one, overlaps, the room taken, a session in the past, people placed twice,
// missing, or not to be placed) and information (people left without a
// slot). A proposal fresh from Propose has no broken rule.
func Check(req Request, p *Proposal) ([]Warning, error) {
	c, err := cohortFor(req)
	if err != nil {
		return nil, err
	}
	return c.check(p), nil
}

// cohortFor is newCohort for the operations that take a proposal already
// made, which need no window nor slots.
func cohortFor(req Request) (*cohort, error) {
	var v apperr.Validation
	c, err := newCohort(req, &v)
	if err != nil {
		return nil, err
	}
	return c, v.Err()
}

// warning builds a warning with its message.
func warning(code WarningCode, session, other int, person, dept int64, args ...any) Warning {
	return Warning{Code: code, Violation: code.Violation(), Session: session, Other: other, PersonID: person, DepartmentID: dept, Msg: i18n.M(code.Key(), args...)}
}

// check finds p's warnings, in a fixed order: each session's, then pairs
// of sessions, then services, then people by ID, then information.
func (c *cohort) check(p *Proposal) []Warning {
	ws := []Warning{} // an empty list rather than none, for the JSON
	capacity := c.req.Capacity
	busy := newIntervalSet(c.req.Busy)
	// seen counts where each person appears: sessions and Unplaced.
	seen := map[int64]int{}
	type teamKey struct {
		dept    int64
		council bool
	}
	teams := map[teamKey]map[int]int{} // service → session → people
	services := make([]map[int64]int, len(p.Sessions))
	for i, s := range p.Sessions {
		n := i + 1
		if len(s.People) == 0 {
			ws = append(ws, warning(WarnEmptySession, i, -1, 0, 0, n))
		}
		if len(s.People) > capacity {
			ws = append(ws, warning(WarnOverCapacity, i, -1, 0, 0, n, len(s.People), capacity))
		}
		if s.Start.Before(c.req.Now) {
			ws = append(ws, warning(WarnPast, i, -1, 0, 0, n))
		}
		if busy.overlaps(s.Start, s.End) {
			ws = append(ws, warning(WarnRoomBusy, i, -1, 0, 0, n))
		}
		perService := map[int64]int{}
		for _, id := range s.People {
			seen[id]++
			q, at, ok := c.person(id)
			if !ok {
				ws = append(ws, warning(WarnUnknownPerson, i, -1, id, 0, n))
				continue
			}
			switch c.reason[at] {
			case ReasonTrained:
				ws = append(ws, warning(WarnPlacedTrained, i, -1, id, 0, n))
			case ReasonBooked:
				ws = append(ws, warning(WarnPlacedBooked, i, -1, id, 0, n))
			case ReasonRole:
				ws = append(ws, warning(WarnPlacedRole, i, -1, id, 0, n))
			}
			switch {
			case council(q) && !s.Council:
				ws = append(ws, warning(WarnCouncilOutside, i, -1, id, 0, n))
			case !council(q) && s.Council:
				ws = append(ws, warning(WarnCouncilOnly, i, -1, id, 0, n))
			}
			if q.DepartmentID != 0 {
				perService[q.DepartmentID]++
				k := teamKey{q.DepartmentID, council(q)}
				if teams[k] == nil {
					teams[k] = map[int]int{}
				}
				teams[k][i]++
			}
		}
		services[i] = perService
		if !c.team {
			for _, d := range slices.Sorted(maps.Keys(perService)) {
				if l := c.limit(d); perService[d] > l {
					ws = append(ws, warning(WarnShareExceeded, i, -1, 0, d, n, perService[d], c.size[d], l))
				}
			}
		}
	}
	ws = append(ws, c.mergeable(p.Sessions, services)...)
	ws = append(ws, overlapping(p.Sessions)...)
	if c.team {
		keys := slices.SortedFunc(maps.Keys(teams), func(a, b teamKey) int {
			if a.dept != b.dept {
				return cmp.Compare(a.dept, b.dept)
			}
			return cmp.Compare(b2i(a.council), b2i(b.council))
		})
		for _, k := range keys {
			placed := 0
			for _, n := range teams[k] {
				placed += n
			}
			if need := (placed + capacity - 1) / capacity; len(teams[k]) > need {
				ws = append(ws, warning(WarnTeamSplit, -1, -1, 0, k.dept, len(teams[k]), need))
			}
		}
	}
	unplaced := map[Reason]int{}
	for _, u := range p.Unplaced {
		if _, _, ok := c.person(u.PersonID); ok {
			seen[u.PersonID]++
			unplaced[u.Reason]++
		}
	}
	for _, q := range c.people {
		switch n := seen[q.ID]; {
		case n == 0:
			ws = append(ws, warning(WarnMissing, -1, -1, q.ID, 0))
		case n > 1:
			ws = append(ws, warning(WarnDuplicate, -1, -1, q.ID, 0))
		}
	}
	for _, r := range []struct {
		reason Reason
		code   WarningCode
	}{{ReasonNoSlot, WarnNoSlot}, {ReasonNoCouncilSlot, WarnNoCouncilSlot}, {ReasonNoRoom, WarnNoRoom}} {
		if n := unplaced[r.reason]; n > 0 {
			ws = append(ws, warning(r.code, -1, -1, 0, 0, n))
		}
	}
	if len(p.Sessions) == 0 && len(c.people) > 0 && !slices.Contains(c.reason, "") {
		ws = append(ws, warning(WarnNothingToPlan, -1, -1, 0, 0))
	}
	return ws
}

// mergeable reports pairs of sessions of the same kind that could be one:
// together within capacity and, for a mixed format, within each service's
// share. Propose never leaves such a pair (its session counts are minimal
// for mixed formats and first-fit-like for team ones); edits can. Each
// session is reported in one pair at most, and only non-empty ones: an
// empty session has its own warning.
func (c *cohort) mergeable(sessions []Session, services []map[int64]int) []Warning {
	order := make([]int, 0, len(sessions))
	for i, s := range sessions {
		if len(s.People) > 0 {
			order = append(order, i)
		}
	}
	// By kind, then size: once two sizes exceed the capacity, so do all
	// larger ones, which bounds the pairs looked at.
	slices.SortStableFunc(order, func(a, b int) int {
		if x, y := b2i(sessions[a].Council), b2i(sessions[b].Council); x != y {
			return cmp.Compare(x, y)
		}
		return cmp.Compare(len(sessions[a].People), len(sessions[b].People))
	})
	fits := func(a, b int) bool {
		if c.team {
			return true
		}
		for d, n := range services[a] {
			if d != 0 && n+services[b][d] > c.limit(d) {
				return false
			}
		}
		return true
	}
	reported := make([]bool, len(sessions))
	var pairs [][2]int
	for x, a := range order {
		if reported[a] {
			continue
		}
		for _, b := range order[x+1:] {
			if sessions[a].Council != sessions[b].Council || len(sessions[a].People)+len(sessions[b].People) > c.req.Capacity {
				break
			}
			if !reported[b] && fits(a, b) {
				reported[a], reported[b] = true, true
				pairs = append(pairs, [2]int{min(a, b), max(a, b)})
				break
			}
		}
	}
	return pairWarnings(WarnMergeable, pairs)
}

// pairWarnings turns pairs of sessions into warnings, in order.
func pairWarnings(code WarningCode, pairs [][2]int) []Warning {
	slices.SortFunc(pairs, func(a, b [2]int) int {
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		return cmp.Compare(a[1], b[1])
	})
	ws := make([]Warning, len(pairs))
	for k, pr := range pairs {
		ws[k] = warning(code, pr[0], pr[1], 0, 0, pr[0]+1, pr[1]+1)
	}
	return ws
}

// overlapping reports each pair of sessions that overlap, in order.
func overlapping(sessions []Session) []Warning {
	order := make([]int, len(sessions))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return sessions[a].Start.Compare(sessions[b].Start) })
	var pairs [][2]int
	for x, i := range order {
		for _, j := range order[x+1:] {
			if !sessions[j].Start.Before(sessions[i].End) {
				break
			}
			if overlaps(sessions[i].Start, sessions[i].End, sessions[j].Start, sessions[j].End) {
				pairs = append(pairs, [2]int{min(i, j), max(i, j)})
			}
		}
	}
	return pairWarnings(WarnOverlap, pairs)
}
