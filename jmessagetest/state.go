package jmessagetest

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/jmessage-go/jmessage"
)

// state is the server-wide part of what the server remembers; Server.mu
// guards it. Each area keeps its per-app part in appData.
type state struct {
	media     map[string]*mediaFile     // by media id; download URLs reach it without an app
	cursors   map[string]*historyCursor // history cursors, by cursor
	nextMsgID int64
	nextSeq   int64 // numbers media ids
	lastGID   int64 // the last group id handed out (ids are unique across apps)
	lastRoom  int64 // the last chatroom id handed out (ids are unique across apps)
}

// firstMsgID is the first message id a server hands out: like the real
// service's, ids exceed int32.
const firstMsgID = 43_143_728_109

func newState() *state {
	return &state{media: map[string]*mediaFile{}, cursors: map[string]*historyCursor{}, nextMsgID: firstMsgID}
}

func (st *state) seq() int64 { st.nextSeq++; return st.nextSeq }

// appState is one app the server knows: registered once (New, AddApp),
// never removed. Its credentials are fixed; its rate window needs no
// lock; its data is guarded by Server.mu and replaced by Reset.
type appState struct {
	key, secret string
	rate        *rateWindow
	routeURL    string // where accepted messages are POSTed (SetRouting); Server.mu guards it
	appData
}

func newAppState(c credential) *appState {
	return &appState{key: c.key, secret: c.secret, rate: &rateWindow{}, appData: newAppData()}
}

// appData is one app's users, messages, groups, chatrooms and settings.
type appData struct {
	users      map[string]*user    // users and admins, by username
	userOrder  roster              // users, in registration order
	admins     roster              // admins, in registration order
	messages   []*Message          // in sending order, so by ascending id
	words      []sensitiveWord     // sensitive words, in insertion order
	wordsOn    bool                // the sensitive-word filter switch
	sdkRegOpen bool                // the SDK-register switch
	groups     map[int64]*group    // by gid
	chatrooms  map[int64]*chatroom // by id
	deliveries []Delivery          // routing outcomes, in order
}

func newAppData() appData {
	return appData{users: map[string]*user{},
		wordsOn: true, sdkRegOpen: true, groups: map[int64]*group{}, chatrooms: map[int64]*chatroom{}}
}

// user is a user or admin of one app.
type user struct {
	username  string
	password  string
	admin     bool
	profile   profile
	ctime     time.Time
	mtime     time.Time
	forbidden bool
	deleted   bool      // set when deleted: refs to the user see it gone
	blacklist []userRef // users of any app, in the order added
	noDisturb noDisturb
	devices   []Device
	social    social          // friends, group shields
	answer    json.RawMessage // wire() encoded, kept by touch: replaced, never changed
}

// profile holds the optional profile fields; empty ones are not answered.
type profile struct {
	nickname, avatar, signature, region, address string
	birthday                                     string // yyyy-MM-dd, "" when unset
	gender                                       *int
	extras                                       json.RawMessage
}

// noDisturb is a user's no-disturb settings: single (users of any app)
// and group (gids of any app: gids are unique on a server).
type noDisturb struct {
	single []userRef
	groups []int64
	global bool
}

// App is one app of a server, for inspecting and arranging its state from
// tests. Its methods are safe for concurrent use with the server.
type App struct {
	s   *Server
	key string
}

// AppKey returns the app's key.
func (a *App) AppKey() string { return a.key }

// Client returns a client of the app pointed at the server, with the
// server's URL as base URL and opts after it (later options win). The
// client's idle connections are closed when the server closes. It fails the
// test (or panics, for a server not made by NewServer) when the client
// cannot be made; NewClient returns the error instead.
func (a *App) Client(opts ...jmessage.Option) *jmessage.Client {
	c, err := a.NewClient(opts...)
	if err != nil {
		if a.s.tb != nil {
			a.s.tb.Helper()
			a.s.tb.Fatalf("jmessagetest: client: %v", err)
		}
		panic("jmessagetest: client: " + err.Error())
	}
	return c
}

// NewClient is Client returning the error instead of failing.
func (a *App) NewClient(opts ...jmessage.Option) (*jmessage.Client, error) {
	return a.s.newClient(a.key, opts)
}

// with runs f on the app's state with the server's lock held. The state
// exists: apps are never removed.
func (a *App) with(f func(st *appState)) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	f(a.s.app(a.key))
}

