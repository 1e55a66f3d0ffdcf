package jmessage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"reflect"
	"strings"
	"time"
)

const (
	// DefaultBaseURL is the JMessage IM REST API endpoint.
	DefaultBaseURL = "https://api.im.jpush.cn"
	// DefaultTimeout bounds one attempt of one request when WithTimeout is not given.
	DefaultTimeout = 30 * time.Second
	// Version is this SDK's version, sent in the User-Agent header.
	Version = "0.1.0"

	// maxResponseBytes caps how much of a response body is read; a larger body is an error.
	maxResponseBytes = 8 << 20
	// idleConnsPerHost keeps enough idle connections for concurrent callers
	// (Go's default of 2 halves throughput at 64 goroutines).
	idleConnsPerHost = 256
)

// Client talks to the JMessage REST API. Create it with New. A Client is
// immutable after New and safe for concurrent use by many goroutines.
type Client struct {
	cfg    *config      // a pointer, so that printing a Client value shows no credentials
	hc     *http.Client // the one HTTP client every request goes through
	common service

	// Users manages users, admins, blacklists, no-disturb and online status.
	Users *UsersService
	// Messages sends and retracts messages.
	Messages *MessagesService
	// Resources uploads media and resolves media ids to download URLs.
	Resources *ResourcesService
	// Groups manages groups, their members, shields and silence.
	Groups *GroupsService
	// Friends manages users' friends and friend notes.
	Friends *FriendsService
	// Cross manages users, groups and chatrooms across apps.
	Cross *CrossService
	// SensitiveWords manages the sensitive-word filter.
	SensitiveWords *SensitiveWordsService
	// Chatrooms manages chatrooms and their members.
	Chatrooms *ChatroomsService
	// Config manages app-wide settings.
	Config *ConfigService
}

// service is embedded (by pointer conversion) in every API area's service type.
type service struct{ client *Client }

// config collects what the options set.
type config struct {
	baseURL       *url.URL
	creds         *credentials // a pointer, so that printing a config shows no credentials
	httpClient    *http.Client
	transport     http.RoundTripper
	timeout       time.Duration
	userAgent     string
	logger        *slog.Logger
	retry         RetryPolicy
	allowInsecure bool
	logBodies     bool
	noRetries     bool // WithoutRetries was given
	retrySet      bool // WithRetryPolicy was given: it wins over WithoutRetries

	// Computed once by New for every request.
	base            string   // baseURL without a trailing slash
	headerUserAgent []string // User-Agent value
}

// Option configures a Client in New. Options validate their arguments and
// the order in which they are given never matters.
type Option func(*config) error

// WithBaseURL points the client at another endpoint, such as a private
// deployment or a jmessagetest server. Plain http:// is accepted only for
// loopback hosts unless WithInsecureHTTP is also given.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := url.Parse(strings.TrimRight(rawURL, "/"))
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return &ValidationError{Field: "baseURL", Reason: "must be an absolute http(s) URL"}
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return &ValidationError{Field: "baseURL", Reason: "must not carry user info, query or fragment"}
		}
		c.baseURL = u
		return nil
	}
}

// WithInsecureHTTP allows a plain http:// base URL to a host that is not
// loopback. The master secret then crosses the network in clear text: use it
// only inside a trusted network.
func WithInsecureHTTP() Option {
	return func(c *config) error { c.allowInsecure = true; return nil }
}

// WithHTTPClient sends requests through a copy of hc (hc itself is never
// modified). Its Transport is kept. Its redirect policy is replaced, since
// the API never redirects and a redirect would carry the credentials; its
// cookie jar is dropped; its Timeout is replaced by the per-attempt timeout
// (WithTimeout, else DefaultTimeout).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return &ValidationError{Field: "httpClient", Reason: "must not be nil"}
		}
		cp := *hc
		c.httpClient = &cp
		return nil
	}
}

