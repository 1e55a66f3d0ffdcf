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
)

// RetryPolicy says when and how long a failed attempt is retried. This
// comment is the one full statement of the rules; the package doc and the
// README point here.
//
// A call is repeatable when it is a GET, PUT or DELETE, a POST that only
// reads (Chatrooms.GetBatch and Get, Users.StatBatch and StatBatchV2), or
// any call under RetryUnsafe. A repeatable call is retried after a
// transport error (no complete answer), a 429, 502, 503 or 504, and an
// answer carrying code 899030 (ErrServerBusy) whatever its status. Any other
// POST (send, register, create, upload…) may reach the server only once,
// since JMessage has no idempotency key and a retried send may be a
// duplicate message: it is retried only when the connection never opened,
// when the server said it did not process the request (an HTTP/2 stream
// refused or left out of a GOAWAY), or on a 429. Go's HTTP transport is
// kept from resending a request with a body on its own; one without a body
// it may still resend (over HTTP/2 after the server reset the stream), and
// Response.Attempts counts those resends too. An answer whose body is over
// 8 MiB is not retried.
//
// The wait before a retry is the one the server asked for in a complete
// answer (Retry-After on any status, X-Rate-Limit-Reset on a 429), as asked,
// not bounded by MaxBackoff; else a jittered exponential backoff between
// MinBackoff and MaxBackoff. A server asking for a wait longer than
// MaxRetryAfter ends the call at once, without waiting: the error is an
// *APIError matching ErrRateLimited, whatever the status and the method,
// whose RetryAfter is the wait asked for. The context bounds the whole
// call: when it ends, a wait ends at once and no attempt follows.
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
	// asks for one; see the rules above.
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
		c.retry = &p
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
// GET, PUT and DELETE (see RetryPolicy). Use it only for a call that is safe
// to repeat: a retried message send can deliver the message twice.
func RetryUnsafe(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryUnsafeKey{}, true)
}

// callKind says whether a call may reach the server more than once.
type callKind uint8

const (
	repeatable callKind = iota // GET, PUT, DELETE, a POST that only reads, RetryUnsafe
	sendOnce                   // any other POST
)

// kindOf is the kind of call r under ctx.
func kindOf(ctx context.Context, r request) callKind {
	if r.method != http.MethodPost || r.readOnly || ctx.Value(retryUnsafeKey{}) != nil {
		return repeatable
	}
	return sendOnce
}

// answer is what one attempt got: a complete answer (res with its whole
// body), or the error that kept it from getting one (res nil). An answer
// whose body was over 8 MiB has res and err (errBodyTooLarge) both set.
type answer struct {
	res  *http.Response
	body []byte
	err  error
}

// status is the answer's HTTP status, 0 when none arrived.
func (a answer) status() int {
	if a.res == nil {
		return 0
	}
	return a.res.StatusCode
}

// serverWait is the wait a complete answer asks for (see serverWait).
func (a answer) serverWait() time.Duration {
	if a.err != nil || a.res == nil {
		return 0
	}
	return serverWait(a.res.StatusCode, a.res.Header)
}

// next is the retry decision: after the given attempt (1 for the first) of
// a call of kind, which got a, it returns whether to retry and after how
// long. It is the rules of RetryPolicy's comment, and nothing else decides
// a retry. (The caller stops too when the context has ended.)
func (p RetryPolicy) next(attempt int, kind callKind, a answer) (time.Duration, bool) {
	if attempt >= p.MaxAttempts || !retryable(kind, a) {
		return 0, false
	}
	switch asked := a.serverWait(); {
	case asked > p.MaxRetryAfter:
		return 0, false
	case asked > 0:
		return asked, true
	}
	return p.backoff(attempt), true
}

// retryable reports whether a call of kind may be retried after a.
func retryable(kind callKind, a answer) bool {
	if a.err != nil {
		if errors.Is(a.err, errBodyTooLarge) {
			return false // a complete answer, too large to read: the next would be too
		}
		return kind == repeatable || neverConnected(a.err) || unprocessed(a.err)
	}
	switch a.status() {
	case http.StatusTooManyRequests:
		return true // refused before it was processed: safe for every call
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return kind == repeatable
	}
	return kind == repeatable && serverBusy(a.status(), a.body)
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
// replay a request (beforeSend took its GetBody) whose stream the server
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

// send makes the attempts of one call, as RetryPolicy.next decides, each
// once the rate-limit gate is open, and returns the last attempt's answer
// with the number of attempts made. When the context ends during a wait,
// or the gate holds the first attempt longer than the policy accepts, the
// answer's err says so (wrapping what the last attempt got).
func (c *Client) send(ctx context.Context, r request, enc encoded) (answer, int) {
	kind := kindOf(ctx, r)
	gate := c.gates[0]
	if r.report {
		gate = c.gates[1] // each host has its own window
	}
	var a answer
	attempts := 0
	for n := 1; ; n++ {
		if err := gate.wait(ctx, c.policy.MaxRetryAfter); err != nil {
			if _, held := err.(*errHeld); held && n > 1 {
				return a, attempts // held too long before a retry: the last answer stands
			}
			return answer{err: err}, attempts
		}
		var onWire int
		a, onWire = c.attempt(ctx, r, enc)
		attempts += onWire
		gate.note(a)
		wait, retry := c.policy.next(n, kind, a)
		if !retry || ctx.Err() != nil {
			return a, attempts
		}
		c.logRetry(ctx, r, n, a, wait)
		if err := sleep(ctx, wait); err != nil {
			last := a.err
			if last == nil {
				last = newAPIError(r.method, r.path, &Response{Response: a.res, RawBody: a.body})
			}
			return answer{err: fmt.Errorf("%w while waiting to retry after: %w", err, last)}, attempts
		}
	}
}

// sleep waits for d, or until ctx ends (then it returns ctx.Err()).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// logRetry logs, at debug level, that attempt n of r got a and another
// follows after wait.
func (c *Client) logRetry(ctx context.Context, r request, n int, a answer, wait time.Duration) {
	if !c.cfg.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.method), slog.String("path", r.path),
		slog.Int("attempt", n), slog.Int("status", a.status()), slog.Duration("wait", wait),
	}
	if a.err != nil {
		attrs = append(attrs, slog.String("error", a.err.Error()))
	}
	c.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "jmessage retry", attrs...)
}
