package jmessagetest

// The groups area is not in the fake yet: an app has no groups. The groups
// area replaces these.

// hasGroup reports whether gid is one of the app's groups.
func (a *appState) hasGroup(gid int64) bool { return false }

// checkGroupTarget checks that a message may be sent to group gid by
// sender: the group exists (899006) and holds the sender (899014).
func (a *appState) checkGroupTarget(gid int64, sender *user) error {
	return fail(codeGroupNotFound, "group %d not exist", gid)
}
