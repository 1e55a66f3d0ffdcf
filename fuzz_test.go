package jmessage

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jmessage-go/jmessage/internal/rules"
)

// Fuzz targets for every decoder and validator. Their seed corpora run with
// `go test`; run one longer with, for example:
//
//	go test -run '^$' -fuzz '^FuzzDecodeResponse$' -fuzztime 1m .

func fuzzResponse(status int, body []byte) *Response {
	return &Response{Response: &http.Response{StatusCode: status, Header: http.Header{}}, RawBody: body}
}

// FuzzDecodeResponse: any status and body give a result or a typed error,
// never a panic, and an error status is never success.
func FuzzDecodeResponse(f *testing.F) {
	for _, seed := range []string{
		`{"error":{"code":899001,"message":"user exist"}}`, `{"error":{"code":"x"}}`, `{"error":null}`,
		`<html>502</html>`, ``, `{"username":"javen","ctime":"2015-01-01 00:00:00"}`, `{"username":`, `[]`, `null`,
	} {
		f.Add(200, []byte(seed))
		f.Add(403, []byte(seed))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		var out User
		err := decodeResponse(request{method: "GET", path: "/v1/users/x"}, fuzzResponse(status, body), &out)
		if status >= 300 {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.HTTPStatus != status {
				t.Fatalf("status %d: want an *APIError with the status, got %v", status, err)
			}
		}
		if err != nil {
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("want *APIError, got %T", err)
			}
			if len(apiErr.Excerpt) > excerptBytes || !utf8.ValidString(apiErr.Excerpt) {
				t.Fatalf("excerpt must be short valid UTF-8: %q", apiErr.Excerpt)
			}
			_ = apiErr.Error()
		}
	})
}

// FuzzRegisterResults: register answers decode under any status into
// per-item results or a typed error.
func FuzzRegisterResults(f *testing.F) {
	f.Add(201, []byte(`[{"username":"dev_fang"},{"username":"dev_javen","error":{"code":899001,"message":"user exist"}}]`))
	f.Add(400, []byte(`[{"username":"a","error":{"code":899003,"message":"bad"}}]`))
	f.Add(500, []byte(`{"error":{"code":899013,"message":"too many"}}`))
	f.Add(201, []byte(`[{"username":1}]`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		var items []registerItem
		resp := fuzzResponse(status, body)
		err := decodeResponse(request{method: "POST", path: "/v1/users/"}, resp, &items)
		if err != nil && !registerItemsUnder(err, resp, &items) {
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("want *APIError, got %T", err)
			}
		}
	})
}

// FuzzTime: Time decodes or errors; what decodes re-encodes to the same text.
func FuzzTime(f *testing.F) {
	for _, seed := range []string{`"2015-01-01 00:00:00"`, `"1990-01-24"`, `""`, `null`, `"2015-13-01 00:00:00"`, `12`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tm Time
		if err := json.Unmarshal(b, &tm); err != nil || tm.IsZero() {
			return
		}
		out, err := json.Marshal(tm)
		if err != nil {
			t.Fatal(err)
		}
		var again Time
		if err := json.Unmarshal(out, &again); err != nil || !again.Equal(tm.Time) {
			t.Fatalf("round trip of %s: %s, %v", b, out, err)
		}
	})
}

// FuzzID: ids decode exactly from numbers and numeric strings, or error.
func FuzzID(f *testing.F) {
	for _, seed := range []string{`9007199254740993`, `"123"`, `-1`, `1e3`, `"x"`, `null`, `""`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var id flexInt
		if err := json.Unmarshal(b, &id); err != nil {
			return
		}
		out, _ := json.Marshal(id)
		var again flexInt
		if err := json.Unmarshal(out, &again); err != nil || again != id {
			t.Fatalf("round trip of %s: %s", b, out)
		}
	})
}

