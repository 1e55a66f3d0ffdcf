package jmessagetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

func routeUsers(s *Server) {
	s.handle("POST /v1/users/", http.StatusCreated, register)
	s.handle("GET /v1/users/", http.StatusOK, listUsers(false))
	s.handle("DELETE /v1/users/", http.StatusOK, deleteUsers)
	s.handleRead("GET /v1/users/{username}", http.StatusOK, getUser)
	s.handle("PUT /v1/users/{username}", http.StatusNoContent, updateUser)
	s.handle("DELETE /v1/users/{username}", http.StatusNoContent, deleteUser)
	s.handleRead("GET /v1/users/{username}/userstat", http.StatusOK, userStat)
	s.handleRead("POST /v1/users/userstat", http.StatusOK, userStatBatch(false))
	s.handleRead("POST /v2/users/statuser", http.StatusOK, userStatBatch(true))
	s.handle("PUT /v1/users/{username}/password", http.StatusNoContent, setPassword)
	s.handle("PUT /v1/users/{username}/blacklist", http.StatusNoContent, blacklistChange(true))
	s.handle("DELETE /v1/users/{username}/blacklist", http.StatusNoContent, blacklistChange(false))
	s.handleRead("GET /v1/users/{username}/blacklist", http.StatusOK, blacklistList)
	s.handle("POST /v1/users/{username}/nodisturb", http.StatusNoContent, setNoDisturb)
	s.handle("PUT /v1/users/{username}/forbidden", http.StatusNoContent, setForbidden)
	s.handle("POST /v1/admins/", http.StatusCreated, registerAdmin)
	s.handle("GET /v1/admins/", http.StatusOK, listUsers(true))
}

// user returns the app's user (or admin) name, or a 899002.
func (a *appState) user(name string) (*user, error) {
	if u := a.users[name]; u != nil {
		return u, nil
	}
	return nil, fail(jmessage.ErrUserNotFound, "user %s not exist", name)
}

// pathUser returns the existing user named by the {username} path value.
func (c *call) pathUser() (*user, error) {
	name, err := c.username()
	if err != nil {
		return nil, err
	}
	return c.app.user(name)
}

// addUser creates a user or admin; the name must be free.
func (c *call) addUser(name, password string, admin bool, p profile) *user {
	now := c.now()
	u := &user{username: name, password: password, admin: admin, profile: p, ctime: now, mtime: now}
	u.touch(c.app.key)
	c.app.users[name] = u
	c.app.roster(admin).add(u)
	return u
}

// touch encodes the user's answer again, with appKey, the key of the
// user's app, after its profile or mtime changed: get and the list answer
// it without encoding.
func (u *user) touch(appKey string) {
	b, err := json.Marshal(appUserWire{u.wire(), appKey})
	if err != nil {
		panic("jmessagetest: encoding a user: " + err.Error()) // strings and valid JSON only
	}
	u.answer = b
}

// userWire is a user as the API answers it: keys other than username,
// mtime and ctime only when set.
type userWire struct {
	Username  string          `json:"username"`
	Nickname  string          `json:"nickname,omitempty"`
	Avatar    string          `json:"avatar,omitempty"`
	Birthday  string          `json:"birthday,omitempty"`
	Gender    *int            `json:"gender,omitempty"`
	Signature string          `json:"signature,omitempty"`
	Region    string          `json:"region,omitempty"`
	Address   string          `json:"address,omitempty"`
	Extras    json.RawMessage `json:"extras,omitempty"`
	MTime     string          `json:"mtime"`
	CTime     string          `json:"ctime"`
}

func (u *user) wire() userWire {
	p := u.profile
	w := userWire{Username: u.username, Nickname: p.nickname, Avatar: p.avatar, Gender: p.gender,
		Signature: p.signature, Region: p.region, Address: p.address, Extras: p.extras,
		MTime: formatTime(u.mtime), CTime: formatTime(u.ctime)}
	if p.birthday != "" {
		w.Birthday = p.birthday + " 00:00:00"
	}
	return w
}

