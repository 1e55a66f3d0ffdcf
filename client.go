package jmessage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

const (
	// DefaultBaseURL is the JMessage IM REST API endpoint.
	DefaultBaseURL = "https://api.im.jpush.cn"
	// DefaultReportBaseURL is the endpoint of message history and
	// statistics (the Report API v2), a host of its own.
	DefaultReportBaseURL = "https://report.im.jpush.cn/v2"
	// DefaultTimeout bounds one attempt of one request when WithTimeout is not given.
	DefaultTimeout = 30 * time.Second
	// Version is this SDK's version: the newest entry of CHANGELOG.md, and
	// the User-Agent's "jmessage-go/<Version>".
	Version = "0.1.0"
	// baseUserAgent is the User-Agent header before WithUserAgent's product.
	baseUserAgent = "jmessage-go/" + Version

	// maxResponseBytes caps how much of a response body is read; a larger body is an error.
	maxResponseBytes = 8 << 20
	// idleConnsPerHost keeps enough idle connections for concurrent callers
	// (Go's default of 2 halves throughput at 64 goroutines).
	idleConnsPerHost = 256
)

// Client talks to the JMessage REST API. Create it with New. A Client is
// immutable after New and safe for concurrent use by many goroutines.
type Client struct {
	cfg     *config         // a pointer, so that printing a Client value shows no credentials
	rest    *resty.Client   // the one HTTP pipeline every request goes through; never exposed
	policy  RetryPolicy     // WithRetryPolicy, WithoutRetries or DefaultRetryPolicy
	timeout *attemptTimeout // the per-attempt timeout the client applies; nil: the http.Client's own
	gates   [2]*rateGate    // per host (API, report): hold calls while its window is spent; nil: WithoutRateLimitHold
	common  service

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
	// History reads message history (on the report host).
	History *HistoryService
	// Stats reads user, message and group statistics (on the report host).
	Stats *StatsService
}

// service is embedded (by pointer conversion) in every API area's service type.
type service struct{ client *Client }

// config collects what the options set, and nothing derived from it.
type config struct {
	baseURL         string       // the API host's base URL, without a trailing slash
	reportBase      string       // the report host's base URL, without a trailing slash
	creds           *credentials // a pointer, so that printing a config shows no credentials
	httpClient      *http.Client
	transport       http.RoundTripper
	timeout         time.Duration // 0: not given
	userAgent       []string      // the User-Agent header's value
	logger          *slog.Logger
	retry           *RetryPolicy // WithRetryPolicy; it wins over noRetries
	noRetries       bool         // WithoutRetries
	noRateLimitHold bool         // WithoutRateLimitHold
	allowInsecure   bool
	logBodies       bool
}

// Option configures a Client in New. Options validate their arguments and
// the order in which they are given never matters.
type Option func(*config) error

// WithBaseURL points the client at another endpoint, such as a private
// deployment or a jmessagetest server. Plain http:// is accepted only for
// loopback hosts unless WithInsecureHTTP is also given.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		base, err := checkBaseURL("baseURL", rawURL)
		c.baseURL = base
		return err
	}
}

// WithReportBaseURL points message history and statistics (HistoryService,
// StatsService) at another endpoint than DefaultReportBaseURL, such as a
// jmessagetest server (its URL followed by "/v2"). The same rule as
// WithBaseURL holds for plain http://. Nothing else about the client
// changes: the report host gets the same credentials, retries and logging.
func WithReportBaseURL(rawURL string) Option {
	return func(c *config) error {
		base, err := checkBaseURL("reportBaseURL", rawURL)
		c.reportBase = base
		return err
	}
}

// checkBaseURL returns rawURL without a trailing slash when it is an
// absolute http(s) URL without user info, query or fragment.
func checkBaseURL(field, rawURL string) (string, error) {
	base := strings.TrimRight(rawURL, "/")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", &ValidationError{Field: field, Reason: "must be an absolute http(s) URL"}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", &ValidationError{Field: field, Reason: "must not carry user info, query or fragment"}
	}
	return base, nil
}

