package chart

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// Fixtures shared by the SVG and PDF tests.

func f(v float64) *float64 { return &v }

const (
	hostileScript = "<script>alert(1)</script>"
	hostileAmp    = "A & B"
	hostileQuotes = `Service "Population" l'Hôtel`
	hostileRTL    = "\u202eCivil\u202c"
	longLabel     = "Service de l’urbanisme, des constructions, de l’environnement et de la mobilité douce intercommunale, y compris la planification régionale et ses commissions consultatives"
)

// services returns n service rows whose shares run from 0 to 100 %.
func services(n int) []BarRow {
	rows := make([]BarRow, n)
	for i := range rows {
		v := float64(i) / float64(max(n-1, 1))
		rows[i] = BarRow{Label: fmt.Sprintf("Service %02d %s", i+1, strings.Repeat("x", i%7)), Value: f(v), Note: fmt.Sprintf("%d / %d", i, n-1)}
	}
	return rows
}

// pairs returns n rows of confidence before and after.
func pairs(n int) []PairedRow {
	rows := make([]PairedRow, n)
	for i := range rows {
		rows[i] = PairedRow{Label: fmt.Sprintf("Service %02d", i+1), A: f(1 + float64(i%5)*0.5), B: f(2.2 + float64(i%4)*0.7)}
	}
	return rows
}

// weeks returns n weekly points from the Monday 2 March 2026, given in
// reverse order: the charts sort them.
func weeks(n int) []TimePoint {
	pts := make([]TimePoint, n)
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for i := range pts {
		pts[n-1-i] = TimePoint{Date: start.AddDate(0, 0, 7*i), Count: (i * 7) % 5}
	}
	return pts
}

// crowded returns n weekly points of four-digit counts: more than a
// column can hold.
func crowded(n int) []TimePoint {
	pts := weeks(n)
	for i := range pts {
		pts[i].Count = 1234
	}
	return pts
}

// campaignShare is the share-trained chart of the campaign report.
func campaignShare() Bars {
	return Bars{Title: "Part des collaborateurs formés par service", Unit: Percent, Rows: []BarRow{
		{Label: "Écoles et jeunesse", Value: f(0.8), Note: "4 / 5"},
		{Label: "Finances", Value: f(12.0 / 41), Note: "12 / 41"},
		{Label: "Travaux", Value: f(0), Note: "0 / 9"},
		{Label: "Informatique", Value: f(1), Note: "6 / 6"},
		{Label: "Sans service", Value: nil},
	}}
}

// campaignConfidence is the before/after chart of the campaign report.
func campaignConfidence() Paired {
	return Paired{Title: "Confiance avant et après la formation (1 à 5)", SeriesLabels: [2]string{"avant", "après"}, Rows: []PairedRow{
		{Label: "Écoles et jeunesse", A: f(2.1), B: f(3.8)},
		{Label: "Finances", A: f(1), B: f(5)},
		{Label: "Travaux", A: f(2.5), B: nil},
		{Label: "Sans réponse", A: nil, B: nil},
	}}
}

// campaignSessions is the sessions-over-time chart of the campaign report.
func campaignSessions() Timeline {
	pts := weeks(8)
	pts[2].Count = 12        // the Monday 6 April
	pts[5].Label = "sem. 12" // the Monday 16 March
	return Timeline{Title: "Sessions par semaine", Points: pts}
}

func TestBarsScale(t *testing.T) {
	cases := map[string]struct {
		bars  Bars
		top   float64
		ticks []float64
	}{
		"percent":              {Bars{}, 1, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		"percent half":         {Bars{Max: 0.5}, 0.5, []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}},
		"value given":          {Bars{Unit: Value, Max: 5}, 5, []float64{0, 1, 2, 3, 4, 5}},
		"value from the rows":  {Bars{Unit: Value, Rows: []BarRow{{Value: f(4.6)}, {Value: nil}}}, 5, []float64{0, 1, 2, 3, 4, 5}},
		"small values":         {Bars{Unit: Value, Rows: []BarRow{{Value: f(0.34)}}}, 0.4, []float64{0, 0.1, 0.2, 0.3, 0.4}},
		"count from the rows":  {Bars{Unit: Count, Rows: []BarRow{{Value: f(37)}}}, 40, []float64{0, 10, 20, 30, 40}},
		"count small":          {Bars{Unit: Count, Rows: []BarRow{{Value: f(3)}}}, 3, []float64{0, 1, 2, 3}},
		"count of one":         {Bars{Unit: Count, Rows: []BarRow{{Value: f(1)}}}, 1, []float64{0, 1}},
		"count thousands":      {Bars{Unit: Count, Rows: []BarRow{{Value: f(1234)}}}, 1250, []float64{0, 250, 500, 750, 1000, 1250}},
		"all zero":             {Bars{Unit: Count, Rows: []BarRow{{Value: f(0)}}}, 1, []float64{0, 1}},
		"no rows":              {Bars{Unit: Value}, 1, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		"max not on a step":    {Bars{Unit: Count, Max: 7}, 7, []float64{0, 2, 4, 6}},
		"negative values only": {Bars{Unit: Value, Rows: []BarRow{{Value: f(-2)}}}, 1, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			top, ticks := tc.bars.scale()
			near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
			if !near(top, tc.top) || !slices.EqualFunc(ticks, tc.ticks, near) {
				t.Errorf("scale() = %v, %v; want %v, %v", top, ticks, tc.top, tc.ticks)
			}
		})
	}
}

func TestPlace(t *testing.T) {
	nan := math.NaN()
	cases := map[string]struct {
		xs, ws []float64
		w      float64
		want   []float64
	}{
		"all fit":           {[]float64{10, 30, 50}, []float64{10, 10, 10}, 60, []float64{5, 25, 45}},
		"ends kept inside":  {[]float64{10, 30}, []float64{30, 30}, 40, []float64{0, nan}},
		"no label":          {[]float64{10, nan, 50, nan}, []float64{10, 10, 10, 10}, 80, []float64{5, nan, 45, nan}},
		"last moved inside": {[]float64{5, nan, 25}, []float64{4, 4, 14}, 30, []float64{3, nan, 16}},
		"crowded thinned":   {[]float64{0, 5, 10, 15, 20}, []float64{6, 6, 6, 6, 6}, 20, []float64{0, nan, 7, nan, 14}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := place(tc.xs, tc.ws, 0, tc.w, 1)
			same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
			if !slices.EqualFunc(got, tc.want, same) {
				t.Errorf("place = %v, want %v", got, tc.want)
			}
		})
	}
}
