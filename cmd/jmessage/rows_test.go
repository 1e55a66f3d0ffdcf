package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestParseColumnMap(t *testing.T) {
	t.Parallel()
	m, err := parseColumnMap([]string{"login=username", " pw = password", "note=-"})
	require.NoError(t, err)
	assert.Equal(t, "username", m.field("login"))
	assert.Equal(t, "password", m.field("pw"))
	assert.Equal(t, "", m.field("note"))
	assert.Equal(t, "nickname", m.field("nickname"), "a column maps to the field of its name")
	assert.Equal(t, "", m.field("error"), "a failures file's error column is ignored")
	assert.NoError(t, m.check([]string{"login", "pw", "note", "nickname", "error"}))

	assert.ErrorContains(t, m.check([]string{"login", "pw", "age"}), `column "age" is no user field`)
	assert.ErrorContains(t, m.check([]string{"login", "nickname"}), `no column for the user field "password"`)
	for _, bad := range []string{"login", "=username", "login=age"} {
		_, err := parseColumnMap([]string{bad})
		var usage usageError
		assert.ErrorAs(t, err, &usage, bad)
	}
}

func TestRowUser(t *testing.T) {
	t.Parallel()
	r := row{values: map[string]any{
		"username": "alice", "password": "secret-pw", "gender": "Female", "birthday": "1990-05-17",
		"extras": `{"team":"ops"}`, "nickname": "", "region": "Shanghai",
	}}
	u, err := r.user()
	require.NoError(t, err)
	assert.Equal(t, jmessage.NewUser{Username: "alice", Password: "secret-pw", Gender: jmessage.GenderFemale,
		Birthday: jmessage.NewDate(1990, 5, 17), Extras: map[string]any{"team": "ops"}, Region: "Shanghai"}, u)

	u, err = row{values: map[string]any{"username": "bobby", "gender": int64(1)}}.user()
	require.NoError(t, err)
	assert.Equal(t, jmessage.GenderMale, u.Gender, "a JSON number")

	for values, want := range map[*map[string]any]string{
		{"gender": "x"}:                `gender "x": want 0, 1, 2`,
		{"extras": "[1]"}:              "extras: want a JSON object",
		{"birthday": "1990-02-30"}:     "birthday: ",
		{"nickname": int64(3)}:         "nickname: want a string",
		{"extras": "not json"}:         "extras: want a JSON object",
		{"username": []any{"a"}}:       "username: want a string",
		{"birthday": "yesterday"}:      "birthday: ",
		{"gender": float64(1.5)}:       "gender: want a jmessage.Gender",
		{"gender": "3"}:                `gender "3"`,
		{"password": map[string]any{}}: "password: want a string",
	} {
		_, err := row{values: *values}.user()
		assert.ErrorContains(t, err, want, "%v", *values)
	}
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	m, err := parseColumnMap(nil)
	require.NoError(t, err)
	header, rows, err := readCSV(strings.NewReader("\ufeffusername,password\nalice,pw-alice\n\"bob,by\",pw\n"), m)
	require.NoError(t, err)
	assert.Equal(t, []string{"username", "password"}, header, "a byte-order mark is dropped")
	require.Len(t, rows, 2)
	assert.Equal(t, 2, rows[0].line)
	assert.Equal(t, "bob,by", rows[1].values["username"])

	_, _, err = readCSV(strings.NewReader(""), m)
	assert.ErrorContains(t, err, "reading the CSV header")
	_, _, err = readCSV(strings.NewReader("username,password\n\"open\n"), m)
	assert.ErrorContains(t, err, "reading the CSV")
}

// TestProgressBarOnTerminal runs an import in-process as on a terminal:
// stderr gets the live bar, not the plain lines.
func TestProgressBarOnTerminal(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "users.csv")
	require.NoError(t, os.WriteFile(path, []byte("username,password\nzara1,pw-zara\nzara2,pw-zara\n"), 0o600))
	for _, tty := range []bool{true, false} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"--fake", "users", "import", path}, streams{
			getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, tty: tty,
		})
		assert.Equal(t, exitOK, code, stderr.String())
		assert.Equal(t, "2 rows: 2 created, 0 existing, 0 failed, 0 not sent\n", stdout.String())
		if tty {
			assert.Contains(t, stderr.String(), "importing users 100% |")
			assert.Contains(t, stderr.String(), "(2/2, ")
			assert.NotContains(t, stderr.String(), "importing users: ")
		} else {
			assert.Contains(t, stderr.String(), "importing users: 2/2 (100%)\n")
			assert.NotContains(t, stderr.String(), "|")
		}
	}
}

func TestReadJSONLines(t *testing.T) {
	t.Parallel()
	m, err := parseColumnMap([]string{"name=username"})
	require.NoError(t, err)
	rows, errs, err := readJSONLines(strings.NewReader(`{"name":"alice","password":"pw-alice","gender":1}
{"name":"bobby","age":7,"zone":"x"}
{"name":"carol"} {"name":"dave"}
[1]

{"name":"erin","error":"from an earlier run"}
`), m)
	require.NoError(t, err)
	require.Len(t, rows, 5)
	assert.Equal(t, []int{1, 2, 3, 4, 6}, []int{rows[0].line, rows[1].line, rows[2].line, rows[3].line, rows[4].line})
	assert.NoError(t, errs[0])
	assert.Equal(t, map[string]any{"username": "alice", "password": "pw-alice", "gender": int64(1)}, rows[0].values)
	assert.EqualError(t, errs[1], `key "age" is no user field (map it with --map age=FIELD, or ignore it with --map age=-)`)
	assert.Equal(t, map[string]any{"name": "bobby", "age": json.Number("7"), "zone": "x"}, rows[1].json, "the object as given, for the failures file")
	assert.EqualError(t, errs[2], "want one JSON object on the line")
	assert.Equal(t, map[string]any{"raw": `{"name":"carol"} {"name":"dave"}`}, rows[2].json)
	assert.Error(t, errs[3])
	assert.NoError(t, errs[4], "a failures file's error key is ignored")
}