// checkSecure refuses a plain http:// base URL to a host that is not
// loopback unless allowInsecure (WithInsecureHTTP).
func checkSecure(field, base string, allowInsecure bool) error {
	u, err := url.Parse(base) // checked by checkBaseURL
	if err == nil && u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()) {
		return &ValidationError{Field: field, Reason: "plain http to a non-loopback host needs WithInsecureHTTP"}
	}
	return nil
}

// WithInsecureHTTP allows a plain http:// base URL to a host that is not
// loopback. The master secret then crosses the network in clear text: use it
// only inside a trusted network.
func WithInsecureHTTP() Option {
	return func(c *config) error { c.allowInsecure = true; return nil }
}

// WithHTTPClient sends requests through a copy of hc (hc itself is never
// modified). Its Transport is kept, and so is its Timeout unless WithTimeout
// is given (then WithTimeout bounds each attempt instead); without either,
// DefaultTimeout bounds each attempt. Its redirect policy is replaced,
// since the API never redirects and a redirect would carry the
// credentials; its cookie jar is dropped.
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
// the whole body). The default is DefaultTimeout, or the Timeout of the
// http.Client given to WithHTTPClient. It does not bound the call: a call
// may make RetryPolicy.MaxAttempts attempts with waits between them; a
// context deadline bounds the whole call, retries and waits included. An
// attempt that runs out is retried as a transport error; the last one is
// a *TransportError whose cause is a net.Error with Timeout() true, not
// context.DeadlineExceeded (which says the call's context ended).
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
// User-Agent header. A product that is empty or only spaces appends
// nothing; one with line breaks or other control characters, which no
// header may carry, is refused.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if strings.IndexFunc(product, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0 {
			return &ValidationError{Field: "userAgent", Reason: "must not contain line breaks or control characters"}
		}
		ua := baseUserAgent
		if product = strings.TrimSpace(product); product != "" {
			ua += " " + product
		}
		c.userAgent = []string{ua}
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
		baseURL:    DefaultBaseURL,
		reportBase: DefaultReportBaseURL,
		creds:      newCredentials(appKey, masterSecret),
		userAgent:  []string{baseUserAgent},
		logger:     slog.New(slog.DiscardHandler),
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if err := firstError(checkSecure("baseURL", cfg.baseURL, cfg.allowInsecure),
		checkSecure("reportBaseURL", cfg.reportBase, cfg.allowInsecure)); err != nil {
		return nil, err
	}
	c := &Client{cfg: &cfg, policy: DefaultRetryPolicy()}
	switch {
	case cfg.retry != nil:
		c.policy = *cfg.retry
	case cfg.noRetries:
		c.policy.MaxAttempts = 1
	}
	if d := attemptTimeoutOf(&cfg); d > 0 {
		c.timeout = &attemptTimeout{d: d}
	}
	if !cfg.noRateLimitHold {
		c.gates = [2]*rateGate{new(rateGate), new(rateGate)}
	}
	c.rest = newRestClient(&cfg)
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
	c.History = (*HistoryService)(&c.common)
	c.Stats = (*StatsService)(&c.common)
	return c, nil
}

