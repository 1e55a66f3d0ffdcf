package jmessage_test

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestGroupDecodesLeniently(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   string
		want jmessage.Group
	}{
		"MaxMemberCount": {`{"gid":12345,"name":"g","MaxMemberCount":500}`,
			jmessage.Group{GID: 12345, Name: "g", MaxMemberCount: 500}},
		"max_member_count": {`{"gid":12345,"name":"g","max_member_count":200}`,
			jmessage.Group{GID: 12345, Name: "g", MaxMemberCount: 200}},
		"numeric string cap": {`{"gid":1,"max_member_count":"300"}`, jmessage.Group{GID: 1, MaxMemberCount: 300}},
		"gid beyond float64": {`{"gid":9007199254740993}`, jmessage.Group{GID: 9007199254740993}},
		"gid as string":      {`{"gid":"9007199254740993"}`, jmessage.Group{GID: 9007199254740993}},
		"numeric owner":      {`{"gid":1,"owner_username":123456}`, jmessage.Group{GID: 1, OwnerUsername: "123456"}},
		"string owner":       {`{"gid":1,"owner_username":"tom"}`, jmessage.Group{GID: 1, OwnerUsername: "tom"}},
		"times and members": {`{"gid":1,"members_username":["eddie"],"ctime":"2014-06-05 00:00:00","mtime":""}`,
			jmessage.Group{GID: 1, Members: []string{"eddie"}, CTime: shanghaiTime("2014-06-05 00:00:00")}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var g jmessage.Group
			require.NoError(t, json.Unmarshal([]byte(tc.in), &g))
			assert.Equal(t, tc.want, g)
		})
	}
	for _, bad := range []string{`{"gid":1.5}`, `{"gid":"x"}`, `{"owner_username":{}}`, `{"MaxMemberCount":"x"}`,
		`{"name":1}`, `[]`, `{"gid":`} {
		var g jmessage.Group
		assert.Error(t, json.Unmarshal([]byte(bad), &g), bad)
	}
}

func TestGroupEncodesCanonically(t *testing.T) {
	t.Parallel()
	out, err := json.Marshal(jmessage.Group{GID: 9007199254740993, OwnerUsername: "tom", Name: "g", MaxMemberCount: 500})
	require.NoError(t, err)
	assert.JSONEq(t, `{"gid":9007199254740993,"owner_username":"tom","name":"g","MaxMemberCount":500}`, string(out))
}

