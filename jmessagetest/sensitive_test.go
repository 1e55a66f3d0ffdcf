package jmessagetest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

func words(t *testing.T, c *jmessage.Client) []string {
	t.Helper()
	var out []string
	for w, err := range c.SensitiveWords.All(t.Context(), jmessage.ListOptions{Count: 2}) {
		require.NoError(t, err)
		out = append(out, w.Word)
	}
	return out
}

func TestSensitiveWords(t *testing.T) {
	t.Parallel()
	// A fixed clock: the words' itime is the server's time when added.
	added := time.Date(2024, time.May, 1, 12, 0, 7, 0, time.UTC)
	srv, c := newFake(t, jmessagetest.WithClock(func() time.Time { return added }))
	ctx := t.Context()

	_, err := c.SensitiveWords.Add(ctx, []string{"FUCK", "darn", "heck", "FUCK"})
	require.NoError(t, err)
	assert.Equal(t, []string{"FUCK", "darn", "heck"}, words(t, c), "duplicates are kept once")

	page, resp, err := c.SensitiveWords.List(ctx, jmessage.ListOptions{Start: 2, Count: 1})
	require.NoError(t, err)
	assertGoldenShape(t, "sensitive_list.response.json", resp)
	assert.Equal(t, 3, page.Total)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "heck", page.Items[0].Word)
	assert.True(t, page.Items[0].ITime.Equal(added), "itime %v", page.Items[0].ITime)

	_, err = c.SensitiveWords.Update(ctx, "FUCK", "fuck")
	require.NoError(t, err)
	_, err = c.SensitiveWords.Delete(ctx, "darn")
	require.NoError(t, err)
	assert.Equal(t, []string{"fuck", "heck"}, words(t, c))

	_, err = c.SensitiveWords.Update(ctx, "nope", "new")
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrInvalidParameter)
	_, err = c.SensitiveWords.Update(ctx, "fuck", "heck")
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrInvalidParameter)
	_, err = c.SensitiveWords.Delete(ctx, "darn")
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrInvalidParameter)

	// The server applies the 10-character rule and the quota itself.
	status, _, _ := raw(t, srv, "POST", "/v1/sensitiveword", basic(srv), "application/json", `["elevenchars"]`)
	assert.Equal(t, http.StatusBadRequest, status)
	many := make([]string, jmessagetest.SensitiveWordQuota-1)
	for i := range many {
		many[i] = fmt.Sprintf("w%d", i)
	}
	_, err = c.SensitiveWords.Add(ctx, many)
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrInvalidParameter)
	assert.Len(t, words(t, c), 2, "over the quota adds none")
	_, err = c.SensitiveWords.Add(ctx, many[:jmessagetest.SensitiveWordQuota-2])
	require.NoError(t, err)
	assert.Len(t, words(t, c), jmessagetest.SensitiveWordQuota)
}

func TestSwitches(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	ctx := t.Context()

	on, resp, err := c.SensitiveWords.Enabled(ctx)
	require.NoError(t, err)
	assertGoldenShape(t, "sensitive_status_get.response.json", resp)
	assert.True(t, on, "the filter is on by default")
	_, err = c.SensitiveWords.SetEnabled(ctx, false)
	require.NoError(t, err)
	on, _, err = c.SensitiveWords.Enabled(ctx)
	require.NoError(t, err)
	assert.False(t, on)

	on, resp, err = c.Config.SDKRegister(ctx)
	require.NoError(t, err)
	assertGoldenShape(t, "config_sdkregister_get.response.json", resp)
	assert.True(t, on, "SDK registration is open by default")
	_, err = c.Config.SetSDKRegister(ctx, false)
	require.NoError(t, err)
	on, _, err = c.Config.SDKRegister(ctx)
	require.NoError(t, err)
	assert.False(t, on)
	_, err = c.Config.SetSDKRegister(ctx, true)
	require.NoError(t, err)
	on, _, err = c.Config.SDKRegister(ctx)
	require.NoError(t, err)
	assert.True(t, on)
}
