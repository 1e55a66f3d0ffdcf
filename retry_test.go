package jmessage_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// hookHandler is a slog handler that hands every record to fn, at every level.
type hookHandler struct{ fn func(slog.Record) }

func (hookHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h hookHandler) Handle(_ context.Context, r slog.Record) error {
	h.fn(r)
	return nil
}
func (h hookHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h hookHandler) WithGroup(string) slog.Handler      { return h }

// retryWaits collects the wait of every "jmessage retry" log record.
type retryWaits struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (w *retryWaits) logger() *slog.Logger {
	return slog.New(hookHandler{fn: func(r slog.Record) {
		if r.Message != "jmessage retry" {
			return
		}
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "wait" {
				w.mu.Lock()
				w.waits = append(w.waits, a.Value.Duration())
				w.mu.Unlock()
			}
			return true
		})
	}})
}

func (w *retryWaits) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.waits...)
}

// onRetry returns a logger that calls fn when the client is about to wait
// before a retry.
func onRetry(fn func()) *slog.Logger {
	return slog.New(hookHandler{fn: func(r slog.Record) {
		if r.Message == "jmessage retry" {
			fn()
		}
	}})
}

// failFirstDial is a transport whose first dial fails as a refused
// connection would, before any byte could reach the server.
func failFirstDial(t *testing.T) *http.Transport {
	t.Helper()
	var dials atomic.Int32
	var d net.Dialer
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

func TestPostIsRetriedWhenTheConnectionNeverOpened(t *testing.T) {
	t.Parallel()
	url, seen := httpFault(t, jsonHandler(201, `{"msg_id":1,"msg_ctime":1493794522950}`))
	c, err := jmessage.New(testAppKey, testSecret, jmessage.WithBaseURL(url), jmessage.WithRetryPolicy(fastRetries),
		jmessage.WithTransport(failFirstDial(t)))
	require.NoError(t, err)

	got, resp, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin"),
		To: jmessage.ToUser("javen"), Body: jmessage.Text{Text: "hello"}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.MsgID)
	assert.Equal(t, 2, resp.Attempts)
	assert.Equal(t, int32(1), seen.Load(), "the message reached the server once")
}

func TestPostIsNotRetriedOnceSent(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			url, seen := httpFault(t, jsonHandler(status, ""))
			c := serverClient(t, url, jmessage.WithRetryPolicy(fastRetries))
			_, resp, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin"),
				To: jmessage.ToUser("javen"), Body: jmessage.Text{Text: "hello"}})
			var apiErr *jmessage.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.HTTPStatus)
			assert.Equal(t, 1, resp.Attempts)
			assert.Equal(t, int32(1), seen.Load())
		})
	}
}

func TestServerRequestedWaitIsHonoured(t *testing.T) {
	t.Parallel()
	// The waits are read from the client's retry log, not timed.
	tests := []struct {
		name    string
		status  int
		headers []string
		want    time.Duration
	}{
		// 3s is above MaxBackoff: a server-requested wait is not cut to it.
		{name: "Retry-After on 429", status: 429, headers: []string{"Retry-After", "3"}, want: 3 * time.Second},
		{name: "Retry-After on 503", status: 503, headers: []string{"Retry-After", "1"}, want: time.Second},
		{name: "X-Rate-Limit-Reset on 429", status: 429, headers: []string{"X-Rate-Limit-Reset", "2"}, want: 2 * time.Second},
		{name: "Retry-After before X-Rate-Limit-Reset", status: 429,
			headers: []string{"Retry-After", "1", "X-Rate-Limit-Reset", "2"}, want: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			url, seen := httpFault(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					jsonHandler(tt.status, "", tt.headers...)(w, r)
					return
				}
				jsonHandler(200, `{"username":"javen"}`)(w, r)
			})
			var waits retryWaits
			// The wait is cut short by cancelling: only its length matters here.
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			record := waits.logger().Handler()
			logger := slog.New(hookHandler{fn: func(r slog.Record) {
				_ = record.Handle(ctx, r)
				if r.Message == "jmessage retry" {
					cancel()
				}
			}})
			c := serverClient(t, url, jmessage.WithRetryPolicy(fastRetries), jmessage.WithLogger(logger))

			_, _, err := c.Users.Get(ctx, "javen")
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, []time.Duration{tt.want}, waits.get())
			assert.Equal(t, int32(1), seen.Load())
		})
	}

	t.Run("backoff without a request", func(t *testing.T) {
		t.Parallel()
		url, _ := httpFault(t, jsonHandler(503, "", "X-Rate-Limit-Reset", "30"))
		var waits retryWaits
		policy := jmessage.RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
			MaxRetryAfter: time.Second}
		c := serverClient(t, url, jmessage.WithRetryPolicy(policy), jmessage.WithLogger(waits.logger()))

		_, resp, err := c.Users.Get(t.Context(), "javen")
		require.Error(t, err)
		assert.Equal(t, 4, resp.Attempts)
		got := waits.get()
		require.Len(t, got, 3)
		for i, w := range got {
			ceiling := min(policy.MinBackoff<<i, policy.MaxBackoff)
			assert.GreaterOrEqual(t, w, max(ceiling/2, policy.MinBackoff), "wait %d", i)
			assert.LessOrEqual(t, w, ceiling, "wait %d", i)
		}
	})
}

