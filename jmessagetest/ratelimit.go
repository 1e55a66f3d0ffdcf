package jmessagetest

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
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

// quota is an enforced rate limit: at most n requests per app per window.
type quota struct {
	n      int
	window time.Duration
}

// WithRateLimit makes the server enforce a quota of n requests per app in
// each window of the server's clock, as the real gateway does: the
// (n+1)th request of a window is answered 429 with code 2002
// (jmessage.ErrRateLimited), X-Rate-Limit-Remaining 0 and
// X-Rate-Limit-Reset the seconds left in the window. SetRateLimit changes
// it on a running server.
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
	return &quota{n: n, window: window}, nil
}

// SetRateLimit makes the server enforce n requests per app per window from
// now on (see WithRateLimit); n of 0 turns enforcement off. The counts of
// the current windows are kept. It returns an error for a negative n or a
// window that is not positive.
func (s *Server) SetRateLimit(n int, window time.Duration) error {
	if n == 0 {
		s.limit.Store(nil)
		return nil
	}
	q, err := newQuota(n, window)
	if err != nil {
		return err
	}
	s.limit.Store(q)
	return nil
}

// rateWindow counts one app's requests in fixed windows: a window opens
// with the first request after the last one closed.
type rateWindow struct {
	mu    sync.Mutex
	start time.Time
	used  int
}

// count counts one request at now and returns the requests of the current
// window, this one included, and when the window closes.
func (rw *rateWindow) count(now time.Time, window time.Duration) (used int, end time.Time) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.start.IsZero() || !now.Before(rw.start.Add(window)) || now.Before(rw.start) {
		rw.start, rw.used = now, 0
	}
	rw.used++
	return rw.used, rw.start.Add(window)
}

// admit counts a request against the rate window of the app its
// credentials name, checked or not (the primary app when they name none the
// server knows), sets the rate-limit headers on w, and reports whether the
// request may go on: false when it was answered 429.
func (s *Server) admit(w http.ResponseWriter, appKey string) bool {
	app := s.app(appKey)
	if app == nil {
		app = s.apps.Load().list[0]
	}
	q := s.limit.Load()
	limit, window := math.MaxInt32, DefaultRateWindow
	if q != nil {
		limit, window = q.n, q.window
	}
	now := s.Now()
	used, end := app.rate.count(now, window)
	vals := []string{strconv.Itoa(limit), strconv.Itoa(max(limit-used, 0)), strconv.Itoa(int(math.Ceil(end.Sub(now).Seconds())))}
	h := w.Header() // the names are canonical: set without canonicalising
	h[headerQuota], h[headerRemaining], h[headerReset] = vals[0:1:1], vals[1:2:2], vals[2:3:3]
	if q == nil || used <= limit {
		return true
	}
	writeError(w, fail(jmessage.ErrRateLimited, "rate limit of %d requests per %s exceeded", limit, window))
	return false
}
