package jmessagetest

import (
	"cmp"
	"encoding/base64"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

// Default credentials of a server's primary app, used unless WithCredentials
// says otherwise.
const (
	DefaultAppKey       = "fakeappkey00000000000001"
	DefaultMasterSecret = "fake-master-secret"
)

// Server is an in-memory JMessage server. It is an http.Handler that
// answers the JMessage REST API with real state, error codes and statuses.
// Create one with NewServer in tests, Start outside tests, or New to mount
// the handler yourself. All methods are safe for concurrent use.
//
// Server embeds the *App of its primary app, so srv.Client(),
// srv.Messages() and srv.User(name) act on that app; AppByKey reaches the
// others.
type Server struct {
	*App

	mux   *http.ServeMux
	tb    testing.TB
	ts    *httptest.Server
	clock func() time.Time

	apps   atomic.Pointer[registry] // the apps the server knows; replaced, never changed
	regMu  sync.Mutex               // serialises AddApp
	offset atomic.Int64             // nanoseconds added to clock by Advance
	limit  atomic.Pointer[quota]    // the rate limit reported, and enforced when set
	epoch  time.Time                // the clock when the server started: rate windows count from it
	faults faults

	mu sync.RWMutex // guards st and every app's data
	st *state

	clientsMu sync.Mutex
	clients   []*jmessage.Client
}

// credential is an app the server knows.
type credential struct{ key, secret string }

// registry is the apps a server knows, the primary first. AddApp replaces
// it with a copy, so requests read it without a lock.
type registry struct {
	list     []*appState
	byKey    map[string]*appState
	byHeader map[string]*appState // by the Authorization header of its credentials
}

// with returns a copy of r with the app a added.
func (r *registry) with(a *appState) *registry {
	next := &registry{list: append(slices.Clone(r.list), a), byKey: maps.Clone(r.byKey), byHeader: maps.Clone(r.byHeader)}
	next.byKey[a.key] = a
	next.byHeader["Basic "+base64.StdEncoding.EncodeToString([]byte(a.key+":"+a.secret))] = a
	return next
}

// Option configures a Server.
type Option func(*options) error

type options struct {
	primary credential
	extra   []credential
	clock   func() time.Time
	quota   *quota
	routing string // the primary app's routing URL (WithRouting)
}

// WithCredentials sets the app key (24 letters or digits) and master secret
// of the server's primary app. The default is DefaultAppKey and
// DefaultMasterSecret.
func WithCredentials(appKey, masterSecret string) Option {
	return func(o *options) error {
		if err := checkCredential(appKey, masterSecret); err != nil {
			return err
		}
		o.primary = credential{appKey, masterSecret}
		return nil
	}
}

// WithApp adds another app the server knows, with its own users, groups
// and messages, for cross-app operations. AddApp does the same on a running
// server.
func WithApp(appKey, masterSecret string) Option {
	return func(o *options) error {
		if err := checkCredential(appKey, masterSecret); err != nil {
			return err
		}
		o.extra = append(o.extra, credential{appKey, masterSecret})
		return nil
	}
}

// WithClock makes the server read the time from now instead of time.Now
// (message times, retract windows, user ctime/mtime). Advance moves a
// server's clock forward whatever its source.
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return errors.New("jmessagetest: WithClock: now must not be nil")
		}
		o.clock = now
		return nil
	}
}

func checkCredential(appKey, masterSecret string) error {
	if reason := rules.AppKey(appKey); reason != "" {
		return errors.New("jmessagetest: app key " + reason)
	}
	if masterSecret == "" {
		return errors.New("jmessagetest: master secret must not be empty")
	}
	return nil
}

// New returns a server that is not listening: use it as an http.Handler
// (the jmessage-fake command does). NewServer and Start also listen.
func New(opts ...Option) (*Server, error) {
	o := options{primary: credential{DefaultAppKey, DefaultMasterSecret}, clock: time.Now}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	s := &Server{mux: http.NewServeMux(), clock: o.clock, st: newState()}
	reg := &registry{byKey: map[string]*appState{}, byHeader: map[string]*appState{}}
	for _, c := range append([]credential{o.primary}, o.extra...) {
		if reg.byKey[c.key] == nil {
			reg = reg.with(newAppState(c))
		}
	}
	s.apps.Store(reg)
	s.epoch = o.clock()
	s.limit.Store(cmp.Or(o.quota, unlimited()))
	s.App = &App{s: s, key: o.primary.key}
	s.app(o.primary.key).routeURL = o.routing
	s.routes()
	return s, nil
}