func TestWaitLongerThanTheCapIsARateLimitError(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 503} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			url, seen := httpFault(t, jsonHandler(status, "", "Retry-After", "120"))
			c := serverClient(t, url, jmessage.WithRetryPolicy(fastRetries))

			_, resp, err := c.Users.Get(t.Context(), "javen")
			require.ErrorIs(t, err, jmessage.ErrRateLimited)
			var apiErr *jmessage.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 2*time.Minute, apiErr.RetryAfter)
			assert.Equal(t, status, apiErr.HTTPStatus)
			assert.Contains(t, apiErr.Error(), "retry after 2m0s")
			assert.Equal(t, 1, resp.Attempts)
			assert.Equal(t, int32(1), seen.Load(), "no second request")
		})
	}
}

func TestContextEndsTheWaitAtOnce(t *testing.T) {
	t.Parallel()
	// Waits of an hour: the test can only end if cancelling ends the wait.
	long := jmessage.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Hour, MaxBackoff: time.Hour, MaxRetryAfter: 2 * time.Hour}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  int
		code    jmessage.ErrorCode
	}{
		{name: "server-requested wait", handler: jsonHandler(503, `{"error":{"code":899030,"message":"busy"}}`, "Retry-After", "3600"),
			status: 503, code: jmessage.ErrServerBusy},
		{name: "backoff", handler: jsonHandler(503, `{"error":{"code":899030,"message":"busy"}}`), status: 503, code: jmessage.ErrServerBusy},
		{name: "after a 429", handler: jsonHandler(429, `{"error":{"code":2002,"message":"rate limited"}}`, "X-Rate-Limit-Reset", "3600"),
			status: 429, code: jmessage.ErrRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, seen := httpFault(t, tt.handler)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			c := serverClient(t, url, jmessage.WithRetryPolicy(long), jmessage.WithLogger(onRetry(cancel)))

			_, resp, err := c.Users.Get(ctx, "javen")
			require.ErrorIs(t, err, context.Canceled)
			var terr *jmessage.TransportError
			require.ErrorAs(t, err, &terr)
			assert.ErrorIs(t, err, tt.code, "the last answer stays visible")
			require.NotNil(t, resp)
			assert.Equal(t, 1, resp.Attempts)
			assert.Nil(t, resp.Response, "a *TransportError comes without an answer")
			var apiErr *jmessage.APIError
			require.ErrorAs(t, err, &apiErr)
			require.NotNil(t, apiErr.Response, "the answer waited after is the wrapped error's")
			assert.Equal(t, tt.status, apiErr.Response.StatusCode)
			assert.Equal(t, int32(1), seen.Load())
		})
	}
}

func TestContextDeadlineBoundsTheWholeCall(t *testing.T) {
	t.Parallel()
	// Each attempt may take an hour; the context allows a fraction of a second.
	url, seen := httpFault(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	c := serverClient(t, url, jmessage.WithTimeout(time.Hour), jmessage.WithRetryPolicy(fastRetries))

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, resp, err := c.Users.Get(ctx, "javen")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var terr *jmessage.TransportError
	require.ErrorAs(t, err, &terr)
	assert.Equal(t, 1, resp.Attempts, "no retry once the context is over")
	assert.LessOrEqual(t, seen.Load(), int32(1), "at most the one attempt reached the server")
}

func TestTimeoutBoundsEachAttempt(t *testing.T) {
	t.Parallel()
	// Each attempt times out after 1s; the context has no deadline; the
	// third attempt is answered.
	var n atomic.Int32
	url, seen := httpFault(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			<-r.Context().Done()
			return
		}
		jsonHandler(200, `{"username":"javen"}`)(w, r)
	})
	c := serverClient(t, url, jmessage.WithTimeout(time.Second), jmessage.WithRetryPolicy(fastRetries))

	user, resp, err := c.Users.Get(t.Context(), "javen")
	require.NoError(t, err)
	assert.Equal(t, "javen", user.Username)
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, int32(3), seen.Load())
}

func TestWithoutRetriesSendsOnce(t *testing.T) {
	t.Parallel()
	url, seen := httpFault(t, jsonHandler(503, ""))
	c := serverClient(t, url, jmessage.WithoutRetries())
	_, resp, err := c.Users.Get(t.Context(), "javen")
	require.Error(t, err)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, int32(1), seen.Load())
	assert.False(t, errors.Is(err, jmessage.ErrRateLimited))
}

