package jmessagetest_test

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// newMessagingFake returns a fake with users alice and bobby and admin admin_1.
func newMessagingFake(t *testing.T, opts ...jmessagetest.Option) (*jmessagetest.Server, *jmessage.Client) {
	t.Helper()
	srv, c := newFake(t, opts...)
	register(t, c, "alice", "bobby")
	_, err := c.Users.RegisterAdmin(t.Context(), jmessage.NewAdmin{Username: "admin_1", Password: "password"})
	require.NoError(t, err)
	return srv, c
}

func TestSendText(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, time.May, 1, 12, 0, 0, 123_000_000, time.UTC)
	srv, c := newMessagingFake(t, jmessagetest.WithClock(func() time.Time { return start }))
	ctx := t.Context()

	res, resp, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("alice"),
		Body:         jmessage.Text{Text: "Hello, JMessage!", Extras: map[string]any{"k": "v"}},
		Notification: &jmessage.Notification{Title: "title", Alert: "alert"}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assertGoldenShape(t, "messages_send.response.json", resp)
	assert.Greater(t, res.MsgID, int64(math.MaxInt32), "msg_id exceeds int32")
	assert.Equal(t, start.UnixMilli(), res.CTime.UnixMilli())

	res2, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("bobby"), To: jmessage.ToUser("alice"),
		Body: jmessage.Custom{"any": []any{1, "two"}}, NoOffline: true})
	require.NoError(t, err)
	assert.Greater(t, res2.MsgID, res.MsgID)

	msgs := srv.Messages()
	require.Len(t, msgs, 2)
	m := msgs[0]
	assert.Equal(t, res.MsgID, m.ID)
	assert.Equal(t, start.UnixMilli(), m.CTime.UnixMilli())
	assert.Equal(t, "admin", m.FromType)
	assert.Equal(t, "admin_1", m.FromID)
	assert.Equal(t, "single", m.TargetType)
	assert.Equal(t, "alice", m.TargetID)
	assert.Equal(t, "text", m.MsgType)
	assert.JSONEq(t, `{"text":"Hello, JMessage!","extras":{"k":"v"}}`, string(m.Body))
	assert.Equal(t, "title", m.NotificationTitle)
	assert.Equal(t, "alert", m.NotificationAlert)
	assert.False(t, m.Retracted)
	assert.Equal(t, "custom", msgs[1].MsgType)
	assert.Equal(t, "user", msgs[1].FromType)
	assert.True(t, msgs[1].NoOffline)
}

