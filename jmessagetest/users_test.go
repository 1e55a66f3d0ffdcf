package jmessagetest_test

import (
	"encoding/json"
	"fmt"

	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

var fullUser = jmessage.NewUser{Username: "dev_javen", Password: "password", Nickname: "Javen",
	Avatar: "qiniu/image/F39AA12204DAB6A2", Birthday: jmessage.NewDate(1990, time.January, 24), Signature: "orz",
	Gender: jmessage.GenderMale, Region: "shenzhen", Address: "shenzhen", Extras: map[string]any{"key": "value"}}

func TestRegister(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()

	res, resp, err := c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "dev_fang", Password: "password"}, fullUser})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Len(t, res, 2)
	assert.NoError(t, res[0].Err)
	assert.NoError(t, res[1].Err)

	u, ok := srv.User("dev_javen")
	require.True(t, ok)
	assert.Equal(t, "password", u.Password)
	assert.Equal(t, "Javen", u.Nickname)
	assert.Equal(t, "1990-01-24", u.Birthday)
	assert.Equal(t, 1, u.Gender)
	assert.JSONEq(t, `{"key":"value"}`, string(u.Extras))
	assert.False(t, u.Admin)

	// Again, with one new user: per-item results, the existing one 899001.
	res, resp, err = c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "dev_fang2", Password: "password"}, fullUser})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assertGoldenShape(t, "users_register.response.json", resp)
	require.Len(t, res, 2)
	assert.Equal(t, "dev_fang2", res[0].Username)
	assert.NoError(t, res[0].Err)
	assert.Equal(t, "dev_javen", res[1].Username)
	requireCode(t, res[1].Err, http.StatusCreated, jmessage.ErrUserExists)

	// Every user failing: the items come back under 400.
	res, resp, err = c.Users.RegisterBatch(ctx, []jmessage.NewUser{fullUser})
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Len(t, res, 1)
	requireCode(t, res[0].Err, http.StatusBadRequest, jmessage.ErrUserExists)
}

func TestRegisterServerSideRules(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	auth := basic(srv)
	const ct = "application/json; charset=utf-8"

	// A bad item fails alone with 899003; the good one is registered.
	status, _, body := raw(t, srv, "POST", "/v1/users/", auth, ct,
		`[{"username":"ok_user","password":"password"},{"username":"_bad","password":"password"}]`)
	assert.Equal(t, http.StatusCreated, status)
	assert.JSONEq(t, `[{"username":"ok_user"},{"username":"_bad","error":{"code":899003,"message":"username must start with a letter or digit and hold only letters, digits, _ . - @"}}]`, string(body))
	_, ok := srv.User("ok_user")
	assert.True(t, ok)

	many := make([]map[string]string, 501)
	for i := range many {
		many[i] = map[string]string{"username": fmt.Sprintf("user%03d", i), "password": "password"}
	}
	b, err := json.Marshal(many)
	require.NoError(t, err)
	status, _, body = raw(t, srv, "POST", "/v1/users/", auth, ct, string(b))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.JSONEq(t, `{"error":{"code":899013,"message":"more than 500 users in one call"}}`, string(body))

	for name, tc := range map[string]struct{ ct, body string }{
		"unknown key":     {ct, `[{"username":"abcd","password":"password","nick":"x"}]`},
		"not JSON":        {ct, `[{`},
		"empty array":     {ct, `[]`},
		"no content type": {"", `[{"username":"abcd","password":"password"}]`},
		"trailing data":   {ct, `[] []`},
		"wrong type":      {ct, `[{"username":"abcd","password":"password","gender":"1"}]`},
	} {
		status, _, body := raw(t, srv, "POST", "/v1/users/", auth, tc.ct, tc.body)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Contains(t, string(body), `"code":899003`, name)
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)

	status, _, body := raw(t, srv, "GET", "/v1/users/?start=0&count=1", "", "", "")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, string(body), `"code":899007`)

	for _, auth := range []string{"Basic !!!", "Bearer x", "Basic " + "Zm9vOmJhcg=="} {
		status, _, body = raw(t, srv, "GET", "/v1/users/?start=0&count=1", auth, "", "")
		assert.Equal(t, http.StatusUnauthorized, status, auth)
		assert.JSONEq(t, `{"error":{"code":899008,"message":"Basic authentication failed"}}`, string(body))
	}

	c, err := jmessage.New(srv.AppKey(), "wrong-secret", jmessage.WithBaseURL(srv.URL()), jmessage.WithoutRetries())
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	_, _, err = c.Users.Get(t.Context(), "alice")
	requireCode(t, err, http.StatusUnauthorized, jmessage.ErrAuthFailed)
	assert.NotContains(t, err.Error(), srv.MasterSecret())
}

