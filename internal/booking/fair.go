package booking

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/bits"
	mrand "math/rand/v2"
	"slices"
)

// Candidate is a person of an audience competing for a session's free seats.
type Candidate struct {
	PersonID int64
	// DepartmentID is the person's service; 0 means none, and the people
	// without a service take their turns together as if they were one.
	DepartmentID int64
	// Attended is true when the person already attended a session of the
	// same campaign.
	Attended bool
}

// fairStream is the PCG stream of the booking draw. It is part of the
// recorded draw: changing it changes every past order.
const fairStream = 0x61746c72_66616972 // "atlrfair"

// FairOrder returns the order in which an audience larger than the free
// seats gets them; the first k people of the order take k seats.
//
// People who have not yet attended a session of the campaign come first,
// then the others. Within each of these two groups the services take turns:
// each round gives one seat to every service that still has candidates, so
// with k seats no service gets a second seat before every service with
// candidates left got a first one. Who goes first within a service, and in
// which order the services come in each round, is drawn by lot from seed.
//
// The order depends only on the set of candidates and the seed, not on the
// order of cands, so the draw written in the session's history (the seed)
// can be replayed: PCG and the shuffle below are fixed algorithms, so the
// same seed gives the same order with any Go version. Names play no part,
// so alphabetical order cannot creep in.
func FairOrder(cands []Candidate, seed uint64) []int64 {
	src := mrand.NewPCG(seed, fairStream)
	out := make([]int64, 0, len(cands))
	for _, attended := range []bool{false, true} {
		out = appendRounds(out, src, cands, attended)
	}
	return out
}

// appendRounds appends the candidates with that attendance, service by
// service in rounds, to out.
func appendRounds(out []int64, src *mrand.PCG, cands []Candidate, attended bool) []int64 {
	byDept := map[int64][]int64{}
	for _, c := range cands {
		if c.Attended == attended {
			byDept[c.DepartmentID] = append(byDept[c.DepartmentID], c.PersonID)
		}
	}
	// Canonical order first (services by id, people by id), so that the
	// draw depends on the seed only, not on how the caller listed people.
	depts := make([]int64, 0, len(byDept))
	for d, people := range byDept {
		depts = append(depts, d)
		slices.Sort(people)
	}
	slices.Sort(depts)
	for _, d := range depts {
		people := byDept[d]
		fairShuffle(src, len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
	}
	round := make([]int64, 0, len(depts))
	for turn := 0; len(depts) > 0; turn++ {
		// Services with nobody left at this turn leave the rounds.
		depts = slices.DeleteFunc(depts, func(d int64) bool { return len(byDept[d]) <= turn })
		round = append(round[:0], depts...)
		fairShuffle(src, len(round), func(i, j int) { round[i], round[j] = round[j], round[i] })
		for _, d := range round {
			out = append(out, byDept[d][turn])
		}
	}
	return out
}

// fairShuffle is a Fisher–Yates shuffle written here rather than taken from
// math/rand/v2, whose Shuffle may change its use of the source between Go
// versions; a recorded draw must replay forever.
func fairShuffle(src *mrand.PCG, n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, int(fairBelow(src, uint64(i)+1)))
	}
}

// fairBelow returns a uniform number in [0, n), n > 0, by Lemire's
// multiply-and-reject method: no modulo bias, so no service or person is
// favoured by a rounding error.
func fairBelow(src *mrand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		threshold := -n % n
		for lo < threshold {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// NewSeed draws a seed for FairOrder from the system's secure random
// source, so that nobody can predict or steer the draw.
func NewSeed() uint64 {
	var b [8]byte
	// crypto/rand.Read never fails: it crashes the program if the system
	// cannot provide randomness.
	_, _ = crand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}
