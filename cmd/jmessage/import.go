package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jmessage-go/jmessage"
)

// outcome is what became of one input row.
type outcome string

const (
	created  outcome = "created"  // registered now
	existing outcome = "existing" // was registered already: not a failure
	failed   outcome = "failed"   // not registered: see its error
	notSent  outcome = "not_sent" // never sent: the import was interrupted first
)

// rowResult is the outcome of one row, printed per row with --json.
type rowResult struct {
	Line     int     `json:"line"`
	Username string  `json:"username,omitempty"`
	Outcome  outcome `json:"outcome"`
	Error    string  `json:"error,omitempty"`
}

// importSummary counts the outcomes of an import.
type importSummary struct {
	Rows         int    `json:"rows"`
	Created      int    `json:"created"`
	Existing     int    `json:"existing"`
	Failed       int    `json:"failed"`
	NotSent      int    `json:"not_sent"`
	FailuresFile string `json:"failures_file,omitempty"`
}

type importFlags struct {
	format, failures string
	columns          []string
	concurrency      int
	chunk            int
}

func (a *app) importCommand() *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Register the users of a CSV or JSON Lines file (- reads stdin)",
		Long: `import registers the users of FILE: CSV with a header row, or JSON Lines
(one object a line). A column (or key) maps to the user field of its own name
(username, password, nickname, avatar, birthday, signature, gender, region,
address, extras) unless --map says otherwise. Users go through the bulk API,
500 a call, several calls at once.

It shows a live progress bar on a terminal and plain progress lines
otherwise, and writes every row that failed, with its error, to a failures
file in the input's format (default: FILE with .failures before its
extension; it holds the rows as given, passwords included, so it is
readable by you alone). The failures file can be imported as it is once
fixed: its error column is ignored.

It is safe to run again: users that exist already are reported as existing,
not as failures. On an interrupt (Ctrl-C) the calls in flight finish, the
rows not yet sent are reported as not_sent, and a rerun completes them; a
second interrupt stops at once.

With --json, one line per row ({"line", "username", "outcome", "error"};
outcome is created, existing, failed or not_sent), then {"summary": {...}}.`,
		Example: `  jmessage --fake users import users.csv
  jmessage users import --map login=username,pw=password --map note=- users.csv
  jmessage users import --format jsonl - < users.jsonl`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.importUsers(cmd.Context(), args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "", "csv or jsonl (default: from the file's extension, .csv is CSV, anything else JSON Lines)")
	fl.StringSliceVar(&f.columns, "map", nil, "map a column to a user field, as column=field (repeatable, comma-separated); field - ignores the column")
	fl.StringVar(&f.failures, "failures", "", "where to write the rows that failed (default: FILE.failures.EXT)")
	fl.IntVar(&f.concurrency, "concurrency", jmessage.DefaultBulkConcurrency, "calls in flight at once")
	fl.IntVar(&f.chunk, "chunk-size", jmessage.MaxRegisterBatch, "users per register call (at most 500)")
	return cmd
}

// importUsers runs users import.
func (a *app) importUsers(ctx context.Context, path string, f importFlags) error {
	if f.concurrency < 1 || f.chunk < 1 || f.chunk > jmessage.MaxRegisterBatch {
		return usagef("--concurrency must be at least 1 and --chunk-size 1–%d", jmessage.MaxRegisterBatch)
	}
	format, err := inputFormat(path, f.format)
	if err != nil {
		return err
	}
	m, err := parseColumnMap(f.columns)
	if err != nil {
		return err
	}
	in, err := a.open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	header, rows, rowErrs, err := readRows(in, format, m)
	if err != nil {
		return err
	}
	c, err := a.api(ctx)
	if err != nil {
		return err
	}
	results, authErr := a.register(ctx, c, rows, rowErrs, f)
	sum := summarize(results)
	sum.FailuresFile, err = writeFailures(failuresPath(path, format, f.failures), format, header, rows, results)
	if err != nil {
		return err
	}
	if err := a.reportImport(results, sum); err != nil {
		return err
	}
	switch {
	case authErr != nil:
		return authErr
	case sum.Failed+sum.NotSent > 0:
		return errItemsFailed
	}
	return nil
}

