package jmessage_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// Benchmarks of the SDK against a hand-written net/http client doing the same
// work, on loopback, against an httptest server whose handler only writes
// canned bytes. See BENCHMARKS.md for how to run and read them:
//
//	go test -run '^$' -bench . -benchmem
//
// The server runs in a child process (this test binary, re-run with
// benchServerEnv set, so that TestMain runs serveBenchServer), so that B/op, allocs/op and cpu-ns/op are the
// client's alone: with the server in the same process they would include
// its work, the same for both clients, and every ratio would look better
// than it is.

// benchUserBody is what the server answers to Users.Get.
var benchUserBody = []byte(`{"username":"javen","nickname":"hello","birthday":"1990-01-24 00:00:00","gender":0,` +
	`"signature":"orz","region":"shenzhen","address":"shenzhen","mtime":"2015-01-01 00:00:00","ctime":"2015-01-01 00:00:00"}`)

// benchSendBody is what the server answers to Messages.Send.
var benchSendBody = []byte(`{"msg_id":43143728109,"msg_ctime":1493794522950}`)

// benchRegisterUsers is the batch both clients register: 500 users, the cap.
var benchRegisterUsers = func() []jmessage.NewUser {
	users := make([]jmessage.NewUser, 500)
	for i := range users {
		users[i] = jmessage.NewUser{Username: fmt.Sprintf("user%04d", i), Password: fmt.Sprintf("password-%04d", i)}
	}
	return users
}()