func TestSendRules(t *testing.T) {
	t.Parallel()
	srv, c := newMessagingFake(t)
	ctx := t.Context()
	send := func(from jmessage.Sender, to jmessage.Target) error {
		_, _, err := c.Messages.Send(ctx, jmessage.Message{From: from, To: to, Body: jmessage.Text{Text: "hi"}})
		return err
	}

	requireCode(t, send(jmessage.FromAdmin("alice"), jmessage.ToUser("bobby")), http.StatusForbidden, jmessage.ErrSendForbidden)
	requireCode(t, send(jmessage.FromUser("ghost"), jmessage.ToUser("bobby")), http.StatusNotFound, jmessage.ErrUserNotFound)
	requireCode(t, send(jmessage.FromUser("alice"), jmessage.ToUser("ghost")), http.StatusNotFound, jmessage.ErrUserNotFound)
	requireCode(t, send(jmessage.FromUser("alice"), jmessage.ToUser("bobby").InApp("unknown0app0key000000000")),
		http.StatusNotFound, jmessage.ErrAppKeyNotFound)
	require.NoError(t, send(jmessage.FromAdmin("admin_1"), jmessage.ToUser("bobby")))
	require.NoError(t, send(jmessage.FromUser("admin_1"), jmessage.ToUser("bobby")), "an admin may send as a user")

	_, err := c.Users.SetForbidden(ctx, "alice", true)
	require.NoError(t, err)
	requireCode(t, send(jmessage.FromUser("alice"), jmessage.ToUser("bobby")), http.StatusForbidden, jmessage.ErrSendForbidden)
	_, err = c.Users.SetForbidden(ctx, "alice", false)
	require.NoError(t, err)
	require.NoError(t, send(jmessage.FromUser("alice"), jmessage.ToUser("bobby")))
	assert.Len(t, srv.Messages(), 3, "refused messages are not recorded")

	// The server checks what the SDK would refuse locally.
	auth := basic(srv)
	const ok = `"version":1,"target_type":"single","target_id":"bobby","from_type":"user","from_id":"alice"`
	for name, body := range map[string]string{
		"version 2":              `{"version":2,"target_type":"single","target_id":"bobby","from_type":"user","from_id":"alice","msg_type":"text","msg_body":{"text":"x"}}`,
		"no version":             `{"target_type":"single","target_id":"bobby","from_type":"user","from_id":"alice","msg_type":"text","msg_body":{"text":"x"}}`,
		"numeric target_id":      `{"version":1,"target_type":"single","target_id":123456,"from_type":"user","from_id":"alice","msg_type":"text","msg_body":{"text":"x"}}`,
		"bad target_type":        `{"version":1,"target_type":"room","target_id":"bobby","from_type":"user","from_id":"alice","msg_type":"text","msg_body":{"text":"x"}}`,
		"bad from_type":          `{"version":1,"target_type":"single","target_id":"bobby","from_type":"robot","from_id":"alice","msg_type":"text","msg_body":{"text":"x"}}`,
		"video with a text body": `{` + ok + `,"msg_type":"video","msg_body":{"text":"x"}}`,
		"unknown msg_type":       `{` + ok + `,"msg_type":"news","msg_body":{"text":"x"}}`,
		"no msg_type":            `{` + ok + `,"msg_body":{"text":"x"}}`,
		"text without text":      `{` + ok + `,"msg_type":"text","msg_body":{"extras":{}}}`,
		"body not an object":     `{` + ok + `,"msg_type":"custom","msg_body":[1]}`,
		"body too large":         `{` + ok + `,"msg_type":"text","msg_body":{"text":"` + strings.Repeat("x", 4100) + `"}}`,
		"image without size":     `{` + ok + `,"msg_type":"image","msg_body":{"media_id":"qiniu/image/X","media_crc32":1,"format":"png","fsize":1}}`,
		"voice without dur":      `{` + ok + `,"msg_type":"voice","msg_body":{"media_id":"qiniu/voice/X","media_crc32":1,"fsize":1}}`,
		"unknown body key":       `{` + ok + `,"msg_type":"text","msg_body":{"text":"x","txt":"y"}}`,
		"unknown key":            `{` + ok + `,"msg_type":"text","msg_body":{"text":"x"},"priority":1}`,
		"format of 251 bytes": `{` + ok + `,"msg_type":"image","msg_body":{"media_id":"qiniu/image/X","media_crc32":1,"width":1,"height":1,"format":"` +
			strings.Repeat("f", 251) + `","fsize":1}}`,
		"voice hash of 251 bytes": `{` + ok + `,"msg_type":"voice","msg_body":{"media_id":"qiniu/voice/X","media_crc32":1,"duration":1,"fsize":1,"hash":"` +
			strings.Repeat("h", 251) + `"}}`,
	} {
		status, _, answer := raw(t, srv, "POST", "/v1/messages", auth, "application/json", body)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Contains(t, string(answer), `"code":899003`, name)
	}
	_, _, answer := raw(t, srv, "POST", "/v1/messages", auth, "application/json", `{`+ok+`,"msg_type":"news","msg_body":{}}`)
	assert.Contains(t, string(answer), "msg_type must be custom or one of file, image, location, text, video, voice")
	status, _, _ := raw(t, srv, "POST", "/v1/messages", auth, "application/json",
		`{`+ok+`,"msg_type":"custom","msg_body":{"anything":{"goes":[1,2]}}}`)
	assert.Equal(t, http.StatusCreated, status)
	status, _, answer = raw(t, srv, "POST", "/v1/messages", auth, "application/json",
		`{`+ok+`,"msg_type":"image","msg_body":{"media_id":"qiniu/image/X","media_crc32":1,"width":1,"height":1,"format":"`+
			strings.Repeat("f", 250)+`","fsize":1}}`)
	assert.Equal(t, http.StatusCreated, status, "250 bytes are accepted: %s", answer)
}

func TestSendAcrossApps(t *testing.T) {
	t.Parallel()
	srv, c := newMessagingFake(t, jmessagetest.WithApp(otherKey, "other-secret"))
	other := srv.AppByKey(otherKey)
	register(t, other.Client(jmessage.WithoutRetries()), "carol")

	_, _, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromUser("alice"),
		To: jmessage.ToUser("carol").InApp(otherKey), Body: jmessage.Text{Text: "hi"}})
	require.NoError(t, err)
	msgs := srv.Messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, otherKey, msgs[0].TargetAppKey)
	assert.Empty(t, other.Messages(), "recorded with the sender's app")

	_, _, err = c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromUser("alice"),
		To: jmessage.ToUser("carol"), Body: jmessage.Text{Text: "hi"}})
	requireCode(t, err, http.StatusNotFound, jmessage.ErrUserNotFound)
}

