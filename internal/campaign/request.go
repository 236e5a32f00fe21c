package campaign

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/booking"
	"github.com/atelier-ch/atelier/internal/catalog"
	"github.com/atelier-ch/atelier/internal/formats"
	"github.com/atelier-ch/atelier/internal/i18n"
	"github.com/atelier-ch/atelier/internal/plan"
	"github.com/atelier-ch/atelier/internal/tz"
)

// Request is what HR asks for, as the API's JSON says it; it is stored
// with the plan.
type Request struct {
	Format   string   `json:"format"`
	Audience Audience `json:"audience"`
	// From and To bound the window, both days included ("2027-01-11").
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Slots are weekly slots; Starts explicit start times: one or the other.
	Slots    []Slot   `json:"slots,omitempty"`
	Starts   []Start  `json:"starts,omitempty"`
	Capacity int      `json:"capacity"`
	Location Location `json:"location"`
	// MaxShare is the largest share of a service in one session of a
	// mixed format, in (0, 1]; absent means plan.DefaultMaxShare.
	MaxShare *float64 `json:"max_share_of_service,omitempty"`
	// SkipTrained leaves out people already trained on the format
	// (default true; a mandatory format always does).
	SkipTrained *bool `json:"skip_trained,omitempty"`
	// Language is the sessions' language, "fr" (default) or "de".
	Language string `json:"language,omitempty"`
}

// Audience selects who the plan is for.
type Audience struct {
	Role         string `json:"role,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
	All          bool   `json:"all,omitempty"`
}

// Slot is a weekly time a session may start: {"weekday": "tue", "start":
// "13:30", "council": true}.
type Slot struct {
	Weekday string `json:"weekday"`
	Start   string `json:"start"`
	Council bool   `json:"council,omitempty"`
}

// Start is an explicit start time: an RFC 3339 string, or {"at",
// "council"} for a start kept for council members.
type Start struct {
	At      string `json:"at"`
	Council bool   `json:"council,omitempty"`
}

// UnmarshalJSON reads a start as a string or as an object.
func (s *Start) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*s = Start{}
		return json.Unmarshal(b, &s.At)
	}
	type object Start
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var o object
	if err := dec.Decode(&o); err != nil {
		return err
	}
	*s = Start(o)
	return nil
}

// MarshalJSON writes a start as a string unless it is a council start.
func (s Start) MarshalJSON() ([]byte, error) {
	if !s.Council {
		return json.Marshal(s.At)
	}
	type object Start
	return json.Marshal(object(s))
}

// Location is where the sessions take place, as for a session.
type Location struct {
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
	Room    string `json:"room,omitempty"`
}

// parsed is a request read into the planner's terms.
type parsed struct {
	req      Request
	format   *catalog.Format
	from, to plan.Date
	slots    []plan.Slot
	starts   []plan.Start
	location booking.Location
}

// parse reads req, recording what is wrong with it in v under the JSON's
// field names. What plan.Propose checks itself (capacity, the window's
// order, an audience of nobody…) is left to it.
func (s *Service) parse(ctx context.Context, rd formats.Reader, orgID int64, req Request, v *apperr.Validation) (*parsed, error) {
	p := &parsed{req: req}
	// The catalogue's formats and the commune's own (in their current
	// version, which the sessions confirmed will keep).
	f, _, err := s.formats.In(rd).Scheduling(ctx, orgID, req.Format)
	if err != nil {
		return nil, err
	}
	p.format = f
	date := func(field, raw string) plan.Date {
		if strings.TrimSpace(raw) == "" {
			return plan.Date{}
		}
		d, ok := plan.ParseDate(strings.TrimSpace(raw))
		if !ok {
			v.Add(field, "plan.err.date")
		}
		return d
	}
	p.from, p.to = date("from", req.From), date("to", req.To)
	for i, sl := range req.Slots {
		field := fmt.Sprintf("slots[%d]", i)
		wd, ok := plan.ParseWeekday(strings.ToLower(strings.TrimSpace(sl.Weekday)))
		if !ok {
			v.Add(field+".weekday", "plan.err.weekday")
		}
		c, ok := plan.ParseClock(strings.TrimSpace(sl.Start))
		if !ok {
			v.Add(field+".start", "plan.err.clock")
		}
		p.slots = append(p.slots, plan.Slot{Weekday: wd, Start: c, Council: sl.Council})
	}
	for i, st := range req.Starts {
		t, ok := parseTime(st.At)
		if !ok {
			v.Add(fmt.Sprintf("starts[%d]", i), "err.time_format")
			continue
		}
		p.starts = append(p.starts, plan.Start{At: t, Council: st.Council})
	}
	p.location = booking.CleanLocation(v, booking.Location{Name: req.Location.Name, Address: req.Location.Address, Room: req.Location.Room})
	p.req.Location = Location{Name: p.location.Name, Address: p.location.Address, Room: p.location.Room}
	if req.MaxShare != nil && *req.MaxShare <= 0 {
		// plan reads 0 as "the default": an explicit 0 is a mistake.
		v.Add("max_share_of_service", "plan.err.max_share")
	}
	if req.Language != "" && !i18n.Valid(req.Language) {
		v.Add("language", "err.language")
	}
	return p, nil
}

// duration is the length of one session, 0 for an unknown format.
func (p *parsed) duration() time.Duration {
	if p.format == nil {
		return 0
	}
	return time.Duration(p.format.DurationMinutes) * time.Minute
}

// span is the time the plan's sessions can take, to read the room's busy
// times in: the window's days, or from the first explicit start to the
// end of the last; false when the request names neither.
func (p *parsed) span() (from, to time.Time, ok bool) {
	switch {
	case len(p.starts) > 0:
		from, to = p.starts[0].At, p.starts[0].At
		for _, s := range p.starts {
			from = minTime(from, s.At)
			to = maxTime(to, s.At)
		}
		return from, to.Add(p.duration()), true
	case !p.from.IsZero() && !p.to.IsZero():
		from = time.Date(p.from.Year, p.from.Month, p.from.Day, 0, 0, 0, 0, tz.Zurich)
		to = time.Date(p.to.Year, p.to.Month, p.to.Day+1, 0, 0, 0, 0, tz.Zurich)
		// A window backwards, or longer than the planner takes, is refused
		// by it anyway.
		if !from.Before(to) || to.Sub(from) > (plan.MaxWindowDays+1)*24*time.Hour {
			return time.Time{}, time.Time{}, false
		}
		return from, to, true
	}
	return time.Time{}, time.Time{}, false
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// parseTime reads an RFC 3339 time, or a Europe/Zurich time without
// offset as a browser's datetime-local field sends it.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, t.Year() >= booking.MinYear && t.Year() <= booking.MaxYear
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, tz.Zurich); err == nil {
			return t, t.Year() >= booking.MinYear && t.Year() <= booking.MaxYear
		}
	}
	return time.Time{}, false
}

// merge joins the problems of v and of err, a validation error of
// plan.Propose, into one 422; err is returned as is when it is something
// else.
func merge(v *apperr.Validation, err error) error {
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.CodeValidation {
			return err
		}
		for f, m := range e.Fields {
			v.Add(f, m.Key, m.Args...)
		}
	}
	return v.Err()
}

// renameFields renames the fields of a validation error as names says,
// so that the planner's "session" reads "move.to_session".
func renameFields(err error, names map[string]string) error {
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.CodeValidation {
		return err
	}
	var v apperr.Validation
	for f, m := range e.Fields {
		if n, ok := names[f]; ok {
			f = n
		}
		v.Add(f, m.Key, m.Args...)
	}
	return v.Err()
}
