package booking

import (
	"slices"
	"testing"
)

// TestNextBatch: a batch takes what waits, up to 64 requests and 1,000
// people; the request that would pass the people's limit waits for the
// next batch, first in it; a request larger than the limit goes alone.
func TestNextBatch(t *testing.T) {
	sized := func(n int) *job { return &job{ids: make([]int64, n)} }
	cases := map[string]struct {
		waiting []int
		want    [][]int
	}{
		"alone":               {[]int{1}, [][]int{{1}}},
		"all together":        {[]int{1, 1, 30, 5}, [][]int{{1, 1, 30, 5}}},
		"people's limit":      {[]int{600, 300, 200, 50}, [][]int{{600, 300}, {200, 50}}},
		"exactly the limit":   {[]int{500, 500, 1}, [][]int{{500, 500}, {1}}},
		"larger than a batch": {[]int{1000, 1000, 3}, [][]int{{1000}, {1000}, {3}}},
		"requests' limit":     {slices.Repeat([]int{1}, 70), [][]int{slices.Repeat([]int{1}, 64), slices.Repeat([]int{1}, 6)}},
	}
	for name, c := range cases {
		ch := make(chan *job, len(c.waiting))
		for _, n := range c.waiting {
			ch <- sized(n)
		}
		var got [][]int
		var held *job
		for len(ch) > 0 || held != nil {
			var batch []*job
			batch, held = nextBatch(ch, held)
			var sizes []int
			for _, j := range batch {
				sizes = append(sizes, len(j.ids))
			}
			got = append(got, sizes)
		}
		if !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("%s: batches %v, want %v", name, got, c.want)
		}
	}
}
