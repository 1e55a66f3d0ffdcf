package jmessage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// room is the chatroom of the golden answers, with the given id.
func room(id int64, members int) jmessage.Chatroom {
	return jmessage.Chatroom{ID: id, OwnerUsername: "xiaoming", Name: "test", Description: "test",
		AppKey: "4f7aef34fb361292c566a1cd", MaxMemberCount: 10000, TotalMemberCount: members,
		CTime: shanghaiTime("2017-11-27 18:38:25")}
}

func TestChatroomsEndpoints(t *testing.T) {
	t.Parallel()
	runEndpointTests(t, []endpointTest{
		{
			name: "Create", method: "POST", path: "/v1/chatroom/", request: "chatroom_create.request.json",
			status: 201, response: "chatroom_create.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "liming", Name: "测试聊天室", Description: "测试"})
			},
			want: int64(1000000), errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "GetBatch", method: "POST", path: "/v1/chatroom/batch", request: "chatroom_get_batch.request.json",
			status: 200, response: "chatroom_get_batch.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Chatrooms.GetBatch(ctx, []int64{10000001, 10000002})
			},
			want:      []jmessage.Chatroom{room(10000001, 2), room(10000002, 2)},
			errStatus: 404, errCode: jmessage.ErrChatroomNotFound,
		},
		{
			name: "ListByUser", method: "GET", path: "/v1/users/xiaoming/chatroom", status: 200,
			response: "users_chatrooms_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Chatrooms.ListByUser(ctx, "xiaoming")
			},
			want:      []jmessage.Chatroom{room(100000, 2), room(10000001, 2)},
			errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "List", method: "GET", path: "/v1/chatroom", query: url.Values{"start": {"0"}, "count": {"1"}},
			status: 200, response: "chatroom_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Chatrooms.List(ctx, jmessage.ListOptions{Count: 1})
			},
			want: &jmessage.Page[jmessage.Chatroom]{Total: 1, Start: 0, Count: 1, Items: []jmessage.Chatroom{room(62, 11)}},
		},
		{
			name: "List defaults count", method: "GET", path: "/v1/chatroom",
			query:  url.Values{"start": {"20"}, "count": {fmt.Sprint(jmessage.DefaultChatroomListCount)}},
			status: 200, response: `{"total":0,"start":20,"count":0,"rooms":[]}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Chatrooms.List(ctx, jmessage.ListOptions{Start: 20})
			},
			want: &jmessage.Page[jmessage.Chatroom]{Start: 20, Items: []jmessage.Chatroom{}},
		},
		{
			name: "List sends a large count as given", method: "GET", path: "/v1/chatroom",
			query: url.Values{"start": {"0"}, "count": {"5000"}}, status: 200, response: `{"total":0,"rooms":[]}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Chatrooms.List(ctx, jmessage.ListOptions{Count: 5000})
			},
			want: &jmessage.Page[jmessage.Chatroom]{Items: []jmessage.Chatroom{}},
		},
		{
			name: "Update", method: "PUT", path: "/v1/chatroom/111000001", request: "chatroom_update.request.json",
			status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Chatrooms.Update(ctx, 111000001, jmessage.ChatroomUpdate{
					OwnerUsername: "135380113231", Name: "中国人", Description: "说什么来这"}))
			},
			errStatus: 404, errCode: jmessage.ErrChatroomNotFound,
		},
		{
			name: "Delete", method: "DELETE", path: "/v1/chatroom/100000", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Chatrooms.Delete(ctx, 100000))
			},
			errStatus: 404, errCode: jmessage.ErrChatroomNotFound,
		},
		{
			name: "SetMemberMuted on", method: "PUT", path: "/v1/chatroom/100000/forbidden/caiyh",
			query: url.Values{"status": {"1"}}, status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Chatrooms.SetMemberMuted(ctx, 100000, "caiyh", true))
			},
			errStatus: 403, errCode: jmessage.ErrUserNotInChatroom,
		},
		{
			name: "SetMemberMuted off escapes the username", method: "PUT", path: "/v1/chatroom/100000/forbidden/a.b-c@d_e",
			query: url.Values{"status": {"0"}}, status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Chatrooms.SetMemberMuted(ctx, 100000, "a.b-c@d_e", false))
			},
			errStatus: 404, errCode: jmessage.ErrChatroomNotFound,
		},
		{
			name: "Members", method: "GET", path: "/v1/chatroom/100000/members",
			query: url.Values{"start": {"0"}, "count": {"2"}}, status: 200, response: "chatroom_members_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Chatrooms.Members(ctx, 100000, jmessage.ListOptions{Count: 2})
			},
			want: &jmessage.Page[jmessage.ChatroomMember]{Total: 2, Count: 2, Items: []jmessage.ChatroomMember{
				{Username: "13538013231", RoomCTime: shanghaiTime("2017-11-17 08:57:54"),
					MTime: shanghaiTime("2017-10-30 17:24:17"), CTime: shanghaiTime("2017-10-30 17:24:17")},
				{Username: "xia_12", RoomCTime: shanghaiTime("2017-11-16 19:13:07"),
					MTime: shanghaiTime("2017-02-08 17:56:04"), CTime: shanghaiTime("2017-02-08 17:56:04")},
			}},
			errStatus: 404, errCode: jmessage.ErrChatroomNotFound,
		},
		{
			name: "Members decodes the mute flag", method: "GET", path: "/v1/chatroom/7/members",
			query:  url.Values{"start": {"0"}, "count": {fmt.Sprint(jmessage.DefaultChatroomListCount)}},
			status: 200, response: `{"total":2,"start":0,"count":2,"users":[{"username":"muted","flag":1},{"username":"free","flag":0}]}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Chatrooms.Members(ctx, 7, jmessage.ListOptions{})
			},
			want: &jmessage.Page[jmessage.ChatroomMember]{Total: 2, Count: 2, Items: []jmessage.ChatroomMember{
				{Username: "muted", Muted: true}, {Username: "free"}}},
		},
		{
			name: "AddMembers", method: "PUT", path: "/v1/chatroom/100000/members", request: "chatroom_members_add.request.json",
			status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Chatrooms.AddMembers(ctx, 100000, []string{"user1", "user2"}))
			},
			errStatus: 404, errCode: jmessage.ErrChatroomNotFound,
		},
		{
			name: "RemoveMembers", method: "DELETE", path: "/v1/chatroom/100000/members",
			request: "chatroom_members_remove.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Chatrooms.RemoveMembers(ctx, 100000, []string{"user1", "user2"}))
			},
			errStatus: 403, errCode: jmessage.ErrUserNotInChatroom,
		},
	})
}

// TestChatroomsCreateWire: members go out as members_username, an unset
// description is left out, and the new id is read as an int64 from a
// number or a numeric string without float rounding.
func TestChatroomsCreateWire(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		room     jmessage.NewChatroom
		wantBody string
		answer   string
		wantID   int64
	}{
		"members, no description": {
			room:     jmessage.NewChatroom{OwnerUsername: "liming", Name: "room", Members: []string{"user1", "user2"}},
			wantBody: `{"owner_username":"liming","name":"room","members_username":["user1","user2"]}`,
			answer:   `{"chatroom_id":9007199254740993}`, wantID: 9007199254740993,
		},
		"id as a string": {
			room:     jmessage.NewChatroom{OwnerUsername: "liming", Name: "room", Description: "d"},
			wantBody: `{"owner_username":"liming","name":"room","description":"d","members_username":[]}`,
			answer:   `{"chatroom_id":"9007199254740995"}`, wantID: 9007199254740995,
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			seen := capture(mock, 201, tt.answer)
			id, _, err := c.Chatrooms.Create(t.Context(), tt.room)
			require.NoError(t, err)
			assert.Equal(t, tt.wantID, id)
			require.Len(t, seen(), 1)
			assert.JSONEq(t, tt.wantBody, string(seen()[0].body))
		})
	}
}

func TestChatroomsGet(t *testing.T) {
	t.Parallel()
	t.Run("one room through the batch endpoint", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		seen := capture(mock, 200, `[{"id":10000002,"name":"test","max_member_count":10000}]`)
		got, resp, err := c.Chatrooms.Get(t.Context(), 10000002)
		require.NoError(t, err)
		assert.Equal(t, &jmessage.Chatroom{ID: 10000002, Name: "test", MaxMemberCount: 10000}, got)
		assert.Equal(t, 200, resp.StatusCode)
		reqs := seen()
		require.Len(t, reqs, 1)
		assert.Equal(t, "POST", reqs[0].method)
		assert.Equal(t, "/v1/chatroom/batch", reqs[0].path)
		assert.JSONEq(t, `[10000002]`, string(reqs[0].body))
	})
	t.Run("a room missing from the answer is not found", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, 200, `[]`)
		got, resp, err := c.Chatrooms.Get(t.Context(), 10000002)
		assert.Nil(t, got)
		require.ErrorIs(t, err, jmessage.ErrChatroomNotFound)
		var apiErr *jmessage.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 200, apiErr.HTTPStatus)
		assert.Same(t, resp, apiErr.Response)
	})
	t.Run("server not-found error", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, 404, `{"error":{"code":899081,"message":"chatroom not exist"}}`)
		_, resp, err := c.Chatrooms.Get(t.Context(), 10000002)
		assert.ErrorIs(t, err, jmessage.ErrChatroomNotFound)
		require.NotNil(t, resp)
		assert.Equal(t, 404, resp.StatusCode)
	})
}

// TestChatroomDecoding: chatrooms decode the member limit in both
// spellings, and ids and counts from numbers or numeric strings.
func TestChatroomDecoding(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"snake case":      `[{"id":9007199254740993,"owner_username":"owner","max_member_count":500,"total_member_count":3,"description":"d"}]`,
		"group spelling":  `[{"id":9007199254740993,"owner_username":"owner","MaxMemberCount":500,"total_member_count":3,"description":"d"}]`,
		"numeric strings": `[{"id":"9007199254740993","owner_username":"owner","max_member_count":"500","total_member_count":"3","description":"d"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, 200, body)
			rooms, _, err := c.Chatrooms.GetBatch(t.Context(), []int64{9007199254740993})
			require.NoError(t, err)
			assert.Equal(t, []jmessage.Chatroom{{ID: 9007199254740993, OwnerUsername: "owner",
				MaxMemberCount: 500, TotalMemberCount: 3, Description: "d"}}, rooms)
		})
	}
	t.Run("numeric owner", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, 200, `[{"id":1,"owner_username":135380113231,"name":"n"}]`)
		rooms, _, err := c.Chatrooms.ListByUser(t.Context(), "135380113231")
		require.NoError(t, err)
		require.Len(t, rooms, 1)
		assert.Equal(t, "135380113231", rooms[0].OwnerUsername)
	})
	t.Run("member encodes its mute flag", func(t *testing.T) {
		t.Parallel()
		m := jmessage.ChatroomMember{Username: "xia_12", Muted: true, RoomCTime: shanghaiTime("2017-11-16 19:13:07")}
		b, err := json.Marshal(m)
		require.NoError(t, err)
		assert.JSONEq(t, `{"username":"xia_12","flag":true,"room_ctime":"2017-11-16 19:13:07","ctime":"","mtime":""}`, string(b))
		var again jmessage.ChatroomMember
		require.NoError(t, json.Unmarshal(b, &again))
		assert.Equal(t, m, again)
	})
	t.Run("bad mute flag is malformed", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, 200, `{"total":1,"users":[{"username":"x_user","flag":7}]}`)
		_, _, err := c.Chatrooms.Members(t.Context(), 1, jmessage.ListOptions{})
		assert.ErrorIs(t, err, jmessage.ErrMalformedResponse)
	})
}