// WithTransport sends requests through rt, for instance a tracing or mock
// transport. It takes precedence over the transport of WithHTTPClient.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		if rt == nil {
			return &ValidationError{Field: "transport", Reason: "must not be nil"}
		}
		c.transport = rt
		return nil
	}
}

// WithTimeout bounds each attempt of a request (connection, headers and
// the whole body). The default is DefaultTimeout. It does not bound the
// call: a call may make RetryPolicy.MaxAttempts attempts with waits between
// them; a context deadline bounds the whole call, retries and waits
// included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return &ValidationError{Field: "timeout", Reason: "must be positive"}
		}
		c.timeout = d
		return nil
	}
}

// WithUserAgent appends product (such as "my-service/1.2") to the SDK's
// User-Agent header.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if strings.ContainsAny(product, "\r\n") {
			return &ValidationError{Field: "userAgent", Reason: "must not contain line breaks"}
		}
		c.userAgent = "jmessage-go/" + Version + " " + strings.TrimSpace(product)
		return nil
	}
}

// WithLogger logs each call (method, path, status, duration, attempts,
// error) at debug level, and each retry (attempt, status, wait) at debug
// level too. Credentials and passwords are never logged, nor are bodies
// unless WithDebugBodies is given. The default logger discards everything;
// a logger whose handler is not enabled for debug costs a call nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return &ValidationError{Field: "logger", Reason: "must not be nil"}
		}
		c.logger = l
		return nil
	}
}

// WithDebugBodies also logs request and response bodies (the first 4 KiB)
// in the debug line of each call, with passwords redacted. Use it while
// debugging only: bodies hold users' data.
func WithDebugBodies() Option {
	return func(c *config) error { c.logBodies = true; return nil }
}

