package main

// These tests run the built jmessage binary, as an operator would, against
// a jmessagetest server listening in the test process.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

const (
	testAppKey = "4f7aef34fb361292c566a1cd"
	testSecret = "e2e-master-secret-never-printed"
)

// binary is the path of the jmessage binary TestMain built.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

// buildAndRun builds the binary into a temporary directory, runs the tests
// and removes it.
func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "jmessage-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "jmessage")
	if out, err := exec.Command("go", append(append([]string{"build"}, buildFlags...), "-o", binary, ".")...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building jmessage: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// result is what one run of the binary did.
type result struct {
	code           int
	stdout, stderr string
}

// newFake starts a fake whose primary app has the test credentials.
func newFake(t *testing.T, opts ...jmessagetest.Option) *jmessagetest.Server {
	t.Helper()
	return jmessagetest.NewServer(t, append([]jmessagetest.Option{jmessagetest.WithCredentials(testAppKey, testSecret)}, opts...)...)
}

// command returns the binary's command with the credentials of srv in its
// environment (none when srv is nil).
func command(ctx context.Context, srv *jmessagetest.Server, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if srv != nil {
		cmd.Env = append(cmd.Env, "JMESSAGE_APP_KEY="+testAppKey, "JMESSAGE_MASTER_SECRET="+testSecret,
			"JMESSAGE_BASE_URL="+srv.URL(), "JMESSAGE_REPORT_BASE_URL="+srv.URL()+jmessagetest.ReportPrefix)
	}
	return cmd
}

// runCmd runs cmd to its end and checks that the secret is in none of its
// output.
func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String()}
	if exit, ok := err.(*exec.ExitError); ok {
		res.code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	assert.NotContains(t, res.stdout+res.stderr, testSecret, "the master secret is printed by %v", cmd.Args)
	return res
}

// jm runs the binary with args against srv.
func jm(t *testing.T, srv *jmessagetest.Server, args ...string) result {
	t.Helper()
	return runCmd(t, command(t.Context(), srv, args...))
}

// jsonLines decodes each line of out into a T.
func jsonLines[T any](t *testing.T, out string) []T {
	t.Helper()
	var values []T
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		values = append(values, v)
	}
	return values
}

// importLine is one line of users import --json: a row or the summary.
type importLine struct {
	rowResult
	Summary *importSummary `json:"summary"`
}

// importOutput splits users import --json output into rows by line and the
// summary.
func importOutput(t *testing.T, out string) (map[int]rowResult, importSummary) {
	t.Helper()
	rows := map[int]rowResult{}
	var summary *importSummary
	for _, l := range jsonLines[importLine](t, out) {
		if l.Summary != nil {
			summary = l.Summary
			continue
		}
		if _, dup := rows[l.Line]; dup {
			t.Fatalf("line %d reported twice", l.Line)
		}
		rows[l.Line] = l.rowResult
	}
	require.NotNil(t, summary, "no summary in %q", out)
	return rows, *summary
}

// writeUsersCSV writes n users (username, password, nickname, gender) to a
// CSV file; bad(i) may return a replacement row for user i. It returns the
// path.
func writeUsersCSV(t *testing.T, n int, bad func(i int) []string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "users.csv")
	f, err := os.Create(path)
	require.NoError(t, err)
	w := csv.NewWriter(f)
	require.NoError(t, w.Write([]string{"login", "password", "nickname", "gender"}))
	for i := range n {
		rec := []string{userName(i), "password-" + userName(i), "User " + userName(i), "female"}
		if bad != nil {
			if r := bad(i); r != nil {
				rec = r
			}
		}
		require.NoError(t, w.Write(rec))
	}
	w.Flush()
	require.NoError(t, w.Error())
	require.NoError(t, f.Close())
	return path
}

func userName(i int) string { return fmt.Sprintf("user%05d", i) }

// readFailures reads a CSV failures file into its rows by username.
func readFailures(t *testing.T, path string) (header []string, rows map[string][]string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	rows = map[string][]string{}
	for _, r := range recs[1:] {
		rows[r[0]] = r
	}
	return recs[0], rows
}