// UserState is a snapshot of one user's or admin's state (the control API
// answers it with the JSON names below).
type UserState struct {
	// Username is the user's username.
	Username string `json:"username"`
	// Password is the password as registered or last set, in clear text.
	Password string `json:"password"`
	// Admin reports whether the user was registered as an admin
	// (POST /v1/admins/).
	Admin bool `json:"admin"`
	// Nickname is the display name, "" when unset.
	Nickname string `json:"nickname,omitempty"`
	// Avatar is the avatar's media id as set, "" when unset.
	Avatar string `json:"avatar,omitempty"`
	// Birthday is the birthday as yyyy-MM-dd, "" when unset.
	Birthday string `json:"birthday,omitempty"`
	// Gender is 0 (unknown, also when unset), 1 (male) or 2 (female).
	Gender int `json:"gender"`
	// Signature is the signature, "" when unset.
	Signature string `json:"signature,omitempty"`
	// Region is the region, "" when unset.
	Region string `json:"region,omitempty"`
	// Address is the address, "" when unset.
	Address string `json:"address,omitempty"`
	// Extras is the extras JSON object as last set, nil when unset.
	Extras json.RawMessage `json:"extras,omitempty"`
	// CTime is when the user was registered, on the server's clock.
	CTime time.Time `json:"ctime"`
	// MTime is when the user was registered or last had its profile
	// updated or its password set.
	MTime time.Time `json:"mtime"`
	// Forbidden reports whether the user is banned from sending messages.
	Forbidden bool `json:"forbidden"`
	// Blacklist holds the usernames the user blacklisted, in the order added.
	Blacklist []string `json:"blacklist"`
	// NoDisturbUsers are the usernames with single-chat no-disturb on.
	NoDisturbUsers []string `json:"nodisturb_users"`
	// NoDisturbGroups are the gids of the groups with no-disturb on.
	NoDisturbGroups []int64 `json:"nodisturb_groups"`
	// NoDisturbGlobal reports whether global no-disturb is on.
	NoDisturbGlobal bool `json:"nodisturb_global"`
	// Devices are the user's devices as the stat operations report them.
	Devices []Device `json:"devices"`
	// Friends are the user's friends, in the order added, with the notes
	// on them.
	Friends []Friend `json:"friends"`
	// GroupShields are the gids of the groups the user shielded.
	GroupShields []int64 `json:"group_shields"`
	// CrossBlacklist are the users of other apps on the user's blacklist.
	CrossBlacklist []AppUser `json:"cross_blacklist"`
	// NoDisturbCrossUsers are the users of other apps with single-chat
	// no-disturb on.
	NoDisturbCrossUsers []AppUser `json:"nodisturb_cross_users"`
}

// Device is one of a user's devices, as the online-status operations report it.
type Device struct {
	// Platform is "a" (Android), "i" (iOS), "j" (JS) or "w" (Windows).
	Platform string `json:"platform"`
	// Login reports whether the user is logged in on the device;
	// GET /v1/users/{username}/userstat answers login when any device is.
	Login bool `json:"login"`
	// Online reports whether the device is online;
	// GET /v1/users/{username}/userstat answers online when any device is.
	Online bool `json:"online"`
}

// User returns a snapshot of the user's (or admin's) state, and whether
// the user exists.
func (a *App) User(username string) (UserState, bool) {
	var out UserState
	var ok bool
	a.with(func(st *appState) {
		u := st.users[username]
		if u == nil {
			return
		}
		ok = true
		p := u.profile
		out = UserState{Username: u.username, Password: u.password, Admin: u.admin,
			Nickname: p.nickname, Avatar: p.avatar, Birthday: p.birthday, Signature: p.signature,
			Region: p.region, Address: p.address, Extras: slices.Clone(p.extras),
			CTime: u.ctime, MTime: u.mtime, Forbidden: u.forbidden,
			NoDisturbGroups: slices.Clone(u.noDisturb.groups), NoDisturbGlobal: u.noDisturb.global, Devices: slices.Clone(u.devices)}
		out.Blacklist, out.CrossBlacklist = splitRefs(u.blacklist, st)
		out.NoDisturbUsers, out.NoDisturbCrossUsers = splitRefs(u.noDisturb.single, st)
		if p.gender != nil {
			out.Gender = *p.gender
		}
		u.social.snapshot(&out)
	})
	return out, ok
}

// SetDevices sets the devices the online-status operations report for a
// user (none: the user never logged in). It reports whether the user exists.
func (a *App) SetDevices(username string, devices ...Device) bool {
	var ok bool
	a.with(func(st *appState) {
		if u := st.users[username]; u != nil {
			u.devices, ok = slices.Clone(devices), true
		}
	})
	return ok
}
