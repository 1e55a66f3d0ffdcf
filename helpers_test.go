package jmessage_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

const (
	testAppKey = "4f7aef34fb361292c566a1cd"
	testSecret = "s3cr3t-master-key-do-not-print"
	testBase   = "https://api.im.jpush.cn"
)

var testAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(testAppKey+":"+testSecret))

// newTestClient returns a client whose requests go to a per-test httpmock
// transport (no global activation, so tests run in parallel) and are never
// retried unless opts say otherwise.
func newTestClient(t *testing.T, opts ...jmessage.Option) (*jmessage.Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	opts = append([]jmessage.Option{jmessage.WithTransport(mock), jmessage.WithoutRetries()}, opts...)
	c, err := jmessage.New(testAppKey, testSecret, opts...)
	require.NoError(t, err)
	return c, mock
}

// golden returns the content of testdata/name.
func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

// captured is a request as the mock transport saw it.
type captured struct {
	method, path, rawQuery string
	url                    string // the whole URL
	query                  url.Values
	header                 http.Header
	body                   []byte
	hasBody                bool
}

// capture answers every request with status and body, and records them.
func capture(mock *httpmock.MockTransport, status int, body string) func() []captured {
	var mu sync.Mutex
	var seen []captured
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		c := captured{method: req.Method, path: req.URL.EscapedPath(), rawQuery: req.URL.RawQuery, url: req.URL.String(),
			query: req.URL.Query(), header: req.Header.Clone()}
		if req.Body != nil && req.Body != http.NoBody {
			c.body, _ = io.ReadAll(req.Body)
			c.hasBody = len(c.body) > 0
		}
		mu.Lock()
		seen = append(seen, c)
		mu.Unlock()
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json; charset=utf-8")
		return resp, nil
	})
	return func() []captured {
		mu.Lock()
		defer mu.Unlock()
		return append([]captured(nil), seen...)
	}
}

// endpointTest checks one operation: the exact request, the decoded result,
// and that an error envelope becomes an *APIError matching its sentinel.
type endpointTest struct {
	name   string
	method string
	path   string     // escaped, as sent
	query  url.Values // nil: no query string
	// request is the golden file (under testdata/) the JSON body must equal;
	// "" means the request has no body.
	request string
	status  int
	// response is the body the server answers: a golden file name ending in
	// .json, or literal text.
	response string
	call     func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error)
	// want is the decoded result; nil for operations that return none.
	want any
	// errStatus and errCode are what the server answers in the error case
	// (400 and ErrInvalidParameter when zero).
	errStatus int
	errCode   jmessage.ErrorCode
}

func (tt endpointTest) responseBody(t *testing.T) string {
	if strings.HasSuffix(tt.response, ".json") {
		return golden(t, tt.response)
	}
	return tt.response
}

func runEndpointTests(t *testing.T, tests []endpointTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			t.Run("request and result", func(t *testing.T) {
				t.Parallel()
				c, mock := newTestClient(t)
				seen := capture(mock, tt.status, tt.responseBody(t))

				got, resp, err := tt.call(t.Context(), c)
				require.NoError(t, err)
				require.NotNil(t, resp)
				assert.Equal(t, tt.status, resp.StatusCode)
				assert.Equal(t, 1, resp.Attempts)

				reqs := seen()
				require.Len(t, reqs, 1)
				r := reqs[0]
				assert.Equal(t, tt.method, r.method)
				assert.Equal(t, tt.path, r.path)
				if tt.query == nil {
					assert.Empty(t, r.rawQuery)
				} else {
					assert.Equal(t, tt.query, r.query)
				}
				assert.Equal(t, testAuth, r.header.Get("Authorization"))
				assert.Contains(t, r.header.Get("User-Agent"), "jmessage-go/")
				if tt.request == "" {
					assert.False(t, r.hasBody, "request must have no body")
					assert.Empty(t, r.header.Get("Content-Type"), "no body, no Content-Type")
				} else {
					require.True(t, r.hasBody, "request must have a body")
					assert.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
					assert.JSONEq(t, golden(t, tt.request), string(r.body))
				}
				if tt.want != nil {
					assert.Equal(t, tt.want, got)
				}
			})
			t.Run("api error", func(t *testing.T) {
				t.Parallel()
				status, code := tt.errStatus, tt.errCode
				if status == 0 {
					status, code = http.StatusBadRequest, jmessage.ErrInvalidParameter
				}
				c, mock := newTestClient(t)
				capture(mock, status, `{"error":{"code":`+strconv.Itoa(int(code))+`,"message":"server says no"}}`)

				_, resp, err := tt.call(t.Context(), c)
				require.Error(t, err)
				var apiErr *jmessage.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, status, apiErr.HTTPStatus)
				assert.Equal(t, code, apiErr.Code)
				assert.Equal(t, "server says no", apiErr.Message)
				assert.ErrorIs(t, err, code)
				require.NotNil(t, resp)
				assert.Equal(t, status, resp.StatusCode)
				assert.NotContains(t, err.Error(), testSecret)
			})
		})
	}
}

