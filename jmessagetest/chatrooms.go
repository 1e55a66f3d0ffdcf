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

// Limits of the chatrooms area.
const (
	// ChatroomCapacity is how many members a chatroom holds (the
	// max_member_count the server answers).
	ChatroomCapacity = 10000
	maxChatroomPage  = math.MaxInt32 // the API documents no maximum
	firstChatroomID  = 10_000_001
)

func routeChatrooms(s *Server) {
	s.handle("POST /v1/chatroom/", http.StatusCreated, createChatroom)
	s.handleRead("POST /v1/chatroom/batch", http.StatusOK, getChatrooms)
	s.handleRead("GET /v1/users/{username}/chatroom", http.StatusOK, userChatrooms)
	s.handleRead("GET /v1/chatroom/", http.StatusOK, listChatrooms)
	s.handle("PUT /v1/chatroom/{room_id}", http.StatusNoContent, updateChatroom)
	s.handle("DELETE /v1/chatroom/{room_id}", http.StatusNoContent, deleteChatroom)
	s.handle("PUT /v1/chatroom/{room_id}/forbidden/{username}", http.StatusNoContent, muteChatroomMember)
	s.handle("GET /v1/chatroom/{room_id}/members", http.StatusOK, chatroomMembers)
	s.handle("PUT /v1/chatroom/{room_id}/members", http.StatusNoContent, chatroomMembersChange(true))
	s.handle("DELETE /v1/chatroom/{room_id}/members", http.StatusNoContent, chatroomMembersChange(false))
}

// chatroom is a chatroom of one app; its members may belong to other apps
// (cross-app member changes).
type chatroom struct {
	id         int64
	app        *appState
	owner      userRef
	name, desc string
	ctime      time.Time
	members    members
	maxMembers int
}

// chatroom returns the app's chatroom id, or a 899081.
func (a *appState) chatroom(id int64) (*chatroom, error) {
	if r := a.chatrooms[id]; r != nil {
		return r, nil
	}
	return nil, fail(jmessage.ErrChatroomNotFound, "chatroom %d not exist", id)
}

// pathChatroom returns the caller's chatroom named by the {room_id} path value.
func (c *call) pathChatroom() (*chatroom, error) { return pathLookup(c, "room_id", c.app.chatroom) }

// change removes then adds members, all or none, with the official
// table's codes: a removed user must be a member (899082); an added one
// is listed once (851001) and not a member yet (851003), and the room must
// have the places (851006). The owner stays the owner even when removed.
func (r *chatroom) change(add, remove []userRef, now time.Time) error {
	members := r.members.live()
	for _, u := range remove {
		i := members.index(u)
		if i < 0 {
			return fail(jmessage.ErrUserNotInChatroom, "user %s not in chatroom %d", u.u.username, r.id)
		}
		members = slices.Delete(members, i, i+1)
	}
	for i, u := range add {
		switch {
		case slices.Contains(add[:i], u):
			return fail(jmessage.ErrChatroomInviteRepeated, "user %s listed twice", u.u.username)
		case members.index(u) >= 0:
			return fail(jmessage.ErrAlreadyInChatroom, "user %s already in chatroom %d", u.u.username, r.id)
		}
		members = append(members, member{userRef: u, joined: now})
	}
	if len(members) > r.maxMembers {
		return fail(jmessage.ErrChatroomFull, "chatroom %d has places for %d members", r.id, r.maxMembers)
	}
	r.members = members
	return nil
}

// chatroomWire is a chatroom as the API answers it.
type chatroomWire struct {
	ID               int64  `json:"id"`
	OwnerUsername    string `json:"owner_username"`
	MaxMemberCount   int    `json:"max_member_count"`
	AppKey           string `json:"appkey"`
	Name             string `json:"name"`
	Description      string `json:"description"`
	TotalMemberCount int    `json:"total_member_count"`
	CTime            string `json:"ctime"`
}

func (r *chatroom) wire() chatroomWire {
	return chatroomWire{ID: r.id, OwnerUsername: r.owner.u.username, MaxMemberCount: r.maxMembers, AppKey: r.app.key,
		Name: r.name, Description: r.desc, TotalMemberCount: len(r.members.live()), CTime: formatTime(r.ctime)}
}

