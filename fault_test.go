package jmessage_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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
	// iterator: the call yields errors without a *Response (Users.All);
	// its Response is the one of the *APIError, when it is one.
	iterator bool
	call     func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error)
}

// faultPassword is the password the register operation sends.
const faultPassword = "fault-pass-0001"

// testToken is the Authorization token that carries the master secret.
var testToken = strings.TrimPrefix(testAuth, "Basic ")

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
		_, resp, err := c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "javen", Password: faultPassword}})
		return resp, err
	}},
	{name: "upload", repeatable: false, hasResult: true, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
		_, resp, err := c.Resources.Upload(ctx, jmessage.MediaFile, "notes.txt", strings.NewReader("some notes"))
		return resp, err
	}},
	{name: "all", repeatable: true, hasResult: true, iterator: true, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
		for _, err := range c.Users.All(ctx, jmessage.ListOptions{}) {
			var apiErr *jmessage.APIError
			if errors.As(err, &apiErr) {
				return apiErr.Response, err
			}
			return nil, err
		}
		return nil, nil
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

// awaitSeen waits until the server has seen want requests. A request the
// client gave up on (a timeout) is written before the client returns, but
// the server's handler may count it only later, on a loaded machine.
func awaitSeen(t *testing.T, seen *atomic.Int32, want int32) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for seen.Load() < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
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
	// seenRepeatable and seenSend are how many requests the server must
	// see, and how many attempts Response.Attempts must report unless
	// attempts is set.
	seenRepeatable, seenSend int32
	// attempts, when not 0, is Response.Attempts for every operation.
	attempts int
	// check asserts the error.
	check func(t *testing.T, err error, resp *jmessage.Response)
	// okWithoutResult: a 2xx whose body is empty or JSON of the wrong
	// shape, which only calls with a result notice.
	okWithoutResult bool
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
			name: "connection refused", seenRepeatable: 0, seenSend: 0, attempts: 3,
			server: func(t *testing.T) (string, *atomic.Int32) { return refusedURL(t), new(atomic.Int32) },
			check: func(t *testing.T, err error, resp *jmessage.Response) {
				isTransportError(t, err, resp)
				var opErr *net.OpError
				require.ErrorAs(t, err, &opErr)
				assert.Equal(t, "dial", opErr.Op, "a refused connection is retried, sends included (attempts: 3)")
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
				assert.ErrorIs(t, err, jmessage.ErrRateLimited, "whatever the method")
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
			check: isAPIError(200, true)},
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
			okWithoutResult: true},
		{name: "truncated JSON", seenRepeatable: 1, seenSend: 1, server: status(200, `{"username":"jav`),
			check: isAPIError(200, true)},
		{name: "wrong JSON type", seenRepeatable: 1, seenSend: 1, server: status(200, `["javen"]`),
			check: isAPIError(200, true), okWithoutResult: true},
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
				var logs syncBuffer
				c := serverClient(t, url, jmessage.WithRetryPolicy(fastRetries), jmessage.WithTimeout(timeout),
					jmessage.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
					jmessage.WithDebugBodies())

				var resp *jmessage.Response
				var err error
				require.NotPanics(t, func() { resp, err = op.call(t.Context(), c) })
				if fc.okWithoutResult && !op.hasResult {
					require.NoError(t, err, "a 2xx with an empty or JSON body is success for a call with no result to decode")
				} else {
					require.Error(t, err)
					fc.check(t, err, resp)
				}
				want := fc.seenRepeatable
				if !op.repeatable {
					want = fc.seenSend
				}
				awaitSeen(t, seen, want)
				assert.Equal(t, want, seen.Load(), "requests the server saw")
				assertResponseRule(t, err, resp)
				if !op.iterator || resp != nil {
					attempts := fc.attempts
					if attempts == 0 {
						attempts = int(want)
					}
					require.NotNil(t, resp, "a Response whenever an attempt was made")
					assert.Equal(t, attempts, resp.Attempts, "Response.Attempts")
				}
				assertNoSecrets(t, fmt.Sprint(err), logs.String())
			})
		}
	}
}

// assertResponseRule checks the one rule for Response.Response: nil
// exactly when the error is a *TransportError (whose Response carries only
// Attempts), set with every other answer.
func assertResponseRule(t *testing.T, err error, resp *jmessage.Response) {
	t.Helper()
	if resp == nil {
		return
	}
	var terr *jmessage.TransportError
	if errors.As(err, &terr) {
		assert.Nil(t, resp.Response, "no answer with a *TransportError")
		assert.Nil(t, resp.RawBody)
		assert.Equal(t, jmessage.RateLimit{}, resp.RateLimit)
		return
	}
	assert.NotNil(t, resp.Response, "the answer with a success or an *APIError")
}

