package jmessagetest

import (
	"net/http"
	"slices"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

func routeFriends(s *Server) {
	s.handle("POST /v1/users/{username}/friends", http.StatusCreated, addFriends)
	s.handle("DELETE /v1/users/{username}/friends", http.StatusNoContent, removeFriends)
	s.handle("PUT /v1/users/{username}/friends", http.StatusNoContent, updateFriendNotes)
	s.handleRead("GET /v1/users/{username}/friends", http.StatusOK, listFriends)
}

// Friend is one of a user's friends, of any app, with the user's note on
// them.
type Friend struct {
	AppUser
	NoteName string `json:"note_name,omitempty"` // the note the user keeps on this friend
	Others   string `json:"others,omitempty"`    // the other remarks the user keeps on this friend
}

// friend is one side of a friendship: friendship is mutual, each side
// keeps its own note on the other.
type friend struct {
	ref          userRef
	note, others string
}

// friendIndex returns the index of r among u's live friends, or -1.
func (u *user) friendIndex(r userRef) int {
	return slices.IndexFunc(u.social.friends, func(f *friend) bool { return f.ref == r })
}

// pruneFriends forgets friends that no longer exist.
func (u *user) pruneFriends() {
	u.social.friends = slices.DeleteFunc(u.social.friends, func(f *friend) bool { return !f.ref.live() })
}

// befriend makes each of others a friend of me and me a friend of each,
// all or none: 899003 for me itself, 899070 for a friend already.
func befriend(me userRef, others []userRef) error {
	me.u.pruneFriends()
	for i, o := range others {
		switch {
		case o == me:
			return fail(jmessage.ErrInvalidParameter, "user %s cannot befriend itself", me.u.username)
		case me.u.friendIndex(o) >= 0 || slices.Contains(others[:i], o):
			return fail(jmessage.ErrAlreadyFriends, "user %s is already a friend of %s", o.u.username, me.u.username)
		}
	}
	for _, o := range others {
		o.u.pruneFriends()
		me.u.social.friends = append(me.u.social.friends, &friend{ref: o})
		if o.u.friendIndex(me) < 0 {
			o.u.social.friends = append(o.u.social.friends, &friend{ref: me})
		}
	}
	return nil
}

// unfriend ends me's friendship with each of others, all or none: 899071
// for one that is not a friend.
func unfriend(me userRef, others []userRef) error {
	me.u.pruneFriends()
	for i, o := range others {
		if me.u.friendIndex(o) < 0 || slices.Contains(others[:i], o) {
			return fail(jmessage.ErrNotFriend, "user %s is not a friend of %s", o.u.username, me.u.username)
		}
	}
	for _, o := range others {
		me.u.social.friends = slices.DeleteFunc(me.u.social.friends, func(f *friend) bool { return f.ref == o })
		o.u.social.friends = slices.DeleteFunc(o.u.social.friends, func(f *friend) bool { return f.ref == me })
	}
	return nil
}

// friendsOf decodes a body naming 1–500 users of app.
func (c *call) friendsOf(app *appState, names []string) ([]userRef, error) {
	if err := checkField("users", rules.Count(len(names), 1, rules.MaxFriendsBatch)); err != nil {
		return nil, err
	}
	return app.refs("users", names)
}

// changeFriends decodes a plain array of usernames of the caller's app and
// befriends (add) or unfriends them.
func changeFriends(add bool) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		me, err := c.self()
		if err != nil {
			return nil, err
		}
		var names []string
		if err := c.decode(&names); err != nil {
			return nil, err
		}
		others, err := c.friendsOf(c.app, names)
		if err != nil {
			return nil, err
		}
		if add {
			return nil, befriend(me, others)
		}
		return nil, unfriend(me, others)
	}
}

var (
	addFriends    = changeFriends(true)
	removeFriends = changeFriends(false)
)

// noteWire is one note of a note update; appkey only in the cross-app form.
type noteWire struct {
	AppKey   *string `json:"appkey,omitempty"`
	Username string  `json:"username"`
	NoteName *string `json:"note_name"`
	Others   *string `json:"others"`
}

// setNotes sets me's notes on friends (1–500 items), all or none: each
// names an existing user (899002) who is a friend (899071). cross requires
// every item's appkey; otherwise the caller's app is meant and appkey is
// not accepted.
func (c *call) setNotes(me userRef, notes []noteWire, cross bool) error {
	if err := checkField("notes", rules.Count(len(notes), 1, rules.MaxFriendsBatch)); err != nil {
		return err
	}
	type change struct {
		f     *friend
		notes noteWire
	}
	changes := make([]change, len(notes))
	me.u.pruneFriends()
	for i, n := range notes {
		app := c.app
		var err error
		switch {
		case cross && n.AppKey == nil:
			return fail(jmessage.ErrInvalidParameter, "appkey is required")
		case cross:
			app, err = c.otherApp("appkey", *n.AppKey)
		case n.AppKey != nil:
			err = fail(jmessage.ErrInvalidParameter, "unknown field appkey: use the cross-app API")
		}
		if err := firstErr(err, checkField("username", rules.Username(n.Username)),
			checkField("note_name", rules.Name(deref(n.NoteName))), checkField("others", rules.Text(deref(n.Others)))); err != nil {
			return err
		}
		r, err := app.ref(n.Username)
		if err != nil {
			return err
		}
		j := me.u.friendIndex(r)
		if j < 0 {
			return fail(jmessage.ErrNotFriend, "user %s is not a friend of %s", n.Username, me.u.username)
		}
		changes[i] = change{me.u.social.friends[j], n}
	}
	for _, ch := range changes {
		setIf(&ch.f.note, ch.notes.NoteName)
		setIf(&ch.f.others, ch.notes.Others)
	}
	return nil
}

func updateFriendNotes(c *call) (any, error) {
	me, err := c.self()
	if err != nil {
		return nil, err
	}
	var notes []noteWire
	if err := c.decode(&notes); err != nil {
		return nil, err
	}
	return nil, c.setNotes(me, notes, false)
}

// friendWire is a friend as the list answers it: the profile, the note,
// and the friend's app.
type friendWire struct {
	userWire
	NoteName string `json:"note_name,omitempty"` // the note the user keeps on this friend
	Others   string `json:"others,omitempty"`    // the other remarks the user keeps on this friend
	AppKey   string `json:"appkey"`
}

// listFriends answers the user's friends of every app, in the order added.
func listFriends(c *call) (any, error) {
	me, err := c.self()
	if err != nil {
		return nil, err
	}
	out := []friendWire{}
	for _, f := range me.u.social.friends {
		if f.ref.live() {
			out = append(out, friendWire{userWire: f.ref.u.wire(), NoteName: f.note, Others: f.others, AppKey: f.ref.app.key})
		}
	}
	return out, nil
}
