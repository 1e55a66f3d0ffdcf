package jmessagetest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

const otherKey = "0ther0app0key00000000002"

func TestServerOptions(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t, jmessagetest.WithCredentials("4f7aef34fb361292c566a1cd", "my-secret"),
		jmessagetest.WithApp(otherKey, "other-secret"))
	assert.Equal(t, "4f7aef34fb361292c566a1cd", srv.AppKey())
	assert.Equal(t, "my-secret", srv.MasterSecret())
	assert.Equal(t, []string{"4f7aef34fb361292c566a1cd", otherKey}, srv.AppKeys())
	assert.Contains(t, srv.URL(), "http://127.0.0.1:")
	c := srv.Client()
	assert.Equal(t, srv.URL(), c.BaseURL())
	assert.Equal(t, srv.AppKey(), c.AppKey())

	for _, opt := range []jmessagetest.Option{
		jmessagetest.WithCredentials("short", "x"), jmessagetest.WithCredentials("4f7aef34fb361292c566a1cd", ""),
		jmessagetest.WithApp("not-24-letters-or-digits", "x"), jmessagetest.WithClock(nil),
	} {
		_, err := jmessagetest.New(opt)
		assert.Error(t, err)
	}

	// A server made by New is a handler: it has no URL and cannot make clients.
	h, err := jmessagetest.New()
	require.NoError(t, err)
	assert.Empty(t, h.URL())
	assert.Equal(t, jmessagetest.DefaultAppKey, h.AppKey())
	_, err = h.NewClient()
	assert.Error(t, err)
}

func TestAppsAreIsolated(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, jmessagetest.WithApp(otherKey, "other-secret"))
	ctx := t.Context()
	other := srv.AppByKey(otherKey)
	require.NotNil(t, other)
	assert.Nil(t, srv.AppByKey("unknown0app0key000000000"))
	oc := other.Client(jmessage.WithoutRetries())

	register(t, c, "alice")
	register(t, oc, "alice", "bobby") // the same name in another app is another user
	_, ok := srv.User("bobby")
	assert.False(t, ok)
	_, ok = other.User("bobby")
	assert.True(t, ok)

	third, err := srv.AddApp("thirdappkey0000000000003", "third-secret")
	require.NoError(t, err)
	tc := third.Client(jmessage.WithoutRetries())
	page, _, err := tc.Users.List(ctx, jmessage.ListOptions{})
	require.NoError(t, err)
	assert.Zero(t, page.Total)
	_, err = srv.AddApp("bad", "x")
	assert.Error(t, err)

	// Another app's secret does not open this one.
	wrong, err := jmessage.New(otherKey, srv.MasterSecret(), jmessage.WithBaseURL(srv.URL()), jmessage.WithoutRetries())
	require.NoError(t, err)
	defer wrong.CloseIdleConnections()
	_, _, err = wrong.Users.Get(ctx, "alice")
	requireCode(t, err, http.StatusUnauthorized, jmessage.ErrAuthFailed)
}

func TestReset(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice", "bob01")
	g, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "alice", Name: "g", Members: []string{"bob01"}})
	require.NoError(t, err)
	room, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "alice", Name: "r"})
	require.NoError(t, err)
	sent, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bob01"),
		Body: jmessage.Text{Text: "hi"}})
	require.NoError(t, err)
	_, err = c.SensitiveWords.Add(ctx, []string{"bad"})
	require.NoError(t, err)
	require.NotEmpty(t, srv.Messages())

	srv.FailNext("", "", 5, http.StatusInternalServerError, 899000)
	srv.Reset()
	_, ok := srv.User("alice")
	assert.False(t, ok)
	_, ok = srv.Group(g.GID)
	assert.False(t, ok, "groups are gone")
	assert.Empty(t, srv.GroupIDs())
	_, ok = srv.Chatroom(room)
	assert.False(t, ok, "chatrooms are gone")
	assert.Empty(t, srv.Messages(), "sent messages are gone")
	page, _, err := c.Users.List(ctx, jmessage.ListOptions{})
	require.NoError(t, err, "faults are gone too")
	assert.Zero(t, page.Total)
	words, _, err := c.SensitiveWords.List(ctx, jmessage.ListOptions{})
	require.NoError(t, err)
	assert.Zero(t, words.Total, "sensitive words are gone")

	// Message ids never repeat on one server, across a Reset.
	register(t, c, "alice", "bob01")
	again, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bob01"),
		Body: jmessage.Text{Text: "hi"}})
	require.NoError(t, err)
	assert.Greater(t, again.MsgID, sent.MsgID)
}

func TestClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	srv, c := newFake(t, jmessagetest.WithClock(func() time.Time { return start }))
	assert.Equal(t, start, srv.Now())
	srv.Advance(90 * time.Second)
	assert.Equal(t, start.Add(90*time.Second), srv.Now())

	register(t, c, "alice")
	u, _, err := c.Users.Get(t.Context(), "alice")
	require.NoError(t, err)
	assert.True(t, u.CTime.Equal(start.Add(90*time.Second)), "ctime %v", u.CTime)
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice", "bobby")

	srv.FailNext("GET", "/v1/users/alice", 2, http.StatusServiceUnavailable, 899030)
	for range 2 {
		_, _, err := c.Users.Get(ctx, "alice")
		requireCode(t, err, http.StatusServiceUnavailable, jmessage.ErrServerBusy)
	}
	_, _, err := c.Users.Get(ctx, "bobby")
	require.NoError(t, err, "another path is not affected")
	_, _, err = c.Users.Get(ctx, "alice")
	require.NoError(t, err, "only the next 2")

	// The SDK retries a GET on 503: a client with retries gets through.
	srv.FailNext("GET", "/v1/users/alice/", 1, http.StatusServiceUnavailable, 899030)
	retrying := srv.Client(jmessage.WithRetryPolicy(jmessage.RetryPolicy{MaxAttempts: 3,
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	_, resp, err := retrying.Users.Get(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)

	// Method "" and path "" match everything, Times 0 until cleared.
	srv.InjectFault(jmessagetest.Fault{Status: http.StatusBadGateway, Code: 899000, Message: "boom"})
	_, _, err = c.Users.Get(ctx, "bobby")
	requireCode(t, err, http.StatusBadGateway, jmessage.ErrServerInternal)
	_, err = c.Users.Delete(ctx, "bobby")
	requireCode(t, err, http.StatusBadGateway, jmessage.ErrServerInternal)
	srv.ClearFaults()
	_, err = c.Users.Delete(ctx, "bobby")
	require.NoError(t, err)
}

func TestRateLimitNext(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	register(t, c, "alice")

	srv.RateLimitNext("GET", "/v1/users/alice", 1, 1500*time.Millisecond)
	_, resp, err := c.Users.Get(t.Context(), "alice")
	requireCode(t, err, http.StatusTooManyRequests, jmessage.ErrRateLimited)
	assert.Equal(t, "2", resp.Header.Get("Retry-After"))
	assert.Equal(t, "2", resp.Header.Get("X-Rate-Limit-Reset"))
	assert.Equal(t, "0", resp.Header.Get("X-Rate-Limit-Remaining"))
	assert.True(t, resp.RateLimit.Present)
	assert.Equal(t, 600, resp.RateLimit.Limit)
	assert.Equal(t, 2*time.Second, resp.RateLimit.Reset)

	// A wait longer than the client accepts fails at once with the 429.
	srv.RateLimitNext("GET", "", 1, time.Hour)
	patient := srv.Client(jmessage.WithRetryPolicy(jmessage.RetryPolicy{MaxAttempts: 3,
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, MaxRetryAfter: time.Second}))
	_, _, err = patient.Users.Get(t.Context(), "alice")
	requireCode(t, err, http.StatusTooManyRequests, jmessage.ErrRateLimited)
}

func TestLatency(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	register(t, c, "alice")
	srv.InjectFault(jmessagetest.Fault{Path: "/v1/users/alice", Latency: time.Hour})

	// The delayed request outlasts the client's timeout; the server lets go
	// of it when the client leaves.
	impatient := srv.Client(jmessage.WithoutRetries(), jmessage.WithTimeout(50*time.Millisecond))
	_, _, err := impatient.Users.Get(t.Context(), "alice")
	var terr *jmessage.TransportError
	require.ErrorAs(t, err, &terr)

	_, _, err = c.Users.Get(t.Context(), "nobody")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	// SetLatency delays every request until the faults are cleared.
	srv.ClearFaults()
	srv.SetLatency(time.Hour)
	_, _, err = impatient.Users.Get(t.Context(), "nobody")
	require.ErrorAs(t, err, &terr)
	srv.ClearFaults()
	_, _, err = c.Users.Get(t.Context(), "alice")
	require.NoError(t, err)
}

// TestConcurrentApps adds apps while others read the server's credentials
// and serve requests: run under -race, it fails on an unguarded read.
func TestConcurrentApps(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	register(t, c, "alice")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := srv.AddApp(fmt.Sprintf("concurrentapp%011d", i), "secret")
			assert.NoError(t, err)
		}()
		go func() {
			defer wg.Done()
			assert.Equal(t, jmessagetest.DefaultMasterSecret, srv.MasterSecret())
			assert.Contains(t, srv.AppKeys(), srv.AppKey())
			_, _, err := c.Users.Get(t.Context(), "alice")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Len(t, srv.AppKeys(), 9)
}
