package jmessage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// ConfigService manages app-wide settings.
type ConfigService service

// SetSDKRegister turns registration of users from the client SDKs on
// (enabled true) or off.
//
// PUT /v1/sdkregister/status?status=1|0
func (s *ConfigService) SetSDKRegister(ctx context.Context, enabled bool) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut, path: "/v1/sdkregister/status", query: statusQuery(enabled)}, nil)
}

// SDKRegister reports whether users may register from the client SDKs.
//
// GET /v1/sdkregister/status
func (s *ConfigService) SDKRegister(ctx context.Context) (bool, *Response, error) {
	return getSwitch(ctx, s.client, "/v1/sdkregister/status")
}

// statusQuery encodes an on/off switch as the query status=1 or status=0
// (chatroom mute, sensitive-word filter, SDK registration).
func statusQuery(on bool) url.Values {
	if on {
		return url.Values{"status": {"1"}}
	}
	return url.Values{"status": {"0"}}
}

// getSwitch reads an on/off switch answered as {"status": 0|1}. An answer
// without a status (an empty body, {}, null) is malformed, not "off".
func getSwitch(ctx context.Context, c *Client, path string) (bool, *Response, error) {
	out, resp, err := call[struct {
		Status json.RawMessage `json:"status"`
	}](ctx, c, request{method: http.MethodGet, path: path})
	if err != nil {
		return false, resp, err
	}
	on, err := false, errors.New("no status in the answer")
	if s := string(bytes.TrimSpace(out.Status)); s != "" && s != "null" {
		on, err = decodeFlag(out.Status)
	}
	if err != nil {
		return false, resp, malformed(http.MethodGet, path, resp, err)
	}
	return on, resp, nil
}

// decodeFlag reads a 0/1 flag written as a number, a numeric string or a
// boolean; absent or null is false. Any other value is an error.
func decodeFlag(raw json.RawMessage) (bool, error) {
	switch string(bytes.TrimSpace(raw)) {
	case "", "null", "0", `"0"`, "false":
		return false, nil
	case "1", `"1"`, "true":
		return true, nil
	}
	return false, fmt.Errorf("want 0 or 1, got %.32s", raw)
}
