package jmessagetest_test

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// envelopeCode returns the code of an error envelope, failing the test
// when body is not one.
func envelopeCode(t *testing.T, body []byte) int {
	t.Helper()
	var env struct {
		Error *struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal(body, &env), "%s", body)
	require.NotNil(t, env.Error, "%s", body)
	return env.Error.Code
}

// TestVendorClientRequests sends what the vendor clients send: a
// Content-Type on every GET (the Python client's is not even valid), and
// paths with doubled slashes (the PHP client's).
func TestVendorClientRequests(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	register(t, c, "alice")
	auth := basic(srv)

	for _, ct := range []string{"application/json", "application/json;charset:utf-8", "text/plain"} {
		status, _, body := raw(t, srv, "GET", "/v1/users/alice", auth, ct, "")
		assert.Equal(t, http.StatusOK, status, "%s: %s", ct, body)
		assert.Contains(t, string(body), `"username":"alice"`)
	}
	status, _, body := raw(t, srv, "GET", "/v1/users/alice", auth, "application/json", `{"a":1}`)
	assert.Equal(t, http.StatusBadRequest, status, "a GET with a body")
	assert.Equal(t, 899003, envelopeCode(t, body))

	for _, path := range []string{"/v1//users/alice", "//v1/users//alice/", "/v1/users/./alice", "/v1/x/../users/alice"} {
		status, h, body := raw(t, srv, "GET", path, auth, "application/json", "")
		assert.Equal(t, http.StatusOK, status, "%s: %s", path, body)
		assert.Contains(t, h.Get("Content-Type"), "application/json", path)
		assert.Contains(t, string(body), `"username":"alice"`, path)
	}
	status, _, body = raw(t, srv, "POST", "/v2//users/statuser", auth, "application/json", `["alice"]`)
	assert.Equal(t, http.StatusOK, status, "%s", body)

	// A path the fake does not serve is a JSON 404, doubled slashes or not.
	for _, path := range []string{"/v2//statistic/nothing", "/v1/nothing", "/media", "//", "/v1//"} {
		status, h, body := raw(t, srv, "GET", path, auth, "application/json", "")
		assert.Equal(t, http.StatusNotFound, status, "%s: %s", path, body)
		assert.Contains(t, h.Get("Content-Type"), "application/json", path)
		assert.Equal(t, 899003, envelopeCode(t, body), path)
	}
}

func TestFailNextTakesSentinels(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	register(t, c, "alice", "bobby")
	srv.FailNext(http.MethodPost, "/v1/messages", 1, 503, jmessage.ErrServerBusy)
	msg := jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bobby"), Body: jmessage.Text{Text: "hi"}}
	_, _, err := c.Messages.Send(t.Context(), msg)
	requireCode(t, err, http.StatusServiceUnavailable, jmessage.ErrServerBusy)
	_, _, err = c.Messages.Send(t.Context(), msg)
	require.NoError(t, err)
}

// rateHeaders returns the three rate-limit headers of an answer.
func rateHeaders(h http.Header) (quota, remaining, reset string) {
	return h.Get("X-Rate-Limit-Quota"), h.Get("X-Rate-Limit-Remaining"), h.Get("X-Rate-Limit-Reset")
}

// TestRateLimitHeadersOnEveryAnswer: successes, errors, unknown paths,
// refused credentials and injected faults all carry the headers. Without
// WithRateLimit the quota is never reached.
func TestRateLimitHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	srv, c := newFake(t, jmessagetest.WithClock(func() time.Time { return start }))
	register(t, c, "alice") // request 1 of the window
	auth := basic(srv)
	srv.FailNext("GET", "/v1/users/bobby", 1, http.StatusServiceUnavailable, jmessage.ErrServerBusy)
	for i, req := range []struct{ path, auth string }{
		{"/v1/users/alice", auth}, {"/v1/users/nobody", auth}, {"/v1/nothing", auth},
		{"/v1/users/alice", ""}, {"/v1/users/bobby", auth},
	} {
		_, h, _ := raw(t, srv, "GET", req.path, req.auth, "", "")
		quota, remaining, reset := rateHeaders(h)
		assert.Equal(t, strconv.Itoa(math.MaxInt32), quota, req.path)
		assert.Equal(t, strconv.Itoa(math.MaxInt32-2-i), remaining, req.path)
		assert.Equal(t, "60", reset, req.path)
	}
	srv.Advance(45 * time.Second)
	_, h, _ := raw(t, srv, "GET", "/v1/users/alice", auth, "", "")
	_, _, reset := rateHeaders(h)
	assert.Equal(t, "15", reset)
}

// TestRateLimitQuota enforces a quota per app and window, on the server's
// clock, with the gateway's 429 and code 2002.
// quotaClient is a client of srv that sends every call even when the
// rate-limit window is spent (the SDK would hold it otherwise), so that
// the server's 429 answers can be seen.
func quotaClient(srv *jmessagetest.Server) *jmessage.Client {
	return srv.Client(jmessage.WithoutRetries(), jmessage.WithoutRateLimitHold())
}

