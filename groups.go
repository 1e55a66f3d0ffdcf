package jmessage

// GroupsService manages groups: creation, profile, members, owner, shields and silence.
type GroupsService service
