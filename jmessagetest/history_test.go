package jmessagetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// historyServer is a server at a fixed time with users alice and bob01 and
// a group of both.
func historyServer(t *testing.T, opts ...jmessagetest.Option) (*jmessagetest.Server, *jmessage.Client, int64) {
	t.Helper()
	now := time.Date(2019, 5, 1, 12, 0, 0, 0, jmessage.Shanghai())
	srv := jmessagetest.NewServer(t, append([]jmessagetest.Option{jmessagetest.WithClock(func() time.Time { return now })}, opts...)...)
	c := srv.Client(jmessage.WithoutRetries())
	ctx := t.Context()
	for _, name := range []string{"alice", "bob01"} {
		_, err := c.Users.Register(ctx, jmessage.NewUser{Username: name, Password: "secret1"})
		require.NoError(t, err)
	}
	g, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "alice", Name: "team", Members: []string{"bob01"}})
	require.NoError(t, err)
	return srv, c, g.GID
}

// TestHistoryAllOverWeeksWithExpiringCursors: 20 days of messages, some on
// the edges of the iterator's 7-day windows, read with pages of 3 by a
// consumer so slow that cursors expire on the server's clock: every message
// comes once, in order, app-wide (inclusive bounds) and per user
// (exclusive bounds).
func TestHistoryAllOverWeeksWithExpiringCursors(t *testing.T) {
	t.Parallel()
	srv, c, gid := historyServer(t)
	begin := srv.Now().Add(-20 * 24 * time.Hour).Truncate(time.Second)
	end := srv.Now()
	edge1 := begin.Add(jmessage.MaxHistoryRange - time.Second) // the first window's end
	edge2 := edge1.Add(-time.Second).Add(jmessage.MaxHistoryRange - time.Second)
	var times []time.Time
	for i := range 40 {
		times = append(times, begin.Add(time.Duration(i)*12*time.Hour+time.Minute))
	}
	times = append(times, edge1, edge1, edge1.Add(-time.Second), edge1.Add(time.Second), edge2, edge2.Add(-time.Second), begin.Add(time.Second))
	want := map[int64]time.Time{}
	for i, at := range times {
		dm := jmessagetest.DeviceMessage{From: "alice", Platform: "i", Time: at, To: jmessage.ToUser("bob01"),
			Body: jmessage.Text{Text: "m"}}
		if i%5 == 0 {
			dm.To = jmessage.ToGroup(gid)
		}
		m, err := srv.Inject(dm)
		require.NoError(t, err)
		want[m.ID] = at
	}
	for _, scope := range []jmessage.HistoryScope{jmessage.AppHistory(), jmessage.UserHistory("alice")} {
		got := map[int64]bool{}
		var last time.Time
		n := 0
		for m, err := range c.History.All(t.Context(), scope, jmessage.HistoryQuery{Begin: begin, End: end, Count: 3}) {
			require.NoError(t, err)
			assert.False(t, got[m.MsgID], "%v: message %d twice", scope, m.MsgID)
			got[m.MsgID] = true
			assert.False(t, m.CreateTime.Before(last), "%v: ascending", scope)
			last = m.CreateTime
			assert.True(t, want[m.MsgID].Equal(m.CreateTime), "create_time")
			assert.Equal(t, "i", m.FromPlatform)
			if n++; n%7 == 0 {
				srv.Advance(jmessagetest.HistoryCursorTTL + time.Second) // a slow consumer
			}
		}
		assert.Len(t, got, len(want), "%v: every message", scope)
	}
}