// chatroomProfile is the body of create and update.
type chatroomProfile struct {
	OwnerUsername *string  `json:"owner_username"`
	Name          *string  `json:"name"`
	Description   *string  `json:"description"`
	Members       []string `json:"members_username"` // create only
}

// check applies the field rules: owner and name are required.
func (p *chatroomProfile) check() error {
	var required error
	if p.OwnerUsername == nil || p.Name == nil || *p.Name == "" {
		required = fail(jmessage.ErrInvalidParameter, "owner_username and name are required")
	}
	return firstErr(required, checkField("owner_username", rules.Username(deref(p.OwnerUsername))),
		checkField("name", rules.Name(deref(p.Name))), checkField("description", rules.Text(deref(p.Description))))
}

// createChatroom creates a chatroom of the owner and the members (at most
// 3000, all existing users); the owner is a member.
func createChatroom(c *call) (any, error) {
	var in chatroomProfile
	if err := firstErr(c.decode(&in), in.check(),
		checkField("members_username", rules.Count(len(in.Members), 0, rules.MaxChatroomMembers))); err != nil {
		return nil, err
	}
	owner, err := c.app.ref(*in.OwnerUsername)
	if err != nil {
		return nil, err
	}
	refs, err := c.app.refs("members_username", in.Members)
	if err != nil {
		return nil, err
	}
	now := c.now()
	c.st.lastRoom = max(c.st.lastRoom+1, firstChatroomID)
	r := &chatroom{id: c.st.lastRoom, app: c.app, owner: owner, name: *in.Name, desc: deref(in.Description),
		ctime: now, maxMembers: ChatroomCapacity}
	members := []userRef{owner} // the owner, and each member once
	for _, ref := range refs {
		if !slices.Contains(members, ref) {
			members = append(members, ref)
		}
	}
	if err := r.change(members, nil, now); err != nil {
		return nil, err
	}
	c.app.chatrooms[r.id] = r
	return map[string]int64{"chatroom_id": r.id}, nil
}

// getChatrooms answers the rooms of a JSON array of ids, in the order
// asked, leaving out ids that are not the app's rooms.
func getChatrooms(c *call) (any, error) {
	var ids []int64
	if err := firstErr(c.decode(&ids), checkField("ids", rules.Count(len(ids), 1, math.MaxInt)), checkIDs("ids", ids)); err != nil {
		return nil, err
	}
	out := []chatroomWire{}
	for _, id := range ids {
		if r := c.app.chatrooms[id]; r != nil {
			out = append(out, r.wire())
		}
	}
	return out, nil
}

// rooms returns the app's chatrooms by id, those holding u only when u is set.
func (a *appState) rooms(u *userRef) []chatroomWire {
	ids := make([]int64, 0, len(a.chatrooms))
	for id, r := range a.chatrooms {
		if u == nil || r.members.index(*u) >= 0 {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]chatroomWire, len(ids))
	for i, id := range ids {
		out[i] = a.chatrooms[id].wire()
	}
	return out
}

func userChatrooms(c *call) (any, error) {
	me, err := c.self()
	if err != nil {
		return nil, err
	}
	return c.app.rooms(&me), nil
}

func listChatrooms(c *call) (any, error) {
	start, count, err := c.page(maxChatroomPage)
	if err != nil {
		return nil, err
	}
	return pageOf("rooms", c.app.rooms(nil), start, count), nil
}

// updateChatroom sets the owner (a member, 899082), name and description.
func updateChatroom(c *call) (any, error) {
	r, err := c.pathChatroom()
	if err != nil {
		return nil, err
	}
	var in chatroomProfile
	if err := firstErr(c.decode(&in), in.check()); err != nil {
		return nil, err
	}
	if in.Members != nil {
		return nil, fail(jmessage.ErrInvalidParameter, "members_username cannot be updated: use the member operations")
	}
	owner, err := c.app.ref(*in.OwnerUsername)
	if err != nil {
		return nil, err
	}
	if owner != r.owner && r.members.index(owner) < 0 {
		return nil, fail(jmessage.ErrChatroomOwnerNotMember, "new owner %s is not in chatroom %d", owner.u.username, r.id)
	}
	r.owner, r.name = owner, *in.Name
	setIf(&r.desc, in.Description)
	return nil, nil
}

