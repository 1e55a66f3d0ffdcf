package jmessage

import (
	"context"
	"iter"
	"math"
	"net/http"
	"net/url"
	"strconv"
)

// GroupsService manages groups: creation, profile, members, owner, shields and silence.
type GroupsService service

// Group is a group as the API returns it.
type Group struct {
	// GID is the group's id, assigned when it was created.
	GID int64 `json:"gid"`
	// OwnerUsername is the group's owner (sent by Create's answer).
	OwnerUsername string `json:"owner_username,omitempty"`
	// Name is the group's name (name, at most 64 bytes).
	Name string `json:"name"`
	// Desc is the group's description (desc, at most 250 bytes).
	Desc string `json:"desc,omitempty"`
	// Avatar is the media id of the group's picture.
	Avatar string `json:"avatar,omitempty"`
	// AppKey is the app the group belongs to.
	AppKey string `json:"appkey,omitempty"`
	// MaxMemberCount is how many members the group may hold (500 by
	// default). It is decoded from "MaxMemberCount" and "max_member_count".
	MaxMemberCount int `json:"MaxMemberCount,omitempty"`
	// Members are the usernames of the members (in Create's answer only).
	Members []string `json:"members_username,omitempty"`
	// MTime is when the group was last modified (mtime).
	MTime Time `json:"mtime,omitzero"`
	// CTime is when the group was created (ctime).
	CTime Time `json:"ctime,omitzero"`
}

// UnmarshalJSON decodes a group leniently: the gid as a number or numeric
// string, the owner as a string or a number, and the member cap under
// either spelling.
func (g *Group) UnmarshalJSON(b []byte) error {
	type plain Group
	w := struct {
		*plain
		GID   flexInt    `json:"gid"`
		Owner flexString `json:"owner_username"`
	}{plain: (*plain)(g)}
	if err := unmarshalWithMemberCap(b, &w, &g.MaxMemberCount); err != nil {
		return err
	}
	g.GID, g.OwnerUsername = int64(w.GID), string(w.Owner)
	return nil
}

// GroupType is whether a group is private or public (the wire's "flag").
type GroupType int

// Group types. A group created without a type is private.
const (
	GroupPrivate GroupType = 1
	GroupPublic  GroupType = 2
)

// NewGroup is a group to create. OwnerUsername and Name are required; the
// other fields are sent only when set.
type NewGroup struct {
	// OwnerUsername is the username of the group's owner (owner_username,
	// required).
	OwnerUsername string `json:"owner_username"`
	// Name is at most 64 bytes, without line breaks.
	Name string `json:"name"`
	// Members are the usernames of the first members besides the owner.
	Members []string `json:"members_username,omitempty"`
	// Avatar is the media id of the group's picture (avatar, at most 250
	// bytes; see ResourcesService.Upload).
	Avatar string `json:"avatar,omitempty"`
	// Desc is at most 250 bytes.
	Desc string `json:"desc,omitempty"`
	// Type is GroupPrivate or GroupPublic; zero lets the server choose
	// (private).
	Type GroupType `json:"flag,omitempty"`
}

func (g NewGroup) validate() error {
	var typeErr error
	if g.Type != 0 {
		typeErr = validateOneOf("flag", g.Type, GroupPrivate, GroupPublic)
	}
	return firstError(
		validateUsername("owner_username", g.OwnerUsername),
		validateRequired("name", g.Name),
		validateName("name", g.Name),
		validateUsernames("members_username", g.Members, 0, math.MaxInt),
		validateText("avatar", g.Avatar),
		validateText("desc", g.Desc),
		typeErr,
	)
}

// GroupUpdate changes a group's profile. Only the fields that are set
// (non-nil) are sent, and at least one must be.
type GroupUpdate struct {
	// Name is at most 64 bytes, without line breaks.
	Name *string `json:"name,omitempty"`
	// Desc is at most 250 bytes.
	Desc *string `json:"desc,omitempty"`
	// Avatar is the media id of the group's picture (at most 250 bytes).
	Avatar *string `json:"avatar,omitempty"`
}