func TestRetract(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, time.May, 1, 12, 0, 0, 0, time.UTC)
	srv, c := newMessagingFake(t, jmessagetest.WithClock(func() time.Time { return start }))
	ctx := t.Context()
	send := func() int64 {
		res, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bobby"),
			Body: jmessage.Text{Text: "oops"}})
		require.NoError(t, err)
		return res.MsgID
	}

	id := send()
	_, err := c.Messages.Retract(ctx, "bobby", id)
	requireCode(t, err, http.StatusForbidden, jmessage.ErrRetractNotSender)
	srv.Advance(jmessagetest.RetractWindow) // exactly 3 minutes: still allowed
	resp, err := c.Messages.Retract(ctx, "alice", id)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.True(t, srv.Messages()[0].Retracted)
	_, err = c.Messages.Retract(ctx, "alice", id)
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrAlreadyRetracted)

	late := send()
	srv.Advance(jmessagetest.RetractWindow + time.Second)
	_, err = c.Messages.Retract(ctx, "alice", late)
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrRetractTooLate)
	assert.False(t, srv.Messages()[1].Retracted)

	_, err = c.Messages.Retract(ctx, "alice", 12345)
	requireCode(t, err, http.StatusNotFound, jmessage.ErrMessageNotFound)
	status, _, _ := raw(t, srv, "POST", "/v1/messages/alice/not-a-number/retract", basic(srv), "", "")
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestSensitiveWordsFilterMessages(t *testing.T) {
	t.Parallel()
	srv, c := newMessagingFake(t)
	ctx := t.Context()
	_, err := c.SensitiveWords.Add(ctx, []string{"darn", "坏话"})
	require.NoError(t, err)
	send := func(text string) {
		_, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromUser("alice"), To: jmessage.ToUser("bobby"),
			Body: jmessage.Text{Text: text}})
		require.NoError(t, err)
	}

	send("darn it, 坏话!")
	_, err = c.SensitiveWords.SetEnabled(ctx, false)
	require.NoError(t, err)
	send("darn it")
	msgs := srv.Messages()
	require.Len(t, msgs, 2)
	assert.JSONEq(t, `{"text":"**** it, **!"}`, string(msgs[0].Body), "filter on: words masked")
	assert.JSONEq(t, `{"text":"darn it"}`, string(msgs[1].Body), "filter off: as sent")
}

// TestGoldenSendRequests sends the SDK's golden image, voice and custom
// message requests to the fake, arranged so that their sender and target
// exist: the group, chatroom and app they name, with the ids the fake
// handed out put in place of the golden's.
func TestGoldenSendRequests(t *testing.T) {
	t.Parallel()
	const customKey = "8f7aef34fb361292c566a1cd" // the other app of the custom golden
	srv, c := newMessagingFake(t, jmessagetest.WithApp(customKey, "custom-secret"))
	ctx := t.Context()
	register(t, c, "user_caiyh")
	register(t, srv.AppByKey(customKey).Client(jmessage.WithoutRetries()), "ppppp")
	g, _, err := c.Groups.Create(ctx, jmessage.NewGroup{OwnerUsername: "alice", Name: "group"})
	require.NoError(t, err)
	room, _, err := c.Chatrooms.Create(ctx, jmessage.NewChatroom{OwnerUsername: "alice", Name: "room", Members: []string{"user_caiyh"}})
	require.NoError(t, err)

	for _, tt := range []struct{ golden, from, to string }{
		{"messages_send_image.request.json", `"target_id": "10049"`, fmt.Sprintf(`"target_id": "%d"`, g.GID)},
		{"messages_send_voice.request.json", `"target_id": "12500"`, fmt.Sprintf(`"target_id": "%d"`, room)},
		{"messages_send_custom.request.json", "", ""},
	} {
		body := string(golden(t, tt.golden))
		require.Contains(t, body, tt.from)
		body = strings.Replace(body, tt.from, tt.to, 1)
		status, _, answer := raw(t, srv, "POST", "/v1/messages", basic(srv), "application/json; charset=utf-8", body)
		assert.Equal(t, http.StatusCreated, status, "%s: %s", tt.golden, answer)
		assert.Equal(t, shape(t, golden(t, "messages_send.response.json")), shape(t, answer), tt.golden)
	}
	msgs := srv.Messages()
	require.Len(t, msgs, 3)
	assert.Equal(t, []string{"image", "voice", "custom"}, []string{msgs[0].MsgType, msgs[1].MsgType, msgs[2].MsgType})
	assert.Equal(t, customKey, msgs[2].TargetAppKey)
	assert.True(t, msgs[1].NoOffline && msgs[1].NoNotification)
	assert.JSONEq(t, `{"kind":"order","order":{"id":42,"items":["tea","cake"]}}`, string(msgs[2].Body))
}
