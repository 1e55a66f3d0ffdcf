package jmessage_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// fastRetries is the default policy with short waits, so that the suite runs fast.
var fastRetries = jmessage.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
	MaxRetryAfter: 10 * time.Second}

// faultOp is one kind of call the suite checks under every fault.
type faultOp struct {
	name string
	// repeatable: GET/PUT/DELETE, retried after the request may have arrived.
	repeatable bool
	// hasResult: the call decodes a result from a 2xx body.
	hasResult bool
	call      func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error)
}

var faultOps = []faultOp{
	{name: "read", repeatable: true, hasResult: true, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
		_, resp, err := c.Users.Get(ctx, "javen")
		return resp, err
	}},
	{name: "write", repeatable: true, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
		return c.Users.Update(ctx, "javen", jmessage.UserUpdate{Nickname: jmessage.Ptr("J")})
	}},
	{name: "delete", repeatable: true, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
		return c.Users.Delete(ctx, "javen")
	}},
	{name: "send", repeatable: false, hasResult: true, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
		_, resp, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin"), To: jmessage.ToUser("javen"),
			Body: jmessage.Text{Text: "hello"}})
		return resp, err
	}},
	{name: "register", repeatable: false, hasResult: true, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
		_, resp, err := c.Users.Register(ctx, []jmessage.NewUser{{Username: "javen", Password: "password"}})
		return resp, err
	}},
}

// httpFault answers every request with handler, counting requests.
func httpFault(t *testing.T, handler http.HandlerFunc) (url string, seen *atomic.Int32) {
	t.Helper()
	seen = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, seen
}

// tcpFault serves raw TCP: for every request it reads the request head and
// lets answer write (or not) and then resets the connection.
func tcpFault(t *testing.T, answer func(conn net.Conn)) (url string, seen *atomic.Int32) {
	t.Helper()
	seen = new(atomic.Int32)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			r := bufio.NewReader(conn)
			if req, err := http.ReadRequest(r); err == nil {
				_, _ = io.Copy(io.Discard, req.Body)
				seen.Add(1)
				answer(conn)
			}
			_ = conn.(*net.TCPConn).SetLinger(0) // close with RST
			_ = conn.Close()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); <-done })
	return "http://" + ln.Addr().String(), seen
}

// refusedURL is a loopback address where nothing listens.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

func jsonHandler(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// faultCase is one fault and what every operation must make of it.
type faultCase struct {
	name   string
	server func(t *testing.T) (url string, seen *atomic.Int32)
	// seenRepeatable and seenSend are how many requests the server must see.
	seenRepeatable, seenSend int32
	// check asserts the error.
	check func(t *testing.T, err error, resp *jmessage.Response)
	// badSuccessBody: a 2xx whose body cannot be decoded, which only calls
	// with a result notice.
	badSuccessBody bool
	// timeout per attempt, when not the suite's default.
	timeout time.Duration
}

func isTransportError(t *testing.T, err error, _ *jmessage.Response) {
	t.Helper()
	var terr *jmessage.TransportError
	require.ErrorAs(t, err, &terr)
}

func isAPIError(status int, malformed bool) func(t *testing.T, err error, resp *jmessage.Response) {
	return func(t *testing.T, err error, resp *jmessage.Response) {
		t.Helper()
		var apiErr *jmessage.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, status, apiErr.HTTPStatus)
		assert.Equal(t, malformed, errors.Is(err, jmessage.ErrMalformedResponse), "ErrMalformedResponse")
		require.NotNil(t, resp)
	}
}

// Oversized is one byte over what the client reads.
var oversized = `{"username":"` + strings.Repeat("x", 8<<20) + `"}`

