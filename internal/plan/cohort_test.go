package plan

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/catalog"
)

// TestProposeValidation checks that each problem is reported under the
// request's JSON field, with a key of plan.json.
func TestProposeValidation(t *testing.T) {
	mixed := format(catalog.GroupMixed, catalog.Voluntary, 180)
	cases := map[string]struct {
		edit func(r *Request)
		want map[string]string
	}{
		"unknown format":   {func(r *Request) { r.Format = nil }, map[string]string{"format": "plan.err.format_unknown"}},
		"no audience":      {func(r *Request) { r.Audience = Audience{} }, map[string]string{"audience": "plan.err.audience_empty"}},
		"all and a role":   {func(r *Request) { r.Audience.Role = "staff" }, map[string]string{"audience": "plan.err.audience_all_and_filter"}},
		"unknown role":     {func(r *Request) { r.Audience = Audience{Role: "mayor"} }, map[string]string{"audience.role": "plan.err.audience_role"}},
		"nobody":           {func(r *Request) { r.Audience = Audience{DepartmentID: 99} }, map[string]string{"audience": "plan.err.audience_nobody"}},
		"capacity 0":       {func(r *Request) { r.Capacity = 0 }, map[string]string{"capacity": "plan.err.capacity"}},
		"capacity 501":     {func(r *Request) { r.Capacity = 501 }, map[string]string{"capacity": "plan.err.capacity"}},
		"share above 1":    {func(r *Request) { r.MaxShare = 1.5 }, map[string]string{"max_share_of_service": "plan.err.max_share"}},
		"share negative":   {func(r *Request) { r.MaxShare = -0.1 }, map[string]string{"max_share_of_service": "plan.err.max_share"}},
		"share NaN":        {func(r *Request) { r.MaxShare = math.NaN() }, map[string]string{"max_share_of_service": "plan.err.max_share"}},
		"no window":        {func(r *Request) { r.From, r.To = Date{}, Date{} }, map[string]string{"from": "plan.err.required", "to": "plan.err.required"}},
		"31 February":      {func(r *Request) { r.To = Date{2027, 2, 31} }, map[string]string{"to": "plan.err.date"}},
		"window reversed":  {func(r *Request) { r.From, r.To = r.To, r.From }, map[string]string{"to": "plan.err.window_order"}},
		"window too long":  {func(r *Request) { r.To = Date{2028, 1, 12} }, map[string]string{"to": "plan.err.window_too_long"}},
		"window past":      {func(r *Request) { r.Now = zurich(2027, 3, 1, 8, 0) }, map[string]string{"to": "plan.err.window_past"}},
		"no slots":         {func(r *Request) { r.Slots = nil }, map[string]string{"slots": "plan.err.required"}},
		"slots and starts": {func(r *Request) { r.Starts = []Start{{At: zurich(2027, 1, 20, 8, 0)}} }, map[string]string{"slots": "plan.err.slots_and_starts"}},
		"too many slots":   {func(r *Request) { r.Slots = make([]Slot, MaxSlots+1) }, map[string]string{"slots": "plan.err.slots_too_many"}},
		"bad slot": {func(r *Request) {
			r.Slots = append(r.Slots, Slot{Weekday: 7, Start: Clock{8, 0}}, Slot{Weekday: time.Monday, Start: Clock{24, 0}}, Slot{Weekday: time.Monday, Start: Clock{22, 0}}, r.Slots[0])
		}, map[string]string{"slots[1].weekday": "plan.err.weekday", "slots[2].start": "plan.err.clock", "slots[3].start": "plan.err.slot_overnight", "slots[4]": "plan.err.slot_duplicate"}},
		"bad starts": {func(r *Request) {
			r.Slots = nil
			ok := zurich(2027, 1, 20, 8, 0)
			r.Starts = []Start{{At: ok}, {At: zurich(2027, 1, 1, 8, 0)}, {At: zurich(2027, 3, 1, 8, 0)}, {At: ok}, {}, {At: zurich(2027, 1, 21, 23, 0)}}
		}, map[string]string{"starts[1]": "plan.err.start_past", "starts[2]": "plan.err.start_outside", "starts[3]": "plan.err.start_duplicate", "starts[4]": "plan.err.required", "starts[5]": "plan.err.slot_overnight"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			req := baseRequest(mixed, commune(5, 5))
			tc.edit(&req)
			_, err := Propose(req)
			e, ok := apperr.As(err)
			if !ok || e.Code != apperr.CodeValidation {
				t.Fatalf("got %v, want a validation error", err)
			}
			got := map[string]string{}
			for f, m := range e.Fields {
				got[f] = m.Key
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fields %v, want %v", got, tc.want)
			}
		})
	}
}