func (u GroupUpdate) validate() error {
	if u.Name == nil && u.Desc == nil && u.Avatar == nil {
		return invalid("update", "must change name, desc or avatar")
	}
	return firstError(validateName("name", deref(u.Name)), validateText("desc", deref(u.Desc)),
		validateText("avatar", deref(u.Avatar)))
}

// GroupRole is a member's role in a group (the wire's "flag").
type GroupRole int

// Group roles.
const (
	GroupMemberRole GroupRole = 0
	GroupOwnerRole  GroupRole = 1
)

// GroupMember is a member of a group: the user's profile and role.
type GroupMember struct {
	User
	// Role is GroupMemberRole or GroupOwnerRole (flag 0 or 1).
	Role GroupRole `json:"flag"`
}

// GroupOwner names a group's new owner. AppKey is set only for a user of
// another app.
type GroupOwner struct {
	// Username is the new owner's username (username, required).
	Username string `json:"username"`
	// AppKey is the new owner's app (appkey, 24 letters or digits), set
	// only when it is not the client's app.
	AppKey string `json:"appkey,omitempty"`
}

func (o GroupOwner) validate() error {
	var appKeyErr error
	if o.AppKey != "" {
		appKeyErr = validateAppKey("appkey", o.AppKey)
	}
	return firstError(validateUsername("username", o.Username), appKeyErr)
}

// groupPath builds a group's path from a format with one %s for the gid,
// and checks the gid.
func groupPath(format string, gid int64) (string, error) {
	return pathf(format, idSeg(gid)), validateID("gid", gid)
}

// groupCall is a call on group gid at the path of format (one %s for the
// gid), without its body.
func groupCall(method, format string, gid int64) request {
	path, err := groupPath(format, gid)
	return request{method: method, path: path, invalid: err}
}

// Create creates a group owned by OwnerUsername with the given members,
// and returns it with its gid (an answer without one is an error matching
// ErrMalformedResponse).
//
// POST /v1/groups/
func (s *GroupsService) Create(ctx context.Context, group NewGroup) (*Group, *Response, error) {
	return callRequiring(ctx, s.client, request{method: http.MethodPost, path: "/v1/groups/", body: group, invalid: group.validate()},
		"gid", func(g *Group) bool { return g.GID != 0 })
}

// Get returns a group's profile.
//
// GET /v1/groups/{gid}
func (s *GroupsService) Get(ctx context.Context, gid int64) (*Group, *Response, error) {
	path, err := groupPath("/v1/groups/%s", gid)
	return call[Group](ctx, s.client, request{method: http.MethodGet, path: path, invalid: err})
}

// Update changes the fields of a group's profile that update sets.
//
// PUT /v1/groups/{gid}
func (s *GroupsService) Update(ctx context.Context, gid int64, update GroupUpdate) (*Response, error) {
	return s.client.do(ctx, groupCall(http.MethodPut, "/v1/groups/%s", gid).with(update, update.validate()), nil)
}

// Delete dissolves a group; every member is notified.
//
// DELETE /v1/groups/{gid}
func (s *GroupsService) Delete(ctx context.Context, gid int64) (*Response, error) {
	path, err := groupPath("/v1/groups/%s", gid)
	return s.client.do(ctx, request{method: http.MethodDelete, path: path, invalid: err}, nil)
}

// UpdateMembers adds and removes members of a group in one call; at least
// one of changes.Add and changes.Remove must name a user. Members are
// notified. A full group fails with ErrGroupFull, a member already in the
// group with ErrUserInGroup.
//
// POST /v1/groups/{gid}/members
func (s *GroupsService) UpdateMembers(ctx context.Context, gid int64, changes UsernameChanges) (*Response, error) {
	path, err := groupPath("/v1/groups/%s/members", gid)
	return s.client.do(ctx, request{method: http.MethodPost, path: path, body: changes,
		invalid: firstError(err, changes.required("changes"))}, nil)
}

