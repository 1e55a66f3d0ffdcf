package jmessage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
)

// UsersService manages users and admins: registration, profiles,
// passwords, online status, blacklists, no-disturb settings and bans.
type UsersService service

// Gender of a user.
type Gender int

// Genders the API knows.
const (
	GenderUnknown Gender = 0
	GenderMale    Gender = 1
	GenderFemale  Gender = 2
)

// User is a user's profile as the API returns it. Only Username, MTime and
// CTime are always present.
type User struct {
	// Username is the user's login name (username, 4–128 bytes).
	Username string `json:"username"`
	// Nickname is the display name (nickname, at most 64 bytes).
	Nickname string `json:"nickname,omitempty"`
	// Avatar is the media id of the user's picture (avatar);
	// ResourcesService.DownloadURL resolves it.
	Avatar string `json:"avatar,omitempty"`
	// Birthday is the user's birthday (birthday, answered as
	// "yyyy-MM-dd HH:mm:ss" in Asia/Shanghai).
	Birthday Time `json:"birthday,omitzero"`
	// Gender is GenderUnknown, GenderMale or GenderFemale (gender 0, 1, 2).
	Gender Gender `json:"gender,omitempty"`
	// Signature is the user's signature (signature, at most 250 bytes).
	Signature string `json:"signature,omitempty"`
	// Region is the user's region (region, at most 250 bytes).
	Region string `json:"region,omitempty"`
	// Address is the user's address (address, at most 250 bytes).
	Address string `json:"address,omitempty"`
	// Extras is the app's custom data on the user (extras, a JSON object
	// of at most 512 bytes encoded).
	Extras map[string]any `json:"extras,omitempty"`
	// AppKey is the app the user belongs to (appkey, a field of the
	// document's User object), when the answer names it.
	AppKey string `json:"appkey,omitempty"`
	// MTime is when the user was last modified (mtime).
	MTime Time `json:"mtime,omitzero"`
	// CTime is when the user was created (ctime).
	CTime Time `json:"ctime,omitzero"`
}

// NewUser is a user to register. Username and Password are required; the
// other fields are sent only when set.
type NewUser struct {
	// Username is the login name (username, required): 4–128 bytes, a
	// letter or digit, then letters, digits, _ . - @.
	Username string `json:"username"`
	// Password is the login password (password, required, 4–128 bytes).
	// String, GoString and LogValue leave it out.
	Password string `json:"password"`
	// Nickname is the display name (nickname, at most 64 bytes, no line
	// breaks).
	Nickname string `json:"nickname,omitempty"`
	// Avatar is the media id of the user's picture (avatar, at most 250
	// bytes), as ResourcesService.Upload returns it.
	Avatar string `json:"avatar,omitempty"`
	// Birthday is the user's birthday (birthday, sent as "yyyy-MM-dd"); it
	// must be a calendar day.
	Birthday Date `json:"birthday,omitzero"`
	// Signature is the user's signature (signature, at most 250 bytes).
	Signature string `json:"signature,omitempty"`
	// Gender is GenderUnknown, GenderMale or GenderFemale (gender 0, 1, 2);
	// GenderUnknown is not sent.
	Gender Gender `json:"gender,omitempty"`
	// Region is the user's region (region, at most 250 bytes).
	Region string `json:"region,omitempty"`
	// Address is the user's address (address, at most 250 bytes).
	Address string `json:"address,omitempty"`
	// Extras is the app's custom data on the user (extras, a JSON object
	// of at most 512 bytes encoded).
	Extras map[string]any `json:"extras,omitempty"`
}

// String describes the user without the password.
func (u NewUser) String() string {
	return fmt.Sprintf("NewUser{Username: %q, Password: %s}", u.Username, redacted)
}

// GoString is String, so that %#v never prints the password.
func (u NewUser) GoString() string { return u.String() }

