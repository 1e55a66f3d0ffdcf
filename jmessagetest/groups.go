package jmessagetest

import (
	"math"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

// Limits of the groups area.
const (
	// GroupCapacity is how many members (the owner included) a group
	// holds: adding more fails with 899012.
	GroupCapacity = 500
	// firstGID is the first group id a server hands out; ids are unique
	// across the server's apps.
	firstGID = 10_000_001
)

func routeGroups(s *Server) {
	s.handle("POST /v1/groups/", http.StatusCreated, createGroup)
	s.handle("GET /v1/groups/", http.StatusOK, listGroups)
	s.handle("GET /v1/groups/{gid}", http.StatusOK, getGroup)
	s.handle("PUT /v1/groups/{gid}", http.StatusNoContent, updateGroup)
	s.handle("DELETE /v1/groups/{gid}", http.StatusNoContent, deleteGroup)
	s.handle("POST /v1/groups/{gid}/members", http.StatusNoContent, updateGroupMembers)
	s.handle("POST /v2/groups/{gid}/addMembers", http.StatusNoContent, groupMembersV2(true))
	s.handle("POST /v2/groups/{gid}/delMembers", http.StatusNoContent, groupMembersV2(false))
	s.handle("GET /v1/groups/{gid}/members/", http.StatusOK, groupMembers(false))
	s.handle("GET /v1/users/{username}/groups/", http.StatusOK, userGroups(false))
	s.handle("POST /v1/users/{username}/groupsShield", http.StatusNoContent, setGroupShield)
	s.handle("PUT /v1/groups/messages/{gid}/silence", http.StatusNoContent, setGroupSilence)
	s.handle("PUT /v1/groups/owner/{gid}", http.StatusNoContent, transferGroupOwner)
}

// group is a group of one app. Its members may belong to other apps
// (cross-app member changes).
type group struct {
	gid            int64
	app            *appState // the app that created it
	owner          userRef
	name, desc     string
	avatar         string
	flag           int // 1 private, 2 public
	ctime, mtime   time.Time
	members        members // the owner first
	maxMemberCount int
}

// prune forgets deleted members; a deleted owner hands the group to the
// longest-standing member, as an owner leaving does.
func (g *group) prune() {
	g.members = g.members.live()
	if len(g.members) > 0 && g.members.index(g.owner) < 0 {
		g.owner = g.members[0].userRef
	}
}

// group returns the app's group gid, or a 899006.
func (a *appState) group(gid int64) (*group, error) {
	if g := a.groups[gid]; g != nil {
		g.prune()
		return g, nil
	}
	return nil, fail(jmessage.ErrGroupNotFound, "group %d not exist", gid)
}

// pathGroup returns the caller's group named by the {gid} path value.
func (c *call) pathGroup() (*group, error) { return pathLookup(c, "gid", c.app.group) }

// findGroup returns group gid of any app (gids are unique on a server).
func (s *Server) findGroup(gid int64) *group {
	for _, a := range s.apps.Load().list {
		if g := a.groups[gid]; g != nil {
			return g
		}
	}
	return nil
}

// change removes then adds members, all or none: a removed user must be a
// member (899014), an added one must not (899011), and the group must have
// room (899012). The owner leaving hands the group to the longest-standing
// member; a group left without members is deleted.
func (g *group) change(add, remove []userRef, now time.Time) error {
	members := g.members.live()
	for _, r := range remove {
		i := members.index(r)
		if i < 0 {
			return fail(jmessage.ErrUserNotInGroup, "user %s not in group %d", r.u.username, g.gid)
		}
		members = slices.Delete(members, i, i+1)
	}
	for _, r := range add {
		if members.index(r) >= 0 {
			return fail(jmessage.ErrUserInGroup, "user %s already in group %d", r.u.username, g.gid)
		}
		members = append(members, member{userRef: r, joined: now})
	}
	if len(members) > g.maxMemberCount {
		return fail(jmessage.ErrGroupFull, "group %d has room for %d members", g.gid, g.maxMemberCount)
	}
	g.members = members
	if len(members) == 0 {
		delete(g.app.groups, g.gid)
		return nil
	}
	if members.index(g.owner) < 0 {
		g.owner = members[0].userRef
	}
	g.mtime = now
	return nil
}

// groupWire is a group as get, the lists and the cross-app user-groups
// list answer it; the cross-app list spells the member cap snake_case.
type groupWire struct {
	GID      int64  `json:"gid"`
	Name     string `json:"name"`
	Desc     string `json:"desc"`
	Avatar   string `json:"avatar,omitempty"`
	AppKey   string `json:"appkey"`
	Max      int    `json:"MaxMemberCount,omitempty"`
	MaxSnake int    `json:"max_member_count,omitempty"`
	MTime    string `json:"mtime"`
	CTime    string `json:"ctime"`
}

func (g *group) wire(snake bool) groupWire {
	w := groupWire{GID: g.gid, Name: g.name, Desc: g.desc, Avatar: g.avatar, AppKey: g.app.key,
		MTime: formatTime(g.mtime), CTime: formatTime(g.ctime)}
	if snake {
		w.MaxSnake = g.maxMemberCount
	} else {
		w.Max = g.maxMemberCount
	}
	return w
}

type newGroupWire struct {
	OwnerUsername string   `json:"owner_username"`
	Name          string   `json:"name"`
	Members       []string `json:"members_username"`
	Avatar        string   `json:"avatar"`
	Desc          string   `json:"desc"`
	Flag          *int     `json:"flag"`
}

func (w *newGroupWire) check() error {
	var flagErr, nameErr error
	if w.Flag != nil && *w.Flag != 1 && *w.Flag != 2 {
		flagErr = fail(jmessage.ErrInvalidParameter, "flag must be 1 (private) or 2 (public)")
	}
	if w.Name == "" {
		nameErr = fail(jmessage.ErrInvalidParameter, "name is required")
	}
	return firstErr(checkField("owner_username", rules.Username(w.OwnerUsername)), nameErr,
		checkField("name", rules.Name(w.Name)), checkField("desc", rules.Text(w.Desc)),
		checkField("avatar", rules.Text(w.Avatar)), flagErr)
}

// createGroup creates a group of the owner and the members (all existing
// users, 899002); the owner named among the members counts once.
func createGroup(c *call) (any, error) {
	var in newGroupWire
	if err := firstErr(c.decode(&in), in.check()); err != nil {
		return nil, err
	}
	owner, err := c.app.ref(in.OwnerUsername)
	if err != nil {
		return nil, err
	}
	refs, err := c.app.refs("members_username", in.Members)
	if err != nil {
		return nil, err
	}
	now := c.now()
	c.st.lastGID = max(c.st.lastGID+1, firstGID)
	g := &group{gid: c.st.lastGID, app: c.app, owner: owner, name: in.Name, desc: in.Desc, avatar: in.Avatar,
		flag: 1, ctime: now, mtime: now, members: members{{userRef: owner, joined: now}}, maxMemberCount: GroupCapacity}
	if in.Flag != nil {
		g.flag = *in.Flag
	}
	names := []string{}
	for _, r := range refs {
		if g.members.index(r) < 0 {
			g.members = append(g.members, member{userRef: r, joined: now})
			names = append(names, r.u.username)
		}
	}
	if len(g.members) > g.maxMemberCount {
		return nil, fail(jmessage.ErrGroupFull, "a group holds at most %d members", g.maxMemberCount)
	}
	c.app.groups[g.gid] = g
	return map[string]any{"gid": g.gid, "owner_username": owner.u.username, "name": g.name,
		"members_username": names, "desc": g.desc, "MaxMemberCount": g.maxMemberCount}, nil
}

func getGroup(c *call) (any, error) {
	g, err := c.pathGroup()
	if err != nil {
		return nil, err
	}
	return g.wire(false), nil
}

// updateGroup changes the name, desc and avatar the body carries (at
// least one).
func updateGroup(c *call) (any, error) {
	g, err := c.pathGroup()
	if err != nil {
		return nil, err
	}
	var in struct {
		Name   *string `json:"name"`
		Desc   *string `json:"desc"`
		Avatar *string `json:"avatar"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Name == nil && in.Desc == nil && in.Avatar == nil {
		return nil, fail(jmessage.ErrInvalidParameter, "nothing to update: name, desc or avatar")
	}
	if err := firstErr(checkField("name", rules.Name(deref(in.Name))), checkField("desc", rules.Text(deref(in.Desc))),
		checkField("avatar", rules.Text(deref(in.Avatar)))); err != nil {
		return nil, err
	}
	setIf(&g.name, in.Name)
	setIf(&g.desc, in.Desc)
	setIf(&g.avatar, in.Avatar)
	g.mtime = c.now()
	return nil, nil
}

func deleteGroup(c *call) (any, error) {
	g, err := c.pathGroup()
	if err := firstErr(err, c.noBody()); err != nil {
		return nil, err
	}
	delete(c.app.groups, g.gid)
	return nil, nil
}

// updateGroupMembers is v1's {"add":[],"remove":[]}, at least one user.
func updateGroupMembers(c *call) (any, error) {
	g, err := c.pathGroup()
	if err != nil {
		return nil, err
	}
	var in struct {
		Add    []string `json:"add"`
		Remove []string `json:"remove"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Add) == 0 && len(in.Remove) == 0 {
		return nil, fail(jmessage.ErrInvalidParameter, "add or remove at least one user")
	}
	return nil, c.changeMembers(g, c.app, in.Add, in.Remove)
}

// changeMembers resolves the names of app's users and changes g's members.
func (c *call) changeMembers(g *group, app *appState, add, remove []string) error {
	addRefs, err := app.refs("add", add)
	if err != nil {
		return err
	}
	removeRefs, err := app.refs("remove", remove)
	if err != nil {
		return err
	}
	return g.change(addRefs, removeRefs, c.now())
}

// groupMembersV2 adds (or removes) the users of a plain JSON array.
func groupMembersV2(add bool) handler {
	return func(c *call) (any, error) {
		g, err := c.pathGroup()
		if err != nil {
			return nil, err
		}
		names, err := c.usernames(1, math.MaxInt)
		if err != nil {
			return nil, err
		}
		if add {
			return nil, c.changeMembers(g, c.app, names, nil)
		}
		return nil, c.changeMembers(g, c.app, nil, names)
	}
}

// groupMemberWire is a member as the members lists answer it: the user's
// profile keys that are set (the document shows no mtime or ctime), the
// role flag, and for the cross-app list the member's app key.
type groupMemberWire struct {
	userWire
	// MTime and CTime shadow userWire's and stay empty: not answered.
	MTime  string `json:"mtime,omitempty"`
	CTime  string `json:"ctime,omitempty"`
	Flag   int    `json:"flag"`
	AppKey string `json:"appkey,omitempty"`
}

// groupMembers lists a group's members, the owner with flag 1.
func groupMembers(cross bool) handler {
	return func(c *call) (any, error) {
		g, err := c.pathGroup()
		if err != nil {
			return nil, err
		}
		out := []groupMemberWire{}
		for _, m := range g.members.live() {
			w := groupMemberWire{userWire: m.u.wire()}
			if m.userRef == g.owner {
				w.Flag = 1
			}
			if cross {
				w.AppKey = m.app.key
			}
			out = append(out, w)
		}
		return out, nil
	}
}

// userGroups lists the groups the {username} user is a member of: of the
// caller's app, or (cross) of every app, by gid.
func userGroups(cross bool) handler {
	return func(c *call) (any, error) {
		me, err := c.self()
		if err != nil {
			return nil, err
		}
		apps := []*appState{c.app}
		if cross {
			apps = c.s.apps.Load().list
		}
		var groups []*group
		for _, a := range apps {
			for _, g := range a.groups {
				if g.members.index(me) >= 0 {
					groups = append(groups, g)
				}
			}
		}
		sort.Slice(groups, func(i, j int) bool { return groups[i].gid < groups[j].gid })
		out := make([]groupWire, len(groups))
		for i, g := range groups {
			out[i] = g.wire(cross)
		}
		return out, nil
	}
}

// listGroups answers one page of the app's groups, by gid.
func listGroups(c *call) (any, error) {
	start, count, err := c.page(rules.MaxGroupListCount)
	if err != nil {
		return nil, err
	}
	gids := make([]int64, 0, len(c.app.groups))
	for gid := range c.app.groups {
		gids = append(gids, gid)
	}
	slices.Sort(gids)
	all := make([]groupWire, len(gids))
	for i, gid := range gids {
		all[i] = c.app.groups[gid].wire(false)
	}
	return pageOf("groups", all, start, count), nil
}

// setGroupShield shields groups the user is a member of (899052 when
// already on) and unshields others (899053 when already off); all or none.
// An unknown group is a 899006, a group without the user a 899014.
func setGroupShield(c *call) (any, error) {
	me, err := c.self()
	if err != nil {
		return nil, err
	}
	var in struct {
		Add    []int64 `json:"add"`
		Remove []int64 `json:"remove"`
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Add) == 0 && len(in.Remove) == 0 {
		return nil, fail(jmessage.ErrInvalidParameter, "add or remove at least one group")
	}
	if err := firstErr(checkIDs("add", in.Add), checkIDs("remove", in.Remove)); err != nil {
		return nil, err
	}
	next, err := toggleGIDs(slices.Clone(me.u.social.shields), in.Add, in.Remove, "group shield",
		jmessage.ErrGroupShieldAlreadyOn, jmessage.ErrGroupShieldAlreadyOff, func(gid int64) error {
			g := c.s.findGroup(gid)
			switch {
			case g == nil:
				return fail(jmessage.ErrGroupNotFound, "group %d not exist", gid)
			case g.members.index(me) < 0:
				return fail(jmessage.ErrUserNotInGroup, "user %s not in group %d", me.u.username, gid)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	me.u.social.shields = next
	return nil, nil
}

// setGroupSilence silences (status=true) or unsilences members of a group:
// a body of usernames, each a member (899014).
func setGroupSilence(c *call) (any, error) {
	g, err := c.pathGroup()
	if err != nil {
		return nil, err
	}
	silenced, err := c.boolQuery("status", "true", "false")
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
	idx := make([]int, len(refs))
	for i, r := range refs {
		if idx[i] = g.members.index(r); idx[i] < 0 {
			return nil, fail(jmessage.ErrUserNotInGroup, "user %s not in group %d", r.u.username, g.gid)
		}
	}
	for _, i := range idx {
		g.members[i].silenced = silenced
	}
	return nil, nil
}

// transferGroupOwner makes a member the owner; appkey names a user of
// another app (899009 unknown app).
func transferGroupOwner(c *call) (any, error) {
	g, err := c.pathGroup()
	if err != nil {
		return nil, err
	}
	var in struct {
		Username string `json:"username"`
		AppKey   string `json:"appkey"`
	}
	if err := firstErr(c.decode(&in), checkField("username", rules.Username(in.Username))); err != nil {
		return nil, err
	}
	app := c.app
	if in.AppKey != "" {
		if app, err = c.otherApp("appkey", in.AppKey); err != nil {
			return nil, err
		}
	}
	r, err := app.ref(in.Username)
	if err != nil {
		return nil, err
	}
	if g.members.index(r) < 0 {
		return nil, fail(jmessage.ErrUserNotInGroup, "user %s not in group %d", in.Username, g.gid)
	}
	g.owner, g.mtime = r, c.now()
	return nil, nil
}

// GroupState is a snapshot of a group (the control API answers it with
// the JSON names below).
type GroupState struct {
	GID    int64   `json:"gid"`              // the group id Create answered
	AppKey string  `json:"appkey"`           // the app the group belongs to
	Owner  AppUser `json:"owner"`            // the group's owner
	Name   string  `json:"name"`             // at most 64 bytes
	Desc   string  `json:"desc,omitempty"`   // at most 250 bytes
	Avatar string  `json:"avatar,omitempty"` // a media id
	// Public reports whether the group was created public (flag 2).
	Public         bool `json:"public"`
	MaxMemberCount int  `json:"max_member_count"` // the group's capacity, owner included (500)
	// Members are the members in the order they joined, the owner among them.
	Members []GroupMemberState `json:"members"`
	CTime   time.Time          `json:"ctime"` // when the group was created, by the server's clock
	MTime   time.Time          `json:"mtime"` // when its profile, members or owner last changed
}

// GroupMemberState is a member of a group.
type GroupMemberState struct {
	AppUser
	Owner    bool `json:"owner"`    // the member owns the group (flag 1)
	Silenced bool `json:"silenced"` // silenced with SetSilence: may not send to the group
}

// Group returns a snapshot of the app's group gid, and whether it exists.
func (a *App) Group(gid int64) (GroupState, bool) {
	var out GroupState
	var ok bool
	a.with(func(st *appState) {
		g := st.groups[gid]
		if g == nil {
			return
		}
		g.prune()
		ok = true
		out = GroupState{GID: g.gid, AppKey: st.key, Owner: g.owner.appUser(), Name: g.name, Desc: g.desc,
			Avatar: g.avatar, Public: g.flag == 2, MaxMemberCount: g.maxMemberCount, CTime: g.ctime, MTime: g.mtime}
		for _, m := range g.members.live() {
			out.Members = append(out.Members, GroupMemberState{AppUser: m.appUser(), Owner: m.userRef == g.owner,
				Silenced: m.silenced})
		}
	})
	return out, ok
}

// GroupIDs returns the gids of the app's groups, in increasing order.
func (a *App) GroupIDs() []int64 {
	var out []int64
	a.with(func(st *appState) {
		for gid := range st.groups {
			out = append(out, gid)
		}
	})
	slices.Sort(out)
	return out
}
