package jmessage

import (
	"context"
	"math"
	"net/http"

	"github.com/jmessage-go/jmessage/internal/rules"
)

// CrossService manages the users, groups and chatrooms of other apps
// (cross-app operations). Every change names the app key of the users it
// concerns; the client's own app needs the cross-app permission
// (ErrNoCrossAppPermission otherwise).
type CrossService service

// CrossMemberChanges adds users of one app to a group or chatroom and
// removes others. AppKey is required, and at least one of Add and Remove
// must name a user.
type CrossMemberChanges struct {
	// AppKey is the users' app (appkey, required, 24 letters or digits).
	AppKey string `json:"appkey"`
	// Add are the usernames to add (add); at most 3000 for a chatroom.
	Add []string `json:"add,omitempty"`
	// Remove are the usernames to remove (remove); at most 3000 for a
	// chatroom.
	Remove []string `json:"remove,omitempty"`
}

func (m CrossMemberChanges) validate(field string, maxUsers int) error {
	if err := validateAppKey(sub(field, "appkey"), m.AppKey); err != nil {
		return err
	}
	if len(m.Add) == 0 && len(m.Remove) == 0 {
		return invalid(field, "must add or remove at least one user")
	}
	return firstError(
		validateUsernames(sub(field, "add"), m.Add, 0, maxUsers),
		validateUsernames(sub(field, "remove"), m.Remove, 0, maxUsers),
	)
}

// validateMemberChanges checks the per-app member changes of one call.
func validateMemberChanges(changes []CrossMemberChanges, maxItems, maxUsers int) error {
	return validateEach("changes", changes, maxItems, func(m CrossMemberChanges, field string) error {
		return m.validate(field, maxUsers)
	})
}

// CrossUsernames names users of one app. AppKey is required.
type CrossUsernames struct {
	// AppKey is the users' app (appkey, required, 24 letters or digits).
	AppKey string `json:"appkey"`
	// Usernames are the users, at least one (usernames; sent as users, at
	// most 500, by AddFriends and RemoveFriends).
	Usernames []string `json:"usernames"`
}

// validate checks u, its usernames sent under listKey ("usernames", or
// "users" in the friends' body).
func (u CrossUsernames) validate(field, listKey string, maxUsers int) error {
	return firstError(
		validateAppKey(sub(field, "appkey"), u.AppKey),
		validateUsernames(sub(field, listKey), u.Usernames, 1, maxUsers),
	)
}

// CrossNoDisturb changes a user's no-disturb settings for the users and
// groups of one app. AppKey is required, and Single and Group together
// must add or remove at least one user or group. (Global no-disturb is not
// set across apps: use UsersService.SetNoDisturb.)
type CrossNoDisturb struct {
	// AppKey is the app of the users and groups (appkey, required, 24
	// letters or digits).
	AppKey string `json:"appkey"`
	// Single adds or removes users whose single-chat messages do not notify.
	Single *UsernameChanges `json:"single,omitempty"`
	// Group adds or removes groups whose messages do not notify.
	Group *GroupIDChanges `json:"group,omitempty"`
}

func (n CrossNoDisturb) validate(field string) error {
	if err := validateAppKey(sub(field, "appkey"), n.AppKey); err != nil {
		return err
	}
	if n.Single.empty() && n.Group.empty() {
		return invalid(field, "must add or remove at least one user (single) or group (group)")
	}
	return firstError(n.Single.validate(sub(field, "single")), n.Group.validate(sub(field, "group")))
}

// CrossFriendNote sets the note on one friend of another app: AppKey
// (required) names the friend's app, FriendNote the friend and the note.
type CrossFriendNote struct {
	// AppKey is the friend's app (appkey, required, 24 letters or digits).
	AppKey string `json:"appkey"`
	FriendNote
}

func (n CrossFriendNote) validate(field string) error {
	return firstError(validateAppKey(sub(field, "appkey"), n.AppKey), n.FriendNote.validate(field))
}

// crossFriendsBody is the wire form of AddFriends and RemoveFriends: one
// object, not an array.
type crossFriendsBody struct {
	AppKey string   `json:"appkey"`
	Users  []string `json:"users"`
}

// UpdateGroupMembers adds users of other apps to group gid and removes
// others, with one item per app (at most 500). A group left without
// members is deleted.
//
// POST /v1/cross/groups/{gid}/members
func (s *CrossService) UpdateGroupMembers(ctx context.Context, gid int64, changes []CrossMemberChanges) (*Response, error) {
	path, err := groupPath("/v1/cross/groups/%s/members", gid)
	return s.client.do(ctx, request{method: http.MethodPost, path: path, body: changes,
		invalid: firstError(err, validateMemberChanges(changes, rules.MaxCrossApps, math.MaxInt))}, nil)
}