func TestChatroomsMemberLimit(t *testing.T) {
	t.Parallel()
	names := numberedUsers(jmessage.MaxChatroomMembers)
	// asArray reads a plain array of usernames.
	asArray := func(t *testing.T, body []byte) []string {
		var got []string
		require.NoError(t, json.Unmarshal(body, &got))
		return got
	}
	for name, tc := range map[string]struct {
		call func(ctx context.Context, c *jmessage.Client) error
		sent func(t *testing.T, body []byte) []string
	}{
		"add": {func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.AddMembers(ctx, 1, names))
		}, asArray},
		"remove": {func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.RemoveMembers(ctx, 1, names))
		}, asArray},
		"create": {func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "owner", Name: "n", Members: names}))
		}, func(t *testing.T, body []byte) []string {
			var got struct {
				Members []string `json:"members_username"`
			}
			require.NoError(t, json.Unmarshal(body, &got))
			return got.Members
		}},
	} {
		t.Run(name+" takes 3000", func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			seen := capture(mock, 201, `{"chatroom_id":1}`)
			require.NoError(t, tc.call(t.Context(), c))
			assert.Equal(t, 1, mock.GetTotalCallCount())
			reqs := seen()
			require.Len(t, reqs, 1)
			assert.Equal(t, names, tc.sent(t, reqs[0].body), "all 3000 sent, in order")
		})
	}
}