func TestRetryOptionsInAnyOrder(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]jmessage.Option{
		"policy then without":  {jmessage.WithRetryPolicy(fastRetries), jmessage.WithoutRetries()},
		"without then policy":  {jmessage.WithoutRetries(), jmessage.WithRetryPolicy(fastRetries)},
		"without, default too": {jmessage.WithoutRetries()},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			url, seen := httpFault(t, jsonHandler(503, ""))
			c := serverClient(t, url, opts...)
			_, resp, err := c.Users.Get(t.Context(), "javen")
			require.Error(t, err)
			want := fastRetries.MaxAttempts
			if len(opts) == 1 {
				want = 1
			}
			assert.Equal(t, want, resp.Attempts)
			assert.Equal(t, int32(want), seen.Load())
		})
	}
}

// TestReadOnlyPostsAreRetriedLikeGets: the POST calls that only read are
// retried on a 503 (and replay the same body), unlike a POST that writes.
func TestReadOnlyPostsAreRetriedLikeGets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error)
		want int
	}{
		{name: "Chatrooms.GetBatch", want: fastRetries.MaxAttempts, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
			_, resp, err := c.Chatrooms.GetBatch(ctx, []int64{1, 2})
			return resp, err
		}},
		{name: "Chatrooms.Get", want: fastRetries.MaxAttempts, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
			_, resp, err := c.Chatrooms.Get(ctx, 1)
			return resp, err
		}},
		{name: "Users.StatBatch", want: fastRetries.MaxAttempts, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
			_, resp, err := c.Users.StatBatch(ctx, []string{"javen", "fang"})
			return resp, err
		}},
		{name: "Users.StatBatchV2", want: fastRetries.MaxAttempts, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
			_, resp, err := c.Users.StatBatchV2(ctx, []string{"javen", "fang"})
			return resp, err
		}},
		{name: "Chatrooms.Create writes", want: 1, call: func(ctx context.Context, c *jmessage.Client) (*jmessage.Response, error) {
			_, resp, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "javen", Name: "room"})
			return resp, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t, jmessage.WithRetryPolicy(fastRetries))
			seen := capture(mock, http.StatusServiceUnavailable, `{"error":{"code":899030,"message":"busy"}}`)
			resp, err := tt.call(t.Context(), c)
			require.ErrorIs(t, err, jmessage.ErrServerBusy)
			require.NotNil(t, resp)
			assert.Equal(t, tt.want, resp.Attempts)
			reqs := seen()
			require.Len(t, reqs, tt.want)
			for _, r := range reqs {
				assert.Equal(t, http.MethodPost, r.method)
				assert.Equal(t, reqs[0].body, r.body, "every attempt sends the same body")
				assert.Equal(t, testAuth, r.header.Get("Authorization"))
			}
		})
	}
}

// TestServerBusyCodeIsRetried: an answer carrying code 899030 (server busy,
// retry later) is retried whatever its status for a call that can be
// repeated, and not for a POST that writes.
func TestServerBusyCodeIsRetried(t *testing.T) {
	t.Parallel()
	const busy = `{"error":{"code":899030,"message":"server busy"}}`
	get := func(ctx context.Context, c *jmessage.Client) error {
		_, _, err := c.Users.Get(ctx, "javen")
		return err
	}
	send := func(ctx context.Context, c *jmessage.Client) error {
		_, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin"), To: jmessage.ToUser("javen"),
			Body: jmessage.Text{Text: "hello"}})
		return err
	}
	tests := []struct {
		name   string
		status int
		body   string
		call   func(ctx context.Context, c *jmessage.Client) error
		unsafe bool
		want   int32 // requests the server sees; the last is answered 200
	}{
		{name: "GET 500", status: 500, body: busy, call: get, want: 2},
		{name: "GET 200 with the error", status: 200, body: busy, call: get, want: 2},
		{name: "GET 400", status: 400, body: busy, call: get, want: 2},
		{name: "GET 500 other code", status: 500, body: `{"error":{"code":899000,"message":"internal"}}`, call: get, want: 1},
		{name: "GET 200 mentioning the code", status: 200, body: `{"username":"javen","signature":"899030"}`, call: get, want: 1},
		{name: "send 500", status: 500, body: busy, call: send, want: 1},
		{name: "send 500 RetryUnsafe", status: 500, body: busy, call: send, unsafe: true, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			url, seen := httpFault(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					jsonHandler(tt.status, tt.body)(w, r)
					return
				}
				if r.Method == http.MethodPost {
					jsonHandler(201, `{"msg_id":1,"msg_ctime":1493794522950}`)(w, r)
					return
				}
				jsonHandler(200, `{"username":"javen"}`)(w, r)
			})
			c := serverClient(t, url, jmessage.WithRetryPolicy(fastRetries))
			ctx := t.Context()
			if tt.unsafe {
				ctx = jmessage.RetryUnsafe(ctx)
			}
			err := tt.call(ctx, c)
			assert.Equal(t, tt.want, seen.Load())
			if tt.want == 2 {
				assert.NoError(t, err, "the retry was answered")
			}
		})
	}
}

