package jmessage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/jmessage-go/jmessage"
)

// Benchmarks of the SDK against a hand-written net/http client doing the same
// work, on a loopback httptest server whose handler only writes canned bytes.
// See BENCHMARKS.md for how to run and read them:
//
//	go test -run '^$' -bench . -benchmem

// benchUserBody is what the server answers to Users.Get.
var benchUserBody = []byte(`{"username":"javen","nickname":"hello","birthday":"1990-01-24 00:00:00","gender":0,` +
	`"signature":"orz","region":"shenzhen","address":"shenzhen","mtime":"2015-01-01 00:00:00","ctime":"2015-01-01 00:00:00"}`)

// benchServer answers every request with status and body, as cheaply as net/http allows.
func benchServer(b *testing.B, status int, body []byte) *httptest.Server {
	b.Helper()
	length := fmt.Sprint(len(body))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"] = []string{"application/json; charset=utf-8"}
		h["Content-Length"] = []string{length}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// benchTransport is a transport tuned for concurrency (as the SDK's default is).
func benchTransport(b *testing.B, idlePerHost int) *http.Transport {
	b.Helper()
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = max(idlePerHost, 100)
	t.MaxIdleConnsPerHost = idlePerHost
	b.Cleanup(t.CloseIdleConnections)
	return t
}

// benchSDK is a client of srv; opts may replace its transport.
func benchSDK(b *testing.B, srv *httptest.Server, opts ...jmessage.Option) *jmessage.Client {
	b.Helper()
	c, err := jmessage.New(testAppKey, testSecret, append([]jmessage.Option{jmessage.WithBaseURL(srv.URL)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(c.CloseIdleConnections)
	return c
}

// handClient is what a careful user would write by hand with net/http.
type handClient struct {
	hc             *http.Client
	base           string
	appKey, secret string
}

func newHandClient(srv *httptest.Server, t http.RoundTripper) *handClient {
	return &handClient{hc: &http.Client{Transport: t, Timeout: 30 * time.Second}, base: srv.URL,
		appKey: testAppKey, secret: testSecret}
}

// do sends one request with Basic auth, checks the status and decodes the JSON answer into out.
func (h *handClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, body)
	if err != nil {
		return err
	}
	req.SetBasicAuth(h.appKey, h.secret)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := h.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.Unmarshal(raw, out)
}

// benchOp is one operation measured through the SDK and by hand.
type benchOp struct {
	name   string
	status int
	body   []byte
	sdk    func(ctx context.Context, c *jmessage.Client) error
	hand   func(ctx context.Context, h *handClient) error
}

// benchSendBody is what the server answers to Messages.Send.
var benchSendBody = []byte(`{"msg_id":43143728109,"msg_ctime":1493794522950}`)

// benchMessage is the text message both clients send.
var benchMessage = jmessage.Message{From: jmessage.FromAdmin("fang"), To: jmessage.ToUser("javen"),
	Body: jmessage.Text{Text: "Hello, JMessage!"}}

// handMessage is the same message as a hand-written client would declare it.
type handMessage struct {
	Version    int    `json:"version"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	FromType   string `json:"from_type"`
	FromID     string `json:"from_id"`
	MsgType    string `json:"msg_type"`
	MsgBody    struct {
		Text string `json:"text"`
	} `json:"msg_body"`
	NoOffline      bool `json:"no_offline"`
	NoNotification bool `json:"no_notification"`
}

var benchOps = []benchOp{
	{
		name: "MessagesSend", status: http.StatusCreated, body: benchSendBody,
		sdk: func(ctx context.Context, c *jmessage.Client) error {
			_, _, err := c.Messages.Send(ctx, benchMessage)
			return err
		},
		hand: func(ctx context.Context, h *handClient) error {
			msg := handMessage{Version: 1, TargetType: "single", TargetID: "javen", FromType: "admin", FromID: "fang",
				MsgType: "text"}
			msg.MsgBody.Text = "Hello, JMessage!"
			var out jmessage.SendResult
			return h.do(ctx, http.MethodPost, "/v1/messages", msg, &out)
		},
	},
	{
		name: "UsersGet", status: http.StatusOK, body: benchUserBody,
		sdk: func(ctx context.Context, c *jmessage.Client) error {
			_, _, err := c.Users.Get(ctx, "javen")
			return err
		},
		hand: func(ctx context.Context, h *handClient) error {
			var u jmessage.User
			return h.do(ctx, http.MethodGet, "/v1/users/javen", nil, &u)
		},
	},
}

// cpuTime is the user+system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs op b.N times, serially (goroutines 0) or with RunParallel
// over at least that many goroutines, and reports requests per second and
// process CPU per request (client and server share the process).
func measure(b *testing.B, goroutines int, op func(ctx context.Context) error) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	if goroutines == 0 {
		for b.Loop() {
			if err := op(ctx); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		b.SetParallelism((goroutines + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := op(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

var benchConcurrency = []struct {
	name       string
	goroutines int
}{{"serial", 0}, {"g16", 16}, {"g64", 64}}

// BenchmarkPipeline compares, per operation and concurrency, the SDK with
// its default transport (sdk), the SDK over a tuned transport it was given
// (sdk-tuned), and the hand-written client over a tuned transport (nethttp)
// and over Go's default of 2 idle connections per host (nethttp-default).
func BenchmarkPipeline(b *testing.B) {
	for _, op := range benchOps {
		for _, cc := range benchConcurrency {
			b.Run(op.name+"/"+cc.name+"/sdk", func(b *testing.B) {
				c := benchSDK(b, benchServer(b, op.status, op.body))
				measure(b, cc.goroutines, func(ctx context.Context) error { return op.sdk(ctx, c) })
			})
			b.Run(op.name+"/"+cc.name+"/sdk-tuned", func(b *testing.B) {
				srv := benchServer(b, op.status, op.body)
				c := benchSDK(b, srv, jmessage.WithTransport(benchTransport(b, 256)))
				measure(b, cc.goroutines, func(ctx context.Context) error { return op.sdk(ctx, c) })
			})
			b.Run(op.name+"/"+cc.name+"/nethttp", func(b *testing.B) {
				srv := benchServer(b, op.status, op.body)
				h := newHandClient(srv, benchTransport(b, 256))
				measure(b, cc.goroutines, func(ctx context.Context) error { return op.hand(ctx, h) })
			})
			b.Run(op.name+"/"+cc.name+"/nethttp-default", func(b *testing.B) {
				srv := benchServer(b, op.status, op.body)
				h := newHandClient(srv, benchTransport(b, http.DefaultMaxIdleConnsPerHost))
				measure(b, cc.goroutines, func(ctx context.Context) error { return op.hand(ctx, h) })
			})
		}
	}
}
