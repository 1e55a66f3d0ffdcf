package jmessage

// ConfigService manages app-wide settings.
type ConfigService service
