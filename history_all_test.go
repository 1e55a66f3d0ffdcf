package jmessage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// mockReport is a report host over a fixed list of messages, with either
// reading of the documentation's bounds, pages of the count asked for and
// cursors that carry the query; refuse makes it refuse that many cursors.
type mockReport struct {
	exclusive bool
	times     []time.Time // one message per time, msgid = index+1

	mu      sync.Mutex
	windows [][2]string // begin_time, end_time of every first request
	refuse  int
	cursors int
}

func (m *mockReport) serve(req *http.Request) (*http.Response, error) {
	q := req.URL.Query()
	m.mu.Lock()
	defer m.mu.Unlock()
	begin, end, count, offset := q.Get("begin_time"), q.Get("end_time"), q.Get("count"), 0
	if cur := q.Get("cursor"); cur != "" {
		m.cursors++
		if m.refuse > 0 {
			m.refuse--
			return newJSONResponse(http.StatusBadRequest, `{"error":{"code":899003,"message":"cursor expired"}}`), nil
		}
		parts := strings.Split(cur, "|")
		begin, end, count = parts[0], parts[1], parts[2]
		offset, _ = strconv.Atoi(parts[3])
	} else {
		m.windows = append(m.windows, [2]string{begin, end})
	}
	b, _ := time.ParseInLocation(jmessage.TimeLayout, begin, jmessage.Shanghai())
	e, _ := time.ParseInLocation(jmessage.TimeLayout, end, jmessage.Shanghai())
	n, _ := strconv.Atoi(count)
	var match []map[string]any
	for i, t := range m.times {
		in := !t.Before(b) && !t.After(e)
		if m.exclusive {
			in = t.After(b) && t.Before(e)
		}
		if in {
			match = append(match, map[string]any{"msgid": i + 1, "msg_type": "text", "msg_body": map[string]any{"text": "m"},
				"create_time": t.Unix(), "msg_ctime": t.UnixMilli()})
		}
	}
	page := map[string]any{"total": len(match), "messages": match[offset:min(offset+n, len(match))]}
	if offset+n < len(match) {
		page["cursor"] = fmt.Sprintf("%s|%s|%d|%d", begin, end, n, offset+n)
	}
	page["count"] = len(page["messages"].([]map[string]any))
	body, _ := json.Marshal(page)
	return newJSONResponse(http.StatusOK, string(body)), nil
}

// TestHistoryAllWindows: a 15-day range is read in three windows of at most
// 7 days, each reaching one second back into the one before; messages on
// every window edge, and in the same second, are yielded once, in order,
// whichever way the server reads the bounds.
func TestHistoryAllWindows(t *testing.T) {
	t.Parallel()
	begin := at(2019, 3, 1, 0, 0, 0)
	end := begin.Add(15 * 24 * time.Hour)
	w1 := begin.Add(jmessage.MaxHistoryRange - time.Second) // the first window's end
	w2 := w1.Add(-time.Second).Add(jmessage.MaxHistoryRange - time.Second)
	times := []time.Time{begin.Add(time.Second), begin.Add(time.Hour), w1.Add(-2 * time.Second),
		w1.Add(-time.Second), w1.Add(-time.Second), w1, w1, w1.Add(time.Second), w2.Add(-time.Second), w2, w2, w2.Add(time.Second),
		end.Add(-time.Second)}
	for _, exclusive := range []bool{false, true} {
		t.Run(fmt.Sprintf("exclusive=%v", exclusive), func(t *testing.T) {
			t.Parallel()
			srv := &mockReport{exclusive: exclusive, times: times, refuse: 1}
			c, mock := newTestClient(t)
			mock.RegisterNoResponder(srv.serve)
			var ids []int64
			var last time.Time
			for m, err := range c.History.All(t.Context(), jmessage.AppHistory(), jmessage.HistoryQuery{Begin: begin, End: end, Count: 2}) {
				require.NoError(t, err)
				assert.False(t, m.CreateTime.Before(last), "ascending")
				last = m.CreateTime
				ids = append(ids, m.MsgID)
			}
			want := make([]int64, len(times))
			for i := range want {
				want[i] = int64(i + 1)
			}
			assert.Equal(t, want, ids, "every message once, in order (after a refused cursor too)")
			f := func(t time.Time) string { return t.Format(jmessage.TimeLayout) }
			// The first window was started twice (its first cursor was refused).
			assert.Equal(t, [][2]string{{f(begin), f(w1)}, {f(begin), f(w1)}, {f(w1.Add(-time.Second)), f(w2)},
				{f(w2.Add(-time.Second)), f(end)}}, srv.windows)
		})
	}
}

// TestHistoryAllStopsWithoutProgress: a server that refuses every cursor
// ends the walk with its error once a restart yields nothing new.
func TestHistoryAllStopsWithoutProgress(t *testing.T) {
	t.Parallel()
	begin := at(2019, 3, 1, 0, 0, 0)
	srv := &mockReport{times: []time.Time{begin, begin, begin.Add(time.Second)}, refuse: 1 << 30}
	c, mock := newTestClient(t)
	mock.RegisterNoResponder(srv.serve)
	var ids []int64
	var last error
	for m, err := range c.History.All(t.Context(), jmessage.AppHistory(), jmessage.HistoryQuery{Begin: begin, End: begin.Add(time.Hour), Count: 2}) {
		if err != nil {
			last = err
			continue
		}
		ids = append(ids, m.MsgID)
	}
	assert.Equal(t, []int64{1, 2}, ids)
	require.ErrorIs(t, last, jmessage.ErrInvalidParameter)
	assert.Equal(t, 2, srv.cursors, "one restart, then the error")
}

// TestHistoryAllStops: the walk ends when the consumer stops, and on a
// cancelled context between pages.
func TestHistoryAllStops(t *testing.T) {
	t.Parallel()
	begin := at(2019, 3, 1, 0, 0, 0)
	srv := &mockReport{times: []time.Time{begin, begin.Add(time.Second), begin.Add(2 * time.Second)}}
	c, mock := newTestClient(t)
	mock.RegisterNoResponder(srv.serve)
	q := jmessage.HistoryQuery{Begin: begin, End: begin.Add(time.Hour), Count: 1}
	for range c.History.All(t.Context(), jmessage.AppHistory(), q) {
		break
	}
	assert.Equal(t, 1, mock.GetTotalCallCount(), "no page after the consumer stops")

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var errs []error
	for _, err := range c.History.All(ctx, jmessage.AppHistory(), q) {
		cancel()
		errs = append(errs, err)
	}
	require.Len(t, errs, 2)
	assert.NoError(t, errs[0])
	assert.ErrorIs(t, errs[1], context.Canceled)
}
