package plan

import (
	"testing"
	"time"

	"github.com/atelier-ch/atelier/internal/catalog"
)

// bigCommune is 5,000 people: 40 services of 25 to 225 people, and 15
// council members, trained and booked here and there.
func bigCommune() []Person {
	var sizes []int
	total := 0
	for d := range 40 {
		n := 25 + (d*37)%201
		sizes = append(sizes, n)
		total += n
	}
	sizes[0] += 4985 - total
	people := councilOf(commune(sizes...), 15)
	for i := range people {
		people[i].Trained = i%7 == 0
		people[i].Booked = i%53 == 0
	}
	return people
}

// bigRequest plans the big commune over a year: two sessions a day on
// weekdays, council evenings on Mondays and Wednesdays, the room busy
// every Friday afternoon.
func bigRequest(g catalog.Grouping) Request {
	req := baseRequest(format(g, catalog.Mandatory, 180), bigCommune())
	req.From, req.To = Date{2027, 1, 11}, Date{2027, 12, 17}
	req.Slots = nil
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
		req.Slots = append(req.Slots, Slot{Weekday: d, Start: Clock{8, 30}}, Slot{Weekday: d, Start: Clock{13, 30}})
	}
	req.Slots = append(req.Slots, Slot{Weekday: time.Monday, Start: Clock{18, 30}, Council: true}, Slot{Weekday: time.Wednesday, Start: Clock{18, 30}, Council: true})
	for d := req.From; !req.To.before(d); d = d.next() {
		if d.at(12, 0).Weekday() == time.Friday {
			req.Busy = append(req.Busy, Interval{d.at(13, 0), d.at(17, 0)})
		}
	}
	return req
}

// BenchmarkPropose5000 plans 5,000 people in 40 services, 12 seats a
// session, for a mixed and a team format.
func BenchmarkPropose5000(b *testing.B) {
	for _, g := range []catalog.Grouping{catalog.GroupMixed, catalog.GroupTeam} {
		req := bigRequest(g)
		b.Run(string(g), func(b *testing.B) {
			for b.Loop() {
				if _, err := Propose(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestBigCommune checks the benchmark's plan with the property checks, so
// that the figure is for a correct plan.
func TestBigCommune(t *testing.T) {
	for _, g := range []catalog.Grouping{catalog.GroupMixed, catalog.GroupTeam} {
		req := bigRequest(g)
		start := time.Now()
		p := mustPropose(t, req)
		took := time.Since(start)
		var st stats
		verify(t, genCase{name: "big " + string(g), req: req, window: windowPlenty}, p, &st)
		t.Logf("%s: %d people, %d sessions, %d unplaced, in %v", g, len(req.People), len(p.Sessions), len(p.Unplaced), took)
	}
}
