package jmessagetest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// control sends a request to the control API and returns the status and body.
func control(t *testing.T, base, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
	require.NoError(t, err)
	status, _, b := do(t, req)
	return status, b
}

func TestControlHandler(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	srv, c := newMessagingFake(t, jmessagetest.WithClock(func() time.Time { return start }))
	ctl := httptest.NewServer(srv.ControlHandler())
	defer ctl.Close()
	ctx := t.Context()
	key := srv.AppKey()

	res, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bobby"),
		Body: jmessage.Text{Text: "hi"}})
	require.NoError(t, err)
	status, body := control(t, ctl.URL, "GET", "/apps/"+key+"/messages", "")
	assert.Equal(t, http.StatusOK, status)
	var msgs []jmessagetest.Message
	require.NoError(t, json.Unmarshal(body, &msgs))
	require.Len(t, msgs, 1)
	assert.Equal(t, res.MsgID, msgs[0].ID)
	assert.JSONEq(t, `{"text":"hi"}`, string(msgs[0].Body))

	status, body = control(t, ctl.URL, "PUT", "/apps/"+key+"/users/alice/devices", `[{"platform":"i","login":true,"online":true}]`)
	assert.Equal(t, http.StatusNoContent, status, "%s", body)
	stat, _, err := c.Users.Stat(ctx, "alice")
	require.NoError(t, err)
	assert.True(t, stat.Online)
	status, body = control(t, ctl.URL, "GET", "/apps/"+key+"/users/alice", "")
	assert.Equal(t, http.StatusOK, status)
	var u jmessagetest.UserState
	require.NoError(t, json.Unmarshal(body, &u))
	assert.Equal(t, []jmessagetest.Device{{Platform: "i", Login: true, Online: true}}, u.Devices)
	status, body = control(t, ctl.URL, "GET", "/apps/"+key+"/users/bobby", "")
	assert.Equal(t, http.StatusOK, status)
	for _, list := range []string{"blacklist", "nodisturb_users", "nodisturb_groups", "devices", "friends", "group_shields",
		"cross_blacklist", "nodisturb_cross_users"} {
		assert.Contains(t, string(body), `"`+list+`":[]`, "empty lists are [] for other languages")
	}
	status, _ = control(t, ctl.URL, "GET", "/apps/"+key+"/users/ghost", "")
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = control(t, ctl.URL, "GET", "/apps/unknown0app0key000000000/messages", "")
	assert.Equal(t, http.StatusNotFound, status)

	status, body = control(t, ctl.URL, "POST", "/advance?by=4m", "")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"now":"2024-05-01T12:04:00Z"}`, string(body))
	_, err = c.Messages.Retract(ctx, "alice", res.MsgID)
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrRetractTooLate)
	status, _ = control(t, ctl.URL, "POST", "/advance?by=soon", "")
	assert.Equal(t, http.StatusBadRequest, status)

	status, _ = control(t, ctl.URL, "POST", "/faults", `{"method":"GET","path":"/v1/users/alice","times":1,"status":503,"code":899030,"message":"busy"}`)
	assert.Equal(t, http.StatusNoContent, status)
	_, _, err = c.Users.Get(ctx, "alice")
	requireCode(t, err, http.StatusServiceUnavailable, jmessage.ErrServerBusy)
	status, _ = control(t, ctl.URL, "POST", "/ratelimit?path=/v1/users/alice&retry_after=3s", "")
	assert.Equal(t, http.StatusNoContent, status)
	_, resp, err := c.Users.Get(ctx, "alice")
	requireCode(t, err, http.StatusTooManyRequests, jmessage.ErrRateLimited)
	assert.Equal(t, "3", resp.Header.Get("Retry-After"))
	status, _ = control(t, ctl.URL, "POST", "/faults", `{"status":500,"code":899000}`)
	assert.Equal(t, http.StatusNoContent, status)
	status, _ = control(t, ctl.URL, "DELETE", "/faults", "")
	assert.Equal(t, http.StatusNoContent, status)
	_, _, err = c.Users.Get(ctx, "alice")
	require.NoError(t, err)

	status, _ = control(t, ctl.URL, "POST", "/reset", "")
	assert.Equal(t, http.StatusNoContent, status)
	_, ok := srv.User("alice")
	assert.False(t, ok)
}
