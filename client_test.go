package jmessage_test

import (
	"bytes"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestNewChecksCredentialsAndOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, appKey, secret, field string
		opts                        []jmessage.Option
	}{
		{name: "short app key", appKey: "abc", secret: "x", field: "appKey"},
		{name: "app key with symbol", appKey: "4f7aef34fb361292c566a1c-", secret: "x", field: "appKey"},
		{name: "empty secret", appKey: testAppKey, secret: "", field: "masterSecret"},
		{name: "relative base URL", appKey: testAppKey, secret: "x", field: "baseURL", opts: []jmessage.Option{jmessage.WithBaseURL("/v1")}},
		{name: "ftp base URL", appKey: testAppKey, secret: "x", field: "baseURL", opts: []jmessage.Option{jmessage.WithBaseURL("ftp://x.y")}},
		{name: "base URL with user info", appKey: testAppKey, secret: "x", field: "baseURL", opts: []jmessage.Option{jmessage.WithBaseURL("https://u:p@x.y")}},
		{name: "plain http to a remote host", appKey: testAppKey, secret: "x", field: "baseURL", opts: []jmessage.Option{jmessage.WithBaseURL("http://api.example.com")}},
		{name: "plain http to a lookalike of localhost", appKey: testAppKey, secret: "x", field: "baseURL", opts: []jmessage.Option{jmessage.WithBaseURL("http://localhost.example.com")}},
		{name: "plain http to a lookalike of 127.0.0.1", appKey: testAppKey, secret: "x", field: "baseURL", opts: []jmessage.Option{jmessage.WithBaseURL("http://127.0.0.1.example.com")}},
		{name: "plain http to a private address", appKey: testAppKey, secret: "x", field: "baseURL", opts: []jmessage.Option{jmessage.WithBaseURL("http://10.0.0.1:8080")}},
		{name: "zero timeout", appKey: testAppKey, secret: "x", field: "timeout", opts: []jmessage.Option{jmessage.WithTimeout(0)}},
		{name: "nil http client", appKey: testAppKey, secret: "x", field: "httpClient", opts: []jmessage.Option{jmessage.WithHTTPClient(nil)}},
		{name: "nil transport", appKey: testAppKey, secret: "x", field: "transport", opts: []jmessage.Option{jmessage.WithTransport(nil)}},
		{name: "nil logger", appKey: testAppKey, secret: "x", field: "logger", opts: []jmessage.Option{jmessage.WithLogger(nil)}},
		{name: "user agent with newline", appKey: testAppKey, secret: "x", field: "userAgent", opts: []jmessage.Option{jmessage.WithUserAgent("a\nb")}},
		{name: "user agent with a control character", appKey: testAppKey, secret: "x", field: "userAgent", opts: []jmessage.Option{jmessage.WithUserAgent("a\x00b")}},
		{name: "zero attempts", appKey: testAppKey, secret: "x", field: "retryPolicy.MaxAttempts", opts: []jmessage.Option{jmessage.WithRetryPolicy(jmessage.RetryPolicy{})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := jmessage.New(tt.appKey, tt.secret, tt.opts...)
			assert.Nil(t, c)
			var verr *jmessage.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.field, verr.Field)
		})
	}

	t.Run("plain http is fine to loopback or when allowed", func(t *testing.T) {
		t.Parallel()
		for _, opts := range [][]jmessage.Option{
			{jmessage.WithBaseURL("http://127.0.0.1:8080")},
			{jmessage.WithBaseURL("http://localhost:8080/")},
			{jmessage.WithBaseURL("http://LocalHost:8080/")},
			{jmessage.WithBaseURL("http://[::1]:8080")},
			{jmessage.WithBaseURL("http://im.internal"), jmessage.WithInsecureHTTP()},
		} {
			c, err := jmessage.New(testAppKey, "x", opts...)
			require.NoError(t, err)
			assert.NotContains(t, c.BaseURL(), "8080/", "trailing slash trimmed")
		}
	})
}

func TestClientNeverPrintsTheSecret(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mock := newTestClient(t, jmessage.WithLogger(logger))
	capture(mock, 401, `{"error":{"code":899008,"message":"Basic authentication failed"}}`)

	_, _, err := c.Users.Get(t.Context(), "javen")
	require.ErrorIs(t, err, jmessage.ErrAuthFailed)
	_, err = c.Users.SetPassword(t.Context(), "javen", "new-password-123")
	require.Error(t, err)
	logger.Debug("client", "client", c)

	token := strings.TrimPrefix(testAuth, "Basic ")
	for _, s := range []string{sprintf("%v", c), sprintf("%+v", c), sprintf("%#v", c), sprintf("%s", c),
		sprintf("%+v", *c), err.Error(), logs.String()} {
		assert.NotContains(t, s, testSecret)
		assert.NotContains(t, s, token)
		assert.NotContains(t, s, "new-password-123")
	}
	assert.Contains(t, logs.String(), "path=/v1/users/javen", "calls are logged at debug level")
	assert.Contains(t, logs.String(), "status=401")
}