// LogValue keeps the password out of slog output.
func (u NewUser) LogValue() slog.Value {
	return slog.GroupValue(slog.String("username", u.Username), slog.String("password", redacted))
}

func (u NewUser) validate(field string) error {
	return firstError(
		validateUsername(sub(field, "username"), u.Username),
		validatePassword(sub(field, "password"), u.Password),
		profile{u.Nickname, u.Avatar, u.Signature, u.Region, u.Address, u.Gender, u.Birthday, u.Extras}.validate(field),
	)
}

// profile gathers the profile fields that register and update share.
type profile struct {
	nickname, avatar, signature, region, address string
	gender                                       Gender
	birthday                                     Date
	extras                                       map[string]any
}

func (p profile) validate(field string) error {
	var birthdayErr error
	if !p.birthday.IsZero() && !p.birthday.valid() {
		birthdayErr = invalid(sub(field, "birthday"), "must be a calendar day")
	}
	return firstError(
		validateName(sub(field, "nickname"), p.nickname),
		validateText(sub(field, "avatar"), p.avatar),
		validateText(sub(field, "signature"), p.signature),
		validateText(sub(field, "region"), p.region),
		validateText(sub(field, "address"), p.address),
		validateOneOf(sub(field, "gender"), p.gender, GenderUnknown, GenderMale, GenderFemale),
		birthdayErr,
		validateExtras(sub(field, "extras"), p.extras),
	)
}

// UserUpdate changes a user's profile. Only the fields that are set (non-nil,
// or a non-empty Extras) are sent, and at least one must be; set a field to
// Ptr("") to clear it.
type UserUpdate struct {
	// Nickname is the new display name (nickname, at most 64 bytes, no
	// line breaks).
	Nickname *string `json:"nickname,omitempty"`
	// Avatar is the media id of the new picture (avatar, at most 250
	// bytes), as ResourcesService.Upload returns it.
	Avatar *string `json:"avatar,omitempty"`
	// Birthday is the new birthday (birthday, sent as "yyyy-MM-dd"); it
	// must be a calendar day, so it cannot be cleared.
	Birthday *Date `json:"birthday,omitempty"`
	// Signature is the new signature (signature, at most 250 bytes).
	Signature *string `json:"signature,omitempty"`
	// Gender is the new gender (gender 0, 1, 2); Ptr(GenderUnknown) is
	// sent as 0.
	Gender *Gender `json:"gender,omitempty"`
	// Region is the new region (region, at most 250 bytes).
	Region *string `json:"region,omitempty"`
	// Address is the new address (address, at most 250 bytes).
	Address *string `json:"address,omitempty"`
	// Extras is the new custom data (extras, a JSON object of at most 512
	// bytes encoded); a nil or empty map is not sent.
	Extras map[string]any `json:"extras,omitempty"`
}

func (u UserUpdate) validate() error {
	if u.Nickname == nil && u.Avatar == nil && u.Birthday == nil && u.Signature == nil && u.Gender == nil &&
		u.Region == nil && u.Address == nil && len(u.Extras) == 0 {
		return invalid("update", "must change at least one field")
	}
	p := profile{nickname: deref(u.Nickname), avatar: deref(u.Avatar), signature: deref(u.Signature), region: deref(u.Region),
		address: deref(u.Address), gender: deref(u.Gender), extras: u.Extras}
	if u.Birthday != nil {
		if u.Birthday.IsZero() {
			return invalid("birthday", "must be a calendar day")
		}
		p.birthday = *u.Birthday
	}
	return p.validate("")
}

// RegisterResult is the outcome of registering one user.
type RegisterResult struct {
	// Username is the user the result is for.
	Username string
	// Err is nil when the user was registered, else the item's *APIError
	// (errors.Is(r.Err, ErrUserExists) for 899001, ErrInvalidParameter for 899003).
	Err error
}

// registerItem is one item of register's answer.
type registerItem struct {
	Username string     `json:"username"`
	Error    *errorBody `json:"error"`
}

