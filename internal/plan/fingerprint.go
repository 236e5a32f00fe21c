package plan

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"
)

// Fingerprint is a stable hash of what a proposal for req depends on: the
// format, the request's choices, the audience's people with their service,
// role and trained and booked flags, and the room's busy times that meet a
// slot of the window. Confirming later computes it again from fresh data
// and answers 409 when it differs: the commune changed since the proposal.
//
// The order of People and Busy does not matter, nor do people outside the
// audience or bookings of the room outside the slots. Now is left out on
// purpose: time passing does not change the plan, and a session gone into
// the past is what Check's "past" warning is for.
func Fingerprint(req Request) string {
	h := sha256.New()
	w := func(format string, args ...any) { fmt.Fprintf(h, format, args...) }
	w("plan/1\n")
	if f := req.Format; f != nil {
		w("format %q %d %q %q %q\n", f.Slug, f.DurationMinutes, f.Participation, f.Grouping, f.Audiences)
	}
	a := req.Audience
	w("audience %t %q %d\n", a.All, a.Role, a.DepartmentID)
	w("window %s %s capacity %d share %v trained %t\n", req.From, req.To, req.Capacity, req.MaxShare, req.IncludeTrained)
	for _, s := range req.Slots {
		w("slot %d %s %t\n", s.Weekday, s.Start, s.Council)
	}
	for _, s := range req.Starts {
		w("start %d %t\n", s.At.UnixNano(), s.Council)
	}
	var people []Person
	for _, p := range req.People {
		if a.Matches(p) {
			people = append(people, p)
		}
	}
	slices.SortFunc(people, func(x, y Person) int { return cmp.Compare(x.ID, y.ID) })
	for _, p := range people {
		w("person %d %d %q %t %t\n", p.ID, p.DepartmentID, p.Role, p.Trained, p.Booked)
	}
	// Only the busy times that meet a possible session matter; their union,
	// so that splitting or reordering the same bookings changes nothing.
	var duration time.Duration
	if req.Format != nil {
		duration = time.Duration(req.Format.DurationMinutes) * time.Minute
	}
	all := req
	all.Now, all.Busy = time.Time{}, nil
	var spans []Interval
	for _, c := range candidates(all, duration) {
		spans = append(spans, Interval{c.start, c.end})
	}
	slots := newIntervalSet(spans)
	for _, b := range newIntervalSet(req.Busy).iv {
		if slots.overlaps(b.Start, b.End) {
			w("busy %d %d\n", b.Start.UnixNano(), b.End.UnixNano())
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
