package booking

import (
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"testing"
)

// genCandidates makes a random audience: up to 60 people with distinct ids
// listed in no particular order, spread over up to 7 services (0 = none).
func genCandidates(r *mrand.Rand) []Candidate {
	n := r.IntN(61)
	services := 1 + r.IntN(7)
	ids := r.Perm(10 * (n + 1))
	out := make([]Candidate, n)
	for i := range out {
		out[i] = Candidate{
			PersonID:     int64(ids[i] + 1),
			DepartmentID: int64(r.IntN(services)),
			Attended:     r.IntN(3) == 0,
		}
	}
	return out
}

func TestFairOrderProperties(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	for iter := range 2000 {
		cands := genCandidates(r)
		seed := r.Uint64()
		got := FairOrder(cands, seed)
		name := fmt.Sprintf("case %d (%d candidates, seed %d)", iter, len(cands), seed)

		// A permutation of the input.
		var ids []int64
		byID := map[int64]Candidate{}
		for _, c := range cands {
			ids = append(ids, c.PersonID)
			byID[c.PersonID] = c
		}
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		slices.Sort(ids)
		if !slices.Equal(sorted, ids) {
			t.Fatalf("%s: not a permutation: %v", name, got)
		}

		// Not yet trained before trained.
		seenTrained := false
		for _, id := range got {
			if byID[id].Attended {
				seenTrained = true
			} else if seenTrained {
				t.Fatalf("%s: untrained %d after a trained person", name, id)
			}
		}

		// Round robin within each group: when a service gets its m-th
		// seat, every service of the group has min(m-1, its size) seats.
		for _, attended := range []bool{false, true} {
			size := map[int64]int{}
			for _, c := range cands {
				if c.Attended == attended {
					size[c.DepartmentID]++
				}
			}
			seats := map[int64]int{}
			for _, id := range got {
				c := byID[id]
				if c.Attended != attended {
					continue
				}
				m := seats[c.DepartmentID] + 1
				for d, n := range size {
					if d != c.DepartmentID && seats[d] < min(m-1, n) {
						t.Fatalf("%s: service %d gets seat %d while service %d has %d of %d", name, c.DepartmentID, m, d, seats[d], n)
					}
				}
				seats[c.DepartmentID] = m
			}
		}

		// The same set in another order, with the same seed, gives the
		// same order: the draw replays from the recorded seed.
		shuffled := slices.Clone(cands)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if again := FairOrder(shuffled, seed); !slices.Equal(again, got) {
			t.Fatalf("%s: not deterministic:\n%v\n%v", name, got, again)
		}
	}
}

func TestFairOrderExamples(t *testing.T) {
	cases := map[string]struct {
		cands []Candidate
		want  []int64
	}{
		"empty":           {nil, []int64{}},
		"one":             {[]Candidate{{PersonID: 7}}, []int64{7}},
		"untrained first": {[]Candidate{{PersonID: 1, Attended: true}, {PersonID: 2}}, []int64{2, 1}},
	}
	for name, tc := range cases {
		if got := FairOrder(tc.cands, 99); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}
}

// TestFairOrderReplays pins the order of one draw: if it changes, every
// draw recorded in session histories would replay differently.
func TestFairOrderReplays(t *testing.T) {
	cands := []Candidate{
		{PersonID: 1, DepartmentID: 10}, {PersonID: 2, DepartmentID: 10}, {PersonID: 3, DepartmentID: 10},
		{PersonID: 4, DepartmentID: 20}, {PersonID: 5, DepartmentID: 20},
		{PersonID: 6, DepartmentID: 0}, {PersonID: 7, DepartmentID: 30, Attended: true},
		{PersonID: 8, DepartmentID: 30}, {PersonID: 9, DepartmentID: 10, Attended: true},
	}
	want := []int64{3, 6, 5, 8, 1, 4, 2, 9, 7}
	if got := FairOrder(cands, 20260310); !slices.Equal(got, want) {
		t.Errorf("seed 20260310 gives %#v, want %#v", got, want)
	}
}

func TestFairOrderSeedsDiffer(t *testing.T) {
	var cands []Candidate
	for i := range 10 {
		cands = append(cands, Candidate{PersonID: int64(i + 1), DepartmentID: int64(i % 3)})
	}
	seen := map[string]bool{}
	for seed := range uint64(100) {
		seen[fmt.Sprint(FairOrder(cands, seed))] = true
	}
	// 10 people in 3 services have 3!·3!·4!·(3!)³·1 ≈ 186,000 fair orders;
	// 100 seeds colliding more than a few times would mean a weak draw.
	if len(seen) < 98 {
		t.Errorf("100 seeds gave only %d different orders", len(seen))
	}
}

// TestFairOrderNoBias checks that, over many draws, each person of a
// service is as likely to get the first seat, whatever their id (ids are
// often given in alphabetical order), and each service as likely to go
// first. The seeds are fixed, so the test cannot flake.
func TestFairOrderNoBias(t *testing.T) {
	const people, draws = 10, 5000
	var cands []Candidate
	for i := range people {
		cands = append(cands, Candidate{PersonID: int64(i + 1), DepartmentID: 1})
	}
	first := map[int64]int{}
	for seed := range uint64(draws) {
		first[FairOrder(cands, seed)[0]]++
	}
	if chi2 := chiSquare(first, people, draws); chi2 > 27.88 { // 9 degrees of freedom, p = 0.001
		t.Errorf("first seat by person %v: chi² = %.1f, biased", first, chi2)
	}

	cands = nil
	for i := range people {
		cands = append(cands, Candidate{PersonID: int64(i + 1), DepartmentID: int64(i%5 + 1)})
	}
	firstDept := map[int64]int{}
	for seed := range uint64(draws) {
		firstDept[FairOrder(cands, seed)[0]%5]++
	}
	if chi2 := chiSquare(firstDept, 5, draws); chi2 > 18.47 { // 4 degrees of freedom, p = 0.001
		t.Errorf("first seat by service %v: chi² = %.1f, biased", firstDept, chi2)
	}
}

func chiSquare(counts map[int64]int, k, n int) float64 {
	want := float64(n) / float64(k)
	chi2 := float64(k-len(counts)) * want // categories never drawn
	for _, c := range counts {
		d := float64(c) - want
		chi2 += d * d / want
	}
	return chi2
}

func TestNewSeed(t *testing.T) {
	a, b := NewSeed(), NewSeed()
	if a == b {
		t.Error("two seeds are equal")
	}
}

func BenchmarkFairOrder(b *testing.B) {
	r := mrand.New(mrand.NewPCG(3, 4))
	var cands []Candidate
	for i := range 500 {
		cands = append(cands, Candidate{PersonID: int64(i + 1), DepartmentID: int64(r.IntN(12)), Attended: r.IntN(4) == 0})
	}
	for b.Loop() {
		FairOrder(cands, 42)
	}
}
