package jmessage_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// routedExample is MESSAGE-ROUTING.md's example delivery.
const routedExample = `{"total":1,"messages":[{"target_type":"single","msg_type":"text","target_name":"Alice",
"target_id":"alice_01","from_id":"bob_02","from_name":"Bob","from_type":"user","from_platform":"i",
"msg_body":{"text":"are we still on for 3pm?","extras":{}},"create_time":1551398412,"version":1,
"msgid":40012345678,"msg_level":0,"msg_ctime":1551398412307}]}`

func TestReceiver(t *testing.T) {
	t.Parallel()
	type ctxKey struct{}
	var logs bytes.Buffer
	var got []jmessage.HistoryMessage
	var sawCtx bool
	fail := false
	rc, err := jmessage.NewReceiver(testAppKey, testSecret, func(ctx context.Context, msgs []jmessage.HistoryMessage) error {
		sawCtx = ctx.Value(ctxKey{}) == "request"
		if fail {
			return errors.New("archive down")
		}
		got = append(got, msgs...)
		return nil
	}, jmessage.WithMaxRoutedBytes(1024), jmessage.WithReceiverLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)

	post := func(method, auth, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/jmessage/routing", strings.NewReader(body))
		req = req.WithContext(context.WithValue(req.Context(), ctxKey{}, "request"))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		w := httptest.NewRecorder()
		rc.ServeHTTP(w, req)
		return w
	}
	w := post(http.MethodPost, testAuth, routedExample)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
	require.Len(t, got, 1)
	assert.Equal(t, int64(40012345678), got[0].MsgID)
	assert.Equal(t, jmessage.Text{Text: "are we still on for 3pm?", Extras: map[string]any{}}, got[0].Body)
	assert.True(t, sawCtx, "the function gets the request's context")

	for _, tc := range []struct {
		name, method, auth, body string
		status                   int
	}{
		{"no credentials", http.MethodPost, "", routedExample, http.StatusUnauthorized},
		{"wrong secret", http.MethodPost, basic(testAppKey, testSecret+"x"), routedExample, http.StatusUnauthorized},
		{"other app", http.MethodPost, basic("0123456789abcdef01234567", testSecret), routedExample, http.StatusUnauthorized},
		{"not basic", http.MethodPost, strings.Replace(testAuth, "Basic", "Bearer", 1), routedExample, http.StatusUnauthorized},
		{"GET", http.MethodGet, testAuth, "", http.StatusMethodNotAllowed},
		{"too large", http.MethodPost, testAuth, `{"total":1,"messages":[],"pad":"` + strings.Repeat("x", 1024) + `"}`, http.StatusRequestEntityTooLarge},
		{"empty", http.MethodPost, testAuth, "", http.StatusBadRequest},
		{"null", http.MethodPost, testAuth, "null", http.StatusBadRequest},
		{"array", http.MethodPost, testAuth, `[{"msgid":1}]`, http.StatusBadRequest},
		{"truncated", http.MethodPost, testAuth, routedExample[:40], http.StatusBadRequest},
		{"wrong types", http.MethodPost, testAuth, `{"total":1,"messages":[{"msgid":{}}]}`, http.StatusBadRequest},
	} {
		before := len(got)
		w := post(tc.method, tc.auth, tc.body)
		assert.Equal(t, tc.status, w.Code, tc.name)
		assert.Len(t, got, before, "%s: nothing handled", tc.name)
	}
	fail = true
	assert.Equal(t, http.StatusInternalServerError, post(http.MethodPost, testAuth, routedExample).Code,
		"a function error is not a 200, so the delivery is not taken as done")
	assert.NotContains(t, logs.String(), testSecret)
	assert.NotContains(t, logs.String(), testAuth[len("Basic "):])
	assert.Contains(t, logs.String(), "status=401")

	_, err = jmessage.NewReceiver(testAppKey, "", func(context.Context, []jmessage.HistoryMessage) error { return nil })
	assert.ErrorIs(t, err, jmessage.ErrInvalidArgument)
	_, err = jmessage.NewReceiver(testAppKey, testSecret, nil)
	assert.ErrorIs(t, err, jmessage.ErrInvalidArgument)
}

func basic(user, pass string) string {
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(user, pass)
	return req.Header.Get("Authorization")
}