// deleteChatroom deletes a room; an unknown one is 850001, the delete
// operation's own code (endpoints.json), not 899081.
func deleteChatroom(c *call) (any, error) {
	id, err := c.pathID("room_id")
	if err == nil && c.app.chatrooms[id] == nil {
		err = fail(jmessage.ErrChatroomDeleteNotFound, "chatroom %d not exist", id)
	}
	if err := firstErr(err, c.noBody()); err != nil {
		return nil, err
	}
	delete(c.app.chatrooms, id)
	return nil, nil
}

// muteChatroomMember mutes (status=1) or unmutes a member (899082 for a
// user not in the room).
func muteChatroomMember(c *call) (any, error) {
	r, err := c.pathChatroom()
	if err != nil {
		return nil, err
	}
	muted, err := c.boolQuery("status", "1", "0")
	if err := firstErr(err, c.noBody()); err != nil {
		return nil, err
	}
	me, err := c.self()
	if err != nil {
		return nil, err
	}
	i := r.members.index(me)
	if i < 0 {
		return nil, fail(jmessage.ErrUserNotInChatroom, "user %s not in chatroom %d", me.u.username, r.id)
	}
	r.members[i].silenced = muted
	return nil, nil
}

type roomMemberWire struct {
	Username  string `json:"username"`
	Flag      int    `json:"flag"`
	RoomCTime string `json:"room_ctime"`
	MTime     string `json:"mtime"`
	CTime     string `json:"ctime"`
}

// chatroomMembers answers one page of a room's members, in joining order.
func chatroomMembers(c *call) (any, error) {
	r, err := c.pathChatroom()
	if err != nil {
		return nil, err
	}
	start, count, err := c.page(maxChatroomPage)
	if err != nil {
		return nil, err
	}
	live := r.members.live()
	all := make([]roomMemberWire, len(live))
	for i, m := range live {
		all[i] = roomMemberWire{Username: m.u.username, RoomCTime: formatTime(m.joined),
			MTime: formatTime(m.u.mtime), CTime: formatTime(m.u.ctime)}
		if m.silenced {
			all[i].Flag = 1
		}
	}
	return pageOf("users", all, start, count), nil
}

// chatroomMembersChange adds (or removes) the users of a plain JSON array
// of at most 3000 usernames.
func chatroomMembersChange(add bool) handler {
	return func(c *call) (any, error) {
		r, err := c.pathChatroom()
		if err != nil {
			return nil, err
		}
		names, err := c.usernames(1, rules.MaxChatroomMembers)
		if err != nil {
			return nil, err
		}
		refs, err := c.app.refs("usernames", names)
		if err != nil {
			return nil, err
		}
		if add {
			return nil, r.change(refs, nil, c.now())
		}
		return nil, r.change(nil, refs, c.now())
	}
}

// ChatroomState is a snapshot of a chatroom (the control API answers it
// with the JSON names below).
type ChatroomState struct {
	ID             int64   `json:"id"`                    // the room id Create answered
	AppKey         string  `json:"appkey"`                // the app the chatroom belongs to
	Owner          AppUser `json:"owner"`                 // the room's owner
	Name           string  `json:"name"`                  // at most 64 bytes
	Description    string  `json:"description,omitempty"` // at most 250 bytes
	MaxMemberCount int     `json:"max_member_count"`      // the room's capacity
	// Members are the members in the order they joined.
	Members []ChatroomMemberState `json:"members"`
	CTime   time.Time             `json:"ctime"` // when the room was created, by the server's clock
}

// ChatroomMemberState is a member of a chatroom.
type ChatroomMemberState struct {
	AppUser
	Muted  bool      `json:"muted"`  // muted with SetMemberMuted (flag 1)
	Joined time.Time `json:"joined"` // when the member joined (room_ctime)
}

// Chatroom returns a snapshot of the app's chatroom roomID, and whether it exists.
func (a *App) Chatroom(roomID int64) (ChatroomState, bool) {
	var out ChatroomState
	var ok bool
	a.with(func(st *appState) {
		r := st.chatrooms[roomID]
		if r == nil {
			return
		}
		ok = true
		out = ChatroomState{ID: r.id, AppKey: st.key, Owner: r.owner.appUser(), Name: r.name, Description: r.desc,
			MaxMemberCount: r.maxMembers, CTime: r.ctime}
		for _, m := range r.members.live() {
			out.Members = append(out.Members, ChatroomMemberState{AppUser: m.appUser(), Muted: m.silenced, Joined: m.joined})
		}
	})
	return out, ok
}
