package console

import (
	"strings"
	"sync"
	"time"
)

// Sign-in throttling: after maxFailures wrong passwords for one user name
// from one client address within failureWindow, further attempts from that
// address for that name are refused for lockout, without checking the
// password. Keying on the (name, address) pair slows guessing without
// letting a stranger lock a colleague out from elsewhere. The state is per
// server process (a replica counts its own failures), which bounds guessing
// at maxFailures × replicas per lockout period.
const (
	maxFailures     = 5
	failureWindow   = 15 * time.Minute
	lockout         = 5 * time.Minute
	maxThrottleKeys = 10_000 // a flood of random names cannot grow the map without bound
)

type signInThrottle struct {
	mu   sync.Mutex
	seen map[string]*failures
}

type failures struct {
	count  int
	first  time.Time
	locked time.Time // zero when not locked
}

func throttleKey(username, addr string) string { return strings.ToLower(username) + "\x00" + addr }

// blocked reports whether the pair is locked out, and until when.
func (t *signInThrottle) blocked(username, addr string, now time.Time) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.seen[throttleKey(username, addr)]
	if f == nil || f.locked.IsZero() || !now.Before(f.locked) {
		return time.Time{}, false
	}
	return f.locked, true
}

// failed records a wrong password.
func (t *signInThrottle) failed(username, addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil || len(t.seen) >= maxThrottleKeys {
		t.seen = map[string]*failures{}
	}
	k := throttleKey(username, addr)
	f := t.seen[k]
	if f == nil || now.Sub(f.first) > failureWindow || (!f.locked.IsZero() && !now.Before(f.locked)) {
		f = &failures{first: now}
		t.seen[k] = f
	}
	f.count++
	if f.count >= maxFailures {
		f.locked = now.Add(lockout)
	}
}

// succeeded forgets the pair's failures.
func (t *signInThrottle) succeeded(username, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.seen, throttleKey(username, addr))
}