func TestWireStrictness(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	register(t, c, "alice")
	auth := basic(srv)

	// Both path forms are served.
	for _, p := range []string{"/v1/users/alice", "/v1/users/alice/", "/v1/users?start=0&count=5", "/v1/users/?start=0&count=5"} {
		status, _, _ := raw(t, srv, "GET", p, auth, "", "")
		assert.Equal(t, http.StatusOK, status, p)
	}
	status, _, body := raw(t, srv, "GET", "/v1/users/alice", auth, "application/json", `{}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), "must not carry a body")

	status, _, body = raw(t, srv, "GET", "/v1/nothing/here", auth, "", "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, string(body), "no such operation")

	status, _, _ = raw(t, srv, "GET", "/v1/users/?start=-1&count=5", auth, "", "")
	assert.Equal(t, http.StatusBadRequest, status)
	status, _, _ = raw(t, srv, "GET", "/v1/users/?start=0&count=501", auth, "", "")
	assert.Equal(t, http.StatusBadRequest, status)
	status, _, _ = raw(t, srv, "PUT", "/v1/users/alice/forbidden?disable=1", auth, "", "")
	assert.Equal(t, http.StatusBadRequest, status, "disable takes literal true/false")

	// Operations that take no body refuse one.
	gid := newGroup(t, c, "alice")
	for _, p := range []string{"/v1/users/alice", fmt.Sprintf("/v1/groups/%d", gid)} {
		status, _, body = raw(t, srv, "DELETE", p, auth, "application/json", `["alice"]`)
		assert.Equal(t, http.StatusBadRequest, status, p)
		assert.Contains(t, string(body), "takes no request body", p)
	}
	_, ok := srv.User("alice")
	assert.True(t, ok)
	_, ok = srv.Group(gid)
	assert.True(t, ok)
}

func TestUserProfile(t *testing.T) {
	t.Parallel()
	// A fixed clock, so that ctime and mtime do not depend on when a second
	// turns over during the test.
	start := time.Date(2024, time.May, 1, 12, 0, 7, 0, time.UTC)
	srv, c := newFake(t, jmessagetest.WithClock(func() time.Time { return start }))
	ctx := t.Context()
	_, _, err := c.Users.RegisterBatch(ctx, []jmessage.NewUser{fullUser})
	require.NoError(t, err)

	got, resp, err := c.Users.Get(ctx, "dev_javen")
	require.NoError(t, err)
	// The example's keys, and appkey, which the document's User object
	// lists and its example leaves out.
	var answer map[string]any
	require.NoError(t, decodeNumbers(resp.RawBody, &answer))
	assert.Empty(t, unknownKeys("", answer, documentedUser(t)), "%s", resp.RawBody)
	assertGoldenUsersShape(t, "users_get.response.json", resp)
	assert.Equal(t, srv.AppKey(), got.AppKey)
	assert.Equal(t, "Javen", got.Nickname)
	assert.Equal(t, jmessage.GenderMale, got.Gender)
	assert.Equal(t, map[string]any{"key": "value"}, got.Extras)
	assert.Equal(t, "1990-01-24", got.Birthday.Format("2006-01-02"))
	assert.True(t, got.CTime.Equal(start), "ctime %v", got.CTime)

	srv.Advance(time.Hour)
	_, err = c.Users.Update(ctx, "dev_javen", jmessage.UserUpdate{Nickname: jmessage.Ptr(""),
		Signature: jmessage.Ptr("new sig"), Gender: jmessage.Ptr(jmessage.GenderFemale)})
	require.NoError(t, err)
	got, _, err = c.Users.Get(ctx, "dev_javen")
	require.NoError(t, err)
	assert.Empty(t, got.Nickname, "cleared")
	assert.Equal(t, "new sig", got.Signature)
	assert.Equal(t, jmessage.GenderFemale, got.Gender)
	assert.Equal(t, "shenzhen", got.Region, "untouched")
	assert.Equal(t, time.Hour, got.MTime.Sub(got.CTime.Time))

	// Only username, mtime, ctime and appkey for a bare user.
	register(t, c, "bare")
	_, resp, err = c.Users.Get(ctx, "bare")
	require.NoError(t, err)
	assert.Equal(t, "{appkey:string,ctime:string,mtime:string,username:string}", shape(t, resp.RawBody))

	_, _, err = c.Users.Get(ctx, "nobody")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, err = c.Users.Update(ctx, "nobody", jmessage.UserUpdate{Nickname: jmessage.Ptr("x")})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	// The server applies the rules itself too.
	status, _, body := raw(t, srv, "PUT", "/v1/users/bare", basic(srv), "application/json", `{"nickname":"a\nb"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), "nickname")
	status, _, _ = raw(t, srv, "PUT", "/v1/users/bare", basic(srv), "application/json", `{"extras":[1]}`)
	assert.Equal(t, http.StatusBadRequest, status)
	status, _, _ = raw(t, srv, "PUT", "/v1/users/bare", basic(srv), "application/json", `{"birthday":"1990-02-30"}`)
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestDeleteUsers(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice", "bobby", "carol", "dave1")

	_, err := c.Users.Delete(ctx, "alice")
	require.NoError(t, err)
	_, ok := srv.User("alice")
	assert.False(t, ok)
	_, err = c.Users.Delete(ctx, "alice")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	resp, err := c.Users.DeleteBatch(ctx, []string{"bobby", "carol", "ghost"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	page, _, err := c.Users.List(ctx, jmessage.ListOptions{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "dave1", page.Items[0].Username)
}

func TestListUsersAndAdmins(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	ctx := t.Context()
	for i := 1; i <= 5; i++ {
		_, _, err := c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: fmt.Sprintf("user%d", i), Password: "password", Nickname: "hello"}})
		require.NoError(t, err)
	}
	_, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "password"})
	require.NoError(t, err)

	page, resp, err := c.Users.List(ctx, jmessage.ListOptions{Start: 1, Count: 3})
	require.NoError(t, err)
	assertGoldenUsersShape(t, "users_list.response.json", resp)
	assert.Equal(t, 5, page.Total, "admins are not listed with users")
	assert.Equal(t, 1, page.Start)
	assert.Equal(t, 3, page.Count)
	var names []string
	for _, u := range page.Items {
		names = append(names, u.Username)
	}
	assert.Equal(t, []string{"user2", "user3", "user4"}, names)

	names = nil
	for u, err := range c.Users.All(ctx, jmessage.ListOptions{Count: 2}) {
		require.NoError(t, err)
		names = append(names, u.Username)
	}
	assert.Equal(t, []string{"user1", "user2", "user3", "user4", "user5"}, names)

	page, _, err = c.Users.List(ctx, jmessage.ListOptions{Start: 10, Count: 3})
	require.NoError(t, err)
	assert.Empty(t, page.Items)
	assert.Equal(t, 5, page.Total)

	admins, resp, err := c.Users.ListAdmins(ctx, jmessage.ListOptions{})
	require.NoError(t, err)
	assertGoldenUsersShape(t, "admins_list.response.json", resp)
	require.Len(t, admins.Items, 1)
	assert.Equal(t, "admin_1", admins.Items[0].Username)

	_, err = c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "password"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserExists)
	_, err = c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "user1", Password: "password"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrUserExists)
}

