package jmessage_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestConfigEndpoints(t *testing.T) {
	t.Parallel()
	runEndpointTests(t, sdkRegisterSwitch.endpointTests())
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
			for _, s := range []switchAPI{sdkRegisterSwitch, sensitiveSwitch} {
				on, _, err := s.getCall(t.Context(), c)
				require.NoError(t, err, s.get)
				assert.Equal(t, want, on, s.get)
			}
		})
	}
	for _, body := range []string{`{"status":2}`, `{"status":"on"}`, `{"status":[1]}`, `{}`, `{"status":null}`, ""} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, 200, body)
			for _, s := range []switchAPI{sdkRegisterSwitch, sensitiveSwitch} {
				on, resp, err := s.getCall(t.Context(), c)
				assert.False(t, on, s.get)
				assert.ErrorIs(t, err, jmessage.ErrMalformedResponse, s.get)
				var apiErr *jmessage.APIError
				require.ErrorAs(t, err, &apiErr, s.get)
				assert.Equal(t, 200, apiErr.HTTPStatus, s.get)
				assert.NotNil(t, resp, s.get)
			}
		})
	}
}
