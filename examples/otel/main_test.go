package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// span is the part of a stdouttrace span the test reads.
type span struct {
	Name        string
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct{ SpanID string }
	Attributes  []struct {
		Key   string
		Value struct{ Value any }
	}
}

func (s span) attr(key string) any {
	for _, a := range s.Attributes {
		if a.Key == key {
			return a.Value.Value
		}
	}
	return nil
}

func decodeSpans(t *testing.T, r io.Reader) []span {
	t.Helper()
	var spans []span
	dec := json.NewDecoder(r)
	for {
		var s span
		err := dec.Decode(&s)
		if errors.Is(err, io.EOF) {
			return spans
		}
		require.NoError(t, err)
		spans = append(spans, s)
	}
}

// TestRun runs the example against a fake given through the environment,
// as against the real API, and checks the spans: one client span per call,
// children of the caller's span, with method and status, and no secret.
func TestRun(t *testing.T) {
	const key, secret = "4f7aef34fb361292c566a1cd", "otel-secret-never-recorded"
	srv := jmessagetest.NewServer(t, jmessagetest.WithCredentials(key, secret))
	env := map[string]string{"JMESSAGE_APP_KEY": key, "JMESSAGE_MASTER_SECRET": secret, "JMESSAGE_BASE_URL": srv.URL()}
	var spansOut, out bytes.Buffer
	require.NoError(t, run(t.Context(), &spansOut, &out, func(k string) string { return env[k] }))
	assert.NotContains(t, spansOut.String(), secret)
	assert.NotContains(t, spansOut.String(), "Basic ")

	spans := decodeSpans(t, &spansOut)
	require.Len(t, spans, 4, "three calls and the caller's span")
	parent := spans[3]
	assert.Equal(t, "welcome a user", parent.Name)
	assert.Contains(t, out.String(), "trace "+parent.SpanContext.TraceID)
	for i, want := range []struct {
		method string
		status float64
	}{{"POST", 201}, {"GET", 200}, {"DELETE", 204}} {
		s := spans[i]
		assert.Equal(t, parent.SpanContext.TraceID, s.SpanContext.TraceID)
		assert.Equal(t, parent.SpanContext.SpanID, s.Parent.SpanID)
		assert.Equal(t, want.method, s.attr("http.request.method"), s.Name)
		assert.Equal(t, want.status, s.attr("http.response.status_code"), s.Name)
		assert.True(t, strings.HasPrefix(s.attr("url.full").(string), srv.URL()+"/v1/users/"), s.attr("url.full"))
	}
}

// TestRunWithoutCredentials runs the example as a fresh machine does.
func TestRunWithoutCredentials(t *testing.T) {
	var spansOut, out bytes.Buffer
	require.NoError(t, run(t.Context(), &spansOut, &out, func(string) string { return "" }))
	assert.Len(t, decodeSpans(t, &spansOut), 4)
	assert.Contains(t, out.String(), "registered, read and deleted otel_")
}

// TestRetriedAttemptsAreSpans checks the README's word: a retried call is
// one client span per attempt.
func TestRetriedAttemptsAreSpans(t *testing.T) {
	const key, secret = "4f7aef34fb361292c566a1cd", "otel-secret-never-recorded"
	srv := jmessagetest.NewServer(t, jmessagetest.WithCredentials(key, secret))
	srv.InjectFault(jmessagetest.Fault{Method: "GET", Times: 1, Status: 503, Code: jmessage.ErrServerBusy})
	env := map[string]string{"JMESSAGE_APP_KEY": key, "JMESSAGE_MASTER_SECRET": secret, "JMESSAGE_BASE_URL": srv.URL()}
	var spansOut, out bytes.Buffer
	require.NoError(t, run(t.Context(), &spansOut, &out, func(k string) string { return env[k] }))
	spans := decodeSpans(t, &spansOut)
	require.Len(t, spans, 5, "the GET answered 503 is retried: two spans")
	var statuses []any
	for _, s := range spans[:4] {
		statuses = append(statuses, s.attr("http.response.status_code"))
	}
	assert.Equal(t, []any{float64(201), float64(503), float64(200), float64(204)}, statuses)
}