// benchRegisterBody is what the server answers to that batch: one item per user.
var benchRegisterBody = func() []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, u := range benchRegisterUsers {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"username":%q}`, u.Username)
	}
	b.WriteByte(']')
	return b.Bytes()
}()

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
	mux.Handle("POST /v1/users/", canned(http.StatusCreated, benchRegisterBody))
	return mux
}

// serveBenchServer is the child process the benchmarks start (TestMain runs
// it instead of the tests when benchServerEnv is set): it serves
// benchHandler, prints its URL, and stops when its standard input closes.
func serveBenchServer() {
	srv := httptest.NewServer(benchHandler())
	defer srv.Close()
	fmt.Println(srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// benchServer starts the benchmark server in a child process and returns its URL.
func benchServer(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0])
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

// handClient is what a careful user would write by hand with net/http:
// one shared http.Client without Timeout and a deadline per call through
// the context (http.Client.Timeout costs every request a timer and about
// ten allocations), header values built once, json.Marshal, Do, and a
// json.Decoder on the body.
type handClient struct {
	hc                        *http.Client
	base                      string
	auth, accept, contentType []string
}

func newHandClient(url string, t http.RoundTripper) *handClient {
	token := base64.StdEncoding.EncodeToString([]byte(testAppKey + ":" + testSecret))
	return &handClient{hc: &http.Client{Transport: t}, base: url, auth: []string{"Basic " + token},
		accept: []string{"application/json"}, contentType: []string{"application/json; charset=utf-8"}}
}

// do sends one request with Basic auth, checks the status and decodes the JSON answer into out.
func (h *handClient) do(ctx context.Context, method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
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
	req.Header["Authorization"] = h.auth
	req.Header["Accept"] = h.accept
	if in != nil {
		req.Header["Content-Type"] = h.contentType
	}
	resp, err := h.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// benchOp is one operation measured through the SDK and by hand.
type benchOp struct {
	name string
	// serialOnly: measured serially only (the targets of the larger
	// calls are stated per call, not under load).
	serialOnly bool
	sdk        func(ctx context.Context, c *jmessage.Client) error
	hand       func(ctx context.Context, h *handClient) error
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

// benchLongText makes a text message body of about 4000 bytes encoded,
// near the 4096-byte limit.
var benchLongText = strings.Repeat("Hello, JMessage! ", 233)

// handSend is the send of a text message as a hand-written client does it.
func handSend(text string) func(ctx context.Context, h *handClient) error {
	return func(ctx context.Context, h *handClient) error {
		msg := handMessage{Version: 1, TargetType: "single", TargetID: "javen", FromType: "admin", FromID: "fang",
			MsgType: "text"}
		msg.MsgBody.Text = text
		var out jmessage.SendResult
		return h.do(ctx, http.MethodPost, "/v1/messages", msg, &out)
	}
}

// handUser and handRegistered are register's user and answer item as a
// hand-written client declares them.
type handUser struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type handRegistered struct {
	Username string `json:"username"`
	Error    *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

var benchOps = []benchOp{
	{
		name: "MessagesSend",
		sdk: func(ctx context.Context, c *jmessage.Client) error {
			_, _, err := c.Messages.Send(ctx, benchMessage)
			return err
		},
		hand: handSend("Hello, JMessage!"),
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
	{
		name: "MessagesSend4000", serialOnly: true,
		sdk: func(ctx context.Context, c *jmessage.Client) error {
			msg := benchMessage
			msg.Body = jmessage.Text{Text: benchLongText}
			_, _, err := c.Messages.Send(ctx, msg)
			return err
		},
		hand: handSend(benchLongText),
	},
	{
		name: "Register500", serialOnly: true,
		sdk: func(ctx context.Context, c *jmessage.Client) error {
			_, _, err := c.Users.RegisterBatch(ctx, benchRegisterUsers)
			return err
		},
		hand: func(ctx context.Context, h *handClient) error {
			users := make([]handUser, len(benchRegisterUsers))
			for i, u := range benchRegisterUsers {
				users[i] = handUser{Username: u.Username, Password: u.Password}
			}
			var out []handRegistered
			return h.do(ctx, http.MethodPost, "/v1/users/", users, &out)
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
			if op.serialOnly && cc.goroutines > 0 {
				continue
			}
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

// blockStats is what one client used over some blocks of requests.
type blockStats struct {
	requests      int
	wall, cpu     time.Duration
	allocs, bytes uint64
}

// allocMetrics are the process's cumulative heap allocations.
var allocMetrics = []string{"/gc/heap/allocs:objects", "/gc/heap/tiny/allocs:objects", "/gc/heap/allocs:bytes"}

// allocCounters reads allocMetrics into samples and returns objects and bytes.
func allocCounters(samples []metrics.Sample) (objects, bytes uint64) {
	metrics.Read(samples)
	return samples[0].Value.Uint64() + samples[1].Value.Uint64(), samples[2].Value.Uint64()
}

// runBlock makes n requests with op, serially (goroutines 0) or spread over
// that many goroutines, and adds what they cost to s.
func runBlock(b *testing.B, s *blockStats, samples []metrics.Sample, n, goroutines int, op func(ctx context.Context) error) {
	ctx := context.Background()
	objects0, bytes0 := allocCounters(samples)
	cpu0, start := cpuTime(), time.Now()
	if goroutines == 0 {
		for range n {
			if err := op(ctx); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(n) {
					if err := op(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	s.wall += time.Since(start)
	s.cpu += cpuTime() - cpu0
	objects1, bytes1 := allocCounters(samples)
	s.requests += n
	s.allocs += objects1 - objects0
	s.bytes += bytes1 - bytes0
}

// BenchmarkRatio measures, in one run, the SDK (sdk), the hand-written
// client (nethttp), the SDK over a tuned transport of the benchmark's own
// (sdk-tuned) and the hand-written client over Go's default transport
// (nethttp-default), alternating blocks of requests between them (each in a
// different place of the order in every round). It reports the figures the
// targets are stated in:
//
//	cpu-x        SDK ÷ net/http CPU time per request
//	allocs-x     SDK ÷ net/http heap allocations per request
//	bytes-x      SDK ÷ net/http bytes allocated per request
//	reqs-x       SDK ÷ net/http throughput (requests per second)
//	transport-x  SDK with its default transport ÷ SDK over a tuned one, throughput
//	godefault-x  net/http over Go's default transport ÷ over a tuned one, throughput
//
// and each side's own CPU per request and throughput. Alternating in short
// blocks cancels most of the drift of a shared machine, which swamps
// figures taken in separate runs. b.N is the requests each client makes;
// ns/op is the wall time of all four clients per b.N.
func BenchmarkRatio(b *testing.B) {
	url := benchServer(b)
	for _, op := range benchOps {
		for _, cc := range benchConcurrency {
			if op.serialOnly && cc.goroutines > 0 {
				continue
			}
			b.Run("op="+op.name+"/goroutines="+cc.name, func(b *testing.B) {
				sdk, sdkTuned := benchSDK(b, url), benchSDK(b, url, jmessage.WithTransport(benchTransport(b, 256)))
				hand := newHandClient(url, benchTransport(b, 256))
				handDefault := newHandClient(url, benchTransport(b, http.DefaultMaxIdleConnsPerHost))
				clients := []func(ctx context.Context) error{
					func(ctx context.Context) error { return op.sdk(ctx, sdk) },
					func(ctx context.Context) error { return op.hand(ctx, hand) },
					func(ctx context.Context) error { return op.sdk(ctx, sdkTuned) },
					func(ctx context.Context) error { return op.hand(ctx, handDefault) },
				}
				samples := make([]metrics.Sample, len(allocMetrics))
				for i, name := range allocMetrics {
					samples[i].Name = name
				}
				block := 250
				if cc.goroutines > 0 {
					block = 20 * cc.goroutines
				}
				// Open the connections first: no side pays for dialing.
				for _, run := range clients {
					runBlock(b, &blockStats{}, samples, 2*max(cc.goroutines, 1), cc.goroutines, run)
				}
				b.ResetTimer()
				st := make([]blockStats, len(clients))
				for round := 0; round*block < b.N; round++ {
					n := min(block, b.N-round*block)
					for k := range clients {
						i := (k + round) % len(clients)
						runBlock(b, &st[i], samples, n, cc.goroutines, clients[i])
					}
				}
				b.StopTimer()
				cpu := func(s blockStats) float64 { return float64(s.cpu) / float64(s.requests) }
				allocs := func(s blockStats) float64 { return float64(s.allocs) / float64(s.requests) }
				bytes := func(s blockStats) float64 { return float64(s.bytes) / float64(s.requests) }
				reqs := func(s blockStats) float64 { return float64(s.requests) / s.wall.Seconds() }
				b.ReportMetric(cpu(st[0])/cpu(st[1]), "cpu-x")
				b.ReportMetric(allocs(st[0])/allocs(st[1]), "allocs-x")
				b.ReportMetric(bytes(st[0])/bytes(st[1]), "bytes-x")
				b.ReportMetric(reqs(st[0])/reqs(st[1]), "reqs-x")
				b.ReportMetric(reqs(st[0])/reqs(st[2]), "transport-x")
				b.ReportMetric(reqs(st[3])/reqs(st[1]), "godefault-x")
				b.ReportMetric(allocs(st[0]), "sdk-allocs/op")
				b.ReportMetric(allocs(st[1]), "nethttp-allocs/op")
				b.ReportMetric(cpu(st[0]), "sdk-cpu-ns/op")
				b.ReportMetric(cpu(st[1]), "nethttp-cpu-ns/op")
				b.ReportMetric(reqs(st[0]), "sdk-req/s")
				b.ReportMetric(reqs(st[1]), "nethttp-req/s")
			})
		}
	}
}

// BenchmarkFakeServer measures Users.Get and Messages.Send through the
// SDK against jmessagetest, the in-memory fake server (in this process,
// so the figures are the client's and the fake's together), serially and
// over 64 goroutines. Every send is kept by the fake, as a real server
// would keep it.
func BenchmarkFakeServer(b *testing.B) {
	srv := jmessagetest.NewServer(b)
	c := srv.Client()
	ctx := context.Background()
	if _, _, err := c.Users.RegisterBatch(ctx, []jmessage.NewUser{{Username: "javen", Password: "password"}}); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "fang", Password: "password"}); err != nil {
		b.Fatal(err)
	}
	ops := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"UsersGet", func(ctx context.Context) error { _, _, err := c.Users.Get(ctx, "javen"); return err }},
		{"MessagesSend", func(ctx context.Context) error { _, _, err := c.Messages.Send(ctx, benchMessage); return err }},
	}
	for _, op := range ops {
		for _, cc := range []struct {
			name       string
			goroutines int
		}{{"serial", 0}, {"64", 64}} {
			b.Run("op="+op.name+"/goroutines="+cc.name, func(b *testing.B) { measure(b, cc.goroutines, op.run) })
		}
	}
}