func TestPasswordAndForbidden(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice")

	_, err := c.Users.SetPassword(ctx, "alice", "n3w-password")
	require.NoError(t, err)
	u, _ := srv.User("alice")
	assert.Equal(t, "n3w-password", u.Password)
	_, err = c.Users.SetPassword(ctx, "nobody", "n3w-password")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	_, err = c.Users.SetForbidden(ctx, "alice", true)
	require.NoError(t, err)
	u, _ = srv.User("alice")
	assert.True(t, u.Forbidden)
	_, err = c.Users.SetForbidden(ctx, "alice", false)
	require.NoError(t, err)
	u, _ = srv.User("alice")
	assert.False(t, u.Forbidden)
	_, err = c.Users.SetForbidden(ctx, "nobody", true)
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
}

func TestBlacklist(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	noExtras := fullUser // the golden blacklist has no extras
	noExtras.Extras = nil
	_, _, err := c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "alice", Password: "password"}, noExtras,
		{Username: "bobby", Password: "password"}})
	require.NoError(t, err)
	_, err = c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "password"})
	require.NoError(t, err)

	_, err = c.Users.AddToBlacklist(ctx, "alice", []string{"dev_javen", "bobby"})
	require.NoError(t, err)
	list, resp, err := c.Users.Blacklist(ctx, "alice")
	require.NoError(t, err)
	assertGoldenShape(t, "users_blacklist_list.response.json", resp)
	require.Len(t, list, 2)
	assert.Equal(t, "dev_javen", list[0].Username)
	assert.Equal(t, "Javen", list[0].Nickname)

	_, err = c.Users.AddToBlacklist(ctx, "alice", []string{"bobby"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrAlreadyBlacklisted)
	_, err = c.Users.AddToBlacklist(ctx, "alice", []string{"admin_1"})
	requireCode(t, err, http.StatusForbidden, jmessage.ErrAdminNotBlacklistable)
	_, err = c.Users.AddToBlacklist(ctx, "alice", []string{"ghost"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, err = c.Users.AddToBlacklist(ctx, "ghost", []string{"bobby"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	_, err = c.Users.RemoveFromBlacklist(ctx, "alice", []string{"bobby"})
	require.NoError(t, err)
	u, _ := srv.User("alice")
	assert.Equal(t, []string{"dev_javen"}, u.Blacklist)
	_, err = c.Users.RemoveFromBlacklist(ctx, "alice", []string{"bobby"})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNotBlacklisted)

	list, _, err = c.Users.Blacklist(ctx, "bobby")
	require.NoError(t, err)
	assert.Empty(t, list)
	assert.NotNil(t, list, "an empty list is [] on the wire")
}

func TestNoDisturb(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice", "bobby", "carol")

	_, err := c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{
		Single: &jmessage.UsernameChanges{Add: []string{"bobby", "carol"}}, Global: jmessage.Ptr(true)})
	require.NoError(t, err)
	u, _ := srv.User("alice")
	assert.Equal(t, []string{"bobby", "carol"}, u.NoDisturbUsers)
	assert.True(t, u.NoDisturbGlobal)

	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{
		Single: &jmessage.UsernameChanges{Remove: []string{"bobby"}}, Global: jmessage.Ptr(false)})
	require.NoError(t, err)
	u, _ = srv.User("alice")
	assert.Equal(t, []string{"carol"}, u.NoDisturbUsers)
	assert.False(t, u.NoDisturbGlobal, "global 0 turns it off")

	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Add: []string{"carol"}}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNoDisturbUserAlreadySet)
	assert.ErrorIs(t, err, jmessage.ErrNoDisturbConflict)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Remove: []string{"bobby"}}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNoDisturbUserNotSet)
	assert.ErrorIs(t, err, jmessage.ErrNoDisturbConflict)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Add: []string{"ghost"}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Add: []int64{12345}}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrNoDisturbGroupNotFound)
	assert.NotErrorIs(t, err, jmessage.ErrNoDisturbConflict, "899045 is not a conflict")

	// Groups: the user must be a member; each group set once, removed once.
	mine, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "alice", Name: "mine"})
	require.NoError(t, err)
	theirs, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "bobby", Name: "theirs"})
	require.NoError(t, err)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Add: []int64{theirs.GID}}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNoDisturbNotInGroup)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Add: []int64{mine.GID}}})
	require.NoError(t, err)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Add: []int64{mine.GID}}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNoDisturbGroupAlreadySet)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Remove: []int64{mine.GID}}})
	require.NoError(t, err)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Remove: []int64{mine.GID}}})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNoDisturbGroupNotSet)

	// Global: turning it on twice, or off twice, is refused.
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Global: jmessage.Ptr(false)})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNoDisturbGlobalAlreadyOff)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Global: jmessage.Ptr(true)})
	require.NoError(t, err)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Global: jmessage.Ptr(true)})
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrNoDisturbGlobalAlreadyOn)
	assert.ErrorIs(t, err, jmessage.ErrNoDisturbConflict)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Global: jmessage.Ptr(false)})
	require.NoError(t, err)
	_, err = c.Users.SetNoDisturb(ctx, "ghost", jmessage.NoDisturb{Global: jmessage.Ptr(true)})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	// A failed change changes nothing.
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{
		Single: &jmessage.UsernameChanges{Add: []string{"bobby"}}, Group: &jmessage.GroupIDChanges{Add: []int64{1}}})
	require.Error(t, err)
	u, _ = srv.User("alice")
	assert.Equal(t, []string{"carol"}, u.NoDisturbUsers)
}