// New returns a client for the app identified by appKey, authenticated with
// its masterSecret. appKey must be 24 letters or digits and masterSecret
// must not be empty.
func New(appKey, masterSecret string, opts ...Option) (*Client, error) {
	if err := validateAppKey("appKey", appKey); err != nil {
		return nil, err
	}
	if masterSecret == "" {
		return nil, &ValidationError{Field: "masterSecret", Reason: "must not be empty"}
	}
	cfg := config{
		creds:     newCredentials(appKey, masterSecret),
		timeout:   DefaultTimeout,
		userAgent: "jmessage-go/" + Version,
		logger:    slog.New(slog.DiscardHandler),
		retry:     DefaultRetryPolicy(),
	}
	if err := WithBaseURL(DefaultBaseURL)(&cfg); err != nil {
		return nil, err
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.noRetries && !cfg.retrySet {
		cfg.retry.MaxAttempts = 1
	}
	if cfg.baseURL.Scheme == "http" && !cfg.allowInsecure && !isLoopback(cfg.baseURL.Hostname()) {
		return nil, &ValidationError{Field: "baseURL", Reason: "plain http to a non-loopback host needs WithInsecureHTTP"}
	}

	cfg.base = cfg.baseURL.String()
	cfg.headerUserAgent = []string{cfg.userAgent}
	c := &Client{cfg: &cfg, hc: newHTTPClient(&cfg)}
	c.common.client = c
	c.Users = (*UsersService)(&c.common)
	c.Messages = (*MessagesService)(&c.common)
	c.Resources = (*ResourcesService)(&c.common)
	c.Groups = (*GroupsService)(&c.common)
	c.Friends = (*FriendsService)(&c.common)
	c.Cross = (*CrossService)(&c.common)
	c.SensitiveWords = (*SensitiveWordsService)(&c.common)
	c.Chatrooms = (*ChatroomsService)(&c.common)
	c.Config = (*ConfigService)(&c.common)
	return c, nil
}

// newHTTPClient builds the one HTTP client every request goes through: a
// copy of the caller's (never the caller's itself) or a new one over a tuned
// transport, without cookie jar, with the per-attempt timeout, refusing
// redirects.
func newHTTPClient(cfg *config) *http.Client {
	hc := cfg.httpClient
	if hc == nil {
		hc = &http.Client{}
	}
	switch {
	case cfg.transport != nil:
		hc.Transport = cfg.transport
	case hc.Transport == nil:
		hc.Transport = tunedTransport()
	}
	hc.Jar = nil
	hc.Timeout = cfg.timeout
	// The API never redirects, and a followed redirect would carry the
	// credentials elsewhere: a 3xx comes back as an *APIError.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return hc
}

// tunedTransport is Go's default transport with enough idle connections per
// host for concurrent callers.
func tunedTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = idleConnsPerHost
	t.MaxIdleConnsPerHost = idleConnsPerHost
	return t
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String describes the client without its credentials.
func (c *Client) String() string {
	return fmt.Sprintf("jmessage.Client{appKey: %s, baseURL: %s, masterSecret: %s}",
		c.cfg.creds.appKey, c.cfg.baseURL, redacted)
}

// GoString is String, so that %#v never prints the credentials.
func (c *Client) GoString() string { return c.String() }

// Format prints the client with every verb (%v, %+v, %#v, %s) as String does.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue keeps the credentials out of slog output.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// CloseIdleConnections closes the idle keep-alive connections of the
// client's transport, for instance before a program or test ends.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// AppKey returns the app key the client authenticates with.
func (c *Client) AppKey() string { return c.cfg.creds.appKey }

// BaseURL returns the endpoint the client sends requests to.
func (c *Client) BaseURL() string { return c.cfg.baseURL.String() }

// Response is the HTTP response to a call. It is returned whenever a
// response arrived, with or without an error.
type Response struct {
	*http.Response

	// RawBody is the response body as read (at most 8 MiB). Its Body field
	// (from http.Response) is already consumed and closed.
	RawBody []byte
	// RateLimit holds the X-Rate-Limit-* headers when the server sent them.
	RateLimit RateLimit
	// Attempts is how many times the request was sent, retries included.
	Attempts int
}

// RateLimit is the rate-limit state the server reported with a response.
type RateLimit struct {
	// Limit is the number of requests allowed per window
	// (X-Rate-Limit-Limit or X-Rate-Limit-Quota).
	Limit int
	// Remaining is how many requests are left in this window (X-Rate-Limit-Remaining).
	Remaining int
	// Reset is how long until the window resets (X-Rate-Limit-Reset, in seconds).
	Reset time.Duration
	// Present reports whether the server sent any of these headers.
	Present bool
}

// request describes one API call: everything that differs between methods.
type request struct {
	method string
	path   string
	query  url.Values
	body   any
	// invalid is the validation error of the call's arguments, if any; the
	// pipeline returns it before anything is sent.
	invalid error
	// decodeAnyStatus makes a JSON body of the result's shape count as the
	// answer even under an error status (register's per-item results).
	decodeAnyStatus bool
	// upload, when set, is sent as a multipart form instead of a JSON body.
	upload *upload
	// noRetry sends the request once whatever the policy (a body that
	// cannot be replayed).
	noRetry bool
}

// upload is one file of a multipart form.
type upload struct {
	field, filename string
	content         io.Reader
}

// validator is implemented by request bodies that check their own fields.
type validator interface{ validate() error }

// call runs r and decodes the answer into a new T.
func call[T any](ctx context.Context, c *Client, r request) (*T, *Response, error) {
	out := new(T)
	resp, err := c.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// Header values shared by every request, as are the client's Authorization
// and User-Agent values. A RoundTripper must not modify a request (the
// http.RoundTripper contract); one that appends to a value anyway gets a
// copy, since each slice has len == cap.
var (
	headerAccept      = []string{"application/json"}
	headerContentJSON = []string{"application/json; charset=utf-8"}
)

// do is the one request pipeline: validate, encode, send (with retries),
// check the status, and decode the result into out (if not nil) or the
// error.
func (c *Client) do(ctx context.Context, r request, out any) (*Response, error) {
	if r.invalid != nil {
		return nil, r.invalid
	}
	if v, ok := r.body.(validator); ok {
		if err := v.validate(); err != nil {
			return nil, err
		}
	}
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Reason: "must not be nil"}
	}
	enc, err := c.encode(r)
	if err != nil {
		return nil, err
	}

	logging := c.cfg.logger.Enabled(ctx, slog.LevelDebug)
	var start time.Time
	if logging {
		start = time.Now()
	}
	resp, err := c.send(ctx, r, &enc)
	if err == nil {
		err = decodeResponse(r, resp, out)
	}
	if logging {
		c.logCall(ctx, r, resp, time.Since(start), err)
	}
	return resp, err
}