// TestCutAnswerAsksForNoWait: a Retry-After in an answer cut mid-body is not
// taken as the server's request (the answer is not complete): the call is
// retried after the policy's backoff, not failed as rate limited.
func TestCutAnswerAsksForNoWait(t *testing.T) {
	t.Parallel()
	url, seen := tcpFault(t, func(conn net.Conn) {
		_, _ = conn.Write([]byte("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n" +
			"Retry-After: 3600\r\nContent-Length: 100\r\n\r\n{\"error\""))
	})
	c := serverClient(t, url, jmessage.WithRetryPolicy(fastRetries))

	_, resp, err := c.Users.Get(t.Context(), "javen")
	var terr *jmessage.TransportError
	require.ErrorAs(t, err, &terr)
	assert.NotErrorIs(t, err, jmessage.ErrRateLimited)
	assert.Equal(t, int32(fastRetries.MaxAttempts), seen.Load())
	assert.Equal(t, fastRetries.MaxAttempts, resp.Attempts)
}

// TestContextEndsTheWaitAfterATransportError: when the context ends while
// waiting to retry an attempt that got no answer, that attempt's error
// stays visible beside the context's.
func TestContextEndsTheWaitAfterATransportError(t *testing.T) {
	t.Parallel()
	long := jmessage.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Hour, MaxBackoff: time.Hour, MaxRetryAfter: 2 * time.Hour}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c := serverClient(t, refusedURL(t), jmessage.WithRetryPolicy(long), jmessage.WithLogger(onRetry(cancel)))

	_, resp, err := c.Users.Get(ctx, "javen")
	require.ErrorIs(t, err, context.Canceled)
	var terr *jmessage.TransportError
	require.ErrorAs(t, err, &terr)
	var opErr *net.OpError
	require.ErrorAs(t, err, &opErr, "the refused connection stays visible")
	assert.Equal(t, "dial", opErr.Op)
	assert.Contains(t, err.Error(), "while waiting to retry")
	require.NotNil(t, resp)
	assert.Equal(t, 1, resp.Attempts)
}

// TestRetryLogNamesTheCall: the retry log line carries the call's path
// (without the base URL or query) and the failed attempt's error.
func TestRetryLogNamesTheCall(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var attrs []map[string]string
	logger := slog.New(hookHandler{fn: func(r slog.Record) {
		if r.Message != "jmessage retry" {
			return
		}
		m := map[string]string{}
		r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
		mu.Lock()
		attrs = append(attrs, m)
		mu.Unlock()
	}})
	c := serverClient(t, refusedURL(t)+"/prefix", jmessage.WithRetryPolicy(fastRetries), jmessage.WithLogger(logger))
	_, _, err := c.Users.List(t.Context(), jmessage.ListOptions{Start: 0, Count: 10})
	require.Error(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, attrs, fastRetries.MaxAttempts-1)
	for i, a := range attrs {
		assert.Equal(t, "GET", a["method"])
		assert.Equal(t, "/v1/users/", a["path"])
		assert.Equal(t, strconv.Itoa(i+1), a["attempt"])
		assert.Contains(t, a["error"], "refused")
	}
}

// TestHugeServerWaitIsOverTheCap: a wait too large for the parser's
// integer is still a wait longer than the cap (a rate-limit error at once),
// not a wait the server did not ask for (retries after the backoff).
func TestHugeServerWaitIsOverTheCap(t *testing.T) {
	t.Parallel()
	for _, header := range []string{"Retry-After", "X-Rate-Limit-Reset"} {
		for _, value := range []string{"4294967296", "99999999999999999999999"} {
			t.Run(header+" "+value, func(t *testing.T) {
				t.Parallel()
				url, seen := httpFault(t, jsonHandler(429, `{"error":{"code":2002,"message":"rate limited"}}`, header, value))
				c := serverClient(t, url, jmessage.WithRetryPolicy(fastRetries))

				_, resp, err := c.Users.Get(t.Context(), "javen")
				require.ErrorIs(t, err, jmessage.ErrRateLimited)
				var apiErr *jmessage.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Greater(t, apiErr.RetryAfter, fastRetries.MaxRetryAfter)
				assert.Equal(t, 1, resp.Attempts)
				assert.Equal(t, int32(1), seen.Load(), "no second request")
			})
		}
	}
}
