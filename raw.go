package jmessage

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// RawRequest is a call to an endpoint the SDK has no method for yet, for
// Client.Do.
type RawRequest struct {
	// Host is the host the call goes to: HostAPI (the zero value) or HostReport.
	Host Host
	// Method is GET, POST, PUT or DELETE.
	Method string
	// Path is the escaped path under the host's base URL, such as
	// "/v1/users/alice" (build it with url.PathEscape for each segment).
	Path string
	// Query is the query string, if any.
	Query url.Values
	// Body, when not nil, is sent JSON-encoded (never on a GET).
	Body any
}

// Do sends req through the client's one pipeline, as every method does:
// authenticated, retried by the rules of RetryPolicy for its method (a POST
// is a call that may reach the server only once, unless under
// RetryUnsafe), logged and redacted like the others, with the same errors
// (*APIError for an error status or an error object in a 2xx body,
// *TransportError, *ValidationError before anything is sent). The answer's
// JSON is decoded into out, a non-nil pointer, or checked and dropped when
// out is nil; resp.RawBody holds it either way.
func (c *Client) Do(ctx context.Context, req RawRequest, out any) (*Response, error) {
	r := request{report: req.Host == HostReport, method: req.Method, path: req.Path, query: req.Query, body: req.Body,
		invalid: validateRaw(req, out)}
	return c.do(ctx, r, out)
}

// validateRaw checks a RawRequest and its out argument.
func validateRaw(req RawRequest, out any) error {
	switch {
	case req.Host != HostAPI && req.Host != HostReport:
		return invalid("host", "must be HostAPI or HostReport")
	case req.Method != http.MethodGet && req.Method != http.MethodPost &&
		req.Method != http.MethodPut && req.Method != http.MethodDelete:
		return invalid("method", "must be GET, POST, PUT or DELETE")
	case !strings.HasPrefix(req.Path, "/") || strings.ContainsAny(req.Path, "?#") ||
		strings.IndexFunc(req.Path, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0:
		return invalid("path", "must start with / and hold no query, fragment, spaces or control characters")
	case out != nil && (reflect.ValueOf(out).Kind() != reflect.Pointer || reflect.ValueOf(out).IsNil()):
		return invalid("out", "must be a non-nil pointer or nil")
	}
	return nil
}