func FuzzGroup(f *testing.F) {
	for _, seed := range []string{`{"gid":12345,"owner_username":123456,"MaxMemberCount":500}`,
		`{"gid":"1","max_member_count":"2"}`, `{"gid":null}`, `{}`, `[1]`, `{"gid":1e3}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var g jmessage.Group
		if err := json.Unmarshal(b, &g); err != nil {
			return
		}
		out, err := json.Marshal(g)
		require.NoError(t, err)
		var again jmessage.Group
		require.NoError(t, json.Unmarshal(out, &again), "%s", out)
		assert.Equal(t, g.GID, again.GID)
		assert.Equal(t, g.OwnerUsername, again.OwnerUsername)
		assert.Equal(t, g.MaxMemberCount, again.MaxMemberCount)
	})
}

var jpush = jmessage.Group{GID: 12345, Name: "jpush", Desc: "push", AppKey: "dcf71ef5082057832bd44fbd", MaxMemberCount: 500,
	MTime: shanghaiTime("2014-07-01 00:00:00"), CTime: shanghaiTime("2014-06-05 00:00:00")}

func TestGroupsEndpoints(t *testing.T) {
	t.Parallel()
	member := jmessage.GroupMember{User: jmessage.User{Username: "javen", Nickname: "hello", Avatar: "/avatar",
		Birthday: shanghaiTime("1990-01-24 00:00:00"), Signature: "orz", Region: "shenzhen", Address: "shenzhen"}}

	runEndpointTests(t, []endpointTest{
		{
			name: "Create", method: "POST", path: "/v1/groups/", request: "groups_create.request.json",
			status: 201, response: "groups_create.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "tom01", Name: "群聊天室",
					Members: []string{"eddie", "annie"}, Avatar: "qiniu/image/F39AA12204DAB6A2", Desc: "运动",
					Type: jmessage.GroupPrivate})
			},
			want: &jmessage.Group{GID: 12345, OwnerUsername: "tom01", Name: "群聊天室", Members: []string{"eddie", "annie"},
				Desc: "运动", MaxMemberCount: 500},
			errStatus: 403, errCode: jmessage.ErrGroupLimitReached,
		},
		{
			name: "Create decodes the document's numeric owner", method: "POST", path: "/v1/groups/",
			request: "groups_create.request.json", status: 201,
			response: `{"gid":12345,"owner_username":123456,"name":"display_name","members_username":[],"desc":"doubi","MaxMemberCount":500}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "tom01", Name: "群聊天室",
					Members: []string{"eddie", "annie"}, Avatar: "qiniu/image/F39AA12204DAB6A2", Desc: "运动",
					Type: jmessage.GroupPrivate})
			},
			want: &jmessage.Group{GID: 12345, OwnerUsername: "123456", Name: "display_name", Members: []string{},
				Desc: "doubi", MaxMemberCount: 500},
		},
		{
			name: "Get", method: "GET", path: "/v1/groups/12345", status: 200, response: "groups_get.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Groups.Get(ctx, 12345)
			},
			want: &jpush, errStatus: 404, errCode: jmessage.ErrGroupNotFound,
		},
		{
			name: "Get keeps a gid beyond float64", method: "GET", path: "/v1/groups/9007199254740993", status: 200,
			response: `{"gid":9007199254740993,"name":"big"}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Groups.Get(ctx, 9007199254740993)
			},
			want: &jmessage.Group{GID: 9007199254740993, Name: "big"},
		},
		{
			name: "Update", method: "PUT", path: "/v1/groups/12345", request: "groups_update.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.Update(ctx, 12345, jmessage.GroupUpdate{Name: jmessage.Ptr("new name"),
					Desc: jmessage.Ptr("new desc"), Avatar: jmessage.Ptr("qiniu/image/F39AA12204DAB6A2")}))
			},
			errStatus: 404, errCode: jmessage.ErrGroupNotFound,
		},
		{
			name: "Delete", method: "DELETE", path: "/v1/groups/12345", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.Delete(ctx, 12345))
			},
			errStatus: 404, errCode: jmessage.ErrGroupNotFound,
		},
		{
			name: "UpdateMembers", method: "POST", path: "/v1/groups/12345/members",
			request: "groups_members_update.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.UpdateMembers(ctx, 12345, jmessage.UsernameChanges{
					Add: []string{"test1", "test2"}, Remove: []string{"test3", "test4"}}))
			},
			errStatus: 403, errCode: jmessage.ErrUserInGroup,
		},
		{
			name: "UpdateMembers in a full group", method: "POST", path: "/v1/groups/12345/members",
			request: "groups_members_update.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.UpdateMembers(ctx, 12345, jmessage.UsernameChanges{
					Add: []string{"test1", "test2"}, Remove: []string{"test3", "test4"}}))
			},
			errStatus: 403, errCode: jmessage.ErrGroupFull,
		},
		{
			name: "AddMembers", method: "POST", path: "/v2/groups/12345/addMembers",
			request: "groups_members_add_v2.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.AddMembers(ctx, 12345, []string{"test1", "test2"}))
			},
			errStatus: 403, errCode: jmessage.ErrUserInGroup,
		},
		{
			name: "RemoveMembers", method: "POST", path: "/v2/groups/12345/delMembers",
			request: "groups_members_remove_v2.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.RemoveMembers(ctx, 12345, []string{"test1", "test2"}))
			},
			errStatus: 403, errCode: jmessage.ErrUserNotInGroup,
		},
		{
			name: "Members", method: "GET", path: "/v1/groups/12345/members/", status: 200,
			response: "groups_members_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Groups.Members(ctx, 12345)
			},
			want: []jmessage.GroupMember{member}, errStatus: 404, errCode: jmessage.ErrGroupNotFound,
		},
		{
			name: "Members marks the owner", method: "GET", path: "/v1/groups/12345/members/", status: 200,
			response: `[{"username":"tom","flag":1},{"username":"eddie","flag":0}]`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Groups.Members(ctx, 12345)
			},
			want: []jmessage.GroupMember{{User: jmessage.User{Username: "tom"}, Role: jmessage.GroupOwnerRole},
				{User: jmessage.User{Username: "eddie"}, Role: jmessage.GroupMemberRole}},
		},
		{
			name: "ListByUser", method: "GET", path: "/v1/users/a.b-c@d_e/groups/", status: 200,
			response: "users_groups_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Groups.ListByUser(ctx, "a.b-c@d_e")
			},
			want: []jmessage.Group{jpush}, errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "List", method: "GET", path: "/v1/groups/", query: url.Values{"start": {"1100"}, "count": {"1"}},
			status: 200, response: "groups_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Groups.List(ctx, jmessage.ListOptions{Start: 1100, Count: 1})
			},
			want: &jmessage.Page[jmessage.Group]{Total: 1233, Start: 1100, Count: 1, Items: []jmessage.Group{jpush}},
		},
		{
			name: "List defaults count to 500", method: "GET", path: "/v1/groups/",
			query: url.Values{"start": {"0"}, "count": {"500"}}, status: 200,
			response: `{"total":0,"start":0,"count":0,"groups":[]}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Groups.List(ctx, jmessage.ListOptions{})
			},
			want: &jmessage.Page[jmessage.Group]{Items: []jmessage.Group{}},
		},
		{
			name: "SetShield", method: "POST", path: "/v1/users/javen/groupsShield",
			request: "users_groups_shield.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.SetShield(ctx, "javen", jmessage.GroupIDChanges{
					Add: []int64{110000101}, Remove: []int64{1000001111}}))
			},
			errStatus: 400, errCode: jmessage.ErrGroupShieldAlreadyOn,
		},
		{
			name: "SetSilence true", method: "PUT", path: "/v1/groups/messages/12345/silence",
			query: url.Values{"status": {"true"}}, request: "groups_silence.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.SetSilence(ctx, 12345, []string{"username1", "username2"}, true))
			},
			errStatus: 404, errCode: jmessage.ErrGroupNotFound,
		},
		{
			name: "SetSilence false", method: "PUT", path: "/v1/groups/messages/12345/silence",
			query: url.Values{"status": {"false"}}, request: "groups_silence.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.SetSilence(ctx, 12345, []string{"username1", "username2"}, false))
			},
		},
		{
			name: "TransferOwner to another app's user", method: "PUT", path: "/v1/groups/owner/12345",
			request: "groups_owner_transfer.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Groups.TransferOwner(ctx, 12345,
					jmessage.GroupOwner{Username: "new_owner", AppKey: "4f7aef34fb361292c566a1cd"}))
			},
			errStatus: 404, errCode: jmessage.ErrGroupNotFound,
		},
	})
}

