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

// ErrorCode is a JMessage error code. The Err… constants below are
// ErrorCodes, and errors.Is(err, jmessage.ErrUserExists) reports whether err
// is an *APIError carrying that code.
type ErrorCode int

// Error describes the code.
func (c ErrorCode) Error() string {
	if text, ok := codeText[c]; ok {
		return fmt.Sprintf("jmessage: error %d (%s)", int(c), text)
	}
	return fmt.Sprintf("jmessage: error %d", int(c))
}

// Documented JMessage error codes, for use with errors.Is.
const (
	ErrServerInternal         ErrorCode = 899000 // server internal error
	ErrUserExists             ErrorCode = 899001 // user already exists
	ErrUserNotFound           ErrorCode = 899002 // user does not exist
	ErrInvalidParameter       ErrorCode = 899003 // the server rejected a parameter
	ErrGroupNotFound          ErrorCode = 899006 // group does not exist
	ErrMissingAuth            ErrorCode = 899007 // missing authentication
	ErrAuthFailed             ErrorCode = 899008 // Basic authentication failed
	ErrAppKeyNotFound         ErrorCode = 899009 // appkey does not exist
	ErrUserInGroup            ErrorCode = 899011 // user already in group
	ErrGroupFull              ErrorCode = 899012 // not enough room in group
	ErrTooManyUsers           ErrorCode = 899013 // more than 500 users in a register call
	ErrUserNotInGroup         ErrorCode = 899014 // user not in group
	ErrGroupLimitReached      ErrorCode = 899015 // user reached the group-count limit
	ErrSendForbidden          ErrorCode = 899016 // sender may not send messages
	ErrAlreadyBlacklisted     ErrorCode = 899017 // user already blacklisted
	ErrAdminNotBlacklistable  ErrorCode = 899018 // an admin cannot be blacklisted
	ErrNotBlacklisted         ErrorCode = 899019 // user not in blacklist
	ErrNoCrossAppPermission   ErrorCode = 899020 // no cross-app permission
	ErrCrossAppRequired       ErrorCode = 899021 // must use the cross-app API
	ErrServerBusy             ErrorCode = 899030 // server busy, retry later: retried, whatever the status, for calls that can be repeated
	ErrNoDisturbConflict      ErrorCode = 899043 // no-disturb state conflict: matches every code 899043–899050
	ErrNoDisturbGroupNotFound ErrorCode = 899051 // group does not exist (no-disturb)
	ErrGroupShieldAlreadyOn   ErrorCode = 899052 // group shield already on
	ErrGroupShieldAlreadyOff  ErrorCode = 899053 // group shield already off
	ErrAlreadyFriends         ErrorCode = 899070 // already friends
	ErrNotFriend              ErrorCode = 899071 // not a friend
	ErrChatroomNotFound       ErrorCode = 899081 // chatroom does not exist; also matches 850001 (chatroom delete's code)
	ErrUserNotInChatroom      ErrorCode = 899082 // user not in chatroom; also matches 853002 (chatroom update: new owner not a member)
	ErrRetractTooLate         ErrorCode = 855001 // retract: more than 3 minutes after sending
	ErrRetractNotSender       ErrorCode = 855002 // retract: not the sender
	ErrMessageNotFound        ErrorCode = 855003 // retract: no such message
	ErrAlreadyRetracted       ErrorCode = 855004 // retract: message already retracted
	// ErrRateLimited matches code 2002 and any HTTP 429 answer, including
	// the error returned when the server asks to wait longer than the retry
	// policy allows (see APIError.RetryAfter).
	ErrRateLimited ErrorCode = 2002
)

// The chatroom service's own codes (endpoints.json) for conditions that have
// a sentinel already: errors.Is matches them with that sentinel.
const (
	codeChatroomDeleteNotFound ErrorCode = 850001 // delete: the chatroom does not exist
	codeChatroomOwnerNotMember ErrorCode = 853002 // update: the new owner is not in the chatroom
)