// assertNoSecrets checks that none of what the SDK reported holds a secret.
func assertNoSecrets(t *testing.T, reported ...string) {
	t.Helper()
	for _, s := range reported {
		for _, secret := range []string{testSecret, testToken, faultPassword} {
			assert.NotContains(t, s, secret)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestEchoedSecretsAreScrubbed: a server that echoes what it got (the
// Authorization header, the request body) in its error message, under an
// error status or in a 2xx body, reports none of the request's secrets:
// not in the error, the log, Response.RawBody or a register result.
func TestEchoedSecretsAreScrubbed(t *testing.T) {
	t.Parallel()
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			msg, _ := json.Marshal("refused " + r.Header.Get("Authorization") + " for " + string(body) + " " + testSecret)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			if r.Method == http.MethodPost && r.URL.Path == "/v1/users/" && status < 300 {
				_, _ = fmt.Fprintf(w, `[{"username":"javen","error":{"code":899003,"message":%s}}]`, msg)
				return
			}
			_, _ = fmt.Fprintf(w, `{"error":{"code":899003,"message":%s}}`, msg)
		}
	}
	for _, status := range []int{400, 201} {
		for _, op := range append(faultOps, faultOp{name: "set password", call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
			return c.Users.SetPassword(ctx, "javen", faultPassword)
		}}) {
			t.Run(fmt.Sprint(status, "/", op.name), func(t *testing.T) {
				t.Parallel()
				srv := httptest.NewServer(echo(status))
				t.Cleanup(srv.Close)
				var logs syncBuffer
				c := serverClient(t, srv.URL, jmessage.WithoutRetries(), jmessage.WithDebugBodies(),
					jmessage.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
				reported := []string{}
				if op.name == "register" && status < 300 {
					results, resp, err := c.Users.RegisterBatch(t.Context(), []jmessage.NewUser{{Username: "javen", Password: faultPassword}})
					require.NoError(t, err)
					require.Len(t, results, 1)
					require.ErrorIs(t, results[0].Err, jmessage.ErrInvalidParameter)
					reported = append(reported, results[0].Err.Error(), fmt.Sprintf("%+v", results[0].Err), string(resp.RawBody))
				} else {
					resp, err := op.call(t.Context(), c)
					require.ErrorIs(t, err, jmessage.ErrInvalidParameter)
					require.NotNil(t, resp)
					reported = append(reported, err.Error(), string(resp.RawBody))
				}
				assert.Contains(t, logs.String(), "[REDACTED]", "the echo was there, scrubbed")
				assertNoSecrets(t, append(reported, logs.String())...)
			})
		}
	}
}

func TestRetryUnsafeOptsAPostIn(t *testing.T) {
	t.Parallel()
	url, seen := httpFault(t, jsonHandler(503, ""))
	c := serverClient(t, url, jmessage.WithRetryPolicy(fastRetries))

	_, resp, err := c.Users.RegisterBatch(jmessage.RetryUnsafe(t.Context()), []jmessage.NewUser{{Username: "javen", Password: "password"}})
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
	c := serverClient(t, url, jmessage.WithRetryPolicy(fastRetries))

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

// h2Answer is what the raw HTTP/2 server does with one complete request.
type h2Answer int

const (
	h2OK            h2Answer = iota // 200 with a send's answer
	h2ResetProtocol                 // RST_STREAM PROTOCOL_ERROR: the request may have been processed
	h2ResetRefused                  // RST_STREAM REFUSED_STREAM: the server promises it was not processed
	h2GoAway                        // GOAWAY below the stream: the server promises it was not processed
)

// h2Fault is a raw HTTP/2 server over TLS on loopback, written frame by
// frame so that it can reset a stream as no Go server does: answer decides
// what happens to the n-th complete request (1 for the first). It returns
// the URL, a transport that trusts it (HTTP/2 on), and the count of
// requests it received and of those it answered.
func h2Fault(t *testing.T, answer func(n int32) h2Answer) (url string, tr *http.Transport, seen, answered *atomic.Int32) {
	t.Helper()
	cert := httptest.NewUnstartedServer(nil)
	cert.EnableHTTP2 = true
	cert.StartTLS()
	cfg := cert.TLS.Clone()
	tr = cert.Client().Transport.(*http.Transport).Clone()
	cert.Close()
	t.Cleanup(tr.CloseIdleConnections)

	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	require.NoError(t, err)
	seen, answered = new(atomic.Int32), new(atomic.Int32)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				serveH2(conn, func() h2Answer {
					n := seen.Add(1)
					a := answer(n)
					if a == h2OK {
						answered.Add(1)
					}
					return a
				})
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "https://" + ln.Addr().String(), tr, seen, answered
}

// serveH2 speaks just enough HTTP/2 on conn: it reads frames until the
// connection ends and, for each request once complete (END_STREAM), does
// what next says.
func serveH2(conn net.Conn, next func() h2Answer) {
	defer func() { _ = conn.Close() }()
	r := bufio.NewReader(conn)
	preface := make([]byte, len(http2Preface))
	if _, err := io.ReadFull(r, preface); err != nil || string(preface) != http2Preface {
		return
	}
	write := func(typ, flags byte, stream uint32, payload []byte) {
		h := []byte{byte(len(payload) >> 16), byte(len(payload) >> 8), byte(len(payload)), typ, flags,
			byte(stream >> 24), byte(stream >> 16), byte(stream >> 8), byte(stream)}
		_, _ = conn.Write(append(h, payload...))
	}
	const (
		frameData, frameHeaders, frameRST, frameSettings, framePing, frameGoAway = 0, 1, 3, 4, 6, 7
		flagEndStream, flagAck, flagEndHeaders                                   = 1, 1, 4
	)
	code := func(c uint32) []byte { return []byte{byte(c >> 24), byte(c >> 16), byte(c >> 8), byte(c)} }
	write(frameSettings, 0, 0, nil)
	head := make([]byte, 9)
	for {
		if _, err := io.ReadFull(r, head); err != nil {
			return
		}
		payload := make([]byte, int(head[0])<<16|int(head[1])<<8|int(head[2]))
		if _, err := io.ReadFull(r, payload); err != nil {
			return
		}
		typ, flags := head[3], head[4]
		stream := (uint32(head[5])<<24 | uint32(head[6])<<16 | uint32(head[7])<<8 | uint32(head[8])) & 0x7fffffff
		switch {
		case typ == frameSettings && flags&flagAck == 0:
			write(frameSettings, flagAck, 0, nil)
		case typ == framePing && flags&flagAck == 0:
			write(framePing, flagAck, 0, payload)
		case (typ == frameHeaders || typ == frameData) && flags&flagEndStream != 0:
			switch next() {
			case h2OK:
				write(frameHeaders, flagEndHeaders, stream, []byte{0x88}) // HPACK: :status 200
				write(frameData, flagEndStream, stream, []byte(`{"msg_id":1,"msg_ctime":1493794522950}`))
			case h2ResetProtocol:
				write(frameRST, 0, stream, code(0x1))
			case h2ResetRefused:
				write(frameRST, 0, stream, code(0x7))
			case h2GoAway:
				write(frameGoAway, 0, 0, append(code(stream-1), code(0)...)) // streams before this one only
			}
		}
	}
}

const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// h2Send is what sendOverH2 saw.
type h2Send struct {
	got            *jmessage.SendResult
	resp           *jmessage.Response
	err            error
	seen, answered int32 // requests the server received and answered
}

// sendOverH2 sends one message, with fastRetries, to an h2Fault server that
// meets the first request with first and answers every later one.
func sendOverH2(t *testing.T, first h2Answer) h2Send {
	t.Helper()
	url, tr, seen, answered := h2Fault(t, func(n int32) h2Answer {
		if n == 1 {
			return first
		}
		return h2OK
	})
	c := serverClient(t, url, jmessage.WithTransport(tr), jmessage.WithRetryPolicy(fastRetries))

	got, resp, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin"),
		To: jmessage.ToUser("javen"), Body: jmessage.Text{Text: "hello"}})
	return h2Send{got: got, resp: resp, err: err, seen: seen.Load(), answered: answered.Load()}
}

// TestSendIsNotReplayedByHTTP2: Go's HTTP/2 transport replays a request
// whose stream the server reset with PROTOCOL_ERROR when it can rewind the
// body (resty always lets it), though the server may have processed it. A
// send must reach the server at most once: the reset is a transport error.
func TestSendIsNotReplayedByHTTP2(t *testing.T) {
	t.Parallel()
	r := sendOverH2(t, h2ResetProtocol)
	assert.Equal(t, int32(1), r.seen, "the send reached the server once")
	var terr *jmessage.TransportError
	require.ErrorAs(t, r.err, &terr)
	assert.Contains(t, r.err.Error(), "PROTOCOL_ERROR")
	require.NotNil(t, r.resp)
	assert.Equal(t, 1, r.resp.Attempts)
}

// TestHTTP2ResendsAreCounted: after a PROTOCOL_ERROR reset Go's HTTP/2
// transport resends a request without a body by itself (a DELETE); one
// with a body it may not (beforeSend), so the retry policy retries it (a
// PUT). Either way Response.Attempts counts every request the server got.
func TestHTTP2ResendsAreCounted(t *testing.T) {
	t.Parallel()
	for name, call := range map[string]func(context.Context, *jmessage.Client) (*jmessage.Response, error){
		"DELETE": func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
			return c.Users.Delete(ctx, "javen")
		},
		"PUT": func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
			return c.Users.Update(ctx, "javen", jmessage.UserUpdate{Nickname: jmessage.Ptr("J")})
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			url, tr, seen, answered := h2Fault(t, func(n int32) h2Answer {
				if n == 1 {
					return h2ResetProtocol
				}
				return h2OK
			})
			c := serverClient(t, url, jmessage.WithTransport(tr), jmessage.WithRetryPolicy(fastRetries))
			resp, err := call(t.Context(), c)
			require.NoError(t, err)
			assert.Equal(t, int32(2), seen.Load())
			assert.Equal(t, int32(1), answered.Load())
			assert.Equal(t, 2, resp.Attempts, "every request that reached the server")
		})
	}
}

