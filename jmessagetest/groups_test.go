package jmessagetest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// profiled registers users with the profile fields the golden member and
// friend lists show (no extras), so that answers can be compared with them.
func profiled(t *testing.T, c *jmessage.Client, names ...string) {
	t.Helper()
	users := make([]jmessage.NewUser, len(names))
	for i, n := range names {
		users[i] = jmessage.NewUser{Username: n, Password: "password", Nickname: "hello", Avatar: "/avatar",
			Birthday: jmessage.NewDate(1990, time.January, 24), Gender: jmessage.GenderMale, Signature: "orz",
			Region: "shenzhen", Address: "shenzhen"}
	}
	res, _, err := c.Users.RegisterBatch(t.Context(), users)
	require.NoError(t, err)
	for _, r := range res {
		require.NoError(t, r.Err, r.Username)
	}
}

// newGroup creates a group of owner with members and returns its gid.
func newGroup(t *testing.T, c *jmessage.Client, owner string, members ...string) int64 {
	t.Helper()
	g, _, err := c.Groups.Create(t.Context(), jmessage.NewGroup{OwnerUsername: owner, Name: "group of " + owner, Members: members})
	require.NoError(t, err)
	return g.GID
}

// joinGroup adds users of the app appKey to group gid, through c, a client
// of the group's app.
func joinGroup(t *testing.T, c *jmessage.Client, gid int64, appKey string, usernames ...string) {
	t.Helper()
	_, err := c.Cross.UpdateGroupMembers(t.Context(), gid, []jmessage.CrossMemberChanges{{AppKey: appKey, Add: usernames}})
	require.NoError(t, err)
}

// memberNames returns a group's members as the server holds them, the
// owner marked with a '*'.
func memberNames(t *testing.T, srv *jmessagetest.Server, gid int64) []string {
	t.Helper()
	g, ok := srv.Group(gid)
	require.True(t, ok, "group %d", gid)
	var out []string
	for _, m := range g.Members {
		n := m.Username
		if m.Owner {
			n += "*"
		}
		out = append(out, n)
	}
	return out
}

// t0 is a fixed clock for tests that compare times.
var t0 = time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return t0 }

func TestGroupLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, jmessagetest.WithClock(fixedClock))
	ctx := t.Context()
	register(t, c, "tom01", "eddie", "annie")

	created, resp, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "tom01", Name: "群聊天室",
		Members: []string{"eddie", "annie"}, Avatar: "qiniu/image/F39AA12204DAB6A2", Type: jmessage.GroupPrivate, Desc: "运动"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assertGoldenShape(t, "groups_create.response.json", resp)
	assert.Positive(t, created.GID)
	assert.Equal(t, "tom01", created.OwnerUsername)
	assert.Equal(t, []string{"eddie", "annie"}, created.Members)
	assert.Equal(t, 500, created.MaxMemberCount)

	state, ok := srv.Group(created.GID)
	require.True(t, ok)
	assert.Equal(t, jmessagetest.AppUser{AppKey: srv.AppKey(), Username: "tom01"}, state.Owner)
	assert.Equal(t, []string{"tom01*", "eddie", "annie"}, memberNames(t, srv, created.GID))
	assert.False(t, state.Public)
	assert.Equal(t, "qiniu/image/F39AA12204DAB6A2", state.Avatar)

	got, _, err := c.Groups.Get(ctx, created.GID)
	require.NoError(t, err)
	assert.Equal(t, "群聊天室", got.Name)
	assert.Equal(t, "运动", got.Desc)
	assert.Equal(t, "qiniu/image/F39AA12204DAB6A2", got.Avatar)
	assert.Equal(t, srv.AppKey(), got.AppKey)
	assert.Equal(t, 500, got.MaxMemberCount)

	// A group without avatar answers exactly the golden keys.
	plain, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "eddie", Name: "jpush", Desc: "push",
		Type: jmessage.GroupPublic})
	require.NoError(t, err)
	_, resp, err = c.Groups.Get(ctx, plain.GID)
	require.NoError(t, err)
	assertGoldenShape(t, "groups_get.response.json", resp)
	state, _ = srv.Group(plain.GID)
	assert.True(t, state.Public)
	assert.Equal(t, []string{"eddie*"}, memberNames(t, srv, plain.GID))
	assert.NotEqual(t, created.GID, plain.GID)

	// Update changes only what it names, and mtime.
	before, _ := srv.Group(created.GID)
	srv.Advance(time.Hour)
	_, err = c.Groups.Update(ctx, created.GID, jmessage.GroupUpdate{Name: jmessage.Ptr("new name")})
	require.NoError(t, err)
	after, _ := srv.Group(created.GID)
	assert.Equal(t, "new name", after.Name)
	assert.Equal(t, "运动", after.Desc)
	assert.Equal(t, t0, before.MTime)
	assert.Equal(t, t0, after.CTime)
	assert.Equal(t, t0.Add(time.Hour), after.MTime)
	resp, err = c.Groups.Update(ctx, created.GID, jmessage.GroupUpdate{Desc: jmessage.Ptr("new desc"), Avatar: jmessage.Ptr("")})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	got, _, err = c.Groups.Get(ctx, created.GID)
	require.NoError(t, err)
	assert.Equal(t, "new desc", got.Desc)
	assert.Empty(t, got.Avatar)
	assert.True(t, t0.Add(time.Hour).Equal(got.MTime.Time), "mtime %v", got.MTime)
	assert.True(t, t0.Equal(got.CTime.Time), "ctime %v", got.CTime)

	resp, err = c.Groups.Delete(ctx, created.GID)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	_, ok = srv.Group(created.GID)
	assert.False(t, ok)
	_, _, err = c.Groups.Get(ctx, created.GID)
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)
	_, err = c.Groups.Delete(ctx, created.GID)
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)
	_, err = c.Groups.Update(ctx, created.GID, jmessage.GroupUpdate{Name: jmessage.Ptr("x")})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)
	assert.Equal(t, []int64{plain.GID}, srv.GroupIDs())
}

