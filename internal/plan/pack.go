package plan

import (
	"cmp"
	"slices"
)

// This file decides who goes together, for a number of sessions not yet
// placed in time: packing services for team formats, dealing people out for
// mixed ones.

// unlimited asks pack for as many sessions as the rules need.
const unlimited = -1

// pack splits people (all of one kind: council or not, all to be planned,
// by ascending ID) into as few sessions as the format's rules allow, or
// into at most limit sessions when fewer slots are free, leaving out those
// that do not fit. Sessions come out non-empty.
func (c *cohort) pack(people []Person, limit int) (sessions [][]Person, left []Person) {
	if len(people) == 0 {
		return nil, nil
	}
	if c.team {
		return packTeam(teamItems(people, c.req.Capacity), c.req.Capacity, limit)
	}
	return c.deal(people, limit)
}

// item is what a team format sends to one session as a whole: a service, a
// part of a split service, or one person without a service.
type item []Person

// teamItems cuts people into items, largest first. A service larger than a
// session is split into the fewest parts, ceil(n/capacity), of sizes that
// differ by at most one (15 people for 12 seats: 8 and 7), so that neither
// part is a handful left over from a full room.
func teamItems(people []Person, capacity int) []item {
	var items []item
	for _, g := range byService(people) {
		if g[0].DepartmentID == 0 {
			for i := range g {
				items = append(items, g[i:i+1])
			}
			continue
		}
		k := (len(g) + capacity - 1) / capacity
		for i, at := 0, 0; i < k; i++ {
			n := len(g) / k
			if i < len(g)%k {
				n++
			}
			items = append(items, g[at:at+n])
			at += n
		}
	}
	// Stable, so equal sizes keep service order and the result is
	// deterministic.
	slices.SortStableFunc(items, func(a, b item) int { return cmp.Compare(len(b), len(a)) })
	return items
}

// byService groups people (sorted by ID) by service, services in ascending
// ID with the people without a service last, each group by ascending ID.
func byService(people []Person) [][]Person {
	sorted := slices.Clone(people)
	slices.SortStableFunc(sorted, func(a, b Person) int {
		if (a.DepartmentID == 0) != (b.DepartmentID == 0) {
			return cmp.Compare(b.DepartmentID, a.DepartmentID) // 0 last
		}
		return cmp.Compare(a.DepartmentID, b.DepartmentID)
	})
	var groups [][]Person
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j].DepartmentID == sorted[i].DepartmentID {
			j++
		}
		groups = append(groups, sorted[i:j:j])
		i = j
	}
	return groups
}

// packBudget bounds the exact search of binsFor, in steps of work (a bin
// looked at), so that a large commune never waits on it: a few
// milliseconds at most.
const packBudget = 2_000_000