func TestRateLimitQuota(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	srv, _ := newFake(t, jmessagetest.WithClock(func() time.Time { return start }),
		jmessagetest.WithRateLimit(3, time.Minute), jmessagetest.WithApp(otherKey, "other-secret"))
	c := quotaClient(srv)   // the server's answers are under test, not the client's manners
	register(t, c, "alice") // 1
	ctx := t.Context()
	_, resp, err := c.Users.Get(ctx, "alice") // 2
	require.NoError(t, err)
	quota, remaining, reset := rateHeaders(resp.Header)
	assert.Equal(t, []string{"3", "1", "60"}, []string{quota, remaining, reset})
	srv.Advance(20 * time.Second)
	_, _, err = c.Users.Get(ctx, "alice") // 3
	require.NoError(t, err)
	_, resp, err = c.Users.Get(ctx, "alice") // 4: over
	requireCode(t, err, http.StatusTooManyRequests, jmessage.ErrRateLimited)
	quota, remaining, reset = rateHeaders(resp.Header)
	assert.Equal(t, []string{"3", "0", "40"}, []string{quota, remaining, reset})

	// Another app has its own window.
	other := srv.AppByKey(otherKey).Client(jmessage.WithoutRetries())
	_, _, err = other.Users.List(ctx, jmessage.ListOptions{})
	require.NoError(t, err)

	// The next window opens when this one closes, a minute after the start.
	srv.Advance(40 * time.Second)
	_, _, err = c.Users.Get(ctx, "alice")
	require.NoError(t, err)

	// SetRateLimit changes the quota on a running server; 0 turns it off.
	require.NoError(t, srv.SetRateLimit(1, time.Minute))
	_, _, err = c.Users.Get(ctx, "alice")
	requireCode(t, err, http.StatusTooManyRequests, jmessage.ErrRateLimited)
	require.NoError(t, srv.SetRateLimit(0, 0))
	_, resp, err = c.Users.Get(ctx, "alice")
	require.NoError(t, err)
	quota, _, _ = rateHeaders(resp.Header)
	assert.Equal(t, strconv.Itoa(math.MaxInt32), quota)

	assert.Error(t, srv.SetRateLimit(-1, time.Minute))
	assert.Error(t, srv.SetRateLimit(5, 0))
	_, err = jmessagetest.New(jmessagetest.WithRateLimit(0, time.Second))
	assert.Error(t, err)
}

func TestControlQuota(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	c := quotaClient(srv)
	ctl := httptest.NewServer(srv.ControlHandler())
	defer ctl.Close()
	status, body := control(t, ctl.URL, "PUT", "/quota?n=1&window=1h", "")
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	_, _, err := c.Users.List(t.Context(), jmessage.ListOptions{})
	require.NoError(t, err)
	_, _, err = c.Users.List(t.Context(), jmessage.ListOptions{})
	requireCode(t, err, http.StatusTooManyRequests, jmessage.ErrRateLimited)
	status, _ = control(t, ctl.URL, "PUT", "/quota?n=0", "")
	require.Equal(t, http.StatusNoContent, status)
	_, _, err = c.Users.List(t.Context(), jmessage.ListOptions{})
	require.NoError(t, err)
	status, _ = control(t, ctl.URL, "PUT", "/quota?n=x", "")
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = control(t, ctl.URL, "PUT", "/quota?n=2&window=0s", "")
	assert.Equal(t, http.StatusBadRequest, status)
}

// TestRateLimitQuotaConcurrent: from many goroutines at once, exactly the
// quota's requests of a window get through.
func TestRateLimitQuotaConcurrent(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	srv, err := jmessagetest.New(jmessagetest.WithClock(func() time.Time { return start }),
		jmessagetest.WithRateLimit(50, time.Minute))
	require.NoError(t, err)
	auth := basic(srv)
	var ok, limited atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				switch serve(srv, "GET", "/v1/users/", "", auth, nil).Code {
				case http.StatusTooManyRequests:
					limited.Add(1)
				case http.StatusBadRequest: // no start and count: admitted, then refused
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(50), ok.Load())
	assert.Equal(t, int32(110), limited.Load())
}

// TestKeysInAnyCase: the vendor's PHP client sends "appKey" in its
// cross-app blacklist and member changes (and its Java client in a group
// owner change); keys match in any case.
func TestKeysInAnyCase(t *testing.T) {
	t.Parallel()
	srv, c, other := newCrossFake(t)
	register(t, c, "alice")
	register(t, other, "carol")
	status, _, body := raw(t, srv, http.MethodPut, "/v1/cross/users/alice/blacklist", basic(srv), "application/json",
		`[{"appKey":"`+goldenAppKey+`","usernames":["carol"]}]`)
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	listed, _, err := c.Cross.Blacklist(t.Context(), "alice")
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.Equal(t, "carol", listed[0].Username)
	assert.Equal(t, goldenAppKey, listed[0].AppKey)
}
