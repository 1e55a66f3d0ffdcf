package jmessage

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"net/http"
)

// ChatroomsService manages chatrooms and their members.
type ChatroomsService service

// DefaultChatroomListCount is the page size of the chatroom and chatroom
// member lists when ListOptions.Count is zero. The API documents no maximum
// for these lists, so a larger Count is sent as given.
const DefaultChatroomListCount = 100

// Chatroom is a chatroom as the API describes it.
type Chatroom struct {
	// ID is the chatroom's id, assigned when it was created.
	ID int64 `json:"id"`
	// OwnerUsername is the username of the chatroom's owner (owner_username).
	OwnerUsername string `json:"owner_username"`
	// Name is the chatroom's name (name, at most 64 bytes).
	Name string `json:"name"`
	// Description is the chatroom's description (description, at most 250
	// bytes).
	Description string `json:"description"`
	// AppKey is the app the chatroom belongs to.
	AppKey string `json:"appkey"`
	// MaxMemberCount is how many members the chatroom may hold. It is
	// decoded from "max_member_count" and "MaxMemberCount".
	MaxMemberCount int `json:"max_member_count"`
	// TotalMemberCount is how many members the chatroom holds now.
	TotalMemberCount int `json:"total_member_count"`
	// CTime is when the chatroom was created.
	CTime Time `json:"ctime"`
}

// UnmarshalJSON reads a chatroom leniently: the id and counts as numbers or
// numeric strings, the owner, name and description as strings or numbers,
// and the member cap under either spelling.
func (r *Chatroom) UnmarshalJSON(b []byte) error {
	type plain Chatroom
	w := struct {
		*plain
		ID               flexInt    `json:"id"`
		OwnerUsername    flexString `json:"owner_username"`
		Name             flexString `json:"name"`
		Description      flexString `json:"description"`
		MaxMemberCount   flexInt    `json:"max_member_count"` // read leniently; set by unmarshalWithMemberCap
		TotalMemberCount flexInt    `json:"total_member_count"`
	}{plain: (*plain)(r)}
	if err := unmarshalWithMemberCap(b, &w, &r.MaxMemberCount); err != nil {
		return err
	}
	r.ID, r.OwnerUsername, r.Name, r.Description = int64(w.ID), string(w.OwnerUsername), string(w.Name), string(w.Description)
	r.TotalMemberCount = int(w.TotalMemberCount)
	return nil
}

// NewChatroom is a chatroom to create.
type NewChatroom struct {
	// OwnerUsername is the chatroom's owner (required).
	OwnerUsername string
	// Name is the chatroom's name (required, at most 64 bytes, no line breaks).
	Name string
	// Description is optional (at most 250 bytes).
	Description string
	// Members are usernames to add at once (optional, at most 3000).
	Members []string
}

// MarshalJSON writes the wire form: members as an array (never null) and
// the description only when set.
func (n NewChatroom) MarshalJSON() ([]byte, error) {
	members := n.Members
	if members == nil {
		members = []string{}
	}
	return json.Marshal(struct {
		OwnerUsername string   `json:"owner_username"`
		Name          string   `json:"name"`
		Description   string   `json:"description,omitempty"`
		Members       []string `json:"members_username"`
	}{n.OwnerUsername, n.Name, n.Description, members})
}

func (n NewChatroom) validate() error {
	return firstError(ChatroomUpdate{OwnerUsername: n.OwnerUsername, Name: n.Name, Description: n.Description}.validate(),
		validateUsernames("members_username", n.Members, 0, MaxChatroomMembers))
}

// Create creates a chatroom and returns its id (an answer without one is
// an error matching ErrMalformedResponse).
//
// POST /v1/chatroom/
func (s *ChatroomsService) Create(ctx context.Context, room NewChatroom) (int64, *Response, error) {
	type created struct {
		ID flexInt `json:"chatroom_id"`
	}
	out, resp, err := callRequiring(ctx, s.client, request{method: http.MethodPost, path: "/v1/chatroom/", body: room, invalid: room.validate()},
		"chatroom_id", func(c *created) bool { return c.ID != 0 })
	if err != nil {
		return 0, resp, err
	}
	return int64(out.ID), resp, nil
}