// AddMembers adds users to a group (the v2 form of UpdateMembers).
//
// POST /v2/groups/{gid}/addMembers
func (s *GroupsService) AddMembers(ctx context.Context, gid int64, usernames []string) (*Response, error) {
	return s.members(ctx, "/v2/groups/%s/addMembers", gid, usernames)
}

// RemoveMembers removes users from a group (the v2 form of UpdateMembers).
//
// POST /v2/groups/{gid}/delMembers
func (s *GroupsService) RemoveMembers(ctx context.Context, gid int64, usernames []string) (*Response, error) {
	return s.members(ctx, "/v2/groups/%s/delMembers", gid, usernames)
}

func (s *GroupsService) members(ctx context.Context, format string, gid int64, usernames []string) (*Response, error) {
	return s.client.do(ctx, groupCall(http.MethodPost, format, gid).with(usernames,
		validateUsernames("usernames", usernames, 1, math.MaxInt)), nil)
}

// Members returns every member of a group, the owner with GroupOwnerRole.
//
// GET /v1/groups/{gid}/members/
func (s *GroupsService) Members(ctx context.Context, gid int64) ([]GroupMember, *Response, error) {
	path, err := groupPath("/v1/groups/%s/members/", gid)
	return callSlice[GroupMember](ctx, s.client, request{method: http.MethodGet, path: path, invalid: err})
}

// ListByUser returns the groups a user belongs to.
//
// GET /v1/users/{username}/groups/
func (s *GroupsService) ListByUser(ctx context.Context, username string) ([]Group, *Response, error) {
	return callSlice[Group](ctx, s.client, request{method: http.MethodGet,
		path: pathf("/v1/users/%s/groups/", username), invalid: validateUsername("username", username)})
}

// List returns one page of the app's groups (Count at most 500; zero means 500).
//
// GET /v1/groups/?start={start}&count={count}
func (s *GroupsService) List(ctx context.Context, opts ListOptions) (*Page[Group], *Response, error) {
	return listPage[Group](ctx, s.client, request{method: http.MethodGet, path: "/v1/groups/"}, opts, capped(MaxGroupListCount))
}

// All iterates over every group of the app from opts.Start, fetching pages
// of opts.Count (zero means 500) as it goes. It yields an error once and
// stops.
//
// GET /v1/groups/?start={start}&count={count} (once per page)
func (s *GroupsService) All(ctx context.Context, opts ListOptions) iter.Seq2[Group, error] {
	return paginate(ctx, opts, capped(MaxGroupListCount), s.List)
}

// SetShield turns message shielding on (changes.Add) and off
// (changes.Remove) for some of a user's groups: a shielded group's messages
// reach the user without notifying. At least one gid is required.
//
// POST /v1/users/{username}/groupsShield
func (s *GroupsService) SetShield(ctx context.Context, username string, changes GroupIDChanges) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPost, path: pathf("/v1/users/%s/groupsShield", username),
		body: changes, invalid: firstError(validateUsername("username", username), changes.required("changes"))}, nil)
}

// SetSilence mutes members of a group (silenced true), so that they cannot
// send messages to it, or unmutes them (false).
//
// PUT /v1/groups/messages/{gid}/silence?status=true|false
func (s *GroupsService) SetSilence(ctx context.Context, gid int64, usernames []string, silenced bool) (*Response, error) {
	path, err := groupPath("/v1/groups/messages/%s/silence", gid)
	return s.client.do(ctx, request{method: http.MethodPut, path: path, body: usernames,
		query:   url.Values{"status": {strconv.FormatBool(silenced)}},
		invalid: firstError(err, validateUsernames("usernames", usernames, 1, math.MaxInt))}, nil)
}

// TransferOwner makes owner the group's owner. Set owner.AppKey only when
// the new owner is a user of another app.
//
// PUT /v1/groups/owner/{gid}
func (s *GroupsService) TransferOwner(ctx context.Context, gid int64, owner GroupOwner) (*Response, error) {
	return s.client.do(ctx, groupCall(http.MethodPut, "/v1/groups/owner/%s", gid).with(owner, owner.validate()), nil)
}
