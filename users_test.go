package jmessage_test

import (
	"context"
	"fmt"
	"iter"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func shanghaiTime(s string) jmessage.Time {
	t, err := time.ParseInLocation(jmessage.TimeLayout, s, jmessage.Shanghai())
	if err != nil {
		panic(err)
	}
	return jmessage.Time{Time: t}
}

var javen = jmessage.User{
	Username: "javen", Nickname: "hello", Avatar: "/avatar", Birthday: shanghaiTime("1990-01-24 00:00:00"),
	Signature: "orz", Region: "shenzhen", Address: "shenzhen",
	MTime: shanghaiTime("2015-01-01 00:00:00"), CTime: shanghaiTime("2015-01-01 00:00:00"),
}

func TestUsersEndpoints(t *testing.T) {
	t.Parallel()
	withExtras := javen
	withExtras.Extras = map[string]any{"key": "value"}
	listed := func(name string) jmessage.User {
		return jmessage.User{Username: name, Nickname: "hello",
			MTime: shanghaiTime("2015-01-01 00:00:00"), CTime: shanghaiTime("2015-01-01 00:00:00")}
	}

	runEndpointTests(t, []endpointTest{
		{
			name: "Register", method: "POST", path: "/v1/users/", request: "users_register.request.json",
			status: 201, response: "users_register.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.RegisterBatch(ctx, []jmessage.NewUser{
					{Username: "dev_fang", Password: "password"},
					{Username: "dev_javen", Password: "password", Nickname: "Javen", Avatar: "qiniu/image/F39AA12204DAB6A2",
						Birthday: jmessage.NewDate(1990, time.January, 24), Signature: "orz", Gender: jmessage.GenderMale,
						Region: "shenzhen", Address: "shenzhen", Extras: map[string]any{"key": "value"}},
				})
			},
			// want is checked in TestRegisterResults: item errors hold the response.
		},
		{
			name: "Get", method: "GET", path: "/v1/users/javen", status: 200, response: "users_get.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.Get(ctx, "javen")
			},
			want: &withExtras, errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "Get escapes the username", method: "GET", path: "/v1/users/a.b-c@d_e", status: 200,
			response: `{"username":"a.b-c@d_e"}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.Get(ctx, "a.b-c@d_e")
			},
			want: &jmessage.User{Username: "a.b-c@d_e"},
		},
		{
			name: "Update", method: "PUT", path: "/v1/users/javen", request: "users_update.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.Update(ctx, "javen", jmessage.UserUpdate{
					Nickname: jmessage.Ptr("Hello JMessage"), Avatar: jmessage.Ptr("qiniu/image/F39AA12204DAB6A2"),
					Birthday: jmessage.Ptr(jmessage.NewDate(1990, time.January, 24)), Signature: jmessage.Ptr("orz"),
					Gender: jmessage.Ptr(jmessage.GenderFemale), Region: jmessage.Ptr("shenzhen"),
					Address: jmessage.Ptr("shenzhen"), Extras: map[string]any{"key": "value"},
				}))
			},
		},
		{
			name: "Stat", method: "GET", path: "/v1/users/javen/userstat", status: 200, response: "users_stat.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.Stat(ctx, "javen")
			},
			want: &jmessage.UserStat{Login: true, Online: false},
		},
		{
			name: "StatBatch", method: "POST", path: "/v1/users/userstat", request: "users_stat_batch.request.json",
			status: 200, response: "users_stat_batch.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.StatBatch(ctx, []string{"USER1", "USER2"})
			},
			want: []jmessage.UserDevices{
				{Username: "caiyh01", Devices: []jmessage.DeviceStat{}},
				{Username: "Rauly", Devices: []jmessage.DeviceStat{{Platform: "a"}}},
			},
		},
		{
			name: "StatBatchV2", method: "POST", path: "/v2/users/statuser", request: "users_stat_batch_v2.request.json",
			status: 200, response: "users_stat_batch_v2.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.StatBatchV2(ctx, []string{"USER1", "USER2"})
			},
			want: []jmessage.UserDevices{
				{Username: "caiyh01", Devices: []jmessage.DeviceStat{}, StatusCode: 1, StatusMessage: "no_exist"},
				{Username: "Rauly", Devices: []jmessage.DeviceStat{{Platform: "a"}}},
			},
		},
		{
			name: "SetPassword", method: "PUT", path: "/v1/users/javen/password",
			request: "users_update_password.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.SetPassword(ctx, "javen", "654321"))
			},
		},
		{
			name: "Delete", method: "DELETE", path: "/v1/users/javen", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.Delete(ctx, "javen"))
			},
			errStatus: 404, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "DeleteBatch", method: "DELETE", path: "/v1/users/", request: "users_delete_batch.request.json", status: 200,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.DeleteBatch(ctx, []string{"USER1", "USER2"}))
			},
		},
		{
			name: "AddToBlacklist", method: "PUT", path: "/v1/users/javen/blacklist",
			request: "users_blacklist_add.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.AddToBlacklist(ctx, "javen", []string{"test1", "test2"}))
			},
			errStatus: 403, errCode: jmessage.ErrAlreadyBlacklisted,
		},
		{
			name: "RemoveFromBlacklist", method: "DELETE", path: "/v1/users/javen/blacklist",
			request: "users_blacklist_remove.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.RemoveFromBlacklist(ctx, "javen", []string{"test1", "test2"}))
			},
			errStatus: 403, errCode: jmessage.ErrNotBlacklisted,
		},
		{
			name: "Blacklist", method: "GET", path: "/v1/users/javen/blacklist", status: 200,
			response: "users_blacklist_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.Blacklist(ctx, "javen")
			},
			want: []jmessage.User{javen},
		},
		{
			name: "List", method: "GET", path: "/v1/users/", query: url.Values{"start": {"1100"}, "count": {"3"}},
			status: 200, response: "users_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.List(ctx, jmessage.ListOptions{Start: 1100, Count: 3})
			},
			want: &jmessage.Page[jmessage.User]{Total: 12580, Start: 1100, Count: 3,
				Items: []jmessage.User{listed("cai"), listed("yi"), listed("huang")}},
		},
		{
			name: "List defaults count to 500", method: "GET", path: "/v1/users/",
			query: url.Values{"start": {"0"}, "count": {"500"}}, status: 200,
			response: `{"total":0,"start":0,"count":0,"users":[]}`,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.List(ctx, jmessage.ListOptions{})
			},
			want: &jmessage.Page[jmessage.User]{Items: []jmessage.User{}},
		},
		{
			name: "SetNoDisturb", method: "POST", path: "/v1/users/javen/nodisturb",
			request: "users_nodisturb.request.json", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.SetNoDisturb(ctx, "javen", jmessage.NoDisturb{
					Single: &jmessage.UsernameChanges{Add: []string{"username1", "username2"}},
					Group:  &jmessage.GroupIDChanges{Add: []int64{110000101}, Remove: []int64{1000001111}},
					Global: jmessage.Ptr(false),
				}))
			},
			errStatus: 400, errCode: jmessage.ErrNoDisturbGroupNotFound,
		},
		{
			name: "SetForbidden true", method: "PUT", path: "/v1/users/javen/forbidden",
			query: url.Values{"disable": {"true"}}, status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.SetForbidden(ctx, "javen", true))
			},
		},
		{
			name: "SetForbidden false", method: "PUT", path: "/v1/users/javen/forbidden",
			query: url.Values{"disable": {"false"}}, status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.SetForbidden(ctx, "javen", false))
			},
		},
		{
			name: "RegisterAdmin", method: "POST", path: "/v1/admins/", request: "admins_register.request.json", status: 201,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "password"}))
			},
			errStatus: 403, errCode: jmessage.ErrUserExists,
		},
		{
			name: "RegisterAdmin with a profile", method: "POST", path: "/v1/admins/",
			request: "admins_register_profile.request.json", status: 201,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "ops_admin", Password: "s3cret-pass",
					Nickname: "Ops", Avatar: "qiniu/image/F39AA12204DAB6A2", Birthday: jmessage.NewDate(1990, time.January, 24),
					Signature: "on call", Gender: jmessage.GenderFemale, Region: "shenzhen", Address: "nanshan",
					Extras: map[string]any{"team": "sre"}}))
			},
		},
		{
			name: "ListAdmins", method: "GET", path: "/v1/admins", query: url.Values{"start": {"0"}, "count": {"10"}},
			status: 200, response: "admins_list.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Users.ListAdmins(ctx, jmessage.ListOptions{Count: 10})
			},
			want: &jmessage.Page[jmessage.User]{Total: 1, Start: 0, Count: 1,
				Items: []jmessage.User{{Username: "admin_1", MTime: shanghaiTime("2015-01-01 00:00:00"),
					CTime: shanghaiTime("2015-01-01 00:00:00")}}},
		},
	})
}

func TestUsersValidation(t *testing.T) {
	t.Parallel()
	ok := jmessage.NewUser{Username: "dev_fang", Password: "password"}
	with := func(edit func(*jmessage.NewUser)) []jmessage.NewUser {
		u := ok
		edit(&u)
		return []jmessage.NewUser{ok, u}
	}
	register := func(users []jmessage.NewUser) func(context.Context, *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error { return onlyErr(c.Users.RegisterBatch(ctx, users)) }
	}
	many := func(n int) []string {
		names := make([]string, n)
		for i := range names {
			names[i] = "user" + strings.Repeat("x", i%10) + string(rune('a'+i%26))
		}
		return names
	}
	tooManyUsers := make([]jmessage.NewUser, jmessage.MaxRegisterBatch+1)
	for i := range tooManyUsers {
		tooManyUsers[i] = ok
	}

	runValidationTests(t, []validationTest{
		{"register none", "users", register(nil)},
		{"register 501", "users", register(tooManyUsers)},
		{"username too short", "users[1].username", register(with(func(u *jmessage.NewUser) { u.Username = "abc" }))},
		{"username too long", "users[1].username", register(with(func(u *jmessage.NewUser) { u.Username = strings.Repeat("a", 129) }))},
		{"username starts with _", "users[1].username", register(with(func(u *jmessage.NewUser) { u.Username = "_abcd" }))},
		{"username with space", "users[1].username", register(with(func(u *jmessage.NewUser) { u.Username = "ab cd" }))},
		{"username non-ASCII", "users[1].username", register(with(func(u *jmessage.NewUser) { u.Username = "用户名字" }))},
		{"password too short", "users[1].password", register(with(func(u *jmessage.NewUser) { u.Password = "abc" }))},
		{"password too long", "users[1].password", register(with(func(u *jmessage.NewUser) { u.Password = strings.Repeat("p", 129) }))},
		{"nickname 65 bytes", "users[1].nickname", register(with(func(u *jmessage.NewUser) { u.Nickname = strings.Repeat("n", 65) }))},
		{"nickname counts bytes", "users[1].nickname", register(with(func(u *jmessage.NewUser) { u.Nickname = strings.Repeat("昵", 22) }))},
		{"nickname newline", "users[1].nickname", register(with(func(u *jmessage.NewUser) { u.Nickname = "a\nb" }))},
		{"nickname carriage return", "users[1].nickname", register(with(func(u *jmessage.NewUser) { u.Nickname = "a\rb" }))},
		{"avatar 251 bytes", "users[1].avatar", register(with(func(u *jmessage.NewUser) { u.Avatar = strings.Repeat("a", 251) }))},
		{"signature 251 bytes", "users[1].signature", register(with(func(u *jmessage.NewUser) { u.Signature = strings.Repeat("s", 251) }))},
		{"region 251 bytes", "users[1].region", register(with(func(u *jmessage.NewUser) { u.Region = strings.Repeat("r", 251) }))},
		{"address 251 bytes", "users[1].address", register(with(func(u *jmessage.NewUser) { u.Address = strings.Repeat("a", 251) }))},
		{"gender 3", "users[1].gender", register(with(func(u *jmessage.NewUser) { u.Gender = 3 }))},
		{"birthday not a day", "users[1].birthday", register(with(func(u *jmessage.NewUser) { u.Birthday = jmessage.NewDate(1990, 2, 30) }))},
		{"extras over 512 bytes", "users[1].extras", register(with(func(u *jmessage.NewUser) {
			u.Extras = map[string]any{"k": strings.Repeat("v", 510)}
		}))},
		{"get bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Users.Get(ctx, "a/b"))
		}},
		{"update nickname newline", "nickname", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.Update(ctx, "javen", jmessage.UserUpdate{Nickname: jmessage.Ptr("a\nb")}))
		}},
		{"update extras", "extras", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.Update(ctx, "javen", jmessage.UserUpdate{Extras: map[string]any{"k": strings.Repeat("v", 600)}}))
		}},
		{"update avatar 251 bytes", "avatar", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.Update(ctx, "javen", jmessage.UserUpdate{Avatar: jmessage.Ptr(strings.Repeat("a", 251))}))
		}},
		{"update zero birthday", "birthday", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.Update(ctx, "javen", jmessage.UserUpdate{Birthday: &jmessage.Date{}}))
		}},
		{"update bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.Update(ctx, "", jmessage.UserUpdate{Nickname: jmessage.Ptr("J")}))
		}},
		{"update nothing", "update", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.Update(ctx, "javen", jmessage.UserUpdate{}))
		}},
		{"update only empty extras", "update", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.Update(ctx, "javen", jmessage.UserUpdate{Extras: map[string]any{}}))
		}},
		{"stat bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Users.Stat(ctx, "ab"))
		}},
		{"stat batch empty", "usernames", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Users.StatBatch(ctx, nil))
		}},
		{"stat batch v2 bad item", "usernames[1]", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Users.StatBatchV2(ctx, []string{"good_one", "x"}))
		}},
		{"password too short", "new_password", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.SetPassword(ctx, "javen", "123"))
		}},
		{"delete bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.Delete(ctx, "-abc"))
		}},
		{"delete batch 101", "usernames", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.DeleteBatch(ctx, many(101)))
		}},
		{"blacklist add empty", "usernames", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.AddToBlacklist(ctx, "javen", nil))
		}},
		{"blacklist remove bad owner", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.RemoveFromBlacklist(ctx, "j", []string{"test1"}))
		}},
		{"blacklist bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Users.Blacklist(ctx, "j"))
		}},
		{"list count 501", "count", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Users.List(ctx, jmessage.ListOptions{Count: 501}))
		}},
		{"list negative start", "start", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Users.List(ctx, jmessage.ListOptions{Start: -1}))
		}},
		{"no-disturb nothing to change", "settings", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.SetNoDisturb(ctx, "javen", jmessage.NoDisturb{}))
		}},
		{"no-disturb only empty parts", "settings", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.SetNoDisturb(ctx, "javen", jmessage.NoDisturb{Single: &jmessage.UsernameChanges{},
				Group: &jmessage.GroupIDChanges{Add: []int64{}}}))
		}},
		{"no-disturb bad single", "single.add[0]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.SetNoDisturb(ctx, "javen", jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Add: []string{"x"}}}))
		}},
		{"no-disturb bad gid", "group.remove[0]", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.SetNoDisturb(ctx, "javen", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Remove: []int64{0}}}))
		}},
		{"forbidden bad username", "username", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.SetForbidden(ctx, "", true))
		}},
		{"admin short password", "password", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "pw"}))
		}},
		{"admin nickname line break", "nickname", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "password", Nickname: "a\nb"}))
		}},
		{"admin birthday not a day", "birthday", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "password",
				Birthday: jmessage.NewDate(1990, time.February, 30)}))
		}},
		{"admin gender", "gender", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "password", Gender: 3}))
		}},
		{"admin signature over 250 bytes", "signature", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "password",
				Signature: strings.Repeat("s", 251)}))
		}},
		{"admin extras over 512 bytes", "extras", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "password",
				Extras: map[string]any{"k": strings.Repeat("x", 600)}}))
		}},
		{"admins count 501", "count", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Users.ListAdmins(ctx, jmessage.ListOptions{Count: 501}))
		}},
	})
}

func TestRegisterResults(t *testing.T) {
	t.Parallel()
	users := []jmessage.NewUser{{Username: "dev_fang", Password: "password"}, {Username: "dev_javen", Password: "password"}}
	for _, status := range []int{http.StatusCreated, http.StatusBadRequest, http.StatusInternalServerError} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, status, golden(t, "users_register.response.json"))

			results, resp, err := c.Users.RegisterBatch(t.Context(), users)
			require.NoError(t, err, "per-user results are decoded whatever the status")
			require.Len(t, results, 2)
			assert.Equal(t, status, resp.StatusCode)

			assert.Equal(t, "dev_fang", results[0].Username)
			if status == http.StatusCreated {
				assert.NoError(t, results[0].Err)
			} else {
				var apiErr *jmessage.APIError
				require.ErrorAs(t, results[0].Err, &apiErr, "an item without its own error gets the call's status")
				assert.Equal(t, status, apiErr.HTTPStatus)
			}
			assert.Equal(t, "dev_javen", results[1].Username)
			assert.ErrorIs(t, results[1].Err, jmessage.ErrUserExists)
			var apiErr *jmessage.APIError
			require.ErrorAs(t, results[1].Err, &apiErr)
			assert.Equal(t, "user exist", apiErr.Message)
		})
	}

	for _, status := range []int{http.StatusBadRequest, http.StatusCreated} {
		t.Run("error envelope fails the call under "+http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, status, `{"error":{"code":899013,"message":"too many"}}`)
			results, resp, err := c.Users.RegisterBatch(t.Context(), users)
			assert.Nil(t, results)
			assert.ErrorIs(t, err, jmessage.ErrTooManyUsers)
			var apiErr *jmessage.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.HTTPStatus)
			require.NotNil(t, resp)
		})
	}

	t.Run("bad parameter per user", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, http.StatusCreated,
			`[{"username":"dev_fang","error":{"code":899003,"message":"bad"}},{"username":"dev_javen"}]`)
		results, _, err := c.Users.RegisterBatch(t.Context(), users)
		require.NoError(t, err)
		require.Len(t, results, 2)
		assert.ErrorIs(t, results[0].Err, jmessage.ErrInvalidParameter)
		assert.NotErrorIs(t, results[0].Err, jmessage.ErrUserExists)
		assert.NoError(t, results[1].Err)
	})

	t.Run("an error status with no per-user results fails the call", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, http.StatusInternalServerError, `[]`)
		results, resp, err := c.Users.RegisterBatch(t.Context(), users)
		assert.Nil(t, results)
		var apiErr *jmessage.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusInternalServerError, apiErr.HTTPStatus)
		require.NotNil(t, resp)
	})

	t.Run("neither shape", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, http.StatusBadGateway, `<html>bad gateway</html>`)
		results, _, err := c.Users.RegisterBatch(t.Context(), users)
		assert.Nil(t, results)
		var apiErr *jmessage.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusBadGateway, apiErr.HTTPStatus)
		assert.Contains(t, apiErr.Excerpt, "bad gateway")
	})
}

var usersAll = iteratorTest[jmessage.User]{path: "/v1/users/", key: "users", item: `{"username":"u000"}`,
	all: func(ctx context.Context, c *jmessage.Client, o jmessage.ListOptions) iter.Seq2[jmessage.User, error] {
		return c.Users.All(ctx, o)
	}}

func TestUsersAllWalksEveryPage(t *testing.T) {
	t.Parallel()
	users := usersAll.walkPages(t, jmessage.ListOptions{Count: 2}, "2", map[string]string{
		"0": `{"total":5,"start":0,"count":2,"users":[{"username":"u000"},{"username":"u001"}]}`,
		"2": `{"total":5,"start":2,"count":2,"users":[{"username":"u002"},{"username":"u003"}]}`,
		"4": `{"total":5,"start":4,"count":1,"users":[{"username":"u004"}]}`,
	}, []string{"0", "2", "4"})
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
	}
	assert.Equal(t, []string{"u000", "u001", "u002", "u003", "u004"}, names)
}

func TestUsersAllStopsOnErrorAndBreak(t *testing.T) {
	t.Parallel()
	runIteratorStops(t, usersAll)
}

func TestNewUserHidesPassword(t *testing.T) {
	t.Parallel()
	u := jmessage.NewUser{Username: "dev_fang", Password: "hunter2-secret"}
	a := jmessage.NewAdmin{Username: "admin_1", Password: "hunter2-secret"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, sprintf(format, u), "hunter2")
		assert.NotContains(t, sprintf(format, []jmessage.NewUser{u}), "hunter2")
		assert.NotContains(t, sprintf(format, a), "hunter2")
	}
}

func TestUsersAllFollowsTotalPastAShortPage(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	// The server caps pages at 2 users although 3 are asked for; Total
	// says 5 users exist, so the walk goes on after each short page.
	var starts []string
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		start, err := strconv.Atoi(req.URL.Query().Get("start"))
		require.NoError(t, err)
		starts = append(starts, req.URL.Query().Get("start"))
		var users []string
		for i := start; i < min(start+2, 5); i++ {
			users = append(users, fmt.Sprintf(`{"username":"u%03d"}`, i))
		}
		return newJSONResponse(200, fmt.Sprintf(`{"total":5,"start":%d,"count":%d,"users":[%s]}`,
			start, len(users), strings.Join(users, ","))), nil
	})

	var names []string
	for u, err := range c.Users.All(t.Context(), jmessage.ListOptions{Count: 3}) {
		require.NoError(t, err)
		names = append(names, u.Username)
	}
	assert.Equal(t, []string{"u000", "u001", "u002", "u003", "u004"}, names)
	assert.Equal(t, []string{"0", "2", "4"}, starts)
}

func TestUsersAllStopsOnAShortPageWithoutTotal(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, "0", req.URL.Query().Get("start"))
		return newJSONResponse(200, `{"start":0,"count":1,"users":[{"username":"u000"}]}`), nil
	})
	var names []string
	for u, err := range c.Users.All(t.Context(), jmessage.ListOptions{Count: 3}) {
		require.NoError(t, err)
		names = append(names, u.Username)
	}
	assert.Equal(t, []string{"u000"}, names)
	assert.Equal(t, 1, mock.GetTotalCallCount())
}

// TestUsersSendOnlySetFields checks the bodies whose optional parts are left
// out when unset, and the zero values that must still be sent.
func TestUsersSendOnlySetFields(t *testing.T) {
	t.Parallel()
	runBodyTests(t, http.StatusCreated, `[{"username":"dev_fang"}]`, []bodyTest{
		{"no-disturb global off alone", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.SetNoDisturb(ctx, "javen", jmessage.NoDisturb{Global: jmessage.Ptr(false)}))
		}, `{"global":0}`},
		{"no-disturb global on alone", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.SetNoDisturb(ctx, "javen", jmessage.NoDisturb{Global: jmessage.Ptr(true)}))
		}, `{"global":1}`},
		{"no-disturb single remove only", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.SetNoDisturb(ctx, "javen",
				jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Remove: []string{"user01"}}}))
		}, `{"single":{"remove":["user01"]}}`},
		{"update clears nickname, unknown gender", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Users.Update(ctx, "javen",
				jmessage.UserUpdate{Nickname: jmessage.Ptr(""), Gender: jmessage.Ptr(jmessage.GenderUnknown)}))
		}, `{"nickname":"","gender":0}`},
		{"register leaves unset fields out", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "dev_fang", Password: "password"}}))
		}, `[{"username":"dev_fang","password":"password"}]`},
	})
}

// TestUsersAndFriendsDoNotMutateArguments: the slices and structs a caller
// passes are as they were after the call.
func TestUsersAndFriendsDoNotMutateArguments(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	capture(mock, http.StatusCreated, `[{"username":"dev_fang"},{"username":"dev_javen"}]`)
	newUsers := func() []jmessage.NewUser {
		return []jmessage.NewUser{{Username: "dev_fang", Password: "password", Extras: map[string]any{"k": "v"}},
			{Username: "dev_javen", Password: "password", Birthday: jmessage.NewDate(1990, time.January, 24)}}
	}
	noDisturb := func() jmessage.NoDisturb {
		return jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Add: []string{"user01"}},
			Group: &jmessage.GroupIDChanges{Remove: []int64{7}}, Global: jmessage.Ptr(false)}
	}
	notes := func() []jmessage.FriendNote {
		return []jmessage.FriendNote{{Username: "user01", NoteName: jmessage.Ptr("n")}}
	}

	users, settings, friendNotes := newUsers(), noDisturb(), notes()
	_, _, err := c.Users.RegisterBatch(t.Context(), users)
	require.NoError(t, err)
	_, err = c.Users.SetNoDisturb(t.Context(), "javen", settings)
	require.NoError(t, err)
	_, err = c.Friends.UpdateNotes(t.Context(), "javen", friendNotes)
	require.NoError(t, err)
	assert.Equal(t, newUsers(), users)
	assert.Equal(t, noDisturb(), settings)
	assert.Equal(t, notes(), friendNotes)
}

// TestEmptyListReasonNamesNoHugeBound: a list with no documented maximum
// that is empty is refused as "at least 1", not with math.MaxInt as a bound.
func TestEmptyListReasonNamesNoHugeBound(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t)
	for name, call := range map[string]func() error{
		"AddToBlacklist":       func() error { _, err := c.Users.AddToBlacklist(t.Context(), "javen", nil); return err },
		"Groups.AddMembers":    func() error { _, err := c.Groups.AddMembers(t.Context(), 1, nil); return err },
		"SensitiveWords.Add":   func() error { _, err := c.SensitiveWords.Add(t.Context(), nil); return err },
		"Chatrooms.List count": func() error { return onlyErr(c.Chatrooms.List(t.Context(), jmessage.ListOptions{Count: -1})) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var verr *jmessage.ValidationError
			require.ErrorAs(t, call(), &verr)
			assert.Contains(t, verr.Reason, "at least 1")
			assert.NotContains(t, verr.Reason, strconv.Itoa(math.MaxInt))
		})
	}
}

var adminsAll = iteratorTest[jmessage.User]{path: "/v1/admins", key: "users", item: `{"username":"a000"}`,
	all: func(ctx context.Context, c *jmessage.Client, o jmessage.ListOptions) iter.Seq2[jmessage.User, error] {
		return c.Users.AllAdmins(ctx, o)
	}}

func TestUsersAllAdmins(t *testing.T) {
	t.Parallel()
	t.Run("walks every page", func(t *testing.T) {
		t.Parallel()
		admins := adminsAll.walkPages(t, jmessage.ListOptions{}, "500", map[string]string{
			"0": `{"total":2,"start":0,"count":1,"users":[{"username":"ops_admin"}]}`,
			"1": `{"total":2,"start":1,"count":1,"users":[{"username":"bot_admin"}]}`,
		}, []string{"0", "1"})
		require.Len(t, admins, 2)
		assert.Equal(t, "ops_admin", admins[0].Username)
		assert.Equal(t, "bot_admin", admins[1].Username)
	})
	t.Run("stops", func(t *testing.T) {
		t.Parallel()
		runIteratorStops(t, adminsAll)
	})
}

func TestRegisterOne(t *testing.T) {
	t.Parallel()
	user := jmessage.NewUser{Username: "dev_fang", Password: "password"}
	t.Run("registered", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		seen := capture(mock, http.StatusCreated, `[{"username":"dev_fang"}]`)
		resp, err := c.Users.Register(t.Context(), user)
		require.NoError(t, err)
		assert.Equal(t, http.StatusCreated, resp.StatusCode)
		reqs := seen()
		require.Len(t, reqs, 1)
		assert.Equal(t, "/v1/users/", reqs[0].path)
		assert.JSONEq(t, `[{"username":"dev_fang","password":"password"}]`, string(reqs[0].body))
	})
	t.Run("the user's own error is the error", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, http.StatusCreated, `[{"username":"dev_fang","error":{"code":899001,"message":"user exist"}}]`)
		resp, err := c.Users.Register(t.Context(), user)
		assert.ErrorIs(t, err, jmessage.ErrUserExists)
		require.NotNil(t, resp)
	})
	t.Run("the call's error", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, http.StatusInternalServerError, `{"error":{"code":899000,"message":"boom"}}`)
		_, err := c.Users.Register(t.Context(), user)
		assert.ErrorIs(t, err, jmessage.ErrServerInternal)
	})
	t.Run("an answer without the user", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		capture(mock, http.StatusCreated, `[{"username":"someone_else"}]`)
		_, err := c.Users.Register(t.Context(), user)
		assert.ErrorIs(t, err, jmessage.ErrMalformedResponse)
	})
	t.Run("validation names the wire field", func(t *testing.T) {
		t.Parallel()
		c, mock := newTestClient(t)
		_, err := c.Users.Register(t.Context(), jmessage.NewUser{Username: "dev_fang", Password: "pw"})
		var verr *jmessage.ValidationError
		require.ErrorAs(t, err, &verr)
		assert.Equal(t, "password", verr.Field)
		assert.Zero(t, mock.GetTotalCallCount())
	})
}
