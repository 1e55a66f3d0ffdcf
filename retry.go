package jmessage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// RetryPolicy says when and how long a failed attempt is retried.
//
// GET, PUT and DELETE, and the POST calls that only read (Chatrooms.GetBatch
// and Get, Users.StatBatch and StatBatchV2), are retried on transport
// errors, 429, 502, 503 and 504, and on an answer carrying code 899030
// (ErrServerBusy) whatever its status. Other POST calls (send, register,
// create, upload…) are retried only when the connection never opened, when
// the server said it did not process the request (an HTTP/2 stream refused
// or left out of a GOAWAY), or on 429, since JMessage has no idempotency key
// and a retried send may be a duplicate message; nor does Go's HTTP
// transport resend them on its own, but for Messages.Retract, which has no
// body: over HTTP/2 Go may resend it after the server reset its stream, and
// the second retract answers ErrAlreadyRetracted. A caller who knows a POST
// is safe to repeat opts in per call with RetryUnsafe.
//
// A retried PUT or DELETE whose first attempt did reach the server (its
// answer was lost to a reset or a timeout, or a proxy answered 502–504 after
// forwarding it) may be answered with a state error, since the change was
// already made: removing a friend again answers ErrNotFriend (899071),
// blacklisting again ErrAlreadyBlacklisted, a no-disturb or shield change
// one of ErrNoDisturbConflict or ErrGroupShieldAlreadyOn/Off. When
// Response.Attempts is above 1, such an error may mean the change is done.
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
// GET, PUT and DELETE (and Go's HTTP transport may resend them on a failed
// connection, as it may the others). Use it only for a call that is safe to
// repeat: a retried message send can deliver the message twice.
func RetryUnsafe(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryUnsafeKey{}, true)
}

// shouldRetry is the one resty retry condition. It replaces resty's
// default retry-on-any-error (any condition does), so it decides for errors
// and statuses alike, under the policy of RetryPolicy's comment: rr is the
// attempt's response (its RawResponse nil when no answer arrived), err the
// attempt's error.
func (c *Client) shouldRetry(rr *resty.Response, err error) bool {
	if rr == nil || rr.Request == nil {
		return false // resty failed before sending anything
	}
	ctx := rr.Request.Context()
	if ctx.Err() != nil {
		return false
	}
	repeatable := rr.Request.Method != http.MethodPost || ctx.Value(retryUnsafeKey{}) != nil
	if err != nil {
		if errors.Is(err, resty.ErrResponseBodyTooLarge) {
			return false // a complete answer, too large to read: the next would be too
		}
		return repeatable || neverConnected(err) || unprocessed(err)
	}
	switch rr.StatusCode() {
	case http.StatusTooManyRequests:
		return true // refused before it was processed: safe for every method
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return repeatable
	}
	return repeatable && serverBusy(rr.StatusCode(), rr.Body())
}

// serverBusy reports whether body is the error envelope of code 899030
// (server busy, retry later). The API sends envelopes with an error status;
// under a 2xx (which decodeResponse also reads as an error when it is an
// envelope) only a body that starts as one is decoded, so that a large
// success answer costs no scan.
func serverBusy(status int, body []byte) bool {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return false
	}
	if status >= 200 && status < 300 && !bytes.HasPrefix(body, []byte(`{"error"`)) {
		return false
	}
	if !bytes.Contains(body, []byte("899030")) {
		return false
	}
	var env errorEnvelope
	return json.Unmarshal(body, &env) == nil && env.Error != nil && env.Error.Code == ErrServerBusy
}

