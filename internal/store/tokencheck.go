package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"time"
)

// Token checks that arrive together are answered by one query. Every
// request checks its token in the database (disabling an account must stop
// its tokens at once, on every instance: no cache), and under load that
// query was a round trip per request, as many as the requests themselves:
// measured with cmd/loadtest (PostgreSQL, 50 sessions, 60 clients), the
// bookings went from 3,236–3,293 a second to 3,920–3,984 with no check at
// all. Here a few checkers each take every check waiting and look the
// tokens up in one statement; a check that finds a checker free runs at
// once, alone. Each check is still answered by a query that began after
// it was asked, so a token revoked, or an account disabled, before a
// request arrives fails that request, as before.

// tokenCheckers is how many token queries run at once.
const tokenCheckers = 2

// maxTokenBatch bounds the tokens of one query.
const maxTokenBatch = 200

// tokenCheckTimeout bounds a token query, whatever its checks' deadlines.
const tokenCheckTimeout = 10 * time.Second

// tokenCheck is one request's check on its way through a checker.
type tokenCheck struct {
	ctx        context.Context
	hash, kind string
	now        time.Time
	// answer receives the check's answer, once; its caller may have
	// stopped waiting (its own deadline), and then nobody reads it.
	answer chan tokenAnswer
}

// tokenAnswer is a check's answer: the account and token, or why not.
type tokenAnswer struct {
	user  *User
	token *AuthToken
	err   error
}

// tokenQueue holds the checks waiting, and the checkers once started;
// closing quit stops them (Store.Close).
type tokenQueue struct {
	once     sync.Once
	ch       chan *tokenCheck
	quit     chan struct{}
	quitOnce sync.Once
}

func newTokenQueue() *tokenQueue { return &tokenQueue{quit: make(chan struct{})} }

// stop ends the checkers; checks asked afterwards fail.
func (q *tokenQueue) stop() { q.quitOnce.Do(func() { close(q.quit) }) }

// checkToken asks the checkers for the account of a token, and waits for
// the answer until ctx is done.
func (s *Store) checkToken(ctx context.Context, hash, kind string, now time.Time) (*User, *AuthToken, error) {
	q := s.tokens
	q.once.Do(func() {
		// Unbuffered: a check is handed to a checker, which answers it,
		// or not taken at all (a closed store).
		q.ch = make(chan *tokenCheck)
		for range tokenCheckers {
			go s.tokenChecker(q)
		}
	})
	c := &tokenCheck{ctx: ctx, hash: hash, kind: kind, now: now, answer: make(chan tokenAnswer, 1)}
	select {
	case q.ch <- c:
	case <-ctx.Done():
		return nil, nil, translate(ctx.Err())
	case <-q.quit:
		return nil, nil, translate(sql.ErrConnDone)
	}
	select {
	case a := <-c.answer:
		return a.user, a.token, a.err
	case <-ctx.Done():
		// The others' query goes on; this request stops waiting for it.
		return nil, nil, translate(ctx.Err())
	}
}

// tokenChecker answers the checks of q until the store is closed: the
// first that waits, with all those waiting behind it.
func (s *Store) tokenChecker(q *tokenQueue) {
	for {
		var first *tokenCheck
		select {
		case first = <-q.ch:
		case <-q.quit:
			return
		}
		batch := []*tokenCheck{first}
	more:
		for len(batch) < maxTokenBatch {
			select {
			case c := <-q.ch:
				batch = append(batch, c)
			default:
				break more
			}
		}
		s.lookUpTokens(batch)
	}
}

