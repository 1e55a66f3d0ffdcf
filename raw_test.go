package jmessage_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestDoSendsThroughThePipeline(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t, jmessage.WithRetryPolicy(fastRetries))
	seen := capture(mock, 200, `{"total":1,"messages":[{"msg_id":7}]}`)

	var out struct {
		Total    int `json:"total"`
		Messages []struct {
			MsgID int64 `json:"msg_id"`
		} `json:"messages"`
	}
	resp, err := c.Do(t.Context(), jmessage.RawRequest{Host: jmessage.HostReport, Method: http.MethodGet,
		Path: "/messages", Query: url.Values{"count": {"10"}}}, &out)
	require.NoError(t, err)
	assert.Equal(t, 1, out.Total)
	assert.Equal(t, int64(7), out.Messages[0].MsgID)
	assert.Equal(t, 1, resp.Attempts)
	require.Len(t, seen(), 1)
	got := seen()[0]
	assert.Equal(t, jmessage.DefaultReportBaseURL+"/messages?count=10", got.url)
	assert.Equal(t, testAuth, got.header.Get("Authorization"))
	assert.False(t, got.hasBody, "never a body on GET")

	_, err = c.Do(t.Context(), jmessage.RawRequest{Method: http.MethodPost, Path: "/v1/things",
		Body: map[string]int{"n": 1}}, nil)
	require.NoError(t, err)
	require.Len(t, seen(), 2)
	got = seen()[1]
	assert.Equal(t, c.BaseURL()+"/v1/things", got.url)
	assert.Equal(t, `{"n":1}`, string(got.body))
	assert.Equal(t, "application/json; charset=utf-8", got.header.Get("Content-Type"))
}

// TestDoRetriesByMethod: a raw call follows RetryPolicy by its method, and
// its errors are the SDK's.
func TestDoRetriesByMethod(t *testing.T) {
	t.Parallel()
	for method, want := range map[string]int{http.MethodGet: 3, http.MethodPut: 3, http.MethodDelete: 3, http.MethodPost: 1} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t, jmessage.WithRetryPolicy(fastRetries))
			seen := capture(mock, 503, `{"error":{"code":899030,"message":"busy"}}`)
			resp, err := c.Do(t.Context(), jmessage.RawRequest{Method: method, Path: "/v1/things"}, nil)
			require.ErrorIs(t, err, jmessage.ErrServerBusy)
			var apiErr *jmessage.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 503, apiErr.HTTPStatus)
			assert.Equal(t, want, resp.Attempts)
			assert.Len(t, seen(), want)
		})
	}
	t.Run("POST under RetryUnsafe", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t, jmessage.WithRetryPolicy(fastRetries))
		seen := capture(mock, 503, "")
		_, err := c.Do(jmessage.RetryUnsafe(t.Context()), jmessage.RawRequest{Method: http.MethodPost, Path: "/v1/things"}, nil)
		require.Error(t, err)
		assert.Len(t, seen(), 3)
	})
}

func TestDoRefusesBadArguments(t *testing.T) {
	t.Parallel()
	var notPointer struct{}
	for name, tt := range map[string]struct {
		req   jmessage.RawRequest
		out   any
		field string
	}{
		"method":       {jmessage.RawRequest{Method: "PATCH", Path: "/v1/x"}, nil, "method"},
		"empty method": {jmessage.RawRequest{Path: "/v1/x"}, nil, "method"},
		"relative":     {jmessage.RawRequest{Method: http.MethodGet, Path: "v1/x"}, nil, "path"},
		"query":        {jmessage.RawRequest{Method: http.MethodGet, Path: "/v1/x?a=1"}, nil, "path"},
		"space":        {jmessage.RawRequest{Method: http.MethodGet, Path: "/v1/a b"}, nil, "path"},
		"host":         {jmessage.RawRequest{Host: 7, Method: http.MethodGet, Path: "/v1/x"}, nil, "host"},
		"out":          {jmessage.RawRequest{Method: http.MethodGet, Path: "/v1/x"}, notPointer, "out"},
		"nil out":      {jmessage.RawRequest{Method: http.MethodGet, Path: "/v1/x"}, (*struct{})(nil), "out"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			seen := capture(mock, 200, `{}`)
			resp, err := c.Do(context.Background(), tt.req, tt.out)
			var verr *jmessage.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.field, verr.Field)
			assert.Nil(t, resp)
			assert.Empty(t, seen(), "nothing sent")
		})
	}
}
