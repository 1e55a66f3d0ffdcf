package jmessagetest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
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
	register(t, other, "test1", "test2", "name3", "name4", "user01", "user02", "new_owner", "username1", "username2")

	gid := newGroup(t, c, "tom01", "test3", "test4", "username1", "username2")
	_, err := c.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Add: []string{"new_owner", "name3", "name4"}}})
	require.NoError(t, err)
	room, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "liming", Name: "room", Members: []string{"135380113231"}})
	require.NoError(t, err)
	_, err = c.Cross.UpdateChatroomMembers(ctx, room, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Add: []string{"name3", "name4"}}})
	require.NoError(t, err)

	// The shield and cross no-disturb goldens name groups by fixed gids: two
	// groups of javen's, and two of the other app's, take their place, the
	// second of each already shielded or with no-disturb on.
	shields := goldenGIDs{newGroup(t, c, "javen"), newGroup(t, c, "javen")}
	_, err = c.Groups.SetShield(ctx, "javen", jmessage.GroupIDChanges{Add: []int64{shields.second}})
	require.NoError(t, err)
	crossGIDs := goldenGIDs{newGroup(t, other, "test1"), newGroup(t, other, "test1")}
	joinGroup(t, other, crossGIDs.first, srv.AppKey(), "javen") // no-disturb takes groups the user is in
	joinGroup(t, other, crossGIDs.second, srv.AppKey(), "javen")
	_, err = c.Cross.SetNoDisturb(ctx, "javen", []jmessage.CrossNoDisturb{{AppKey: goldenAppKey,
		Group: &jmessage.GroupIDChanges{Add: []int64{crossGIDs.second}}}})
	require.NoError(t, err)

	fixedGIDs := map[string]goldenGIDs{"users_groups_shield.request.json": shields, "cross_nodisturb.request.json": crossGIDs}

	g := func(format string) string { return fmt.Sprintf(format, gid) }
	r := func(format string) string { return fmt.Sprintf(format, room) }
	for _, tt := range []struct {
		golden, method, path string
		status               int // the success status
	}{
		{"groups_create.request.json", "POST", "/v1/groups/", http.StatusCreated},
		{"groups_update.request.json", "PUT", g("/v1/groups/%d"), http.StatusNoContent},
		{"groups_members_update.request.json", "POST", g("/v1/groups/%d/members"), http.StatusNoContent},
		{"groups_members_remove_v2.request.json", "POST", g("/v2/groups/%d/delMembers"), http.StatusNoContent},
		{"groups_members_add_v2.request.json", "POST", g("/v2/groups/%d/addMembers"), http.StatusNoContent},
		{"groups_silence.request.json", "PUT", g("/v1/groups/messages/%d/silence?status=true"), http.StatusNoContent},
		{"groups_owner_transfer.request.json", "PUT", g("/v1/groups/owner/%d"), http.StatusNoContent},
		{"users_groups_shield.request.json", "POST", "/v1/users/javen/groupsShield", http.StatusNoContent},
		{"friends_add.request.json", "POST", "/v1/users/javen/friends", http.StatusCreated},
		{"friends_update_note.request.json", "PUT", "/v1/users/javen/friends", http.StatusNoContent},
		{"friends_remove.request.json", "DELETE", "/v1/users/javen/friends", http.StatusNoContent},
		{"cross_groups_members_update.request.json", "POST", g("/v1/cross/groups/%d/members"), http.StatusNoContent},
		{"cross_blacklist_add.request.json", "PUT", "/v1/cross/users/javen/blacklist", http.StatusNoContent},
		{"cross_blacklist_remove.request.json", "DELETE", "/v1/cross/users/javen/blacklist", http.StatusNoContent},
		{"cross_nodisturb.request.json", "POST", "/v1/cross/users/javen/nodisturb", http.StatusNoContent},
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
		body := string(golden(t, tt.golden))
		if gids, ok := fixedGIDs[tt.golden]; ok {
			body = gids.replace(body)
		}
		status, _, answer := raw(t, srv, tt.method, tt.path, basic(srv), "application/json; charset=utf-8", body)
		assert.Equal(t, tt.status, status, "%s: %s", tt.golden, answer)
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
	u, _ := srv.User("javen")
	assert.Equal(t, []int64{shields.first}, u.GroupShields)
	assert.Equal(t, []int64{crossGIDs.first}, u.NoDisturbGroups)
	assert.Equal(t, []jmessagetest.AppUser{{AppKey: goldenAppKey, Username: "username1"}, {AppKey: goldenAppKey, Username: "username2"}},
		u.NoDisturbCrossUsers)
	for _, m := range state.Members {
		assert.Equal(t, m.Username == "username1" || m.Username == "username2", m.Silenced, m.Username)
	}
}
