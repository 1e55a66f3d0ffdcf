package jmessage

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// RateLimit is the rate-limit state the server reported with a response.
type RateLimit struct {
	// Limit is the number of requests allowed per window
	// (X-Rate-Limit-Limit or X-Rate-Limit-Quota).
	Limit int
	// Remaining is how many requests are left in this window (X-Rate-Limit-Remaining).
	Remaining int
	// Reset is how long until the window resets (X-Rate-Limit-Reset, in seconds).
	Reset time.Duration
	// Present reports whether the server sent any of these headers.
	Present bool
}

// parseRateLimit reads the X-Rate-Limit-* headers; a value that is not a
// number (a negative one, for Reset) is left out.
func parseRateLimit(h http.Header) RateLimit {
	var rl RateLimit
	read := func(name string) int { // name is canonical: no h.Get needed
		vs := h[name]
		if len(vs) == 0 || vs[0] == "" {
			return 0
		}
		n, err := strconv.Atoi(vs[0])
		if err != nil {
			return 0
		}
		rl.Present = true
		return n
	}
	rl.Limit = read("X-Rate-Limit-Limit")
	if rl.Limit == 0 {
		rl.Limit = read("X-Rate-Limit-Quota")
	}
	rl.Remaining = read("X-Rate-Limit-Remaining")
	if vs := h["X-Rate-Limit-Reset"]; len(vs) > 0 {
		if d, ok := parseSeconds(vs[0]); ok { // too large for a Duration: the longest one
			rl.Reset, rl.Present = d, true
		}
	}
	return rl
}

// WithoutRateLimitHold turns the client's rate-limit manners off: calls are
// sent even when the server said the window is spent (and are then
// answered 429, which the retry policy retries after the wait the server
// asks for).
func WithoutRateLimitHold() Option {
	return func(c *config) error { c.noRateLimitHold = true; return nil }
}

// rateGate holds the calls of one client to one host while that host's
// rate-limit window is spent: an answer saying X-Rate-Limit-Remaining: 0
// closes it for X-Rate-Limit-Reset. It is shared by every goroutine using
// the client and
// costs an open gate one atomic load per attempt. A nil gate (manners off)
// never holds.
type rateGate struct {
	until atomic.Int64 // Unix nanoseconds until which calls are held; 0 or past: open
}

// note closes the gate when a says the window is spent.
func (g *rateGate) note(a answer) {
	if g == nil || a.res == nil {
		return
	}
	h := a.res.Header
	if vs := h["X-Rate-Limit-Remaining"]; len(vs) == 0 || vs[0] != "0" {
		return
	}
	reset, ok := parseSeconds(h.Get("X-Rate-Limit-Reset"))
	if !ok || reset <= 0 {
		return
	}
	until := time.Now().UnixNano() + min(reset, time.Duration(1<<62)).Nanoseconds()
	for {
		old := g.until.Load()
		if old >= until || g.until.CompareAndSwap(old, until) {
			return
		}
	}
}

// held returns how long calls are still held (0 when the gate is open).
func (g *rateGate) held() time.Duration {
	if g == nil {
		return 0
	}
	until := g.until.Load()
	if until == 0 {
		return 0
	}
	return max(time.Duration(until-time.Now().UnixNano()), 0)
}

// errHeld is what rateGate.wait returns when the gate stays closed longer
// than the retry policy's MaxRetryAfter: the call fails at once (Client.do
// turns it into an *APIError matching ErrRateLimited).
type errHeld struct{ wait time.Duration }

func (e *errHeld) Error() string { return "rate-limit window spent" }

// wait holds the caller until the gate opens, the context ends (its error
// is returned), or, when the wait would be longer than maxWait, not at all
// (an *errHeld is returned).
func (g *rateGate) wait(ctx context.Context, maxWait time.Duration) error {
	d := g.held()
	switch {
	case d <= 0:
		return nil
	case d > maxWait:
		return &errHeld{wait: d}
	}
	return sleep(ctx, d)
}