// validationTest checks that a bad argument is refused locally.
type validationTest struct {
	name  string
	field string // the field the *ValidationError must name
	call  func(ctx context.Context, c *jmessage.Client) error
}

func runValidationTests(t *testing.T, tests []validationTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, http.StatusNoContent, "")
			err := tt.call(t.Context(), c)
			require.Error(t, err)
			var verr *jmessage.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.field, verr.Field)
			assert.NotEmpty(t, verr.Reason)
			assert.ErrorIs(t, err, jmessage.ErrInvalidArgument)
			assert.Zero(t, mock.GetTotalCallCount(), "nothing may be sent")
		})
	}
}

// ignoreResult adapts a method that returns only (*Response, error).
func ignoreResult(resp *jmessage.Response, err error) (any, *jmessage.Response, error) {
	return nil, resp, err
}

// onlyErr adapts any method's results to its error.
func onlyErr[T any](_ T, _ *jmessage.Response, err error) error { return err }

// respErr adapts a (*Response, error) method to its error.
func respErr(_ *jmessage.Response, err error) error { return err }

// newJSONResponse is a mock response with a JSON content type.
func newJSONResponse(status int, body string) *http.Response {
	resp := httpmock.NewStringResponse(status, body)
	resp.Header.Set("Content-Type", "application/json; charset=utf-8")
	return resp
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// iteratorTest describes one paginating iterator (Users.All, Groups.All,
// Chatrooms.AllMembers, ...) for walkPages and runIteratorStops.
type iteratorTest[T any] struct {
	path string // escaped path every page request must go to
	key  string // the JSON array that holds a page's items
	item string // the JSON of one item, for pages that only need to be full
	all  func(ctx context.Context, c *jmessage.Client, opts jmessage.ListOptions) iter.Seq2[T, error]
}

// walkPages serves pages (keyed by the start asked for), walks it.all with
// opts and returns what it yielded. Every request must go to it.path asking
// for count, none may fail, and the starts asked for must be wantStarts.
func (it iteratorTest[T]) walkPages(t *testing.T, opts jmessage.ListOptions, count string,
	pages map[string]string, wantStarts []string) []T {
	t.Helper()
	c, mock := newTestClient(t)
	var starts []string
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, it.path, req.URL.EscapedPath())
		assert.Equal(t, count, req.URL.Query().Get("count"))
		start := req.URL.Query().Get("start")
		starts = append(starts, start)
		return newJSONResponse(200, pages[start]), nil
	})
	var got []T
	for v, err := range it.all(t.Context(), c, opts) {
		require.NoError(t, err)
		got = append(got, v)
	}
	assert.Equal(t, wantStarts, starts)
	return got
}

// runIteratorStops checks how an iterator ends: an error is yielded once and
// ends the walk; break stops fetching; an empty page ends the walk; a
// cancelled or nil context is yielded once as its error and nothing is sent.
func runIteratorStops[T any](t *testing.T, it iteratorTest[T]) {
	t.Helper()
	t.Run("error yielded once", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, 500, `{"error":{"code":899000,"message":"boom"}}`)
		var errs int
		for _, err := range it.all(t.Context(), c, jmessage.ListOptions{}) {
			require.ErrorIs(t, err, jmessage.ErrServerInternal)
			errs++
		}
		assert.Equal(t, 1, errs)
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
	t.Run("break stops fetching", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, 200, fmt.Sprintf(`{"total":100,"start":0,"count":2,%q:[%s,%s]}`, it.key, it.item, it.item))
		var n int
		for _, err := range it.all(t.Context(), c, jmessage.ListOptions{Count: 2}) {
			require.NoError(t, err)
			n++
			break
		}
		assert.Equal(t, 1, n)
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
	t.Run("empty page ends", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, 200, fmt.Sprintf(`{"total":0,"start":0,"count":0,%q:[]}`, it.key))
		for _, err := range it.all(t.Context(), c, jmessage.ListOptions{}) {
			require.NoError(t, err)
			t.Fatal("no item expected")
		}
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
	t.Run("cancelled context", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		var errs int
		for _, err := range it.all(ctx, c, jmessage.ListOptions{}) {
			assert.ErrorIs(t, err, context.Canceled)
			errs++
		}
		assert.Equal(t, 1, errs)
		assert.Zero(t, mock.GetTotalCallCount())
	})
	t.Run("nil context", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		var errs int
		for _, err := range it.all(nil, c, jmessage.ListOptions{}) {
			errs++
			var verr *jmessage.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, "ctx", verr.Field)
		}
		assert.Equal(t, 1, errs)
		assert.Zero(t, mock.GetTotalCallCount())
	})
}

