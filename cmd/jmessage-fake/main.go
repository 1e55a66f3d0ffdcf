// Command jmessage-fake serves the jmessagetest in-memory JMessage server
// over HTTP, so that tests in any language can run against it offline.
//
//	go run ./cmd/jmessage-fake -addr 127.0.0.1:8080
//
// It prints the base URL and the (fake) credentials of its primary app as
// shell assignments, then serves until interrupted:
//
//	JMESSAGE_BASE_URL=http://127.0.0.1:8080
//	JMESSAGE_APP_KEY=fakeappkey00000000000001
//	JMESSAGE_MASTER_SECRET=fake-master-secret
//
// Flags:
//
//	-addr host:port     address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
//	-appkey key         the primary app's key (24 letters or digits)
//	-secret secret      the primary app's master secret
//	-app key:secret     another app the server knows, for cross-app operations (repeatable)
//
// Under /_fake it also serves the control API of
// jmessagetest.Server.ControlHandler, to arrange and inspect the state from
// any language: POST /_fake/reset, POST /_fake/advance?by=3m,
// GET /_fake/apps/{appkey}/messages, GET /_fake/apps/{appkey}/users/{username},
// GET /_fake/apps/{appkey}/groups/{gid}, GET /_fake/apps/{appkey}/chatrooms/{id},
// POST /_fake/faults, POST /_fake/ratelimit, DELETE /_fake/faults…
// It checks no credentials: keep the default loopback address.
//
// The state lives in memory and is lost when the command stops.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jmessage-go/jmessage/jmessagetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "jmessage-fake:", err)
		os.Exit(2)
	}
}

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

// run parses args, listens, prints where and serves until ctx ends. ready,
// when not nil, receives the base URL once the server listens.
func run(ctx context.Context, args []string, stdout io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("jmessage-fake", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	appKey := fs.String("appkey", jmessagetest.DefaultAppKey, "the primary app's key (24 letters or digits)")
	secret := fs.String("secret", jmessagetest.DefaultMasterSecret, "the primary app's master secret")
	var apps appsFlag
	fs.Var(&apps, "app", "another app as key:secret, for cross-app operations (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	srv, err := jmessagetest.New(append([]jmessagetest.Option{jmessagetest.WithCredentials(*appKey, *secret)}, apps...)...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	// The credentials are the fake's own, printed so that clients can use them.
	fmt.Fprintf(stdout, "JMESSAGE_BASE_URL=%s\nJMESSAGE_APP_KEY=%s\nJMESSAGE_MASTER_SECRET=%s\n", url, srv.AppKey(), srv.MasterSecret())

	mux := http.NewServeMux()
	mux.Handle("/_fake/", http.StripPrefix("/_fake", srv.ControlHandler()))
	mux.Handle("/", srv)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
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
