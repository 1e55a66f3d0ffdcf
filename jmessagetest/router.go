package jmessagetest

import (
	"bytes"
	"cmp"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

// handler answers one operation. It runs with the server's lock held (the
// read lock for a route registered with handleRead: it changes nothing),
// on the authenticated app's state (c.app). It returns the success body
// (nil for none), answered with the route's status, or an error: an
// *apiError from fail, answered as the API's error envelope. The body is
// encoded after the lock is released: it must not share what the state
// goes on changing.
type handler func(c *call) (any, error)

// prepare does the part of an operation that reads no state (decoding and
// checking the body) before the lock is taken, and returns the handler
// that finishes it under the lock; the server's hot writes use it.
type prepare func(c *call) (handler, error)

// operation is what a route runs.
type operation struct {
	status  int     // the success status
	read    bool    // under the read lock
	prepare prepare // before the lock
}

// call is one request being answered.
type call struct {
	s    *Server
	st   *state    // set under the lock: Reset replaces it
	app  *appState // the app the request authenticated as
	r    *http.Request
	body []byte // the whole request body, read before the lock is taken
	// after runs once the lock is released and before the answer is
	// written, when the handler succeeded (routing a message).
	after []func()
}

// routes registers every area's operations. An area is a file with a
// routeX function registering its handlers.
func (s *Server) routes() {
	for _, area := range []func(*Server){
		routeUsers, routeMessages, routeMedia, routeSensitive, routeConfig,
		routeGroups, routeFriends, routeChatrooms, routeCross, routeHistory,
	} {
		area(s)
	}
	notFound := s.wrap(operation{status: http.StatusOK, read: true, prepare: func(c *call) (handler, error) {
		return nil, failStatus(http.StatusNotFound, jmessage.ErrInvalidParameter, "no such operation: %s %s", c.r.Method, c.r.URL.Path)
	}})
	s.mux.Handle("/", notFound)
	// Download URLs live under /media/{id...}; the mux would redirect a
	// bare /media.
	s.mux.Handle("/media", notFound)
}

// ServeHTTP answers one JMessage API request. A path with doubled slashes
// or dot segments (a vendor client builds /v1//users/...) is served as its
// clean form, never redirected: every answer is the API's JSON.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if escaped := r.URL.EscapedPath(); strings.Contains(escaped, "//") || strings.Contains(escaped, "/.") {
		clean := cleanPath(escaped)
		u := *r.URL
		if p, err := url.PathUnescape(clean); err == nil {
			u.Path, u.RawPath = p, clean
			r2 := *r
			r2.URL = &u
			r = &r2
		}
	}
	s.mux.ServeHTTP(w, r)
}

// cleanPath is path.Clean keeping a trailing slash.
func cleanPath(p string) string {
	c := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// handle registers h for pattern ("METHOD /path", Go ServeMux syntax with
// {wildcards}), answering status on success. The path is served with and
// without a trailing slash, as the real server does.
func (s *Server) handle(pattern string, status int, h handler) {
	s.register(pattern, operation{status: status, prepare: func(*call) (handler, error) { return h, nil }})
}

// handleRead is handle for a handler that changes nothing: it runs under
// the read lock, beside other reads.
func (s *Server) handleRead(pattern string, status int, h handler) {
	s.register(pattern, operation{status: status, read: true, prepare: func(*call) (handler, error) { return h, nil }})
}

// handlePrepared is handle for an operation that does its stateless part
// (p) before the lock.
func (s *Server) handlePrepared(pattern string, status int, p prepare) {
	s.register(pattern, operation{status: status, prepare: p})
}

// register serves op at pattern, with and without a trailing slash.
func (s *Server) register(pattern string, op operation) {
	method, path, _ := strings.Cut(pattern, " ")
	wrapped := s.wrap(op)
	trimmed := strings.TrimSuffix(path, "/")
	s.mux.Handle(method+" "+trimmed, wrapped)
	s.mux.Handle(method+" "+trimmed+"/{$}", wrapped)
}

// maxBodyBytes bounds a request body: an 8 MB upload plus its multipart framing.
const maxBodyBytes = rules.MaxUploadBytes + 64<<10

// wrap turns op into an http.Handler: rate limit, faults, authentication,
// body reading, then op, then the answer.
func (s *Server) wrap(op operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app, claimed, err := s.authenticate(r.Header.Get("Authorization"))
		if !s.admit(w, claimed) || s.applyFaults(w, r) {
			return
		}
		if err != nil {
			writeError(w, err)
			return
		}
		body, err := readBody(r)
		if err != nil {
			writeError(w, err)
			return
		}
		c := &call{s: s, app: app, r: r, body: body}
		buf, err := s.run(op, c)
		if err != nil {
			writeError(w, err)
			return
		}
		for _, f := range c.after {
			f()
		}
		if buf == nil {
			w.WriteHeader(op.status)
			return
		}
		writeJSON(w, op.status, buf)
	})
}