// RegisterBatch registers up to 500 users in one call and returns one
// result per user, in the server's order. A user that could not be
// registered (it exists, or the server refused a parameter) has its own
// Err; the call's error is non-nil only when there are no per-user results.
// The server may answer per-user results under an error status too: they
// are decoded all the same, and a user without its own error then gets the
// call's status. Register registers one user with one error to check;
// RegisterBulk any number of users.
//
// POST /v1/users/
func (s *UsersService) RegisterBatch(ctx context.Context, users []NewUser) ([]RegisterResult, *Response, error) {
	return s.register(ctx, users, validateEach("users", users, MaxRegisterBatch, NewUser.validate))
}

// Register registers one user. The error is the user's own when the server
// refused it (errors.Is(err, ErrUserExists) for 899001, ErrInvalidParameter
// for 899003), else the call's.
//
// POST /v1/users/ (with a one-user array)
func (s *UsersService) Register(ctx context.Context, user NewUser) (*Response, error) {
	users := []NewUser{user}
	results, resp, err := s.register(ctx, users, user.validate(""))
	if err != nil {
		return resp, err
	}
	return resp, matchRegisterResults(users, results, missingResult(http.MethodPost, "/v1/users/", resp))[0]
}

// register sends one register call; invalidErr is the users' validation error.
func (s *UsersService) register(ctx context.Context, users []NewUser, invalidErr error) ([]RegisterResult, *Response, error) {
	r := request{method: http.MethodPost, path: "/v1/users/", body: users, invalid: invalidErr}
	var items []registerItem
	resp, err := s.client.do(ctx, r, &items)
	if err != nil && !registerItemsUnder(err, resp, &items) {
		return nil, resp, err
	}
	results := make([]RegisterResult, len(items))
	for i, it := range items {
		results[i].Username = it.Username
		switch {
		case it.Error != nil:
			results[i].Err = &APIError{Method: r.method, Path: r.path, HTTPStatus: resp.StatusCode,
				Code: it.Error.Code, Message: it.Error.Message, Response: resp}
		case resp.StatusCode >= http.StatusMultipleChoices:
			results[i].Err = newAPIError(r.method, r.path, resp)
		}
	}
	return results, resp, nil
}

// registerItemsUnder decodes into items the per-user results that an
// error status (err, an *APIError of that status) may carry: a JSON array
// with at least one item. An empty one leaves err the call's error.
func registerItemsUnder(err error, resp *Response, items *[]registerItem) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Err != nil || success(apiErr.HTTPStatus) {
		return false
	}
	body := bytes.TrimSpace(resp.RawBody)
	nonEmpty := len(body) > 2 && body[0] == '[' && len(bytes.TrimSpace(body[1:len(body)-1])) > 0
	return nonEmpty && json.Unmarshal(body, items) == nil
}

// Get returns a user's profile.
//
// GET /v1/users/{username}
func (s *UsersService) Get(ctx context.Context, username string) (*User, *Response, error) {
	return call[User](ctx, s.client, request{method: http.MethodGet,
		path: pathf("/v1/users/%s", username), invalid: validateUsername("username", username)})
}

// Update changes the fields of a user's profile that update sets.
//
// PUT /v1/users/{username}
func (s *UsersService) Update(ctx context.Context, username string, update UserUpdate) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut, path: pathf("/v1/users/%s", username),
		body: update, invalid: firstError(validateUsername("username", username), update.validate())}, nil)
}

// UserStat is a user's login and online state.
type UserStat struct {
	// Login reports whether the user is logged in (login).
	Login bool `json:"login"`
	// Online reports whether the user is online (online).
	Online bool `json:"online"`
}

// Stat returns whether a user is logged in and online. It is not valid for
// multi-device login: use StatBatch or StatBatchV2.
//
// GET /v1/users/{username}/userstat
func (s *UsersService) Stat(ctx context.Context, username string) (*UserStat, *Response, error) {
	return call[UserStat](ctx, s.client, request{method: http.MethodGet,
		path: pathf("/v1/users/%s/userstat", username), invalid: validateUsername("username", username)})
}

