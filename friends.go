package jmessage

// FriendsService manages a user's friends and the notes on them.
type FriendsService service