func TestUserStat(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "caiyh01", "Rauly")
	require.True(t, srv.SetDevices("Rauly", jmessagetest.Device{Platform: "a"}))
	assert.False(t, srv.SetDevices("ghost", jmessagetest.Device{Platform: "a"}))

	stat, resp, err := c.Users.Stat(ctx, "Rauly")
	require.NoError(t, err)
	assertGoldenShape(t, "users_stat.response.json", resp)
	assert.Equal(t, jmessage.UserStat{}, *stat)
	srv.SetDevices("Rauly", jmessagetest.Device{Platform: "a"}, jmessagetest.Device{Platform: "i", Login: true, Online: true})
	stat, _, err = c.Users.Stat(ctx, "Rauly")
	require.NoError(t, err)
	assert.Equal(t, jmessage.UserStat{Login: true, Online: true}, *stat)
	_, _, err = c.Users.Stat(ctx, "ghost")
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	srv.SetDevices("Rauly", jmessagetest.Device{Platform: "a"})
	batch, resp, err := c.Users.StatBatch(ctx, []string{"caiyh01", "Rauly"})
	require.NoError(t, err)
	assertGoldenShape(t, "users_stat_batch.response.json", resp)
	require.Len(t, batch, 2)
	assert.Empty(t, batch[0].Devices)
	assert.Equal(t, []jmessage.DeviceStat{{Platform: "a"}}, batch[1].Devices)
	_, _, err = c.Users.StatBatch(ctx, []string{"caiyh01", "ghost"})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)

	// v2 reports an unknown user per item; the golden's first item is unknown.
	batch, resp, err = c.Users.StatBatchV2(ctx, []string{"ghost", "Rauly"})
	require.NoError(t, err)
	assertGoldenShape(t, "users_stat_batch_v2.response.json", resp)
	require.Len(t, batch, 2)
	assert.Equal(t, 1, batch[0].StatusCode)
	assert.Equal(t, "no_exist", batch[0].StatusMessage)
	assert.Equal(t, 0, batch[1].StatusCode)
	assert.Len(t, batch[1].Devices, 1)
}

