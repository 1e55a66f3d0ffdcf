package jmessage

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
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
		err := decodeResponse(request{method: "POST", path: "/v1/users/", decodeAnyStatus: true}, fuzzResponse(status, body), &items)
		if err != nil {
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
		var id ID
		if err := json.Unmarshal(b, &id); err != nil {
			return
		}
		out, _ := json.Marshal(id)
		var again ID
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
