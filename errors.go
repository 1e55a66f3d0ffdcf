package jmessage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	// ErrInvalidArgument is wrapped by every *ValidationError: the call was
	// refused locally and nothing was sent.
	ErrInvalidArgument = errors.New("jmessage: invalid argument")
	// ErrMalformedResponse is matched by an *APIError whose body could not be
	// read as the API's JSON (an HTML page, an empty or truncated body, wrong
	// JSON types, or a body over 8 MiB), and by one for a success answer
	// that lacks the id the call exists for (a send without msg_id, a group
	// create without gid, a chatroom create without chatroom_id, an upload
	// without media_id, a download URL lookup without url), rather than a
	// zero id passed off as a result.
	ErrMalformedResponse = errors.New("jmessage: malformed response")
)

// APIError is an error answered by the server: any non-2xx status, an error
// object in a 2xx body, or a body that could not be decoded. It is also the
// error of a call the client held, unsent, because the server said the
// rate-limit window is spent for longer than RetryPolicy.MaxRetryAfter
// (HTTPStatus 0, Code ErrRateLimited, Response nil).
type APIError struct {
	// Method and Path name the call, such as "GET" "/v1/users/alice".
	Method, Path string
	// HTTPStatus is the response status code.
	HTTPStatus int
	// Code is the JMessage error code, or 0 when the body carried none.
	Code ErrorCode
	// Message is the server's message, or the HTTP status text.
	Message string
	// Excerpt is the start of a body that was not the error envelope (at most
	// 256 bytes), to tell an HTML proxy page from a truncated answer.
	Excerpt string
	// RetryAfter is how long the server asked the caller to wait, when it did
	// (Retry-After, or X-Rate-Limit-Reset on a 429). When it is longer than
	// RetryPolicy.MaxRetryAfter, the call was not retried and the error
	// matches ErrRateLimited whatever the status and the method.
	RetryAfter time.Duration
	// Err is the underlying cause: ErrMalformedResponse wrapping the decode
	// error when the body could not be read, else nil.
	Err error
	// Response is the full response (nil for a call the client held).
	Response *Response

	// overWait marks the error returned instead of a retry because the
	// server asked to wait longer than RetryPolicy.MaxRetryAfter.
	overWait bool
}

// Error names the call, the status, the code and the message; never headers
// or request bodies.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "jmessage: %s %s: %d", e.Method, e.Path, e.HTTPStatus)
	if e.Code != 0 {
		fmt.Fprintf(&b, " code %d", int(e.Code))
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether e matches target: an ErrorCode that e.Code is or
// that also matches e.Code (see ErrorCode: ErrUserExists matches 898001,
// ErrChatroomNotFound 850001…; ErrRateLimited also matches any 429),
// ErrNoDisturbConflict for a no-disturb conflict code, or an *APIError
// whose non-zero Code and HTTPStatus both match.
func (e *APIError) Is(target error) bool {
	switch t := target.(type) {
	case ErrorCode:
		if t == ErrRateLimited && (e.HTTPStatus == http.StatusTooManyRequests || e.overWait) {
			return true
		}
		return e.Code.matches(t)
	case *APIError:
		return (t.Code == 0 || t.Code == e.Code) && (t.HTTPStatus == 0 || t.HTTPStatus == e.HTTPStatus) &&
			(t.Code != 0 || t.HTTPStatus != 0)
	}
	return target == ErrNoDisturbConflict && e.Code.noDisturbConflict()
}

// TransportError is a failure to get any response: the connection failed,
// was reset, or an attempt timed out. errors.Is sees through it to
// context.Canceled, context.DeadlineExceeded and net errors.
type TransportError struct {
	// Method and Path name the call.
	Method, Path string
	// Err is the cause.
	Err error
}

// Error names the call and the cause.
func (e *TransportError) Error() string {
	return fmt.Sprintf("jmessage: %s %s: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// ValidationError reports an argument refused before any request was sent.
// It wraps ErrInvalidArgument.
type ValidationError struct {
	// Field names the argument, such as "users[3].nickname".
	Field string
	// Reason states the rule it broke, such as "must be at most 64 bytes".
	Reason string
}

// Error names the field and the rule, never the value.
func (e *ValidationError) Error() string {
	return "jmessage: invalid " + e.Field + ": " + e.Reason
}

// Unwrap returns ErrInvalidArgument.
func (e *ValidationError) Unwrap() error { return ErrInvalidArgument }

// errorEnvelope is the API's error body: {"error":{"code":N,"message":"..."}}.
type errorEnvelope struct {
	Error *errorBody `json:"error"`
}

type errorBody struct {
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
}

const excerptBytes = 256

// newAPIError builds the error for an error status, from the envelope when
// the body is one, else from the status and an excerpt of the body.
func newAPIError(method, path string, resp *Response) *APIError {
	e := &APIError{Method: method, Path: path, HTTPStatus: resp.StatusCode, Response: resp,
		RetryAfter: serverWait(resp.StatusCode, resp.Header)}
	var env errorEnvelope
	if err := json.Unmarshal(resp.RawBody, &env); err == nil && env.Error != nil && env.Error.Code != 0 {
		e.Code, e.Message = env.Error.Code, env.Error.Message
		return e
	}
	e.Message = http.StatusText(resp.StatusCode)
	e.Excerpt = excerpt(resp.RawBody)
	return e
}

// malformed builds the error for a 2xx body that could not be decoded.
func malformed(method, path string, resp *Response, cause error) *APIError {
	return &APIError{Method: method, Path: path, HTTPStatus: resp.StatusCode, Response: resp,
		Message: "undecodable response body", Excerpt: excerpt(resp.RawBody),
		Err: fmt.Errorf("%w: %w", ErrMalformedResponse, cause)}
}

// excerpt returns at most excerptBytes of body, cut on a rune boundary.
func excerpt(body []byte) string { return excerptN(body, excerptBytes) }

// excerptN returns at most n bytes of the start of body as valid UTF-8:
// invalid bytes become U+FFFD, and the cut falls on a rune boundary.
func excerptN(body []byte, n int) string {
	s := strings.ToValidUTF8(string(body[:min(len(body), n+utf8.UTFMax)]), "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// decodeResponse checks the status and decodes the body into out, or the
// error. Under a 2xx, an empty body is success for a call without a result
// (out nil), and any other body that is not JSON is malformed.
func decodeResponse(r request, resp *Response, out any) error {
	body := bytes.TrimSpace(resp.RawBody)
	if !success(resp.StatusCode) {
		return newAPIError(r.method, r.path, resp)
	}
	if len(body) > 0 && body[0] == '{' && bytes.Contains(body, []byte(`"error"`)) {
		if e := newAPIError(r.method, r.path, resp); e.Code != 0 {
			return e
		}
	}
	switch {
	case out == nil && (len(body) == 0 || json.Valid(body)):
		return nil
	case out == nil:
		return malformed(r.method, r.path, resp, errors.New("the body is not JSON"))
	case len(body) == 0:
		return malformed(r.method, r.path, resp, errors.New("empty body"))
	}
	if err := json.Unmarshal(body, out); err != nil {
		return malformed(r.method, r.path, resp, err)
	}
	return nil
}
