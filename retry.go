package jmessage

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy says when and how long a failed attempt is retried.
//
// GET, PUT and DELETE are retried on transport errors, 429, 502, 503 and
// 504. POST (send, register, create…) is retried only when the connection
// never opened or on 429, since JMessage has no idempotency key and a
// retried send may be a duplicate message; a caller who knows a POST is safe
// to repeat opts in per call with RetryUnsafe.
type RetryPolicy struct {
	// MaxAttempts is the most attempts per call, the first included; 1 turns
	// retries off.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the jittered exponential wait between
	// attempts when the server did not ask for a wait.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest wait the client accepts when the server
	// asks for one (Retry-After on any status, X-Rate-Limit-Reset on a 429);
	// a wait the server asks for is honoured as asked, not bounded by
	// MaxBackoff. When asked for longer, the call fails at once, without
	// waiting, with an *APIError matching ErrRateLimited whose RetryAfter is
	// the wait asked for.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy is the policy of a client without WithRetryPolicy:
// 3 attempts, waits between 100ms and 2s, server-requested waits up to 10s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, MinBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second,
		MaxRetryAfter: 10 * time.Second}
}

// WithRetryPolicy replaces the default retry policy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		switch {
		case p.MaxAttempts < 1:
			return &ValidationError{Field: "retryPolicy.MaxAttempts", Reason: "must be at least 1"}
		case p.MinBackoff <= 0 || p.MaxBackoff < p.MinBackoff:
			return &ValidationError{Field: "retryPolicy.MinBackoff", Reason: "must be positive and at most MaxBackoff"}
		case p.MaxRetryAfter < 0:
			return &ValidationError{Field: "retryPolicy.MaxRetryAfter", Reason: "must not be negative"}
		}
		c.retry, c.retrySet = p, true
		return nil
	}
}

// WithoutRetries sends every request exactly once. When WithRetryPolicy is
// given too, in any order, the explicit policy wins.
func WithoutRetries() Option {
	return func(c *config) error { c.noRetries = true; return nil }
}

type retryUnsafeKey struct{}

// RetryUnsafe returns a context under which POST calls are retried like
// GET, PUT and DELETE. Use it only for a call that is safe to repeat: a
// retried message send can deliver the message twice.
func RetryUnsafe(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryUnsafeKey{}, true)
}

// shouldRetry reports whether an attempt that ended with resp (nil when no
// answer arrived) and err is worth another, under the policy of the type
// comment of RetryPolicy.
func (c *Client) shouldRetry(ctx context.Context, method string, resp *Response, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	repeatable := method != http.MethodPost || ctx.Value(retryUnsafeKey{}) != nil
	if err != nil {
		if errors.Is(err, errBodyTooLarge) {
			return false // a complete answer, too large to read: the next would be too
		}
		return repeatable || neverConnected(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true // refused before it was processed: safe for every method
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return repeatable
	}
	return false
}

// neverConnected reports whether err happened before a connection opened,
// so that the request cannot have reached the server.
func neverConnected(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// retryWait returns how long to wait before the attempt after attempt:
// what the server asked for in a complete answer (asked, also returned so
// that the caller can compare it with MaxRetryAfter), else the jittered
// exponential backoff.
func (c *Client) retryWait(resp *Response, err error, attempt int) (wait, asked time.Duration) {
	if err == nil && resp != nil && resp.Response != nil {
		asked = serverWait(resp.StatusCode, resp.Header)
	}
	if asked > 0 {
		return asked, asked
	}
	return c.cfg.retry.backoff(attempt), 0
}

// backoff is the wait after the given attempt (1 for the first): the
// exponential MinBackoff·2^(attempt-1), capped at MaxBackoff, with equal
// jitter (a random point in its upper half), never below MinBackoff.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.MaxBackoff
	if shift := attempt - 1; shift < 62 {
		if e := p.MinBackoff << shift; e > 0 && e < d {
			d = e
		}
	}
	d = d/2 + rand.N(d/2+1)
	return max(d, p.MinBackoff)
}

// serverWait reads how long the server asked the client to wait:
// Retry-After (seconds or an HTTP date) on any status, else, on 429 only,
// X-Rate-Limit-Reset (seconds until the rate-limit window resets; the JPush
// family sends it with every answer, where it asks for nothing).
func serverWait(status int, h http.Header) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 32); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(time.Until(t), 0)
		}
	}
	if status == http.StatusTooManyRequests {
		if v := h.Get("X-Rate-Limit-Reset"); v != "" {
			if secs, err := strconv.ParseInt(v, 10, 32); err == nil && secs >= 0 {
				return time.Duration(secs) * time.Second
			}
		}
	}
	return 0
}

// parseRateLimit reads the X-Rate-Limit-* headers.
func parseRateLimit(h http.Header) RateLimit {
	var rl RateLimit
	read := func(name string) int { // name is canonical: no h.Get needed
		vs := h[name]
		if len(vs) == 0 || vs[0] == "" {
			return 0
		}
		v := vs[0]
		n, err := strconv.Atoi(v)
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
	rl.Reset = time.Duration(read("X-Rate-Limit-Reset")) * time.Second
	return rl
}
