package plan

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/tz"
)

// cohort is a request checked and its audience sorted out: who is to be
// planned, who is left out and why, and the size of each service. Propose,
// Check and the edits all start from it, so they agree on the rules.
type cohort struct {
	req      Request
	duration time.Duration
	team     bool // team or department grouping: services stay together
	share    float64
	// people is the audience, by ascending ID.
	people []Person
	index  map[int64]int // person ID → position in people
	// reason[i] is why people[i] is left out, "" when they are to be planned.
	reason []Reason
	// size counts the audience's people per service (DepartmentID ≠ 0),
	// left out or not: the base of a service's share in one session.
	size map[int64]int
}

// newCohort checks the parts of req every operation needs (format,
// audience, capacity, share) into v and sorts out the audience. A non-nil
// error is a caller's bug, not the user's: a person given twice.
func newCohort(req Request, v *apperr.Validation) (*cohort, error) {
	c := &cohort{req: req, share: req.MaxShare, index: map[int64]int{}, size: map[int64]int{}}
	f := req.Format
	switch {
	case f == nil:
		v.Add("format", "plan.err.format_unknown")
	case f.DurationMinutes <= 0 || !slices.Contains([]catalog.Grouping{catalog.GroupTeam, catalog.GroupDepartment, catalog.GroupMixed}, f.Grouping):
		// The catalogue validates its formats at start; a format built by
		// hand without duration or grouping cannot be planned.
		v.Add("format", "plan.err.format_unknown")
	default:
		c.duration = time.Duration(f.DurationMinutes) * time.Minute
		c.team = f.Grouping != catalog.GroupMixed
	}
	a := req.Audience
	switch {
	case a.All && (a.Role != "" || a.DepartmentID != 0):
		v.Add("audience", "plan.err.audience_all_and_filter")
	case !a.All && a.Role == "" && a.DepartmentID == 0:
		v.Add("audience", "plan.err.audience_empty")
	case a.Role != "" && !slices.Contains(catalog.Audiences, catalog.Audience(a.Role)):
		names := make([]string, len(catalog.Audiences))
		for i, r := range catalog.Audiences {
			names[i] = string(r)
		}
		v.Add("audience.role", "plan.err.audience_role", strings.Join(names, ", "))
	}
	if req.Capacity < 1 || req.Capacity > MaxCapacity {
		v.Add("capacity", "plan.err.capacity", MaxCapacity)
	}
	switch {
	case c.share == 0:
		c.share = DefaultMaxShare
	case math.IsNaN(c.share) || c.share < 0 || c.share > 1:
		v.Add("max_share_of_service", "plan.err.max_share")
	}
	for _, p := range req.People {
		if p.ID <= 0 {
			return nil, fmt.Errorf("plan: person ID %d", p.ID)
		}
		if a.Matches(p) {
			c.people = append(c.people, p)
		}
	}
	if len(c.people) > MaxPeople {
		v.Add("audience", "plan.err.audience_too_large", MaxPeople)
		return c, nil
	}
	// Sorting by ID makes the proposal independent of the order the
	// caller's query returned people in.
	slices.SortFunc(c.people, func(x, y Person) int { return cmp.Compare(x.ID, y.ID) })
	c.reason = make([]Reason, len(c.people))
	for i, p := range c.people {
		if _, dup := c.index[p.ID]; dup {
			return nil, fmt.Errorf("plan: person %d given twice", p.ID)
		}
		c.index[p.ID] = i
		if f != nil {
			c.reason[i] = c.leftOut(p)
		}
		if p.DepartmentID != 0 {
			c.size[p.DepartmentID]++
		}
	}
	return c, nil
}

// leftOut says why p is not to be planned, or "".
func (c *cohort) leftOut(p Person) Reason {
	f := c.req.Format
	switch {
	case !slices.Contains(f.Audiences, catalog.Audience(p.Role)):
		return ReasonRole
	case p.Trained && (f.Participation == catalog.Mandatory || !c.req.IncludeTrained):
		// A mandatory format plans who still lacks it, so running the
		// plan again after a campaign plans only the rest.
		return ReasonTrained
	case p.Booked:
		return ReasonBooked
	}
	return ""
}

