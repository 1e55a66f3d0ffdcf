//go:build !race

package main

// buildFlags are the flags the binary under test is built with.
var buildFlags []string