func TestGroupCreateErrors(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "tom01", "eddie")

	_, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "nobody", Name: "g"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, _, err = c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "tom01", Name: "g", Members: []string{"eddie", "ghost"}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	assert.Empty(t, srv.GroupIDs(), "a failed create leaves nothing")

	// The owner named among the members counts once.
	g, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "tom01", Name: "g", Members: []string{"tom01", "eddie"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"eddie"}, g.Members)
	assert.Equal(t, []string{"tom01*", "eddie"}, memberNames(t, srv, g.GID))

	// Server-side field rules, for clients that skip the SDK's checks.
	auth := basic(srv)
	for name, body := range map[string]string{
		"no name":       `{"owner_username":"tom01"}`,
		"empty name":    `{"owner_username":"tom01","name":""}`,
		"bad flag":      `{"owner_username":"tom01","name":"g","flag":3}`,
		"long name":     fmt.Sprintf(`{"owner_username":"tom01","name":%q}`, string(make([]byte, 65))),
		"newline name":  `{"owner_username":"tom01","name":"a\nb"}`,
		"bad owner":     `{"owner_username":"_x","name":"g"}`,
		"bad member":    `{"owner_username":"tom01","name":"g","members_username":["a b c"]}`,
		"unknown key":   `{"owner_username":"tom01","name":"g","level":1}`,
		"null for name": `{"owner_username":"tom01","name":null}`,
	} {
		status, _, body := raw(t, srv, "POST", "/v1/groups/", auth, "application/json", body)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Contains(t, string(body), `"code":899003`, name)
	}
	for name, body := range map[string]string{
		"no field":      `{}`,
		"long desc":     fmt.Sprintf(`{"desc":%q}`, string(make([]byte, 251))),
		"name a number": `{"name":3}`,
	} {
		status, _, body := raw(t, srv, "PUT", fmt.Sprintf("/v1/groups/%d", g.GID), auth, "application/json", body)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Contains(t, string(body), `"code":899003`, name)
	}
	status, _, _ := raw(t, srv, "GET", "/v1/groups/abc", auth, "", "")
	assert.Equal(t, http.StatusBadRequest, status)
	status, _, _ = raw(t, srv, "GET", "/v1/groups/0", auth, "", "")
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestGroupMembers(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "owner", "test1", "test2", "test3", "test4")
	profiled(t, c, "javen")
	gid := newGroup(t, c, "owner", "test3", "test4")

	// v1: add and remove in one call.
	resp, err := c.Groups.UpdateMembers(ctx, gid, jmessage.UsernameChanges{Add: []string{"test1", "test2"}, Remove: []string{"test3", "test4"}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, []string{"owner*", "test1", "test2"}, memberNames(t, srv, gid))

	for name, tc := range map[string]struct {
		changes jmessage.UsernameChanges
		code    jmessage.ErrorCode
		status  int
	}{
		"already member":  {jmessage.UsernameChanges{Add: []string{"test3", "test1"}}, jmessage.ErrUserInGroup, http.StatusBadRequest},
		"added twice":     {jmessage.UsernameChanges{Add: []string{"test3", "test3"}}, jmessage.ErrUserInGroup, http.StatusBadRequest},
		"not member":      {jmessage.UsernameChanges{Add: []string{"test3"}, Remove: []string{"test4"}}, jmessage.ErrUserNotInGroup, http.StatusBadRequest},
		"unknown to add":  {jmessage.UsernameChanges{Add: []string{"test3", "ghost"}}, jmessage.ErrUserNotFound, http.StatusNotFound},
		"unknown to drop": {jmessage.UsernameChanges{Remove: []string{"ghost"}}, jmessage.ErrUserNotFound, http.StatusNotFound},
	} {
		_, err := c.Groups.UpdateMembers(ctx, gid, tc.changes)
		requireCode(t, err, tc.status, tc.code)
		assert.Equal(t, []string{"owner*", "test1", "test2"}, memberNames(t, srv, gid), "%s changes nothing", name)
	}
	_, err = c.Groups.UpdateMembers(ctx, gid+100, jmessage.UsernameChanges{Add: []string{"test3"}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)
	status, _, body := raw(t, srv, "POST", fmt.Sprintf("/v1/groups/%d/members", gid), basic(srv), "application/json", `{}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), `"code":899003`)

	// v2: plain arrays.
	_, err = c.Groups.AddMembers(ctx, gid, []string{"test3", "javen"})
	require.NoError(t, err)
	_, err = c.Groups.RemoveMembers(ctx, gid, []string{"test1"})
	require.NoError(t, err)
	assert.Equal(t, []string{"owner*", "test2", "test3", "javen"}, memberNames(t, srv, gid))
	_, err = c.Groups.AddMembers(ctx, gid, []string{"test4", "test2"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserInGroup)
	_, err = c.Groups.RemoveMembers(ctx, gid, []string{"test1"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserNotInGroup)
	_, err = c.Groups.AddMembers(ctx, gid+100, []string{"test1"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)

	// The members list: the owner flagged, profiles as the golden shows them.
	members, resp, err := c.Groups.Members(ctx, gid)
	require.NoError(t, err)
	require.Len(t, members, 4)
	assert.Equal(t, "owner", members[0].Username)
	assert.Equal(t, jmessage.GroupOwnerRole, members[0].Role)
	assert.Equal(t, jmessage.GroupMemberRole, members[1].Role)
	assert.Equal(t, "javen", members[3].Username)
	assert.Equal(t, "hello", members[3].Nickname)
	assert.Equal(t, "1990-01-24", members[3].Birthday.Format("2006-01-02"))
	status, _, body = raw(t, srv, "GET", fmt.Sprintf("/v1/groups/%d/members/", gid), basic(srv), "", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, shape(t, golden(t, "groups_members_list.response.json")), shape(t, itemAt(t, body, 3)))
	assert.NotNil(t, resp)
	_, _, err = c.Groups.Members(ctx, gid+100)
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)

	// A deleted user leaves the group.
	_, err = c.Users.Delete(ctx, "test3")
	require.NoError(t, err)
	assert.Equal(t, []string{"owner*", "test2", "javen"}, memberNames(t, srv, gid))

	// So does a deleted owner, handing the group on.
	_, err = c.Groups.AddMembers(ctx, gid, []string{"test4"})
	require.NoError(t, err)
	_, err = c.Users.Delete(ctx, "owner")
	require.NoError(t, err)
	assert.Equal(t, []string{"test2*", "javen", "test4"}, memberNames(t, srv, gid))
	members, _, err = c.Groups.Members(ctx, gid)
	require.NoError(t, err)
	assert.Equal(t, jmessage.GroupOwnerRole, members[0].Role)
	register(t, c, "owner")
	_, err = c.Groups.AddMembers(ctx, gid, []string{"owner"})
	require.NoError(t, err)

	// The owner leaving hands the group to the longest-standing member; the
	// last member leaving deletes it.
	_, err = c.Groups.RemoveMembers(ctx, gid, []string{"test2"})
	require.NoError(t, err)
	assert.Equal(t, []string{"javen*", "test4", "owner"}, memberNames(t, srv, gid))
	_, err = c.Groups.RemoveMembers(ctx, gid, []string{"test4", "javen", "owner"})
	require.NoError(t, err)
	_, ok := srv.Group(gid)
	assert.False(t, ok)
}

// itemAt returns element i of a JSON array as an array of one, so that
// its shape is compared with a golden array's (the golden's first element).
func itemAt(t *testing.T, body []byte, i int) []byte {
	t.Helper()
	var items []json.RawMessage
	require.NoError(t, json.Unmarshal(body, &items), "%s", body)
	require.Greater(t, len(items), i, "%s", body)
	return []byte("[" + string(items[i]) + "]")
}

func TestGroupCapacity(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	names := make([]string, 501)
	for i := range names {
		names[i] = fmt.Sprintf("user%03d", i)
	}
	register(t, c, names[:500]...)
	register(t, c, names[500])

	// Owner and 500 members: one too many.
	_, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: names[0], Name: "big", Members: names[1:]})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrGroupFull)
	assert.Empty(t, srv.GroupIDs())

	gid := newGroup(t, c, names[0], names[1:499]...) // 499 members
	_, err = c.Groups.AddMembers(ctx, gid, names[499:501])
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrGroupFull)
	_, err = c.Groups.AddMembers(ctx, gid, names[499:500])
	require.NoError(t, err)
	g, _ := srv.Group(gid)
	assert.Len(t, g.Members, jmessagetest.GroupCapacity)
	_, err = c.Groups.UpdateMembers(ctx, gid, jmessage.UsernameChanges{Add: names[500:]})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrGroupFull)
	// Removing makes room within the same call.
	_, err = c.Groups.UpdateMembers(ctx, gid, jmessage.UsernameChanges{Add: names[500:], Remove: names[1:2]})
	require.NoError(t, err)
	g, _ = srv.Group(gid)
	assert.Len(t, g.Members, jmessagetest.GroupCapacity)
	assert.Equal(t, names[500], g.Members[len(g.Members)-1].Username)
}

func TestGroupListing(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice", "bobby")
	var gids []int64
	for range 5 {
		gids = append(gids, newGroup(t, c, "alice"))
	}
	_, err := c.Groups.AddMembers(ctx, gids[1], []string{"bobby"})
	require.NoError(t, err)
	_, err = c.Groups.AddMembers(ctx, gids[3], []string{"bobby"})
	require.NoError(t, err)

	page, resp, err := c.Groups.List(ctx, jmessage.ListOptions{Start: 1, Count: 2})
	require.NoError(t, err)
	assertGoldenShape(t, "groups_list.response.json", resp)
	assert.Equal(t, 5, page.Total)
	assert.Equal(t, 1, page.Start)
	assert.Equal(t, 2, page.Count)
	require.Len(t, page.Items, 2)
	assert.Equal(t, gids[1], page.Items[0].GID)
	assert.Equal(t, gids[2], page.Items[1].GID)
	assert.Equal(t, 500, page.Items[0].MaxMemberCount)

	page, _, err = c.Groups.List(ctx, jmessage.ListOptions{Start: 10, Count: 2})
	require.NoError(t, err)
	assert.Equal(t, 5, page.Total)
	assert.Empty(t, page.Items)

	var all []int64
	for g, err := range c.Groups.All(ctx, jmessage.ListOptions{Count: 2}) {
		require.NoError(t, err)
		all = append(all, g.GID)
	}
	assert.Equal(t, gids, all)

	status, _, _ := raw(t, srv, "GET", "/v1/groups/?start=0&count=501", basic(srv), "", "")
	assert.Equal(t, http.StatusBadRequest, status)

	// A user's groups.
	mine, resp, err := c.Groups.ListByUser(ctx, "bobby")
	require.NoError(t, err)
	assertGoldenShape(t, "users_groups_list.response.json", resp)
	require.Len(t, mine, 2)
	assert.Equal(t, gids[1], mine[0].GID)
	assert.Equal(t, gids[3], mine[1].GID)
	mine, _, err = c.Groups.ListByUser(ctx, "alice")
	require.NoError(t, err)
	assert.Len(t, mine, 5)
	_, _, err = c.Groups.ListByUser(ctx, "ghost")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	register(t, c, "carol")
	mine, resp, err = c.Groups.ListByUser(ctx, "carol")
	require.NoError(t, err)
	assert.Empty(t, mine)
	assert.JSONEq(t, `[]`, string(resp.RawBody))
}

func TestGroupShield(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice", "bobby")
	g1, g2 := newGroup(t, c, "alice", "bobby"), newGroup(t, c, "alice")

	resp, err := c.Groups.SetShield(ctx, "alice", jmessage.GroupIDChanges{Add: []int64{g1, g2}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	u, _ := srv.User("alice")
	assert.Equal(t, []int64{g1, g2}, u.GroupShields)

	_, err = c.Groups.SetShield(ctx, "alice", jmessage.GroupIDChanges{Add: []int64{g1}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrGroupShieldAlreadyOn)
	_, err = c.Groups.SetShield(ctx, "alice", jmessage.GroupIDChanges{Remove: []int64{g2}, Add: []int64{g2}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrGroupShieldAlreadyOn)
	_, err = c.Groups.SetShield(ctx, "alice", jmessage.GroupIDChanges{Remove: []int64{g1}})
	require.NoError(t, err)
	_, err = c.Groups.SetShield(ctx, "alice", jmessage.GroupIDChanges{Remove: []int64{g1}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrGroupShieldAlreadyOff)
	u, _ = srv.User("alice")
	assert.Equal(t, []int64{g2}, u.GroupShields)

	_, err = c.Groups.SetShield(ctx, "bobby", jmessage.GroupIDChanges{Add: []int64{g2}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserNotInGroup)
	_, err = c.Groups.SetShield(ctx, "bobby", jmessage.GroupIDChanges{Add: []int64{g2 + 100}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)
	_, err = c.Groups.SetShield(ctx, "ghost", jmessage.GroupIDChanges{Add: []int64{g1}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	status, _, _ := raw(t, srv, "POST", "/v1/users/bob/groupsShield", basic(srv), "application/json", `{}`)
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestGroupSilenceAndMessages(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice", "bobby", "carol")
	_, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin", Password: "password"})
	require.NoError(t, err)
	gid := newGroup(t, c, "alice", "bobby")
	send := func(from jmessage.Sender, to int64) error {
		_, _, err := c.Messages.Send(ctx, jmessage.Message{From: from, To: jmessage.ToGroup(to), Body: jmessage.Text{Text: "hi"}})
		return err
	}

	require.NoError(t, send(jmessage.FromUser("bobby"), gid))
	requireCode(t, send(jmessage.FromUser("carol"), gid), http.StatusBadRequest, jmessage.ErrUserNotInGroup)
	require.NoError(t, send(jmessage.FromAdmin("admin"), gid), "an admin reaches every group of its app")
	requireCode(t, send(jmessage.FromUser("bobby"), gid+100), http.StatusNotFound, jmessage.ErrGroupNotFound)

	resp, err := c.Groups.SetSilence(ctx, gid, []string{"bobby"}, true)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	g, _ := srv.Group(gid)
	assert.True(t, g.Members[1].Silenced)
	assert.False(t, g.Members[0].Silenced)
	requireCode(t, send(jmessage.FromUser("bobby"), gid), http.StatusForbidden, jmessage.ErrSendForbidden)
	require.NoError(t, send(jmessage.FromUser("alice"), gid))
	_, err = c.Groups.SetSilence(ctx, gid, []string{"bobby"}, false)
	require.NoError(t, err)
	require.NoError(t, send(jmessage.FromUser("bobby"), gid))
	assert.Len(t, srv.Messages(), 4)

	_, err = c.Groups.SetSilence(ctx, gid, []string{"bobby", "carol"}, true)
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserNotInGroup)
	g, _ = srv.Group(gid)
	assert.False(t, g.Members[1].Silenced, "all or none")
	_, err = c.Groups.SetSilence(ctx, gid+100, []string{"bobby"}, true)
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)
	status, _, _ := raw(t, srv, "PUT", fmt.Sprintf("/v1/groups/messages/%d/silence?status=1", gid), basic(srv), "application/json", `["bobby"]`)
	assert.Equal(t, http.StatusBadRequest, status, "status takes literal true/false")

	// Group no-disturb now knows the group.
	_, err = c.Users.SetNoDisturb(ctx, "bobby", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Add: []int64{gid}}})
	require.NoError(t, err)
	u, _ := srv.User("bobby")
	assert.Equal(t, []int64{gid}, u.NoDisturbGroups)
}

func TestGroupOwnerTransfer(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, jmessagetest.WithApp(goldenAppKey, "other-secret"))
	ctx := t.Context()
	register(t, c, "alice", "bobby", "carol")
	other := srv.AppByKey(goldenAppKey).Client(jmessage.WithoutRetries())
	register(t, other, "new_owner")
	gid := newGroup(t, c, "alice", "bobby")

	resp, err := c.Groups.TransferOwner(ctx, gid, jmessage.GroupOwner{Username: "bobby"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, []string{"alice", "bobby*"}, memberNames(t, srv, gid))
	members, _, err := c.Groups.Members(ctx, gid)
	require.NoError(t, err)
	assert.Equal(t, jmessage.GroupMemberRole, members[0].Role)
	assert.Equal(t, jmessage.GroupOwnerRole, members[1].Role)

	_, err = c.Groups.TransferOwner(ctx, gid, jmessage.GroupOwner{Username: "carol"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserNotInGroup)
	_, err = c.Groups.TransferOwner(ctx, gid, jmessage.GroupOwner{Username: "ghost"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, err = c.Groups.TransferOwner(ctx, gid+100, jmessage.GroupOwner{Username: "bobby"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrGroupNotFound)
	_, err = c.Groups.TransferOwner(ctx, gid, jmessage.GroupOwner{Username: "new_owner", AppKey: "000000000000000000000000"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrAppKeyNotFound)

	// A user of another app, once a member, may own the group.
	_, err = c.Cross.UpdateGroupMembers(ctx, gid, []jmessage.CrossMemberChanges{{AppKey: goldenAppKey, Add: []string{"new_owner"}}})
	require.NoError(t, err)
	_, err = c.Groups.TransferOwner(ctx, gid, jmessage.GroupOwner{Username: "new_owner"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound) // not a user of this app
	_, err = c.Groups.TransferOwner(ctx, gid, jmessage.GroupOwner{Username: "new_owner", AppKey: goldenAppKey})
	require.NoError(t, err)
	g, _ := srv.Group(gid)
	assert.Equal(t, jmessagetest.AppUser{AppKey: goldenAppKey, Username: "new_owner"}, g.Owner)
}

func TestControlSnapshots(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctl := httptest.NewServer(srv.ControlHandler())
	defer ctl.Close()
	register(t, c, "alice", "bobby")
	gid := newGroup(t, c, "alice", "bobby")
	room, _, err := c.Chatrooms.Create(t.Context(), jmessage.NewChatroom{OwnerUsername: "alice", Name: "room", Members: []string{"bobby"}})
	require.NoError(t, err)
	_, err = c.Chatrooms.SetMemberMuted(t.Context(), room, "bobby", true)
	require.NoError(t, err)
	_, err = c.Friends.Add(t.Context(), "alice", []string{"bobby"})
	require.NoError(t, err)
	key := srv.AppKey()

	status, body := control(t, ctl.URL, "GET", fmt.Sprintf("/apps/%s/groups/%d", key, gid), "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	var g jmessagetest.GroupState
	require.NoError(t, json.Unmarshal(body, &g))
	want, _ := srv.Group(gid)
	assert.Equal(t, want.Members, g.Members)
	assert.Equal(t, want.Owner, g.Owner)
	assert.Contains(t, string(body), `"members":[{"appkey":"`+key+`","username":"alice","owner":true,"silenced":false}`)

	status, body = control(t, ctl.URL, "GET", fmt.Sprintf("/apps/%s/chatrooms/%d", key, room), "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	var r jmessagetest.ChatroomState
	require.NoError(t, json.Unmarshal(body, &r))
	require.Len(t, r.Members, 2)
	assert.True(t, r.Members[1].Muted)
	assert.Equal(t, "bobby", r.Members[1].Username)

	status, body = control(t, ctl.URL, "GET", "/apps/"+key+"/users/alice", "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), `"friends":[{"appkey":"`+key+`","username":"bobby"}]`)

	for _, path := range []string{
		fmt.Sprintf("/apps/%s/groups/%d", key, gid+100),
		fmt.Sprintf("/apps/%s/chatrooms/%d", key, room+100),
		fmt.Sprintf("/apps/%s/groups/%d", unknownKey, gid),
	} {
		status, _ = control(t, ctl.URL, "GET", path, "")
		assert.Equal(t, http.StatusNotFound, status, path)
	}
	status, _ = control(t, ctl.URL, "GET", "/apps/"+key+"/groups/x", "")
	assert.Equal(t, http.StatusBadRequest, status)
}
