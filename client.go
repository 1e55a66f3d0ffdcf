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
	cfg    *config       // a pointer, so that printing a Client value shows no credentials
	rest   *resty.Client // the one HTTP pipeline every request goes through; never exposed
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
	// History reads message history (on the report host).
	History *HistoryService
	// Stats reads user, message and group statistics (on the report host).
	Stats *StatsService
}

// service is embedded (by pointer conversion) in every API area's service type.
type service struct{ client *Client }

// config collects what the options set.
type config struct {
	baseURL       *url.URL
	reportBase    string       // the report host's base URL, without a trailing slash
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
		u, err := parseBaseURL("baseURL", rawURL)
		if err == nil {
			c.baseURL = u
		}
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
		u, err := parseBaseURL("reportBaseURL", rawURL)
		if err == nil {
			c.reportBase = u.String()
		}
		return err
	}
}

// parseBaseURL reads an endpoint's URL: absolute http(s), no user info,
// query or fragment, no trailing slash. Plain http is checked in New
// (checkPlainHTTP), once every option, WithInsecureHTTP too, is known.
func parseBaseURL(field, rawURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(rawURL, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, &ValidationError{Field: field, Reason: "must be an absolute http(s) URL"}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, &ValidationError{Field: field, Reason: "must not carry user info, query or fragment"}
	}
	return u, nil
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
// User-Agent header. A product that is empty or only spaces appends
// nothing; one with line breaks or other control characters, which no
// header may carry, is refused.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if strings.IndexFunc(product, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0 {
			return &ValidationError{Field: "userAgent", Reason: "must not contain line breaks or control characters"}
		}
		c.userAgent = baseUserAgent
		if product = strings.TrimSpace(product); product != "" {
			c.userAgent += " " + product
		}
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
		creds:      newCredentials(appKey, masterSecret),
		timeout:    DefaultTimeout,
		userAgent:  baseUserAgent,
		logger:     slog.New(slog.DiscardHandler),
		retry:      DefaultRetryPolicy(),
		reportBase: DefaultReportBaseURL,
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
	if err := firstError(checkPlainHTTP("baseURL", cfg.baseURL.String(), cfg.allowInsecure),
		checkPlainHTTP("reportBaseURL", cfg.reportBase, cfg.allowInsecure)); err != nil {
		return nil, err
	}

	cfg.base = cfg.baseURL.String()
	cfg.headerUserAgent = []string{cfg.userAgent}
	c := &Client{cfg: &cfg}
	c.rest = c.newRestClient()
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

// checkPlainHTTP refuses a plain http:// endpoint to a host that is not
// loopback, unless insecure (WithInsecureHTTP) allows it.
func checkPlainHTTP(field, endpoint string, insecure bool) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme == "http" && !insecure && !isLoopback(u.Hostname())) {
		return &ValidationError{Field: field, Reason: "plain http to a non-loopback host needs WithInsecureHTTP"}
	}
	return nil
}

// newRestClient builds the one resty client every request goes through,
// once: over a copy of the caller's *http.Client (never the caller's itself)
// or a new one over a tuned transport, without cookie jar, with the
// per-attempt timeout, refusing redirects, with resty's warnings and logs
// off, its response body capped at 8 MiB, and its retries driven by the
// SDK's policy (retry.go): one retry condition (shouldRetry, which replaces
// resty's default retry-on-any-error), the SDK's own waits (retryAfter),
// a hook that notes each retried attempt (noteRetry), and a hook that sends
// no body as none and keeps the transport from replaying a POST on its own
// (beforeSend). No credentials
// are set on it: the Authorization header is set per request (do), so that
// no client-level header, dump or debug log of resty carries it.
func (c *Client) newRestClient() *resty.Client {
	cfg := c.cfg
	hc := cfg.httpClient // already a copy (WithHTTPClient)
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
	rc := resty.NewWithClient(hc).
		SetDisableWarn(true).
		SetLogger(discardLogger{}).
		SetDebug(false).
		SetResponseBodyLimit(maxResponseBytes).
		SetRetryCount(cfg.retry.MaxAttempts - 1).
		// retryAfter always returns the wait to make, never 0 (which would
		// ask resty for its own jittered backoff): resty's floor is off, and
		// its ceiling is above any wait retryAfter returns (it refuses a
		// server-requested wait over MaxRetryAfter itself), so resty never
		// cuts a wait the server asked for.
		SetRetryWaitTime(0).
		SetRetryMaxWaitTime(max(cfg.retry.MaxRetryAfter, cfg.retry.MaxBackoff)).
		SetRetryAfter(c.retryAfter).
		AddRetryCondition(c.shouldRetry).
		AddRetryHook(c.noteRetry).
		SetPreRequestHook(beforeSend)
	// The API never redirects, and a followed redirect would carry the
	// credentials elsewhere: a 3xx comes back as an *APIError. (Set after
	// resty.NewWithClient, which may install a policy of its own.)
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return rc
}