// DeviceStat is the state of one of a user's devices.
type DeviceStat struct {
	// Login reports whether the user is logged in on the device (login).
	Login bool `json:"login"`
	// Online reports whether the device is online (online).
	Online bool `json:"online"`
	// Platform is "a" (Android), "i" (iOS), "j" (JS) or "w" (Windows).
	Platform string `json:"platform"`
}

// UserDevices is the state of every device of one user.
type UserDevices struct {
	// Username is the user the devices belong to.
	Username string `json:"username"`
	// Devices is empty when the user never logged in.
	Devices []DeviceStat `json:"devices"`
	// StatusCode (StatBatchV2 only) is 0 when the user exists, 1 when not.
	StatusCode int `json:"statuscode"`
	// StatusMessage (StatBatchV2 only) explains StatusCode, such as "no_exist".
	StatusMessage string `json:"statusmsg,omitempty"`
}

// StatBatch returns the device states of several users. An unknown user
// fails the whole call (ErrUserNotFound); StatBatchV2 reports it per user.
// Both only read, so they are retried like a GET although they are POSTs.
//
// POST /v1/users/userstat
func (s *UsersService) StatBatch(ctx context.Context, usernames []string) ([]UserDevices, *Response, error) {
	return s.statBatch(ctx, "/v1/users/userstat", usernames)
}

// StatBatchV2 returns the device states of several users, reporting an
// unknown user in its item's StatusCode rather than failing the call.
//
// POST /v2/users/statuser
func (s *UsersService) StatBatchV2(ctx context.Context, usernames []string) ([]UserDevices, *Response, error) {
	return s.statBatch(ctx, "/v2/users/statuser", usernames)
}

func (s *UsersService) statBatch(ctx context.Context, path string, usernames []string) ([]UserDevices, *Response, error) {
	return callSlice[UserDevices](ctx, s.client, request{method: http.MethodPost, path: path,
		body: usernames, readOnly: true, invalid: validateUsernames("usernames", usernames, 1, math.MaxInt)})
}

// passwordBody is SetPassword's body. It is never logged.
type passwordBody struct {
	NewPassword string `json:"new_password"`
}

// SetPassword sets a user's password (4–128 bytes). The password never
// appears in logs or errors.
//
// PUT /v1/users/{username}/password
func (s *UsersService) SetPassword(ctx context.Context, username, newPassword string) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut, path: pathf("/v1/users/%s/password", username),
		body:    passwordBody{NewPassword: newPassword},
		invalid: firstError(validateUsername("username", username), validatePassword("new_password", newPassword)),
	}, nil)
}

// Delete deletes a user.
//
// DELETE /v1/users/{username}
func (s *UsersService) Delete(ctx context.Context, username string) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodDelete, path: pathf("/v1/users/%s", username),
		invalid: validateUsername("username", username)}, nil)
}

// DeleteBatch deletes up to 100 users in one call.
//
// DELETE /v1/users/ (with a JSON array body)
func (s *UsersService) DeleteBatch(ctx context.Context, usernames []string) (*Response, error) {
	return s.client.do(ctx, deleteBatchCall().with(usernames, validateUsernames("usernames", usernames, 1, MaxDeleteBatch)), nil)
}

// deleteBatchCall is DeleteBatch's call, without its body.
func deleteBatchCall() request { return request{method: http.MethodDelete, path: "/v1/users/"} }

// AddToBlacklist adds users to username's blacklist.
//
// PUT /v1/users/{username}/blacklist
func (s *UsersService) AddToBlacklist(ctx context.Context, username string, usernames []string) (*Response, error) {
	return s.blacklist(ctx, http.MethodPut, username, usernames)
}

