package jmessage

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"
)

// This file is the one place that configures resty and makes one attempt
// through it; retry.go decides what follows an attempt.

// newRestClient builds the one resty client every request goes through,
// once: over a copy of the caller's *http.Client (never the caller's itself)
// or a new one over a tuned transport, without cookie jar, refusing
// redirects, with resty's warnings and logs off. resty makes one attempt
// per Execute (its retries are off: Client.send retries) and leaves the
// body to the SDK (SetDoNotParseResponse: attempt reads it, capped at
// 8 MiB, so resty neither copies it nor matches its content type). No
// credentials are set on it: the Authorization header is set per request,
// so that no client-level header, dump or debug log of resty carries it.
func newRestClient(cfg *config) *resty.Client {
	hc := cfg.httpClient // already a copy (WithHTTPClient)
	if hc == nil {
		hc = &http.Client{}
	}
	switch {
	case cfg.transport != nil:
		hc.Transport = cfg.transport
	case hc.Transport == nil:
		hc.Transport = tunedTransport()
	}
	hc.Jar = nil
	if cfg.timeout > 0 {
		// WithTimeout is applied per attempt through the context (attempt):
		// http.Client.Timeout would cost every request a timer and a
		// cancellation goroutine of its own.
		hc.Timeout = 0
	}
	rc := resty.NewWithClient(hc).
		SetDisableWarn(true).
		SetLogger(discardLogger{}).
		SetDebug(false).
		SetRetryCount(0).
		SetDoNotParseResponse(true).
		SetPreRequestHook(beforeSend)
	// The API never redirects, and a followed redirect would carry the
	// credentials elsewhere: a 3xx comes back as an *APIError. (Set after
	// resty.NewWithClient, which may install a policy of its own.)
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return rc
}

// discardLogger silences resty's own logging, which could print request
// details. Its methods are empty: nothing is formatted.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

// tunedTransport is Go's default transport with enough idle connections per
// host for concurrent callers.
func tunedTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = idleConnsPerHost
	t.MaxIdleConnsPerHost = idleConnsPerHost
	return t
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// beforeSend is resty's pre-request hook, run on each attempt's
// *http.Request just before it is sent.
//
// A request without a body gets http.NoBody: resty replaces it with an
// empty body of unknown length, which HTTP/1.1 sends chunked on a PUT or
// POST (some servers and proxies refuse that); now a PUT or POST says
// Content-Length: 0, as the API's other clients do.
//
// A request with a body loses GetBody (set by http.NewRequest), without
// which Go's transport cannot resend it by itself: its HTTP/2 client
// otherwise resends a request whose stream the server reset with
// PROTOCOL_ERROR, which the server may have processed (a duplicate
// message). Retrying is the retry policy's decision alone. A request
// without a body the transport may still resend: attempt counts those
// resends (wireCount).
func beforeSend(_ *resty.Client, req *http.Request) error {
	if req.ContentLength == 0 && req.Body != nil && req.Body != http.NoBody {
		// The SDK never sends an empty body: no body was given.
		_ = req.Body.Close()
		req.Body = http.NoBody
	}
	req.GetBody = nil
	return nil
}

// wireCount counts how often one attempt's request was written: more than
// once when Go's transport resent it by itself.
type wireCount struct {
	trace httptrace.ClientTrace
	n     atomic.Int32
}

func (w *wireCount) wroteHeaders() { w.n.Add(1) }

// attemptTimeout is the cause of an attempt that ran out of WithTimeout.
// It is a net.Error whose Timeout is true.
type attemptTimeout struct{ d time.Duration }

func (e *attemptTimeout) Error() string {
	return fmt.Sprintf("attempt timed out after %s (WithTimeout)", e.d)
}

// Timeout is true: the attempt timed out.
func (e *attemptTimeout) Timeout() bool { return true }

// Temporary is true: another attempt may succeed.
func (e *attemptTimeout) Temporary() bool { return true }

// attempt sends enc once through resty and reads the answer, within the
// per-attempt timeout. It returns the answer, its body scrubbed of the
// request's secrets, and how many times the request went out on the wire
// (at least 1: an attempt whose connection never opened counts).
func (c *Client) attempt(ctx context.Context, r request, enc encoded) (answer, int) {
	if c.timeout != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.timeout.d, c.timeout)
		defer cancel()
	}
	var wc *wireCount
	if enc.body == nil {
		wc = new(wireCount)
		wc.trace.WroteHeaders = wc.wroteHeaders
		ctx = httptrace.WithClientTrace(ctx, &wc.trace)
	}
	req := c.rest.R().SetContext(ctx)
	h := req.Header // resty's own map for this request, cloned into the http.Request
	h["Authorization"] = c.cfg.creds.authorization()
	h["User-Agent"] = c.cfg.userAgent
	h["Accept"] = headerAccept
	if enc.body != nil {
		// The bytes are encoded once for every attempt; a reader spares
		// resty's two copies of a []byte body.
		h["Content-Type"] = enc.contentType
		req.SetBody(bytes.NewReader(enc.body))
	}
	rr, err := req.Execute(r.method, enc.url)
	onWire := 1
	if wc != nil {
		onWire = max(onWire, int(wc.n.Load()))
	}
	a := answer{err: err}
	if err == nil {
		a.res = rr.RawResponse
		if a.res.Request != nil {
			delete(a.res.Request.Header, "Authorization") // printing the answer's request shows no secret
		}
		a.body, a.err = readBody(a.res)
		a.body = c.cfg.creds.scrub(a.body, enc.passwords)
	}
	if a.err != nil && !errors.Is(a.err, errBodyTooLarge) {
		a.res, a.body = nil, nil
		if cause := context.Cause(ctx); c.timeout != nil && cause == c.timeout && !errors.Is(a.err, cause) {
			a.err = fmt.Errorf("%w: %w", cause, a.err)
		}
	}
	return a, onWire
}

// errBodyTooLarge is the error of an answer whose body is over 8 MiB.
var errBodyTooLarge = errors.New("response body larger than 8 MiB")

// readBody reads and closes res's body, at most maxResponseBytes of it
// (after gzip decoding, should the transport have left that to the SDK).
func readBody(res *http.Response) ([]byte, error) {
	defer func() { _ = res.Body.Close() }()
	var body io.Reader = res.Body
	n := res.ContentLength
	if !res.Uncompressed && strings.EqualFold(res.Header.Get("Content-Encoding"), "gzip") && n != 0 {
		gz, err := gzip.NewReader(body)
		if err != nil {
			return nil, err
		}
		defer func() { _ = gz.Close() }()
		body, n = gz, -1
	}
	if n > maxResponseBytes {
		return nil, errBodyTooLarge
	}
	// One buffer of the declared length (and a byte to see the end in), or
	// io.ReadAll's start when the length is unknown; read to the end all
	// the same, whatever was declared.
	size := int64(512)
	if n >= 0 {
		size = n + 1
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		switch {
		case len(buf) > maxResponseBytes:
			return nil, errBodyTooLarge
		case errors.Is(err, io.EOF):
			return buf, nil
		case err != nil:
			return nil, err
		}
	}
}