func TestHistoryScopesAndPages(t *testing.T) {
	t.Parallel()
	srv, c, gid := historyServer(t, jmessagetest.WithApp("otherapp0000000000000001", "other-secret"))
	ctx := t.Context()
	_, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "secret1"})
	require.NoError(t, err)
	room, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "alice", Name: "room", Members: []string{"bob01"}})
	require.NoError(t, err)
	send := func(to jmessage.Target, body jmessage.MessageBody) int64 {
		r, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: to, Body: body})
		require.NoError(t, err)
		return r.MsgID
	}
	toBob := send(jmessage.ToUser("bob01"), jmessage.Text{Text: "hi bob", Extras: map[string]any{"k": 1}})
	toGroup := send(jmessage.ToGroup(gid), jmessage.Custom{"kind": "x"})
	toRoom := send(jmessage.ToChatroom(room), jmessage.Text{Text: "hi room"})
	fromAlice, err := srv.Inject(jmessagetest.DeviceMessage{From: "alice", FromName: "Al", Platform: "a", To: jmessage.ToUser("bob01"),
		Type: "sticker", Body: json.RawMessage(`{"pack":1}`)})
	require.NoError(t, err)

	q := jmessage.HistoryQuery{Begin: srv.Now().Add(-time.Hour), End: srv.Now().Add(time.Hour)}
	ids := func(scope jmessage.HistoryScope) []int64 {
		var out []int64
		for m, err := range c.History.All(ctx, scope, q) {
			require.NoError(t, err)
			out = append(out, m.MsgID)
		}
		return out
	}
	assert.Equal(t, []int64{toBob, toGroup, toRoom, fromAlice.ID}, ids(jmessage.AppHistory()))
	assert.Equal(t, []int64{toBob, fromAlice.ID}, ids(jmessage.UserHistory("bob01")))
	assert.Equal(t, []int64{fromAlice.ID}, ids(jmessage.UserHistory("alice")))
	assert.Equal(t, []int64{toGroup}, ids(jmessage.GroupHistory(gid)))
	assert.Equal(t, []int64{toRoom}, ids(jmessage.ChatroomHistory(room)))

	// Pages and cursors.
	q.Count = 3
	page, _, err := c.History.List(ctx, jmessage.AppHistory(), q)
	require.NoError(t, err)
	assert.Equal(t, 4, page.Total)
	require.Len(t, page.Messages, 3)
	require.NotEmpty(t, page.Cursor)
	m := page.Messages[0]
	assert.Equal(t, jmessage.Text{Text: "hi bob", Extras: map[string]any{"k": 1.0}}, m.Body)
	assert.Equal(t, jmessage.Sender{Type: jmessage.SenderAdmin, Username: "admin_1"}, m.From)
	assert.Equal(t, srv.AppKey(), m.FromAppKey)
	assert.Equal(t, 0, m.Level)
	last, _, err := c.History.Next(ctx, jmessage.AppHistory(), page.Cursor)
	require.NoError(t, err)
	require.Len(t, last.Messages, 1)
	assert.Empty(t, last.Cursor)
	assert.Nil(t, last.Messages[0].Body, "an unknown type has no typed body")
	assert.JSONEq(t, `{"pack":1}`, string(last.Messages[0].RawBody))
	assert.Equal(t, 1, last.Messages[0].SetFromName)

	// A cursor expires after 120 s of the server's clock, and is used once.
	page, _, err = c.History.List(ctx, jmessage.AppHistory(), q)
	require.NoError(t, err)
	srv.Advance(jmessagetest.HistoryCursorTTL)
	_, resp, err := c.History.Next(ctx, jmessage.AppHistory(), page.Cursor)
	require.ErrorIs(t, err, jmessage.ErrInvalidParameter)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	// A cross-app message is in the history of both apps, at level 1.
	other := srv.AppByKey("otherapp0000000000000001")
	oc := other.Client()
	_, err = oc.Users.Register(ctx, jmessage.NewUser{Username: "carol", Password: "secret1"})
	require.NoError(t, err)
	cross, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin_1"),
		To: jmessage.ToUser("carol").InApp(other.AppKey()), Body: jmessage.Text{Text: "hello"}})
	require.NoError(t, err)
	theirs, _, err := oc.History.List(ctx, jmessage.UserHistory("carol"), jmessage.HistoryQuery{Begin: q.Begin, End: q.End.Add(time.Hour)})
	require.NoError(t, err)
	require.Len(t, theirs.Messages, 1)
	assert.Equal(t, cross.MsgID, theirs.Messages[0].MsgID)
	assert.Equal(t, 1, theirs.Messages[0].Level)
	assert.Equal(t, other.AppKey(), theirs.Messages[0].To.AppKey)
}