// TestSameRulesAsTheSDK: what the SDK refuses locally, the server refuses
// with 899003 (not a 899002, 899006 or state-conflict code), and what the
// SDK lets through, the server does not refuse for its size.
func TestSameRulesAsTheSDK(t *testing.T) {
	t.Parallel()
	srv, c, _ := newCrossFake(t)
	ctx := t.Context()
	register(t, c, "alice")
	for _, tt := range []struct {
		name, method, path, body string
		sdk                      func() error
	}{
		{"nodisturb single add", "POST", "/v1/users/alice/nodisturb", `{"single":{"add":["_bad"]}}`, func() error {
			_, err := c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Add: []string{"_bad"}}})
			return err
		}},
		{"nodisturb single remove", "POST", "/v1/users/alice/nodisturb", `{"single":{"remove":["_bad"]}}`, func() error {
			_, err := c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Remove: []string{"_bad"}}})
			return err
		}},
		{"nodisturb group add", "POST", "/v1/users/alice/nodisturb", `{"group":{"add":[0]}}`, func() error {
			_, err := c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Add: []int64{0}}})
			return err
		}},
		{"nodisturb group remove", "POST", "/v1/users/alice/nodisturb", `{"group":{"remove":[-1]}}`, func() error {
			_, err := c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Group: &jmessage.GroupIDChanges{Remove: []int64{-1}}})
			return err
		}},
		{"cross nodisturb group", "POST", "/v1/cross/users/alice/nodisturb", `[{"appkey":"` + goldenAppKey + `","group":{"add":[-5]}}]`, func() error {
			_, err := c.Cross.SetNoDisturb(ctx, "alice", []jmessage.CrossNoDisturb{{AppKey: goldenAppKey, Group: &jmessage.GroupIDChanges{Add: []int64{-5}}}})
			return err
		}},
		{"group shield", "POST", "/v1/users/alice/groupsShield", `{"add":[0]}`, func() error {
			_, err := c.Groups.SetShield(ctx, "alice", jmessage.GroupIDChanges{Add: []int64{0}})
			return err
		}},
		{"chatroom batch", "POST", "/v1/chatroom/batch", `[10000001,-1]`, func() error {
			_, _, err := c.Chatrooms.GetBatch(ctx, []int64{10000001, -1})
			return err
		}},
	} {
		require.ErrorIs(t, tt.sdk(), jmessage.ErrInvalidArgument, "%s: the SDK refuses it", tt.name)
		status, _, body := raw(t, srv, tt.method, tt.path, basic(srv), "application/json", tt.body)
		assert.Equal(t, http.StatusBadRequest, status, tt.name)
		assert.Contains(t, string(body), `"code":899003`, "%s: %s", tt.name, body)
	}

	// Sizes the SDK sends in one call: a blacklist of 600, a batch of 3001 rooms.
	names := make([]string, 600)
	for i := range names {
		names[i] = fmt.Sprintf("user%04d", i)
	}
	register(t, c, names[:500]...)
	register(t, c, names[500:]...)
	_, err := c.Users.AddToBlacklist(ctx, "alice", names)
	require.NoError(t, err)
	_, err = c.Users.RemoveFromBlacklist(ctx, "alice", names)
	require.NoError(t, err)
	ids := make([]int64, 3001)
	for i := range ids {
		ids[i] = int64(10000001 + i)
	}
	rooms, _, err := c.Chatrooms.GetBatch(ctx, ids)
	require.NoError(t, err)
	assert.Empty(t, rooms)
}

