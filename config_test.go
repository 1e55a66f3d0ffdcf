package jmessage_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestConfigEndpoints(t *testing.T) {
	t.Parallel()
	runEndpointTests(t, []endpointTest{
		{
			name: "SetSDKRegister on", method: "PUT", path: "/v1/sdkregister/status", query: url.Values{"status": {"1"}},
			status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Config.SetSDKRegister(ctx, true))
			},
		},
		{
			name: "SetSDKRegister off", method: "PUT", path: "/v1/sdkregister/status", query: url.Values{"status": {"0"}},
			status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Config.SetSDKRegister(ctx, false))
			},
		},
		{
			name: "SDKRegister off", method: "GET", path: "/v1/sdkregister/status", status: 200,
			response: "config_sdkregister_get.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Config.SDKRegister(ctx)
			},
			want: false,
		},
		{
			name: "SDKRegister on", method: "GET", path: "/v1/sdkregister/status", status: 200, response: `{"status":1}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Config.SDKRegister(ctx)
			},
			want: true,
		},
	})
}

// TestSwitchDecoding: a status switch reads 0/1 in the forms the API may
// write, and anything else, a missing status included, is a malformed
// answer, never a silent false.
func TestSwitchDecoding(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		`{"status":1}`: true, `{"status":"1"}`: true, `{"status":true}`: true,
		`{"status":0}`: false, `{"status":"0"}`: false, `{"status":false}`: false,
	} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, 200, body)
			on, _, err := c.Config.SDKRegister(t.Context())
			require.NoError(t, err)
			assert.Equal(t, want, on)
			on, _, err = c.SensitiveWords.Enabled(t.Context())
			require.NoError(t, err)
			assert.Equal(t, want, on)
		})
	}
	for _, body := range []string{`{"status":2}`, `{"status":"on"}`, `{"status":[1]}`, `{}`, `{"status":null}`, ""} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, 200, body)
			on, resp, err := c.Config.SDKRegister(t.Context())
			assert.False(t, on)
			assert.ErrorIs(t, err, jmessage.ErrMalformedResponse)
			var apiErr *jmessage.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 200, apiErr.HTTPStatus)
			assert.NotNil(t, resp)
		})
	}
}