// TestProposeCallerBugs: a person given twice, or without ID, is the
// caller's mistake, not the user's.
func TestProposeCallerBugs(t *testing.T) {
	for name, people := range map[string][]Person{
		"twice": {{ID: 1, Role: "staff"}, {ID: 1, Role: "staff"}},
		"no ID": {{Role: "staff"}},
	} {
		_, err := Propose(baseRequest(format(catalog.GroupMixed, catalog.Voluntary, 60), people))
		if err == nil || apperr.Is(err, apperr.CodeValidation) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParse(t *testing.T) {
	if d, ok := ParseDate("2027-01-11"); !ok || d != (Date{2027, 1, 11}) || d.String() != "2027-01-11" {
		t.Errorf("ParseDate: %v %v", d, ok)
	}
	for _, bad := range []string{"", "2027-02-30", "11.01.2027"} {
		if _, ok := ParseDate(bad); ok {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if c, ok := ParseClock("13:30"); !ok || c != (Clock{13, 30}) || c.String() != "13:30" {
		t.Errorf("ParseClock: %v %v", c, ok)
	}
	for _, bad := range []string{"", "24:00", "13h30", "7:5"} {
		if _, ok := ParseClock(bad); ok {
			t.Errorf("ParseClock(%q) accepted", bad)
		}
	}
	for s, want := range map[string]time.Weekday{"mon": time.Monday, "tue": time.Tuesday, "sun": time.Sunday, "sat": time.Saturday} {
		if d, ok := ParseWeekday(s); !ok || d != want {
			t.Errorf("ParseWeekday(%q) = %v %v", s, d, ok)
		}
	}
	if _, ok := ParseWeekday("Tue"); ok {
		t.Error("ParseWeekday is case-sensitive, as the contract")
	}
}

// TestLimit checks the share of a service allowed in one mixed session.
func TestLimit(t *testing.T) {
	cases := map[string]struct {
		share float64
		size  int
		want  int
	}{
		"alone":                  {0.5, 1, 1},
		"two: one stays":         {0.5, 2, 1},
		"three: one goes":        {0.5, 3, 1},
		"eight: four":            {0.5, 8, 4},
		"tiny share: at least 1": {0.1, 5, 1},
		"0.29 of 100 is 29":      {0.29, 100, 29},
		"whole service":          {1, 7, 7},
	}
	for name, tc := range cases {
		req := baseRequest(format(catalog.GroupMixed, catalog.Voluntary, 60), commune(tc.size))
		req.MaxShare = tc.share
		c, err := cohortFor(req)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.limit(1); got != tc.want {
			t.Errorf("%s: limit %d, want %d", name, got, tc.want)
		}
	}
}

// TestAudience checks who an audience selects.
func TestAudience(t *testing.T) {
	people := []Person{{ID: 1, DepartmentID: 1, Role: "staff"}, {ID: 2, DepartmentID: 1, Role: "head_of_service"}, {ID: 3, DepartmentID: 2, Role: "staff"}, {ID: 4, Role: "council_member"}}
	cases := map[string]struct {
		a    Audience
		want []int64
	}{
		"all":             {Audience{All: true}, []int64{1, 2, 3, 4}},
		"role":            {Audience{Role: "staff"}, []int64{1, 3}},
		"service":         {Audience{DepartmentID: 1}, []int64{1, 2}},
		"role in service": {Audience{Role: "staff", DepartmentID: 1}, []int64{1}},
	}
	for name, tc := range cases {
		var got []int64
		for _, p := range people {
			if tc.a.Matches(p) {
				got = append(got, p.ID)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}

}
