package jmessage_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

const otherAppKey = "4f7aef34fb361292c566a1cd"

func TestCrossEndpoints(t *testing.T) {
	t.Parallel()
	memberChanges := []jmessage.CrossMemberChanges{
		{AppKey: otherAppKey, Add: []string{"test1", "test2"}, Remove: []string{"name3", "name4"}},
	}
	blacklist := []jmessage.CrossUsernames{{AppKey: otherAppKey, Usernames: []string{"test1", "test2"}}}
	friends := jmessage.CrossUsernames{AppKey: otherAppKey, Usernames: []string{"user01", "user02"}}
	crossJaven := withAppKey(javen, otherAppKey)

	runEndpointTests(t, []endpointTest{
		{
			name: "UpdateGroupMembers", method: "POST", path: "/v1/cross/groups/12345/members",
			request: "cross_groups_members_update.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Cross.UpdateGroupMembers(ctx, 12345, memberChanges))
			},
			errStatus: 403, errCode: jmessage.ErrGroupFull,
		},
		{
			name: "GroupMembers", method: "GET", path: "/v1/cross/groups/12345/members/", status: 200,
			response: "cross_groups_members_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Cross.GroupMembers(ctx, 12345)
			},
			want: []jmessage.GroupMember{{User: jmessage.User{
				Username: "javen", Nickname: "hello", Avatar: "/avatar", Birthday: shanghaiTime("1990-01-24 00:00:00"),
				Signature: "orz", Region: "shenzhen", Address: "shenzhen", AppKey: otherAppKey}, Role: jmessage.GroupMemberRole}},
			errStatus: 404, errCode: jmessage.ErrGroupNotFound,
		},
		{
			name: "GroupMembers owner", method: "GET", path: "/v1/cross/groups/12345/members/", status: 200,
			response: `[{"username":"owner1","flag":1,"appkey":"` + testAppKeyB + `"}]`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Cross.GroupMembers(ctx, 12345)
			},
			want: []jmessage.GroupMember{{User: jmessage.User{Username: "owner1", AppKey: testAppKeyB},
				Role: jmessage.GroupOwnerRole}},
		},
		{
			name: "UserGroups", method: "GET", path: "/v1/cross/users/javen/groups", status: 200,
			response: "cross_users_groups_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Cross.UserGroups(ctx, "javen")
			},
			want: []jmessage.Group{{GID: 12345, Name: "jpush", Desc: "push", AppKey: "dcf71ef5082057832bd44fbd",
				MaxMemberCount: 200, MTime: shanghaiTime("2014-07-01 00:00:00"), CTime: shanghaiTime("2014-06-05 00:00:00")}},
			errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "AddToBlacklist", method: "PUT", path: "/v1/cross/users/javen/blacklist",
			request: "cross_blacklist_add.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Cross.AddToBlacklist(ctx, "javen", blacklist))
			},
			errStatus: 403, errCode: jmessage.ErrNoCrossAppPermission,
		},
		{
			name: "RemoveFromBlacklist", method: "DELETE", path: "/v1/cross/users/javen/blacklist",
			request: "cross_blacklist_remove.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Cross.RemoveFromBlacklist(ctx, "javen", blacklist))
			},
			errStatus: 403, errCode: jmessage.ErrNotBlacklisted,
		},
		{
			name: "Blacklist", method: "GET", path: "/v1/cross/users/javen/blacklist", status: 200,
			response: "cross_blacklist_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Cross.Blacklist(ctx, "javen")
			},
			want: []jmessage.User{crossJaven}, errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "SetNoDisturb", method: "POST", path: "/v1/cross/users/javen/nodisturb",
			request: "cross_nodisturb.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Cross.SetNoDisturb(ctx, "javen", []jmessage.CrossNoDisturb{{
					AppKey: otherAppKey,
					Single: &jmessage.UsernameChanges{Add: []string{"username1", "username2"}},
					Group:  &jmessage.GroupIDChanges{Add: []int64{110000101}, Remove: []int64{1000001111}},
				}}))
			},
			errStatus: 400, errCode: jmessage.ErrNoDisturbGroupNotFound,
		},
		{
			name: "AddFriends", method: "POST", path: "/v1/cross/users/javen/friends",
			request: "cross_friends_add.request.json", status: 201,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Cross.AddFriends(ctx, "javen", friends))
			},
			errStatus: 403, errCode: jmessage.ErrAlreadyFriends,
		},
		{
			name: "RemoveFriends", method: "DELETE", path: "/v1/cross/users/javen/friends",
			request: "cross_friends_remove.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Cross.RemoveFriends(ctx, "javen", friends))
			},
			errStatus: 403, errCode: jmessage.ErrNotFriend,
		},
		{
			name: "UpdateFriendNotes", method: "PUT", path: "/v1/cross/users/javen/friends",
			request: "cross_friends_update_note.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Cross.UpdateFriendNotes(ctx, "javen", []jmessage.CrossFriendNote{
					{AppKey: otherAppKey, FriendNote: jmessage.FriendNote{Username: "user01", NoteName: jmessage.Ptr("new note name"), Others: jmessage.Ptr("好友备注文档")}},
				}))
			},
			errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "UpdateChatroomMembers", method: "POST", path: "/v1/cross/chatroom/10000/members",
			request: "cross_chatroom_members_update.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Cross.UpdateChatroomMembers(ctx, 10000, memberChanges))
			},
			errStatus: 404, errCode: jmessage.ErrChatroomNotFound,
		},
		{
			name: "Blacklist escapes the username", method: "GET", path: "/v1/cross/users/a.b-c@d_e/blacklist",
			status: 200, response: `[]`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Cross.Blacklist(ctx, "a.b-c@d_e")
			},
			want: []jmessage.User{},
		},
	})
}