// TestGroupsSendOnlySetFields checks the bodies whose optional fields are
// left out when unset.
func TestGroupsSendOnlySetFields(t *testing.T) {
	t.Parallel()
	runBodyTests(t, http.StatusCreated, `{"gid":1}`, []bodyTest{
		{"create with owner and name", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "tom01", Name: "g"}))
		}, `{"owner_username":"tom01","name":"g"}`},
		{"create public", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "tom01", Name: "g", Type: jmessage.GroupPublic}))
		}, `{"owner_username":"tom01","name":"g","flag":2}`},
		{"update clears desc", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.Update(ctx, 1, jmessage.GroupUpdate{Desc: jmessage.Ptr("")}))
		}, `{"desc":""}`},
		{"add members only", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.UpdateMembers(ctx, 1, jmessage.UsernameChanges{Add: []string{"test1"}}))
		}, `{"add":["test1"]}`},
		{"shield remove only", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.SetShield(ctx, "javen", jmessage.GroupIDChanges{Remove: []int64{9007199254740993}}))
		}, `{"remove":[9007199254740993]}`},
		{"owner of this app", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.TransferOwner(ctx, 1, jmessage.GroupOwner{Username: "new_owner"}))
		}, `{"username":"new_owner"}`},
	})
}

func TestGroupsDoNotMutateArguments(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	capture(mock, http.StatusCreated, `{"gid":1}`)
	group := jmessage.NewGroup{OwnerUsername: "tom01", Name: "g", Members: []string{"eddie", "annie"}}
	changes := jmessage.UsernameChanges{Add: []string{"test1"}, Remove: []string{"test2"}}
	_, _, err := c.Groups.Create(t.Context(), group)
	require.NoError(t, err)
	_, err = c.Groups.UpdateMembers(t.Context(), 1, changes)
	require.NoError(t, err)
	assert.Equal(t, jmessage.NewGroup{OwnerUsername: "tom01", Name: "g", Members: []string{"eddie", "annie"}}, group)
	assert.Equal(t, jmessage.UsernameChanges{Add: []string{"test1"}, Remove: []string{"test2"}}, changes)
}