// Start returns a server listening on a loopback port, for use outside
// tests (examples, other programs). Close it when done.
func Start(opts ...Option) (*Server, error) {
	s, err := New(opts...)
	if err != nil {
		return nil, err
	}
	s.ts = httptest.NewServer(s)
	return s, nil
}

// NewServer starts a server on a loopback port for the test tb and closes
// it (and the clients it made) when the test ends. It fails the test if an
// option is invalid. Every server has its own state: many can run in
// parallel tests.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := Start(opts...)
	if err != nil {
		tb.Fatalf("jmessagetest.NewServer: %v", err)
	}
	s.tb = tb
	tb.Cleanup(s.Close)
	return s
}

// Close stops a server made by NewServer or Start and closes the idle
// connections of the clients it made. It is safe to call more than once.
func (s *Server) Close() {
	s.clientsMu.Lock()
	clients := s.clients
	s.clients = nil
	s.clientsMu.Unlock()
	for _, c := range clients {
		c.CloseIdleConnections()
	}
	if s.ts != nil {
		s.ts.Close()
	}
}

// URL returns the server's base URL, such as "http://127.0.0.1:40123", or
// "" for a server made by New.
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// MasterSecret returns the master secret of the server's primary app.
func (s *Server) MasterSecret() string { return s.apps.Load().list[0].secret }

// AddApp makes the server know another app, with empty state, and returns
// it. Adding a known app key returns that app (its secret is unchanged).
func (s *Server) AddApp(appKey, masterSecret string) (*App, error) {
	if err := checkCredential(appKey, masterSecret); err != nil {
		return nil, err
	}
	s.regMu.Lock()
	defer s.regMu.Unlock()
	if reg := s.apps.Load(); reg.byKey[appKey] == nil {
		s.apps.Store(reg.with(newAppState(credential{appKey, masterSecret})))
	}
	return &App{s: s, key: appKey}, nil
}

// AppByKey returns the app of appKey, or nil if the server does not know it.
func (s *Server) AppByKey(appKey string) *App {
	if s.app(appKey) == nil {
		return nil
	}
	return &App{s: s, key: appKey}
}

// AppKeys returns the app keys the server knows, the primary app's first.
func (s *Server) AppKeys() []string {
	list := s.apps.Load().list
	keys := make([]string, len(list))
	for i, a := range list {
		keys[i] = a.key
	}
	return keys
}

// app returns the app of appKey, or nil.
func (s *Server) app(appKey string) *appState { return s.apps.Load().byKey[appKey] }

// Reset forgets every app's users, groups, messages, media and settings and
// every injected fault. Apps, credentials and the clock stay.
func (s *Server) Reset() {
	s.mu.Lock()
	next := s.st.nextMsgID
	s.st = newState()
	s.st.nextMsgID = next // message ids never repeat on one server
	for _, a := range s.apps.Load().list {
		a.appData = newAppData()
	}
	s.mu.Unlock()
	s.ClearFaults()
}

// Now returns the server's current time: its clock plus every Advance.
func (s *Server) Now() time.Time { return s.clock().Add(time.Duration(s.offset.Load())) }

// Advance moves the server's clock forward by d, for instance past a
// message's 3-minute retract window, without waiting.
func (s *Server) Advance(d time.Duration) { s.offset.Add(int64(d)) }

// newClient returns a client of app key pointed at the server.
func (s *Server) newClient(appKey string, opts []jmessage.Option) (*jmessage.Client, error) {
	url := s.URL()
	if url == "" {
		return nil, errors.New("jmessagetest: the server is not listening (made by New): use NewServer or Start")
	}
	secret := s.app(appKey).secret
	all := append([]jmessage.Option{jmessage.WithBaseURL(url), jmessage.WithReportBaseURL(url + ReportPrefix)}, opts...)
	c, err := jmessage.New(appKey, secret, all...)
	if err != nil {
		return nil, err
	}
	s.clientsMu.Lock()
	s.clients = append(s.clients, c)
	s.clientsMu.Unlock()
	return c, nil
}

// ReportPrefix is where the server serves the report host's paths
// (message history and statistics), beside the API's: a client's
// jmessage.WithReportBaseURL is the server's URL followed by it. Clients
// made by App.Client are set so.
const ReportPrefix = "/v2"
