package main

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// TestCommands runs each small command against a fake and checks both its
// output and the fake's state.
func TestCommands(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	c := srv.Client()
	ctx := t.Context()
	_, err := c.Users.RegisterBulk(ctx, []jmessage.NewUser{
		{Username: "alice", Password: "alice-pw", Nickname: "Alice"}, {Username: "bobby", Password: "bobby-pw"}, {Username: "carol", Password: "carol-pw"},
	}, jmessage.BulkOptions{})
	require.NoError(t, err)
	_, err = c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "opsadmin", Password: "ops-password"})
	require.NoError(t, err)

	res := jm(t, srv, "users", "get", "alice")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, `"nickname": "Alice"`)
	res = jm(t, srv, "--json", "users", "get", "alice", "nobody", "bobby")
	assert.Equal(t, exitFailed, res.code)
	users := jsonLines[jmessage.User](t, res.stdout)
	require.Len(t, users, 2)
	assert.Equal(t, []string{"alice", "bobby"}, []string{users[0].Username, users[1].Username})
	assert.Contains(t, res.stderr, "nobody: ")
	res = jm(t, srv, "users", "get", "nobody")
	assert.Equal(t, exitFailed, res.code)
	assert.Contains(t, res.stderr, "899002")

	res = jm(t, srv, "--json", "users", "export")
	assert.Equal(t, exitOK, res.code, res.stderr)
	exported := jsonLines[jmessage.User](t, res.stdout)
	assert.Len(t, exported, 3, "the users (admins are not users)")
	assert.Contains(t, res.stderr, "exporting users: wrote 3")
	out := filepath.Join(t.TempDir(), "users.jsonl")
	res = jm(t, srv, "users", "export", "-o", out)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Empty(t, res.stdout)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, exported, jsonLines[jmessage.User](t, string(b)))
	entries, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left beside the export")

	res = jm(t, srv, "--json", "send", "--from", "opsadmin", "--to-user", "alice", "server", "restarts", "at", "22:00")
	require.Equal(t, exitOK, res.code, res.stderr)
	sent := jsonLines[jmessage.SendResult](t, res.stdout)
	require.Len(t, sent, 1)
	msgs := srv.Messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, sent[0].MsgID, msgs[0].ID)
	assert.Equal(t, []string{"admin", "opsadmin", "single", "alice"}, []string{msgs[0].FromType, msgs[0].FromID, msgs[0].TargetType, msgs[0].TargetID})
	assert.Contains(t, string(msgs[0].Body), `"server restarts at 22:00"`)

	res = jm(t, srv, "--json", "groups", "create", "--owner", "alice", "--name", "Night shift", "bobby", "carol")
	require.Equal(t, exitOK, res.code, res.stderr)
	groups := jsonLines[jmessage.Group](t, res.stdout)
	require.Len(t, groups, 1)
	gid := strconv.FormatInt(groups[0].GID, 10)
	res = jm(t, srv, "groups", "members", gid)
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "alice\towner\nbobby\tmember\ncarol\tmember\n", res.stdout)
	res = jm(t, srv, "send", "--from", "opsadmin", "--to-group", gid, "hello group")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "sent message ")
	assert.Len(t, srv.Messages(), 2)
	roomID, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "alice", Name: "lobby", Members: []string{"bobby"}})
	require.NoError(t, err)
	res = jm(t, srv, "send", "--from", "opsadmin", "--to-chatroom", strconv.FormatInt(roomID, 10), "-")
	assert.Equal(t, exitUsage, res.code, "- reads stdin, and stdin is empty: the text is required")
	cmd := command(ctx, srv, "send", "--from", "opsadmin", "--to-chatroom", strconv.FormatInt(roomID, 10), "-")
	cmd.Stdin = strings.NewReader("hello lobby\n")
	res = runCmd(t, cmd)
	assert.Equal(t, exitOK, res.code, res.stderr)
	msgs = srv.Messages()
	require.Len(t, msgs, 3)
	assert.Equal(t, []string{"chatroom", strconv.FormatInt(roomID, 10)}, []string{msgs[2].TargetType, msgs[2].TargetID})
	assert.JSONEq(t, `{"text":"hello lobby"}`, string(msgs[2].Body))

	res = jm(t, srv, "config", "set", "sdk-register", "off")
	assert.Equal(t, exitOK, res.code, res.stderr)
	on, _, err := c.Config.SDKRegister(ctx)
	require.NoError(t, err)
	assert.False(t, on)
	res = jm(t, srv, "--json", "config", "get")
	assert.Equal(t, "{\"name\":\"sdk-register\",\"value\":false}\n", res.stdout)

	res = jm(t, srv, "--json", "users", "delete", "carol", "bobby")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Len(t, jsonLines[itemResult](t, res.stdout), 2)
	_, ok := srv.User("carol")
	assert.False(t, ok)
}