// TestCrossBodyShapes pins what the vendor document garbles: which bodies
// are arrays, which one object, and that unset lists are left out.
func TestCrossBodyShapes(t *testing.T) {
	t.Parallel()
	runBodyTests(t, http.StatusNoContent, "", []bodyTest{
		{"group members add only", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.UpdateGroupMembers(ctx, 1, []jmessage.CrossMemberChanges{{AppKey: otherAppKey, Add: []string{"test1"}}}))
		}, `[{"appkey":"` + otherAppKey + `","add":["test1"]}]`},
		{"chatroom members remove only, two apps", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.UpdateChatroomMembers(ctx, 1, []jmessage.CrossMemberChanges{
				{AppKey: otherAppKey, Remove: []string{"test1"}},
				{AppKey: testAppKeyB, Add: []string{"test2"}},
			}))
		}, `[{"appkey":"` + otherAppKey + `","remove":["test1"]},{"appkey":"` + testAppKeyB + `","add":["test2"]}]`},
		{"no-disturb single only, never global", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.SetNoDisturb(ctx, "javen", []jmessage.CrossNoDisturb{
				{AppKey: otherAppKey, Single: &jmessage.UsernameChanges{Remove: []string{"test1"}}},
			}))
		}, `[{"appkey":"` + otherAppKey + `","single":{"remove":["test1"]}}]`},
		{"friends remove is one object", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.RemoveFriends(ctx, "javen", jmessage.CrossUsernames{AppKey: otherAppKey, Usernames: []string{"test1"}}))
		}, `{"appkey":"` + otherAppKey + `","users":["test1"]}`},
		{"friend note cleared", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.UpdateFriendNotes(ctx, "javen", []jmessage.CrossFriendNote{{AppKey: otherAppKey,
				FriendNote: jmessage.FriendNote{Username: "test1", NoteName: jmessage.Ptr(""), Others: jmessage.Ptr("")}}}))
		}, `[{"appkey":"` + otherAppKey + `","username":"test1","note_name":"","others":""}]`},
		{"friend note: others left out when unset", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.UpdateFriendNotes(ctx, "javen", []jmessage.CrossFriendNote{{AppKey: otherAppKey,
				FriendNote: jmessage.FriendNote{Username: "test1", NoteName: jmessage.Ptr("Tess")}}}))
		}, `[{"appkey":"` + otherAppKey + `","username":"test1","note_name":"Tess"}]`},
	})
}

const testAppKeyB = "0123456789abcdefABCDEF01"

func TestCrossDoesNotMutateInput(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	capture(mock, http.StatusNoContent, "")
	changes := []jmessage.CrossMemberChanges{{AppKey: otherAppKey, Add: []string{"test1"}, Remove: []string{}}}
	friends := jmessage.CrossUsernames{AppKey: otherAppKey, Usernames: []string{"test2", "test1"}}
	before, err := json.Marshal([]any{changes, friends})
	require.NoError(t, err)

	_, err = c.Cross.UpdateGroupMembers(t.Context(), 1, changes)
	require.NoError(t, err)
	_, err = c.Cross.AddFriends(t.Context(), "javen", friends)
	require.NoError(t, err)

	after, err := json.Marshal([]any{changes, friends})
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
	assert.NotNil(t, changes[0].Remove, "an empty list stays an empty list")
}