// neverConnected reports whether err happened before a connection opened,
// so that the request cannot have reached the server.
func neverConnected(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// unprocessed reports whether err is Go's HTTP/2 transport refusing to
// replay a request (noReplay took its GetBody) whose stream the server
// promised it did not process: refused with REFUSED_STREAM, or above the
// last stream of a GOAWAY (RFC 9113 §8.7). Go gives these only as text;
// should the text change, such a POST is not retried (an error, never a
// duplicate).
func unprocessed(err error) bool {
	var uerr *url.Error
	if !errors.As(err, &uerr) || uerr.Err == nil {
		return false
	}
	msg := uerr.Err.Error()
	const pre, post = "http2: Transport: cannot retry err [", "] after Request.Body was written"
	if !strings.HasPrefix(msg, pre) {
		return false
	}
	cause, _, ok := strings.Cut(msg[len(pre):], post)
	return ok && (cause == "http2: Transport received Server's graceful shutdown GOAWAY" ||
		strings.HasPrefix(cause, "stream error: stream ID ") && strings.Contains(cause, "; REFUSED_STREAM"))
}

// retryState is what noteRetry keeps of the last attempt to be retried.
type retryState struct {
	attempt int   // its number (1 for the first)
	err     error // its error, nil when an answer arrived
}

type retryStateKey struct{}

// noteRetry is resty's retry hook, run after shouldRetry chose to retry and
// before the wait: it notes the attempt's number and error in the
// request's context (retryAfter logs the error; outcome shows it when the
// context ends during the wait, since resty then returns ctx.Err() alone).
// The state is added to the context on the first retry only: a call that
// is not retried allocates nothing for it.
func (c *Client) noteRetry(rr *resty.Response, err error) {
	if rr == nil || rr.Request == nil {
		return
	}
	req := rr.Request
	st, _ := req.Context().Value(retryStateKey{}).(*retryState)
	if st == nil {
		st = new(retryState)
		req.SetContext(context.WithValue(req.Context(), retryStateKey{}, st))
	}
	st.attempt, st.err = req.Attempt, err
}

// lastRetried returns what noteRetry kept of req's last attempt when that
// attempt was retried (resty was waiting after it), else nil.
func lastRetried(req *resty.Request) *retryState {
	if st, _ := req.Context().Value(retryStateKey{}).(*retryState); st != nil && st.attempt == req.Attempt {
		return st
	}
	return nil
}

// waitTooLong is what retryAfter returns when the server asks for a longer
// wait than RetryPolicy.MaxRetryAfter; resty ends the call with it and
// outcome turns it into an *APIError matching ErrRateLimited.
type waitTooLong struct{ wait time.Duration }

func (e *waitTooLong) Error() string {
	return fmt.Sprintf("server asked to wait %s, longer than the retry policy allows", e.wait)
}

// retryAfter is resty's RetryAfterFunc: the wait before the next attempt,
// what the server asked for in a complete answer (Retry-After on any
// status, X-Rate-Limit-Reset on a 429), else the policy's jittered
// exponential backoff; never 0, which would make resty use its own
// backoff. A server-requested wait over MaxRetryAfter ends the call with a
// *waitTooLong instead.
func (c *Client) retryAfter(_ *resty.Client, rr *resty.Response) (time.Duration, error) {
	var asked time.Duration
	if complete(rr) {
		asked = serverWait(rr.StatusCode(), rr.RawResponse.Header)
	}
	if asked > c.cfg.retry.MaxRetryAfter {
		return 0, &waitTooLong{wait: asked}
	}
	wait := asked
	if wait <= 0 {
		wait = c.cfg.retry.backoff(rr.Request.Attempt)
	}
	c.logRetry(rr, wait)
	return wait, nil
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
		if d, ok := parseSeconds(v); ok {
			return d
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(time.Until(t), 0)
		}
	}
	if status == http.StatusTooManyRequests {
		if d, ok := parseSeconds(h.Get("X-Rate-Limit-Reset")); ok {
			return d
		}
	}
	return 0
}

// parseSeconds reads a non-negative whole number of seconds. A number too
// large for a time.Duration is the longest Duration: a wait over any cap,
// not a wait the server did not ask for.
func parseSeconds(v string) (time.Duration, bool) {
	secs, err := strconv.ParseUint(v, 10, 64)
	switch {
	case err == nil && secs <= uint64(math.MaxInt64/int64(time.Second)):
		return time.Duration(secs) * time.Second, true
	case err == nil || errors.Is(err, strconv.ErrRange):
		return math.MaxInt64, true
	}
	return 0, false
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
	if vs := h["X-Rate-Limit-Reset"]; len(vs) > 0 {
		if d, ok := parseSeconds(vs[0]); ok { // too large for a Duration: the longest one
			rl.Reset, rl.Present = d, true
		}
	}
	return rl
}

// logRetry logs, at debug level, that an attempt failed and another follows
// after wait.
func (c *Client) logRetry(rr *resty.Response, wait time.Duration) {
	req := rr.Request
	ctx := req.Context()
	if !c.cfg.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method), slog.String("path", c.pathOf(req.URL)),
		slog.Int("attempt", req.Attempt), slog.Int("status", rr.StatusCode()), slog.Duration("wait", wait),
	}
	if st := lastRetried(req); st != nil && st.err != nil {
		attrs = append(attrs, slog.String("error", st.err.Error()))
	}
	c.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "jmessage retry", attrs...)
}

// pathOf returns the API path of a request URL built by encode: without
// the base URL and the query.
func (c *Client) pathOf(rawURL string) string {
	p := strings.TrimPrefix(rawURL, c.cfg.base)
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}