// lookUpTokens answers checks in one query: the tokens that have not
// expired at the earliest of their times, each then held to its own
// check's kind and time. The query may run until the latest of their
// deadlines (at most tokenCheckTimeout): a check whose own deadline comes
// first stops waiting for it (checkToken) without cutting it short for
// the others.
func (s *Store) lookUpTokens(checks []*tokenCheck) {
	var live []*tokenCheck
	for _, c := range checks {
		if err := c.ctx.Err(); err != nil {
			c.answer <- tokenAnswer{err: translate(err)} // its caller has gone
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	limit := time.Now().Add(tokenCheckTimeout)
	var deadline time.Time
	earliest := live[0].now
	hashes := make([]string, 0, len(live))
	for _, c := range live {
		d, ok := c.ctx.Deadline()
		if !ok || d.After(limit) {
			d = limit
		}
		if d.After(deadline) {
			deadline = d
		}
		if c.now.Before(earliest) {
			earliest = c.now
		}
		hashes = append(hashes, c.hash)
	}
	hashes = slices.Compact(slices.Sorted(slices.Values(hashes)))
	ctx, cancel := context.WithDeadline(context.WithoutCancel(live[0].ctx), deadline)
	defer cancel()
	found, err := s.usersByTokenHashes(ctx, hashes, earliest)
	for _, c := range live {
		a := tokenAnswer{err: err}
		if err == nil {
			a.err = ErrNotFound
			if f, ok := found[c.hash]; ok && f.token.Kind == c.kind && f.token.ExpiresAt.After(c.now) {
				u, t := *f.user, *f.token // each request its own copy
				a = tokenAnswer{user: &u, token: &t}
			}
		}
		c.answer <- a
	}
}

// tokenRow is a token found, with its account.
type tokenRow struct {
	user  *User
	token *AuthToken
}

// usersByTokenHashes reads the tokens among hashes that have not expired
// at now, of enabled accounts, keyed by hash (a hash is unique). On PostgreSQL the hashes are
// one array parameter of a statement prepared once; SQLite's driver parses
// every statement anyway.
func (s *Store) usersByTokenHashes(ctx context.Context, hashes []string, now time.Time) (map[string]tokenRow, error) {
	var rows *sql.Rows
	var err error
	if s.dialect == Postgres {
		var db *sql.DB
		if db, err = s.db.DB(); err != nil {
			return nil, err
		}
		stmt, err := s.tokenStmt.get(ctx, db, usersByTokensPG)
		if err != nil {
			return nil, translate(err)
		}
		rows, err = stmt.QueryContext(ctx, pgArray{hashes}, now.UTC())
		if err != nil {
			return nil, translate(err)
		}
	} else {
		db := s.readers
		if db == nil {
			if db, err = s.db.DB(); err != nil {
				return nil, err
			}
		}
		args := make([]any, 0, len(hashes)+1)
		for _, h := range hashes {
			args = append(args, h)
		}
		args = append(args, now.UTC())
		q := strings.Replace(usersByTokensSQL, "(?)", "(?"+strings.Repeat(",?", len(hashes)-1)+")", 1)
		if rows, err = db.QueryContext(ctx, q, args...); err != nil {
			return nil, translate(err)
		}
	}
	defer rows.Close()
	out := make(map[string]tokenRow, len(hashes))
	for rows.Next() {
		u := &User{}
		t := &AuthToken{}
		if err := rows.Scan(
			&u.ID, &u.OrgID, &u.RegionID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.Language,
			&u.FeedTokenHash, &u.FeedTokenAt, &u.DisabledAt, &u.CreatedAt, &u.UpdatedAt,
			&t.ID, &t.ExpiresAt, &t.Hash, &t.Kind); err != nil {
			return nil, translate(err)
		}
		t.UserID = u.ID
		out[t.Hash] = tokenRow{u, t}
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	return out, nil
}

const usersByTokensSQL = `SELECT u.id, u.org_id, u.region_id, u.email, u.name, u.password_hash, u.role, u.language,
  u.feed_token_hash, u.feed_token_at, u.disabled_at, u.created_at, u.updated_at, t.id, t.expires_at, t.hash, t.kind
FROM auth_tokens t JOIN users u ON u.id = t.user_id
WHERE t.hash IN (?) AND t.expires_at > ? AND u.disabled_at IS NULL`

var usersByTokensPG = strings.NewReplacer("t.hash IN (?)", "t.hash = ANY($1)", "t.expires_at > ?", "t.expires_at > $2").Replace(usersByTokensSQL)
