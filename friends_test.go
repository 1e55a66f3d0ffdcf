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
					{Username: "user01", NoteName: "new note name", Others: "好友备注文档"}}))
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
		{"note without username", "notes[1].username", updateNote(jmessage.FriendNote{NoteName: "n"})},
		{"note name 65 bytes", "notes[1].note_name", updateNote(jmessage.FriendNote{Username: "user02", NoteName: strings.Repeat("n", 65)})},
		{"note name counts bytes", "notes[1].note_name", updateNote(jmessage.FriendNote{Username: "user02", NoteName: strings.Repeat("备", 22)})},
		{"note name newline", "notes[1].note_name", updateNote(jmessage.FriendNote{Username: "user02", NoteName: "a\nb"})},
		{"note name carriage return", "notes[1].note_name", updateNote(jmessage.FriendNote{Username: "user02", NoteName: "a\rb"})},
		{"others 251 bytes", "notes[1].others", updateNote(jmessage.FriendNote{Username: "user02", Others: strings.Repeat("o", 251)})},
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
	_, err = c.Friends.UpdateNotes(t.Context(), "javen", []jmessage.FriendNote{{Username: "user01"}})
	require.NoError(t, err)

	reqs := seen()
	require.Len(t, reqs, 2)
	var sent []string
	require.NoError(t, json.Unmarshal(reqs[0].body, &sent))
	assert.Equal(t, friends, sent)
	assert.JSONEq(t, `[{"username":"user01","note_name":"","others":""}]`, string(reqs[1].body),
		"both note fields are sent, so that an empty one clears the note")
}