// TestHistoryLimits: the fake refuses what the report host documents as
// out of bounds, when a client sends it anyway.
func TestHistoryLimits(t *testing.T) {
	t.Parallel()
	srv, _, _ := historyServer(t)
	base := srv.URL() + jmessagetest.ReportPrefix
	for _, query := range []string{
		"count=1001&begin_time=2019-05-01%2000:00:00&end_time=2019-05-01%2001:00:00",
		"count=0&begin_time=2019-05-01%2000:00:00&end_time=2019-05-01%2001:00:00",
		"count=10&begin_time=2019-05-01&end_time=2019-05-01%2001:00:00",
		"count=10&begin_time=2019-05-01%2000:00:00&end_time=2019-05-08%2000:00:01",
		"count=10&begin_time=2019-05-02%2000:00:00&end_time=2019-05-01%2000:00:00",
		"cursor=NOSUCHCURSOR",
	} {
		req, err := http.NewRequest(http.MethodGet, base+"/messages?"+query, nil)
		require.NoError(t, err)
		req.SetBasicAuth(srv.AppKey(), srv.MasterSecret())
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, query)
	}
	resp, err := http.Get(base + "/messages?" + url.Values{"cursor": {"x"}}.Encode())
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the report paths check credentials")
}

func TestStatistics(t *testing.T) {
	t.Parallel()
	srv, c, gid := historyServer(t)
	ctx := t.Context()
	day := srv.Now()
	for i, at := range []time.Time{day.Add(-25 * time.Hour), day, day.Add(time.Minute)} {
		dm := jmessagetest.DeviceMessage{From: "alice", Time: at, To: jmessage.ToUser("bob01"), Body: jmessage.Text{Text: "t"}}
		if i == 2 {
			dm.To, dm.From, dm.Body = jmessage.ToGroup(gid), "bob01", jmessage.Custom{"k": 1}
		}
		_, err := srv.Inject(dm)
		require.NoError(t, err)
	}
	users, _, err := c.Stats.Users(ctx, jmessage.StatsQuery{Start: day.AddDate(0, 0, -1), Duration: 2})
	require.NoError(t, err)
	y, m, d := day.Date()
	assert.Equal(t, []jmessage.UserStats{
		{Date: jmessage.NewDate(2019, 4, 30), Active: 1, Total: 0, Senders: 1, New: 0}, // registered the next day
		{Date: jmessage.NewDate(y, m, d), Active: 2, Total: 2, Senders: 2, New: 2},
	}, users)
	groups, _, err := c.Stats.Groups(ctx, jmessage.StatsQuery{Start: day, Duration: 1})
	require.NoError(t, err)
	assert.Equal(t, []jmessage.GroupStats{{Date: jmessage.NewDate(y, m, d), Active: 1, Total: 1, New: 1}}, groups)
	msgs, _, err := c.Stats.Messages(ctx, jmessage.StatsQuery{Unit: jmessage.UnitHour, Start: day, Duration: 2})
	require.NoError(t, err)
	assert.Equal(t, &jmessage.MessageStats{
		Steps:  []jmessage.MessageStatsStep{{Time: "2019-05-01 12", Group: 1, Single: 1}, {Time: "2019-05-01 13"}},
		Group:  jmessage.MessageCounts{Other: 1},
		Single: jmessage.MessageCounts{Text: 1},
	}, msgs)
}