func TestCrossValidation(t *testing.T) {
	t.Parallel()
	members := func(m ...jmessage.CrossMemberChanges) func(context.Context, *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.UpdateGroupMembers(ctx, 12345, m))
		}
	}
	roomMembers := func(m ...jmessage.CrossMemberChanges) func(context.Context, *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.UpdateChatroomMembers(ctx, 10000, m))
		}
	}
	blacklistAdd := func(u ...jmessage.CrossUsernames) func(context.Context, *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.AddToBlacklist(ctx, "javen", u))
		}
	}
	noDisturb := func(n ...jmessage.CrossNoDisturb) func(context.Context, *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.SetNoDisturb(ctx, "javen", n))
		}
	}
	addFriends := func(f jmessage.CrossUsernames) func(context.Context, *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.AddFriends(ctx, "javen", f))
		}
	}
	notes := func(n ...jmessage.CrossFriendNote) func(context.Context, *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.UpdateFriendNotes(ctx, "javen", n))
		}
	}
	okChange := jmessage.CrossMemberChanges{AppKey: otherAppKey, Add: []string{"test1"}}
	note := func(appKey, username, noteName, others string) jmessage.CrossFriendNote {
		return jmessage.CrossFriendNote{AppKey: appKey,
			FriendNote: jmessage.FriendNote{Username: username, NoteName: &noteName, Others: &others}}
	}
	okNote := note(otherAppKey, "user01", "", "")
	manyChanges := make([]jmessage.CrossMemberChanges, 501)
	for i := range manyChanges {
		manyChanges[i] = okChange
	}
	manyNotes := make([]jmessage.CrossFriendNote, jmessage.MaxFriendsBatch+1)
	for i := range manyNotes {
		manyNotes[i] = okNote
	}

	runValidationTests(t, []validationTest{
		// UpdateGroupMembers
		{"group members bad gid", "gid", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.UpdateGroupMembers(ctx, 0, []jmessage.CrossMemberChanges{okChange}))
		}},
		{"group members none", "changes", members()},
		{"group members 501 apps", "changes", members(manyChanges...)},
		{"group members missing appkey", "changes[1].appkey", members(okChange, jmessage.CrossMemberChanges{Add: []string{"test1"}})},
		{"group members bad appkey", "changes[0].appkey", members(jmessage.CrossMemberChanges{AppKey: "short", Add: []string{"test1"}})},
		{"group members nothing to change", "changes[0]", members(jmessage.CrossMemberChanges{AppKey: otherAppKey})},
		{"group members empty lists", "changes[0]", members(jmessage.CrossMemberChanges{AppKey: otherAppKey, Add: []string{}, Remove: []string{}})},
		{"group members bad add", "changes[0].add[1]", members(jmessage.CrossMemberChanges{AppKey: otherAppKey, Add: []string{"test1", "x"}})},
		{"group members bad remove", "changes[0].remove[0]", members(jmessage.CrossMemberChanges{AppKey: otherAppKey, Remove: []string{"a b c"}})},
		// UpdateChatroomMembers
		{"chatroom members bad room", "room_id", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.UpdateChatroomMembers(ctx, -1, []jmessage.CrossMemberChanges{okChange}))
		}},
		{"chatroom members none", "changes", roomMembers()},
		{"chatroom members missing appkey", "changes[0].appkey", roomMembers(jmessage.CrossMemberChanges{Remove: []string{"test1"}})},
		{"chatroom members nothing to change", "changes[0]", roomMembers(jmessage.CrossMemberChanges{AppKey: otherAppKey})},
		{"chatroom members 3001 added", "changes[0].add", roomMembers(jmessage.CrossMemberChanges{AppKey: otherAppKey, Add: numberedUsers(jmessage.MaxChatroomMembers + 1)})},
		{"chatroom members 3001 removed", "changes[1].remove", roomMembers(okChange, jmessage.CrossMemberChanges{AppKey: otherAppKey, Remove: numberedUsers(jmessage.MaxChatroomMembers + 1)})},
		{"group members list bad gid", "gid", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Cross.GroupMembers(ctx, 0))
		}},
		{"user groups bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Cross.UserGroups(ctx, "a b c"))
		}},
		// Blacklists
		{"blacklist bad owner", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.RemoveFromBlacklist(ctx, "ab", []jmessage.CrossUsernames{{AppKey: otherAppKey, Usernames: []string{"test1"}}}))
		}},
		{"blacklist none", "users", blacklistAdd()},
		{"blacklist 501 apps", "users", blacklistAdd(slices.Repeat([]jmessage.CrossUsernames{{AppKey: otherAppKey, Usernames: []string{"test1"}}}, 501)...)},
		{"blacklist remove 501 apps", "users", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.RemoveFromBlacklist(ctx, "javen", slices.Repeat([]jmessage.CrossUsernames{{AppKey: otherAppKey, Usernames: []string{"test1"}}}, 501)))
		}},
		{"blacklist missing appkey", "users[0].appkey", blacklistAdd(jmessage.CrossUsernames{Usernames: []string{"test1"}})},
		{"blacklist no usernames", "users[0].usernames", blacklistAdd(jmessage.CrossUsernames{AppKey: otherAppKey})},
		{"blacklist bad username", "users[0].usernames[0]", blacklistAdd(jmessage.CrossUsernames{AppKey: otherAppKey, Usernames: []string{"_bad"}})},
		{"blacklist list bad owner", "username", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Cross.Blacklist(ctx, "a/bc"))
		}},
		// SetNoDisturb
		{"no-disturb bad owner", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.SetNoDisturb(ctx, "", []jmessage.CrossNoDisturb{{AppKey: otherAppKey, Group: &jmessage.GroupIDChanges{}}}))
		}},
		{"no-disturb none", "settings", noDisturb()},
		{"no-disturb missing appkey", "settings[0].appkey", noDisturb(jmessage.CrossNoDisturb{Single: &jmessage.UsernameChanges{Add: []string{"test1"}}})},
		{"no-disturb nothing to change", "settings[0]", noDisturb(jmessage.CrossNoDisturb{AppKey: otherAppKey})},
		{"no-disturb empty parts", "settings[1]", noDisturb(
			jmessage.CrossNoDisturb{AppKey: otherAppKey, Group: &jmessage.GroupIDChanges{Add: []int64{1}}},
			jmessage.CrossNoDisturb{AppKey: otherAppKey, Single: &jmessage.UsernameChanges{}, Group: &jmessage.GroupIDChanges{Remove: []int64{}}})},
		{"no-disturb bad single", "settings[0].single.add[0]", noDisturb(jmessage.CrossNoDisturb{AppKey: otherAppKey, Single: &jmessage.UsernameChanges{Add: []string{"x"}}})},
		{"no-disturb bad gid", "settings[0].group.remove[0]", noDisturb(jmessage.CrossNoDisturb{AppKey: otherAppKey, Group: &jmessage.GroupIDChanges{Remove: []int64{0}}})},
		// Friends
		{"friends bad owner", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Cross.RemoveFriends(ctx, "x", jmessage.CrossUsernames{AppKey: otherAppKey, Usernames: []string{"test1"}}))
		}},
		{"friends missing appkey", "appkey", addFriends(jmessage.CrossUsernames{Usernames: []string{"test1"}})},
		{"friends none", "users", addFriends(jmessage.CrossUsernames{AppKey: otherAppKey})},
		{"friends 501", "users", addFriends(jmessage.CrossUsernames{AppKey: otherAppKey, Usernames: numberedUsers(jmessage.MaxFriendsBatch + 1)})},
		{"friends bad username", "users[1]", addFriends(jmessage.CrossUsernames{AppKey: otherAppKey, Usernames: []string{"test1", "用户名字"}})},
		// UpdateFriendNotes
		{"notes none", "notes", notes()},
		{"notes 501", "notes", notes(manyNotes...)},
		{"notes missing appkey", "notes[1].appkey", notes(okNote, note("", "user01", "", ""))},
		{"notes bad username", "notes[0].username", notes(note(otherAppKey, "u", "", ""))},
		{"note name 65 bytes", "notes[0].note_name", notes(note(otherAppKey, "user01", strings.Repeat("n", 65), ""))},
		{"note name counts bytes", "notes[0].note_name", notes(note(otherAppKey, "user01", strings.Repeat("备", 22), ""))},
		{"note name newline", "notes[0].note_name", notes(note(otherAppKey, "user01", "a\nb", ""))},
		{"note others 251 bytes", "notes[0].others", notes(note(otherAppKey, "user01", "", strings.Repeat("o", 251)))},
	})
}
