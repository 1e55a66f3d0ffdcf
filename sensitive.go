package jmessage

// SensitiveWordsService manages the app's sensitive-word filter.
type SensitiveWordsService service