// encoded is a request ready to be sent, as often as the retry policy says.
type encoded struct {
	url         string
	body        []byte   // nil: no body
	contentType []string // the body's Content-Type
}

// encode builds the URL and the body of r once for all attempts.
func (c *Client) encode(r request) (encoded, error) {
	e := encoded{url: c.cfg.base + r.path}
	if len(r.query) > 0 {
		e.url += "?" + r.query.Encode()
	}
	switch {
	case r.method == http.MethodGet || r.method == http.MethodHead:
		// Never a body on GET (WIRE-NOTES: a vendor client had GETs fail for it).
	case r.upload != nil:
		body, contentType, err := r.upload.encode()
		if err != nil {
			return e, fmt.Errorf("jmessage: %s %s: building the upload: %w", r.method, r.path, err)
		}
		e.body, e.contentType = body, []string{contentType}
	case r.body != nil:
		body, err := marshalBody(r.body)
		if err != nil {
			return e, fmt.Errorf("jmessage: %s %s: encoding the body: %w", r.method, r.path, err)
		}
		e.body, e.contentType = body, headerContentJSON
	}
	return e, nil
}

// marshalBody encodes a request body as JSON. A body that marshals itself
// (such as Message) is trusted to return valid, compact JSON, as the SDK's
// own MarshalJSON methods do (they build it with json.Marshal): calling it
// directly spares json.Marshal's second pass that re-validates and compacts
// the whole output.
func marshalBody(body any) ([]byte, error) {
	if m, ok := body.(json.Marshaler); ok {
		if v := reflect.ValueOf(body); v.Kind() != reflect.Pointer || !v.IsNil() {
			return m.MarshalJSON()
		}
	}
	return json.Marshal(body)
}