// TestDeletedUserLeavesLists: a user deleted and registered again under
// the same name is another user, on nobody's blacklist or no-disturb list.
func TestDeletedUserLeavesLists(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	register(t, c, "alice", "bobby", "carol")
	_, err := c.Users.AddToBlacklist(ctx, "alice", []string{"bobby", "carol"})
	require.NoError(t, err)
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Add: []string{"bobby", "carol"}}})
	require.NoError(t, err)

	_, err = c.Users.Delete(ctx, "bobby")
	require.NoError(t, err)
	_, err = c.Users.DeleteBatch(ctx, []string{"carol"})
	require.NoError(t, err)
	register(t, c, "bobby", "carol")
	u, _ := srv.User("alice")
	assert.Empty(t, u.Blacklist)
	assert.Empty(t, u.NoDisturbUsers)
	list, _, err := c.Users.Blacklist(ctx, "alice")
	require.NoError(t, err)
	assert.Empty(t, list)
	_, err = c.Users.AddToBlacklist(ctx, "alice", []string{"bobby"})
	require.NoError(t, err, "the new bobby is not blacklisted yet")
	_, err = c.Users.SetNoDisturb(ctx, "alice", jmessage.NoDisturb{Single: &jmessage.UsernameChanges{Add: []string{"carol"}}})
	require.NoError(t, err, "nor has the new carol no-disturb on")
}