// RemoveFromBlacklist removes users from username's blacklist.
//
// DELETE /v1/users/{username}/blacklist (with a JSON array body)
func (s *UsersService) RemoveFromBlacklist(ctx context.Context, username string, usernames []string) (*Response, error) {
	return s.blacklist(ctx, http.MethodDelete, username, usernames)
}

func (s *UsersService) blacklist(ctx context.Context, method, username string, usernames []string) (*Response, error) {
	return s.client.do(ctx, blacklistCall(method, username).with(usernames,
		validateUsernames("usernames", usernames, 1, math.MaxInt)), nil)
}

// blacklistCall is a change of username's blacklist, without its body.
func blacklistCall(method, username string) request {
	return request{method: method, path: pathf("/v1/users/%s/blacklist", username),
		invalid: validateUsername("username", username)}
}

// Blacklist returns the users on username's blacklist.
//
// GET /v1/users/{username}/blacklist
func (s *UsersService) Blacklist(ctx context.Context, username string) ([]User, *Response, error) {
	return callSlice[User](ctx, s.client, request{method: http.MethodGet,
		path: pathf("/v1/users/%s/blacklist", username), invalid: validateUsername("username", username)})
}

// List returns one page of the app's users (Count at most 500; zero means 500).
//
// GET /v1/users/?start={start}&count={count}
func (s *UsersService) List(ctx context.Context, opts ListOptions) (*Page[User], *Response, error) {
	return listPage[User](ctx, s.client, request{method: http.MethodGet, path: "/v1/users/"}, opts, capped(MaxUserListCount))
}

// All iterates over every user from opts.Start, fetching pages of
// opts.Count (zero means 500) as it goes. It yields an error once and stops.
//
// GET /v1/users/?start={start}&count={count} (once per page)
func (s *UsersService) All(ctx context.Context, opts ListOptions) iter.Seq2[User, error] {
	return paginate(ctx, opts, capped(MaxUserListCount), s.List)
}

// UsernameChanges adds and removes usernames in a setting.
type UsernameChanges struct {
	Add    []string `json:"add,omitempty"`    // usernames to add
	Remove []string `json:"remove,omitempty"` // usernames to remove
}

// empty reports whether c (possibly nil) changes nothing.
func (c *UsernameChanges) empty() bool { return c == nil || len(c.Add) == 0 && len(c.Remove) == 0 }

func (c *UsernameChanges) validate(field string) error {
	if c == nil {
		return nil
	}
	return firstError(
		validateUsernames(sub(field, "add"), c.Add, 0, math.MaxInt),
		validateUsernames(sub(field, "remove"), c.Remove, 0, math.MaxInt),
	)
}

// required checks c as a change that must add or remove at least one user.
func (c *UsernameChanges) required(field string) error {
	if c.empty() {
		return invalid(field, "must add or remove at least one user")
	}
	return c.validate(field)
}

// GroupIDChanges adds and removes group ids in a setting.
type GroupIDChanges struct {
	Add    []int64 `json:"add,omitempty"`    // group ids to add (positive)
	Remove []int64 `json:"remove,omitempty"` // group ids to remove (positive)
}

// empty reports whether c (possibly nil) changes nothing.
func (c *GroupIDChanges) empty() bool { return c == nil || len(c.Add) == 0 && len(c.Remove) == 0 }

func (c *GroupIDChanges) validate(field string) error {
	if c == nil {
		return nil
	}
	return firstError(validateIDs(sub(field, "add"), c.Add), validateIDs(sub(field, "remove"), c.Remove))
}

// required checks c as a change that must add or remove at least one group.
func (c *GroupIDChanges) required(field string) error {
	if c.empty() {
		return invalid(field, "must add or remove at least one group")
	}
	return c.validate(field)
}

