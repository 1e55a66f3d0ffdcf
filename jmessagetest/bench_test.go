package jmessagetest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmessage-go/jmessage"
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

// parallel16 serves one request per iteration from 16 goroutines (run16).
// Each goroutine reuses its request and a writer that discards the answer, so
// that the benchmark measures the server rather than httptest.
func parallel16(b *testing.B, srv *jmessagetest.Server, auth, method string, target func() string, body []byte, want int) {
	run16(b, func(pb *testing.PB) {
		rd := bytes.NewReader(body)
		req := httptest.NewRequest(method, "http://fake/", rd)
		req.Header.Set("Authorization", auth)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		w := &discard{h: http.Header{}}
		for pb.Next() {
			rd.Reset(body)
			req.URL.Path = target()
			clear(w.h)
			srv.ServeHTTP(w, req)
			if w.code != want {
				b.Errorf("%s %s: %d", method, req.URL.Path, w.code)
			}
		}
	})
}

// discard is a ResponseWriter that keeps only the status.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

// appSizes are the app sizes the per-request benchmarks run at: a test's
// small app, and one of 100,000 users, which should cost the same per
// request.
var appSizes = []int{100, 100_000}

// eachAppSize runs bench as a sub-benchmark per app size.
func eachAppSize(b *testing.B, bench func(b *testing.B, users int)) {
	for _, n := range appSizes {
		b.Run("users="+strconv.Itoa(n), func(b *testing.B) { bench(b, n) })
	}
}

// BenchmarkUsersGetParallel answers GET /v1/users/{username}, each of the
// app's users in turn, from 16 goroutines.
func BenchmarkUsersGetParallel(b *testing.B) {
	eachAppSize(b, func(b *testing.B, users int) {
		srv, auth := benchServer(b)
		names := registerN(b, srv, auth, users)
		paths := make([]string, len(names))
		for i, n := range names {
			paths[i] = "/v1/users/" + n
		}
		var i atomic.Int64
		b.ResetTimer()
		parallel16(b, srv, auth, "GET", func() string { return paths[int(i.Add(1))%len(paths)] }, nil, http.StatusOK)
	})
}

// sendBody is a text message from a user to a user.
var sendBody = []byte(`{"version":1,"target_type":"single","target_id":"user0000001","from_type":"user",` +
	`"from_id":"user0000000","msg_type":"text","msg_body":{"text":"Hello, how are you doing today?"}}`)

// BenchmarkMessagesSendParallel answers POST /v1/messages (a text message
// from a user to a user) from 16 goroutines.
func BenchmarkMessagesSendParallel(b *testing.B) {
	eachAppSize(b, func(b *testing.B, users int) {
		srv, auth := benchServer(b)
		registerN(b, srv, auth, users)
		b.ResetTimer()
		parallel16(b, srv, auth, "POST", func() string { return "/v1/messages" }, sendBody, http.StatusCreated)
	})
}

// sdkServer returns a listening server with users user0000000… and a
// client of its primary app, as a user's test has them.
func sdkServer(b *testing.B, users int) (*jmessagetest.Server, *jmessage.Client) {
	srv := jmessagetest.NewServer(b)
	registerN(b, srv, basic(srv), users)
	return srv, srv.Client(jmessage.WithoutRetries())
}

// cannedClient returns a client of a listening server that answers every
// request as the fake answered one request of the same operation (status,
// headers and body, recorded from a fake with users user0000000 and
// user0000001), and does nothing else: against it the SDK benchmarks
// measure what the SDK, net/http and loopback cost, the floor under any
// server.
func cannedClient(b *testing.B, method, target string, body []byte) *jmessage.Client {
	srv, auth := benchServer(b)
	registerN(b, srv, auth, 2)
	rec := serveB(b, srv, auth, method, target, body, successStatus(method))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	b.Cleanup(ts.Close)
	c, err := jmessage.New(srv.AppKey(), srv.MasterSecret(), jmessage.WithBaseURL(ts.URL), jmessage.WithoutRetries())
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// successStatus is the status of the benchmarked operations' success.
func successStatus(method string) int {
	if method == http.MethodPost {
		return http.StatusCreated
	}
	return http.StatusOK
}

// BenchmarkSDKUsersGetParallel calls Users.Get through the SDK over
// loopback from 16 goroutines: the fake as a user's test meets it.
func BenchmarkSDKUsersGetParallel(b *testing.B) {
	eachAppSize(b, func(b *testing.B, users int) {
		_, c := sdkServer(b, users)
		sdkUsersGet(b, c, users)
	})
}

// BenchmarkSDKUsersGetCanned is BenchmarkSDKUsersGetParallel against a
// server that only replays the fake's answer (cannedClient).
func BenchmarkSDKUsersGetCanned(b *testing.B) {
	sdkUsersGet(b, cannedClient(b, "GET", "/v1/users/user0000001", nil), 1)
}

// sdkUsersGet calls Users.Get for user0000000…user(users-1) in turn.
func sdkUsersGet(b *testing.B, c *jmessage.Client, users int) {
	var i atomic.Int64
	b.ResetTimer()
	run16(b, func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := c.Users.Get(b.Context(), fmt.Sprintf("user%07d", i.Add(1)%int64(users))); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkSDKMessagesSendParallel calls Messages.Send through the SDK over
// loopback from 16 goroutines.
func BenchmarkSDKMessagesSendParallel(b *testing.B) {
	eachAppSize(b, func(b *testing.B, users int) {
		_, c := sdkServer(b, users)
		sdkSend(b, c)
	})
}

// BenchmarkSDKMessagesSendCanned is BenchmarkSDKMessagesSendParallel
// against a server that only replays the fake's answer (cannedClient).
func BenchmarkSDKMessagesSendCanned(b *testing.B) {
	sdkSend(b, cannedClient(b, "POST", "/v1/messages", sendBody))
}

// sdkSend sends sendBody's message through the SDK.
func sdkSend(b *testing.B, c *jmessage.Client) {
	msg := jmessage.Message{From: jmessage.FromUser("user0000000"), To: jmessage.ToUser("user0000001"),
		Body: jmessage.Text{Text: "Hello, how are you doing today?"}}
	b.ResetTimer()
	run16(b, func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := c.Messages.Send(b.Context(), msg); err != nil {
				b.Error(err)
			}
		}
	})
}

// run16 runs body from 16 goroutines (8 per GOMAXPROCS on 2 cores:
// SetParallelism scales with GOMAXPROCS) and reports cpu-ns/op, the
// process's CPU time per op: on a shared machine a steadier measure than
// ns/op, and with every core busy, throughput is cores / cpu-ns/op.
func run16(b *testing.B, body func(*testing.PB)) {
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	cpu0 := cpuTime()
	b.RunParallel(body)
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the user+system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