func TestWithHTTPClientIsNotMutated(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Timeout: time.Minute}
	_, err := jmessage.New(testAppKey, testSecret, jmessage.WithHTTPClient(hc), jmessage.WithTimeout(time.Second))
	require.NoError(t, err)
	assert.Equal(t, time.Minute, hc.Timeout)
	assert.Nil(t, hc.CheckRedirect)
}

func TestBadResponsesBecomeTypedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		status     int
		malformed  bool
		code       jmessage.ErrorCode // the code the answer carries, 0 for none
	}{
		{name: "HTML error page", status: 502, body: "<html><body>502 Bad Gateway</body></html>"},
		{name: "empty error body", status: 500, body: ""},
		{name: "truncated error envelope", status: 500, body: `{"error":{"code":8990`},
		{name: "error object in a 2xx body", status: 200, body: `{"error":{"code":899002,"message":"no user"}}`,
			code: jmessage.ErrUserNotFound},
		{name: "HTML with 200", status: 200, body: "<html>maintenance</html>", malformed: true},
		{name: "empty 200", status: 200, body: "", malformed: true},
		{name: "truncated 200", status: 200, body: `{"username":"jav`, malformed: true},
		{name: "wrong JSON type", status: 200, body: `["javen"]`, malformed: true},
		{name: "wrong field type", status: 200, body: `{"username":42}`, malformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, tt.status, tt.body)
			user, resp, err := c.Users.Get(t.Context(), "javen")
			assert.Nil(t, user)
			require.NotNil(t, resp)
			var apiErr *jmessage.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.HTTPStatus)
			assert.Equal(t, tt.malformed, apiErr.Err != nil)
			assert.Equal(t, tt.malformed, assert.ObjectsAreEqual(true, isMalformed(err)))
			assert.Equal(t, tt.code, apiErr.Code)
			if tt.code != 0 {
				assert.ErrorIs(t, err, tt.code)
				assert.Equal(t, "no user", apiErr.Message)
			}
			if apiErr.Code == 0 {
				assert.Equal(t, tt.body[:min(len(tt.body), 256)], apiErr.Excerpt)
			}
		})
	}

	t.Run("excerpt is bounded", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, 503, strings.Repeat("<p>busy</p>", 1000))
		_, _, err := c.Users.Get(t.Context(), "javen")
		var apiErr *jmessage.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Len(t, apiErr.Excerpt, 256)
		assert.NotContains(t, err.Error(), "<p>", "bodies stay out of the error string")
	})
}

func isMalformed(err error) bool { return errorsIs(err, jmessage.ErrMalformedResponse) }

func TestResponseCarriesRateLimitHeaders(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		resp := newJSONResponse(200, `{"login":true,"online":true}`)
		resp.Header.Set("X-Rate-Limit-Quota", "600")
		resp.Header.Set("X-Rate-Limit-Remaining", "599")
		resp.Header.Set("X-Rate-Limit-Reset", "42")
		return resp, nil
	})
	_, resp, err := c.Users.Stat(t.Context(), "javen")
	require.NoError(t, err)
	assert.Equal(t, jmessage.RateLimit{Limit: 600, Remaining: 599, Reset: 42 * time.Second, Present: true}, resp.RateLimit)
	assert.JSONEq(t, `{"login":true,"online":true}`, string(resp.RawBody))
}

func TestAPIErrorIs(t *testing.T) {
	t.Parallel()
	e := &jmessage.APIError{HTTPStatus: 403, Code: 899046}
	assert.ErrorIs(t, e, jmessage.ErrNoDisturbConflict)
	assert.NotErrorIs(t, e, jmessage.ErrUserExists)
	assert.ErrorIs(t, e, &jmessage.APIError{HTTPStatus: 403})
	assert.ErrorIs(t, e, &jmessage.APIError{Code: 899046, HTTPStatus: 403})
	assert.NotErrorIs(t, e, &jmessage.APIError{Code: 899046, HTTPStatus: 400})
	assert.ErrorIs(t, &jmessage.APIError{HTTPStatus: 429}, jmessage.ErrRateLimited)
	assert.Contains(t, jmessage.ErrUserExists.Error(), "899001")

	// The chatroom service's own codes match the general sentinels, and
	// only those.
	assert.ErrorIs(t, &jmessage.APIError{Code: 850001}, jmessage.ErrChatroomNotFound)
	assert.ErrorIs(t, &jmessage.APIError{Code: 853002}, jmessage.ErrUserNotInChatroom)
	assert.NotErrorIs(t, &jmessage.APIError{Code: 850001}, jmessage.ErrUserNotInChatroom)
	assert.NotErrorIs(t, &jmessage.APIError{Code: 853002}, jmessage.ErrChatroomNotFound)
	assert.NotErrorIs(t, &jmessage.APIError{Code: 850002}, jmessage.ErrChatroomNotFound)
}