// readRows reads rows in format; rowErrs holds each row's reading error.
func readRows(in io.Reader, format string, m columnMap) (header []string, rows []row, rowErrs []error, err error) {
	if format == "csv" {
		header, rows, err = readCSV(in, m)
		return header, rows, make([]error, len(rows)), err
	}
	rows, rowErrs, err = readJSONLines(in, m)
	return nil, rows, rowErrs, err
}

// register registers the rows that read well, a batch of chunk×concurrency
// users at a time, and returns every row's outcome. An interrupt (ctx
// ending) lets the batch in flight finish and leaves the rest not sent.
// The error is the credentials' refusal, when the API refused them.
func (a *app) register(ctx context.Context, c *jmessage.Client, rows []row, rowErrs []error, f importFlags) ([]rowResult, error) {
	results := make([]rowResult, len(rows))
	var users []jmessage.NewUser
	var userRow []int // users[i] is rows[userRow[i]]
	for i, r := range rows {
		results[i] = rowResult{Line: r.line, Outcome: notSent}
		err := rowErrs[i]
		var u jmessage.NewUser
		if err == nil {
			u, err = r.user()
		}
		results[i].Username, _ = r.values["username"].(string)
		if err != nil {
			results[i].Outcome, results[i].Error = failed, err.Error()
			continue
		}
		users = append(users, u)
		userRow = append(userRow, i)
	}
	bar := a.newProgress("importing users", "users", len(rows))
	defer bar.finish()
	done := len(rows) - len(users) // rows refused before sending
	bar.set(done)
	batch := f.chunk * f.concurrency
	opts := jmessage.BulkOptions{Concurrency: f.concurrency, ChunkSize: f.chunk}
	var authErr error
	for start := 0; start < len(users) && ctx.Err() == nil && authErr == nil; start += batch {
		end := min(start+batch, len(users))
		opts.Progress = func(n, _ int) { bar.set(done + n) }
		res, err := c.Users.RegisterBulk(context.WithoutCancel(ctx), users[start:end], opts)
		if res == nil && err != nil {
			return nil, err
		}
		for _, r := range res {
			i := userRow[start+r.Index]
			results[i].Outcome = registerOutcome(r)
			if r.Outcome == jmessage.BulkFailed {
				results[i].Error = itemError(r.Err)
			}
			if isCredentialsError(r.Err) {
				authErr = r.Err
			}
		}
		done += end - start
		bar.set(done)
	}
	return results, authErr
}

// itemError is an item's error as a row reports it: a validation error
// names the field alone, not its place in the call ("users[3].nickname").
func itemError(err error) string {
	var ve *jmessage.ValidationError
	if errors.As(err, &ve) {
		_, field, _ := strings.Cut(ve.Field, "].")
		return "invalid " + field + ": " + ve.Reason
	}
	return err.Error()
}

// registerOutcome is a register result's outcome.
func registerOutcome(r jmessage.BulkResult) outcome {
	switch {
	case r.Outcome == jmessage.BulkDone:
		return created
	case r.Outcome == jmessage.BulkAlready:
		return existing
	case errors.Is(r.Err, jmessage.ErrNotAttempted):
		return notSent
	}
	return failed
}

// isCredentialsError reports whether err says the credentials are wrong:
// their codes, or a 401 with whatever body.
func isCredentialsError(err error) bool {
	var apiErr *jmessage.APIError
	return errors.Is(err, jmessage.ErrAuthFailed) || errors.Is(err, jmessage.ErrAppKeyNotFound) ||
		errors.Is(err, jmessage.ErrMissingAuth) || errors.As(err, &apiErr) && apiErr.HTTPStatus == http.StatusUnauthorized
}

