// Command jmessage-fake serves the jmessagetest in-memory JMessage server
// over HTTP, so that tests in any language can run against it offline.
//
//	go run ./cmd/jmessage-fake -addr 127.0.0.1:8080
//
// It prints the base URL and the (fake) credentials of its primary app as
// shell assignments, then serves until interrupted:
//
//	JMESSAGE_BASE_URL=http://127.0.0.1:8080
//	JMESSAGE_REPORT_BASE_URL=http://127.0.0.1:8080/v2
//	JMESSAGE_APP_KEY=fakeappkey00000000000001
//	JMESSAGE_MASTER_SECRET=fake-master-secret
//
// Flags:
//
//	-addr host:port     address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
//	-appkey key         the primary app's key (24 letters or digits)
//	-secret secret      the primary app's master secret
//	-app key:secret     another app the server knows, for cross-app operations (repeatable)
//	-routing URL        POST every message the primary app accepts to URL, as message routing does
//
// It serves the report host's history and statistics beside the API, under
// /v2 (JMESSAGE_REPORT_BASE_URL), and the deprecated v1 history under /v1.
//
// Under /_fake it also serves the control API of
// jmessagetest.Server.ControlHandler, to arrange and inspect the state from
// any language: POST /_fake/reset, POST /_fake/advance?by=3m,
// GET /_fake/apps/{appkey}/messages, GET /_fake/apps/{appkey}/users/{username},
// GET /_fake/apps/{appkey}/groups/{gid}, GET /_fake/apps/{appkey}/chatrooms/{id},
// POST /_fake/apps/{appkey}/messages (inject a device message),
// PUT /_fake/apps/{appkey}/routing, GET /_fake/apps/{appkey}/deliveries,
// POST /_fake/faults, POST /_fake/ratelimit, DELETE /_fake/faults,
// PUT /_fake/quota?n=100&window=1m (an enforced rate limit; n=0 turns it off)…
// It checks no credentials: keep the default loopback address.
//
// The state lives in memory and is lost when the command stops.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/jmessage-go/jmessage/internal/fakeserve"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := fakeserve.Run(ctx, "jmessage-fake", os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "jmessage-fake:", err)
		os.Exit(2)
	}
}