// profileWire is the profile part of a register or update body; nil
// fields are absent.
type profileWire struct {
	Nickname  *string         `json:"nickname"`
	Avatar    *string         `json:"avatar"`
	Birthday  *string         `json:"birthday"`
	Signature *string         `json:"signature"`
	Gender    *int            `json:"gender"`
	Region    *string         `json:"region"`
	Address   *string         `json:"address"`
	Extras    json.RawMessage `json:"extras"`
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// setIf sets *dst to *src when src is set.
func setIf(dst, src *string) {
	if src != nil {
		*dst = *src
	}
}

// check applies the field rules; field names are prefixed with prefix.
func (w *profileWire) check(prefix string) error {
	var genderErr, birthdayErr, extrasErr error
	if w.Gender != nil && (*w.Gender < 0 || *w.Gender > 2) {
		genderErr = fail(jmessage.ErrInvalidParameter, "%sgender must be 0, 1 or 2", prefix)
	}
	if b := deref(w.Birthday); b != "" {
		if _, err := time.Parse("2006-01-02", b); err != nil {
			birthdayErr = fail(jmessage.ErrInvalidParameter, "%sbirthday must be yyyy-MM-dd", prefix)
		}
	}
	if len(w.Extras) > 0 && !bytes.Equal(w.Extras, []byte("null")) {
		extrasErr = checkObject(prefix+"extras", w.Extras, rules.MaxExtrasBytes)
	}
	return firstErr(
		checkField(prefix+"nickname", rules.Name(deref(w.Nickname))),
		checkField(prefix+"avatar", rules.Text(deref(w.Avatar))),
		checkField(prefix+"signature", rules.Text(deref(w.Signature))),
		checkField(prefix+"region", rules.Text(deref(w.Region))),
		checkField(prefix+"address", rules.Text(deref(w.Address))),
		genderErr, birthdayErr, extrasErr,
	)
}

// apply sets the fields w carries on p.
func (w *profileWire) apply(p *profile) {
	setIf(&p.nickname, w.Nickname)
	setIf(&p.avatar, w.Avatar)
	setIf(&p.birthday, w.Birthday)
	setIf(&p.signature, w.Signature)
	setIf(&p.region, w.Region)
	setIf(&p.address, w.Address)
	if w.Gender != nil {
		g := *w.Gender
		p.gender = &g
	}
	if len(w.Extras) > 0 {
		if bytes.Equal(w.Extras, []byte("null")) {
			p.extras = nil
		} else {
			p.extras = compact(w.Extras)
		}
	}
}

// checkObject checks that raw is a JSON object of at most maxBytes (compacted).
func checkObject(field string, raw json.RawMessage, maxBytes int) error {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return fail(jmessage.ErrInvalidParameter, "%s must be a JSON object", field)
	}
	if len(raw) <= maxBytes {
		return nil // compacting never makes it longer
	}
	return checkField(field, rules.Size(len(compact(raw)), maxBytes))
}

// compact returns raw without insignificant space (raw is valid JSON).
func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return slices.Clone(raw)
	}
	return b.Bytes()
}

type newUserWire struct {
	Username string `json:"username"`
	Password string `json:"password"`
	profileWire
}

type registerItem struct {
	Username string        `json:"username"`
	Error    *envelopeBody `json:"error,omitempty"`
}

// register answers one item per user, with an error for a user it could
// not register (899003 bad field, 899001 exists). When every user failed,
// the fake answers the items under 400, as the real server may.
func register(c *call) (any, error) {
	var in []newUserWire
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	switch {
	case len(in) == 0:
		return nil, fail(jmessage.ErrInvalidParameter, "no user to register")
	case len(in) > rules.MaxRegisterBatch:
		return nil, fail(jmessage.ErrTooManyUsers, "more than %d users in one call", rules.MaxRegisterBatch)
	}
	out := make([]registerItem, len(in))
	failed := 0
	for i, nu := range in {
		out[i].Username = nu.Username
		err := firstErr(checkField("username", rules.Username(nu.Username)),
			checkField("password", rules.Password(nu.Password)), nu.check(""))
		if err == nil && c.app.users[nu.Username] != nil {
			err = fail(jmessage.ErrUserExists, "user exist")
		}
		var e *apiError
		if errors.As(err, &e) {
			out[i].Error = &envelopeBody{Code: e.code, Message: e.message}
			failed++
			continue
		}
		var p profile
		nu.apply(&p)
		c.addUser(nu.Username, nu.Password, false, p)
	}
	if failed == len(in) {
		return nil, &apiError{status: http.StatusBadRequest, body: out}
	}
	return out, nil
}

// registerAdmin registers one admin (one object, not an array), with the
// profile fields and rules of a user.
func registerAdmin(c *call) (any, error) {
	var in newUserWire
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := firstErr(checkField("username", rules.Username(in.Username)),
		checkField("password", rules.Password(in.Password)), in.check("")); err != nil {
		return nil, err
	}
	if c.app.users[in.Username] != nil {
		return nil, fail(jmessage.ErrUserExists, "user exist")
	}
	var p profile
	in.apply(&p)
	c.addUser(in.Username, in.Password, true, p)
	return nil, nil
}

