package jmessage

// CrossService manages the users, groups and chatrooms of other apps (cross-app operations).
type CrossService service