func TestChatroomsValidation(t *testing.T) {
	t.Parallel()
	good := jmessage.NewChatroom{OwnerUsername: "liming", Name: "room"}
	create := func(edit func(*jmessage.NewChatroom)) func(ctx context.Context, c *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			r := good
			edit(&r)
			return onlyErr(c.Chatrooms.Create(ctx, r))
		}
	}
	goodUpdate := jmessage.ChatroomUpdate{OwnerUsername: "liming", Name: "room"}
	update := func(id int64, edit func(*jmessage.ChatroomUpdate)) func(ctx context.Context, c *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			u := goodUpdate
			edit(&u)
			return respErr(c.Chatrooms.Update(ctx, id, u))
		}
	}
	tooMany := numberedUsers(jmessage.MaxChatroomMembers + 1)
	runValidationTests(t, []validationTest{
		{"create bad owner", "owner_username", create(func(r *jmessage.NewChatroom) { r.OwnerUsername = "x" })},
		{"create no name", "name", create(func(r *jmessage.NewChatroom) { r.Name = "" })},
		{"create name 65 bytes", "name", create(func(r *jmessage.NewChatroom) { r.Name = strings.Repeat("n", 65) })},
		{"create name newline", "name", create(func(r *jmessage.NewChatroom) { r.Name = "a\nb" })},
		{"create description 251 bytes", "description", create(func(r *jmessage.NewChatroom) { r.Description = strings.Repeat("d", 251) })},
		{"create 3001 members", "members_username", create(func(r *jmessage.NewChatroom) { r.Members = tooMany })},
		{"create bad member", "members_username[1]", create(func(r *jmessage.NewChatroom) { r.Members = []string{"good_one", "b/d"} })},
		{"get batch none", "room_ids", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Chatrooms.GetBatch(ctx, nil))
		}},
		{"get batch zero id", "room_ids[1]", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Chatrooms.GetBatch(ctx, []int64{1, 0}))
		}},
		{"get zero id", "room_id", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Chatrooms.Get(ctx, 0))
		}},
		{"list by user bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Chatrooms.ListByUser(ctx, "ab"))
		}},
		{"list negative start", "start", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Chatrooms.List(ctx, jmessage.ListOptions{Start: -1}))
		}},
		{"list negative count", "count", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Chatrooms.List(ctx, jmessage.ListOptions{Count: -1}))
		}},
		{"update zero id", "room_id", update(0, func(*jmessage.ChatroomUpdate) {})},
		{"update bad owner", "owner_username", update(1, func(u *jmessage.ChatroomUpdate) { u.OwnerUsername = "" })},
		{"update no name", "name", update(1, func(u *jmessage.ChatroomUpdate) { u.Name = "" })},
		{"update name newline", "name", update(1, func(u *jmessage.ChatroomUpdate) { u.Name = "a\rb" })},
		{"update owner bad characters", "owner_username", update(1, func(u *jmessage.ChatroomUpdate) { u.OwnerUsername = "li ming" })},
		{"update description 251 bytes", "description", update(1, func(u *jmessage.ChatroomUpdate) { u.Description = strings.Repeat("d", 251) })},
		{"delete negative id", "room_id", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.Delete(ctx, -1))
		}},
		{"mute zero id", "room_id", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.SetMemberMuted(ctx, 0, "caiyh", true))
		}},
		{"mute bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.SetMemberMuted(ctx, 1, "a/b", true))
		}},
		{"members zero id", "room_id", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Chatrooms.Members(ctx, 0, jmessage.ListOptions{}))
		}},
		{"members negative start", "start", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Chatrooms.Members(ctx, 1, jmessage.ListOptions{Start: -5}))
		}},
		{"all members zero id", "room_id", func(ctx context.Context, c *jmessage.Client) error {
			for _, err := range c.Chatrooms.AllMembers(ctx, 0, jmessage.ListOptions{}) {
				return err
			}
			return nil
		}},
		{"add 3001 members", "usernames", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.AddMembers(ctx, 1, tooMany))
		}},
		{"add no members", "usernames", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.AddMembers(ctx, 1, nil))
		}},
		{"add bad member", "usernames[2]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.AddMembers(ctx, 1, []string{"user1", "user2", "_bad"}))
		}},
		{"add zero id", "room_id", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.AddMembers(ctx, 0, []string{"user1"}))
		}},
		{"remove 3001 members", "usernames", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.RemoveMembers(ctx, 1, tooMany))
		}},
		{"remove no members", "usernames", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.RemoveMembers(ctx, 1, []string{}))
		}},
		{"remove bad member", "usernames[0]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.RemoveMembers(ctx, 1, []string{"abc", "user2"}))
		}},
		{"remove zero id", "room_id", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Chatrooms.RemoveMembers(ctx, 0, []string{"user1"}))
		}},
		{"all negative count", "count", func(ctx context.Context, c *jmessage.Client) error {
			for _, err := range c.Chatrooms.All(ctx, jmessage.ListOptions{Count: -1}) {
				return err
			}
			return nil
		}},
	})
}