// discardLogger silences resty's own logging, which could print request
// details. Its methods are empty: nothing is formatted.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

// tunedTransport is Go's default transport with enough idle connections per
// host for concurrent callers.
func tunedTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = idleConnsPerHost
	t.MaxIdleConnsPerHost = idleConnsPerHost
	return t
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
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
func (c *Client) CloseIdleConnections() { c.rest.GetClient().CloseIdleConnections() }

// AppKey returns the app key the client authenticates with.
func (c *Client) AppKey() string { return c.cfg.creds.appKey }

// BaseURL returns the endpoint the client sends requests to.
func (c *Client) BaseURL() string { return c.cfg.baseURL.String() }

// ReportBaseURL returns the endpoint of message history and statistics.
func (c *Client) ReportBaseURL() string { return c.cfg.reportBase }

// Response is the HTTP response to a call. It is returned, with or without
// an error, for every call that was sent; it is nil only when nothing was
// sent (a *ValidationError, a body that could not be encoded or an upload
// that could not be read). When no answer arrived (a
// *TransportError), its embedded *http.Response is nil and only Attempts
// is set: check resp.Response before reading StatusCode or Header.
type Response struct {
	*http.Response

	// RawBody is the response body as read (at most 8 MiB). Its Body field
	// (from http.Response) is already consumed and closed.
	RawBody []byte
	// RateLimit holds the X-Rate-Limit-* headers when the server sent them.
	RateLimit RateLimit
	// Attempts is how many attempts the call made, the first included. An
	// attempt whose connection never opened counts, though nothing reached
	// the server.
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
	// decodeAnyStatus makes a JSON array of the result's shape, with at
	// least one item, count as the answer even under an error status
	// (register's per-item results); an empty one is the status's *APIError.
	decodeAnyStatus bool
	// upload, when set, is sent as a multipart form instead of a JSON body.
	upload *upload
	// readOnly marks a POST that only reads (a batch get): it is retried
	// like a GET, since repeating it changes nothing.
	readOnly bool
	// report sends the call to the report host (WithReportBaseURL); path
	// is then relative to it, such as "/messages".
	report bool
}

// upload is one file of a multipart form.
type upload struct {
	field, filename string
	content         io.Reader
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

// unparsedContentType is the content type resty is told every answer has.
// The SDK decodes answers itself (decodeResponse) and gives resty no result
// to fill, yet resty matches the answer's Content-Type against its JSON and
// XML regular expressions for every response (about 0.9µs for
// "application/json; charset=utf-8"); a type without a slash fails both at
// once. It changes nothing else: the Content-Type header stays as received.
const unparsedContentType = "none"

// do is the one request pipeline: validate, encode, send through resty
// (with retries), check the status, and decode the result into out (if not
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
	if r.readOnly && r.method == http.MethodPost {
		ctx = RetryUnsafe(ctx) // repeating a read is safe
	}

	logging := c.cfg.logger.Enabled(ctx, slog.LevelDebug)
	var start time.Time
	if logging {
		start = time.Now()
	}
	req := c.rest.R().SetContext(ctx).ForceContentType(unparsedContentType)
	h := req.Header // resty's own map for this request, cloned into the http.Request
	h["Authorization"] = c.cfg.creds.authorization()
	h["User-Agent"] = c.cfg.headerUserAgent
	h["Accept"] = headerAccept
	if enc.body != nil {
		// The bytes are encoded once for every attempt: resty neither
		// marshals them again nor reads a reader twice.
		h["Content-Type"] = enc.contentType
		req.SetBody(enc.body)
	}
	rr, err := req.Execute(r.method, enc.url)
	scrubCredentials(rr)
	resp, err := c.outcome(ctx, r, req, rr, err)
	if err == nil {
		err = decodeResponse(r, resp, out)
	}
	if logging {
		c.logCall(ctx, r, resp, time.Since(start), err)
	}
	return resp, err
}

