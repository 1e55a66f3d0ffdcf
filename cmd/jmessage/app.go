package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// Exit codes.
const (
	exitOK     = 0 // done
	exitFailed = 1 // some items (or the command) failed
	exitUsage  = 2 // bad usage or credentials
)

// streams is what the program reads and writes, given by main (or a test).
type streams struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	tty    bool // stderr is a terminal: draw live progress bars
}

// app is one run of the program: its streams, global flags and client.
type app struct {
	streams
	appKey, secret, baseURL string
	reportBaseURL           string
	fake, json              bool

	started bool // a command's RunE started: later errors are not usage errors
	client  *jmessage.Client
	srv     *jmessagetest.Server // the --fake server, closed at the end
}

// usageError is bad usage or bad credentials: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errItemsFailed is returned by a command after it reported items that
// failed: exit code 1, with nothing more to print.
var errItemsFailed = errors.New("some items failed")

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, s streams) int {
	a := &app{streams: s}
	defer a.close()
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(s.stdin)
	root.SetOut(s.stdout)
	root.SetErr(s.stderr)
	err := root.ExecuteContext(ctx)
	code := a.exitCode(err)
	if err != nil && !errors.Is(err, errItemsFailed) {
		msg := err.Error()
		if !strings.HasPrefix(msg, "jmessage: ") {
			msg = "jmessage: " + msg
		}
		fmt.Fprintln(s.stderr, msg)
		if code == exitUsage && !a.started {
			fmt.Fprintln(s.stderr, "Run 'jmessage help' for usage.")
		}
	}
	return code
}

// exitCode maps a command's error to the program's exit code.
func (a *app) exitCode(err error) int {
	var usage usageError
	switch {
	case err == nil:
		return exitOK
	case !a.started, errors.As(err, &usage),
		isCredentialsError(err), errors.Is(err, jmessage.ErrInvalidArgument):
		return exitUsage
	}
	return exitFailed
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "jmessage",
		Short: "Operate a JMessage app: users, messages, groups, history, statistics",
		Long: `jmessage operates a JMessage (JPush IM) app from the command line.

Credentials come from JMESSAGE_APP_KEY, JMESSAGE_MASTER_SECRET,
JMESSAGE_BASE_URL and JMESSAGE_REPORT_BASE_URL (the last two optional), or
from the flags below; the master secret is never printed. --fake runs any
command against an in-process fake server seeded with demo data, so
everything can be tried with no credentials.

Exit codes: 0 done, 1 some items failed, 2 bad usage or credentials.`,
		Version:       jmessage.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	f := root.PersistentFlags()
	f.StringVar(&a.appKey, "app-key", "", "the app key (default $JMESSAGE_APP_KEY)")
	f.StringVar(&a.secret, "master-secret", "", "the master secret (default $JMESSAGE_MASTER_SECRET; a flag is visible to other users of the machine, prefer the variable)")
	f.StringVar(&a.baseURL, "base-url", "", "the API endpoint (default $JMESSAGE_BASE_URL, else the vendor's)")
	f.StringVar(&a.reportBaseURL, "report-base-url", "", "the report API endpoint, for history and stats (default $JMESSAGE_REPORT_BASE_URL, else the vendor's)")
	f.BoolVar(&a.fake, "fake", false, "run against an in-process fake server seeded with demo data, with no credentials")
	f.BoolVar(&a.json, "json", false, "print machine-readable JSON (one value per line)")
	root.AddCommand(a.usersCommand(), a.sendCommand(), a.groupsCommand(), a.historyCommand(), a.statsCommand(),
		a.configCommand(), a.fakeCommand())
	a.markStart(root)
	return root
}

// markStart makes every command note when its RunE starts: an error before
// that (flags, arguments, required flags) is bad usage.
func (a *app) markStart(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			a.started = true
			return run(cmd, args)
		}
	}
	for _, sub := range cmd.Commands() {
		a.markStart(sub)
	}
}

// api returns the client of the credentials given, or of the --fake server.
func (a *app) api(ctx context.Context) (*jmessage.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	if a.fake {
		return a.startFake(ctx)
	}
	key, secret, base := pick(a.appKey, a.getenv("JMESSAGE_APP_KEY")), pick(a.secret, a.getenv("JMESSAGE_MASTER_SECRET")), pick(a.baseURL, a.getenv("JMESSAGE_BASE_URL"))
	if key == "" || secret == "" {
		return nil, usagef("no credentials: set JMESSAGE_APP_KEY and JMESSAGE_MASTER_SECRET (or --app-key and --master-secret), or try --fake")
	}
	var opts []jmessage.Option
	if base != "" {
		opts = append(opts, jmessage.WithBaseURL(base))
	}
	if report := pick(a.reportBaseURL, a.getenv("JMESSAGE_REPORT_BASE_URL")); report != "" {
		opts = append(opts, jmessage.WithReportBaseURL(report))
	}
	c, err := jmessage.New(key, secret, append(opts, jmessage.WithUserAgent("jmessage-cli"))...)
	if err != nil {
		return nil, usageError{err}
	}
	a.client = c
	return c, nil
}

// pick returns flag when set, else env.
func pick(flag, env string) string {
	if flag != "" {
		return flag
	}
	return env
}

func (a *app) close() {
	if a.client != nil {
		a.client.CloseIdleConnections()
	}
	if a.srv != nil {
		a.srv.Close()
	}
}

// emit prints v as one line of JSON with --json, else calls human.
func (a *app) emit(v any, human func(w io.Writer)) error {
	if a.json {
		return json.NewEncoder(a.stdout).Encode(v)
	}
	human(a.stdout)
	return nil
}

// note prints a line for the operator on stderr (never with --json's data).
func (a *app) note(format string, args ...any) {
	fmt.Fprintf(a.stderr, format+"\n", args...)
}