// encode writes the upload as a multipart form, in memory, so that nothing
// is sent when its content cannot be read; the part's Content-Type is
// sniffed from the content.
func (u *upload) encode() ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	head := make([]byte, 512)
	n, err := io.ReadFull(u.content, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, "", err
	}
	head = head[:n]
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`,
		quoteEscaper.Replace(u.field), quoteEscaper.Replace(u.filename)))
	h.Set("Content-Type", http.DetectContentType(head))
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(head); err != nil {
		return nil, "", err
	}
	if _, err := io.Copy(part, u.content); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// send makes the attempts the retry policy allows and returns the last
// response, or the error that ended the call.
func (c *Client) send(ctx context.Context, r request, e *encoded) (*Response, error) {
	maxAttempts := c.cfg.retry.MaxAttempts
	if r.noRetry {
		maxAttempts = 1
	}
	for attempt := 1; ; attempt++ {
		resp, err := c.attempt(ctx, r.method, e)
		if resp != nil {
			resp.Attempts = attempt
		}
		if attempt >= maxAttempts || !c.shouldRetry(ctx, r.method, resp, err) {
			return c.finish(ctx, r, resp, err, attempt)
		}
		wait, asked := c.retryWait(resp, err, attempt)
		if asked > c.cfg.retry.MaxRetryAfter {
			apiErr := newAPIError(r.method, r.path, resp)
			apiErr.RetryAfter, apiErr.overWait = asked, true
			return resp, apiErr
		}
		c.logRetry(ctx, r, resp, err, attempt, wait)
		if ctxErr := sleep(ctx, wait); ctxErr != nil {
			last := err
			if last == nil {
				last = newAPIError(r.method, r.path, resp)
			}
			if resp == nil {
				resp = &Response{Attempts: attempt}
			}
			return resp, &TransportError{Method: r.method, Path: r.path,
				Err: fmt.Errorf("%w while waiting to retry after: %w", ctxErr, last)}
		}
	}
}

// sleep waits for d or until ctx ends, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errBodyTooLarge ends reading a response body over maxResponseBytes.
var errBodyTooLarge = errors.New("response body larger than 8 MiB")

// attempt sends the request once and reads the whole answer. It returns a
// nil Response when no answer arrived, and a Response with an error when
// the body could not be read.
func (c *Client) attempt(ctx context.Context, method string, e *encoded) (*Response, error) {
	var body io.Reader
	if e.body != nil {
		body = bytes.NewReader(e.body)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.url, body)
	if err != nil {
		return nil, err
	}
	h := make(http.Header, 4)
	h["Authorization"] = c.cfg.creds.authorization()
	h["User-Agent"] = c.cfg.headerUserAgent
	h["Accept"] = headerAccept
	if e.contentType != nil {
		h["Content-Type"] = e.contentType
	}
	req.Header = h

	hr, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	raw, err := readBody(hr.Body, hr.ContentLength)
	_ = hr.Body.Close()
	resp := &Response{Response: hr, RawBody: raw}
	resp.RateLimit = parseRateLimit(hr.Header)
	return resp, err
}

// readBody reads r to its end, at most maxResponseBytes of it, in one
// allocation when the length is known.
func readBody(r io.Reader, length int64) ([]byte, error) {
	size := 512
	if length >= 0 && length < maxResponseBytes {
		size = int(length) + 1 // +1: room to see the end without growing
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > maxResponseBytes {
			return nil, errBodyTooLarge
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// finish turns the last attempt's outcome into what the caller sees.
func (c *Client) finish(ctx context.Context, r request, resp *Response, err error, attempts int) (*Response, error) {
	if err == nil {
		return resp, nil
	}
	if resp == nil {
		resp = &Response{Attempts: attempts}
	}
	if errors.Is(err, errBodyTooLarge) {
		return resp, &APIError{Method: r.method, Path: r.path, HTTPStatus: statusOf(resp), Response: resp,
			Message: "response body larger than 8 MiB", Err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w: %w", ctxErr, err)
	}
	return resp, &TransportError{Method: r.method, Path: r.path, Err: err}
}

func statusOf(resp *Response) int {
	if resp == nil || resp.Response == nil {
		return 0
	}
	return resp.StatusCode
}

// logCall logs one call at debug level; the caller checked that it is enabled.
func (c *Client) logCall(ctx context.Context, r request, resp *Response, d time.Duration, err error) {
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("method", r.method),
		slog.String("path", r.path),
		slog.Int("status", statusOf(resp)),
		slog.Duration("duration", d),
	)
	if resp != nil {
		attrs = append(attrs, slog.Int("attempts", resp.Attempts))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	if c.cfg.logBodies {
		if r.body != nil {
			attrs = append(attrs, slog.String("request_body", redactBody(r.body)))
		}
		if resp != nil {
			attrs = append(attrs, slog.String("response_body", excerptN(resp.RawBody, 4<<10)))
		}
	}
	c.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "jmessage request", attrs...)
}

// logRetry logs, at debug level, that an attempt failed and another follows.
func (c *Client) logRetry(ctx context.Context, r request, resp *Response, err error, attempt int, wait time.Duration) {
	if !c.cfg.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.method), slog.String("path", r.path), slog.Int("attempt", attempt),
		slog.Int("status", statusOf(resp)), slog.Duration("wait", wait),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "jmessage retry", attrs...)
}
