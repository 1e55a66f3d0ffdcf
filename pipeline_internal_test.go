package jmessage

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestConfigNeverPrintsTheSecret: the values that hold the credentials
// print redacted, so that no log line, error or panic message built from
// them (by the SDK or a caller's debugging) carries the secret.
func TestConfigNeverPrintsTheSecret(t *testing.T) {
	const appKey, masterSecret = "4f7aef34fb361292c566a1cd", "s3cr3t-master-key-do-not-print"
	c, err := New(appKey, masterSecret)
	if err != nil {
		t.Fatal(err)
	}
	token := base64.StdEncoding.EncodeToString([]byte(appKey + ":" + masterSecret))
	for _, v := range []any{c, c.cfg, *c.cfg, c.cfg.creds, *c.cfg.creds, c.rest, *c.rest, c.rest.GetClient()} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			s := fmt.Sprintf(verb, v)
			if strings.Contains(s, masterSecret) || strings.Contains(s, token) {
				t.Errorf("%s of %T prints the secret: %s", verb, v, s)
			}
		}
	}
}

// TestTunedTransportVerifiesTLS: the SDK's own transport never turns
// certificate verification off.
func TestTunedTransportVerifiesTLS(t *testing.T) {
	tr := tunedTransport()
	if tr.TLSClientConfig != nil && tr.TLSClientConfig.InsecureSkipVerify {
		t.Fatal("InsecureSkipVerify set")
	}
	if tr.MaxIdleConnsPerHost < 64 {
		t.Fatalf("MaxIdleConnsPerHost %d: concurrent callers would reopen connections", tr.MaxIdleConnsPerHost)
	}
}

// TestBackoffStaysWithinThePolicy: every wait is between MinBackoff and
// MaxBackoff, whatever the attempt number (no overflow).
func TestBackoffStaysWithinThePolicy(t *testing.T) {
	p := DefaultRetryPolicy()
	for attempt := 1; attempt < 200; attempt++ {
		ceiling := p.MaxBackoff
		if attempt < 30 {
			ceiling = min(p.MinBackoff<<(attempt-1), p.MaxBackoff)
		}
		for range 20 {
			d := p.backoff(attempt)
			if d < p.MinBackoff || d < ceiling/2 || d > ceiling {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, max(p.MinBackoff, ceiling/2), ceiling)
			}
		}
	}
	huge := RetryPolicy{MaxAttempts: 100, MinBackoff: time.Hour, MaxBackoff: 1 << 62}
	for attempt := 1; attempt < 100; attempt++ {
		if d := huge.backoff(attempt); d < huge.MinBackoff || d > huge.MaxBackoff {
			t.Fatalf("attempt %d: wait %v", attempt, d)
		}
	}
}