var codeText = map[ErrorCode]string{
	ErrServerInternal: "server internal error", ErrUserExists: "user already exists",
	ErrUserNotFound: "user does not exist", ErrInvalidParameter: "parameter invalid",
	ErrGroupNotFound: "group does not exist", ErrMissingAuth: "missing authentication",
	ErrAuthFailed: "Basic authentication failed", ErrAppKeyNotFound: "appkey does not exist",
	ErrUserInGroup: "user already in group", ErrGroupFull: "not enough room in group",
	ErrTooManyUsers: "more than 500 users in a register call", ErrUserNotInGroup: "user not in group",
	ErrGroupLimitReached: "user reached the group-count limit", ErrSendForbidden: "sender may not send messages",
	ErrAlreadyBlacklisted: "already blacklisted", ErrAdminNotBlacklistable: "admin cannot be blacklisted",
	ErrNotBlacklisted: "not in blacklist", ErrNoCrossAppPermission: "no cross-app permission",
	ErrCrossAppRequired: "must use the cross-app API", ErrServerBusy: "server busy",
	ErrNoDisturbConflict: "no-disturb state conflict", ErrNoDisturbGroupNotFound: "group does not exist",
	ErrGroupShieldAlreadyOn: "group shield already on", ErrGroupShieldAlreadyOff: "group shield already off",
	ErrAlreadyFriends: "already friends", ErrNotFriend: "not a friend",
	ErrChatroomNotFound: "chatroom does not exist", ErrUserNotInChatroom: "user not in chatroom",
	ErrRetractTooLate: "retract period of 3 minutes is over", ErrRetractNotSender: "not the sender",
	ErrMessageNotFound: "message does not exist", ErrAlreadyRetracted: "message already retracted",
	ErrRateLimited: "rate limit exceeded",
}

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
// object in a 2xx body, or a body that could not be decoded.
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
	// matches ErrRateLimited whatever the status.
	RetryAfter time.Duration
	// Err is the underlying cause: ErrMalformedResponse wrapping the decode
	// error when the body could not be read, else nil.
	Err error
	// Response is the full response.
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

// Is reports whether e matches target: an ErrorCode equal to e.Code
// (ErrRateLimited also matches any 429; ErrNoDisturbConflict matches the
// range 899043–899050; ErrChatroomNotFound also matches 850001 and
// ErrUserNotInChatroom 853002, the chatroom service's own codes for the
// same conditions), or an *APIError whose non-zero Code and HTTPStatus both
// match.
func (e *APIError) Is(target error) bool {
	switch t := target.(type) {
	case ErrorCode:
		switch {
		case t == ErrRateLimited && (e.HTTPStatus == http.StatusTooManyRequests || e.overWait):
			return true
		case t == ErrNoDisturbConflict:
			return e.Code >= 899043 && e.Code <= 899050
		case t == ErrChatroomNotFound && e.Code == codeChatroomDeleteNotFound,
			t == ErrUserNotInChatroom && e.Code == codeChatroomOwnerNotMember:
			return true
		}
		return e.Code == t
	case *APIError:
		return (t.Code == 0 || t.Code == e.Code) && (t.HTTPStatus == 0 || t.HTTPStatus == e.HTTPStatus) &&
			(t.Code != 0 || t.HTTPStatus != 0)
	}
	return false
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

// nonEmptyArray reports whether body (trimmed) opens a JSON array holding
// something; json.Unmarshal decides whether it is a valid one.
func nonEmptyArray(body []byte) bool {
	return len(body) > 2 && body[0] == '[' && len(bytes.TrimSpace(body[1:len(body)-1])) > 0
}

// decodeResponse checks the status and decodes the body into out, or the error.
func decodeResponse(r request, resp *Response, out any) error {
	body := bytes.TrimSpace(resp.RawBody)
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if !ok {
		if r.decodeAnyStatus && out != nil && nonEmptyArray(body) && json.Unmarshal(body, out) == nil {
			return nil
		}
		return newAPIError(r.method, r.path, resp)
	}
	if len(body) > 0 && body[0] == '{' && bytes.Contains(body, []byte(`"error"`)) {
		if e := newAPIError(r.method, r.path, resp); e.Code != 0 {
			return e
		}
	}
	if out == nil {
		return nil
	}
	if len(body) == 0 {
		return malformed(r.method, r.path, resp, errors.New("empty body"))
	}
	if err := json.Unmarshal(body, out); err != nil {
		return malformed(r.method, r.path, resp, err)
	}
	return nil
}
