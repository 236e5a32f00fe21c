package booking

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/atelier-ch/atelier/internal/store"
)

// Bookings that arrive together are booked together. The lane takes what
// waits and runs it in one transaction (bookJobs): one commit, one lock
// per session and one write for them all, where one transaction each would
// queue on the session's lock and commit one by one. A booking that
// arrives alone runs alone, as soon as it arrives; the longer a
// transaction takes, the more the next one takes along. The database's
// locks still keep several processes (and anything else that changes a
// session) apart.
//
// One lane per process: measured with cmd/loadtest on PostgreSQL (60
// clients, 50 sessions, 2 cores), one lane booked 1,216–1,220 a second,
// two 1,070–1,142 and four 1,022–1,032 — each transaction costs the same
// whatever it carries, and the machine's CPU, not the database's locks,
// is what bookings wait for.

// Limits of what one transaction books.
const (
	maxJobs   = 64       // requests
	maxPeople = MaxBatch // people, in all
	// laneTimeout bounds a combined transaction whose requests have no
	// deadline of their own.
	laneTimeout = 30 * time.Second
)

type lanes struct {
	once sync.Once
	ch   chan *job
	// retried counts the combined transactions that failed, their jobs
	// then booked one by one.
	retried atomic.Int64
}

// combined books j, with whatever other bookings wait with it, and
// returns once j has its answer.
func (b *Service) combined(j *job) {
	b.lanes.once.Do(func() {
		b.lanes.ch = make(chan *job, maxJobs)
		go b.lane(b.lanes.ch)
	})
	j.done = make(chan struct{})
	select {
	case b.lanes.ch <- j:
	case <-j.ctx.Done():
		j.err = fmt.Errorf("booking: %w: %v", store.ErrUnavailable, j.ctx.Err())
		return
	}
	<-j.done // once taken, a job is always answered
}

// lane books the jobs of ch as they come: the first that waits, with all
// those waiting behind it, up to the limits.
func (b *Service) lane(ch chan *job) {
	var batch []*job
	var held *job // a job that did not fit in the last batch
	for {
		batch, held = nextBatch(ch, held)
		b.run(batch)
	}
}

// nextBatch takes held, or waits for a job, then takes those waiting
// behind it until a limit: maxJobs requests, maxPeople people. A job that
// would pass the people's limit is held for the next batch.
func nextBatch(ch chan *job, held *job) (batch []*job, next *job) {
	first := held
	if first == nil {
		first = <-ch
	}
	batch = []*job{first}
	people := len(first.ids)
	for len(batch) < maxJobs {
		select {
		case j := <-ch:
			if people+len(j.ids) > maxPeople {
				return batch, j
			}
			batch = append(batch, j)
			people += len(j.ids)
		default:
			return batch, nil
		}
	}
	return batch, nil
}

// run books a batch in one transaction; should that fail, each job is
// booked again on its own, with its own context, so that one job's trouble
// with the database is its own answer and nobody else's.
func (b *Service) run(batch []*job) {
	var jobs []*job
	for _, j := range batch {
		if j.err = late(j); j.err != nil {
			close(j.done) // nothing is done for it
			continue
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return
	}
	ctx, cancel := batchContext(jobs)
	err := b.inTx(ctx, jobs)
	cancel()
	if err != nil && len(jobs) > 1 {
		b.lanes.retried.Add(1)
		for _, j := range jobs {
			j.out, j.err, j.result, j.changed = nil, nil, nil, nil
			if j.err = late(j); j.err != nil {
				continue // the batch took its time: none is left for it
			}
			ctx, cancel := context.WithTimeout(j.ctx, laneTimeout)
			j.err = b.inTx(ctx, []*job{j})
			cancel()
		}
	} else if err != nil {
		jobs[0].err = err
	}
	for _, j := range jobs {
		if j.err != nil {
			j.out = nil
		}
		close(j.done)
	}
}

// minTimeLeft is the least time a job must have left to be booked: a
// request about to give up is answered so at once, and does not cut short
// the transaction of the others (its deadline would be theirs).
const minTimeLeft = 20 * time.Millisecond

// late says why job j is not booked any more: its caller has gone, or its
// time is (almost) up; nil when it still may be.
func late(j *job) error {
	err := j.ctx.Err()
	if d, ok := j.ctx.Deadline(); err == nil && ok && time.Until(d) < minTimeLeft {
		err = context.DeadlineExceeded
	}
	if err != nil {
		return fmt.Errorf("booking: %w: %v", store.ErrUnavailable, err)
	}
	return nil
}

// batchContext is the context of a combined transaction: the first job's
// values, and the earliest of the jobs' deadlines (a job whose time is up
// before its answer gives the others theirs on their own).
func batchContext(jobs []*job) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(laneTimeout)
	for _, j := range jobs {
		if d, ok := j.ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
	}
	return context.WithDeadline(context.WithoutCancel(jobs[0].ctx), deadline)
}

// inTx runs bookJobs in a transaction of its own.
func (b *Service) inTx(ctx context.Context, jobs []*job) (err error) {
	// A bug must not take the process down with it: the requests get an
	// error, as a request's own panic would give them.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("booking: panic: %v", p)
		}
	}()
	return b.store.Tx(ctx, func(tx *store.Store) error {
		return b.bookJobs(ctx, tx, jobs, b.now(), false)
	})
}