// listUsers lists users (admins false) or admins, in registration order.
func listUsers(admins bool) handler {
	return func(c *call) (any, error) {
		maxCount := rules.MaxUserListCount
		if admins {
			maxCount = rules.MaxAdminListCount
		}
		start, count, err := c.page(maxCount)
		if err != nil {
			return nil, err
		}
		all := c.app.roster(admins).all()
		page := window(all, start, count)
		wires := make([]json.RawMessage, len(page))
		for i, u := range page {
			wires[i] = u.answer
		}
		return map[string]any{"total": len(all), "start": start, "count": len(wires), "users": wires}, nil
	}
}

func getUser(c *call) (any, error) {
	u, err := c.pathUser()
	if err != nil {
		return nil, err
	}
	return u.answer, nil
}

func updateUser(c *call) (any, error) {
	u, err := c.pathUser()
	if err != nil {
		return nil, err
	}
	var in profileWire
	if err := firstErr(c.decode(&in), in.check("")); err != nil {
		return nil, err
	}
	in.apply(&u.profile)
	u.mtime = c.now()
	u.touch(c.app.key)
	return nil, nil
}

func deleteUser(c *call) (any, error) {
	u, err := c.pathUser()
	if err := firstErr(err, c.noBody()); err != nil {
		return nil, err
	}
	c.app.deleteUser(u.username)
	return nil, nil
}

// deleteUser deletes the user name. Groups, chatrooms, friends,
// blacklists and no-disturb lists hold the user itself (userRef), not its
// name, and drop it without help: a user registered again under the name
// is another user.
func (a *appState) deleteUser(name string) {
	u := a.users[name]
	if u == nil {
		return
	}
	u.deleted = true
	delete(a.users, name)
	a.roster(u.admin).dead++
}

// roster keeps an app's users (or admins) in registration order, for the
// paged lists: adding and deleting cost O(1), a deleted user stays until
// the next list drops every deleted one at once, so walking every page of
// n users costs O(n).
type roster struct {
	list []*user
	dead int // deleted users still in list
}

func (r *roster) add(u *user) { r.list = append(r.list, u) }

// all returns the users that still exist, in registration order.
func (r *roster) all() []*user {
	if r.dead > 0 {
		r.list = slices.DeleteFunc(r.list, func(u *user) bool { return u.deleted })
		r.dead = 0
	}
	return r.list
}

// roster returns the app's roster of admins or users.
func (a *appState) roster(admins bool) *roster {
	if admins {
		return &a.admins
	}
	return &a.userOrder
}

// usernames decodes a body that is a JSON array of min..max valid usernames.
func (c *call) usernames(minN, maxN int) ([]string, error) {
	var names []string
	if err := c.decode(&names); err != nil {
		return nil, err
	}
	if err := firstErr(checkField("usernames", rules.Count(len(names), minN, maxN)), checkUsernames("username", names)); err != nil {
		return nil, err
	}
	return names, nil
}

// deleteUsers deletes up to 100 users; names that are not users are skipped.
func deleteUsers(c *call) (any, error) {
	names, err := c.usernames(1, rules.MaxDeleteBatch)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		c.app.deleteUser(n)
	}
	return nil, nil
}

type deviceWire struct {
	Login    bool   `json:"login"`
	Online   bool   `json:"online"`
	Platform string `json:"platform"`
}

func userStat(c *call) (any, error) {
	u, err := c.pathUser()
	if err != nil {
		return nil, err
	}
	var login, online bool
	for _, d := range u.devices {
		login, online = login || d.Login, online || d.Online
	}
	return map[string]bool{"login": login, "online": online}, nil
}

type userDevicesWire struct {
	Devices    []deviceWire `json:"devices"`
	Username   string       `json:"username"`
	StatusCode *int         `json:"statuscode,omitempty"`
	StatusMsg  string       `json:"statusmsg,omitempty"`
}

// userStatBatch answers each user's devices; v1 fails the call for an
// unknown user, v2 marks it with statuscode 1.
func userStatBatch(v2 bool) handler {
	return func(c *call) (any, error) {
		names, err := c.usernames(1, 1<<20)
		if err != nil {
			return nil, err
		}
		out := make([]userDevicesWire, len(names))
		for i, n := range names {
			out[i] = userDevicesWire{Username: n, Devices: []deviceWire{}}
			u := c.app.users[n]
			switch {
			case u == nil && !v2:
				return nil, fail(jmessage.ErrUserNotFound, "user %s not exist", n)
			case u == nil:
				out[i].StatusCode, out[i].StatusMsg = new(int), "no_exist"
				*out[i].StatusCode = 1
				continue
			case v2:
				out[i].StatusCode = new(int)
			}
			for _, d := range u.devices {
				out[i].Devices = append(out[i].Devices, deviceWire{Login: d.Login, Online: d.Online, Platform: d.Platform})
			}
		}
		return out, nil
	}
}

