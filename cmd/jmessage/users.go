package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/jmessage-go/jmessage"
)

// exactArgs is cobra.ExactArgs as a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

// minArgs is cobra.MinimumNArgs as a usage error.
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s takes at least %d argument(s)", cmd.CommandPath(), n)
		}
		return nil
	}
}

// parent is a command that only holds subcommands: with no argument it
// prints its help, with an unknown one it is bad usage.
func parent(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return cmd.Help()
		},
	}
}

func (a *app) usersCommand() *cobra.Command {
	cmd := parent("users", "Import, export, look up and delete users")
	cmd.AddCommand(a.importCommand(), a.exportUsersCommand(), &cobra.Command{
		Use:   "get USERNAME...",
		Short: "Print users' profiles",
		Args:  minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.getUsers(cmd.Context(), args)
		},
	}, &cobra.Command{
		Use:   "delete USERNAME...",
		Short: "Delete users (through the bulk API, 100 a call)",
		Long: `delete deletes the users named, printing each one's outcome: deleted,
absent (the API answered that there was no such user) or failed (with its
error); with --json one line per user: {"username", "outcome", "error"}.
The batch API answers nothing per user: a name that was no user may be
reported deleted, when the API accepted it silently.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.deleteUsers(cmd.Context(), args)
		},
	})
	return cmd
}

// getUsers prints each user's profile: indented JSON, or one line each
// with --json. A user that cannot be read is reported and fails the run.
func (a *app) getUsers(ctx context.Context, names []string) error {
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	var failures int
	for _, name := range names {
		u, _, err := c.Users.Get(ctx, name)
		if err != nil {
			if len(names) == 1 || isCredentialsError(err) {
				return err
			}
			a.note("%s: %v", name, err)
			failures++
			continue
		}
		if err := a.emit(u, func(w io.Writer) { printIndented(w, u) }); err != nil {
			return err
		}
	}
	if failures > 0 {
		return errItemsFailed
	}
	return nil
}

func printIndented(w io.Writer, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintln(w, err)
		return
	}
	fmt.Fprintln(w, string(b))
}

// itemResult is the outcome of one item of a bulk change.
type itemResult struct {
	Username string  `json:"username"`
	Outcome  outcome `json:"outcome"`
	Error    string  `json:"error,omitempty"`
}

// deleteOutcome names a delete's outcome.
func deleteOutcome(o jmessage.BulkOutcome) outcome {
	switch o {
	case jmessage.BulkDone:
		return "deleted"
	case jmessage.BulkAlready:
		return "absent"
	}
	return failed
}

// deleteUsers deletes users and prints each one's outcome.
func (a *app) deleteUsers(ctx context.Context, names []string) error {
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	results, err := c.Users.DeleteBulk(ctx, names, jmessage.BulkOptions{})
	if results == nil && err != nil {
		return err
	}
	var credErr error
	for _, r := range results {
		res := itemResult{Username: r.Item, Outcome: deleteOutcome(r.Outcome)}
		if r.Err != nil {
			res.Error = r.Err.Error()
			if isCredentialsError(r.Err) {
				credErr = r.Err
			}
		}
		if err := a.emit(res, func(w io.Writer) {
			if res.Error != "" {
				fmt.Fprintf(w, "%s: %s\n", res.Username, res.Error)
			} else {
				fmt.Fprintf(w, "%s: %s\n", res.Username, res.Outcome)
			}
		}); err != nil {
			return err
		}
	}
	switch {
	case credErr != nil:
		return credErr
	case err != nil:
		return errItemsFailed
	}
	return nil
}

func (a *app) exportUsersCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every user of the app as JSON Lines",
		Long: `export writes every user of the app, one JSON object a line (the profile
as the API's user list returns it), to --output or stdout, with progress on
stderr. Admins (the API's admin list) are not exported.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.exportUsers(cmd.Context(), output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "-", "the file to write (- for stdout)")
	return cmd
}

// exportUsers writes every user as JSON Lines.
func (a *app) exportUsers(ctx context.Context, output string) error {
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	first, _, err := c.Users.List(ctx, jmessage.ListOptions{Count: 1})
	if err != nil {
		return err
	}
	return writeLines(a, output, "exporting users", "users", first.Total, c.Users.All(ctx, jmessage.ListOptions{}))
}

// writeLines writes items as JSON Lines to output (a file, or stdout for
// "-") with a progress of total items, and reports how many were written.
// A file is written beside its final name (readable by its owner alone:
// it holds private data) and renamed only when every item was written, so
// an interrupted export leaves no half file behind.
func writeLines[T any](a *app, output, what, unit string, total int, items iter.Seq2[T, error]) error {
	w := a.stdout
	var tmp *os.File
	if output != "-" {
		var err error
		tmp, err = os.CreateTemp(filepath.Dir(output), ".jmessage-export-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
		w = tmp
	}
	buf := bufio.NewWriter(w)
	bar := a.newProgress(what, unit, total)
	err := encodeAll(json.NewEncoder(buf), bar, items)
	bar.finish()
	if flushErr := buf.Flush(); err == nil {
		err = flushErr
	}
	if tmp != nil {
		if closeErr := tmp.Close(); err == nil {
			err = closeErr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), output)
		}
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted after %d: %w", bar.done, err)
		}
		return err
	}
	a.note("%s: wrote %d", what, bar.done)
	return nil
}

// encodeAll writes every item, a JSON value a line, counting each on bar.
func encodeAll[T any](enc *json.Encoder, bar *progress, items iter.Seq2[T, error]) error {
	for it, err := range items {
		if err != nil {
			return err
		}
		if err := enc.Encode(it); err != nil {
			return err
		}
		bar.add(1)
	}
	return nil
}