var chatroomsAll = iteratorTest[jmessage.Chatroom]{path: "/v1/chatroom", key: "rooms", item: `{"id":1}`,
	all: func(ctx context.Context, c *jmessage.Client, o jmessage.ListOptions) iter.Seq2[jmessage.Chatroom, error] {
		return c.Chatrooms.All(ctx, o)
	}}

var chatroomMembersAll = iteratorTest[jmessage.ChatroomMember]{path: "/v1/chatroom/42/members", key: "users",
	item: `{"username":"u000"}`,
	all: func(ctx context.Context, c *jmessage.Client, o jmessage.ListOptions) iter.Seq2[jmessage.ChatroomMember, error] {
		return c.Chatrooms.AllMembers(ctx, 42, o)
	}}

func TestChatroomsIterators(t *testing.T) {
	t.Parallel()
	t.Run("All walks every page", func(t *testing.T) {
		t.Parallel()
		rooms := chatroomsAll.walkPages(t, jmessage.ListOptions{Count: 2}, "2", map[string]string{
			"0": `{"total":3,"start":0,"count":2,"rooms":[{"id":1},{"id":2}]}`,
			"2": `{"total":3,"start":2,"count":1,"rooms":[{"id":3}]}`,
		}, []string{"0", "2"})
		var ids []int64
		for _, r := range rooms {
			ids = append(ids, r.ID)
		}
		assert.Equal(t, []int64{1, 2, 3}, ids)
	})
	t.Run("AllMembers walks every page", func(t *testing.T) {
		t.Parallel()
		members := chatroomMembersAll.walkPages(t, jmessage.ListOptions{Count: 2}, "2", map[string]string{
			"0": `{"total":5,"start":0,"count":2,"users":[{"username":"u000"},{"username":"u001","flag":1}]}`,
			"2": `{"total":5,"start":2,"count":2,"users":[{"username":"u002"},{"username":"u003"}]}`,
			"4": `{"total":5,"start":4,"count":1,"users":[{"username":"u004"}]}`,
		}, []string{"0", "2", "4"})
		var names []string
		var muted []string
		for _, m := range members {
			names = append(names, m.Username)
			if m.Muted {
				muted = append(muted, m.Username)
			}
		}
		assert.Equal(t, []string{"u000", "u001", "u002", "u003", "u004"}, names)
		assert.Equal(t, []string{"u001"}, muted)
	})
	t.Run("All stops", func(t *testing.T) {
		t.Parallel()
		runIteratorStops(t, chatroomsAll)
	})
	t.Run("AllMembers stops", func(t *testing.T) {
		t.Parallel()
		runIteratorStops(t, chatroomMembersAll)
	})
	t.Run("AllMembers yields a not-found error once", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, 404, `{"error":{"code":899081,"message":"chatroom not exist"}}`)
		var errs int
		for _, err := range c.Chatrooms.AllMembers(t.Context(), 42, jmessage.ListOptions{}) {
			assert.ErrorIs(t, err, jmessage.ErrChatroomNotFound)
			errs++
		}
		assert.Equal(t, 1, errs)
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
}

// numberedUsers returns n distinct valid usernames.
func numberedUsers(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("user%04d", i)
	}
	return names
}
