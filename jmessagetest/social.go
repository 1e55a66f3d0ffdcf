package jmessagetest

import (
	"slices"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/internal/rules"
)

// AppUser names a user of some app the server knows.
type AppUser struct {
	AppKey   string `json:"appkey"`   // the user's app
	Username string `json:"username"` // the user's name in that app
}

// userRef points at a user of an app. It holds the user itself, not the
// name: a user deleted (and maybe registered again) is no longer the same
// user, so a deleted user drops out of groups, chatrooms, friend lists and
// blacklists without the users area knowing about them.
type userRef struct {
	app *appState
	u   *user
}

// live reports whether the user still exists.
func (r userRef) live() bool { return !r.u.deleted }

func (r userRef) appUser() AppUser { return AppUser{AppKey: r.app.key, Username: r.u.username} }

// liveRefs returns the refs of users that still exist.
func liveRefs(refs []userRef) []userRef {
	return slices.DeleteFunc(slices.Clone(refs), func(r userRef) bool { return !r.live() })
}

// social is the part of a user's state the groups and friends areas
// keep: friends and group shields.
type social struct {
	friends []*friend // in the order added
	shields []int64   // shielded gids, in the order added
}

// snapshot copies s into a UserState, leaving out deleted users.
func (s *social) snapshot(out *UserState) {
	for _, f := range s.friends {
		if f.ref.live() {
			out.Friends = append(out.Friends, Friend{AppUser: f.ref.appUser(), NoteName: f.note, Others: f.others})
		}
	}
	out.GroupShields = slices.Clone(s.shields)
}

// splitRefs returns the names of the live users of refs in app, and the
// live users of other apps.
func splitRefs(refs []userRef, app *appState) (own []string, others []AppUser) {
	for _, r := range refs {
		switch {
		case !r.live():
		case r.app == app:
			own = append(own, r.u.username)
		default:
			others = append(others, r.appUser())
		}
	}
	return own, others
}

// ref returns a ref to the app's user name, or a 899002.
func (a *appState) ref(name string) (userRef, error) {
	u, err := a.user(name)
	if err != nil {
		return userRef{}, err
	}
	return userRef{a, u}, nil
}

// refs returns refs to the app's users names: each valid (899003) and
// existing (899002).
func (a *appState) refs(field string, names []string) ([]userRef, error) {
	out := make([]userRef, 0, len(names))
	for _, n := range names {
		if err := checkField(field+" "+n, rules.Username(n)); err != nil {
			return nil, err
		}
		r, err := a.ref(n)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// otherApp returns the state of the app appKey names for a cross-app
// operation: a valid key (899003) of an app the server knows (899009).
func (c *call) otherApp(field, appKey string) (*appState, error) {
	if err := checkField(field, rules.AppKey(appKey)); err != nil {
		return nil, err
	}
	a := c.s.app(appKey)
	if a == nil {
		return nil, fail(jmessage.ErrAppKeyNotFound, "appkey %s not exist", appKey)
	}
	return a, nil
}

// self returns a ref to the user named by the {username} path value.
func (c *call) self() (userRef, error) {
	u, err := c.pathUser()
	if err != nil {
		return userRef{}, err
	}
	return userRef{c.app, u}, nil
}