// TestAdminProfile: an admin registered with the profile fields is stored
// and listed with them; a field that breaks a user's rule is refused.
func TestAdminProfile(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	ctx := t.Context()
	_, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "ops_admin", Password: "s3cret-pass",
		Nickname: "Ops", Birthday: jmessage.NewDate(1990, time.January, 24), Gender: jmessage.GenderMale,
		Signature: "on call", Region: "shenzhen", Address: "nanshan", Extras: map[string]any{"team": "sre"}})
	require.NoError(t, err)
	u, ok := srv.User("ops_admin")
	require.True(t, ok)
	assert.True(t, u.Admin)
	assert.Equal(t, "Ops", u.Nickname)

	var admins []jmessage.User
	for a, err := range c.Users.AllAdmins(ctx, jmessage.ListOptions{}) {
		require.NoError(t, err)
		admins = append(admins, a)
	}
	require.Len(t, admins, 1)
	a := admins[0]
	assert.Equal(t, "Ops", a.Nickname)
	assert.Equal(t, jmessage.GenderMale, a.Gender)
	assert.Equal(t, "on call", a.Signature)
	assert.Equal(t, "shenzhen", a.Region)
	assert.Equal(t, "nanshan", a.Address)
	assert.Equal(t, map[string]any{"team": "sre"}, a.Extras)
	assert.Equal(t, 1990, a.Birthday.Year())

	// The server holds a raw body to the users' rules too.
	_, err = c.Do(ctx, jmessage.RawRequest{Method: http.MethodPost, Path: "/v1/admins/", Body: map[string]any{
		"username": "bot_admin", "password": "password", "nickname": strings.Repeat("n", 65)}}, nil)
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrInvalidParameter)
}

// assertGoldenUsersShape asserts that the answer has the shape of the
// golden response once the appkey of each user object in it is taken out:
// the document's User object lists appkey, its examples leave it out.
func assertGoldenUsersShape(t *testing.T, goldenName string, resp *jmessage.Response) {
	t.Helper()
	var answer any
	require.NoError(t, decodeNumbers(resp.RawBody, &answer))
	assert.Equal(t, shape(t, golden(t, goldenName)), shapeOf(withoutAppKeys(t, answer)), "answer %s", resp.RawBody)
}

// withoutAppKeys returns v with the appkey of every user object (one with
// username, ctime and mtime) taken out, failing the test where one lacks it.
func withoutAppKeys(t *testing.T, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = withoutAppKeys(t, e)
		}
		if x["username"] != nil && x["ctime"] != nil && x["mtime"] != nil {
			assert.Contains(t, x, "appkey", "user %v", x["username"])
			delete(out, "appkey")
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutAppKeys(t, e)
		}
		return out
	}
	return v
}