// FuzzFieldRules: the validators never panic and agree with the rules.
func FuzzFieldRules(f *testing.F) {
	for _, seed := range []string{"javen", "a.b-c@d_e", "_x", "用户", "a\nb", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checks := []struct {
			err    error
			reason string
		}{
			{validateUsername("f", s), rules.Username(s)},
			{validatePassword("f", s), rules.Password(s)},
			{validateName("f", s), rules.Name(s)},
			{validateText("f", s), rules.Text(s)},
			{validateAppKey("f", s), rules.AppKey(s)},
			{validateSensitiveWord("f", s), rules.SensitiveWord(s)},
		}
		for _, c := range checks {
			if (c.err == nil) != (c.reason == "") {
				t.Fatalf("validator and rule disagree on %q", s)
			}
			if c.err != nil && !errors.Is(c.err, ErrInvalidArgument) {
				t.Fatal("validation errors wrap ErrInvalidArgument")
			}
		}
		if validateUsername("f", s) == nil && (len(s) < 4 || len(s) > 128) {
			t.Fatalf("username %q of %d bytes accepted", s, len(s))
		}
	})
}

// FuzzServerWait: the rate-limit and retry headers never give a negative
// wait, X-Rate-Limit-Reset asks for a wait only on a 429, and a
// Retry-After in seconds is read exactly (or, too large for a Duration, as
// the longest one).
func FuzzServerWait(f *testing.F) {
	for _, seed := range [][2]string{{"3", ""}, {"", "60"}, {"Wed, 21 Oct 2015 07:28:00 GMT", "1"}, {"-1", "-5"},
		{"99999999999999999999", "x"}, {"1.5", ""}} {
		f.Add(429, seed[0], seed[1])
		f.Add(503, seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter, reset string) {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		if reset != "" {
			h.Set("X-Rate-Limit-Reset", reset)
			h.Set("X-Rate-Limit-Remaining", reset)
			h.Set("X-Rate-Limit-Quota", reset)
		}
		wait := serverWait(status, h)
		if wait < 0 {
			t.Fatalf("negative wait %v", wait)
		}
		if retryAfter == "" && status != http.StatusTooManyRequests && wait != 0 {
			t.Fatalf("status %d: X-Rate-Limit-Reset %q read as a wait", status, reset)
		}
		if secs, err := strconv.ParseUint(retryAfter, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
			want := time.Duration(math.MaxInt64) // a number too large is a wait over any cap
			if err == nil && secs <= uint64(math.MaxInt64/int64(time.Second)) {
				want = time.Duration(secs) * time.Second
			}
			if wait != want {
				t.Fatalf("Retry-After %q read as %v, want %v", retryAfter, wait, want)
			}
		}
		_ = parseRateLimit(h)
	})
}