// scrubCredentials removes the Authorization header from the request that
// a response carries (Response.Request), so that printing or logging it
// cannot show the master secret. The call is over: nothing reads that
// request's headers again, and a map delete costs no allocation.
func scrubCredentials(rr *resty.Response) {
	if rr != nil && rr.RawResponse != nil && rr.RawResponse.Request != nil {
		delete(rr.RawResponse.Request.Header, "Authorization")
	}
}

// beforeSend is resty's pre-request hook, run on each attempt's
// *http.Request just before it is sent.
//
// A request without a body gets http.NoBody: resty replaces it with an
// empty body of unknown length, which HTTP/1.1 sends chunked on a PUT or
// POST (some servers and proxies refuse that); now a PUT or POST says
// Content-Length: 0, as the API's other clients do.
//
// A POST that may not be repeated loses GetBody (set by resty and
// http.NewRequest), without which Go's transport cannot replay it by
// itself: its HTTP/2 client otherwise resends a request whose stream the
// server reset with PROTOCOL_ERROR, which the server may have processed (a
// duplicate message, and Response.Attempts would not tell). Retrying is the
// retry policy's decision alone. (A POST without a body, Messages.Retract,
// is the one the HTTP/2 client may still resend; retracting twice changes
// nothing and answers ErrAlreadyRetracted.)
func beforeSend(_ *resty.Client, req *http.Request) error {
	if req.ContentLength == 0 && req.Body != nil && req.Body != http.NoBody {
		// The SDK never sends an empty body: no body was given.
		_ = req.Body.Close()
		req.Body, req.GetBody = http.NoBody, nil
	}
	if req.Method == http.MethodPost && req.Context().Value(retryUnsafeKey{}) == nil {
		req.GetBody = nil
	}
	return nil
}

// encoded is a request ready to be sent, as often as the retry policy says.
type encoded struct {
	url         string
	body        []byte   // nil: no body
	contentType []string // the body's Content-Type
}

// encode builds the URL and the body of r once for all attempts.
func (c *Client) encode(r request) (encoded, error) {
	base := c.cfg.base
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

// encode writes the upload as a multipart form, in memory, so that nothing
// is sent when its content cannot be read and a retry sends the same bytes;
// the part's Content-Type is sniffed from the content.
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

// outcome turns what resty's Execute returned (the last attempt's response
// and the error that ended the call, if any) into what the caller sees: a
// *Response whenever a request was sent, and the SDK's error.
func (c *Client) outcome(ctx context.Context, r request, req *resty.Request, rr *resty.Response, err error) (*Response, error) {
	resp := &Response{Attempts: max(req.Attempt, 1)}
	if rr != nil && rr.RawResponse != nil {
		resp.Response = rr.RawResponse
		resp.RawBody = rr.Body()
		resp.RateLimit = parseRateLimit(rr.RawResponse.Header)
	}
	if err == nil {
		return resp, nil
	}
	var tooLong *waitTooLong
	switch {
	case errors.As(err, &tooLong):
		// The server asked for a longer wait than the policy allows: the
		// call ends at once, without waiting (retryAfter).
		apiErr := newAPIError(r.method, r.path, resp)
		apiErr.RetryAfter, apiErr.overWait = tooLong.wait, true
		return resp, apiErr
	case errors.Is(err, resty.ErrResponseBodyTooLarge):
		return resp, &APIError{Method: r.method, Path: r.path, HTTPStatus: statusOf(resp), Response: resp,
			Message: "response body larger than 8 MiB", Err: ErrMalformedResponse}
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		switch retried := lastRetried(req); {
		case err == ctxErr && retried != nil:
			// resty's Backoff returns ctx.Err() itself when the context
			// ends while it waits to retry: keep the last attempt's
			// outcome visible.
			last := retried.err
			if last == nil && resp.Response != nil {
				last = newAPIError(r.method, r.path, resp)
			}
			if last != nil {
				err = fmt.Errorf("%w while waiting to retry after: %w", ctxErr, last)
			}
		case !errors.Is(err, ctxErr):
			err = fmt.Errorf("%w: %w", ctxErr, err)
		}
	}
	return resp, &TransportError{Method: r.method, Path: r.path, Err: err}
}

// complete reports whether rr is a whole answer: a response whose body was
// read to its end. resty leaves the body nil when reading it failed (a
// connection cut mid-body, a body over the limit) and non-nil, even if
// empty, when it read it all.
func complete(rr *resty.Response) bool {
	return rr != nil && rr.RawResponse != nil && rr.Body() != nil
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
