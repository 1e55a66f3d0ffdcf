//go:build race

package main

// buildFlags build the binary under test with the race detector when the
// tests run with it, so that the end-to-end runs check the CLI for races.
var buildFlags = []string{"-race"}