// packTeam packs items (largest first) into sessions of capacity seats.
//
// How close to optimal (OPT sessions, N people, k sessions found):
//   - First-fit decreasing (FFD) alone uses at most 11/9·OPT + 6/9 sessions
//     (Dósa, 2007, a tight bound); what follows never uses more than FFD.
//   - A bounded exact search then tries one session fewer at a time, down
//     to the lower bound max(ceil(N/capacity), items larger than half a
//     session). When it ends within its budget — always, in the tests, for
//     communes of realistic size, and checked against brute force — k is
//     OPT.
//   - Whatever the search did, no two sessions could be merged (a last pass
//     merges the two smallest while they fit together). Then with k ≥ 2,
//     adding l(i) + l(i+1) > capacity around the circle of sessions gives
//     2N > k·capacity, so k < 2N/capacity ≤ 2·OPT: at worst 2·OPT − 1.
//
// Worst-fit decreasing into the k sessions, when it fits everything, evens
// out their sizes (12, 7, 10 rather than 12, 12, 5).
func packTeam(items []item, capacity, limit int) ([][]Person, []Person) {
	sizes := make([]int, len(items))
	total, big := 0, 0
	for i, it := range items {
		sizes[i] = len(it)
		total += len(it)
		if 2*len(it) > capacity {
			big++
		}
	}
	bins := firstFit(sizes, capacity, len(sizes))
	lower := max((total+capacity-1)/capacity, big)
	budget := packBudget
	for k := len(bins) - 1; k >= lower; k-- {
		b, ok := binsFor(sizes, capacity, k, &budget)
		if !ok {
			break
		}
		bins = b
	}
	// A k-bin packing may leave a bin empty (then k-1 bins would do).
	bins = slices.DeleteFunc(bins, func(b []int) bool { return len(b) == 0 })
	if w := worstFit(sizes, capacity, len(bins)); w != nil {
		bins = w
	}
	bins = mergeSmallest(bins, sizes, capacity)
	var left []Person
	if limit != unlimited && len(bins) > limit {
		// Too few slots: first fit into the sessions there are, which
		// keeps the larger groups and fills the gaps with smaller ones.
		bins = firstFit(sizes, capacity, limit)
		placed := make([]bool, len(items))
		for _, b := range bins {
			for _, i := range b {
				placed[i] = true
			}
		}
		for i, it := range items {
			if !placed[i] {
				left = append(left, it...)
			}
		}
	}
	out := make([][]Person, len(bins))
	for s, b := range bins {
		for _, i := range b {
			out[s] = append(out[s], items[i]...)
		}
	}
	return out, left
}

// mergeSmallest merges the two least loaded bins while they fit in one:
// afterwards no two bins could be merged.
func mergeSmallest(bins [][]int, sizes []int, capacity int) [][]int {
	load := func(b []int) int {
		n := 0
		for _, i := range b {
			n += sizes[i]
		}
		return n
	}
	for len(bins) > 1 {
		a, b := -1, -1 // the least and the next least loaded
		for i, x := range bins {
			switch {
			case a < 0 || load(x) < load(bins[a]):
				a, b = i, a
			case b < 0 || load(x) < load(bins[b]):
				b = i
			}
		}
		if load(bins[a])+load(bins[b]) > capacity {
			break
		}
		a, b = min(a, b), max(a, b)
		bins[a] = append(bins[a], bins[b]...)
		bins = slices.Delete(bins, b, b+1)
	}
	return bins
}

// firstFit puts each item, in order, in the first of at most limit bins
// with room, opening a new bin when none has; items that fit nowhere are
// left out.
func firstFit(sizes []int, capacity, limit int) [][]int {
	var bins [][]int
	var load []int
	for i, n := range sizes {
		b := slices.IndexFunc(load, func(l int) bool { return l+n <= capacity })
		if b < 0 {
			if len(bins) == limit {
				continue
			}
			bins, load = append(bins, nil), append(load, 0)
			b = len(bins) - 1
		}
		bins[b] = append(bins[b], i)
		load[b] += n
	}
	return bins
}

// worstFit puts each item in the least loaded of k bins; nil when an item
// fits in none.
func worstFit(sizes []int, capacity, k int) [][]int {
	bins := make([][]int, k)
	load := make([]int, k)
	for i, n := range sizes {
		b := 0
		for j := range load {
			if load[j] < load[b] {
				b = j
			}
		}
		if load[b]+n > capacity {
			return nil
		}
		bins[b] = append(bins[b], i)
		load[b] += n
	}
	for _, b := range bins {
		if len(b) == 0 {
			return nil
		}
	}
	return bins
}

