package jmessage_test

import (
	"testing"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// BenchmarkRegisterBulk registers 100,000 users into the fake server over
// loopback HTTP, with latency added to each call to stand in for the network
// and the real service (2 ms, and 20 ms, closer to a real round trip),
// serially and at higher concurrency, and reports users/s. At 2 ms the
// encoding and the fake's own work dominate on a small machine; at 20 ms the
// latency does, and concurrency pays off in full.
func BenchmarkRegisterBulk(b *testing.B) {
	users := make([]jmessage.NewUser, 100_000)
	for i := range users {
		users[i] = jmessage.NewUser{Username: sprintf("user-%06d", i), Password: "password"}
	}
	srv := jmessagetest.NewServer(b)
	c := srv.Client()

	for _, latency := range []time.Duration{2 * time.Millisecond, 20 * time.Millisecond} {
		for _, conc := range []int{1, jmessage.DefaultBulkConcurrency, 16} {
			b.Run(sprintf("latency=%s/concurrency=%d", latency, conc), func(b *testing.B) {
				benchRegisterBulk(b, srv, c, users, latency, conc)
			})
		}
	}
}

func benchRegisterBulk(b *testing.B, srv *jmessagetest.Server, c *jmessage.Client, users []jmessage.NewUser,
	latency time.Duration, conc int) {
	for b.Loop() {
		b.StopTimer()
		srv.Reset() // forget the users of the last round (and the latency)
		srv.SetLatency(latency)
		b.StartTimer()
		results, err := c.Users.RegisterBulk(b.Context(), users, jmessage.BulkOptions{Concurrency: conc})
		if err != nil || len(results) != len(users) {
			b.Fatalf("RegisterBulk: %d results, %v", len(results), err)
		}
	}
	b.ReportMetric(float64(b.N*len(users))/b.Elapsed().Seconds(), "users/s")
}