func faultCases() []faultCase {
	status := func(code int, body string) func(t *testing.T) (string, *atomic.Int32) {
		return func(t *testing.T) (string, *atomic.Int32) { return httpFault(t, jsonHandler(code, body)) }
	}
	return []faultCase{
		{
			name: "connection refused", seenRepeatable: 0, seenSend: 0,
			server: func(t *testing.T) (string, *atomic.Int32) { return refusedURL(t), new(atomic.Int32) },
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isTransportError(t, err, resp)
				var opErr *net.OpError
				require.ErrorAs(t, err, &opErr)
				assert.Equal(t, "dial", opErr.Op)
				require.NotNil(t, resp)
				assert.Equal(t, 3, resp.Attempts, "a refused connection is retried, sends included")
			},
		},
		{
			name: "reset before the response", seenRepeatable: 3, seenSend: 1,
			server: func(t *testing.T) (string, *atomic.Int32) { return tcpFault(t, func(net.Conn) {}) },
			check:  isTransportError,
		},
		{
			name: "reset mid-body", seenRepeatable: 3, seenSend: 1,
			server: func(t *testing.T) (string, *atomic.Int32) {
				return tcpFault(t, func(conn net.Conn) {
					_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user")
				})
			},
			check: isTransportError,
		},
		{name: "500", seenRepeatable: 1, seenSend: 1, server: status(500, `{"error":{"code":899000,"message":"internal"}}`),
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isAPIError(500, false)(t, err, resp)
				assert.ErrorIs(t, err, jmessage.ErrServerInternal)
			}},
		{name: "502 HTML page", seenRepeatable: 3, seenSend: 1, server: status(502, "<html><h1>502 Bad Gateway</h1></html>"),
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isAPIError(502, false)(t, err, resp)
				var apiErr *jmessage.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Contains(t, apiErr.Excerpt, "502 Bad Gateway")
			}},
		{name: "503", seenRepeatable: 3, seenSend: 1, server: status(503, `{"error":{"code":899030,"message":"busy"}}`),
			check: isAPIError(503, false)},
		{name: "504 empty", seenRepeatable: 3, seenSend: 1, server: status(504, ""), check: isAPIError(504, false)},
		{
			name: "429 with Retry-After", seenRepeatable: 3, seenSend: 3,
			server: func(t *testing.T) (string, *atomic.Int32) {
				return httpFault(t, jsonHandler(429, `{"error":{"code":2002,"message":"rate limited"}}`, "Retry-After", "0"))
			},
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isAPIError(429, false)(t, err, resp)
				assert.ErrorIs(t, err, jmessage.ErrRateLimited)
				assert.Equal(t, 3, resp.Attempts)
			},
		},
		{
			name: "429 asking for longer than the cap", seenRepeatable: 1, seenSend: 1,
			server: func(t *testing.T) (string, *atomic.Int32) {
				return httpFault(t, jsonHandler(429, `{"error":{"code":2002,"message":"rate limited"}}`,
					"Retry-After", "3600", "X-Rate-Limit-Limit", "600", "X-Rate-Limit-Remaining", "0"))
			},
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isAPIError(429, false)(t, err, resp)
				assert.ErrorIs(t, err, jmessage.ErrRateLimited)
				var apiErr *jmessage.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, time.Hour, apiErr.RetryAfter)
				assert.Equal(t, 600, resp.RateLimit.Limit)
				assert.True(t, resp.RateLimit.Present)
			},
		},
		{
			name: "429 with X-Rate-Limit-Reset longer than the cap", seenRepeatable: 1, seenSend: 1,
			server: func(t *testing.T) (string, *atomic.Int32) {
				return httpFault(t, jsonHandler(429, `{"error":{"code":2002,"message":"rate limited"}}`,
					"X-Rate-Limit-Reset", "60", "X-Rate-Limit-Remaining", "0"))
			},
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isAPIError(429, false)(t, err, resp)
				assert.ErrorIs(t, err, jmessage.ErrRateLimited)
				var apiErr *jmessage.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, time.Minute, apiErr.RetryAfter)
			},
		},
		{
			name: "503 with Retry-After longer than the cap", seenRepeatable: 1, seenSend: 1,
			server: func(t *testing.T) (string, *atomic.Int32) {
				return httpFault(t, jsonHandler(503, "", "Retry-After", "3600"))
			},
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isAPIError(503, false)(t, err, resp)
				var apiErr *jmessage.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, time.Hour, apiErr.RetryAfter)
			},
		},
		{
			// X-Rate-Limit-Reset comes with every answer of the JPush family:
			// it asks for a wait only on a 429.
			name: "503 with X-Rate-Limit-Reset", seenRepeatable: 3, seenSend: 1,
			server: func(t *testing.T) (string, *atomic.Int32) {
				return httpFault(t, jsonHandler(503, "", "X-Rate-Limit-Reset", "3600"))
			},
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isAPIError(503, false)(t, err, resp)
				assert.NotErrorIs(t, err, jmessage.ErrRateLimited)
			},
		},
		{name: "HTML page with 200", seenRepeatable: 1, seenSend: 1, server: status(200, "<html>maintenance</html>"),
			check: isAPIError(200, true), badSuccessBody: true},
		{
			name: "server slower than the timeout", seenRepeatable: 3, seenSend: 1, timeout: 200 * time.Millisecond,
			server: func(t *testing.T) (string, *atomic.Int32) {
				return httpFault(t, func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-time.After(5 * time.Second):
					}
				})
			},
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isTransportError(t, err, resp)
				var netErr net.Error
				require.ErrorAs(t, err, &netErr)
				assert.True(t, netErr.Timeout())
			},
		},
		{name: "empty 200", seenRepeatable: 1, seenSend: 1, server: status(200, ""), check: isAPIError(200, true),
			badSuccessBody: true},
		{name: "truncated JSON", seenRepeatable: 1, seenSend: 1, server: status(200, `{"username":"jav`),
			check: isAPIError(200, true), badSuccessBody: true},
		{name: "wrong JSON type", seenRepeatable: 1, seenSend: 1, server: status(200, `["javen"]`),
			check: isAPIError(200, true), badSuccessBody: true},
		{name: "oversized body", seenRepeatable: 1, seenSend: 1, server: status(200, oversized),
			check: isAPIError(200, true)},
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	for _, fc := range faultCases() {
		for _, op := range faultOps {
			t.Run(fc.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				url, seen := fc.server(t)
				timeout := fc.timeout
				if timeout == 0 {
					timeout = 10 * time.Second
				}
				c, err := jmessage.New(testAppKey, testSecret, jmessage.WithBaseURL(url),
					jmessage.WithRetryPolicy(fastRetries), jmessage.WithTimeout(timeout))
				require.NoError(t, err)
				t.Cleanup(c.CloseIdleConnections)

				var resp *jmessage.Response
				require.NotPanics(t, func() { resp, err = op.call(t.Context(), c) })
				if fc.badSuccessBody && !op.hasResult {
					require.NoError(t, err, "a 2xx is success for a call with no result to decode")
				} else {
					require.Error(t, err)
					fc.check(t, err, resp)
				}
				want := fc.seenRepeatable
				if !op.repeatable {
					want = fc.seenSend
				}
				assert.Equal(t, want, seen.Load(), "requests the server saw")
				assert.NotContains(t, fmt.Sprint(err), testSecret)
			})
		}
	}
}

