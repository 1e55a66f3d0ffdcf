// Command otel traces JMessage calls with OpenTelemetry: it wraps the
// client's transport with otelhttp, so every HTTP attempt (retries
// included) is a client span, child of the caller's span, with the
// method, URL, status and duration; the master secret, sent only in the
// Authorization header, is not recorded.
//
//	go run ./examples/otel
//
// It prints the spans as JSON lines (the stdouttrace exporter); a real
// program exports them to its collector instead (otlptracegrpc…). With no
// configuration it runs against the in-memory fake server (package
// jmessagetest); with JMESSAGE_APP_KEY and JMESSAGE_MASTER_SECRET set, against
// the real API (JMESSAGE_BASE_URL overrides the endpoint).
//
// It is a module of its own, so the SDK's go.mod never requires
// OpenTelemetry.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Stderr, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "otel:", err)
		os.Exit(1)
	}
}

// run sets up tracing to spans (JSON lines), connects as getenv says and
// makes a few traced calls, reporting them on out.
func run(ctx context.Context, spans, out io.Writer, getenv func(string) string) (err error) {
	exporter, err := stdouttrace.New(stdouttrace.WithWriter(spans))
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	defer func() { err = errors.Join(err, tp.Shutdown(context.WithoutCancel(ctx))) }()

	// The line that matters: every request of the client goes through
	// otelhttp's transport, which starts a client span per attempt. Under
	// it, Go's transport with more idle connections per host than its
	// default 2, for callers on many goroutines.
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 64
	traced := jmessage.WithTransport(otelhttp.NewTransport(base, otelhttp.WithTracerProvider(tp)))
	c, closeClient, err := connect(getenv, traced)
	if err != nil {
		return err
	}
	defer closeClient()

	ctx, span := tp.Tracer("jmessage-example").Start(ctx, "welcome a user")
	defer span.End()
	fmt.Fprintf(out, "trace %s\n", span.SpanContext().TraceID())
	return welcome(ctx, out, c, "otel_"+strconv.FormatInt(time.Now().UnixNano()%1e9, 36))
}

// connect returns a client of the real API when getenv has credentials,
// else of an in-process fake, with opts, and how to close it.
func connect(getenv func(string) string, opts ...jmessage.Option) (*jmessage.Client, func(), error) {
	key, secret := getenv("JMESSAGE_APP_KEY"), getenv("JMESSAGE_MASTER_SECRET")
	if key != "" && secret != "" {
		if base := getenv("JMESSAGE_BASE_URL"); base != "" {
			opts = append(opts, jmessage.WithBaseURL(base))
		}
		c, err := jmessage.New(key, secret, opts...)
		if err != nil {
			return nil, nil, err
		}
		return c, c.CloseIdleConnections, nil
	}
	srv, err := jmessagetest.Start()
	if err != nil {
		return nil, nil, err
	}
	c, err := srv.NewClient(opts...)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return c, srv.Close, nil
}

// welcome registers a user, reads it back and deletes it: three traced
// calls under the caller's span.
func welcome(ctx context.Context, out io.Writer, c *jmessage.Client, username string) error {
	if _, err := c.Users.Register(ctx, jmessage.NewUser{Username: username, Password: "otel-password"}); err != nil {
		return err
	}
	u, _, err := c.Users.Get(ctx, username)
	if err != nil {
		return err
	}
	if _, err := c.Users.Delete(ctx, username); err != nil {
		return err
	}
	fmt.Fprintf(out, "registered, read and deleted %s; span of the caller: %s\n", u.Username, trace.SpanFromContext(ctx).SpanContext().SpanID())
	return nil
}