// run prepares op, runs its handler under the lock (released even if it
// panics), and encodes the answer after; nil means no body.
func (s *Server) run(op operation, c *call) ([]byte, error) {
	h, err := op.prepare(c)
	if err != nil {
		return nil, err
	}
	out, err := s.locked(op.read, func() (any, error) {
		c.st = s.st
		return h(c)
	})
	if err != nil || out == nil {
		return nil, err
	}
	if raw, ok := out.(json.RawMessage); ok {
		return raw, nil // encoded already, and never changed in place
	}
	return json.Marshal(out)
}

// locked runs f under the read lock (read) or the lock.
func (s *Server) locked(read bool, f func() (any, error)) (any, error) {
	if read {
		s.mu.RLock()
		defer s.mu.RUnlock()
	} else {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	return f()
}

// authenticate checks the Authorization header and returns its app. It
// also returns the app the header names, checked or not, for the rate
// window (the primary app when it names none the server knows). The header
// the SDK sends is found as it is; any other is decoded.
func (s *Server) authenticate(header string) (app, claimed *appState, err error) {
	reg := s.apps.Load()
	if app := reg.byHeader[header]; app != nil {
		return app, app, nil
	}
	scheme, enc, _ := strings.Cut(header, " ")
	raw, decErr := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	key, secret, ok := strings.Cut(string(raw), ":")
	claimed = cmp.Or(reg.byKey[key], reg.list[0])
	switch app = reg.byKey[key]; {
	case header == "":
		return nil, claimed, fail(jmessage.ErrMissingAuth, "Authorization header missing")
	case !ok || decErr != nil || !strings.EqualFold(scheme, "Basic") || app == nil ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(app.secret)) != 1:
		return nil, claimed, fail(jmessage.ErrAuthFailed, "Basic authentication failed")
	}
	return app, app, nil
}

// readBody reads the whole body. A GET must carry none (a vendor client's
// GETs failed for that), whatever its Content-Type says: the vendor
// clients send one on every request. A JSON body must say so in its
// Content-Type (decode checks).
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, fail(jmessage.ErrInvalidParameter, "reading the request body: %v", err)
	}
	if len(body) > maxBodyBytes {
		return nil, failStatus(http.StatusRequestEntityTooLarge, jmessage.ErrInvalidParameter, "request body larger than %d bytes", maxBodyBytes)
	}
	if r.Method == http.MethodGet && len(body) > 0 {
		return nil, fail(jmessage.ErrInvalidParameter, "a GET request must not carry a body")
	}
	return body, nil
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header()["Content-Type"] = []string{"application/json; charset=utf-8"}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers err: an *apiError as its status and envelope (or its
// own body), anything else as a 500 with code 899000.
func writeError(w http.ResponseWriter, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		e = &apiError{status: http.StatusInternalServerError, code: jmessage.ErrServerInternal, message: err.Error()}
	}
	body := e.body
	if body == nil {
		body = envelope{Error: envelopeBody{Code: e.code, Message: e.message}}
	}
	buf, mErr := json.Marshal(body)
	if mErr != nil {
		buf = []byte(`{"error":{"code":899000,"message":"server internal error"}}`)
	}
	for k, v := range e.header {
		w.Header()[k] = v
	}
	writeJSON(w, e.status, buf)
}

// envelope is the API's error body.
type envelope struct {
	Error envelopeBody `json:"error"`
}

type envelopeBody struct {
	Code    jmessage.ErrorCode `json:"code"`
	Message string             `json:"message"`
}