// council reports whether p sits on the council, and so goes to council
// slots only.
func council(p Person) bool { return p.Role == string(catalog.AudienceCouncilMember) }

// limit is how many people of service dept one session of a mixed format
// may take: MaxShare of the service's people in the audience, rounded down,
// but at least one. Those already trained or booked count in the base, for
// they are at work while the others train: a mandatory campaign planned
// again after half the commune was trained then needs the sessions that
// were left, not more. (With an audience of one role, the base is that
// role's people: the limit can only be stricter than for the whole
// service.) The small epsilon keeps 0.29×100 from rounding down to 28.
func (c *cohort) limit(dept int64) int {
	if dept == 0 {
		return 1 // people without a service are each their own group
	}
	return max(1, int(math.Floor(c.share*float64(c.size[dept])+1e-9)))
}

// person returns the audience's person with id.
func (c *cohort) person(id int64) (Person, int, bool) {
	i, ok := c.index[id]
	if !ok {
		return Person{}, -1, false
	}
	return c.people[i], i, true
}

// validateTimes checks the window, slots and starts into v.
func validateTimes(req Request, duration time.Duration, v *apperr.Validation) {
	switch {
	case len(req.Slots) > 0 && len(req.Starts) > 0:
		v.Add("slots", "plan.err.slots_and_starts")
	case len(req.Slots) == 0 && len(req.Starts) == 0:
		v.Add("slots", "plan.err.required")
	}
	checkDate := func(field string, d Date) bool {
		switch {
		case d.IsZero() && len(req.Slots) > 0:
			v.Add(field, "plan.err.required")
		case !d.IsZero() && !d.valid():
			v.Add(field, "plan.err.date")
		}
		return !d.IsZero() && d.valid()
	}
	fromOK, toOK := checkDate("from", req.From), checkDate("to", req.To)
	if fromOK && toOK {
		switch {
		case req.To.before(req.From):
			v.Add("to", "plan.err.window_order")
		case req.From.days(req.To)+1 > MaxWindowDays:
			v.Add("to", "plan.err.window_too_long", MaxWindowDays)
		}
	}
	if toOK && req.To.before(DateOf(tz.In(req.Now))) {
		v.Add("to", "plan.err.window_past")
	}
	minutes := int(duration / time.Minute)
	if len(req.Slots) > MaxSlots {
		v.Add("slots", "plan.err.slots_too_many", MaxSlots)
	} else {
		for i, s := range req.Slots {
			field := fmt.Sprintf("slots[%d]", i)
			if s.Weekday < time.Sunday || s.Weekday > time.Saturday {
				v.Add(field+".weekday", "plan.err.weekday")
			}
			switch {
			case !s.Start.valid():
				v.Add(field+".start", "plan.err.clock")
			case s.Start.minutes()+minutes > 24*60:
				// A session running past midnight is a typo for a
				// morning slot, and would cross a day the window may not hold.
				v.Add(field+".start", "plan.err.slot_overnight")
			}
			for _, e := range req.Slots[:i] {
				if e.Weekday == s.Weekday && e.Start == s.Start {
					v.Add(field, "plan.err.slot_duplicate")
				}
			}
		}
	}
	if len(req.Starts) > MaxStarts {
		v.Add("starts", "plan.err.starts_too_many", MaxStarts)
		return
	}
	for i, s := range req.Starts {
		field := fmt.Sprintf("starts[%d]", i)
		local := tz.In(s.At)
		day := DateOf(local)
		switch {
		case s.At.IsZero():
			v.Add(field, "plan.err.required")
		case !s.At.After(req.Now):
			v.Add(field, "plan.err.start_past")
		case fromOK && day.before(req.From), toOK && req.To.before(day):
			v.Add(field, "plan.err.start_outside")
		case local.Hour()*60+local.Minute()+minutes > 24*60:
			v.Add(field, "plan.err.slot_overnight")
		}
		for _, e := range req.Starts[:i] {
			if e.At.Equal(s.At) {
				v.Add(field, "plan.err.start_duplicate")
			}
		}
	}
}
