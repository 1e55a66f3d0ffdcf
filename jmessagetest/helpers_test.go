package jmessagetest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// TestMain fails the run if any test leaves a goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newFake returns a fake server and a client of its primary app that does
// not retry, so that every answer is seen as the server gave it.
func newFake(t *testing.T, opts ...jmessagetest.Option) (*jmessagetest.Server, *jmessage.Client) {
	t.Helper()
	srv := jmessagetest.NewServer(t, opts...)
	return srv, srv.Client(jmessage.WithoutRetries())
}

// register registers users with password "password", failing the test if any fails.
func register(t *testing.T, c *jmessage.Client, names ...string) {
	t.Helper()
	users := make([]jmessage.NewUser, len(names))
	for i, n := range names {
		users[i] = jmessage.NewUser{Username: n, Password: "password"}
	}
	res, _, err := c.Users.RegisterBatch(t.Context(), users)
	require.NoError(t, err)
	for _, r := range res {
		require.NoError(t, r.Err, r.Username)
	}
}

// requireCode asserts that err is an *APIError with the status and code.
func requireCode(t *testing.T, err error, status int, code jmessage.ErrorCode) {
	t.Helper()
	var apiErr *jmessage.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, status, apiErr.HTTPStatus, "status of %v", err)
	assert.Equal(t, code, apiErr.Code, "code of %v", err)
	assert.ErrorIs(t, err, code)
}

// raw sends a request to the server as the primary app (auth "" sends none)
// and returns the status, headers and body.
func raw(t *testing.T, srv *jmessagetest.Server, method, path, auth, contentType, body string) (int, http.Header, []byte) {
	t.Helper()
	req := newRequest(t, srv, method, path, body)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return do(t, req)
}

// newRequest returns a request to the server's path, with body unless it
// is "".
func newRequest(t *testing.T, srv *jmessagetest.Server, method, path, body string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path, rd)
	require.NoError(t, err)
	return req
}

// do sends req on a connection of its own and returns the status, headers
// and body of the answer.
func do(t *testing.T, req *http.Request) (int, http.Header, []byte) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, b
}

// basic is the Authorization header of the server's primary app.
func basic(srv *jmessagetest.Server) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(srv.AppKey()+":"+srv.MasterSecret()))
}

// golden reads the SDK's golden file testdata/name (at the module root).
func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	require.NoError(t, err)
	return b
}

// shape describes a JSON value's structure: object keys (sorted, with the
// shape of their values), the shape of an array's first element, or the
// kind of a scalar. Values do not matter.
func shape(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&v), "%s", b)
	return shapeOf(v)
}

func shapeOf(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + shapeOf(x[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		if len(x) == 0 {
			return "[]"
		}
		return "[" + shapeOf(x[0]) + "]"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return "?"
}

// assertGoldenShape asserts that the server's answer body has the shape of
// the SDK's golden response, so that the fake and the SDK's tests agree on
// the wire.
func assertGoldenShape(t *testing.T, goldenName string, resp *jmessage.Response) {
	t.Helper()
	require.NotNil(t, resp)
	assert.Equal(t, shape(t, golden(t, goldenName)), shape(t, resp.RawBody), "answer %s", resp.RawBody)
}