// TestImport10000 imports 10,000 rows, 1% of them invalid and 5% already
// registered, and checks every row's outcome, the failures file and the
// server's state; then runs the import again.
func TestImport10000(t *testing.T) {
	t.Parallel()
	const n = 10000
	srv := newFake(t)
	c := srv.Client()
	invalid := func(i int) bool { return i%100 == 7 }
	exists := func(i int) bool { return i%20 == 3 }
	var pre []jmessage.NewUser
	for i := range n {
		if exists(i) {
			pre = append(pre, jmessage.NewUser{Username: userName(i), Password: "old-password"})
		}
	}
	_, err := c.Users.RegisterBulk(t.Context(), pre, jmessage.BulkOptions{})
	require.NoError(t, err)
	path := writeUsersCSV(t, n, func(i int) []string {
		switch {
		case !invalid(i):
			return nil
		case i%200 == 7:
			return []string{userName(i), "pw", "", ""} // password too short
		default:
			return []string{userName(i), "password", "", "sometimes"} // no such gender
		}
	})

	res := jm(t, srv, "--json", "users", "import", "--map", "login=username", path)
	assert.Equal(t, exitFailed, res.code, res.stderr)
	rows, sum := importOutput(t, res.stdout)
	require.Len(t, rows, n)
	want := importSummary{Rows: n, Created: n - n/100 - n/20, Existing: n / 20, Failed: n / 100,
		FailuresFile: strings.TrimSuffix(path, ".csv") + ".failures.csv"}
	assert.Equal(t, want, sum)
	_, failures := readFailures(t, want.FailuresFile)
	assert.Len(t, failures, n/100)
	for i := range n {
		r := rows[i+2] // line 1 is the header
		name := userName(i)
		require.Equal(t, name, r.Username, "line %d", i+2)
		_, registered := srv.User(name)
		switch {
		case invalid(i):
			assert.Equal(t, failed, r.Outcome, name)
			assert.False(t, registered, name)
			require.Contains(t, failures, name)
			assert.Equal(t, r.Error, failures[name][4])
			if i%200 == 7 {
				assert.Equal(t, "invalid password: must be 4–128 bytes", r.Error)
			} else {
				assert.Contains(t, r.Error, `gender "sometimes"`)
			}
		case exists(i):
			assert.Equal(t, existing, r.Outcome, name)
			assert.Empty(t, r.Error, name)
		default:
			assert.Equal(t, created, r.Outcome, name)
			assert.True(t, registered, name)
		}
	}
	u, _ := srv.User(userName(1))
	assert.Equal(t, "User user00001", u.Nickname)
	assert.Equal(t, jmessage.GenderFemale, jmessage.Gender(u.Gender))

	// Again: everything valid exists now.
	res = jm(t, srv, "--json", "users", "import", "--map", "login=username", path)
	assert.Equal(t, exitFailed, res.code, res.stderr)
	_, sum = importOutput(t, res.stdout)
	assert.Equal(t, importSummary{Rows: n, Existing: n - n/100, Failed: n / 100, FailuresFile: want.FailuresFile}, sum)
}

