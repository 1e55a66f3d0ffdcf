package jmessagetest

// The chatrooms area is not in the fake yet: an app has no chatrooms. The
// chatrooms area replaces this.

// checkChatroomTarget checks that a message may be sent to chatroom id by
// sender: the room exists (899081) and holds the sender (899082).
func (a *appState) checkChatroomTarget(id int64, sender *user) error {
	return fail(codeChatroomNotFound, "chatroom %d not exist", id)
}