// GetBatch returns the chatrooms with the given ids, in the server's order.
// Ids the server does not know are left out or fail the call
// (ErrChatroomNotFound), as the server decides. It only reads, so it is
// retried like a GET although it is a POST.
//
// POST /v1/chatroom/batch
func (s *ChatroomsService) GetBatch(ctx context.Context, roomIDs []int64) ([]Chatroom, *Response, error) {
	return callSlice[Chatroom](ctx, s.client, request{method: http.MethodPost, path: "/v1/chatroom/batch", body: roomIDs,
		readOnly: true,
		invalid:  validateEach("room_ids", roomIDs, math.MaxInt, func(roomID int64, field string) error { return validateID(field, roomID) })})
}

// Get returns one chatroom. A room missing from the server's answer is an
// *APIError matching ErrChatroomNotFound.
//
// POST /v1/chatroom/batch
func (s *ChatroomsService) Get(ctx context.Context, roomID int64) (*Chatroom, *Response, error) {
	if err := validateID("room_id", roomID); err != nil {
		return nil, nil, err
	}
	rooms, resp, err := s.GetBatch(ctx, []int64{roomID})
	if err != nil {
		return nil, resp, err
	}
	for i := range rooms {
		if rooms[i].ID == roomID {
			return &rooms[i], resp, nil
		}
	}
	return nil, resp, &APIError{Method: http.MethodPost, Path: "/v1/chatroom/batch", HTTPStatus: resp.StatusCode,
		Code: ErrChatroomNotFound, Message: fmt.Sprintf("chatroom %d not in the answer", roomID), Response: resp}
}

// ListByUser returns the chatrooms a user is a member of (not paged).
//
// GET /v1/users/{username}/chatroom
func (s *ChatroomsService) ListByUser(ctx context.Context, username string) ([]Chatroom, *Response, error) {
	return callSlice[Chatroom](ctx, s.client, request{method: http.MethodGet,
		path: pathf("/v1/users/%s/chatroom", username), invalid: validateUsername("username", username)})
}

// List returns one page of the app's chatrooms (zero Count means
// DefaultChatroomListCount).
//
// GET /v1/chatroom?start={start}&count={count}
func (s *ChatroomsService) List(ctx context.Context, opts ListOptions) (*Page[Chatroom], *Response, error) {
	return listPage[Chatroom](ctx, s.client, request{method: http.MethodGet, path: "/v1/chatroom"}, opts, chatroomPages())
}

// All iterates over every chatroom of the app from opts.Start, fetching
// pages of opts.Count (zero means DefaultChatroomListCount) as it goes. It
// yields an error once and stops.
//
// GET /v1/chatroom?start={start}&count={count} (once per page)
func (s *ChatroomsService) All(ctx context.Context, opts ListOptions) iter.Seq2[Chatroom, error] {
	return paginate(ctx, opts, chatroomPages(), s.List)
}

// ChatroomUpdate is a chatroom's new profile. The API takes all three
// fields together: set them all, copying the current values of those that
// do not change.
type ChatroomUpdate struct {
	// OwnerUsername is the owner; a new owner must already be a member.
	OwnerUsername string `json:"owner_username"`
	// Name is at most 64 bytes, no line breaks (required).
	Name string `json:"name"`
	// Description is at most 250 bytes; empty clears it.
	Description string `json:"description"`
}

func (u ChatroomUpdate) validate() error {
	return firstError(
		validateUsername("owner_username", u.OwnerUsername),
		validateRequired("name", u.Name),
		validateName("name", u.Name),
		validateText("description", u.Description),
	)
}

// Update changes a chatroom's owner, name and description. The new owner
// must be in the room: the server answers 853002 otherwise, which matches
// ErrUserNotInChatroom.
//
// PUT /v1/chatroom/{room_id}
func (s *ChatroomsService) Update(ctx context.Context, roomID int64, update ChatroomUpdate) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut, path: pathf("/v1/chatroom/%s", idSeg(roomID)),
		body: update, invalid: firstError(validateID("room_id", roomID), update.validate())}, nil)
}

// Delete deletes a chatroom. The server answers 850001 for a room that
// does not exist, which matches ErrChatroomNotFound.
//
// DELETE /v1/chatroom/{room_id}
func (s *ChatroomsService) Delete(ctx context.Context, roomID int64) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodDelete, path: pathf("/v1/chatroom/%s", idSeg(roomID)),
		invalid: validateID("room_id", roomID)}, nil)
}