func TestGroupsValidation(t *testing.T) {
	t.Parallel()
	ok := jmessage.NewGroup{OwnerUsername: "tom_1", Name: "g"}
	create := func(edit func(*jmessage.NewGroup)) func(context.Context, *jmessage.Client) error {
		g := ok
		edit(&g)
		return func(ctx context.Context, c *jmessage.Client) error { return onlyErr(c.Groups.Create(ctx, g)) }
	}
	gidCalls := map[string]func(ctx context.Context, c *jmessage.Client, gid int64) error{
		"get": func(ctx context.Context, c *jmessage.Client, gid int64) error { return onlyErr(c.Groups.Get(ctx, gid)) },
		"update": func(ctx context.Context, c *jmessage.Client, gid int64) error {
			return respErr(c.Groups.Update(ctx, gid, jmessage.GroupUpdate{Name: jmessage.Ptr("g")}))
		},
		"delete": func(ctx context.Context, c *jmessage.Client, gid int64) error {
			return respErr(c.Groups.Delete(ctx, gid))
		},
		"update members": func(ctx context.Context, c *jmessage.Client, gid int64) error {
			return respErr(c.Groups.UpdateMembers(ctx, gid, jmessage.UsernameChanges{Add: []string{"test1"}}))
		},
		"add members": func(ctx context.Context, c *jmessage.Client, gid int64) error {
			return respErr(c.Groups.AddMembers(ctx, gid, []string{"test1"}))
		},
		"remove members": func(ctx context.Context, c *jmessage.Client, gid int64) error {
			return respErr(c.Groups.RemoveMembers(ctx, gid, []string{"test1"}))
		},
		"members": func(ctx context.Context, c *jmessage.Client, gid int64) error {
			return onlyErr(c.Groups.Members(ctx, gid))
		},
		"silence": func(ctx context.Context, c *jmessage.Client, gid int64) error {
			return respErr(c.Groups.SetSilence(ctx, gid, []string{"test1"}, true))
		},
		"transfer owner": func(ctx context.Context, c *jmessage.Client, gid int64) error {
			return respErr(c.Groups.TransferOwner(ctx, gid, jmessage.GroupOwner{Username: "test1"}))
		},
	}

	tests := []validationTest{
		{"create without owner", "owner_username", create(func(g *jmessage.NewGroup) { g.OwnerUsername = "" })},
		{"create bad owner", "owner_username", create(func(g *jmessage.NewGroup) { g.OwnerUsername = "_tom" })},
		{"create without name", "name", create(func(g *jmessage.NewGroup) { g.Name = "" })},
		{"create name 65 bytes", "name", create(func(g *jmessage.NewGroup) { g.Name = strings.Repeat("n", 65) })},
		{"create name counts bytes", "name", create(func(g *jmessage.NewGroup) { g.Name = strings.Repeat("群", 22) })},
		{"create name newline", "name", create(func(g *jmessage.NewGroup) { g.Name = "a\nb" })},
		{"create name carriage return", "name", create(func(g *jmessage.NewGroup) { g.Name = "a\rb" })},
		{"create desc 251 bytes", "desc", create(func(g *jmessage.NewGroup) { g.Desc = strings.Repeat("d", 251) })},
		{"create desc counts bytes", "desc", create(func(g *jmessage.NewGroup) { g.Desc = strings.Repeat("述", 84) })},
		{"create avatar 251 bytes", "avatar", create(func(g *jmessage.NewGroup) { g.Avatar = strings.Repeat("a", 251) })},
		{"create flag 3", "flag", create(func(g *jmessage.NewGroup) { g.Type = 3 })},
		{"create flag -1", "flag", create(func(g *jmessage.NewGroup) { g.Type = -1 })},
		{"create bad member", "members_username[1]", create(func(g *jmessage.NewGroup) { g.Members = []string{"eddie", "ed"} })},
		{"update nothing", "update", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.Update(ctx, 1, jmessage.GroupUpdate{}))
		}},
		{"update name 65 bytes", "name", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.Update(ctx, 1, jmessage.GroupUpdate{Name: jmessage.Ptr(strings.Repeat("n", 65))}))
		}},
		{"update name newline", "name", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.Update(ctx, 1, jmessage.GroupUpdate{Name: jmessage.Ptr("a\nb")}))
		}},
		{"update desc 251 bytes", "desc", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.Update(ctx, 1, jmessage.GroupUpdate{Desc: jmessage.Ptr(strings.Repeat("d", 251))}))
		}},
		{"update avatar 251 bytes", "avatar", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.Update(ctx, 1, jmessage.GroupUpdate{Avatar: jmessage.Ptr(strings.Repeat("a", 251))}))
		}},
		{"update members nothing", "changes", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.UpdateMembers(ctx, 1, jmessage.UsernameChanges{Add: []string{}}))
		}},
		{"update members bad remove", "changes.remove[1]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.UpdateMembers(ctx, 1, jmessage.UsernameChanges{Remove: []string{"test1", "a b"}}))
		}},
		{"add members none", "usernames", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.AddMembers(ctx, 1, nil))
		}},
		{"remove members bad name", "usernames[0]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.RemoveMembers(ctx, 1, []string{"x"}))
		}},
		{"list by user bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Groups.ListByUser(ctx, "a/b"))
		}},
		{"list count 501", "count", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Groups.List(ctx, jmessage.ListOptions{Count: 501}))
		}},
		{"list negative start", "start", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Groups.List(ctx, jmessage.ListOptions{Start: -1}))
		}},
		{"shield nothing", "changes", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.SetShield(ctx, "javen", jmessage.GroupIDChanges{}))
		}},
		{"shield bad gid", "changes.add[1]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.SetShield(ctx, "javen", jmessage.GroupIDChanges{Add: []int64{1, -5}}))
		}},
		{"shield bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.SetShield(ctx, "", jmessage.GroupIDChanges{Add: []int64{1}}))
		}},
		{"silence nobody", "usernames", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.SetSilence(ctx, 1, nil, true))
		}},
		{"transfer to bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.TransferOwner(ctx, 1, jmessage.GroupOwner{Username: "ab"}))
		}},
		{"transfer with bad appkey", "appkey", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Groups.TransferOwner(ctx, 1, jmessage.GroupOwner{Username: "new_owner", AppKey: "short"}))
		}},
	}
	for name, call := range gidCalls {
		for _, gid := range []int64{0, -1} {
			tests = append(tests, validationTest{sprintf("%s gid %d", name, gid), "gid",
				func(ctx context.Context, c *jmessage.Client) error { return call(ctx, c, gid) }})
		}
	}
	runValidationTests(t, tests)
}