// TestBodilessRequestsAreNotChunked: a call without a body sends none on
// the wire: a PUT or POST says Content-Length: 0 (resty would otherwise
// hand Go's transport an empty body of unknown length, which HTTP/1.1 sends
// chunked, and some servers and proxies refuse chunked requests), and a
// GET or DELETE sends neither header.
func TestBodilessRequestsAreNotChunked(t *testing.T) {
	t.Parallel()
	type seenReq struct {
		method, contentLength string
		transferEncoding      []string
		length                int64
	}
	var mu sync.Mutex
	var seen []seenReq
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, seenReq{method: r.Method, contentLength: r.Header.Get("Content-Length"),
			transferEncoding: r.TransferEncoding, length: r.ContentLength})
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	c := serverClient(t, srv.URL, jmessage.WithoutRetries())

	_, err := c.Messages.Retract(t.Context(), "javen", 1)
	require.NoError(t, err)
	_, err = c.Config.SetSDKRegister(t.Context(), true)
	require.NoError(t, err)
	_, err = c.Users.Delete(t.Context(), "javen")
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 3)
	for _, r := range seen {
		assert.Empty(t, r.transferEncoding, r.method)
		assert.Zero(t, r.length, r.method)
		want := "0"
		if r.method == http.MethodDelete {
			want = ""
		}
		assert.Equal(t, want, r.contentLength, r.method)
	}
}

// TestRateLimitResetTooLargeIsNotNegative: a reset too large for a
// time.Duration in nanoseconds is the longest Duration, not a wrapped value.
func TestRateLimitResetTooLargeIsNotNegative(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		resp := newJSONResponse(200, `{"login":true,"online":true}`)
		resp.Header.Set("X-Rate-Limit-Reset", "99999999999")
		return resp, nil
	})
	_, resp, err := c.Users.Stat(t.Context(), "javen")
	require.NoError(t, err)
	assert.True(t, resp.RateLimit.Present)
	assert.Equal(t, time.Duration(math.MaxInt64), resp.RateLimit.Reset)
}

func TestWithUserAgentAppendsTheProduct(t *testing.T) {
	t.Parallel()
	for product, want := range map[string]string{
		"my-service/1.2": "jmessage-go/" + jmessage.Version + " my-service/1.2",
		"  ":             "jmessage-go/" + jmessage.Version, // nothing to append: no trailing space
		"":               "jmessage-go/" + jmessage.Version,
	} {
		t.Run(product, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t, jmessage.WithUserAgent(product))
			seen := capture(mock, 200, `{"login":true,"online":true}`)
			_, _, err := c.Users.Stat(t.Context(), "javen")
			require.NoError(t, err)
			require.Len(t, seen(), 1)
			assert.Equal(t, want, seen()[0].header.Get("User-Agent"))
		})
	}
}

// TestWithHTTPClientKeepsItsTimeout: the Timeout of the caller's
// http.Client bounds each attempt unless WithTimeout is given, which then
// wins; without either, DefaultTimeout applies (not tested: 30s).
func TestWithHTTPClientKeepsItsTimeout(t *testing.T) {
	t.Parallel()
	slow := func(t *testing.T) string {
		url, _ := httpFault(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
				jsonHandler(200, `{"username":"javen"}`)(w, r)
			}
		})
		return url
	}
	t.Run("its own Timeout", func(t *testing.T) {
		t.Parallel()
		c := serverClient(t, slow(t), jmessage.WithoutRetries(), jmessage.WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
		_, resp, err := c.Users.Get(t.Context(), "javen")
		var terr *jmessage.TransportError
		require.ErrorAs(t, err, &terr)
		var netErr net.Error
		require.ErrorAs(t, err, &netErr)
		assert.True(t, netErr.Timeout())
		assert.Equal(t, 1, resp.Attempts)
	})
	t.Run("WithTimeout wins", func(t *testing.T) {
		t.Parallel()
		c := serverClient(t, slow(t), jmessage.WithoutRetries(), jmessage.WithTimeout(100*time.Millisecond),
			jmessage.WithHTTPClient(&http.Client{Timeout: time.Hour}))
		_, _, err := c.Users.Get(t.Context(), "javen")
		var netErr net.Error
		require.ErrorAs(t, err, &netErr)
		assert.True(t, netErr.Timeout())
		assert.Contains(t, err.Error(), "WithTimeout")
	})
	t.Run("WithTimeout longer than its Timeout", func(t *testing.T) {
		t.Parallel()
		url, _ := httpFault(t, func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(300 * time.Millisecond)
			jsonHandler(200, `{"username":"javen"}`)(w, r)
		})
		c := serverClient(t, url, jmessage.WithoutRetries(), jmessage.WithTimeout(5*time.Second),
			jmessage.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
		user, _, err := c.Users.Get(t.Context(), "javen")
		require.NoError(t, err)
		assert.Equal(t, "javen", user.Username)
	})
}