// SetMemberMuted mutes a chatroom member (muted true) or unmutes them.
//
// PUT /v1/chatroom/{room_id}/forbidden/{username}?status=1|0
func (s *ChatroomsService) SetMemberMuted(ctx context.Context, roomID int64, username string, muted bool) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut,
		path: pathf("/v1/chatroom/%s/forbidden/%s", idSeg(roomID), username), query: statusQuery(muted),
		invalid: firstError(validateID("room_id", roomID), validateUsername("username", username))}, nil)
}

// ChatroomMember is a member of a chatroom.
type ChatroomMember struct {
	// Username is the member's username.
	Username string `json:"username"`
	// Muted reports whether the member may not speak (flag 1, or true;
	// encoded as true or false, which UnmarshalJSON reads too).
	Muted bool `json:"flag"`
	// RoomCTime is when the user joined the chatroom (room_ctime).
	RoomCTime Time `json:"room_ctime"`
	// CTime is when the user was created (ctime).
	CTime Time `json:"ctime"`
	// MTime is when the user was last modified (mtime).
	MTime Time `json:"mtime"`
}

// UnmarshalJSON reads a member, with flag 0 or 1 (or false/true) as Muted.
func (m *ChatroomMember) UnmarshalJSON(b []byte) error {
	type plain ChatroomMember // without this method
	var w struct {
		plain
		Username flexString      `json:"username"`
		Flag     json.RawMessage `json:"flag"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = ChatroomMember(w.plain)
	m.Username = string(w.Username)
	muted, err := decodeFlag(w.Flag)
	if err != nil {
		return fmt.Errorf("jmessage: chatroom member flag: %w", err)
	}
	m.Muted = muted
	return nil
}

// Members returns one page of a chatroom's members (zero Count means
// DefaultChatroomListCount).
//
// GET /v1/chatroom/{room_id}/members?start={start}&count={count}
func (s *ChatroomsService) Members(ctx context.Context, roomID int64, opts ListOptions) (*Page[ChatroomMember], *Response, error) {
	return listPage[ChatroomMember](ctx, s.client, request{method: http.MethodGet,
		path: pathf("/v1/chatroom/%s/members", idSeg(roomID)), invalid: validateID("room_id", roomID)}, opts, chatroomPages())
}

// AllMembers iterates over every member of a chatroom from opts.Start,
// fetching pages of opts.Count (zero means DefaultChatroomListCount) as it
// goes. It yields an error once and stops.
//
// GET /v1/chatroom/{room_id}/members?start={start}&count={count} (once per page)
func (s *ChatroomsService) AllMembers(ctx context.Context, roomID int64, opts ListOptions) iter.Seq2[ChatroomMember, error] {
	return paginate(ctx, opts, chatroomPages(), func(ctx context.Context, o ListOptions) (*Page[ChatroomMember], *Response, error) {
		return s.Members(ctx, roomID, o)
	})
}

// AddMembers adds up to 3000 users to a chatroom.
//
// PUT /v1/chatroom/{room_id}/members
func (s *ChatroomsService) AddMembers(ctx context.Context, roomID int64, usernames []string) (*Response, error) {
	return s.members(ctx, http.MethodPut, roomID, usernames)
}

// RemoveMembers removes up to 3000 users from a chatroom.
//
// DELETE /v1/chatroom/{room_id}/members (with a JSON array body)
func (s *ChatroomsService) RemoveMembers(ctx context.Context, roomID int64, usernames []string) (*Response, error) {
	return s.members(ctx, http.MethodDelete, roomID, usernames)
}

func (s *ChatroomsService) members(ctx context.Context, method string, roomID int64, usernames []string) (*Response, error) {
	return s.client.do(ctx, chatroomMembersCall(method, roomID).with(usernames,
		validateUsernames("usernames", usernames, 1, MaxChatroomMembers)), nil)
}

// chatroomMembersCall is a change of chatroom roomID's members, without its body.
func chatroomMembersCall(method string, roomID int64) request {
	return request{method: method, path: pathf("/v1/chatroom/%s/members", idSeg(roomID)), invalid: validateID("room_id", roomID)}
}