// TestRoutingEndToEnd: with routing on, every accepted message (sent or
// injected) reaches a jmessage.Receiver with the app's credentials before
// the send is answered; a receiver's error is a non-200 delivery.
func TestRoutingEndToEnd(t *testing.T) {
	t.Parallel()
	srv, c, _ := historyServer(t)
	var got []jmessage.HistoryMessage
	refuse := false
	rc, err := jmessage.NewReceiver(srv.AppKey(), srv.MasterSecret(), func(_ context.Context, msgs []jmessage.HistoryMessage) error {
		if refuse {
			return errors.New("not now")
		}
		got = append(got, msgs...)
		return nil
	})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("POST /jmessage/routing", rc)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	require.NoError(t, srv.SetRouting(hs.URL+"/jmessage/routing"))

	sent, _, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bob01"),
		Body: jmessage.Text{Text: "hi", Extras: map[string]any{"k": "v"}}})
	require.NoError(t, err)
	require.Len(t, got, 1, "delivered before the send is answered")
	assert.Equal(t, sent.MsgID, got[0].MsgID)
	assert.Equal(t, jmessage.Text{Text: "hi", Extras: map[string]any{"k": "v"}}, got[0].Body)
	assert.Equal(t, sent.CTime.UnixMilli(), got[0].CTime.UnixMilli())

	injected, err := srv.Inject(jmessagetest.DeviceMessage{From: "bob01", Platform: "web", To: jmessage.ToUser("alice"),
		Body: jmessage.Location{Latitude: 1, Longitude: 2, Scale: 3, Label: "here"}})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, injected.ID, got[1].MsgID)
	assert.Equal(t, "web", got[1].FromPlatform)

	refuse = true
	_, _, err = c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bob01"),
		Body: jmessage.Text{Text: "again"}})
	require.NoError(t, err, "a failed delivery does not fail the send")
	d := srv.Deliveries()
	require.Len(t, d, 3)
	assert.Equal(t, []int{200, 200, 500}, []int{d[0].Status, d[1].Status, d[2].Status})

	// A receiver with other credentials refuses the fake's deliveries.
	other, err := jmessage.NewReceiver(srv.AppKey(), "not-the-secret", func(context.Context, []jmessage.HistoryMessage) error { return nil })
	require.NoError(t, err)
	hs2 := httptest.NewServer(other)
	t.Cleanup(hs2.Close)
	require.NoError(t, srv.SetRouting(hs2.URL))
	_, _, err = c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bob01"),
		Body: jmessage.Text{Text: "x"}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, srv.Deliveries()[3].Status)
	assert.Error(t, srv.SetRouting("not a url"))
}

// TestControlHistory: programs in other languages inject messages, turn
// routing on and read deliveries through the control API.
func TestControlHistory(t *testing.T) {
	t.Parallel()
	srv, c, _ := historyServer(t)
	ctl := httptest.NewServer(srv.ControlHandler())
	t.Cleanup(ctl.Close)
	var hits int
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	t.Cleanup(recv.Close)
	do := func(method, path, body string) (int, string) {
		req, err := http.NewRequest(method, ctl.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, _ := do(http.MethodPut, "/apps/"+srv.AppKey()+"/routing", `{"url":"`+recv.URL+`"}`)
	require.Equal(t, http.StatusNoContent, status)
	status, body := do(http.MethodPost, "/apps/"+srv.AppKey()+"/messages", `{"from":"alice","platform":"i",
		"time":"2019-04-30T10:00:00+08:00","target_type":"single","target_id":"bob01","msg_type":"text","msg_body":{"text":"hey"}}`)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"from_platform":"i"`)
	status, body = do(http.MethodGet, "/apps/"+srv.AppKey()+"/deliveries", "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"status":200`)
	assert.Equal(t, 1, hits)
	status, _ = do(http.MethodPost, "/apps/"+srv.AppKey()+"/messages", `{"from":"nobody1","target_type":"single","target_id":"bob01","msg_type":"text","msg_body":{"text":"x"}}`)
	assert.Equal(t, http.StatusBadRequest, status)

	page, _, err := c.History.List(t.Context(), jmessage.UserHistory("bob01"), jmessage.HistoryQuery{
		Begin: time.Date(2019, 4, 30, 9, 0, 0, 0, jmessage.Shanghai()), End: time.Date(2019, 4, 30, 11, 0, 0, 0, jmessage.Shanghai())})
	require.NoError(t, err)
	require.Len(t, page.Messages, 1)
	assert.Equal(t, jmessage.Text{Text: "hey"}, page.Messages[0].Body)
}

// TestStatisticsLimits: the fake refuses a unit, start or duration out of
// the documented bounds, and takes what the documentation leaves open as
// the vendor's Java client sends it (0 steps; 24 hours from any hour).
func TestStatisticsLimits(t *testing.T) {
	t.Parallel()
	srv, _, _ := historyServer(t)
	for query, want := range map[string]int{
		"/statistic/users?time_unit=DAY&start=2019-05-01&duration=60":                            http.StatusOK,
		"/statistic/users?time_unit=DAY&start=2019-05-01&duration=0":                             http.StatusOK,
		"/statistic/users?time_unit=DAY&start=2019-05-01&duration=61":                            http.StatusBadRequest,
		"/statistic/users?time_unit=HOUR&start=2019-05-01%2010&duration=1":                       http.StatusBadRequest,
		"/statistic/groups?time_unit=DAY&start=2019-05&duration=1":                               http.StatusBadRequest,
		"/statistic/messages?time_unit=HOUR&start=2019-05-01%2010&duration=24":                   http.StatusOK,
		"/statistic/messages?time_unit=HOUR&start=2019-05-01+10&duration=25":                     http.StatusBadRequest,
		"/statistic/messages?time_unit=MONTH&start=2019-05&duration=2":                           http.StatusOK,
		"/statistic/messages?time_unit=MONTH&start=2019-05&duration=3":                           http.StatusBadRequest,
		"/statistic/messages?time_unit=WEEK&start=2019-05-01&duration=1":                         http.StatusBadRequest,
		"/messages?count=10&begin_time=2019-05-01+00%3A00%3A00&end_time=2019-05-01+01%3A00%3A00": http.StatusOK, // Java's encoding
		"//statistic/messages?time_unit=DAY&start=2019-05-01&duration=2":                         http.StatusOK, // the PHP client's double slash
	} {
		req, err := http.NewRequest(http.MethodGet, srv.URL()+jmessagetest.ReportPrefix+query, nil)
		require.NoError(t, err)
		req.SetBasicAuth(srv.AppKey(), srv.MasterSecret())
		req.Header.Set("Content-Type", "application/json") // as the PHP client sends on every GET
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, want, resp.StatusCode, query)
	}
}