// NoDisturb changes a user's no-disturb settings: for single chats with
// some users, for some groups, and globally. Every part is optional.
type NoDisturb struct {
	// Single adds or removes users whose single-chat messages do not notify.
	Single *UsernameChanges
	// Group adds or removes groups whose messages do not notify.
	Group *GroupIDChanges
	// Global turns global no-disturb on (Ptr(true)) or off (Ptr(false));
	// nil leaves it as it is.
	Global *bool
}

// MarshalJSON writes the wire form, with global as 0 or 1.
func (n NoDisturb) MarshalJSON() ([]byte, error) {
	wire := struct {
		Single *UsernameChanges `json:"single,omitempty"`
		Group  *GroupIDChanges  `json:"group,omitempty"`
		Global *int             `json:"global,omitempty"`
	}{Single: n.Single, Group: n.Group}
	if n.Global != nil {
		g := 0
		if *n.Global {
			g = 1
		}
		wire.Global = &g
	}
	return json.Marshal(wire)
}

func (n NoDisturb) validate() error {
	if n.Single.empty() && n.Group.empty() && n.Global == nil {
		return invalid("settings", "must change single, group or global")
	}
	return firstError(n.Single.validate("single"), n.Group.validate("group"))
}

// SetNoDisturb changes a user's no-disturb settings.
//
// POST /v1/users/{username}/nodisturb
func (s *UsersService) SetNoDisturb(ctx context.Context, username string, settings NoDisturb) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPost, path: pathf("/v1/users/%s/nodisturb", username),
		body: settings, invalid: firstError(validateUsername("username", username), settings.validate())}, nil)
}

// SetForbidden bans a user from sending messages (disabled true) or lifts
// the ban (false).
//
// PUT /v1/users/{username}/forbidden?disable=true|false
func (s *UsersService) SetForbidden(ctx context.Context, username string, disabled bool) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPut, path: pathf("/v1/users/%s/forbidden", username),
		query: url.Values{"disable": {strconv.FormatBool(disabled)}}, invalid: validateUsername("username", username)}, nil)
}

// NewAdmin is an admin to register: the fields of NewUser, with the same
// rules. Username and Password are required; the profile fields (nickname,
// avatar, birthday, signature, gender, region, address, extras) are sent
// only when set. String, GoString and LogValue leave the password out.
type NewAdmin NewUser

// String describes the admin without the password.
func (a NewAdmin) String() string {
	return fmt.Sprintf("NewAdmin{Username: %q, Password: %s}", a.Username, redacted)
}

// GoString is String, so that %#v never prints the password.
func (a NewAdmin) GoString() string { return a.String() }

// LogValue keeps the password out of slog output.
func (a NewAdmin) LogValue() slog.Value {
	return slog.GroupValue(slog.String("username", a.Username), slog.String("password", redacted))
}

func (a NewAdmin) validate() error { return NewUser(a).validate("") }

// RegisterAdmin registers an app admin, a user that may send messages as
// from_type "admin", with the profile fields admin sets.
//
// POST /v1/admins/
func (s *UsersService) RegisterAdmin(ctx context.Context, admin NewAdmin) (*Response, error) {
	return s.client.do(ctx, request{method: http.MethodPost, path: "/v1/admins/", body: admin, invalid: admin.validate()}, nil)
}

// ListAdmins returns one page of the app's admins (Count at most 500; zero
// means 500).
//
// GET /v1/admins?start={start}&count={count}
func (s *UsersService) ListAdmins(ctx context.Context, opts ListOptions) (*Page[User], *Response, error) {
	return listPage[User](ctx, s.client, request{method: http.MethodGet, path: "/v1/admins"}, opts, capped(MaxAdminListCount))
}

// AllAdmins iterates over every admin from opts.Start, fetching pages of
// opts.Count (zero means 500) as it goes. It yields an error once and stops.
//
// GET /v1/admins?start={start}&count={count} (once per page)
func (s *UsersService) AllAdmins(ctx context.Context, opts ListOptions) iter.Seq2[User, error] {
	return paginate(ctx, opts, capped(MaxAdminListCount), s.ListAdmins)
}
