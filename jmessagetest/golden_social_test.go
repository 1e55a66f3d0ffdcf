package jmessagetest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// TestGoldenRequestsSocial is TestGoldenRequests for groups, friends,
// chatrooms and cross-app operations: the fake, arranged so that each
// golden body makes sense, accepts every one with its success status.
func TestGoldenRequestsSocial(t *testing.T) {
	t.Parallel()
	srv, c, other := newCrossFake(t)
	ctx := t.Context()
	register(t, c, "tom01", "eddie", "annie", "test1", "test2", "test3", "test4", "javen", "user01", "user02",
		"user1", "user2", "liming", "135380113231", "username1", "username2")
	register(t, other, "test1", "test2", "name3", "name4", "user01", "user02", "new_owner")

	gid := newGroup(t, c, "tom01", "test3", "test4", "username1", "username2")
	_, err := c.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Add: []string{"new_owner", "name3", "name4"}}})
	require.NoError(t, err)
	room, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "liming", Name: "room", Members: []string{"135380113231"}})
	require.NoError(t, err)
	_, err = c.Cross.UpdateChatroomMembers(ctx, room, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Add: []string{"name3", "name4"}}})
	require.NoError(t, err)

	g := func(format string) string { return fmt.Sprintf(format, gid) }
	r := func(format string) string { return fmt.Sprintf(format, room) }
	for _, tt := range []struct {
		golden, method, path string
		// status is the success status; 0 means the body names groups
		// the fake cannot have (fixed gids) and need only be understood:
		// no 899003.
		status int
	}{
		{"groups_create.request.json", "POST", "/v1/groups/", http.StatusCreated},
		{"groups_update.request.json", "PUT", g("/v1/groups/%d"), http.StatusNoContent},
		{"groups_members_update.request.json", "POST", g("/v1/groups/%d/members"), http.StatusNoContent},
		{"groups_members_remove_v2.request.json", "POST", g("/v2/groups/%d/delMembers"), http.StatusNoContent},
		{"groups_members_add_v2.request.json", "POST", g("/v2/groups/%d/addMembers"), http.StatusNoContent},
		{"groups_silence.request.json", "PUT", g("/v1/groups/messages/%d/silence?status=true"), http.StatusNoContent},
		{"groups_owner_transfer.request.json", "PUT", g("/v1/groups/owner/%d"), http.StatusNoContent},
		{"users_groups_shield.request.json", "POST", "/v1/users/javen/groupsShield", 0},
		{"friends_add.request.json", "POST", "/v1/users/javen/friends", http.StatusCreated},
		{"friends_update_note.request.json", "PUT", "/v1/users/javen/friends", http.StatusNoContent},
		{"friends_remove.request.json", "DELETE", "/v1/users/javen/friends", http.StatusNoContent},
		{"cross_groups_members_update.request.json", "POST", g("/v1/cross/groups/%d/members"), http.StatusNoContent},
		{"cross_blacklist_add.request.json", "PUT", "/v1/cross/users/javen/blacklist", http.StatusNoContent},
		{"cross_blacklist_remove.request.json", "DELETE", "/v1/cross/users/javen/blacklist", http.StatusNoContent},
		{"cross_nodisturb.request.json", "POST", "/v1/cross/users/javen/nodisturb", 0},
		{"cross_friends_add.request.json", "POST", "/v1/cross/users/javen/friends", http.StatusCreated},
		{"cross_friends_update_note.request.json", "PUT", "/v1/cross/users/javen/friends", http.StatusNoContent},
		{"cross_friends_remove.request.json", "DELETE", "/v1/cross/users/javen/friends", http.StatusNoContent},
		{"cross_chatroom_members_update.request.json", "POST", r("/v1/cross/chatroom/%d/members"), http.StatusNoContent},
		{"chatroom_create.request.json", "POST", "/v1/chatroom/", http.StatusCreated},
		{"chatroom_get_batch.request.json", "POST", "/v1/chatroom/batch", http.StatusOK},
		{"chatroom_members_add.request.json", "PUT", r("/v1/chatroom/%d/members"), http.StatusNoContent},
		{"chatroom_members_remove.request.json", "DELETE", r("/v1/chatroom/%d/members"), http.StatusNoContent},
		{"chatroom_update.request.json", "PUT", r("/v1/chatroom/%d"), http.StatusNoContent},
	} {
		status, _, body := raw(t, srv, tt.method, tt.path, basic(srv), "application/json; charset=utf-8",
			string(golden(t, tt.golden)))
		if tt.status != 0 {
			assert.Equal(t, tt.status, status, "%s: %s", tt.golden, body)
			continue
		}
		var env struct {
			Error struct{ Code int } `json:"error"`
		}
		_ = json.Unmarshal(body, &env)
		assert.NotEqual(t, 899003, env.Error.Code, "%s: %s", tt.golden, body)
		assert.Less(t, status, 500, "%s: %s", tt.golden, body)
	}

	// The golden batch names rooms 10000001 and 10000002: the server's
	// first two.
	rooms, _, err := c.Chatrooms.GetBatch(ctx, []int64{10000001, 10000002})
	require.NoError(t, err)
	assert.Len(t, rooms, 2)
	// The transfers and silences took effect.
	state, _ := srv.Group(gid)
	assert.Equal(t, "new_owner", state.Owner.Username)
	assert.Equal(t, goldenAppKey, state.Owner.AppKey)
	for _, m := range state.Members {
		assert.Equal(t, m.Username == "username1" || m.Username == "username2", m.Silenced, m.Username)
	}
}
