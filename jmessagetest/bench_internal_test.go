package jmessagetest

import (
	"net/http/httptest"
	"runtime"
	"testing"
)

// BenchmarkFaultCheckParallel checks a request against the faults, none
// armed, from 16 goroutines: what every request pays for fault injection.
func BenchmarkFaultCheckParallel(b *testing.B) {
	s, err := New()
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "http://fake/v1/users/alice", nil)
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		w := httptest.NewRecorder()
		for pb.Next() {
			if s.applyFaults(w, req) {
				b.Error("a fault answered")
			}
		}
	})
}
