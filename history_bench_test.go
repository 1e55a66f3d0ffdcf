package jmessage_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// benchHistoryMessages is how many messages BenchmarkHistoryAll walks.
const benchHistoryMessages = 100_000

// BenchmarkHistoryAll walks 100,000 messages of 15 days from an in-process
// jmessagetest server with HistoryService.All (pages of 1000, three
// windows); it reports the time and allocations per message, the server's
// share included (it runs in the same process).
func BenchmarkHistoryAll(b *testing.B) {
	now := time.Date(2019, 5, 1, 12, 0, 0, 0, jmessage.Shanghai())
	srv := jmessagetest.NewServer(b, jmessagetest.WithClock(func() time.Time { return now }))
	c := srv.Client()
	ctx := b.Context()
	for _, name := range []string{"alice", "bob01"} {
		if _, err := c.Users.Register(ctx, jmessage.NewUser{Username: name, Password: "secret1"}); err != nil {
			b.Fatal(err)
		}
	}
	begin := now.Add(-15 * 24 * time.Hour)
	step := 15 * 24 * time.Hour / benchHistoryMessages
	for i := range benchHistoryMessages {
		_, err := srv.Inject(jmessagetest.DeviceMessage{From: "alice", Platform: "a", Time: begin.Add(time.Duration(i) * step),
			To: jmessage.ToUser("bob01"), Body: jmessage.Text{Text: fmt.Sprintf("message %d", i), Extras: map[string]any{"seq": i}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	q := jmessage.HistoryQuery{Begin: begin, End: now}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range c.History.All(ctx, jmessage.AppHistory(), q) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchHistoryMessages {
			b.Fatalf("walked %d messages, want %d", n, benchHistoryMessages)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	msgs := float64(b.N) * benchHistoryMessages
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/msgs, "ns/msg")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/msgs, "allocs/msg")
}

// BenchmarkHistoryPageDecode decodes a page of 1000 text messages: the
// SDK's HistoryPage (typed bodies, times, flexible ids, the raw body kept)
// against the best hand-written baseline, plain structs of the same fields
// with the body decoded as a text body, by encoding/json alone.
func BenchmarkHistoryPageDecode(b *testing.B) {
	page := map[string]any{"total": 1000, "count": 1000, "cursor": "C0FFEE"}
	var msgs []map[string]any
	for i := range 1000 {
		msgs = append(msgs, map[string]any{"target_type": "single", "msg_type": "text", "target_name": "", "target_id": "bob01",
			"from_id": "alice", "from_name": "Alice", "from_type": "user", "from_platform": "a",
			"msg_body":    map[string]any{"text": fmt.Sprintf("message %d", i), "extras": map[string]any{"seq": i}},
			"create_time": 1551398412 + i, "version": 1, "msgid": 40012345678 + i, "msg_level": 0, "msg_ctime": 1551398412307 + i})
	}
	page["messages"] = msgs
	raw, err := json.Marshal(page)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			var p jmessage.HistoryPage
			if err := json.Unmarshal(raw, &p); err != nil || len(p.Messages) != 1000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("hand", func(b *testing.B) {
		type handMessage struct {
			TargetType   string `json:"target_type"`
			MsgType      string `json:"msg_type"`
			TargetName   string `json:"target_name"`
			TargetID     string `json:"target_id"`
			FromID       string `json:"from_id"`
			FromName     string `json:"from_name"`
			FromType     string `json:"from_type"`
			FromPlatform string `json:"from_platform"`
			MsgBody      struct {
				Text   string         `json:"text"`
				Extras map[string]any `json:"extras"`
			} `json:"msg_body"`
			CreateTime int64 `json:"create_time"`
			Version    int   `json:"version"`
			MsgID      int64 `json:"msgid"`
			MsgLevel   int   `json:"msg_level"`
			MsgCTime   int64 `json:"msg_ctime"`
		}
		type handPage struct {
			Total    int           `json:"total"`
			Count    int           `json:"count"`
			Cursor   string        `json:"cursor"`
			Messages []handMessage `json:"messages"`
		}
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			var p handPage
			if err := json.Unmarshal(raw, &p); err != nil || len(p.Messages) != 1000 {
				b.Fatal(err)
			}
		}
	})
}
