// Package fakeserve serves the jmessagetest in-memory JMessage server over
// HTTP, with its control API under /_fake. The jmessage-fake command and
// the jmessage CLI's fake subcommand both run it.
package fakeserve

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/jmessage-go/jmessage/jmessagetest"
)

// ErrUsage is matched by Run's error when its arguments are wrong.
var ErrUsage = errors.New("bad usage")

// appsFlag collects -app key:secret values.
type appsFlag []jmessagetest.Option

func (a *appsFlag) String() string { return "" }

func (a *appsFlag) Set(v string) error {
	key, secret, ok := strings.Cut(v, ":")
	if !ok {
		return errors.New("want key:secret")
	}
	*a = append(*a, jmessagetest.WithApp(key, secret))
	return nil
}

// Run parses args as the command name would (-addr, -appkey, -secret,
// -app), listens, prints the base URL and credentials as shell assignments
// and serves until ctx ends. Usage and flag errors go to stderr. ready,
// when not nil, receives the base URL once the server listens.
func Run(ctx context.Context, name string, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	appKey := fs.String("appkey", jmessagetest.DefaultAppKey, "the primary app's key (24 letters or digits)")
	secret := fs.String("secret", jmessagetest.DefaultMasterSecret, "the primary app's master secret")
	var apps appsFlag
	fs.Var(&apps, "app", "another app as key:secret, for cross-app operations (repeatable)")
	routing := fs.String("routing", "", "POST every message the primary app accepts to this URL (message routing)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	srv, err := jmessagetest.New(append([]jmessagetest.Option{jmessagetest.WithCredentials(*appKey, *secret),
		jmessagetest.WithRouting(*routing)}, apps...)...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	// The credentials are the fake's own, printed so that clients can use them.
	fmt.Fprintf(stdout, "JMESSAGE_BASE_URL=%s\nJMESSAGE_REPORT_BASE_URL=%s\nJMESSAGE_APP_KEY=%s\nJMESSAGE_MASTER_SECRET=%s\n",
		url, url+jmessagetest.ReportPrefix, srv.AppKey(), srv.MasterSecret())

	hs := &http.Server{Handler: handler(srv), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	if ready != nil {
		ready <- url
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// handler serves the control API under /_fake/ and the fake server at every
// other path. It routes by prefix rather than through an http.ServeMux,
// which would answer a doubled slash (/v1//users/...) with a redirect
// before the fake could serve it as the real API does.
func handler(srv *jmessagetest.Server) http.Handler {
	control := http.StripPrefix("/_fake", srv.ControlHandler())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_fake/") {
			control.ServeHTTP(w, r)
			return
		}
		srv.ServeHTTP(w, r)
	})
}