// apiError is an error answered to the client.
type apiError struct {
	status  int
	code    jmessage.ErrorCode
	message string
	header  http.Header
	body    any // answered instead of the envelope when set
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %d %s", e.status, e.code, e.message) }

// fail returns the error answering code, with the status the code has.
func fail(code jmessage.ErrorCode, format string, args ...any) error {
	return failStatus(statusOf(code), code, format, args...)
}

// failStatus returns the error answering status and code.
func failStatus(status int, code jmessage.ErrorCode, format string, args ...any) error {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// decode reads the JSON request body into v, strictly: a missing or
// malformed body, a wrong JSON type, an unknown key or trailing data is a
// 899003. Strictness keeps the SDK honest about the wire.
func (c *call) decode(v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return fail(jmessage.ErrInvalidParameter, "request body missing")
	}
	if ct := c.r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fail(jmessage.ErrInvalidParameter, "Content-Type must be application/json, not %q", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fail(jmessage.ErrInvalidParameter, "Request Body json 格式不符合要求: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fail(jmessage.ErrInvalidParameter, "Request Body json 格式不符合要求: data after the JSON value")
	}
	return nil
}

// noBody fails when the request carries a body the operation does not take.
func (c *call) noBody() error {
	if len(c.body) > 0 {
		return fail(jmessage.ErrInvalidParameter, "this operation takes no request body")
	}
	return nil
}

// now is the server's time.
func (c *call) now() time.Time { return c.s.Now() }

// username returns the {username} path value, checked against the username rule.
func (c *call) username() (string, error) { return c.pathUsername("username") }

func (c *call) pathUsername(name string) (string, error) {
	v := c.r.PathValue(name)
	return v, checkField(name, rules.Username(v))
}

// pathID returns the positive int64 path value name.
func (c *call) pathID(name string) (int64, error) {
	id, err := strconv.ParseInt(c.r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fail(jmessage.ErrInvalidParameter, "%s must be a positive integer", name)
	}
	return id, nil
}

// boolQuery reads a query parameter that must be one of two literals
// ("true"/"false" or "1"/"0") and reports whether it is the first. Case
// does not matter, as for the real API: the vendor's Python client sends
// Python's spelling of a bool, disable=True and status=False.
func (c *call) boolQuery(name, yes, no string) (bool, error) {
	v := c.r.URL.Query().Get(name)
	switch {
	case strings.EqualFold(v, yes):
		return true, nil
	case strings.EqualFold(v, no):
		return false, nil
	default:
		return false, fail(jmessage.ErrInvalidParameter, "query %s must be %s or %s, not %q", name, yes, no, v)
	}
}

// page reads the start and count query parameters of a paged list; count
// must be 1..maxCount.
func (c *call) page(maxCount int) (start, count int, err error) {
	q := c.r.URL.Query()
	start, err1 := strconv.Atoi(q.Get("start"))
	count, err2 := strconv.Atoi(q.Get("count"))
	if err1 != nil || start < 0 {
		return 0, 0, fail(jmessage.ErrInvalidParameter, "query start must be a non-negative integer")
	}
	if err2 != nil || count < 1 || count > maxCount {
		return 0, 0, fail(jmessage.ErrInvalidParameter, "query count must be 1..%d", maxCount)
	}
	return start, count, nil
}

// window returns the items of one page of all.
func window[T any](all []T, start, count int) []T {
	if start >= len(all) {
		return []T{}
	}
	return all[start:min(len(all), start+count)]
}

// pageOf is the answer of a paged list: total, start, count and the items
// under key.
func pageOf[T any](key string, all []T, start, count int) map[string]any {
	items := window(all, start, count)
	return map[string]any{"total": len(all), "start": start, "count": len(items), key: items}
}

// checkField turns a rule's verdict into a 899003 naming the field.
func checkField(field, reason string) error {
	if reason == "" {
		return nil
	}
	return fail(jmessage.ErrInvalidParameter, "%s %s", field, reason)
}

// checkIDs checks that every id of a list is positive (a 899003 naming
// field[i]), as the SDK does before sending.
func checkIDs(field string, ids []int64) error {
	for i, id := range ids {
		if id <= 0 {
			return fail(jmessage.ErrInvalidParameter, "%s[%d] must be positive", field, i)
		}
	}
	return nil
}

// checkUsernames applies the username rule to every name of a list.
func checkUsernames(field string, names []string) error {
	for _, n := range names {
		if err := checkField(field+" "+n, rules.Username(n)); err != nil {
			return err
		}
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// formatTime writes t as the API does: yyyy-MM-dd HH:mm:ss in China.
func formatTime(t time.Time) string { return t.In(jmessage.Shanghai()).Format(jmessage.TimeLayout) }
