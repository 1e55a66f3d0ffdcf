package jmessagetest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/jmessage-go/jmessage/jmessagetest"
)

// The benchmarks drive the server's handler in-process (no network, no
// SDK), so that they measure the fake itself.

// benchServer returns a server (not listening) and its primary app's
// Authorization header.
func benchServer(b *testing.B) (*jmessagetest.Server, string) {
	b.Helper()
	srv, err := jmessagetest.New()
	if err != nil {
		b.Fatal(err)
	}
	return srv, basic(srv)
}

// serveB serves one request and fails b unless the status is want.
func serveB(b *testing.B, srv *jmessagetest.Server, auth, method, target string, body []byte, want int) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://fake"+target, bytes.NewReader(body))
	req.Header.Set("Authorization", auth)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Errorf("%s %s: %d %s", method, target, rec.Code, rec.Body.Bytes())
	}
	return rec
}

// registerN registers users user0000000…user(n-1), 500 per call.
func registerN(b *testing.B, srv *jmessagetest.Server, auth string, n int) []string {
	b.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("user%07d", i)
	}
	for i := 0; i < n; i += 500 {
		var batch []map[string]string
		for _, name := range names[i:min(n, i+500)] {
			batch = append(batch, map[string]string{"username": name, "password": "password"})
		}
		body, _ := json.Marshal(batch)
		serveB(b, srv, auth, "POST", "/v1/users/", body, http.StatusCreated)
	}
	return names
}

// BenchmarkListAllUsers walks every page (500 users each) of an app of
// n users: one op is the whole walk.
func BenchmarkListAllUsers(b *testing.B) {
	for _, n := range []int{25_000, 50_000, 100_000} {
		b.Run("users="+strconv.Itoa(n), func(b *testing.B) {
			srv, auth := benchServer(b)
			registerN(b, srv, auth, n)
			b.ResetTimer()
			for range b.N {
				for start := 0; start < n; start += 500 {
					serveB(b, srv, auth, "GET", "/v1/users/?start="+strconv.Itoa(start)+"&count=500", nil, http.StatusOK)
				}
			}
		})
	}
}

// BenchmarkDeleteUsers deletes every user of an app of n users, 100 per
// batch delete call: one op is the whole deletion.
func BenchmarkDeleteUsers(b *testing.B) {
	for _, n := range []int{5_000, 10_000, 20_000} {
		b.Run("users="+strconv.Itoa(n), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				srv, auth := benchServer(b)
				names := registerN(b, srv, auth, n)
				b.StartTimer()
				for i := 0; i < n; i += 100 {
					body, _ := json.Marshal(names[i:min(n, i+100)])
					serveB(b, srv, auth, "DELETE", "/v1/users/", body, http.StatusOK)
				}
			}
		})
	}
}

// parallel16 runs f from 16 goroutines (8 per GOMAXPROCS on 2 cores:
// SetParallelism scales with GOMAXPROCS, so state the goroutine count).
func parallel16(b *testing.B, f func()) {
	b.SetParallelism(max(1, 16/max(1, runtimeProcs())))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			f()
		}
	})
}

// BenchmarkUsersGetParallel answers GET /v1/users/{username} from 16
// goroutines, in an app of 1000 users.
func BenchmarkUsersGetParallel(b *testing.B) {
	srv, auth := benchServer(b)
	names := registerN(b, srv, auth, 1000)
	var i atomicCounter
	b.ResetTimer()
	parallel16(b, func() {
		serveB(b, srv, auth, "GET", "/v1/users/"+names[i.next()%len(names)], nil, http.StatusOK)
	})
}

// BenchmarkMessagesSendParallel answers POST /v1/messages (a text message
// from a user to a user) from 16 goroutines.
func BenchmarkMessagesSendParallel(b *testing.B) {
	srv, auth := benchServer(b)
	registerN(b, srv, auth, 2)
	body := []byte(`{"version":1,"target_type":"single","target_id":"user0000001","from_type":"user",` +
		`"from_id":"user0000000","msg_type":"text","msg_body":{"text":"Hello, how are you doing today?"}}`)
	b.ResetTimer()
	parallel16(b, func() {
		serveB(b, srv, auth, "POST", "/v1/messages", body, http.StatusCreated)
	})
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// atomicCounter hands out increasing numbers to parallel goroutines.
type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) next() int { return int(c.n.Add(1)) }
