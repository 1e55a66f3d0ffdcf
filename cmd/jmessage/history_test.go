package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// TestHistoryExport exports 20 days of history (three 7-day windows) with
// bursts of messages in the seconds around each window's edge, and checks
// that the file holds every message of the range exactly once, oldest
// first, and none from outside it.
func TestHistoryExport(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai())
	to := from.Add(20 * 24 * time.Hour)
	clockStart := from.Add(-time.Hour)
	srv := newFake(t, jmessagetest.WithClock(func() time.Time { return clockStart }))
	c := srv.Client()
	ctx := t.Context()
	_, err := c.Users.RegisterBulk(ctx, []jmessage.NewUser{{Username: "alice", Password: "alice-pw"}}, jmessage.BulkOptions{})
	require.NoError(t, err)
	_, err = c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "opsadmin", Password: "ops-password"})
	require.NoError(t, err)

	var sendTimes []time.Time // when to send, ascending
	for at := from.Add(-time.Minute); at.Before(to.Add(2 * time.Minute)); at = at.Add(17 * time.Minute) {
		sendTimes = append(sendTimes, at)
	}
	for k := 1; k <= 2; k++ { // 3 messages a second from 3 s before to 3 s after each 7-day edge
		edge := from.Add(time.Duration(k) * 7 * 24 * time.Hour)
		for d := -3 * time.Second; d <= 3*time.Second; d += time.Second {
			sendTimes = append(sendTimes, edge.Add(d), edge.Add(d), edge.Add(d))
		}
	}
	slices.SortFunc(sendTimes, func(a, b time.Time) int { return a.Compare(b) })
	for _, at := range sendTimes {
		srv.Advance(at.Sub(srv.Now()))
		_, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("opsadmin"), To: jmessage.ToUser("alice"),
			Body: jmessage.Text{Text: "at " + at.Format(time.DateTime)}})
		require.NoError(t, err)
	}
	var want []int64
	for _, m := range srv.Messages() {
		if !m.CTime.Before(from) && m.CTime.Before(to) {
			want = append(want, m.ID)
		}
	}
	require.Greater(t, len(want), 1500)

	out := filepath.Join(t.TempDir(), "history.jsonl")
	res := jm(t, srv, "history", "export", "--from", from.Format(time.DateTime), "--to", to.Add(-time.Second).Format(time.DateTime), "-o", out)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "exporting messages: wrote ")
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	msgs := jsonLines[jmessage.HistoryMessage](t, string(b))
	got := make([]int64, len(msgs))
	for i, m := range msgs {
		got[i] = m.MsgID
		if i > 0 {
			require.False(t, m.CreateTime.Before(msgs[i-1].CreateTime), "oldest first")
		}
	}
	assert.Equal(t, want, got, "every message of the range, exactly once, in order")
	assert.Equal(t, "opsadmin", msgs[0].From.Username)
	first := sendTimes[slices.IndexFunc(sendTimes, func(at time.Time) bool { return !at.Before(from) })]
	assert.Equal(t, jmessage.Text{Text: "at " + first.Format(time.DateTime)}, msgs[0].Body)
}

// TestHistoryExportFake exports the month of demo history of --fake.
func TestHistoryExportFake(t *testing.T) {
	t.Parallel()
	res := jm(t, nil, "--fake", "history", "export", "--last", "31d")
	require.Equal(t, exitOK, res.code, res.stderr)
	msgs := jsonLines[jmessage.HistoryMessage](t, res.stdout)
	assert.Len(t, msgs, int(demoHistory/demoEvery))
	res = jm(t, nil, "--fake", "--json", "history", "export", "--last", "7d", "--group", "10000001")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Len(t, jsonLines[jmessage.HistoryMessage](t, res.stdout), 7*24/2/4, "every fourth demo message goes to the group")
}

// TestStats reads the statistics of messages sent on two days, in both
// output forms, and refuses bad queries as bad usage.
func TestStats(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 10, 10, 0, 0, 0, shanghai())
	srv := newFake(t, jmessagetest.WithClock(func() time.Time { return day }))
	c := srv.Client()
	ctx := t.Context()
	_, err := c.Users.RegisterBulk(ctx, []jmessage.NewUser{{Username: "alice", Password: "alice-pw"}, {Username: "bobby", Password: "bobby-pw"}}, jmessage.BulkOptions{})
	require.NoError(t, err)
	g, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "alice", Name: "team", Members: []string{"bobby"}})
	require.NoError(t, err)
	send := func(to jmessage.Target) {
		_, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: to, Body: jmessage.Text{Text: "hi"}})
		require.NoError(t, err)
	}
	send(jmessage.ToUser("bobby"))
	send(jmessage.ToUser("bobby"))
	send(jmessage.ToGroup(g.GID))
	srv.Advance(24 * time.Hour)
	send(jmessage.ToUser("bobby"))

	res := jm(t, srv, "--json", "stats", "messages", "--start", "2026-11-10", "--duration", "2")
	require.Equal(t, exitOK, res.code, res.stderr)
	stats := jsonLines[jmessage.MessageStats](t, res.stdout)
	require.Len(t, stats, 1)
	assert.Equal(t, []jmessage.MessageStatsStep{{Time: "2026-11-10", Group: 1, Single: 2}, {Time: "2026-11-11", Single: 1}}, stats[0].Steps)
	assert.Equal(t, jmessage.MessageCounts{Text: 3}, stats[0].Single)

	res = jm(t, srv, "stats", "messages", "--start", "2026-11-10", "--duration", "2")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "time\tgroup\tsingle\n2026-11-10\t1\t2\n2026-11-11\t0\t1\n"+
		"by type\ttext\timage\tvoice\tother\ngroup\t1\t0\t0\t0\nsingle\t3\t0\t0\t0\n", res.stdout)

	res = jm(t, srv, "--json", "stats", "users", "--start", "2026-11-10", "--duration", "2")
	require.Equal(t, exitOK, res.code, res.stderr)
	days := jsonLines[jmessage.UserStats](t, res.stdout)
	require.Len(t, days, 2)
	assert.Equal(t, jmessage.NewDate(2026, 11, 10), days[0].Date)
	assert.Equal(t, int64(2), days[0].New)

	res = jm(t, srv, "stats", "groups", "--start", "2026-11-10")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "date\tactive\ttotal\tnew\n", res.stdout[:len("date\tactive\ttotal\tnew\n")])

	for _, args := range [][]string{
		{"stats", "users", "--start", "2026-11-10", "--unit", "hour"}, {"stats", "messages", "--start", "2026-11-10", "--unit", "week"},
		{"stats", "users", "--start", "2026-11-10", "--duration", "61"}, {"stats", "users"}, {"stats", "users", "--start", "soon"},
		{"history", "export"}, {"history", "export", "--from", "2026-11-10", "--last", "3d"}, {"history", "export", "--last", "3w"},
		{"history", "export", "--from", "2026-11-10", "--to", "2026-11-09"}, {"history", "export", "--last", "1d", "--user", "a", "--group", "1"},
	} {
		res := jm(t, srv, args...)
		assert.Equal(t, exitUsage, res.code, "%v: %s", args, res.stderr)
	}
}
