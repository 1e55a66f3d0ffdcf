package jmessagetest

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jmessage-go/jmessage"
)

// The gateway's rate-limit headers, sent with every answer.
const (
	headerQuota     = "X-Rate-Limit-Quota"
	headerRemaining = "X-Rate-Limit-Remaining"
	headerReset     = "X-Rate-Limit-Reset"
)

// DefaultRateWindow is the rate-limit window of a server without
// WithRateLimit: its answers report a quota of math.MaxInt32 requests per
// window, never reached and never enforced.
const DefaultRateWindow = time.Minute

// quota is a rate limit: at most n requests per app per window, enforced
// or only reported; text is n in decimal.
type quota struct {
	n        int
	window   time.Duration
	text     string
	enforced bool
}

// unlimited is the quota of a server without WithRateLimit: reported,
// never reached, not enforced.
func unlimited() *quota {
	return &quota{n: math.MaxInt32, window: DefaultRateWindow, text: strconv.Itoa(math.MaxInt32)}
}

// WithRateLimit makes the server enforce a quota of n requests per app in
// each window of the server's clock, as the real gateway does: the
// (n+1)th request of a window is answered 429 with code 2002
// (jmessage.ErrRateLimited), X-Rate-Limit-Remaining 0 and
// X-Rate-Limit-Reset the seconds left in the window. Windows follow each
// other from the server's start. n must be at least 1 and window positive.
// SetRateLimit changes it on a running server.
func WithRateLimit(n int, window time.Duration) Option {
	return func(o *options) error {
		q, err := newQuota(n, window)
		o.quota = q
		return err
	}
}

func newQuota(n int, window time.Duration) (*quota, error) {
	if n < 1 || window <= 0 {
		return nil, errors.New("jmessagetest: a rate limit needs n >= 1 requests per positive window")
	}
	return &quota{n: n, window: window, text: strconv.Itoa(n), enforced: true}, nil
}

// SetRateLimit makes the server enforce n requests per app per window from
// now on (see WithRateLimit); n of 0 turns enforcement off. It returns an error for a negative n or a
// window that is not positive.
func (s *Server) SetRateLimit(n int, window time.Duration) error {
	if n == 0 {
		s.limit.Store(unlimited())
		return nil
	}
	q, err := newQuota(n, window)
	if err != nil {
		return err
	}
	s.limit.Store(q)
	return nil
}

// rateWindow counts one app's requests in the current window, without a
// lock: the window's number (low 32 bits) and its count (high 32 bits)
// share one word.
type rateWindow struct{ state atomic.Uint64 }

// count counts one request in window number id and returns the requests
// of that window, this one included.
func (rw *rateWindow) count(id int64) int {
	for {
		old := rw.state.Load()
		used := old >> 32
		if uint32(old) != uint32(id) {
			used = 0 // a new window
		}
		used = min(used+1, math.MaxUint32)
		if rw.state.CompareAndSwap(old, used<<32|uint64(uint32(id))) {
			return int(used)
		}
	}
}

// admit counts a request against app's rate window (the app its
// credentials name, see authenticate), sets the rate-limit headers on w,
// and reports whether the request may go on: false when it was answered
// 429. Windows follow each other from the server's start, on its clock.
func (s *Server) admit(w http.ResponseWriter, app *appState) bool {
	q := s.limit.Load()
	since := s.Now().Sub(s.epoch)
	id := since / q.window
	if since < 0 && since%q.window != 0 {
		id-- // floor, for a clock set back before the start
	}
	used := app.rate.count(int64(id))
	reset := q.window*(id+1) - since
	vals := []string{q.text, strconv.Itoa(max(q.n-used, 0)), strconv.Itoa(int(math.Ceil(reset.Seconds())))}
	h := w.Header() // the names are canonical: set without canonicalising
	h[headerQuota], h[headerRemaining], h[headerReset] = vals[0:1:1], vals[1:2:2], vals[2:3:3]
	if !q.enforced || used <= q.n {
		return true
	}
	writeError(w, fail(jmessage.ErrRateLimited, "rate limit of %d requests per %s exceeded", q.n, q.window))
	return false
}