func TestRetryUnsafeOptsAPostIn(t *testing.T) {
	t.Parallel()
	url, seen := httpFault(t, jsonHandler(503, ""))
	c, err := jmessage.New(testAppKey, testSecret, jmessage.WithBaseURL(url), jmessage.WithRetryPolicy(fastRetries))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	_, resp, err := c.Users.Register(jmessage.RetryUnsafe(t.Context()), []jmessage.NewUser{{Username: "javen", Password: "password"}})
	require.Error(t, err)
	assert.Equal(t, int32(3), seen.Load())
	assert.Equal(t, 3, resp.Attempts)
}

func TestRetrySucceedsAfterTransientFailures(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	url, seen := httpFault(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			jsonHandler(503, "")(w, r)
			return
		}
		jsonHandler(200, `{"username":"javen"}`)(w, r)
	})
	c, err := jmessage.New(testAppKey, testSecret, jmessage.WithBaseURL(url), jmessage.WithRetryPolicy(fastRetries))
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	user, resp, err := c.Users.Get(t.Context(), "javen")
	require.NoError(t, err)
	assert.Equal(t, "javen", user.Username)
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, int32(3), seen.Load())
}

func TestCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	url, seen := httpFault(t, jsonHandler(200, `{}`))
	c, err := jmessage.New(testAppKey, testSecret, jmessage.WithBaseURL(url))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err = c.Users.Get(ctx, "javen")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, seen.Load())
}
