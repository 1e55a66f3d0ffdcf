package jmessage_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jmessage-go/jmessage"
)

// benchLatency is the time the benchmark server spends on each call, on top
// of its own work, to stand in for the network and the real service.
const benchLatency = 2 * time.Millisecond

// BenchmarkRegisterAll registers 100,000 users over real HTTP (a loopback
// server answering every register call after benchLatency), serially and at
// higher concurrency, and reports users/s.
func BenchmarkRegisterAll(b *testing.B) {
	users := make([]jmessage.NewUser, 100_000)
	for i := range users {
		users[i] = jmessage.NewUser{Username: sprintf("user-%06d", i), Password: "password"}
	}
	type item struct {
		Username string `json:"username"`
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(benchLatency)
		var in []item
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, `{"error":{"code":899003,"message":"bad json"}}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(in)
	}))
	defer srv.Close()

	for _, conc := range []int{1, jmessage.DefaultBulkConcurrency, 16} {
		b.Run(sprintf("concurrency=%d", conc), func(b *testing.B) {
			c, err := jmessage.New(testAppKey, testSecret, jmessage.WithBaseURL(srv.URL))
			if err != nil {
				b.Fatal(err)
			}
			defer c.CloseIdleConnections()
			for b.Loop() {
				results, err := c.Users.RegisterAll(b.Context(), users, jmessage.BulkOptions{Concurrency: conc})
				if err != nil || len(results) != len(users) {
					b.Fatalf("RegisterAll: %d results, %v", len(results), err)
				}
			}
			b.ReportMetric(float64(b.N*len(users))/b.Elapsed().Seconds(), "users/s")
		})
	}
}
