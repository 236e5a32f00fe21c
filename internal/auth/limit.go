package auth

import (
	"strings"
	"sync"
	"time"
)

// Limits of failed sign-ins within FailureWindow: per email, and (higher,
// since a commune's staff may share one address) per client address.
const (
	MaxFailures      = 10
	MaxFailuresPerIP = 50
	FailureWindow    = 15 * time.Minute
)

// limiter counts failed sign-ins so that passwords cannot be guessed at
// speed: past MaxFailures within FailureWindow, a key is refused until the
// window has passed. It lives in memory: each instance counts its own.
type limiter struct {
	mu   sync.Mutex
	fail map[string][]time.Time
}

func (l *limiter) blocked(now time.Time, keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		limit := MaxFailures
		if strings.HasPrefix(k, "addr:") {
			limit = MaxFailuresPerIP
		}
		if len(l.recent(k, now)) >= limit {
			return true
		}
	}
	return false
}

func (l *limiter) failed(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail == nil || len(l.fail) > 100000 {
		l.fail = map[string][]time.Time{}
	}
	for _, k := range keys {
		l.fail[k] = append(l.recent(k, now), now)
	}
}

func (l *limiter) succeeded(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fail, key)
}

// recent keeps the failures of key inside the window; call with mu held.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	ts := l.fail[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > FailureWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fail, key)
	}
	return ts
}

func emailKey(email string) string { return "email:" + strings.ToLower(strings.TrimSpace(email)) }

func addrKey(addr string) string { return "addr:" + addr }
