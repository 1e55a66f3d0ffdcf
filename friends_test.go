package jmessage_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

func TestFriendsEndpoints(t *testing.T) {
	t.Parallel()
	runEndpointTests(t, []endpointTest{
		{
			name: "Add", method: "POST", path: "/v1/users/javen/friends", request: "friends_add.request.json", status: 201,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Friends.Add(ctx, "javen", []string{"user01", "user02"}))
			},
			errStatus: 403, errCode: jmessage.ErrAlreadyFriends,
		},
		{
			name: "Add escapes the username", method: "POST", path: "/v1/users/a.b-c@d_e/friends",
			request: "friends_add.request.json", status: 201,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Friends.Add(ctx, "a.b-c@d_e", []string{"user01", "user02"}))
			},
			errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "Remove", method: "DELETE", path: "/v1/users/javen/friends", request: "friends_remove.request.json",
			status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Friends.Remove(ctx, "javen", []string{"user01", "user02"}))
			},
			errStatus: 403, errCode: jmessage.ErrNotFriend,
		},
		{
			name: "UpdateNotes", method: "PUT", path: "/v1/users/javen/friends",
			request: "friends_update_note.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Friends.UpdateNotes(ctx, "javen", []jmessage.FriendNote{
					{Username: "user01", NoteName: jmessage.Ptr("new note name"), Others: jmessage.Ptr("好友备注文档")}}))
			},
			errStatus: 403, errCode: jmessage.ErrNotFriend,
		},
		{
			name: "List", method: "GET", path: "/v1/users/javen/friends", status: 200, response: "friends_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Friends.List(ctx, "javen")
			},
			want:      []jmessage.Friend{{User: withAppKey(javen, "pojkasouduioadk"), NoteName: "= =", Others: "test"}},
			errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "List of nobody", method: "GET", path: "/v1/users/javen/friends", status: 200, response: `[]`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Friends.List(ctx, "javen")
			},
			want: []jmessage.Friend{},
		},
	})
}

func TestFriendsValidation(t *testing.T) {
	t.Parallel()
	names := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = sprintf("user%04d", i)
		}
		return out
	}
	notes := func(n int) []jmessage.FriendNote {
		out := make([]jmessage.FriendNote, n)
		for i, name := range names(n) {
			out[i] = jmessage.FriendNote{Username: name}
		}
		return out
	}
	updateNote := func(note jmessage.FriendNote) func(context.Context, *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.UpdateNotes(ctx, "javen", []jmessage.FriendNote{{Username: "user01"}, note}))
		}
	}
	runValidationTests(t, []validationTest{
		{"add none", "friends", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.Add(ctx, "javen", nil))
		}},
		{"add 501", "friends", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.Add(ctx, "javen", names(jmessage.MaxFriendsBatch+1)))
		}},
		{"add bad friend", "friends[1]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.Add(ctx, "javen", []string{"user01", "u"}))
		}},
		{"add bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.Add(ctx, "a/b", []string{"user01"}))
		}},
		{"remove 501", "friends", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.Remove(ctx, "javen", names(jmessage.MaxFriendsBatch+1)))
		}},
		{"remove bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.Remove(ctx, "", []string{"user01"}))
		}},
		{"notes none", "notes", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.UpdateNotes(ctx, "javen", nil))
		}},
		{"notes 501", "notes", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.UpdateNotes(ctx, "javen", notes(jmessage.MaxFriendsBatch+1)))
		}},
		{"notes bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Friends.UpdateNotes(ctx, "ab", notes(1)))
		}},
		{"note without username", "notes[1].username", updateNote(jmessage.FriendNote{NoteName: jmessage.Ptr("n")})},
		{"note name 65 bytes", "notes[1].note_name", updateNote(jmessage.FriendNote{Username: "user02", NoteName: jmessage.Ptr(strings.Repeat("n", 65))})},
		{"note name counts bytes", "notes[1].note_name", updateNote(jmessage.FriendNote{Username: "user02", NoteName: jmessage.Ptr(strings.Repeat("备", 22))})},
		{"note name newline", "notes[1].note_name", updateNote(jmessage.FriendNote{Username: "user02", NoteName: jmessage.Ptr("a\nb")})},
		{"note name carriage return", "notes[1].note_name", updateNote(jmessage.FriendNote{Username: "user02", NoteName: jmessage.Ptr("a\rb")})},
		{"others 251 bytes", "notes[1].others", updateNote(jmessage.FriendNote{Username: "user02", Others: jmessage.Ptr(strings.Repeat("o", 251))})},
		{"list bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Friends.List(ctx, "-abc"))
		}},
	})
}

func TestFriendsBatchOf500AndClearedNotes(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	seen := capture(mock, http.StatusNoContent, "")
	friends := make([]string, jmessage.MaxFriendsBatch)
	for i := range friends {
		friends[i] = sprintf("user%04d", i)
	}
	_, err := c.Friends.Add(t.Context(), "javen", friends)
	require.NoError(t, err)
	_, err = c.Friends.UpdateNotes(t.Context(), "javen", []jmessage.FriendNote{{Username: "user01", NoteName: jmessage.Ptr(""), Others: jmessage.Ptr("")}})
	require.NoError(t, err)

	reqs := seen()
	require.Len(t, reqs, 2)
	var sent []string
	require.NoError(t, json.Unmarshal(reqs[0].body, &sent))
	assert.Equal(t, friends, sent)
	assert.JSONEq(t, `[{"username":"user01","note_name":"","others":""}]`, string(reqs[1].body),
		"a note field set to Ptr(\"\") is sent, so that it clears the note")
}

// TestFriendNoteKeepsUnsetFieldsAgainstFake: a note update that leaves a
// field unset keeps the note the server holds, in the app and across apps.
func TestFriendNoteKeepsUnsetFieldsAgainstFake(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	for _, name := range []string{"alice", "javen"} {
		_, err := c.Users.Register(ctx, jmessage.NewUser{Username: name, Password: "password"})
		require.NoError(t, err)
	}
	_, err := c.Friends.Add(ctx, "alice", []string{"javen"})
	require.NoError(t, err)
	note := func() jmessagetest.Friend {
		u, ok := srv.User("alice")
		require.True(t, ok)
		require.Len(t, u.Friends, 1)
		return u.Friends[0]
	}

	_, err = c.Friends.UpdateNotes(ctx, "alice", []jmessage.FriendNote{{Username: "javen",
		NoteName: jmessage.Ptr("Jav"), Others: jmessage.Ptr("met in Shenzhen")}})
	require.NoError(t, err)
	_, err = c.Cross.UpdateFriendNotes(ctx, "alice", []jmessage.CrossFriendNote{{AppKey: srv.AppKey(),
		FriendNote: jmessage.FriendNote{Username: "javen", NoteName: jmessage.Ptr("Javen")}}})
	require.NoError(t, err)
	assert.Equal(t, "Javen", note().NoteName)
	assert.Equal(t, "met in Shenzhen", note().Others, "others, left unset, is kept")

	_, err = c.Friends.UpdateNotes(ctx, "alice", []jmessage.FriendNote{{Username: "javen", Others: jmessage.Ptr("")}})
	require.NoError(t, err)
	assert.Equal(t, "Javen", note().NoteName)
	assert.Empty(t, note().Others, "Ptr(\"\") clears")
}
