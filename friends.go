package jmessage

import (
	"context"
	"net/http"
)

// FriendsService manages a user's friends and the notes on them.
type FriendsService service

// Friend is one of a user's friends: the friend's profile and the user's
// note on them.
type Friend struct {
	User
	// NoteName is the name the user gave the friend.
	NoteName string `json:"note_name,omitempty"`
	// Others is the user's other notes on the friend.
	Others string `json:"others,omitempty"`
}

// FriendNote sets the note on one friend. Username is required; NoteName
// and Others are sent only when set (non-nil), so a note left unset is
// kept as it is: set one to Ptr("") to clear it.
type FriendNote struct {
	// Username is the friend (username, required).
	Username string `json:"username"`
	// NoteName is the name the user gives the friend (note_name, at most
	// 64 bytes, no line breaks).
	NoteName *string `json:"note_name,omitempty"`
	// Others is the user's other notes on the friend (others, at most 250
	// bytes).
	Others *string `json:"others,omitempty"`
}

func (n FriendNote) validate(field string) error {
	return firstError(
		validateUsername(sub(field, "username"), n.Username),
		validateName(sub(field, "note_name"), deref(n.NoteName)),
		validateText(sub(field, "others"), deref(n.Others)),
	)
}

// Add makes up to 500 users friends of username. A user who already is
// one fails the call with ErrAlreadyFriends.
//
// POST /v1/users/{username}/friends
func (s *FriendsService) Add(ctx context.Context, username string, friends []string) (*Response, error) {
	return s.change(ctx, http.MethodPost, username, friends)
}

// Remove removes up to 500 users from username's friends.
//
// DELETE /v1/users/{username}/friends (with a JSON array body)
func (s *FriendsService) Remove(ctx context.Context, username string, friends []string) (*Response, error) {
	return s.change(ctx, http.MethodDelete, username, friends)
}

func (s *FriendsService) change(ctx context.Context, method, username string, friends []string) (*Response, error) {
	return s.client.do(ctx, friendsCall(method, username).with(friends, validateUsernames("friends", friends, 1, MaxFriendsBatch)), nil)
}

// friendsCall is a change of username's friends, without its body.
func friendsCall(method, username string) request {
	return request{method: method, path: pathf("/v1/users/%s/friends", username), invalid: validateUsername("username", username)}
}

// UpdateNotes sets username's notes on up to 500 of their friends. A user
// who is not a friend fails the call with ErrNotFriend.
//
// PUT /v1/users/{username}/friends
func (s *FriendsService) UpdateNotes(ctx context.Context, username string, notes []FriendNote) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut, path: pathf("/v1/users/%s/friends", username), body: notes,
		invalid: firstError(validateUsername("username", username),
			validateEach("notes", notes, MaxFriendsBatch, FriendNote.validate))}, nil)
}

// List returns username's friends with the notes on them.
//
// GET /v1/users/{username}/friends
func (s *FriendsService) List(ctx context.Context, username string) ([]Friend, *Response, error) {
	return callSlice[Friend](ctx, s.client, request{method: http.MethodGet,
		path: pathf("/v1/users/%s/friends", username), invalid: validateUsername("username", username)})
}
