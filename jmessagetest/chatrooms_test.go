package jmessagetest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// roomMembers returns a chatroom's members as the server holds them, the
// muted ones marked with a '!'.
func roomMembers(t *testing.T, srv *jmessagetest.Server, id int64) []string {
	t.Helper()
	r, ok := srv.Chatroom(id)
	require.True(t, ok, "chatroom %d", id)
	var out []string
	for _, m := range r.Members {
		n := m.Username
		if m.Muted {
			n += "!"
		}
		out = append(out, n)
	}
	return out
}

func TestChatroomLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, jmessagetest.WithClock(fixedClock))
	ctx := t.Context()
	register(t, c, "liming", "xiaoming", "user1", "user2")

	id, resp, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "liming", Name: "测试聊天室", Description: "测试"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assertGoldenShape(t, "chatroom_create.response.json", resp)
	assert.Positive(t, id)
	assert.Equal(t, []string{"liming"}, roomMembers(t, srv, id), "the owner is a member")

	id2, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "xiaoming", Name: "test", Members: []string{"user1", "user2"}})
	require.NoError(t, err)
	assert.NotEqual(t, id, id2)
	assert.Equal(t, []string{"xiaoming", "user1", "user2"}, roomMembers(t, srv, id2))

	_, _, err = c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "ghost", Name: "x"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, _, err = c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "liming", Name: "x", Members: []string{"ghost"}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	// Batch get: the rooms asked for, unknown ids left out.
	rooms, resp, err := c.Chatrooms.GetBatch(ctx, []int64{id, id2, id2 + 100})
	require.NoError(t, err)
	assertGoldenShape(t, "chatroom_get_batch.response.json", resp)
	require.Len(t, rooms, 2)
	assert.Equal(t, jmessage.Chatroom{ID: id, OwnerUsername: "liming", Name: "测试聊天室", Description: "测试",
		AppKey: srv.AppKey(), MaxMemberCount: jmessagetest.ChatroomCapacity, TotalMemberCount: 1,
		CTime: jmessage.Time{Time: t0.In(jmessage.Shanghai())}}, rooms[0])
	assert.Equal(t, 3, rooms[1].TotalMemberCount)
	room, _, err := c.Chatrooms.Get(ctx, id2)
	require.NoError(t, err)
	assert.Equal(t, "xiaoming", room.OwnerUsername)
	_, _, err = c.Chatrooms.Get(ctx, id2+100)
	assert.ErrorIs(t, err, jmessage.ErrChatroomNotFound)

	// Update: all three fields; a new owner must be a member.
	resp, err = c.Chatrooms.Update(ctx, id2, jmessage.ChatroomUpdate{OwnerUsername: "user1", Name: "中国人", Description: "说什么来这"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	state, _ := srv.Chatroom(id2)
	assert.Equal(t, "user1", state.Owner.Username)
	assert.Equal(t, "中国人", state.Name)
	assert.Equal(t, "说什么来这", state.Description)
	// The chatroom service answers its own codes here (endpoints.json),
	// which match the general sentinels.
	_, err = c.Chatrooms.Update(ctx, id2, jmessage.ChatroomUpdate{OwnerUsername: "liming", Name: "x"})
	requireCode(t, err, http.StatusBadRequest, 853002)
	assert.ErrorIs(t, err, jmessage.ErrUserNotInChatroom)
	_, err = c.Chatrooms.Update(ctx, id2, jmessage.ChatroomUpdate{OwnerUsername: "ghost", Name: "x"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, err = c.Chatrooms.Update(ctx, id2+100, jmessage.ChatroomUpdate{OwnerUsername: "user1", Name: "x"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrChatroomNotFound)
	state, _ = srv.Chatroom(id2)
	assert.Equal(t, "中国人", state.Name, "failed updates change nothing")

	resp, err = c.Chatrooms.Delete(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	_, ok := srv.Chatroom(id)
	assert.False(t, ok)
	_, err = c.Chatrooms.Delete(ctx, id)
	requireCode(t, err, http.StatusNotFound, 850001)
	assert.ErrorIs(t, err, jmessage.ErrChatroomNotFound)

	auth := basic(srv)
	for name, tc := range map[string]struct{ method, path, body string }{
		"create without name":  {"POST", "/v1/chatroom/", `{"owner_username":"liming","members_username":[]}`},
		"create long desc":     {"POST", "/v1/chatroom/", `{"owner_username":"liming","name":"x","description":"` + string(make([]byte, 251)) + `"}`},
		"create unknown key":   {"POST", "/v1/chatroom/", `{"owner_username":"liming","name":"x","flag":1}`},
		"update without owner": {"PUT", fmt.Sprintf("/v1/chatroom/%d", id2), `{"name":"x","description":""}`},
		"update members":       {"PUT", fmt.Sprintf("/v1/chatroom/%d", id2), `{"owner_username":"user1","name":"x","members_username":[]}`},
		"batch of none":        {"POST", "/v1/chatroom/batch", `[]`},
		"batch of strings":     {"POST", "/v1/chatroom/batch", `["1"]`},
		"bad room id":          {"DELETE", "/v1/chatroom/x", ``},
	} {
		ct := "application/json"
		if tc.body == "" {
			ct = ""
		}
		status, _, body := raw(t, srv, tc.method, tc.path, auth, ct, tc.body)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Contains(t, string(body), `"code":899003`, name)
	}
}

func TestChatroomMembers(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, jmessagetest.WithClock(fixedClock))
	ctx := t.Context()
	register(t, c, "owner", "user1", "user2", "user3", "13538013231")
	id, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "owner", Name: "room"})
	require.NoError(t, err)

	srv.Advance(time.Minute)
	resp, err := c.Chatrooms.AddMembers(ctx, id, []string{"user1", "user2"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	_, err = c.Chatrooms.AddMembers(ctx, id, []string{"13538013231", "user1"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrAlreadyInChatroom)
	_, err = c.Chatrooms.AddMembers(ctx, id, []string{"13538013231", "13538013231"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrChatroomInviteRepeated)
	assert.Equal(t, []string{"owner", "user1", "user2"}, roomMembers(t, srv, id), "all or none")
	_, err = c.Chatrooms.AddMembers(ctx, id, []string{"13538013231"})
	require.NoError(t, err)
	assert.Equal(t, []string{"owner", "user1", "user2", "13538013231"}, roomMembers(t, srv, id))
	_, err = c.Chatrooms.AddMembers(ctx, id, []string{"user3", "ghost"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, err = c.Chatrooms.AddMembers(ctx, id+100, []string{"user3"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrChatroomNotFound)

	resp, err = c.Chatrooms.RemoveMembers(ctx, id, []string{"user2"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	_, err = c.Chatrooms.RemoveMembers(ctx, id, []string{"user1", "user2"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserNotInChatroom)
	assert.Equal(t, []string{"owner", "user1", "13538013231"}, roomMembers(t, srv, id), "all or none")

	// Mute flags: status 1 and 0.
	resp, err = c.Chatrooms.SetMemberMuted(ctx, id, "user1", true)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, []string{"owner", "user1!", "13538013231"}, roomMembers(t, srv, id))
	_, err = c.Chatrooms.SetMemberMuted(ctx, id, "user3", true)
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserNotInChatroom)
	_, err = c.Chatrooms.SetMemberMuted(ctx, id, "ghost", true)
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, err = c.Chatrooms.SetMemberMuted(ctx, id+100, "user1", true)
	requireCode(t, err, http.StatusNotFound, jmessage.ErrChatroomNotFound)
	status, _, _ := raw(t, srv, "PUT", fmt.Sprintf("/v1/chatroom/%d/forbidden/user1?status=true", id), basic(srv), "", "")
	assert.Equal(t, http.StatusBadRequest, status, "status takes 0 or 1")

	// Members, paged, with the mute flag and when each joined.
	page, resp, err := c.Chatrooms.Members(ctx, id, jmessage.ListOptions{Start: 1, Count: 2})
	require.NoError(t, err)
	assertGoldenShape(t, "chatroom_members_list.response.json", resp)
	assert.Equal(t, 3, page.Total)
	assert.Equal(t, 1, page.Start)
	assert.Equal(t, 2, page.Count)
	require.Len(t, page.Items, 2)
	assert.Equal(t, "user1", page.Items[0].Username)
	assert.True(t, page.Items[0].Muted)
	assert.True(t, t0.Add(time.Minute).Equal(page.Items[0].RoomCTime.Time), "joined %v", page.Items[0].RoomCTime)
	assert.True(t, t0.Equal(page.Items[0].CTime.Time))
	assert.Equal(t, "13538013231", page.Items[1].Username)
	assert.False(t, page.Items[1].Muted)
	var all []string
	for m, err := range c.Chatrooms.AllMembers(ctx, id, jmessage.ListOptions{Count: 1}) {
		require.NoError(t, err)
		all = append(all, m.Username)
	}
	assert.Equal(t, []string{"owner", "user1", "13538013231"}, all)
	_, _, err = c.Chatrooms.Members(ctx, id+100, jmessage.ListOptions{})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrChatroomNotFound)

	_, err = c.Chatrooms.SetMemberMuted(ctx, id, "user1", false)
	require.NoError(t, err)
	assert.Equal(t, []string{"owner", "user1", "13538013231"}, roomMembers(t, srv, id))
}

func TestChatroomListsAndMessages(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "owner", "xiaoming", "user1")
	_, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin", Password: "password"})
	require.NoError(t, err)
	var ids []int64
	for i := range 5 {
		var members []string
		if i%2 == 1 {
			members = []string{"xiaoming"}
		}
		id, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "owner", Name: "test", Description: "test", Members: members})
		require.NoError(t, err)
		ids = append(ids, id)
	}

	page, resp, err := c.Chatrooms.List(ctx, jmessage.ListOptions{Start: 3, Count: 1})
	require.NoError(t, err)
	assertGoldenShape(t, "chatroom_list.response.json", resp)
	assert.Equal(t, 5, page.Total)
	require.Len(t, page.Items, 1)
	assert.Equal(t, ids[3], page.Items[0].ID)
	var all []int64
	for r, err := range c.Chatrooms.All(ctx, jmessage.ListOptions{Count: 2}) {
		require.NoError(t, err)
		all = append(all, r.ID)
	}
	assert.Equal(t, ids, all)

	rooms, resp, err := c.Chatrooms.ListByUser(ctx, "xiaoming")
	require.NoError(t, err)
	assertGoldenShape(t, "users_chatrooms_list.response.json", resp)
	require.Len(t, rooms, 2)
	assert.Equal(t, ids[1], rooms[0].ID)
	assert.Equal(t, ids[3], rooms[1].ID)
	assert.Equal(t, 2, rooms[0].TotalMemberCount)
	rooms, resp, err = c.Chatrooms.ListByUser(ctx, "user1")
	require.NoError(t, err)
	assert.Empty(t, rooms)
	assert.JSONEq(t, `[]`, string(resp.RawBody))
	_, _, err = c.Chatrooms.ListByUser(ctx, "ghost")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	// Messages to a room: members and admins may send, muted members not.
	send := func(from jmessage.Sender, to int64) error {
		_, _, err := c.Messages.Send(ctx, jmessage.Message{From: from, To: jmessage.ToChatroom(to), Body: jmessage.Text{Text: "hi"}})
		return err
	}
	require.NoError(t, send(jmessage.FromUser("xiaoming"), ids[1]))
	require.NoError(t, send(jmessage.FromAdmin("admin"), ids[0]))
	requireCode(t, send(jmessage.FromUser("user1"), ids[1]), http.StatusBadRequest, jmessage.ErrUserNotInChatroom)
	requireCode(t, send(jmessage.FromUser("xiaoming"), ids[4]+100), http.StatusNotFound, jmessage.ErrChatroomNotFound)
	_, err = c.Chatrooms.SetMemberMuted(ctx, ids[1], "xiaoming", true)
	require.NoError(t, err)
	requireCode(t, send(jmessage.FromUser("xiaoming"), ids[1]), http.StatusForbidden, jmessage.ErrSendForbidden)
	msgs := srv.Messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, "chatroom", msgs[0].TargetType)
	assert.Equal(t, fmt.Sprint(ids[1]), msgs[0].TargetID)
}

// TestChatroomFull: a room takes ChatroomCapacity members, the owner
// included; one more is refused with 851006 and nothing changes.
func TestChatroomFull(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	names := make([]string, jmessagetest.ChatroomCapacity+1)
	for i := range names {
		names[i] = fmt.Sprintf("member%05d", i)
	}
	for i := 0; i < len(names); i += 500 {
		register(t, c, names[i:min(len(names), i+500)]...)
	}
	id, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: names[0], Name: "full"})
	require.NoError(t, err)
	for i := 1; i < len(names)-1; i += 3000 {
		_, err := c.Chatrooms.AddMembers(ctx, id, names[i:min(len(names)-1, i+3000)])
		require.NoError(t, err)
	}
	_, err = c.Chatrooms.AddMembers(ctx, id, names[len(names)-1:])
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrChatroomFull)
	room, _ := srv.Chatroom(id)
	assert.Len(t, room.Members, jmessagetest.ChatroomCapacity)
}
