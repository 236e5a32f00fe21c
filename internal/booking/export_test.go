package booking

import (
	"context"

	"github.com/atelier-ch/atelier/internal/access"
)

// Together is one booking of BookTogether.
type Together struct {
	Caller    access.Caller
	SessionID int64
	Req       BookRequest
}

// BookTogether books reqs as if they had arrived together on one lane:
// one combined transaction (run), its outcomes and errors in order.
func (b *Service) BookTogether(ctx context.Context, reqs []Together) ([]*Outcome, []error) {
	outs, errs := make([]*Outcome, len(reqs)), make([]error, len(reqs))
	var jobs []*job
	idx := map[*job]int{}
	for i, r := range reqs {
		ids, draw, err := b.resolve(ctx, r.Caller, r.Req)
		if err != nil {
			errs[i] = err
			continue
		}
		j := &job{ctx: ctx, caller: r.Caller, sessionID: r.SessionID, ids: ids, draw: draw, done: make(chan struct{})}
		jobs = append(jobs, j)
		idx[j] = i
	}
	b.run(jobs)
	for _, j := range jobs {
		<-j.done
		outs[idx[j]], errs[idx[j]] = j.out, j.err
	}
	return outs, errs
}

// Retried counts the combined transactions that failed and were retried
// one job at a time.
func (b *Service) Retried() int64 { return b.lanes.retried.Load() }
