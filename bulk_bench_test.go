package jmessage_test

import (
	"testing"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// benchLatency is the latency the fake server adds to each call, to stand
// in for the network and the real service.
const benchLatency = 2 * time.Millisecond

// BenchmarkRegisterAll registers 100,000 users into the fake server (over
// loopback HTTP, benchLatency per call), serially and at higher concurrency,
// and reports users/s.
func BenchmarkRegisterAll(b *testing.B) {
	users := make([]jmessage.NewUser, 100_000)
	for i := range users {
		users[i] = jmessage.NewUser{Username: sprintf("user-%06d", i), Password: "password"}
	}
	srv := jmessagetest.NewServer(b)
	c := srv.Client()

	for _, conc := range []int{1, jmessage.DefaultBulkConcurrency, 16} {
		b.Run(sprintf("concurrency=%d", conc), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				srv.Reset() // forget the users of the last round (and the latency)
				srv.SetLatency(benchLatency)
				b.StartTimer()
				results, err := c.Users.RegisterAll(b.Context(), users, jmessage.BulkOptions{Concurrency: conc})
				if err != nil || len(results) != len(users) {
					b.Fatalf("RegisterAll: %d results, %v", len(results), err)
				}
			}
			b.ReportMetric(float64(b.N*len(users))/b.Elapsed().Seconds(), "users/s")
		})
	}
}
