package jmessage_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// spentWindow answers the first request with a success saying the
// rate-limit window is spent for reset seconds, and every later one with a
// plain success; it records when each request arrived.
func spentWindow(t *testing.T, reset string) (url string, arrivals func() []time.Time) {
	t.Helper()
	var mu sync.Mutex
	var seen []time.Time
	url, _ = httpFault(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, time.Now())
		first := len(seen) == 1
		mu.Unlock()
		if first {
			jsonHandler(200, `{"username":"javen"}`, "X-Rate-Limit-Limit", "600", "X-Rate-Limit-Remaining", "0",
				"X-Rate-Limit-Reset", reset)(w, r)
			return
		}
		jsonHandler(200, `{"username":"javen"}`, "X-Rate-Limit-Limit", "600", "X-Rate-Limit-Remaining", "599",
			"X-Rate-Limit-Reset", "60")(w, r)
	})
	return url, func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Time(nil), seen...)
	}
}

// TestSpentWindowHoldsEveryGoroutine: once an answer says the window is
// spent, no goroutine of the client sends before the window resets.
func TestSpentWindowHoldsEveryGoroutine(t *testing.T) {
	t.Parallel()
	url, arrivals := spentWindow(t, "5")
	c := serverClient(t, url)
	_, resp, err := c.Users.Get(t.Context(), "javen")
	require.NoError(t, err)
	assert.Equal(t, 0, resp.RateLimit.Remaining)

	var wg sync.WaitGroup
	var held atomic.Int32
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			_, resp, err := c.Users.Get(ctx, "javen")
			if assert.ErrorIs(t, err, context.DeadlineExceeded) {
				held.Add(1)
			}
			assert.Nil(t, resp, "nothing sent")
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(8), held.Load())
	assert.Len(t, arrivals(), 1, "no request while the window is spent")
}

// TestSpentWindowReleasesAtReset: a held call is sent once the window resets.
func TestSpentWindowReleasesAtReset(t *testing.T) {
	t.Parallel()
	url, arrivals := spentWindow(t, "1")
	c := serverClient(t, url)
	_, _, err := c.Users.Get(t.Context(), "javen")
	require.NoError(t, err)
	answered := time.Now()
	_, _, err = c.Users.Get(t.Context(), "javen")
	require.NoError(t, err)
	got := arrivals()
	require.Len(t, got, 2)
	assert.GreaterOrEqual(t, got[1].Sub(answered), 900*time.Millisecond, "sent after the reset, not before")
}

// TestSpentWindowLongerThanTheCap: a window that resets later than
// RetryPolicy.MaxRetryAfter fails the next call at once, unsent, with an
// error matching ErrRateLimited.
func TestSpentWindowLongerThanTheCap(t *testing.T) {
	t.Parallel()
	url, arrivals := spentWindow(t, "3600")
	c := serverClient(t, url)
	_, _, err := c.Users.Get(t.Context(), "javen")
	require.NoError(t, err)
	_, resp, err := c.Users.Get(t.Context(), "javen")
	require.ErrorIs(t, err, jmessage.ErrRateLimited)
	var apiErr *jmessage.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Greater(t, apiErr.RetryAfter, 59*time.Minute)
	assert.Nil(t, resp, "nothing sent")
	assert.Len(t, arrivals(), 1)
}

// TestWithoutRateLimitHold: with the manners off, calls go out at once.
func TestWithoutRateLimitHold(t *testing.T) {
	t.Parallel()
	url, arrivals := spentWindow(t, "5")
	c := serverClient(t, url, jmessage.WithoutRateLimitHold())
	_, _, err := c.Users.Get(t.Context(), "javen")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, _, err = c.Users.Get(ctx, "javen")
	require.NoError(t, err)
	assert.Len(t, arrivals(), 2)
}

// TestRemainingAboveZeroHoldsNothing: an answer with requests left, or
// with no rate-limit headers, never holds a call.
func TestRemainingAboveZeroHoldsNothing(t *testing.T) {
	t.Parallel()
	url, seen := httpFault(t, jsonHandler(200, `{"username":"javen"}`, "X-Rate-Limit-Remaining", "1", "X-Rate-Limit-Reset", "60"))
	c := serverClient(t, url)
	for range 3 {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		_, _, err := c.Users.Get(ctx, "javen")
		cancel()
		require.NoError(t, err)
	}
	assert.Equal(t, int32(3), seen.Load())
}

// TestFakeQuotaIsNeverOverrun: against jmessagetest's quota mode (2
// requests a second), a client sends no request into a spent window: the
// third call waits for the next window and is answered, not refused, even
// without retries. With the manners off it is refused with a 429.
func TestFakeQuotaIsNeverOverrun(t *testing.T) {
	t.Parallel()
	for name, hold := range map[string]bool{"held": true, "without hold": false} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := jmessagetest.NewServer(t, jmessagetest.WithRateLimit(2, time.Second))
			opts := []jmessage.Option{jmessage.WithoutRetries()}
			if !hold {
				opts = append(opts, jmessage.WithoutRateLimitHold())
			}
			c := srv.Client(opts...)
			for i := range 2 {
				_, resp, err := c.Users.List(t.Context(), jmessage.ListOptions{})
				require.NoError(t, err)
				assert.Equal(t, 1-i, resp.RateLimit.Remaining)
			}
			_, resp, err := c.Users.List(t.Context(), jmessage.ListOptions{})
			if !hold {
				require.ErrorIs(t, err, jmessage.ErrRateLimited)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 1, resp.Attempts)
			assert.Equal(t, 1, resp.RateLimit.Remaining, "the first request of the next window")
		})
	}
}

// TestFakeQuotaHoldsEveryGoroutine: once the window is spent, goroutines
// starting calls together are all held, and all answered (those that
// overrun the next window together are retried after its reset).
func TestFakeQuotaHoldsEveryGoroutine(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t, jmessagetest.WithRateLimit(2, time.Second))
	c := srv.Client(jmessage.WithRetryPolicy(jmessage.RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond,
		MaxBackoff: time.Millisecond, MaxRetryAfter: 5 * time.Second}))
	for range 2 {
		_, _, err := c.Users.List(t.Context(), jmessage.ListOptions{})
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := c.Users.List(t.Context(), jmessage.ListOptions{})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
}

// TestSpentWindowHoldsItsHostOnly: the report host's spent window holds
// no call to the API host.
func TestSpentWindowHoldsItsHostOnly(t *testing.T) {
	t.Parallel()
	url, seen := httpFault(t, func(w http.ResponseWriter, r *http.Request) {
		remaining := "599"
		if strings.HasPrefix(r.URL.Path, "/v2/") {
			remaining = "0"
		}
		jsonHandler(200, `{"username":"javen"}`, "X-Rate-Limit-Remaining", remaining, "X-Rate-Limit-Reset", "5")(w, r)
	})
	c := serverClient(t, url, jmessage.WithReportBaseURL(url+"/v2"))
	_, err := c.Do(t.Context(), jmessage.RawRequest{Host: jmessage.HostReport, Method: http.MethodGet, Path: "/messages"}, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	_, _, err = c.Users.Get(ctx, "javen")
	require.NoError(t, err, "the API host's window is not spent")
	held, cancelHeld := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancelHeld()
	_, err = c.Do(held, jmessage.RawRequest{Host: jmessage.HostReport, Method: http.MethodGet, Path: "/messages"}, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the report host's is")
	assert.Equal(t, int32(2), seen.Load())
}