// TestHistoryV1: the deprecated v1 report API, which the vendor's PHP
// client calls (the user history with its doubled slash): offset pages,
// bounds optional, inclusive app-wide and exclusive per user.
func TestHistoryV1(t *testing.T) {
	t.Parallel()
	srv, _, _ := historyServer(t)
	at := srv.Now().Add(-time.Hour).Truncate(time.Second)
	for i := range 5 {
		from := "alice"
		if i == 4 {
			from = "bob01"
		}
		dm := jmessagetest.DeviceMessage{From: from, Platform: "a", Time: at.Add(time.Duration(i) * time.Minute),
			To: jmessage.ToUser("bob01"), Body: jmessage.Text{Text: "m"}}
		if from == "bob01" {
			dm.To = jmessage.ToUser("alice")
		}
		_, err := srv.Inject(dm)
		require.NoError(t, err)
	}
	type page struct {
		Total, Start, Count int
		Messages            []struct {
			MsgID  int64  `json:"msgid"`
			FromID string `json:"from_id"`
		}
	}
	get := func(path string) page {
		t.Helper()
		status, _, body := raw(t, srv, http.MethodGet, path, basic(srv), "application/json", "")
		require.Equal(t, http.StatusOK, status, "%s: %s", path, body)
		var p page
		require.NoError(t, json.Unmarshal(body, &p), "%s", body)
		return p
	}
	bound := func(d time.Duration) string {
		return url.QueryEscape(at.Add(d).In(jmessage.Shanghai()).Format(jmessage.TimeLayout))
	}

	all := get("/v1/messages?start=0&count=1000")
	assert.Equal(t, 5, all.Total)
	assert.Len(t, all.Messages, 5)
	second := get("/v1/messages?start=2&count=2")
	assert.Equal(t, page{Total: 5, Start: 2, Count: 2, Messages: all.Messages[2:4]}, second)

	inclusive := get("/v1/messages?start=0&count=10&begin_time=" + bound(time.Minute) + "&end_time=" + bound(3*time.Minute))
	assert.Equal(t, 3, inclusive.Total, "app-wide bounds are inclusive")
	exclusive := get("/v1//users/alice/messages?start=0&count=10&begin_time=" + bound(time.Minute) + "&end_time=" + bound(4*time.Minute))
	assert.Equal(t, 2, exclusive.Total, "a user's bounds are exclusive")
	assert.Equal(t, 5, get("/v1/users/bob01/messages?start=0&count=10").Total)
	assert.Equal(t, 1, get("/v1/users/alice/messages?start=0&count=10&begin_time="+bound(3*time.Minute+time.Second)).Total,
		"one bound alone")

	for _, bad := range []string{"/v1/messages?count=10", "/v1/messages?start=0&count=1001", "/v1/messages?start=0&count=10&end_time=yesterday"} {
		status, _, body := raw(t, srv, http.MethodGet, bad, basic(srv), "", "")
		assert.Equal(t, http.StatusBadRequest, status, bad)
		assert.Equal(t, 899003, envelopeCode(t, body), bad)
	}
}