var groupsAll = iteratorTest[jmessage.Group]{path: "/v1/groups/", key: "groups", item: `{"gid":1}`,
	all: func(ctx context.Context, c *jmessage.Client, o jmessage.ListOptions) iter.Seq2[jmessage.Group, error] {
		return c.Groups.All(ctx, o)
	}}

func TestGroupsAllWalksEveryPage(t *testing.T) {
	t.Parallel()
	groups := groupsAll.walkPages(t, jmessage.ListOptions{Count: 2}, "2", map[string]string{
		"0": `{"total":5,"start":0,"count":2,"groups":[{"gid":1},{"gid":"2"}]}`,
		"2": `{"total":5,"start":2,"count":2,"groups":[{"gid":3},{"gid":4,"max_member_count":200}]}`,
		"4": `{"total":5,"start":4,"count":1,"groups":[{"gid":5}]}`,
	}, []string{"0", "2", "4"})
	var gids []int64
	var caps []int
	for _, g := range groups {
		gids = append(gids, g.GID)
		caps = append(caps, g.MaxMemberCount)
	}
	assert.Equal(t, []int64{1, 2, 3, 4, 5}, gids)
	assert.Equal(t, []int{0, 0, 0, 200, 0}, caps)
}

func TestGroupsAllStops(t *testing.T) {
	t.Parallel()
	runIteratorStops(t, groupsAll)
	t.Run("error after a page", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
			if req.URL.Query().Get("start") == "0" {
				return newJSONResponse(200, `{"total":9,"start":0,"count":2,"groups":[{"gid":1},{"gid":2}]}`), nil
			}
			return newJSONResponse(404, `{"error":{"code":899006,"message":"gone"}}`), nil
		})
		var gids []int64
		var errs []error
		for g, err := range c.Groups.All(t.Context(), jmessage.ListOptions{Count: 2}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			gids = append(gids, g.GID)
		}
		assert.Equal(t, []int64{1, 2}, gids)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], jmessage.ErrGroupNotFound)
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
	t.Run("invalid options yielded once", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		var errs int
		for _, err := range c.Groups.All(t.Context(), jmessage.ListOptions{Count: 501}) {
			assert.ErrorIs(t, err, jmessage.ErrInvalidArgument)
			errs++
		}
		assert.Equal(t, 1, errs)
		assert.Zero(t, mock.GetTotalCallCount())
	})
}