// switchAPI is a status switch (SDK registration, sensitive-word filter):
// a PUT of ?status=1|0 and a GET answering {"status":1|0}, both at path.
type switchAPI struct {
	set, get string // method names, for test names
	path     string
	// golden is the GET answer under testdata/ and goldenOn what it says.
	golden   string
	goldenOn bool
	setCall  func(ctx context.Context, c *jmessage.Client, on bool) (*jmessage.Response, error)
	getCall  func(ctx context.Context, c *jmessage.Client) (bool, *jmessage.Response, error)
}

// endpointTests are the switch's endpoint tests: set on, set off, and get
// answering the golden state and the other one.
func (s switchAPI) endpointTests() []endpointTest {
	var tests []endpointTest
	for _, on := range []bool{true, false} {
		state, status := "off", "0"
		if on {
			state, status = "on", "1"
		}
		response := `{"status":` + status + `}`
		if on == s.goldenOn {
			response = s.golden
		}
		tests = append(tests, endpointTest{
			name: s.set + " " + state, method: "PUT", path: s.path, query: url.Values{"status": {status}}, status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(s.setCall(ctx, c, on))
			},
		}, endpointTest{
			name: s.get + " " + state, method: "GET", path: s.path, status: 200, response: response,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return s.getCall(ctx, c)
			},
			want: on,
		})
	}
	return tests
}

var (
	sdkRegisterSwitch = switchAPI{set: "SetSDKRegister", get: "SDKRegister", path: "/v1/sdkregister/status",
		golden: "config_sdkregister_get.response.json", goldenOn: false,
		setCall: func(ctx context.Context, c *jmessage.Client, on bool) (*jmessage.Response, error) {
			return c.Config.SetSDKRegister(ctx, on)
		},
		getCall: func(ctx context.Context, c *jmessage.Client) (bool, *jmessage.Response, error) {
			return c.Config.SDKRegister(ctx)
		}}
	sensitiveSwitch = switchAPI{set: "SetEnabled", get: "Enabled", path: "/v1/sensitiveword/status",
		golden: "sensitive_status_get.response.json", goldenOn: true,
		setCall: func(ctx context.Context, c *jmessage.Client, on bool) (*jmessage.Response, error) {
			return c.SensitiveWords.SetEnabled(ctx, on)
		},
		getCall: func(ctx context.Context, c *jmessage.Client) (bool, *jmessage.Response, error) {
			return c.SensitiveWords.Enabled(ctx)
		}}
)

// serverClient is a client of the server at baseURL, with opts, whose idle
// connections are closed when the test ends (goleak watches them).
func serverClient(t *testing.T, baseURL string, opts ...jmessage.Option) *jmessage.Client {
	t.Helper()
	c, err := jmessage.New(testAppKey, testSecret, append([]jmessage.Option{jmessage.WithBaseURL(baseURL)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// bodyTest is a call and the JSON body it must send.
type bodyTest struct {
	name string
	call func(ctx context.Context, c *jmessage.Client) error
	body string
}

// runBodyTests makes each call against a server that answers status and
// answer: it must succeed with exactly one request, whose body is body.
func runBodyTests(t *testing.T, status int, answer string, tests []bodyTest) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			seen := capture(mock, status, answer)
			require.NoError(t, tc.call(t.Context(), c))
			reqs := seen()
			require.Len(t, reqs, 1)
			assert.JSONEq(t, tc.body, string(reqs[0].body))
		})
	}
}

// withAppKey returns u with its AppKey set.
func withAppKey(u jmessage.User, appKey string) jmessage.User {
	u.AppKey = appKey
	return u
}
