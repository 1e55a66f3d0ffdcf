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

// goldenAppKey is the app key of the second app in cross-app tests: the
// key the golden requests name.
const goldenAppKey = "4f7aef34fb361292c566a1cd"

// unknownKey is a valid app key no server knows.
const unknownKey = "000000000000000000000000"

// newCrossFake returns a server knowing two apps and a client of each.
func newCrossFake(t *testing.T, opts ...jmessagetest.Option) (srv *jmessagetest.Server, c, other *jmessage.Client) {
	t.Helper()
	srv, c = newFake(t, append(opts, jmessagetest.WithApp(goldenAppKey, "other-secret"))...)
	return srv, c, srv.AppByKey(goldenAppKey).Client(jmessage.WithoutRetries())
}

func TestCrossGroupMembers(t *testing.T) {
	t.Parallel()
	srv, c, other := newCrossFake(t)
	ctx := t.Context()
	register(t, c, "owner", "test1")
	register(t, other, "test1", "test2", "name3")
	profiled(t, other, "javen")
	gid := newGroup(t, c, "owner")

	resp, err := c.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{
		{AppKey: goldenAppKey, Add: []string{"test1", "test2", "name3", "javen"}},
		{AppKey: srv.AppKey(), Add: []string{"test1"}},
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	g, _ := srv.Group(gid)
	require.Len(t, g.Members, 6)
	assert.Equal(t, jmessagetest.AppUser{AppKey: goldenAppKey, Username: "test1"}, g.Members[1].AppUser)
	assert.Equal(t, jmessagetest.AppUser{AppKey: srv.AppKey(), Username: "test1"}, g.Members[5].AppUser,
		"same name, another app: another user")

	_, err = c.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Remove: []string{"name3"}, Add: []string{"test2"}}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserInGroup)
	_, err = c.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Remove: []string{"name3"}},
		{AppKey: srv.AppKey(), Remove: []string{"name3"}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	register(t, c, "name3")
	_, err = c.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Remove: []string{"name3"}},
		{AppKey: srv.AppKey(), Remove: []string{"name3"}}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserNotInGroup)
	_, err = c.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{{AppKey: unknownKey, Add: []string{"test1"}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrAppKeyNotFound)
	_, err = c.Cross.UpdateGroupMembers(ctx, gid+100, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Add: []string{"test1"}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)
	g, _ = srv.Group(gid)
	assert.Len(t, g.Members, 6, "failed calls change nothing")

	// The members list names each member's app.
	members, resp, err := c.Cross.GroupMembers(ctx, gid)
	require.NoError(t, err)
	require.Len(t, members, 6)
	assert.Equal(t, srv.AppKey(), members[0].AppKey)
	assert.Equal(t, jmessage.GroupOwnerRole, members[0].Role)
	assert.Equal(t, goldenAppKey, members[4].AppKey)
	assert.Equal(t, "javen", members[4].Username)
	assert.Equal(t, "hello", members[4].Nickname)
	assert.NotNil(t, resp)
	_, _, body := raw(t, srv, "GET", fmt.Sprintf("/v1/cross/groups/%d/members/", gid), basic(srv), "", "")
	assert.Equal(t, shape(t, golden(t, "cross_groups_members_list.response.json")), shape(t, itemAt(t, body, 4)))
	_, _, err = c.Cross.GroupMembers(ctx, gid+100)
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)

	// A user of the other app lists the groups it is in, of every app.
	groups, resp, err := other.Cross.UserGroups(ctx, "javen")
	require.NoError(t, err)
	assertGoldenShape(t, "cross_users_groups_list.response.json", resp)
	require.Len(t, groups, 1)
	assert.Equal(t, gid, groups[0].GID)
	assert.Equal(t, srv.AppKey(), groups[0].AppKey)
	assert.Equal(t, jmessagetest.GroupCapacity, groups[0].MaxMemberCount)
	groups, _, err = other.Groups.ListByUser(ctx, "javen")
	require.NoError(t, err)
	assert.Empty(t, groups, "the single-app list holds the app's own groups")
	_, _, err = c.Cross.UserGroups(ctx, "ghost")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	// A member of another app sends to the group in the group's app.
	_, _, err = other.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("javen"),
		To: jmessage.ToGroup(gid).InApp(srv.AppKey()), Body: jmessage.Text{Text: "hi"}})
	require.NoError(t, err)
	_, _, err = other.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("javen"),
		To: jmessage.ToGroup(gid), Body: jmessage.Text{Text: "hi"}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)

	// Removing every member deletes the group.
	_, err = c.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{
		{AppKey: goldenAppKey, Remove: []string{"test1", "test2", "name3", "javen"}},
		{AppKey: srv.AppKey(), Remove: []string{"owner", "test1"}},
	})
	require.NoError(t, err)
	_, ok := srv.Group(gid)
	assert.False(t, ok)
}

