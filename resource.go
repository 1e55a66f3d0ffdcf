package jmessage

// ResourcesService uploads media (images, files, voice) and resolves media ids to temporary download URLs.
type ResourcesService service
