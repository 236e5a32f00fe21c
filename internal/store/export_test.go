package store

import (
	"context"
	"time"
)

// CheckTokensTogether answers one check per context in one query, as a
// checker answers the checks waiting for it, and returns their errors in
// order.
func (s *Store) CheckTokensTogether(ctxs []context.Context, hash, kind string, now time.Time) []error {
	checks := make([]*tokenCheck, len(ctxs))
	for i, ctx := range ctxs {
		checks[i] = &tokenCheck{ctx: ctx, hash: hash, kind: kind, now: now, answer: make(chan tokenAnswer, 1)}
	}
	s.lookUpTokens(checks)
	errs := make([]error, len(checks))
	for i, c := range checks {
		errs[i] = (<-c.answer).err
	}
	return errs
}