// TestRetryDecision is RetryPolicy.next as a table: what follows each
// answer or error, for each kind of call.
func TestRetryDecision(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
		MaxRetryAfter: 10 * time.Second}
	res := func(status int, headers ...string) *http.Response {
		h := http.Header{}
		for i := 0; i+1 < len(headers); i += 2 {
			h.Set(headers[i], headers[i+1])
		}
		return &http.Response{StatusCode: status, Header: h}
	}
	const busy = `{"error":{"code":899030,"message":"busy"}}`
	refused := &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	reset := &url.Error{Op: "Post", Err: errors.New("read: connection reset by peer")}
	h2Refused := &url.Error{Op: "Post", Err: errors.New("http2: Transport: cannot retry err [stream error: stream ID 1; REFUSED_STREAM] after Request.Body was written")}
	h2GoAway := &url.Error{Op: "Post", Err: errors.New("http2: Transport: cannot retry err [http2: Transport received Server's graceful shutdown GOAWAY] after Request.Body was written")}
	h2Protocol := &url.Error{Op: "Post", Err: errors.New("http2: Transport: cannot retry err [stream error: stream ID 1; PROTOCOL_ERROR; received from peer] after Request.Body was written")}
	const backoff = -1 // any wait within the backoff's bounds
	tests := []struct {
		name    string
		attempt int
		kind    callKind
		a       answer
		retry   bool
		wait    time.Duration
	}{
		{"GET 200", 1, repeatable, answer{res: res(200), body: []byte(`{}`)}, false, 0},
		{"GET 404", 1, repeatable, answer{res: res(404)}, false, 0},
		{"GET 500", 1, repeatable, answer{res: res(500)}, false, 0},
		{"GET 502", 1, repeatable, answer{res: res(502)}, true, backoff},
		{"GET 503", 1, repeatable, answer{res: res(503)}, true, backoff},
		{"GET 504", 1, repeatable, answer{res: res(504)}, true, backoff},
		{"GET 429", 1, repeatable, answer{res: res(429)}, true, backoff},
		{"GET 500 busy", 1, repeatable, answer{res: res(500), body: []byte(busy)}, true, backoff},
		{"GET 200 busy", 1, repeatable, answer{res: res(200), body: []byte(busy)}, true, backoff},
		{"GET 200 mentioning 899030", 1, repeatable, answer{res: res(200), body: []byte(`{"nickname":"899030"}`)}, false, 0},
		{"GET reset", 1, repeatable, answer{err: reset}, true, backoff},
		{"GET body over 8 MiB", 1, repeatable, answer{res: res(200), err: errBodyTooLarge}, false, 0},
		{"GET last attempt", 3, repeatable, answer{res: res(503)}, false, 0},
		{"GET 503 Retry-After", 1, repeatable, answer{res: res(503, "Retry-After", "3")}, true, 3 * time.Second},
		{"GET 503 Retry-After 0", 1, repeatable, answer{res: res(503, "Retry-After", "0")}, true, backoff},
		{"GET 503 Retry-After over the cap", 1, repeatable, answer{res: res(503, "Retry-After", "11")}, false, 0},
		{"GET 503 X-Rate-Limit-Reset asks nothing", 1, repeatable, answer{res: res(503, "X-Rate-Limit-Reset", "30")}, true, backoff},
		{"GET 429 X-Rate-Limit-Reset", 1, repeatable, answer{res: res(429, "X-Rate-Limit-Reset", "2")}, true, 2 * time.Second},
		{"GET 429 Retry-After before Reset", 1, repeatable, answer{res: res(429, "Retry-After", "1", "X-Rate-Limit-Reset", "2")}, true, time.Second},
		{"POST 429", 1, sendOnce, answer{res: res(429)}, true, backoff},
		{"POST 429 over the cap", 1, sendOnce, answer{res: res(429, "Retry-After", "3600")}, false, 0},
		{"POST 502", 1, sendOnce, answer{res: res(502)}, false, 0},
		{"POST 503", 1, sendOnce, answer{res: res(503)}, false, 0},
		{"POST 500 busy", 1, sendOnce, answer{res: res(500), body: []byte(busy)}, false, 0},
		{"POST reset", 1, sendOnce, answer{err: reset}, false, 0},
		{"POST refused", 1, sendOnce, answer{err: refused}, true, backoff},
		{"POST refused, last attempt", 3, sendOnce, answer{err: refused}, false, 0},
		{"POST HTTP/2 REFUSED_STREAM", 1, sendOnce, answer{err: h2Refused}, true, backoff},
		{"POST HTTP/2 GOAWAY", 1, sendOnce, answer{err: h2GoAway}, true, backoff},
		{"POST HTTP/2 PROTOCOL_ERROR", 1, sendOnce, answer{err: h2Protocol}, false, 0},
		{"PUT HTTP/2 PROTOCOL_ERROR", 1, repeatable, answer{err: h2Protocol}, true, backoff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, retry := p.next(tt.attempt, tt.kind, tt.a)
			if retry != tt.retry {
				t.Fatalf("retry = %v, want %v", retry, tt.retry)
			}
			switch {
			case tt.wait == backoff:
				if ceiling := min(p.MinBackoff<<(tt.attempt-1), p.MaxBackoff); wait < ceiling/2 || wait > ceiling {
					t.Fatalf("wait %v, want a backoff within [%v, %v]", wait, ceiling/2, ceiling)
				}
			case wait != tt.wait:
				t.Fatalf("wait %v, want %v", wait, tt.wait)
			}
		})
	}
}

// TestKindOf: which calls may reach the server more than once.
func TestKindOf(t *testing.T) {
	ctx := t.Context()
	for _, tt := range []struct {
		ctx  context.Context
		r    request
		want callKind
	}{
		{ctx, request{method: http.MethodGet}, repeatable},
		{ctx, request{method: http.MethodPut}, repeatable},
		{ctx, request{method: http.MethodDelete}, repeatable},
		{ctx, request{method: http.MethodPost}, sendOnce},
		{ctx, request{method: http.MethodPost, readOnly: true}, repeatable},
		{RetryUnsafe(ctx), request{method: http.MethodPost}, repeatable},
	} {
		if got := kindOf(tt.ctx, tt.r); got != tt.want {
			t.Errorf("%s readOnly=%v: %v, want %v", tt.r.method, tt.r.readOnly, got, tt.want)
		}
	}
}

// TestRestyHoldsNoCredentials: the master secret is set on each request,
// never on the resty client, whose headers, token, user info or debug dump
// could print it.
func TestRestyHoldsNoCredentials(t *testing.T) {
	const appKey, masterSecret = "4f7aef34fb361292c566a1cd", "s3cr3t-master-key-do-not-print"
	var sent []string
	c, err := New(appKey, masterSecret, WithTransport(roundTripFunc(func(req *http.Request) (*http.Response, error) {
		sent = append(sent, req.Header.Get("Authorization"))
		return &http.Response{StatusCode: http.StatusNoContent, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Delete(t.Context(), "javen"); err != nil {
		t.Fatal(err)
	}
	token := base64.StdEncoding.EncodeToString([]byte(appKey + ":" + masterSecret))
	if len(sent) != 1 || sent[0] != "Basic "+token {
		t.Fatalf("Authorization sent: %q", sent)
	}
	rc := c.rest
	if len(rc.Header) != 0 || rc.Token != "" || rc.UserInfo != nil || rc.Debug {
		t.Fatalf("resty client holds headers %v, token %q, user info %v, debug %v", rc.Header, rc.Token, rc.UserInfo, rc.Debug)
	}
	if hc := rc.GetClient(); hc.Jar != nil || hc.CheckRedirect == nil {
		t.Fatalf("cookie jar %v, redirect policy set %v", hc.Jar, hc.CheckRedirect != nil)
	}
}
