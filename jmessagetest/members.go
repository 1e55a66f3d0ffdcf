package jmessagetest

import (
	"slices"
	"time"

	"github.com/jmessage-go/jmessage"
)

// member is a user's membership of a group or a chatroom: both keep their
// members this one way. Members may belong to other apps (cross-app member
// changes).
type member struct {
	userRef
	silenced bool      // may not send there: silenced in a group (SetSilence), muted in a chatroom
	joined   time.Time // when the user joined
}

// members are the members of a group or chatroom, in the order they joined.
type members []member

// live returns a copy of ms without the users deleted since.
func (ms members) live() members {
	return slices.DeleteFunc(slices.Clone(ms), func(m member) bool { return !m.live() })
}

// index returns the index of r in ms, or -1.
func (ms members) index(r userRef) int {
	return slices.IndexFunc(ms, func(m member) bool { return m.userRef == r })
}

// checkSender checks that sender may send a message where ms are the
// members: an admin always may; a user must be a member (notMember) and
// not silenced (899016). where names the group or room in messages.
func (ms members) checkSender(sender *user, notMember jmessage.ErrorCode, where string) error {
	if sender.admin {
		return nil
	}
	i := slices.IndexFunc(ms, func(m member) bool { return m.u == sender })
	switch {
	case i < 0:
		return fail(notMember, "%s is not a member of %s", sender.username, where)
	case ms[i].silenced:
		return fail(jmessage.ErrSendForbidden, "%s may not send to %s (silenced)", sender.username, where)
	}
	return nil
}

// pathLookup returns what find returns for the id in the path value name:
// the caller's group or chatroom.
func pathLookup[T any](c *call, name string, find func(int64) (T, error)) (T, error) {
	id, err := c.pathID(name)
	if err != nil {
		var zero T
		return zero, err
	}
	return find(id)
}
