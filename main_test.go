package jmessage_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind. Started by
// the benchmarks as their server's child process, it serves instead.
func TestMain(m *testing.M) {
	if os.Getenv(benchServerEnv) != "" {
		serveBenchServer()
		return
	}
	goleak.VerifyTestMain(m)
}