// TestImportInterrupted interrupts an import with SIGINT while it runs:
// the call in flight finishes, the rows not sent are reported and written
// to the failures file, and a rerun completes them.
func TestImportInterrupted(t *testing.T) {
	t.Parallel()
	const n = 4000 // 80 calls of 40 ms: the interrupt comes long before the last
	srv := newFake(t)
	srv.SetLatency(40 * time.Millisecond)
	path := writeUsersCSV(t, n, nil)
	args := []string{"--json", "users", "import", "--map", "login=username", "--chunk-size", "50", "--concurrency", "1", path}
	cmd := command(t.Context(), srv, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	require.Eventually(t, func() bool { _, ok := srv.User(userName(0)); return ok }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	require.Error(t, err)
	assert.Equal(t, exitFailed, cmd.ProcessState.ExitCode(), stderr.String())
	assert.NotContains(t, stdout.String()+stderr.String(), testSecret)

	rows, sum := importOutput(t, stdout.String())
	require.Len(t, rows, n)
	assert.Positive(t, sum.Created)
	assert.Positive(t, sum.NotSent)
	assert.Equal(t, n, sum.Created+sum.NotSent, "every row is created or not sent: the call in flight finished")
	_, failures := readFailures(t, sum.FailuresFile)
	assert.Len(t, failures, sum.NotSent)
	for i := range n {
		r := rows[i+2]
		_, registered := srv.User(userName(i))
		switch r.Outcome {
		case created:
			assert.True(t, registered, r.Username)
		case notSent:
			assert.False(t, registered, r.Username)
			assert.Equal(t, "not sent: the import was interrupted first", failures[r.Username][4])
		default:
			t.Errorf("%s: outcome %s", r.Username, r.Outcome)
		}
	}

	srv.ClearFaults()
	res := jm(t, srv, args...)
	assert.Equal(t, exitOK, res.code, res.stderr)
	_, again := importOutput(t, res.stdout)
	assert.Equal(t, importSummary{Rows: n, Created: sum.NotSent, Existing: sum.Created}, again)
	for i := range n {
		_, registered := srv.User(userName(i))
		require.True(t, registered, userName(i))
	}
	assert.NoFileExists(t, sum.FailuresFile, "a complete rerun removes the failures file")
}

// TestImportJSONLines imports JSON Lines with a mapped key, an ignored one,
// a line that is no JSON and a failures file imported back once fixed.
func TestImportJSONLines(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "users.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(`{"name":"alice","password":"alice-pw","gender":2,"extras":{"team":"ops"},"birthday":"1990-05-17","note":"x"}
{"name":"bobby","password":"b"}
not json

{"name":"carol","password":"carol-pw","nickname":"Carol"}
`), 0o600))
	res := jm(t, srv, "--json", "users", "import", "--map", "name=username,note=-", path)
	assert.Equal(t, exitFailed, res.code, res.stderr)
	rows, sum := importOutput(t, res.stdout)
	assert.Equal(t, importSummary{Rows: 4, Created: 2, Failed: 2, FailuresFile: filepath.Join(dir, "users.failures.jsonl")}, sum)
	assert.Equal(t, created, rows[1].Outcome)
	assert.Equal(t, rowResult{Line: 2, Username: "bobby", Outcome: failed, Error: "invalid password: must be 4–128 bytes"}, rows[2])
	assert.Equal(t, failed, rows[3].Outcome)
	assert.Equal(t, created, rows[5].Outcome)
	alice, ok := srv.User("alice")
	require.True(t, ok)
	assert.JSONEq(t, `{"team":"ops"}`, string(alice.Extras))
	assert.Equal(t, "1990-05-17", alice.Birthday)

	failuresFile, err := os.ReadFile(sum.FailuresFile)
	require.NoError(t, err)
	lines := jsonLines[map[string]any](t, string(failuresFile))
	require.Len(t, lines, 2)
	assert.Equal(t, map[string]any{"name": "bobby", "password": "b", "error": "invalid password: must be 4–128 bytes"}, lines[0])
	assert.Equal(t, "not json", lines[1]["raw"])
	info, err := os.Stat(sum.FailuresFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the failures file holds passwords")

	// The operator fixes bobby's password and imports the failures file.
	fixed := filepath.Join(dir, "fixed.jsonl")
	require.NoError(t, os.WriteFile(fixed, []byte(`{"name":"bobby","password":"bobby-pw","error":"invalid password: must be 4–128 bytes"}`+"\n"), 0o600))
	res = jm(t, srv, "users", "import", "--map", "name=username", fixed)
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "1 rows: 1 created, 0 existing, 0 failed, 0 not sent\n", res.stdout)
}

// TestImportThroughBusyServer imports while the server answers two register
// calls 503/899030 (server busy): those calls are retried, and every row is
// created.
func TestImportThroughBusyServer(t *testing.T) {
	t.Parallel()
	const n = 1200
	srv := newFake(t)
	srv.FailNext(http.MethodPost, "/v1/users/", 2, http.StatusServiceUnavailable, jmessage.ErrServerBusy)
	path := writeUsersCSV(t, n, nil)
	res := jm(t, srv, "--json", "users", "import", "--map", "login=username", path)
	require.Equal(t, exitOK, res.code, res.stderr)
	_, sum := importOutput(t, res.stdout)
	assert.Equal(t, importSummary{Rows: n, Created: n}, sum)
}

// TestSampleImport imports the README's sample file with --fake, as the
// README shows, into a copy so that the failures file lands in a temporary
// directory.
func TestSampleImport(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "users-sample.csv"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "users-sample.csv")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	res := jm(t, nil, "--fake", "users", "import", path)
	assert.Equal(t, exitFailed, res.code, res.stderr)
	assert.Equal(t, "9 rows: 5 created, 1 existing, 3 failed, 0 not sent\n"+
		"The rows that failed or were not sent, with their errors: "+strings.TrimSuffix(path, ".csv")+".failures.csv\n", res.stdout)
}