func summarize(results []rowResult) importSummary {
	s := importSummary{Rows: len(results)}
	for _, r := range results {
		switch r.Outcome {
		case created:
			s.Created++
		case existing:
			s.Existing++
		case failed:
			s.Failed++
		case notSent:
			s.NotSent++
		}
	}
	return s
}

// reportImport prints the outcomes: every row and the summary with --json,
// else the summary alone.
func (a *app) reportImport(results []rowResult, s importSummary) error {
	if a.json {
		enc := json.NewEncoder(a.stdout)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return enc.Encode(map[string]importSummary{"summary": s})
	}
	fmt.Fprintf(a.stdout, "%d rows: %d created, %d existing, %d failed, %d not sent\n", s.Rows, s.Created, s.Existing, s.Failed, s.NotSent)
	if s.FailuresFile != "" {
		fmt.Fprintf(a.stdout, "The rows that failed or were not sent, with their errors: %s\n", s.FailuresFile)
	}
	if s.NotSent > 0 {
		fmt.Fprintln(a.stdout, "Interrupted: run the same command again to import the rest.")
	}
	return nil
}

// inputFormat returns csv or jsonl: the flag's, else the file's extension's.
func inputFormat(path, flag string) (string, error) {
	switch strings.ToLower(flag) {
	case "csv":
		return "csv", nil
	case "jsonl", "json", "ndjson":
		return "jsonl", nil
	case "":
		if path == "-" {
			return "", usagef("reading stdin: say --format csv or --format jsonl")
		}
		if strings.EqualFold(filepath.Ext(path), ".csv") {
			return "csv", nil
		}
		return "jsonl", nil
	}
	return "", usagef("--format %q: want csv or jsonl", flag)
}

// failuresPath is the failures file's path: the flag's, else the input's
// with .failures before its extension.
func failuresPath(input, format, flag string) string {
	if flag != "" {
		return flag
	}
	if input == "-" {
		return "import.failures." + format
	}
	ext := filepath.Ext(input)
	return strings.TrimSuffix(input, ext) + ".failures" + ext
}

// writeFailures writes the rows that did not succeed, each with its error,
// to path and returns path; with none, it removes a failures file left by
// an earlier run and returns "".
func writeFailures(path, format string, header []string, rows []row, results []rowResult) (string, error) {
	var bad []int
	for i, r := range results {
		if r.Outcome == failed || r.Outcome == notSent {
			bad = append(bad, i)
		}
	}
	if len(bad) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		return "", nil
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return "", err
	}
	if format == "csv" {
		err = writeCSVFailures(out, header, rows, results, bad)
	} else {
		err = writeJSONFailures(out, rows, results, bad)
	}
	if closeErr := out.Close(); err == nil {
		err = closeErr
	}
	return path, err
}

func writeCSVFailures(w io.Writer, header []string, rows []row, results []rowResult, bad []int) error {
	col := len(header)
	for i, h := range header {
		if h == errorColumn {
			col = i
		}
	}
	cw := csv.NewWriter(w)
	if col == len(header) {
		header = append(header[:len(header):len(header)], errorColumn)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, i := range bad {
		rec := make([]string, len(header))
		copy(rec, rows[i].csv)
		rec[col] = failureText(results[i])
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeJSONFailures(w io.Writer, rows []row, results []rowResult, bad []int) error {
	enc := json.NewEncoder(w)
	for _, i := range bad {
		obj := make(map[string]any, len(rows[i].json)+1)
		for k, v := range rows[i].json {
			obj[k] = v
		}
		obj[errorColumn] = failureText(results[i])
		if err := enc.Encode(obj); err != nil {
			return err
		}
	}
	return nil
}

// failureText is a failed row's error, or why it was not sent.
func failureText(r rowResult) string {
	if r.Outcome == notSent {
		return "not sent: the import was interrupted first"
	}
	return r.Error
}

// open opens path for reading, or stdin for "-".
func (a *app) open(path string) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(a.stdin), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{err}
	}
	return f, nil
}
