package jmessagetest_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// pythonRequest sends a request exactly as the vendor's Python client
// (jmessage 2.0.0, on requests) sends it: its headers, and for a JSON body
// json.dumps' spacing. It returns the status and body of the answer.
func pythonRequest(t *testing.T, srv *jmessagetest.Server, method, target, body string) (int, []byte) {
	t.Helper()
	req := newRequest(t, srv, method, target, body)
	req.Header.Set("User-Agent", "python-requests/2.20.0")
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Connection", "keep-alive")
	req.Header.Set("Authorization", basic(srv))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	status, _, b := do(t, req)
	return status, b
}

// TestPythonClientBoolQueries: the Python client puts a Python bool in the
// query (str(True) is "True"), for User.block/active and Group.add_silence/
// remove_silence; the real API takes that spelling.
func TestPythonClientBoolQueries(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	register(t, c, "alice01", "bob0001")
	g, _, err := c.Groups.Create(t.Context(), jmessage.NewGroup{OwnerUsername: "alice01", Name: "grp", Members: []string{"bob0001"}})
	require.NoError(t, err)
	gid := strconv.FormatInt(g.GID, 10)

	status, body := pythonRequest(t, srv, "PUT", "/v1/users/bob0001/forbidden?disable=True", "")
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	u, _ := srv.User("bob0001")
	assert.True(t, u.Forbidden, "disable=True forbids")

	status, body = pythonRequest(t, srv, "PUT", "/v1/users/bob0001/forbidden?disable=False", "")
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	u, _ = srv.User("bob0001")
	assert.False(t, u.Forbidden, "disable=False allows again")

	status, body = pythonRequest(t, srv, "PUT", "/v1/groups/messages/"+gid+"/silence?status=True", `["bob0001"]`)
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	assert.True(t, silenced(t, srv, g.GID, "bob0001"), "status=True silences")

	status, body = pythonRequest(t, srv, "PUT", "/v1/groups/messages/"+gid+"/silence?status=False", `["bob0001"]`)
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	assert.False(t, silenced(t, srv, g.GID, "bob0001"), "status=False unsilences")

	// Anything but the two words, in any case, is still refused.
	for _, q := range []string{"disable=1", "disable=yes", "disable="} {
		status, body = pythonRequest(t, srv, "PUT", "/v1/users/bob0001/forbidden?"+q, "")
		assert.Equal(t, http.StatusBadRequest, status, q)
		assert.Equal(t, 899003, envelopeCode(t, body), q)
	}
}

// silenced reports whether username is a silenced member of group gid.
func silenced(t *testing.T, srv *jmessagetest.Server, gid int64, username string) bool {
	t.Helper()
	g, ok := srv.Group(gid)
	require.True(t, ok)
	for _, m := range g.Members {
		if m.Username == username {
			return m.Silenced
		}
	}
	t.Fatalf("%s is not a member of %d", username, gid)
	return false
}
