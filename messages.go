package jmessage

// MessagesService sends and retracts messages.
type MessagesService service