// binsFor searches for a packing of sizes (largest first) into k bins,
// depth first, spending at most *budget steps; false when there is none or
// the budget ran out.
func binsFor(sizes []int, capacity, k int, budget *int) ([][]int, bool) {
	load := make([]int, k)
	where := make([]int, len(sizes))
	total := 0
	for _, n := range sizes {
		total += n
	}
	slack := k*capacity - total // seats that may stay empty
	smallest := sizes[len(sizes)-1]
	// seen[i] marks the loads already tried for item i at the current
	// node, one slice per depth, reused.
	seen := make([][]bool, len(sizes))
	var place func(i int) bool
	place = func(i int) bool {
		if i == len(sizes) {
			return true
		}
		if *budget -= k; *budget < 0 {
			return false
		}
		// Space too small for the smallest item is lost for good; once
		// more is lost than the slack, this branch cannot succeed.
		lost := 0
		for _, l := range load {
			if capacity-l < smallest {
				lost += capacity - l
			}
		}
		if lost > slack {
			return false
		}
		if seen[i] == nil {
			seen[i] = make([]bool, capacity+1)
		}
		clear(seen[i])
		for b, l := range load {
			// Two bins with the same load are interchangeable from here
			// on: trying the second would repeat the first's search.
			if l+sizes[i] > capacity || seen[i][l] {
				continue
			}
			seen[i][l] = true
			load[b] += sizes[i]
			where[i] = b
			if place(i + 1) {
				return true
			}
			load[b] -= sizes[i]
		}
		return false
	}
	if !place(0) {
		return nil, false
	}
	bins := make([][]int, k)
	for i, b := range where {
		bins[b] = append(bins[b], i)
	}
	return bins, true
}

// deal spreads people over sessions for a mixed format. Laid out service
// after service and dealt like cards — the j-th person to session j mod k —
// every service gets floor or ceil of n/k people in each session and every
// session floor or ceil of N/k people. So k sessions suffice as soon as
// k ≥ ceil(N/capacity) and k ≥ ceil(n/limit) for each service of n people
// with its limit per session, and fewer never can: this k, the lower bound,
// is exact.
//
// With fewer sessions than that, each service keeps at most limit×k of its
// people, and when even those exceed the seats, seats are shared out
// level by level between services (water-filling), so that no service is
// left out to make room for another. Within a service, lower IDs go first.
func (c *cohort) deal(people []Person, limit int) ([][]Person, []Person) {
	groups := byService(people)
	k := (len(people) + c.req.Capacity - 1) / c.req.Capacity
	for _, g := range groups {
		if d := g[0].DepartmentID; d != 0 {
			l := c.limit(d)
			k = max(k, (len(g)+l-1)/l)
		}
	}
	var left []Person
	if limit != unlimited && limit < k {
		k = limit
		if k == 0 {
			return nil, people
		}
		quota := c.quotas(groups, k)
		for i, g := range groups {
			left = append(left, g[quota[i]:]...)
			groups[i] = g[:quota[i]]
		}
	}
	sessions := make([][]Person, k)
	j := 0
	for _, g := range groups {
		for _, p := range g {
			sessions[j%k] = append(sessions[j%k], p)
			j++
		}
	}
	slices.SortFunc(left, func(a, b Person) int { return cmp.Compare(a.ID, b.ID) })
	return sessions, left
}

// quotas says how many of each group k sessions take: at most limit×k of a
// service (people without a service, one group here, are each alone), and
// when those exceed k×capacity, the same number from each group, raised
// level by level, the last seats to the first groups.
func (c *cohort) quotas(groups [][]Person, k int) []int {
	want := make([]int, len(groups))
	for i, g := range groups {
		want[i] = len(g)
		if d := g[0].DepartmentID; d != 0 {
			want[i] = min(len(g), c.limit(d)*k)
		}
	}
	seats := k * c.req.Capacity
	taken := func(level int) int {
		n := 0
		for _, w := range want {
			n += min(w, level)
		}
		return n
	}
	if taken(slices.Max(want)) <= seats {
		return want
	}
	// The highest level that fits: taken grows with level.
	lo, hi := 0, slices.Max(want)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if taken(mid) <= seats {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	rest := seats - taken(lo)
	quota := make([]int, len(want))
	for i, w := range want {
		quota[i] = min(w, lo)
		if w > lo && rest > 0 {
			quota[i]++
			rest--
		}
	}
	return quota
}
