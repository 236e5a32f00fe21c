package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/atelier-ch/atelier/internal/apperr"
	"github.com/atelier-ch/atelier/internal/store"
)

// The sign-in limits. Each attempt is counted before its password is
// checked, in the database (so every instance counts the same attempts),
// and the count that decides includes the attempt itself.
//
// Per (account, client address) pair: FreeFailures failures in a row go
// through; after them each further attempt of that pair must wait a delay
// that doubles from FirstDelay up to MaxDelay. A success clears the pair. A
// stranger guessing from another address therefore never locks the account
// holder out.
//
// Per client address: at most MaxFailuresPerAddr failures within
// AddrWindow, whatever the accounts, so that one address cannot try
// thousands of accounts (a commune's staff may share one address, hence
// the high ceiling). IPv6 addresses count by /64, which one client holds.
const (
	FreeFailures       = 5
	FirstDelay         = time.Second
	MaxDelay           = 15 * time.Minute
	MaxFailuresPerAddr = 100
	AddrWindow         = time.Hour
	// ForgetAfter is how long a count outlives its last attempt; older
	// rows are deleted.
	ForgetAfter = 24 * time.Hour
	// sweepEvery is how often an instance deletes the old rows.
	sweepEvery = 10 * time.Minute
)

// delayAfter is the wait a pair owes after its n-th failure in a row.
func delayAfter(n int) time.Duration {
	if n < FreeFailures {
		return 0
	}
	d := FirstDelay
	for i := FreeFailures; i < n && d < MaxDelay; i++ {
		d *= 2
	}
	return min(d, MaxDelay)
}

// waitError refuses an attempt until the wait has passed.
type waitError struct{ wait time.Duration }

func (e *waitError) Error() string { return "sign-in refused for " + e.wait.String() }

// rateLimited is the 429 for a refused attempt, with the wait rounded up.
func rateLimited(wait time.Duration) error {
	if wait <= time.Minute {
		return apperr.New(apperr.CodeRateLimited, "err.login_wait_seconds", max(1, int((wait+time.Second-1)/time.Second)))
	}
	return apperr.New(apperr.CodeRateLimited, "err.login_wait_minutes", int((wait+time.Minute-1)/time.Minute))
}

// countAttempt counts one sign-in attempt of email from addr, or refuses
// it with a 429 while the pair or the address must wait.
func (a *Service) countAttempt(ctx context.Context, email, addr string, now time.Time) error {
	a.sweep(ctx, now)
	err := a.store.LoginAttempts(ctx, []string{pairKey(email, addr), addrKey(addr)}, now, func(rows []*store.LoginAttempt) error {
		pair, ip := rows[0], rows[1]
		if now.Sub(pair.LastAt) >= ForgetAfter {
			pair.Failures = 0
		}
		if pair.Failures > 0 && now.Before(pair.BlockedUntil) {
			return &waitError{pair.BlockedUntil.Sub(now)}
		}
		if ip.Failures == 0 || now.Sub(ip.WindowStart) >= AddrWindow {
			ip.Failures, ip.WindowStart = 0, now
		}
		if ip.Failures >= MaxFailuresPerAddr {
			return &waitError{ip.WindowStart.Add(AddrWindow).Sub(now)}
		}
		pair.Failures++
		pair.BlockedUntil = now.Add(delayAfter(pair.Failures))
		pair.LastAt = now
		ip.Failures++
		ip.LastAt = now
		return nil
	})
	if we, ok := errors.AsType[*waitError](err); ok {
		return rateLimited(we.wait)
	}
	return err
}

// succeeded clears the pair after a good password and takes the attempt
// back from the address's count.
func (a *Service) succeeded(ctx context.Context, email, addr string, now time.Time) error {
	return a.store.LoginAttempts(ctx, []string{pairKey(email, addr), addrKey(addr)}, now, func(rows []*store.LoginAttempt) error {
		rows[0].Failures = 0
		if rows[1].Failures > 0 {
			rows[1].Failures--
		}
		return nil
	})
}

// sweep deletes the counts nobody has used for ForgetAfter, at most every
// sweepEvery per instance.
func (a *Service) sweep(ctx context.Context, now time.Time) {
	a.mu.Lock()
	due := now.Sub(a.lastSweep) >= sweepEvery
	if due {
		a.lastSweep = now
	}
	a.mu.Unlock()
	if due {
		// Best effort: a failure leaves old rows for the next sweep, and
		// they are ignored meanwhile (see countAttempt).
		_, _ = a.store.DeleteLoginAttemptsBefore(ctx, now.Add(-ForgetAfter))
	}
}

// pairKey names an (account, client address) pair.
func pairKey(email, addr string) string {
	return keyHash("pair", strings.ToLower(strings.TrimSpace(email)), clientKey(addr))
}

// addrKey names a client address.
func addrKey(addr string) string { return keyHash("addr", clientKey(addr)) }

// clientKey is the part of an address one client holds: the address, or
// its /64 for IPv6.
func clientKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// keyHash is the stored form of a key: neither emails nor addresses are
// kept in the table.
func keyHash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}
