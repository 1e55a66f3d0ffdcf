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
	assert.Equal(t, jmessage.Text{Text: "at " + from.Format(time.DateTime)}, msgs[0].Body)
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