// TestSendIsRetriedWhenHTTP2SaysUnprocessed: a stream the server refused
// (REFUSED_STREAM) or left out of a GOAWAY was, by the protocol's promise,
// not processed: the send is retried, once processed.
func TestSendIsRetriedWhenHTTP2SaysUnprocessed(t *testing.T) {
	t.Parallel()
	for name, refusal := range map[string]h2Answer{"REFUSED_STREAM": h2ResetRefused, "GOAWAY": h2GoAway} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := sendOverH2(t, refusal)
			require.NoError(t, r.err)
			assert.Equal(t, int64(1), r.got.MsgID)
			assert.Equal(t, int32(2), r.seen)
			assert.Equal(t, int32(1), r.answered, "processed once")
			assert.Equal(t, 2, r.resp.Attempts)
		})
	}
}

// TestSendOnAReusedConnectionIsNotReplayed: Go's HTTP/1 transport resends
// a request by itself when a kept-alive connection turns out dead under
// it, but only one it may repeat (no body or GetBody, and an idempotent
// method or an Idempotency-Key), or one of which it wrote nothing. A send
// written to a kept-alive connection that the server then closes, cleanly
// or with a reset, without answering, reached the server once.
func TestSendOnAReusedConnectionIsNotReplayed(t *testing.T) {
	t.Parallel()
	for _, reset := range []bool{false, true} {
		t.Run(fmt.Sprintf("reset=%v", reset), func(t *testing.T) {
			t.Parallel()
			var sends atomic.Int32
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						defer func() { _ = conn.Close() }()
						r := bufio.NewReader(conn)
						for {
							req, err := http.ReadRequest(r)
							if err != nil {
								return
							}
							_, _ = io.Copy(io.Discard, req.Body)
							if req.Method == http.MethodPost && sends.Add(1) == 1 {
								if reset {
									_ = conn.(*net.TCPConn).SetLinger(0)
								}
								return // the first send: read in full, never answered
							}
							body := `{"username":"javen"}`
							if req.Method == http.MethodPost {
								body = `{"msg_id":1,"msg_ctime":1493794522950}`
							}
							_, _ = fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
								len(body), body)
						}
					}()
				}
			}()
			t.Cleanup(func() { _ = ln.Close(); wg.Wait() })

			c := serverClient(t, "http://"+ln.Addr().String(), jmessage.WithRetryPolicy(fastRetries))

			// A read leaves the connection idle in the pool; the send reuses it.
			_, _, err = c.Users.Get(t.Context(), "javen")
			require.NoError(t, err)
			_, resp, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin"),
				To: jmessage.ToUser("javen"), Body: jmessage.Text{Text: "hello"}})
			assert.Equal(t, int32(1), sends.Load(), "the send reached the server once")
			var terr *jmessage.TransportError
			require.ErrorAs(t, err, &terr)
			require.NotNil(t, resp)
			assert.Equal(t, 1, resp.Attempts)
		})
	}
}
