package jmessagetest

import (
	"math"
	"net/http"
	"slices"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

// Cross-app operations name users (and groups) of any app the server knows
// by app key: 899009 for a key it does not know. Every app may use them.
func routeCross(s *Server) {
	s.handle("POST /v1/cross/groups/{gid}/members", http.StatusNoContent, crossGroupMembers)
	s.handle("GET /v1/cross/groups/{gid}/members/", http.StatusOK, groupMembers(true))
	s.handle("GET /v1/cross/users/{username}/groups", http.StatusOK, userGroups(true))
	s.handle("PUT /v1/cross/users/{username}/blacklist", http.StatusNoContent, crossBlacklist(true))
	s.handle("DELETE /v1/cross/users/{username}/blacklist", http.StatusNoContent, crossBlacklist(false))
	s.handleRead("GET /v1/cross/users/{username}/blacklist", http.StatusOK, crossBlacklistList)
	s.handle("POST /v1/cross/users/{username}/nodisturb", http.StatusNoContent, crossNoDisturb)
	s.handle("POST /v1/cross/users/{username}/friends", http.StatusCreated, crossFriends(true))
	s.handle("DELETE /v1/cross/users/{username}/friends", http.StatusNoContent, crossFriends(false))
	s.handle("PUT /v1/cross/users/{username}/friends", http.StatusNoContent, crossFriendNotes)
	s.handle("POST /v1/cross/chatroom/{room_id}/members", http.StatusNoContent, crossChatroomMembers)
}

// crossChangesWire is one app's item of a cross-app member change.
type crossChangesWire struct {
	AppKey string   `json:"appkey"`
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

// crossChanges decodes 1..maxItems per-app member changes, each with an
// appkey and at least one user, and resolves them to users (at most
// maxUsers per list).
func (c *call) crossChanges(maxItems, maxUsers int) (add, remove []userRef, err error) {
	var in []crossChangesWire
	if err := firstErr(c.decode(&in), checkField("changes", rules.Count(len(in), 1, maxItems))); err != nil {
		return nil, nil, err
	}
	for _, item := range in {
		app, err := c.otherApp("appkey", item.AppKey)
		if err != nil {
			return nil, nil, err
		}
		if len(item.Add) == 0 && len(item.Remove) == 0 {
			return nil, nil, fail(jmessage.ErrInvalidParameter, "add or remove at least one user of %s", item.AppKey)
		}
		if err := firstErr(checkField("add", rules.Count(len(item.Add), 0, maxUsers)),
			checkField("remove", rules.Count(len(item.Remove), 0, maxUsers))); err != nil {
			return nil, nil, err
		}
		a, err := app.refs("add", item.Add)
		if err != nil {
			return nil, nil, err
		}
		r, err := app.refs("remove", item.Remove)
		if err != nil {
			return nil, nil, err
		}
		add, remove = append(add, a...), append(remove, r...)
	}
	return add, remove, nil
}

// crossGroupMembers changes the members of one of the caller's groups
// with users of any app, all or none.
func crossGroupMembers(c *call) (any, error) {
	g, err := c.pathGroup()
	if err != nil {
		return nil, err
	}
	add, remove, err := c.crossChanges(rules.MaxCrossApps, math.MaxInt)
	if err != nil {
		return nil, err
	}
	return nil, g.change(add, remove, c.now())
}

// crossChatroomMembers changes the members of one of the caller's
// chatrooms with users of any app, all or none.
func crossChatroomMembers(c *call) (any, error) {
	r, err := c.pathChatroom()
	if err != nil {
		return nil, err
	}
	add, remove, err := c.crossChanges(math.MaxInt, rules.MaxChatroomMembers)
	if err != nil {
		return nil, err
	}
	return nil, r.change(add, remove, c.now())
}

// crossUsersWire names users of one app.
type crossUsersWire struct {
	AppKey    string   `json:"appkey"`
	Usernames []string `json:"usernames"`
}

// crossBlacklist adds (or removes) users of any app to the user's
// blacklist, all or none, with the codes of the single-app operation
// (899017, 899018, 899019): one list holds the users of every app.
func crossBlacklist(add bool) handler {
	return func(c *call) (any, error) {
		me, err := c.self()
		if err != nil {
			return nil, err
		}
		var in []crossUsersWire
		if err := firstErr(c.decode(&in), checkField("users", rules.Count(len(in), 1, rules.MaxCrossApps))); err != nil {
			return nil, err
		}
		next := liveRefs(me.u.blacklist)
		for _, item := range in {
			app, err := c.otherApp("appkey", item.AppKey)
			if err != nil {
				return nil, err
			}
			if err := checkField("usernames", rules.Count(len(item.Usernames), 1, math.MaxInt)); err != nil {
				return nil, err
			}
			refs, err := app.refs("usernames", item.Usernames)
			if err != nil {
				return nil, err
			}
			if next, err = changeBlacklist(me, next, refs, add); err != nil {
				return nil, err
			}
		}
		me.u.blacklist = next
		return nil, nil
	}
}

// changeBlacklist adds (or removes) refs to me's blacklist list (which it
// may change: pass a copy), all or none. A user cannot blacklist itself
// (899003) nor an admin (899018), nor add one twice (899017) or remove one
// that is not on it (899019).
func changeBlacklist(me userRef, list, refs []userRef, add bool) ([]userRef, error) {
	for _, r := range refs {
		on := slices.Contains(list, r)
		switch {
		case add && r == me:
			return nil, fail(jmessage.ErrInvalidParameter, "a user cannot blacklist itself")
		case add && r.u.admin:
			return nil, fail(jmessage.ErrAdminNotBlacklistable, "admin %s cannot be blacklisted", r.u.username)
		case add && on:
			return nil, fail(jmessage.ErrAlreadyBlacklisted, "user %s already in blacklist", r.u.username)
		case !add && !on:
			return nil, fail(jmessage.ErrNotBlacklisted, "user %s not in blacklist", r.u.username)
		case add:
			list = append(list, r)
		default:
			list = slices.DeleteFunc(list, func(x userRef) bool { return x == r })
		}
	}
	return list, nil
}

// appUserWire is a user with the app it belongs to, as get, list and the
// cross-app blacklist answer it.
type appUserWire struct {
	userWire
	AppKey string `json:"appkey"`
}

// crossBlacklistList answers the user's blacklist of every app: the own
// app's users first, each with its app key.
func crossBlacklistList(c *call) (any, error) {
	me, err := c.self()
	if err != nil {
		return nil, err
	}
	live := liveRefs(me.u.blacklist)
	out := make([]appUserWire, 0, len(live))
	for _, own := range []bool{true, false} {
		for _, r := range live {
			if (r.app == c.app) == own {
				out = append(out, appUserWire{r.u.wire(), r.app.key})
			}
		}
	}
	return out, nil
}

type crossNoDisturbWire struct {
	AppKey string               `json:"appkey"`
	Single *noDisturbUsersWire  `json:"single"`
	Group  *noDisturbGroupsWire `json:"group"`
}

// crossNoDisturb changes the user's single and group no-disturb settings
// for users and groups of any app (no global part), all or none, with the
// codes of the single-app operation, on the same lists.
func crossNoDisturb(c *call) (any, error) {
	me, err := c.self()
	if err != nil {
		return nil, err
	}
	var in []crossNoDisturbWire
	if err := firstErr(c.decode(&in), checkField("settings", rules.Count(len(in), 1, math.MaxInt))); err != nil {
		return nil, err
	}
	single, groups := liveRefs(me.u.noDisturb.single), slices.Clone(me.u.noDisturb.groups)
	for _, item := range in {
		app, err := c.otherApp("appkey", item.AppKey)
		if err != nil {
			return nil, err
		}
		if item.Single == nil && item.Group == nil {
			return nil, fail(jmessage.ErrInvalidParameter, "change single or group no-disturb for %s", item.AppKey)
		}
		if s := item.Single; s != nil {
			if single, err = changeSingleNoDisturb(app, single, s.Add, s.Remove); err != nil {
				return nil, err
			}
		}
		if g := item.Group; g != nil {
			if groups, err = changeGroupNoDisturb(app, me, groups, g.Add, g.Remove); err != nil {
				return nil, err
			}
		}
	}
	me.u.noDisturb.single, me.u.noDisturb.groups = single, groups
	return nil, nil
}

// changeSingleNoDisturb turns single no-disturb on (add) and off (remove)
// for users of app in list (which it may change: pass a copy): 899043 for
// one already on, 899044 for one that is not.
func changeSingleNoDisturb(app *appState, list []userRef, add, remove []string) ([]userRef, error) {
	addRefs, err := app.refs("single.add", add)
	if err != nil {
		return nil, err
	}
	removeRefs, err := app.refs("single.remove", remove)
	if err != nil {
		return nil, err
	}
	for _, r := range addRefs {
		if slices.Contains(list, r) {
			return nil, fail(jmessage.ErrNoDisturbUserAlreadySet, "single no-disturb already on for %s", r.u.username)
		}
		list = append(list, r)
	}
	for _, r := range removeRefs {
		i := slices.Index(list, r)
		if i < 0 {
			return nil, fail(jmessage.ErrNoDisturbUserNotSet, "single no-disturb not on for %s", r.u.username)
		}
		list = slices.Delete(list, i, i+1)
	}
	return list, nil
}

// changeGroupNoDisturb turns me's group no-disturb on (add) and off
// (remove) for groups of app, with the official table's codes: the group
// must be one of app's (899045) holding me (899046), not set already
// (899047); a group removed must be set (899049).
func changeGroupNoDisturb(app *appState, me userRef, gids, add, remove []int64) ([]int64, error) {
	if err := firstErr(checkIDs("group.add", add), checkIDs("group.remove", remove)); err != nil {
		return nil, err
	}
	return toggleGIDs(gids, add, remove, "group no-disturb", jmessage.ErrNoDisturbGroupAlreadySet, jmessage.ErrNoDisturbGroupNotSet,
		func(gid int64) error {
			g := app.groups[gid]
			switch {
			case g == nil:
				return fail(jmessage.ErrNoDisturbGroupNotFound, "group %d not exist", gid)
			case g.members.index(me) < 0:
				return fail(jmessage.ErrNoDisturbNotInGroup, "user %s is not in group %d", me.u.username, gid)
			}
			return nil
		})
}

// toggleGIDs adds then removes gids of set (which it may change: pass a
// copy), all or none: vet checks each gid added; adding one already in
// the set is onCode, removing one that is not offCode. what names the
// setting in the messages.
func toggleGIDs(set, add, remove []int64, what string, onCode, offCode jmessage.ErrorCode, vet func(gid int64) error) ([]int64, error) {
	for _, gid := range add {
		if err := vet(gid); err != nil {
			return nil, err
		}
		if slices.Contains(set, gid) {
			return nil, fail(onCode, "%s already on for group %d", what, gid)
		}
		set = append(set, gid)
	}
	for _, gid := range remove {
		i := slices.Index(set, gid)
		if i < 0 {
			return nil, fail(offCode, "%s not on for group %d", what, gid)
		}
		set = slices.Delete(set, i, i+1)
	}
	return set, nil
}

// crossFriends befriends (or unfriends) up to 500 users of one app: the
// body is one object {"appkey","users"}.
func crossFriends(add bool) handler {
	return func(c *call) (any, error) {
		me, err := c.self()
		if err != nil {
			return nil, err
		}
		var in struct {
			AppKey string   `json:"appkey"`
			Users  []string `json:"users"`
		}
		if err := c.decode(&in); err != nil {
			return nil, err
		}
		app, err := c.otherApp("appkey", in.AppKey)
		if err != nil {
			return nil, err
		}
		others, err := c.friendsOf(app, in.Users)
		if err != nil {
			return nil, err
		}
		if add {
			return nil, befriend(me, others)
		}
		return nil, unfriend(me, others)
	}
}

// crossFriendNotes sets the user's notes on friends of any app; every
// item names its appkey.
func crossFriendNotes(c *call) (any, error) {
	me, err := c.self()
	if err != nil {
		return nil, err
	}
	var notes []noteWire
	if err := c.decode(&notes); err != nil {
		return nil, err
	}
	return nil, c.setNotes(me, notes, true)
}
