package jmessage

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestHistoryWalkRestartsAnAgingCursor: when the consumer held a page so
// long that its cursor is about to expire, the window starts again without
// trying the cursor, and the messages already yielded are not yielded again.
func TestHistoryWalkRestartsAnAgingCursor(t *testing.T) {
	var firsts, cursors atomic.Int32
	c, err := New("4f7aef34fb361292c566a1cd", "secret", WithTransport(jsonTransport(func(r *http.Request) string {
		if r.URL.Query().Get("cursor") != "" {
			cursors.Add(1)
			return `{"total":2,"count":1,"messages":[{"msgid":2,"msg_type":"text","msg_body":{"text":"b"},"create_time":1551398401}]}`
		}
		firsts.Add(1)
		return `{"total":2,"count":1,"cursor":"C1","messages":[{"msgid":1,"msg_type":"text","msg_body":{"text":"a"},"create_time":1551398400}]}`
	})))
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(0, 0)
	var ids []int64
	w := &historyWalk{s: c.History, count: 1, now: func() time.Time { return clock }, atMark: map[int64]struct{}{},
		yield: func(m HistoryMessage, err error) bool {
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) == 0 {
				clock = clock.Add(HistoryCursorTTL) // a slow consumer
			}
			ids = append(ids, m.MsgID)
			return true
		}}
	begin := time.Unix(1551398400, 0)
	w.run(t.Context(), begin, begin.Add(time.Hour))
	if len(ids) != 2 || ids[0] != 1 || ids[1] != 2 {
		t.Fatalf("yielded %v, want [1 2]", ids)
	}
	if firsts.Load() != 2 || cursors.Load() != 1 {
		t.Fatalf("%d first requests and %d cursor requests, want 2 and 1: the aged cursor must not be sent", firsts.Load(), cursors.Load())
	}
}

// jsonTransport answers every request 200 with the JSON body answer returns.
func jsonTransport(answer func(*http.Request) string) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(answer(r))), Request: r, ContentLength: -1}, nil
	})
}