func setPassword(c *call) (any, error) {
	u, err := c.pathUser()
	if err != nil {
		return nil, err
	}
	var in struct {
		NewPassword string `json:"new_password"`
	}
	if err := firstErr(c.decode(&in), checkField("new_password", rules.Password(in.NewPassword))); err != nil {
		return nil, err
	}
	u.password, u.mtime = in.NewPassword, c.now()
	u.touch(c.app.key)
	return nil, nil
}

func setForbidden(c *call) (any, error) {
	u, err := c.pathUser()
	if err != nil {
		return nil, err
	}
	disable, err := c.boolQuery("disable", "true", "false")
	if err := firstErr(err, c.noBody()); err != nil {
		return nil, err
	}
	u.forbidden = disable
	return nil, nil
}

// blacklistChange adds (or removes) users of the app to the user's
// blacklist, all or none, as the cross-app operation does for the own app.
func blacklistChange(add bool) handler {
	return func(c *call) (any, error) {
		me, err := c.self()
		if err != nil {
			return nil, err
		}
		names, err := c.usernames(1, math.MaxInt)
		if err != nil {
			return nil, err
		}
		refs, err := c.app.refs("usernames", names)
		if err != nil {
			return nil, err
		}
		next, err := changeBlacklist(me, liveRefs(me.u.blacklist), refs, add)
		if err != nil {
			return nil, err
		}
		me.u.blacklist = next
		return nil, nil
	}
}

// blacklistList answers the blacklisted users of the app that still exist.
func blacklistList(c *call) (any, error) {
	u, err := c.pathUser()
	if err != nil {
		return nil, err
	}
	out := []userWire{}
	for _, r := range liveRefs(u.blacklist) {
		if r.app == c.app {
			out = append(out, r.u.wire())
		}
	}
	return out, nil
}

// noDisturbUsersWire and noDisturbGroupsWire are the single and group
// parts of a no-disturb change, single-app and cross-app alike.
type (
	noDisturbUsersWire struct {
		Add    []string `json:"add"`
		Remove []string `json:"remove"`
	}
	noDisturbGroupsWire struct {
		Add    []int64 `json:"add"`
		Remove []int64 `json:"remove"`
	}
)

type noDisturbWire struct {
	Single *noDisturbUsersWire  `json:"single"`
	Group  *noDisturbGroupsWire `json:"group"`
	Global *int                 `json:"global"`
}

// check applies the SDK's rules: valid usernames, positive gids.
func (w *noDisturbWire) check() error {
	var errs []error
	if s := w.Single; s != nil {
		errs = append(errs, checkUsernames("single.add", s.Add), checkUsernames("single.remove", s.Remove))
	}
	if g := w.Group; g != nil {
		errs = append(errs, checkIDs("group.add", g.Add), checkIDs("group.remove", g.Remove))
	}
	return firstErr(errs...)
}

// setNoDisturb changes single, group and global no-disturb; all or none,
// with the same changes as the cross-app operation for the own app.
// Global on when on is a 899048, off when off a 899050.
func setNoDisturb(c *call) (any, error) {
	me, err := c.self()
	if err != nil {
		return nil, err
	}
	var in noDisturbWire
	if err := firstErr(c.decode(&in), in.check()); err != nil {
		return nil, err
	}
	u := me.u
	next := noDisturb{single: liveRefs(u.noDisturb.single), groups: slices.Clone(u.noDisturb.groups),
		global: u.noDisturb.global}
	if s := in.Single; s != nil {
		if next.single, err = changeSingleNoDisturb(c.app, next.single, s.Add, s.Remove); err != nil {
			return nil, err
		}
	}
	if g := in.Group; g != nil {
		if next.groups, err = changeGroupNoDisturb(c.app, me, next.groups, g.Add, g.Remove); err != nil {
			return nil, err
		}
	}
	if in.Global != nil {
		switch on := *in.Global == 1; {
		case *in.Global != 0 && *in.Global != 1:
			return nil, fail(jmessage.ErrInvalidParameter, "global must be 0 or 1")
		case on && next.global:
			return nil, fail(jmessage.ErrNoDisturbGlobalAlreadyOn, "global no-disturb already on for %s", u.username)
		case !on && !next.global:
			return nil, fail(jmessage.ErrNoDisturbGlobalAlreadyOff, "global no-disturb already off for %s", u.username)
		default:
			next.global = on
		}
	}
	u.noDisturb = next
	return nil, nil
}
