package jmessagetest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// friendNames returns a user's friends as the server holds them.
func friendNames(t *testing.T, srv *jmessagetest.Server, username string) []string {
	t.Helper()
	u, ok := srv.User(username)
	require.True(t, ok, username)
	var out []string
	for _, f := range u.Friends {
		out = append(out, f.Username)
	}
	return out
}

func TestFriends(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice", "user01")
	profiled(t, c, "javen")

	resp, err := c.Friends.Add(ctx, "alice", []string{"javen", "user01"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, []string{"javen", "user01"}, friendNames(t, srv, "alice"))
	assert.Equal(t, []string{"alice"}, friendNames(t, srv, "javen"), "friendship is mutual")

	_, err = c.Friends.Add(ctx, "javen", []string{"alice"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrAlreadyFriends)
	_, err = c.Friends.Add(ctx, "user01", []string{"javen", "alice"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrAlreadyFriends)
	assert.Equal(t, []string{"alice"}, friendNames(t, srv, "user01"), "all or none")
	_, err = c.Friends.Add(ctx, "alice", []string{"ghost"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, err = c.Friends.Add(ctx, "ghost", []string{"alice"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, err = c.Friends.Add(ctx, "alice", []string{"alice"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrInvalidParameter)

	// Notes are the user's own, on one side of the friendship.
	resp, err = c.Friends.UpdateNotes(ctx, "alice", []jmessage.FriendNote{{Username: "javen", NoteName: jmessage.Ptr("= ="), Others: jmessage.Ptr("test")}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	u, _ := srv.User("alice")
	assert.Equal(t, jmessagetest.Friend{AppUser: jmessagetest.AppUser{AppKey: srv.AppKey(), Username: "javen"},
		NoteName: "= =", Others: "test"}, u.Friends[0])
	u, _ = srv.User("javen")
	assert.Empty(t, u.Friends[0].NoteName)
	_, err = c.Friends.UpdateNotes(ctx, "javen", []jmessage.FriendNote{{Username: "alice", NoteName: jmessage.Ptr("a")}, {Username: "user01", NoteName: jmessage.Ptr("b")}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNotFriend)
	u, _ = srv.User("javen")
	assert.Empty(t, u.Friends[0].NoteName, "all or none")
	_, err = c.Friends.UpdateNotes(ctx, "alice", []jmessage.FriendNote{{Username: "ghost"}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	friends, resp, err := c.Friends.List(ctx, "alice")
	require.NoError(t, err)
	assertGoldenShape(t, "friends_list.response.json", resp)
	require.Len(t, friends, 2)
	assert.Equal(t, "javen", friends[0].Username)
	assert.Equal(t, "hello", friends[0].Nickname)
	assert.Equal(t, "= =", friends[0].NoteName)
	assert.Equal(t, "test", friends[0].Others)
	assert.Equal(t, srv.AppKey(), friends[0].AppKey)
	assert.Equal(t, "user01", friends[1].Username)
	assert.Empty(t, friends[1].NoteName)
	_, _, err = c.Friends.List(ctx, "ghost")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	// Removing ends both sides; a user who is not a friend is a 899071.
	resp, err = c.Friends.Remove(ctx, "javen", []string{"alice"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, []string{"user01"}, friendNames(t, srv, "alice"))
	assert.Empty(t, friendNames(t, srv, "javen"))
	_, err = c.Friends.Remove(ctx, "alice", []string{"user01", "javen"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNotFriend)
	assert.Equal(t, []string{"user01"}, friendNames(t, srv, "alice"), "all or none")

	// A deleted user is no one's friend, and one registered again under
	// the same name is a new user.
	_, err = c.Users.Delete(ctx, "user01")
	require.NoError(t, err)
	register(t, c, "user01")
	friends, resp, err = c.Friends.List(ctx, "alice")
	require.NoError(t, err)
	assert.Empty(t, friends)
	assert.JSONEq(t, `[]`, string(resp.RawBody))
	_, err = c.Friends.Add(ctx, "alice", []string{"user01"})
	require.NoError(t, err)
}

func TestFriendsServerSideRules(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	register(t, c, "alice", "user01", "user02")
	_, err := c.Friends.Add(t.Context(), "alice", []string{"user01"})
	require.NoError(t, err)
	auth := basic(srv)
	const ct = "application/json"

	many := `[` + strings.TrimSuffix(strings.Repeat(`"user02",`, 501), ",") + `]`
	for name, tc := range map[string]struct{ method, body string }{
		"add none":             {"POST", `[]`},
		"add 501":              {"POST", many},
		"add bad name":         {"POST", `["a b"]`},
		"remove none":          {"DELETE", `[]`},
		"notes none":           {"PUT", `[]`},
		"long note":            {"PUT", `[{"username":"user01","note_name":"` + string(make([]byte, 65)) + `"}]`},
		"newline note":         {"PUT", `[{"username":"user01","note_name":"a\nb"}]`},
		"long others":          {"PUT", `[{"username":"user01","others":"` + string(make([]byte, 251)) + `"}]`},
		"appkey without cross": {"PUT", `[{"username":"user01","appkey":"` + srv.AppKey() + `"}]`},
		"unknown key":          {"PUT", `[{"username":"user01","note":"x"}]`},
	} {
		status, _, body := raw(t, srv, tc.method, "/v1/users/alice/friends", auth, ct, tc.body)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Contains(t, string(body), `"code":899003`, name)
	}
	// A note may be set on one field and keep the other.
	status, _, _ := raw(t, srv, "PUT", "/v1/users/alice/friends", auth, ct, `[{"username":"user01","others":"x"}]`)
	require.Equal(t, http.StatusNoContent, status)
	status, _, _ = raw(t, srv, "PUT", "/v1/users/alice/friends", auth, ct, `[{"username":"user01","note_name":"n"}]`)
	require.Equal(t, http.StatusNoContent, status)
	u, _ := srv.User("alice")
	assert.Equal(t, "n", u.Friends[0].NoteName)
	assert.Equal(t, "x", u.Friends[0].Others)
}