// TestUsageAndCredentials checks exit code 2 for bad usage and bad or
// missing credentials, and that the secret is never printed, even when
// given as a flag.
func TestUsageAndCredentials(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	for _, args := range [][]string{
		{"nope"}, {"users", "nope"}, {"users", "get"}, {"send", "--to-user", "alice", "hi"},
		{"send", "--from", "opsadmin", "hi"}, {"send", "--from", "opsadmin", "--to-user", "a", "--to-group", "1", "hi"},
		{"groups", "members", "x"}, {"config", "set", "sdk-register", "maybe"}, {"config", "get", "colour"},
		{"users", "import", "--format", "xml", "f"}, {"users", "import", "/no/such/file.csv"}, {"--bogus"},
		{"users", "get", "a b"}, // refused locally: an invalid username
	} {
		res := jm(t, srv, args...)
		assert.Equal(t, exitUsage, res.code, "%v: %s", args, res.stderr)
		assert.Contains(t, res.stderr, "jmessage: ", "%v", args)
	}

	res := jm(t, nil, "users", "get", "alice")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "no credentials")

	wrong := "wrong-secret-also-never-printed"
	for _, args := range [][]string{{"users", "get", "alice"}, {"users", "delete", "alice"}, {"config", "get"}} {
		cmd := command(t.Context(), nil, append([]string{"--app-key", testAppKey, "--master-secret", wrong, "--base-url", srv.URL()}, args...)...)
		res = runCmd(t, cmd)
		assert.Equal(t, exitUsage, res.code, "%v: %s", args, res.stderr)
		assert.NotContains(t, res.stdout+res.stderr, wrong)
	}
	// A 401 whatever its code (a gateway's) is a credentials error too.
	srv.FailNext(http.MethodGet, "/v1/users/alice", 1, http.StatusUnauthorized, 0)
	res = jm(t, srv, "users", "get", "alice")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	res = jm(t, srv, "users", "get", "alice")
	assert.Equal(t, exitFailed, res.code, "no such user: not a usage error")
	assert.Contains(t, res.stderr, "899002")

	res = runCmd(t, command(t.Context(), nil, "--app-key", "short", "--master-secret", wrong, "users", "get", "alice"))
	assert.Equal(t, exitUsage, res.code)
	assert.NotContains(t, res.stdout+res.stderr, wrong)
}

// TestFakeFlag runs commands with --fake and no credentials at all.
func TestFakeFlag(t *testing.T) {
	t.Parallel()
	res := jm(t, nil, "--fake", "send", "--from", "admin", "--to-user", "alice", "hello")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout, "sent message ")
	res = jm(t, nil, "--fake", "--json", "users", "export")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Len(t, jsonLines[jmessage.User](t, res.stdout), 3, "the demo users")
}

// TestFakeCommand serves the fake over HTTP with the fake subcommand, uses
// it with the credentials it printed, and stops it with SIGINT.
func TestFakeCommand(t *testing.T) {
	t.Parallel()
	cmd := command(t.Context(), nil, "fake", "-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	env := map[string]string{}
	sc := bufio.NewScanner(out)
	for len(env) < 4 && sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		env[k] = v
	}
	require.Len(t, env, 4)
	c, err := jmessage.New(env["JMESSAGE_APP_KEY"], env["JMESSAGE_MASTER_SECRET"], jmessage.WithBaseURL(env["JMESSAGE_BASE_URL"]))
	require.NoError(t, err)
	_, err = c.Users.Register(t.Context(), jmessage.NewUser{Username: "alice", Password: "alice-pw"})
	require.NoError(t, err)
	c.CloseIdleConnections()
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the fake did not stop on SIGINT")
	}
}
