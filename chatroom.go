package jmessage

// ChatroomsService manages chatrooms and their members.
type ChatroomsService service
