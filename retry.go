package jmessage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-resty/resty/v2"
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
	// attempts.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest wait the client accepts when the server
	// asks for one (Retry-After, X-Rate-Limit-Reset). When asked for longer,
	// the call fails at once with an error matching ErrRateLimited.
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
		c.retry = p
		return nil
	}
}

// WithoutRetries sends every request exactly once.
func WithoutRetries() Option {
	return func(c *config) error { c.retry.MaxAttempts = 1; return nil }
}

type retryUnsafeKey struct{}

// noRetryKey marks a request whose body cannot be sent twice.
type noRetryKey struct{}

// RetryUnsafe returns a context under which POST calls are retried like
// GET, PUT and DELETE. Use it only for a call that is safe to repeat: a
// retried message send can deliver the message twice.
func RetryUnsafe(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryUnsafeKey{}, true)
}

// retryWaitTooLong is what retryAfter returns when the server asks for a
// longer wait than the policy allows; do turns it into an *APIError.
type retryWaitTooLong struct{ wait time.Duration }

func (e *retryWaitTooLong) Error() string {
	return fmt.Sprintf("server asked to wait %s, longer than the retry policy allows", e.wait)
}

// shouldRetry is the single resty retry condition (it replaces resty's
// default retry-on-any-error, so it covers errors and statuses alike).
func (c *Client) shouldRetry(rr *resty.Response, err error) bool {
	if rr == nil || rr.Request == nil {
		return false
	}
	ctx := rr.Request.Context()
	if ctx.Err() != nil || ctx.Value(noRetryKey{}) != nil {
		return false
	}
	repeatable := rr.Request.Method != http.MethodPost || ctx.Value(retryUnsafeKey{}) != nil
	retry := false
	if err != nil {
		retry = neverConnected(err) || (repeatable && !errors.Is(err, resty.ErrResponseBodyTooLarge))
	} else {
		switch rr.StatusCode() {
		case http.StatusTooManyRequests:
			retry = true
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			retry = repeatable
		}
	}
	if retry && c.cfg.logger.Enabled(ctx, slog.LevelDebug) {
		c.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "jmessage retry",
			slog.String("method", rr.Request.Method), slog.Int("attempt", rr.Request.Attempt),
			slog.Int("status", rr.StatusCode()))
	}
	return retry
}

// neverConnected reports whether err happened before a connection opened,
// so that the request cannot have reached the server.
func neverConnected(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// retryAfter tells resty how long to wait before the next attempt: what the
// server asked for, or 0 for resty's jittered exponential backoff. A wait
// longer than the policy allows ends the call.
func (c *Client) retryAfter(_ *resty.Client, rr *resty.Response) (time.Duration, error) {
	if rr == nil || rr.RawResponse == nil {
		return 0, nil
	}
	wait := retryAfterHeader(rr.Header())
	if wait > c.cfg.retry.MaxRetryAfter {
		return 0, &retryWaitTooLong{wait: wait}
	}
	return wait, nil
}

// retryAfterHeader reads Retry-After (seconds or an HTTP date), else
// X-Rate-Limit-Reset (seconds).
func retryAfterHeader(h http.Header) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(time.Until(t), 0)
		}
	}
	if v := h.Get("X-Rate-Limit-Reset"); v != "" {
		if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
			return time.Duration(secs) * time.Second
		}
	}
	return 0
}

// parseRateLimit reads the X-Rate-Limit-* headers.
func parseRateLimit(h http.Header) RateLimit {
	var rl RateLimit
	read := func(name string) int {
		v := h.Get(name)
		if v == "" {
			return 0
		}
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
