package jmessage_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jmessage-go/jmessage"
)

// Benchmarks of the SDK against a hand-written net/http client doing the same
// work, on loopback, against an httptest server whose handler only writes
// canned bytes. See BENCHMARKS.md for how to run and read them:
//
//	go test -run '^$' -bench . -benchmem
//
// The server runs in a child process (this test binary, re-run as
// TestBenchServerProcess), so that B/op, allocs/op and cpu-ns/op are the
// client's alone: with the server in the same process they would include
// its work, the same for both clients, and every ratio would look better
// than it is.

// benchUserBody is what the server answers to Users.Get.
var benchUserBody = []byte(`{"username":"javen","nickname":"hello","birthday":"1990-01-24 00:00:00","gender":0,` +
	`"signature":"orz","region":"shenzhen","address":"shenzhen","mtime":"2015-01-01 00:00:00","ctime":"2015-01-01 00:00:00"}`)

// benchSendBody is what the server answers to Messages.Send.
var benchSendBody = []byte(`{"msg_id":43143728109,"msg_ctime":1493794522950}`)

// benchServerEnv, set in its environment, makes the test binary a benchmark server.
const benchServerEnv = "JMESSAGE_BENCH_SERVER"

// benchHandler answers Users.Get and Messages.Send as cheaply as net/http allows.
func benchHandler() http.Handler {
	canned := func(status int, body []byte) http.HandlerFunc {
		length := []string{strconv.Itoa(len(body))}
		contentType := []string{"application/json; charset=utf-8"}
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			h := w.Header()
			h["Content-Type"] = contentType
			h["Content-Length"] = length
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /v1/users/javen", canned(http.StatusOK, benchUserBody))
	mux.Handle("POST /v1/messages", canned(http.StatusCreated, benchSendBody))
	return mux
}

// TestBenchServerProcess is no test: the benchmarks run it in a child
// process, where it serves benchHandler until its standard input closes.
func TestBenchServerProcess(t *testing.T) {
	if os.Getenv(benchServerEnv) == "" {
		t.Skip("the benchmarks' server, run by them in a child process")
	}
	srv := httptest.NewServer(benchHandler())
	defer srv.Close()
	fmt.Println(srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// benchServer starts the benchmark server in a child process and returns its URL.
func benchServer(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), benchServerEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		b.Fatalf("benchmark server: %q, %v", line, err)
	}
	return strings.TrimSpace(line)
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
func benchSDK(b *testing.B, url string, opts ...jmessage.Option) *jmessage.Client {
	b.Helper()
	c, err := jmessage.New(testAppKey, testSecret, append([]jmessage.Option{jmessage.WithBaseURL(url)}, opts...)...)
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

func newHandClient(url string, t http.RoundTripper) *handClient {
	return &handClient{hc: &http.Client{Transport: t, Timeout: 30 * time.Second}, base: url,
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
	name string
	sdk  func(ctx context.Context, c *jmessage.Client) error
	hand func(ctx context.Context, h *handClient) error
}

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
		name: "MessagesSend",
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
		name: "UsersGet",
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

// cpuTime is the user+system CPU time this process (the client) has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs op b.N times, serially (goroutines 0) or with RunParallel
// over that many goroutines, and reports requests per second and the
// client process's CPU time per request.
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
}{{"serial", 0}, {"16", 16}, {"64", 64}}

// BenchmarkPipeline compares, per operation and concurrency, the SDK with
// its default transport (client=sdk), the SDK over a tuned transport it was
// given (sdk-tuned), the hand-written client over a tuned transport
// (nethttp) and over Go's default of 2 idle connections per host
// (nethttp-default). Compare clients with
//
//	benchstat -col /client bench.txt
func BenchmarkPipeline(b *testing.B) {
	url := benchServer(b)
	for _, op := range benchOps {
		for _, cc := range benchConcurrency {
			prefix := "op=" + op.name + "/goroutines=" + cc.name + "/client="
			b.Run(prefix+"sdk", func(b *testing.B) {
				c := benchSDK(b, url)
				measure(b, cc.goroutines, func(ctx context.Context) error { return op.sdk(ctx, c) })
			})
			b.Run(prefix+"sdk-tuned", func(b *testing.B) {
				c := benchSDK(b, url, jmessage.WithTransport(benchTransport(b, 256)))
				measure(b, cc.goroutines, func(ctx context.Context) error { return op.sdk(ctx, c) })
			})
			b.Run(prefix+"nethttp", func(b *testing.B) {
				h := newHandClient(url, benchTransport(b, 256))
				measure(b, cc.goroutines, func(ctx context.Context) error { return op.hand(ctx, h) })
			})
			b.Run(prefix+"nethttp-default", func(b *testing.B) {
				h := newHandClient(url, benchTransport(b, http.DefaultMaxIdleConnsPerHost))
				measure(b, cc.goroutines, func(ctx context.Context) error { return op.hand(ctx, h) })
			})
		}
	}
}
