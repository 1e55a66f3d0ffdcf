// Command jmessage is an operator's tool for a JMessage app: import and
// export users, look a user up or delete one, send a text, create a group,
// export message history, read statistics and the app's settings.
//
//	go install github.com/jmessage-go/jmessage/cmd/jmessage@latest
//	jmessage --fake users import users.csv   # try it with no credentials
//
// Credentials come from JMESSAGE_APP_KEY, JMESSAGE_MASTER_SECRET and
// (optionally) JMESSAGE_BASE_URL, or from the --app-key, --master-secret and
// --base-url flags; the secret is never printed. --fake runs the command
// against an in-process jmessagetest server seeded with a few users, a
// group and a month of messages. --json prints machine-readable output.
//
// Exit codes: 0 done, 1 some items failed (or the command did), 2 bad
// usage or credentials. Run jmessage help for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first interrupt the command winds down and reports; a
	// second one ends the program at once.
	go func() { <-ctx.Done(); stop() }()
	code := run(ctx, os.Args[1:], streams{
		getenv: os.Getenv,
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		tty:    term.IsTerminal(int(os.Stderr.Fd())),
	})
	stop()
	os.Exit(code)
}
