package jmessagetest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
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

	mux *http.ServeMux
	tb  testing.TB
	ts  *httptest.Server

	mu      sync.Mutex
	st      *state
	apps    []credential // the apps the server knows, primary first
	faults  []*fault
	clock   func() time.Time
	offset  time.Duration // added to clock by Advance
	clients []*jmessage.Client
}

// credential is an app the server knows.
type credential struct{ key, secret string }

// Option configures a Server.
type Option func(*options) error

type options struct {
	primary credential
	extra   []credential
	clock   func() time.Time
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
	s := &Server{mux: http.NewServeMux(), clock: o.clock}
	s.apps = append(s.apps, o.primary)
	for _, c := range o.extra {
		if !s.knows(c.key) {
			s.apps = append(s.apps, c)
		}
	}
	s.st = s.newState()
	s.App = &App{s: s, key: o.primary.key}
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
	s.mu.Lock()
	clients := s.clients
	s.clients = nil
	s.mu.Unlock()
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
func (s *Server) MasterSecret() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apps[0].secret
}

// AddApp makes the server know another app, with empty state, and returns
// it. Adding a known app key returns that app (its secret is unchanged).
func (s *Server) AddApp(appKey, masterSecret string) (*App, error) {
	if err := checkCredential(appKey, masterSecret); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.knows(appKey) {
		s.apps = append(s.apps, credential{appKey, masterSecret})
		s.st.apps[appKey] = newAppState(appKey)
	}
	return &App{s: s, key: appKey}, nil
}

// AppByKey returns the app of appKey, or nil if the server does not know it.
func (s *Server) AppByKey(appKey string) *App {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.knows(appKey) {
		return nil
	}
	return &App{s: s, key: appKey}
}

// AppKeys returns the app keys the server knows, the primary app's first.
func (s *Server) AppKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, len(s.apps))
	for i, c := range s.apps {
		keys[i] = c.key
	}
	return keys
}

func (s *Server) knows(appKey string) bool {
	for _, c := range s.apps {
		if c.key == appKey {
			return true
		}
	}
	return false
}

func (s *Server) secretOf(appKey string) (string, bool) {
	for _, c := range s.apps {
		if c.key == appKey {
			return c.secret, true
		}
	}
	return "", false
}

// Reset forgets every app's users, groups, messages, media and settings and
// every injected fault. Apps, credentials and the clock stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.st.nextMsgID
	s.st = s.newState()
	s.st.nextMsgID = next // message ids never repeat on one server
	s.faults = nil
}

// Now returns the server's current time: its clock plus every Advance.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

// Advance moves the server's clock forward by d, for instance past a
// message's 3-minute retract window, without waiting.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// now is Now with s.mu held.
func (s *Server) now() time.Time { return s.clock().Add(s.offset) }

// ServeHTTP answers one JMessage API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// newClient returns a client of app key pointed at the server.
func (s *Server) newClient(appKey string, opts []jmessage.Option) (*jmessage.Client, error) {
	url := s.URL()
	if url == "" {
		return nil, errors.New("jmessagetest: the server is not listening (made by New): use NewServer or Start")
	}
	s.mu.Lock()
	secret, _ := s.secretOf(appKey)
	s.mu.Unlock()
	all := append([]jmessage.Option{jmessage.WithBaseURL(url)}, opts...)
	c, err := jmessage.New(appKey, secret, all...)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.clients = append(s.clients, c)
	s.mu.Unlock()
	return c, nil
}