// FuzzRedactBody: whatever the body, a debug log of it never panics and
// every value under a password key is redacted, at any depth.
func FuzzRedactBody(f *testing.F) {
	for _, seed := range []string{`[{"username":"a","password":"p4ssw0rd"}]`, `{"new_password":"x","extras":{"password":[1,2]}}`,
		`{"a":[{"b":{"password":{"c":"d"}}}]}`, `"password"`, `null`, `{"password":null}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		out := redactBody(json.RawMessage(b))
		var tree any
		if err := json.Unmarshal([]byte(out), &tree); err != nil {
			t.Fatalf("redacted body is not JSON: %q", out)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, child := range v {
					if isSecretKey(k) && child != redacted {
						t.Fatalf("%s not redacted in %s", k, out)
					}
					walk(child)
				}
			case []any:
				for _, child := range v {
					walk(child)
				}
			}
		}
		walk(tree)
	})
}

// FuzzReadBody: a body is read whole through the pipeline (resty) up to
// the cap, whatever length the server declared.
func FuzzReadBody(f *testing.F) {
	f.Add([]byte(`{"username":"javen"}`), int64(-1))
	f.Add([]byte(`{}`), int64(2))
	f.Add([]byte(`{"a":1}`), int64(3))
	f.Add([]byte(``), int64(0))
	var answer struct {
		body   []byte
		length int64
	}
	c, err := New("4f7aef34fb361292c566a1cd", "secret", WithoutRetries(), WithTransport(roundTripFunc(
		func(req *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Request: req,
				Body: io.NopCloser(bytes.NewReader(answer.body)), ContentLength: answer.length}, nil
		})))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, length int64) {
		answer.body, answer.length = body, length // the fuzzer calls this function from one goroutine
		resp, err := c.do(t.Context(), request{method: http.MethodGet, path: "/v1/users/javen"}, nil)
		if resp == nil || !bytes.Equal(resp.RawBody, body) {
			t.Fatalf("read %q (declared %d): %+v, %v", body, length, resp, err)
		}
	})
}

// roundTripFunc is an http.RoundTripper calling itself.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// jsonIdempotent checks that what decodes into a new T re-encodes to JSON
// that decodes to the same value (compared by its encoding).
func jsonIdempotent[T any](t *testing.T, b []byte) {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return
	}
	out, err := json.Marshal(v)
	if err != nil {
		return // such as a message whose body is invalid: refused, not sent
	}
	var again T
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatalf("%T: %s re-encoded as %s, which does not decode: %v", v, b, out, err)
	}
	if out2, err := json.Marshal(again); err != nil || !bytes.Equal(out, out2) {
		t.Fatalf("%T: %s re-encoded as %s, then %s", v, b, out, out2)
	}
}

// FuzzDateAndMillis: dates and epoch milliseconds decode or error, and round-trip.
func FuzzDateAndMillis(f *testing.F) {
	for _, seed := range []string{`"1990-01-24"`, `"1990-01-24 10:00:00"`, `"1990-02-30"`, `1493794522950`, `"1493794522950"`, `-1`, `null`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		jsonIdempotent[Date](t, b)
		jsonIdempotent[Millis](t, b)
		// The round trip keeps the value, not only the encoding: an encoder
		// that wrote every value the same way would pass the check above.
		var d Date
		if json.Unmarshal(b, &d) == nil {
			if out, err := json.Marshal(d); err == nil {
				var again Date
				if err := json.Unmarshal(out, &again); err != nil || again != d {
					t.Fatalf("date %s decoded as %v, re-encoded as %s, read back as %v (%v)", b, d, out, again, err)
				}
			}
		}
		var m Millis
		if json.Unmarshal(b, &m) == nil {
			out, err := json.Marshal(m)
			if err != nil {
				t.Fatalf("millis %s decoded as %v does not encode: %v", b, m.Time, err)
			}
			var again Millis
			if err := json.Unmarshal(out, &again); err != nil || !again.Equal(m.Time) || again.IsZero() != m.IsZero() {
				t.Fatalf("millis %s decoded as %v, re-encoded as %s, read back as %v (%v)", b, m.Time, out, again.Time, err)
			}
		}
	})
}

// FuzzNumericRules: counts, pages and ids are accepted exactly within
// their bounds, and a refusal names the field.
func FuzzNumericRules(f *testing.F) {
	f.Add(0, 1, 500, int64(0))
	f.Add(500, 1, 500, int64(1))
	f.Add(501, 1, 500, int64(-1))
	f.Add(-1, 0, 0, int64(1<<62))
	f.Fuzz(func(t *testing.T, n, lo, hi int, id int64) {
		err := validateCount("items", n, lo, hi)
		if (err == nil) != (n >= lo && n <= hi) {
			t.Fatalf("count %d in [%d, %d]: %v", n, lo, hi, err)
		}
		var verr *ValidationError
		if err != nil && (!errors.As(err, &verr) || verr.Field != "items") {
			t.Fatalf("want a *ValidationError naming items, got %v", err)
		}
		if err := validateID("gid", id); (err == nil) != (id > 0) {
			t.Fatalf("id %d: %v", id, err)
		}
		if err := validatePage(n, lo, hi); err == nil && (n < 0 || lo < 1 || lo > hi) {
			t.Fatalf("page start %d count %d max %d accepted", n, lo, hi)
		}
	})
}
