package fakeserve

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jmessage-go/jmessage"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun(t *testing.T) {
	const key, other = "4f7aef34fb361292c566a1cd", "0ther0app0key00000000002"
	ctx, cancel := context.WithCancel(t.Context())
	var out strings.Builder
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, "jmessage-fake", []string{"-addr", "127.0.0.1:0", "-appkey", key, "-secret", "s3cret", "-app", other + ":x"}, &out, io.Discard, ready)
	}()
	url := <-ready
	assert.Contains(t, out.String(), "JMESSAGE_BASE_URL="+url+"\n")
	assert.Contains(t, out.String(), "JMESSAGE_REPORT_BASE_URL="+url+"/v2\n")
	assert.Contains(t, out.String(), "JMESSAGE_APP_KEY="+key+"\n")
	assert.Contains(t, out.String(), "JMESSAGE_MASTER_SECRET=s3cret\n")

	c, err := jmessage.New(key, "s3cret", jmessage.WithBaseURL(url), jmessage.WithoutRetries())
	require.NoError(t, err)
	_, _, err = c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "alice", Password: "password"}})
	require.NoError(t, err)
	u, _, err := c.Users.Get(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, "alice", u.Username)
	assert.Contains(t, out.String(), "JMESSAGE_REPORT_BASE_URL="+url+"/v2\n")
	rc, err := jmessage.New(key, "s3cret", jmessage.WithBaseURL(url), jmessage.WithReportBaseURL(url+"/v2"), jmessage.WithoutRetries())
	require.NoError(t, err)
	_, _, err = rc.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("alice"), Body: jmessage.Text{Text: "hi"}})
	require.NoError(t, err)
	now := time.Now()
	page, _, err := rc.History.List(ctx, jmessage.AppHistory(), jmessage.HistoryQuery{Begin: now.Add(-time.Hour), End: now.Add(time.Hour)})
	require.NoError(t, err)
	assert.Len(t, page.Messages, 1, "the report paths are served beside the API's")
	rc.CloseIdleConnections()
	oc, err := jmessage.New(other, "x", jmessage.WithBaseURL(url), jmessage.WithoutRetries())
	require.NoError(t, err)
	_, _, err = oc.Users.Get(ctx, "alice")
	assert.ErrorIs(t, err, jmessage.ErrUserNotFound, "the other app is served, with its own users")
	c.CloseIdleConnections()
	oc.CloseIdleConnections()

	// The control API is mounted under /_fake.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/_fake/apps/"+key+"/users/alice", nil)
	require.NoError(t, err)
	tr := &http.Transport{}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	tr.CloseIdleConnections()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"username":"alice"`)

	// What the vendor clients send is served as the real API serves it: a
	// doubled slash (the PHP client) and a Content-Type on a bodiless GET
	// (the Python client) get the API's answer, never a redirect.
	for _, path := range []string{"/v1//users/alice", "/v1/users/alice", "/v2//messages?count=1&begin_time=2026-01-01%2000:00:00&end_time=2026-01-02%2000:00:00"} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+path, nil)
		require.NoError(t, err)
		req.SetBasicAuth(key, "s3cret")
		req.Header.Set("Content-Type", "application/json;charset:utf-8")
		noRedirects := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirects.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, body)
		assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"), path)
	}
	tr.CloseIdleConnections()

	cancel()
	require.NoError(t, <-done)
}

func TestRunBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-appkey", "short"}, {"-secret", ""}, {"-app", "nocolon"}, {"-addr", "not an address"}, {"-nope"},
	} {
		assert.Error(t, Run(t.Context(), "jmessage-fake", args, &strings.Builder{}, io.Discard, nil), "%v", args)
	}
}