func TestCrossBlacklist(t *testing.T) {
	t.Parallel()
	srv, c, other := newCrossFake(t)
	ctx := t.Context()
	register(t, c, "alice", "test1")
	register(t, other, "test1", "test2")
	profiled(t, other, "javen")
	_, err := other.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin", Password: "password"})
	require.NoError(t, err)

	resp, err := c.Cross.AddToBlacklist(ctx, "alice", []jmessage.CrossUsernames{
		{AppKey: goldenAppKey, Usernames: []string{"test1", "javen"}},
		{AppKey: srv.AppKey(), Usernames: []string{"test1"}},
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	u, _ := srv.User("alice")
	assert.Equal(t, []string{"test1"}, u.Blacklist, "the own app's users share the single-app list")
	assert.Equal(t, []jmessagetest.AppUser{{AppKey: goldenAppKey, Username: "test1"}, {AppKey: goldenAppKey, Username: "javen"}}, u.CrossBlacklist)

	list, resp, err := c.Cross.Blacklist(ctx, "alice")
	require.NoError(t, err)
	require.Len(t, list, 3)
	assert.Equal(t, srv.AppKey(), list[0].AppKey)
	assert.Equal(t, goldenAppKey, list[1].AppKey)
	assert.Equal(t, "javen", list[2].Username)
	assert.Equal(t, "hello", list[2].Nickname)
	assert.Equal(t, shape(t, golden(t, "cross_blacklist_list.response.json")), shape(t, itemAt(t, resp.RawBody, 2)))
	single, _, err := c.Users.Blacklist(ctx, "alice")
	require.NoError(t, err)
	require.Len(t, single, 1)

	for name, tc := range map[string]struct {
		add    bool
		users  []jmessage.CrossUsernames
		status int
		code   jmessage.ErrorCode
	}{
		"already on":    {true, []jmessage.CrossUsernames{{AppKey: goldenAppKey, Usernames: []string{"test2", "test1"}}}, http.StatusBadRequest, jmessage.ErrAlreadyBlacklisted},
		"admin":         {true, []jmessage.CrossUsernames{{AppKey: goldenAppKey, Usernames: []string{"admin"}}}, http.StatusForbidden, jmessage.ErrAdminNotBlacklistable},
		"unknown user":  {true, []jmessage.CrossUsernames{{AppKey: goldenAppKey, Usernames: []string{"ghost"}}}, http.StatusNotFound, jmessage.ErrUserNotFound},
		"unknown app":   {true, []jmessage.CrossUsernames{{AppKey: unknownKey, Usernames: []string{"test2"}}}, http.StatusNotFound, jmessage.ErrAppKeyNotFound},
		"self":          {true, []jmessage.CrossUsernames{{AppKey: srv.AppKey(), Usernames: []string{"alice"}}}, http.StatusBadRequest, jmessage.ErrInvalidParameter},
		"not on":        {false, []jmessage.CrossUsernames{{AppKey: goldenAppKey, Usernames: []string{"test1", "test2"}}}, http.StatusBadRequest, jmessage.ErrNotBlacklisted},
		"own app, off":  {false, []jmessage.CrossUsernames{{AppKey: srv.AppKey(), Usernames: []string{"test1", "test1"}}}, http.StatusBadRequest, jmessage.ErrNotBlacklisted},
		"removed twice": {false, []jmessage.CrossUsernames{{AppKey: goldenAppKey, Usernames: []string{"javen", "javen"}}}, http.StatusBadRequest, jmessage.ErrNotBlacklisted},
	} {
		var err error
		if tc.add {
			_, err = c.Cross.AddToBlacklist(ctx, "alice", tc.users)
		} else {
			_, err = c.Cross.RemoveFromBlacklist(ctx, "alice", tc.users)
		}
		requireCode(t, err, tc.status, tc.code)
		after, _ := srv.User("alice")
		assert.Equal(t, u.CrossBlacklist, after.CrossBlacklist, "%s changes nothing", name)
		assert.Equal(t, u.Blacklist, after.Blacklist, "%s changes nothing", name)
	}
	_, err = c.Cross.AddToBlacklist(ctx, "ghost", []jmessage.CrossUsernames{{AppKey: goldenAppKey, Usernames: []string{"test2"}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	resp, err = c.Cross.RemoveFromBlacklist(ctx, "alice", []jmessage.CrossUsernames{
		{AppKey: goldenAppKey, Usernames: []string{"test1"}}, {AppKey: srv.AppKey(), Usernames: []string{"test1"}}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	u, _ = srv.User("alice")
	assert.Empty(t, u.Blacklist)
	assert.Equal(t, []jmessagetest.AppUser{{AppKey: goldenAppKey, Username: "javen"}}, u.CrossBlacklist)
	_, _, err = c.Cross.Blacklist(ctx, "ghost")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
}

func TestCrossNoDisturb(t *testing.T) {
	t.Parallel()
	srv, c, other := newCrossFake(t)
	ctx := t.Context()
	register(t, c, "alice", "username1")
	register(t, other, "username1", "username2", "owner")
	ownGID := newGroup(t, c, "alice")
	otherGID := newGroup(t, other, "owner")
	joinGroup(t, other, otherGID, srv.AppKey(), "alice")

	resp, err := c.Cross.SetNoDisturb(ctx, "alice", []jmessage.CrossNoDisturb{
		{AppKey: goldenAppKey, Single: &jmessage.UsernameChanges{Add: []string{"username1", "username2"}},
			Group: &jmessage.GroupIDChanges{Add: []int64{otherGID}}},
		{AppKey: srv.AppKey(), Single: &jmessage.UsernameChanges{Add: []string{"username1"}},
			Group: &jmessage.GroupIDChanges{Add: []int64{ownGID}}},
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	u, _ := srv.User("alice")
	assert.Equal(t, []string{"username1"}, u.NoDisturbUsers)
	assert.Equal(t, []jmessagetest.AppUser{{AppKey: goldenAppKey, Username: "username1"}, {AppKey: goldenAppKey, Username: "username2"}}, u.NoDisturbCrossUsers)
	assert.Equal(t, []int64{otherGID, ownGID}, u.NoDisturbGroups)

	for name, tc := range map[string]struct {
		settings []jmessage.CrossNoDisturb
		status   int
		code     jmessage.ErrorCode
	}{
		"user on":        {[]jmessage.CrossNoDisturb{{AppKey: goldenAppKey, Single: &jmessage.UsernameChanges{Add: []string{"username2"}}}}, http.StatusBadRequest, 899043},
		"user off":       {[]jmessage.CrossNoDisturb{{AppKey: goldenAppKey, Single: &jmessage.UsernameChanges{Remove: []string{"owner"}}}}, http.StatusBadRequest, 899044},
		"group on":       {[]jmessage.CrossNoDisturb{{AppKey: goldenAppKey, Group: &jmessage.GroupIDChanges{Add: []int64{otherGID}}}}, http.StatusBadRequest, 899047},
		"group off":      {[]jmessage.CrossNoDisturb{{AppKey: goldenAppKey, Group: &jmessage.GroupIDChanges{Remove: []int64{otherGID + 100}}}}, http.StatusBadRequest, 899049},
		"group of other": {[]jmessage.CrossNoDisturb{{AppKey: goldenAppKey, Group: &jmessage.GroupIDChanges{Add: []int64{ownGID}}}}, http.StatusNotFound, jmessage.ErrNoDisturbGroupNotFound},
		"unknown user":   {[]jmessage.CrossNoDisturb{{AppKey: goldenAppKey, Single: &jmessage.UsernameChanges{Add: []string{"ghost"}}}}, http.StatusNotFound, jmessage.ErrUserNotFound},
		"unknown app":    {[]jmessage.CrossNoDisturb{{AppKey: unknownKey, Single: &jmessage.UsernameChanges{Add: []string{"owner"}}}}, http.StatusNotFound, jmessage.ErrAppKeyNotFound},
		"second item":    {[]jmessage.CrossNoDisturb{{AppKey: goldenAppKey, Single: &jmessage.UsernameChanges{Remove: []string{"username2"}}}, {AppKey: goldenAppKey, Single: &jmessage.UsernameChanges{Remove: []string{"username2"}}}}, http.StatusBadRequest, 899044},
	} {
		_, err := c.Cross.SetNoDisturb(ctx, "alice", tc.settings)
		var apiErr *jmessage.APIError
		require.ErrorAs(t, err, &apiErr, name)
		assert.Equal(t, tc.status, apiErr.HTTPStatus, name)
		assert.Equal(t, tc.code, apiErr.Code, name)
		after, _ := srv.User("alice")
		assert.Equal(t, u, after, "%s changes nothing", name)
	}
	assert.ErrorIs(t, func() error {
		_, err := c.Cross.SetNoDisturb(ctx, "alice", []jmessage.CrossNoDisturb{{AppKey: goldenAppKey, Single: &jmessage.UsernameChanges{Add: []string{"username2"}}}})
		return err
	}(), jmessage.ErrNoDisturbConflict)

	_, err = c.Cross.SetNoDisturb(ctx, "alice", []jmessage.CrossNoDisturb{
		{AppKey: goldenAppKey, Single: &jmessage.UsernameChanges{Remove: []string{"username1"}}, Group: &jmessage.GroupIDChanges{Remove: []int64{otherGID}}},
		{AppKey: srv.AppKey(), Single: &jmessage.UsernameChanges{Remove: []string{"username1"}}},
	})
	require.NoError(t, err)
	u, _ = srv.User("alice")
	assert.Empty(t, u.NoDisturbUsers)
	assert.Equal(t, []jmessagetest.AppUser{{AppKey: goldenAppKey, Username: "username2"}}, u.NoDisturbCrossUsers)
	assert.Equal(t, []int64{ownGID}, u.NoDisturbGroups)

	status, _, body := raw(t, srv, "POST", "/v1/cross/users/alice/nodisturb", basic(srv), "application/json",
		`[{"appkey":"`+goldenAppKey+`","global":1}]`)
	assert.Equal(t, http.StatusBadRequest, status, "no global part across apps")
	assert.Contains(t, string(body), `"code":899003`)
	status, _, _ = raw(t, srv, "POST", "/v1/cross/users/alice/nodisturb", basic(srv), "application/json", `[{"appkey":"`+goldenAppKey+`"}]`)
	assert.Equal(t, http.StatusBadRequest, status, "single or group required")
}

func TestCrossFriends(t *testing.T) {
	t.Parallel()
	srv, c, other := newCrossFake(t)
	ctx := t.Context()
	register(t, c, "alice", "user01")
	register(t, other, "user01", "user02")

	resp, err := c.Cross.AddFriends(ctx, "alice", jmessage.CrossUsernames{AppKey: goldenAppKey, Usernames: []string{"user01", "user02"}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	_, err = c.Friends.Add(ctx, "alice", []string{"user01"})
	require.NoError(t, err, "user01 of this app is another user")
	u, _ := srv.User("alice")
	assert.Equal(t, []jmessagetest.Friend{
		{AppUser: jmessagetest.AppUser{AppKey: goldenAppKey, Username: "user01"}},
		{AppUser: jmessagetest.AppUser{AppKey: goldenAppKey, Username: "user02"}},
		{AppUser: jmessagetest.AppUser{AppKey: srv.AppKey(), Username: "user01"}},
	}, u.Friends)
	back, ok := srv.AppByKey(goldenAppKey).User("user02")
	require.True(t, ok)
	assert.Equal(t, []jmessagetest.Friend{{AppUser: jmessagetest.AppUser{AppKey: srv.AppKey(), Username: "alice"}}}, back.Friends)

	_, err = c.Cross.AddFriends(ctx, "alice", jmessage.CrossUsernames{AppKey: goldenAppKey, Usernames: []string{"user02"}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrAlreadyFriends)
	_, err = c.Cross.AddFriends(ctx, "alice", jmessage.CrossUsernames{AppKey: unknownKey, Usernames: []string{"user02"}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrAppKeyNotFound)
	_, err = c.Cross.AddFriends(ctx, "alice", jmessage.CrossUsernames{AppKey: goldenAppKey, Usernames: []string{"ghost"}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	resp, err = c.Cross.UpdateFriendNotes(ctx, "alice", []jmessage.CrossFriendNote{
		{AppKey: goldenAppKey, FriendNote: jmessage.FriendNote{Username: "user02", NoteName: jmessage.Ptr("new note name"), Others: jmessage.Ptr("好友备注文档")}}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	friends, _, err := c.Friends.List(ctx, "alice")
	require.NoError(t, err)
	require.Len(t, friends, 3)
	assert.Equal(t, goldenAppKey, friends[1].AppKey)
	assert.Equal(t, "new note name", friends[1].NoteName)
	assert.Equal(t, "好友备注文档", friends[1].Others)
	assert.Equal(t, srv.AppKey(), friends[2].AppKey)
	_, err = c.Cross.UpdateFriendNotes(ctx, "alice", []jmessage.CrossFriendNote{
		{AppKey: srv.AppKey(), FriendNote: jmessage.FriendNote{Username: "user01", NoteName: jmessage.Ptr("x")}},
		{AppKey: goldenAppKey, FriendNote: jmessage.FriendNote{Username: "ghost"}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	register(t, other, "user03")
	_, err = c.Cross.UpdateFriendNotes(ctx, "alice", []jmessage.CrossFriendNote{{AppKey: goldenAppKey, FriendNote: jmessage.FriendNote{Username: "user03"}}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNotFriend)
	u, _ = srv.User("alice")
	assert.Empty(t, u.Friends[2].NoteName, "all or none")
	status, _, _ := raw(t, srv, "PUT", "/v1/cross/users/alice/friends", basic(srv), "application/json", `[{"username":"user02"}]`)
	assert.Equal(t, http.StatusBadRequest, status, "appkey is required across apps")

	resp, err = c.Cross.RemoveFriends(ctx, "alice", jmessage.CrossUsernames{AppKey: goldenAppKey, Usernames: []string{"user01"}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	_, err = c.Cross.RemoveFriends(ctx, "alice", jmessage.CrossUsernames{AppKey: goldenAppKey, Usernames: []string{"user01"}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNotFriend)
	u, _ = srv.User("alice")
	assert.Equal(t, []string{"user02", "user01"}, []string{u.Friends[0].Username, u.Friends[1].Username})
	assert.Equal(t, srv.AppKey(), u.Friends[1].AppKey)
}

func TestCrossChatroomMembers(t *testing.T) {
	t.Parallel()
	srv, c, other := newCrossFake(t)
	ctx := t.Context()
	register(t, c, "owner", "test1")
	register(t, other, "test1", "test2", "name3")
	id, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "owner", Name: "room"})
	require.NoError(t, err)

	resp, err := c.Cross.UpdateChatroomMembers(ctx, id, []jmessage.CrossMemberChanges{
		{AppKey: goldenAppKey, Add: []string{"test1", "test2", "name3"}}, {AppKey: srv.AppKey(), Add: []string{"test1"}}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	r, _ := srv.Chatroom(id)
	require.Len(t, r.Members, 5)
	assert.Equal(t, jmessagetest.AppUser{AppKey: goldenAppKey, Username: "test1"}, r.Members[1].AppUser)
	assert.Equal(t, jmessagetest.AppUser{AppKey: srv.AppKey(), Username: "test1"}, r.Members[4].AppUser)

	_, err = c.Cross.UpdateChatroomMembers(ctx, id, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Remove: []string{"name3"}},
		{AppKey: srv.AppKey(), Remove: []string{"owner", "test1", "test1"}}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserNotInChatroom)
	_, err = c.Cross.UpdateChatroomMembers(ctx, id+100, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Add: []string{"test1"}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrChatroomNotFound)
	_, err = c.Cross.UpdateChatroomMembers(ctx, id, []jmessage.CrossMemberChanges{{AppKey: unknownKey, Add: []string{"test1"}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrAppKeyNotFound)
	r, _ = srv.Chatroom(id)
	assert.Len(t, r.Members, 5, "failed calls change nothing")

	_, err = c.Cross.UpdateChatroomMembers(ctx, id, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Remove: []string{"test1", "test2"}}})
	require.NoError(t, err)
	page, _, err := c.Chatrooms.Members(ctx, id, jmessage.ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, 3, page.Total)
	var names []string
	for _, m := range page.Items {
		names = append(names, m.Username)
	}
	assert.Equal(t, []string{"owner", "name3", "test1"}, names)

	// A member of another app sends to the room in the room's app.
	_, _, err = other.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("name3"),
		To: jmessage.ToChatroom(id).InApp(srv.AppKey()), Body: jmessage.Text{Text: "hi"}})
	require.NoError(t, err)
}

// TestCrossThreeApps runs the cross-app operations across three apps the
// server knows: one call names users of two other apps, lists name each
// user's app, and the same username in two apps is two users.
func TestCrossThreeApps(t *testing.T) {
	t.Parallel()
	const keyB, keyC = "appbbbbbbbbbbbbbbbbbbbb2", "appcccccccccccccccccccc3"
	srv, a := newFake(t, jmessagetest.WithApp(keyB, "secret-b"), jmessagetest.WithApp(keyC, "secret-c"))
	b := srv.AppByKey(keyB).Client(jmessage.WithoutRetries())
	cc := srv.AppByKey(keyC).Client(jmessage.WithoutRetries())
	ctx := t.Context()
	register(t, a, "alice", "owner")
	register(t, b, "sam01", "bea01")
	register(t, cc, "sam01", "cid01")
	appOf := func(key string) string { return map[string]string{srv.AppKey(): "A", keyB: "B", keyC: "C"}[key] }

	// A group of app A with members of B and C, in one call.
	gid := newGroup(t, a, "owner")
	_, err := a.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{
		{AppKey: keyB, Add: []string{"sam01", "bea01"}}, {AppKey: keyC, Add: []string{"sam01"}}})
	require.NoError(t, err)
	members, _, err := a.Cross.GroupMembers(ctx, gid)
	require.NoError(t, err)
	var got []string
	for _, m := range members {
		got = append(got, appOf(m.AppKey)+":"+m.Username)
	}
	assert.Equal(t, []string{"A:owner", "B:sam01", "B:bea01", "C:sam01"}, got, "sam01 of B and of C are two members")
	for _, client := range []*jmessage.Client{b, cc} {
		groups, _, err := client.Cross.UserGroups(ctx, "sam01")
		require.NoError(t, err)
		require.Len(t, groups, 1)
		assert.Equal(t, gid, groups[0].GID)
	}
	_, _, err = cc.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("sam01"), To: jmessage.ToGroup(gid).InApp(srv.AppKey()),
		Body: jmessage.Text{Text: "hi from C"}})
	require.NoError(t, err)
	_, _, err = cc.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("cid01"), To: jmessage.ToGroup(gid).InApp(srv.AppKey()),
		Body: jmessage.Text{Text: "not a member"}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserNotInGroup)

	// A blacklist across B and C, in one call.
	_, err = a.Cross.AddToBlacklist(ctx, "alice", []jmessage.CrossUsernames{
		{AppKey: keyB, Usernames: []string{"sam01"}}, {AppKey: keyC, Usernames: []string{"sam01", "cid01"}}})
	require.NoError(t, err)
	list, _, err := a.Cross.Blacklist(ctx, "alice")
	require.NoError(t, err)
	got = nil
	for _, u := range list {
		got = append(got, appOf(u.AppKey)+":"+u.Username)
	}
	assert.Equal(t, []string{"B:sam01", "C:sam01", "C:cid01"}, got)
	_, err = a.Cross.RemoveFromBlacklist(ctx, "alice", []jmessage.CrossUsernames{{AppKey: keyC, Usernames: []string{"sam01"}}})
	require.NoError(t, err)
	u, _ := srv.User("alice")
	assert.Equal(t, []jmessagetest.AppUser{{AppKey: keyB, Username: "sam01"}, {AppKey: keyC, Username: "cid01"}}, u.CrossBlacklist)

	// Friends in B and C; friendship is mutual across apps.
	_, err = a.Cross.AddFriends(ctx, "alice", jmessage.CrossUsernames{AppKey: keyB, Usernames: []string{"bea01"}})
	require.NoError(t, err)
	_, err = a.Cross.AddFriends(ctx, "alice", jmessage.CrossUsernames{AppKey: keyC, Usernames: []string{"sam01"}})
	require.NoError(t, err)
	_, err = a.Cross.UpdateFriendNotes(ctx, "alice", []jmessage.CrossFriendNote{
		{AppKey: keyB, FriendNote: jmessage.FriendNote{Username: "bea01", NoteName: jmessage.Ptr("Bea")}},
		{AppKey: keyC, FriendNote: jmessage.FriendNote{Username: "sam01", NoteName: jmessage.Ptr("Sam of C")}}})
	require.NoError(t, err)
	friends, _, err := a.Friends.List(ctx, "alice")
	require.NoError(t, err)
	got = nil
	for _, f := range friends {
		got = append(got, appOf(f.AppKey)+":"+f.Username+"="+f.NoteName)
	}
	assert.Equal(t, []string{"B:bea01=Bea", "C:sam01=Sam of C"}, got)
	friends, _, err = cc.Friends.List(ctx, "sam01")
	require.NoError(t, err)
	require.Len(t, friends, 1)
	assert.Equal(t, "A:alice", appOf(friends[0].AppKey)+":"+friends[0].Username)
	friends, _, err = b.Friends.List(ctx, "sam01")
	require.NoError(t, err)
	assert.Empty(t, friends, "sam01 of B is not sam01 of C")

	// A chatroom of A with members of B and C.
	room, _, err := a.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "owner", Name: "lobby"})
	require.NoError(t, err)
	_, err = a.Cross.UpdateChatroomMembers(ctx, room, []jmessage.CrossMemberChanges{
		{AppKey: keyB, Add: []string{"bea01"}}, {AppKey: keyC, Add: []string{"cid01"}}})
	require.NoError(t, err)
	state, ok := srv.Chatroom(room)
	require.True(t, ok)
	got = nil
	for _, m := range state.Members {
		got = append(got, appOf(m.AppKey)+":"+m.Username)
	}
	assert.Equal(t, []string{"A:owner", "B:bea01", "C:cid01"}, got)

	// A fourth key the server does not know.
	_, err = a.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{
		{AppKey: keyB, Remove: []string{"bea01"}}, {AppKey: unknownKey, Add: []string{"sam01"}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrAppKeyNotFound)
	assert.Len(t, memberNames(t, srv, gid), 4, "all or none")
}