// attemptTimeoutOf is the per-attempt timeout the client applies itself:
// WithTimeout, else none when the http.Client of WithHTTPClient has a
// Timeout of its own (which then bounds each attempt), else DefaultTimeout.
func attemptTimeoutOf(cfg *config) time.Duration {
	switch {
	case cfg.timeout > 0:
		return cfg.timeout
	case cfg.httpClient != nil && cfg.httpClient.Timeout > 0:
		return 0
	}
	return DefaultTimeout
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
func (c *Client) CloseIdleConnections() { c.rest.GetClient().CloseIdleConnections() }

// AppKey returns the app key the client authenticates with.
func (c *Client) AppKey() string { return c.cfg.creds.appKey }

// BaseURL returns the endpoint the client sends requests to.
func (c *Client) BaseURL() string { return c.cfg.baseURL }

// ReportBaseURL returns the endpoint of message history and statistics.
func (c *Client) ReportBaseURL() string { return c.cfg.reportBase }

// Response is the HTTP response to a call. It is returned, with or without
// an error, for every call that was sent; it is nil only when nothing was
// sent (a *ValidationError, a body that could not be encoded, a call the
// client held because the rate-limit window is spent).
//
// Its embedded *http.Response is set exactly when the error is not a
// *TransportError: a success or an *APIError comes with the answer, a
// *TransportError (no complete answer to the last attempt, or the context
// ended during a wait) with only Attempts set. When the context ended
// while waiting to retry after an answer, that answer is the Response of
// the *APIError the *TransportError wraps (errors.As).
type Response struct {
	*http.Response

	// RawBody is the response body as read (at most 8 MiB), with every
	// secret the request carried (the master secret, passwords) replaced
	// by [REDACTED]. Its Body field (from http.Response) is already
	// consumed and closed.
	RawBody []byte
	// RateLimit holds the X-Rate-Limit-* headers when the server sent them.
	RateLimit RateLimit
	// Attempts is how many attempts the call made, the first included: an
	// attempt whose connection never opened counts, though nothing reached
	// the server, and so does every resend Go's transport made by itself.
	Attempts int
}

// Host names one of the API's two hosts, for Client.Do.
type Host uint8

const (
	// HostAPI is the IM REST API (DefaultBaseURL, or WithBaseURL).
	HostAPI Host = iota
	// HostReport is message history and statistics (DefaultReportBaseURL,
	// or WithReportBaseURL).
	HostReport
)

// request describes one API call: everything that differs between methods.
type request struct {
	method string
	path   string
	query  url.Values
	body   any
	// invalid is the validation error of the call's arguments, if any; the
	// pipeline returns it before anything is sent.
	invalid error
	// upload, when set, is sent as a multipart form instead of a JSON body.
	upload *upload
	// readOnly marks a POST that only reads (a batch get): it is retried
	// like a GET, since repeating it changes nothing.
	readOnly bool
	// report sends the call to the report host (WithReportBaseURL); path
	// is then relative to it, such as "/messages".
	report bool
}

// upload is one file of a multipart form, its content already read.
type upload struct {
	field, filename string
	content         []byte
}

// call runs r and decodes the answer into a new T.
func call[T any](ctx context.Context, c *Client, r request) (*T, *Response, error) {
	out := new(T)
	resp, err := c.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// callSlice runs r and decodes a JSON array answer.
func callSlice[T any](ctx context.Context, c *Client, r request) ([]T, *Response, error) {
	out, resp, err := call[[]T](ctx, c, r)
	if err != nil {
		return nil, resp, err
	}
	return *out, resp, nil
}

// callRequiring runs r as call does, and turns a 2xx answer that lacks what
// the caller needs (has reports false: no msg_id, no gid, no url…) into an
// *APIError matching ErrMalformedResponse, rather than a zero id.
func callRequiring[T any](ctx context.Context, c *Client, r request, field string, has func(*T) bool) (*T, *Response, error) {
	out, resp, err := call[T](ctx, c, r)
	if err == nil && !has(out) {
		return nil, resp, answerLacks(r, resp, field)
	}
	return out, resp, err
}

// answerLacks is the error for a 2xx answer of r without field.
func answerLacks(r request, resp *Response, field string) error {
	return malformed(r.method, r.path, resp, errors.New("no "+field+" in the answer"))
}

// Header values shared by every request, as are the client's Authorization
// and User-Agent values. resty clones the request's headers into the
// http.Request it sends, so neither resty nor a RoundTripper ever holds
// these slices themselves.
var (
	headerAccept      = []string{"application/json"}
	headerContentJSON = []string{"application/json; charset=utf-8"}
)

// do is the one request pipeline: validate, encode, send (with retries:
// send, attempt), check the status, and decode the result into out (if not
// nil) or the error.
func (c *Client) do(ctx context.Context, r request, out any) (*Response, error) {
	if r.invalid != nil {
		return nil, r.invalid
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
	a, attempts := c.send(ctx, r, enc)
	resp, err := c.outcome(ctx, r, a, attempts)
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
	passwords   [][]byte // the passwords body carries, scrubbed from every answer
}

// encode builds the URL and the body of r once for all attempts.
func (c *Client) encode(r request) (encoded, error) {
	base := c.cfg.baseURL
	if r.report {
		base = c.cfg.reportBase
	}
	e := encoded{url: base + r.path}
	if len(r.query) > 0 {
		// A space goes out as %20, not as Encode's "+" (the report host
		// asks for %20; a literal "+" is already %2B, so this is safe).
		e.url += "?" + strings.ReplaceAll(r.query.Encode(), "+", "%20")
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
		e.body, e.contentType, e.passwords = body, headerContentJSON, passwordsIn(body)
	}
	return e, nil
}

// marshalBody encodes a request body as JSON. A body that marshals itself
// (such as Message) is trusted to return valid, compact JSON, as the SDK's
// own MarshalJSON methods do (they build it with json.Marshal): calling it
// directly spares json.Marshal's second pass that re-validates and compacts
// the whole output.
func marshalBody(body any) ([]byte, error) {
	if m, ok := body.(json.Marshaler); ok && !isNil(body) {
		return m.MarshalJSON()
	}
	return json.Marshal(body)
}

// isNil reports whether v is nil or a nil pointer (a nil *Text message body,
// a nil pointer to a body type with its own MarshalJSON).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// encode writes the upload as a multipart form, so that a retry sends the
// same bytes; the part's Content-Type is sniffed from the content.
func (u *upload) encode() ([]byte, string, error) {
	var buf bytes.Buffer
	buf.Grow(len(u.content) + 512)
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`,
		quoteEscaper.Replace(u.field), quoteEscaper.Replace(u.filename)))
	h.Set("Content-Type", http.DetectContentType(u.content))
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(u.content); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// outcome turns the last attempt's answer into what the caller sees (the
// rule of Response's comment): a *Response whenever a request was sent,
// with the answer unless the error is a *TransportError.
func (c *Client) outcome(ctx context.Context, r request, a answer, attempts int) (*Response, error) {
	if held, ok := a.err.(*errHeld); ok { // nothing was sent (a type assertion: errors.As would cost every call an allocation)
		return nil, &APIError{Method: r.method, Path: r.path, Code: ErrRateLimited, RetryAfter: held.wait,
			Message: "held by the client: the rate-limit window is spent", overWait: true}
	}
	resp := &Response{Attempts: attempts}
	if a.res == nil {
		err := a.err
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w: %w", ctxErr, err)
		}
		if attempts == 0 { // the context ended while the rate-limit gate held the call
			resp = nil
		}
		return resp, &TransportError{Method: r.method, Path: r.path, Err: err}
	}
	resp.Response, resp.RawBody, resp.RateLimit = a.res, a.body, parseRateLimit(a.res.Header)
	if a.err != nil { // errBodyTooLarge
		return resp, &APIError{Method: r.method, Path: r.path, HTTPStatus: a.res.StatusCode, Response: resp,
			Message: "response body larger than 8 MiB", Err: ErrMalformedResponse}
	}
	if wait := serverWait(a.res.StatusCode, a.res.Header); wait > c.policy.MaxRetryAfter && !success(a.res.StatusCode) {
		// The server asked for a longer wait than the policy allows: the
		// call ended at once, without waiting (RetryPolicy.next).
		e := newAPIError(r.method, r.path, resp)
		e.overWait = true
		return resp, e
	}
	return resp, nil
}

// success reports whether status is 2xx.
func success(status int) bool { return status >= 200 && status < 300 }

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
		const logged = 4 << 10 // bytes of each body
		if r.body != nil {
			attrs = append(attrs, slog.String("request_body", excerptN([]byte(redactBody(r.body)), logged)))
		}
		if resp != nil {
			attrs = append(attrs, slog.String("response_body", excerptN(resp.RawBody, logged)))
		}
	}
	c.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "jmessage request", attrs...)
}