// GroupMembers returns every member of group gid, whatever app they belong
// to (each member's AppKey names it), the owner with GroupOwnerRole.
//
// GET /v1/cross/groups/{gid}/members/
func (s *CrossService) GroupMembers(ctx context.Context, gid int64) ([]GroupMember, *Response, error) {
	path, err := groupPath("/v1/cross/groups/%s/members/", gid)
	return callSlice[GroupMember](ctx, s.client, request{method: http.MethodGet, path: path, invalid: err})
}

// UserGroups returns the groups username belongs to, across apps; each
// group's AppKey names its app.
//
// GET /v1/cross/users/{username}/groups
func (s *CrossService) UserGroups(ctx context.Context, username string) ([]Group, *Response, error) {
	return callSlice[Group](ctx, s.client, request{method: http.MethodGet,
		path: pathf("/v1/cross/users/%s/groups", username), invalid: validateUsername("username", username)})
}

// AddToBlacklist adds users of other apps to username's blacklist, with
// one item per app (at most 500).
//
// PUT /v1/cross/users/{username}/blacklist
func (s *CrossService) AddToBlacklist(ctx context.Context, username string, users []CrossUsernames) (*Response, error) {
	return s.blacklist(ctx, http.MethodPut, username, users)
}

// RemoveFromBlacklist removes users of other apps from username's
// blacklist, with one item per app (at most 500).
//
// DELETE /v1/cross/users/{username}/blacklist (with a JSON array body)
func (s *CrossService) RemoveFromBlacklist(ctx context.Context, username string, users []CrossUsernames) (*Response, error) {
	return s.blacklist(ctx, http.MethodDelete, username, users)
}

func (s *CrossService) blacklist(ctx context.Context, method, username string, users []CrossUsernames) (*Response, error) {
	return s.client.do(ctx, request{method: method, path: pathf("/v1/cross/users/%s/blacklist", username), body: users,
		invalid: firstError(validateUsername("username", username),
			validateEach("users", users, rules.MaxCrossApps, func(u CrossUsernames, field string) error {
				return u.validate(field, "usernames", math.MaxInt)
			})),
	}, nil)
}

// Blacklist returns the users on username's blacklist, each with its app key.
//
// GET /v1/cross/users/{username}/blacklist
func (s *CrossService) Blacklist(ctx context.Context, username string) ([]User, *Response, error) {
	return callSlice[User](ctx, s.client, request{method: http.MethodGet,
		path: pathf("/v1/cross/users/%s/blacklist", username), invalid: validateUsername("username", username)})
}

// SetNoDisturb changes username's no-disturb settings for users and
// groups of other apps, with one item per app.
//
// POST /v1/cross/users/{username}/nodisturb
func (s *CrossService) SetNoDisturb(ctx context.Context, username string, settings []CrossNoDisturb) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPost, path: pathf("/v1/cross/users/%s/nodisturb", username),
		body: settings,
		invalid: firstError(validateUsername("username", username),
			validateEach("settings", settings, math.MaxInt, CrossNoDisturb.validate)),
	}, nil)
}

// AddFriends makes up to 500 users of one other app friends of username.
//
// POST /v1/cross/users/{username}/friends
func (s *CrossService) AddFriends(ctx context.Context, username string, friends CrossUsernames) (*Response, error) {
	return s.friends(ctx, http.MethodPost, username, friends)
}

// RemoveFriends removes up to 500 users of one other app from username's
// friends.
//
// DELETE /v1/cross/users/{username}/friends (with a JSON object body)
func (s *CrossService) RemoveFriends(ctx context.Context, username string, friends CrossUsernames) (*Response, error) {
	return s.friends(ctx, http.MethodDelete, username, friends)
}

func (s *CrossService) friends(ctx context.Context, method, username string, friends CrossUsernames) (*Response, error) {
	return s.client.do(ctx, request{method: method, path: pathf("/v1/cross/users/%s/friends", username),
		body:    crossFriendsBody{AppKey: friends.AppKey, Users: friends.Usernames},
		invalid: firstError(validateUsername("username", username), friends.validate("", "users", MaxFriendsBatch)),
	}, nil)
}

// UpdateFriendNotes sets username's notes on up to 500 friends of other apps.
//
// PUT /v1/cross/users/{username}/friends
func (s *CrossService) UpdateFriendNotes(ctx context.Context, username string, notes []CrossFriendNote) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut, path: pathf("/v1/cross/users/%s/friends", username),
		body: notes,
		invalid: firstError(validateUsername("username", username),
			validateEach("notes", notes, MaxFriendsBatch, CrossFriendNote.validate)),
	}, nil)
}

// UpdateChatroomMembers adds users of other apps to chatroom roomID and
// removes others, with one item per app; each list holds at most 3000 users.
//
// POST /v1/cross/chatroom/{room_id}/members
func (s *CrossService) UpdateChatroomMembers(ctx context.Context, roomID int64, changes []CrossMemberChanges) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPost, path: pathf("/v1/cross/chatroom/%s/members", idSeg(roomID)),
		body:    changes,
		invalid: firstError(validateID("room_id", roomID), validateMemberChanges(changes, math.MaxInt, MaxChatroomMembers)),
	}, nil)
}
