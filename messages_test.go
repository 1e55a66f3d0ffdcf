package jmessage_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// uploadedImage is testdata/resource_upload.response.json.
var uploadedImage = jmessage.Image{MediaID: "qiniu/image/F39AA12204DAB6A2", MediaCRC32: 1338734977,
	Width: 720, Height: 1280, Format: "jpg", FSize: 52468}

// sentFile is testdata/resource_upload_file.response.json.
var sentFile = jmessage.File{MediaID: "qiniu/file/j/1BB3B833AEABFF62E883C5CE421867A9", MediaCRC32: 1415584260,
	FName: "0839d1c0-48e9-4032-9333-f3691a7d9e48.dmp", FSize: 176512, Hash: "FtH0kPT0YI89HAw1K9wv_vVKiNab"}

// uploadedVoice is testdata/resource_upload_voice.response.json.
var uploadedVoice = jmessage.Voice{MediaID: "qiniu/voice/j/9C4312B1EA0FB28337566D1A29A244B5", MediaCRC32: 1882116055,
	Hash: "FoYn15bAGRUM9gZCAkvf9dolVH7h", Format: "m4a", FSize: 238105}

func sendResult(id int64, ms int64) *jmessage.SendResult {
	return &jmessage.SendResult{MsgID: id, CTime: jmessage.Millis{Time: time.UnixMilli(ms).In(jmessage.Shanghai())}}
}

func TestMessagesEndpoints(t *testing.T) {
	t.Parallel()
	// 43143728109 > 2^32: msg_id needs int64.
	sent := sendResult(43143728109, 1493794522950)
	send := func(msg jmessage.Message) func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
		return func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
			return c.Messages.Send(ctx, msg)
		}
	}
	voice := uploadedVoice
	voice.Duration = 6

	runEndpointTests(t, []endpointTest{
		{
			name: "Send text", method: "POST", path: "/v1/messages", request: "messages_send.request.json",
			status: 201, response: "messages_send.response.json",
			call: send(jmessage.Message{From: jmessage.FromAdmin("fang"), To: jmessage.ToUser("javen"),
				Body:         jmessage.Text{Text: "Hello, JMessage!", Extras: map[string]any{}},
				Notification: &jmessage.Notification{Title: "title", Alert: "alert"}}),
			want: sent, errStatus: 403, errCode: jmessage.ErrSendForbidden,
		},
		{
			name: "Send image to a group", method: "POST", path: "/v1/messages", request: "messages_send_image.request.json",
			status: 201, response: "messages_send.response.json",
			call: send(jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToGroup(10049), Body: uploadedImage}),
			want: sent, errStatus: 400, errCode: jmessage.ErrUserNotFound,
		},
		{
			name: "Send voice to a chatroom", method: "POST", path: "/v1/messages", request: "messages_send_voice.request.json",
			status: 201, response: "messages_send.response.json",
			call: send(jmessage.Message{From: jmessage.FromUser("user_caiyh"), To: jmessage.ToChatroom(12500), Body: &voice,
				NoOffline: true, NoNotification: true}),
			want: sent, errStatus: 404, errCode: jmessage.ErrChatroomNotFound,
		},
		{
			name: "Send custom across apps", method: "POST", path: "/v1/messages", request: "messages_send_custom.request.json",
			status: 201, response: `{"msg_id":"9007199254740993","msg_ctime":1493794522950}`,
			call: send(jmessage.Message{
				From: jmessage.Sender{Type: jmessage.SenderUser, Username: "user_caiyh", Name: "Cai"},
				To: jmessage.Target{Type: jmessage.TargetSingle, ID: "ppppp", Name: "P"}.
					InApp("8f7aef34fb361292c566a1cd"),
				Body: jmessage.Custom{"kind": "order", "order": map[string]any{"id": 42, "items": []string{"tea", "cake"}}},
			}),
			// 2^53+1: a numeric string decodes without losing precision.
			want: sendResult(9007199254740993, 1493794522950), errStatus: 403, errCode: jmessage.ErrNoCrossAppPermission,
		},
		{
			name: "Send image with extras", method: "POST", path: "/v1/messages", request: "messages_send_image_extras.request.json",
			status: 201, response: "messages_send.response.json",
			call: send(jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("javen"),
				Body: withExtras(uploadedImage)}),
			want: sent,
		},
		{
			name: "Send voice with extras", method: "POST", path: "/v1/messages", request: "messages_send_voice_extras.request.json",
			status: 201, response: "messages_send.response.json",
			call: send(jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("javen"),
				Body: func() jmessage.Voice { v := voice; v.Extras = map[string]any{"k": []any{1, "two"}}; return v }()}),
			want: sent,
		},
		{
			name: "Send file", method: "POST", path: "/v1/messages", request: "messages_send_file.request.json",
			status: 201, response: "messages_send.response.json",
			call: send(jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("javen"),
				Body: func() jmessage.File { f := sentFile; f.Extras = map[string]any{"k": "v"}; return f }()}),
			want: sent,
		},
		{
			name: "Send location", method: "POST", path: "/v1/messages", request: "messages_send_location.request.json",
			status: 201, response: "messages_send.response.json",
			call: send(jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("javen"),
				Body: jmessage.Location{Latitude: 22.3, Longitude: 111.2, Scale: 15, Label: "Shenzhen Bay",
					Extras: map[string]any{"k": "v"}}}),
			want: sent,
		},
		{
			name: "Send video", method: "POST", path: "/v1/messages", request: "messages_send_video.request.json",
			status: 201, response: "messages_send.response.json",
			call: send(jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("javen"),
				Body: jmessage.Video{Video: jmessage.File{MediaID: sentFile.MediaID, MediaCRC32: sentFile.MediaCRC32,
					FSize: sentFile.FSize, FName: "clip.mp4"}, Duration: 12, Thumb: &uploadedImage,
					Extras: map[string]any{"k": "v"}}}),
			want: sent,
		},
		{
			name: "Retract", method: "POST", path: "/v1/messages/admin_1/43143728109/retract", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Messages.Retract(ctx, "admin_1", 43143728109))
			},
			errStatus: 403, errCode: jmessage.ErrRetractTooLate,
		},
		{
			name: "Retract escapes the sender", method: "POST", path: "/v1/messages/a.b-c@d_e/1/retract", status: 204,
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return ignoreResult(c.Messages.Retract(ctx, "a.b-c@d_e", 1))
			},
			errStatus: 404, errCode: jmessage.ErrMessageNotFound,
		},
	})
}

// TestRetractErrors: each retract failure matches its own sentinel only.
func TestRetractErrors(t *testing.T) {
	t.Parallel()
	sentinels := []jmessage.ErrorCode{jmessage.ErrRetractTooLate, jmessage.ErrRetractNotSender,
		jmessage.ErrMessageNotFound, jmessage.ErrAlreadyRetracted}
	for code := 855001; code <= 855004; code++ {
		t.Run(sprintf("%d", code), func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, http.StatusForbidden, sprintf(`{"error":{"code":%d,"message":"no"}}`, code))
			resp, err := c.Messages.Retract(t.Context(), "admin_1", 43143728109)
			require.Error(t, err)
			require.NotNil(t, resp)
			for _, s := range sentinels {
				assert.Equal(t, int(s) == code, errorsIs(err, s), "errors.Is(%d, %d)", code, int(s))
			}
		})
	}
}

func TestMessagesValidation(t *testing.T) {
	t.Parallel()
	valid := jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("javen"),
		Body: jmessage.Text{Text: "hi"}}
	with := func(change func(m *jmessage.Message)) func(ctx context.Context, c *jmessage.Client) error {
		m := valid
		change(&m)
		return func(ctx context.Context, c *jmessage.Client) error { return onlyErr(c.Messages.Send(ctx, m)) }
	}
	long := strings.Repeat("x", 251)
	noMedia := uploadedImage
	noMedia.MediaID = ""
	noWidth := uploadedImage
	noWidth.Width = 0
	noHeight := uploadedImage
	noHeight.Height = 0
	noFormat := uploadedImage
	noFormat.Format = ""
	noSize := uploadedImage
	noSize.FSize = 0
	voice := uploadedVoice
	voice.Duration = 6
	voiceNoMedia, voiceNoSize, voiceNoCRC := voice, voice, voice
	voiceNoMedia.MediaID, voiceNoSize.FSize, voiceNoCRC.MediaCRC32 = "", 0, 0
	noCRC, bigCRC := uploadedImage, uploadedImage
	noCRC.MediaCRC32, bigCRC.MediaCRC32 = 0, 1<<32
	var nilImage *jmessage.Image

	runValidationTests(t, []validationTest{
		{"from_type", "from_type", with(func(m *jmessage.Message) { m.From.Type = "robot" })},
		{"from_type empty", "from_type", with(func(m *jmessage.Message) { m.From = jmessage.Sender{Username: "admin_1"} })},
		{"from_id", "from_id", with(func(m *jmessage.Message) { m.From = jmessage.FromUser("a b") })},
		{"from_id empty", "from_id", with(func(m *jmessage.Message) { m.From = jmessage.FromUser("") })},
		{"from_name", "from_name", with(func(m *jmessage.Message) { m.From.Name = long })},
		{"target_type", "target_type", with(func(m *jmessage.Message) { m.To.Type = "broadcast" })},
		{"target_type empty", "target_type", with(func(m *jmessage.Message) { m.To = jmessage.Target{ID: "javen"} })},
		{"target_id user", "target_id", with(func(m *jmessage.Message) { m.To = jmessage.ToUser("ja") })},
		{"target_id group not numeric", "target_id", with(func(m *jmessage.Message) {
			m.To = jmessage.Target{Type: jmessage.TargetGroup, ID: "javen"}
		})},
		{"target_id group zero", "target_id", with(func(m *jmessage.Message) { m.To = jmessage.ToGroup(0) })},
		{"target_id group with a sign", "target_id", with(func(m *jmessage.Message) {
			m.To = jmessage.Target{Type: jmessage.TargetGroup, ID: "+10049"}
		})},
		{"target_id chatroom with a leading zero", "target_id", with(func(m *jmessage.Message) {
			m.To = jmessage.Target{Type: jmessage.TargetChatroom, ID: "012500"}
		})},
		{"target_id chatroom negative", "target_id", with(func(m *jmessage.Message) { m.To = jmessage.ToChatroom(-5) })},
		{"target_appkey", "target_appkey", with(func(m *jmessage.Message) { m.To = m.To.InApp("short") })},
		{"target_name", "target_name", with(func(m *jmessage.Message) { m.To.Name = long })},
		{"msg_body missing", "msg_body", with(func(m *jmessage.Message) { m.Body = nil })},
		{"msg_body nil pointer", "msg_body", with(func(m *jmessage.Message) { m.Body = nilImage })},
		{"text empty", "msg_body.text", with(func(m *jmessage.Message) { m.Body = jmessage.Text{} })},
		{"text extras not encodable", "msg_body", with(func(m *jmessage.Message) {
			m.Body = jmessage.Text{Text: "hi", Extras: map[string]any{"k": make(chan int)}}
		})},
		{"extras over 4096 bytes", "msg_body", with(func(m *jmessage.Message) {
			m.Body = jmessage.Voice{MediaID: "m", MediaCRC32: 1, Duration: 1, FSize: 1,
				Extras: map[string]any{"k": strings.Repeat("e", 4096)}}
		})},
		{"text over 4096 bytes", "msg_body", with(func(m *jmessage.Message) {
			m.Body = jmessage.Text{Text: strings.Repeat("a", 4086)} // {"text":"…"} is 4097 bytes
		})},
		{"text over 4096 bytes once escaped", "msg_body", with(func(m *jmessage.Message) {
			m.Body = jmessage.Text{Text: strings.Repeat("<", 700)} // each "<" is sent as \u003c
		})},
		{"image media_id", "msg_body.media_id", with(func(m *jmessage.Message) { m.Body = noMedia })},
		{"image width", "msg_body.width", with(func(m *jmessage.Message) { m.Body = noWidth })},
		{"image height", "msg_body.height", with(func(m *jmessage.Message) { m.Body = noHeight })},
		{"image format", "msg_body.format", with(func(m *jmessage.Message) { m.Body = noFormat })},
		{"image fsize", "msg_body.fsize", with(func(m *jmessage.Message) { m.Body = &noSize })},
		{"image media_crc32 zero", "msg_body.media_crc32", with(func(m *jmessage.Message) { m.Body = noCRC })},
		{"image media_crc32 over 32 bits", "msg_body.media_crc32", with(func(m *jmessage.Message) { m.Body = bigCRC })},
		{"voice media_crc32 zero", "msg_body.media_crc32", with(func(m *jmessage.Message) { m.Body = voiceNoCRC })},
		{"file media_id", "msg_body.media_id", with(func(m *jmessage.Message) { m.Body = jmessage.File{} })},
		{"file media_crc32", "msg_body.media_crc32", with(func(m *jmessage.Message) {
			m.Body = jmessage.File{MediaID: "f", FSize: 1, FName: "a.txt"}
		})},
		{"file fname", "msg_body.fname", with(func(m *jmessage.Message) {
			m.Body = jmessage.File{MediaID: "f", MediaCRC32: 1, FSize: 1}
		})},
		{"location label", "msg_body.label", with(func(m *jmessage.Message) {
			m.Body = jmessage.Location{Latitude: 22.3, Longitude: 111.2, Scale: 1}
		})},
		{"video file", "msg_body.video.media_crc32", with(func(m *jmessage.Message) {
			m.Body = jmessage.Video{Video: jmessage.File{MediaID: "v", FSize: 1, FName: "v.mp4"}, Duration: 3}
		})},
		{"video duration", "msg_body.duration", with(func(m *jmessage.Message) {
			m.Body = jmessage.Video{Video: sentFile}
		})},
		{"video thumb format", "msg_body.thumb.format", with(func(m *jmessage.Message) {
			m.Body = jmessage.Video{Video: sentFile, Duration: 3, Thumb: &noFormat}
		})},
		{"voice media_id", "msg_body.media_id", with(func(m *jmessage.Message) { m.Body = voiceNoMedia })},
		{"voice duration", "msg_body.duration", with(func(m *jmessage.Message) { m.Body = uploadedVoice })},
		{"voice fsize", "msg_body.fsize", with(func(m *jmessage.Message) { m.Body = voiceNoSize })},
		{"custom nil", "msg_body", with(func(m *jmessage.Message) { m.Body = jmessage.Custom(nil) })},
		{"custom over 4096 bytes", "msg_body", with(func(m *jmessage.Message) {
			m.Body = jmessage.Custom{"blob": strings.Repeat("b", 4096)}
		})},
		{"custom not encodable", "msg_body", with(func(m *jmessage.Message) {
			m.Body = jmessage.Custom{"ch": make(chan int)}
		})},
		{"notification title", "notification.title", with(func(m *jmessage.Message) {
			m.Notification = &jmessage.Notification{Title: long}
		})},
		{"notification alert", "notification.alert", with(func(m *jmessage.Message) {
			m.Notification = &jmessage.Notification{Alert: long}
		})},
		{"Retract sender", "sender", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Messages.Retract(ctx, "a/b", 1))
		}},
		{"Retract msgID", "msgid", func(ctx context.Context, c *jmessage.Client) error {
			return respErr(c.Messages.Retract(ctx, "admin_1", 0))
		}},
	})
}

// TestSendBodyLimit: a body of exactly 4096 bytes encoded is sent.
func TestSendBodyLimit(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	seen := capture(mock, http.StatusCreated, golden(t, "messages_send.response.json"))
	text := strings.Repeat("a", jmessage.MaxMessageBodyBytes-len(`{"text":""}`))
	_, _, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin_1"),
		To: jmessage.ToUser("javen"), Body: jmessage.Text{Text: text}})
	require.NoError(t, err)
	reqs := seen()
	require.Len(t, reqs, 1)
	var wire struct {
		MsgBody json.RawMessage `json:"msg_body"`
	}
	require.NoError(t, json.Unmarshal(reqs[0].body, &wire))
	assert.Len(t, wire.MsgBody, jmessage.MaxMessageBodyBytes)
}

// TestSendDoesNotMutate: Send leaves the caller's message as it was.
func TestSendDoesNotMutate(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	capture(mock, http.StatusCreated, golden(t, "messages_send.response.json"))
	extras := map[string]any{"k": "v"}
	msg := jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToGroup(7),
		Body: jmessage.Text{Text: "hi", Extras: extras}}
	_, _, err := c.Messages.Send(t.Context(), msg)
	require.NoError(t, err)
	assert.Equal(t, jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToGroup(7),
		Body: jmessage.Text{Text: "hi", Extras: map[string]any{"k": "v"}}}, msg)
}

// TestSendMalformedResult: a 2xx answer whose msg_id is not a number is an
// error, not a zero id.
func TestSendMalformedResult(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	capture(mock, http.StatusCreated, `{"msg_id":"abc","msg_ctime":1}`)
	_, resp, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin_1"),
		To: jmessage.ToUser("javen"), Body: jmessage.Text{Text: "hi"}})
	require.ErrorIs(t, err, jmessage.ErrMalformedResponse)
	require.NotNil(t, resp)
}

// TestSendUploadedMedia: what Upload returns is sent as msg_body exactly
// as the server answered it, with no field copied by hand.
func TestSendUploadedMedia(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		mediaType jmessage.MediaType
		response  string
		body      func(m *jmessage.Media) jmessage.MessageBody
		extra     string // fields the caller adds
	}{
		{jmessage.MediaImage, "resource_upload.response.json",
			func(m *jmessage.Media) jmessage.MessageBody { return m.Image }, ""},
		{jmessage.MediaVoice, "resource_upload_voice.response.json",
			func(m *jmessage.Media) jmessage.MessageBody { m.Voice.Duration = 6; return m.Voice }, `"duration":6`},
	} {
		t.Run(string(tt.mediaType), func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			mock.RegisterResponder("POST", "/v1/resource", func(req *http.Request) (*http.Response, error) {
				return newJSONResponse(200, golden(t, tt.response)), nil
			})
			seenSend := capture(mock, http.StatusCreated, golden(t, "messages_send.response.json"))
			media, _, err := c.Resources.Upload(t.Context(), tt.mediaType, "x.bin", strings.NewReader("data"))
			require.NoError(t, err)
			res, _, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin_1"),
				To: jmessage.ToUser("javen"), Body: tt.body(media)})
			require.NoError(t, err)
			assert.Equal(t, int64(43143728109), res.MsgID)

			seen := seenSend()
			require.Len(t, seen, 1)
			var wire struct {
				MsgType string          `json:"msg_type"`
				MsgBody json.RawMessage `json:"msg_body"`
			}
			require.NoError(t, json.Unmarshal(seen[0].body, &wire))
			assert.Equal(t, string(tt.mediaType), wire.MsgType)
			want := strings.TrimSpace(golden(t, tt.response))
			if tt.extra != "" {
				want = strings.TrimSuffix(want, "}") + "," + tt.extra + "}"
			}
			assert.JSONEq(t, want, string(wire.MsgBody))
		})
	}
}

func TestTargets(t *testing.T) {
	t.Parallel()
	assert.Equal(t, jmessage.Target{Type: jmessage.TargetSingle, ID: "javen"}, jmessage.ToUser("javen"))
	assert.Equal(t, jmessage.Target{Type: jmessage.TargetGroup, ID: "9223372036854775807"}, jmessage.ToGroup(1<<63-1))
	assert.Equal(t, jmessage.Target{Type: jmessage.TargetChatroom, ID: "12500"}, jmessage.ToChatroom(12500))
	orig := jmessage.ToUser("javen")
	cross := orig.InApp(testAppKey)
	assert.Equal(t, testAppKey, cross.AppKey)
	assert.Empty(t, orig.AppKey, "InApp returns a copy")
	assert.Equal(t, jmessage.Sender{Type: jmessage.SenderAdmin, Username: "a"}, jmessage.FromAdmin("a"))
	assert.Equal(t, jmessage.Sender{Type: jmessage.SenderUser, Username: "u"}, jmessage.FromUser("u"))
}

// FuzzSendResult: msg_id decodes from numbers and numeric strings exactly.
func FuzzSendResult(f *testing.F) {
	f.Add(int64(43143728109), int64(1493794522950), true)
	f.Add(int64(1<<63-1), int64(0), false)
	f.Fuzz(func(t *testing.T, id, ms int64, quoted bool) {
		idText := strconv.FormatInt(id, 10)
		if quoted {
			idText = `"` + idText + `"`
		}
		var r jmessage.SendResult
		require.NoError(t, json.Unmarshal([]byte(`{"msg_id":`+idText+`,"msg_ctime":`+strconv.FormatInt(ms, 10)+`}`), &r))
		assert.Equal(t, id, r.MsgID)
		if ms != 0 {
			assert.Equal(t, ms, r.CTime.UnixMilli())
		}
	})
}

// TestAnswersWithoutTheirIDAreMalformed: a 2xx answer that lacks the id or
// URL the call exists for is ErrMalformedResponse, not a zero value that
// would pass for a result.
func TestAnswersWithoutTheirIDAreMalformed(t *testing.T) {
	t.Parallel()
	calls := map[string]func(t *testing.T, c *jmessage.Client) (*jmessage.Response, error){
		"Send": func(t *testing.T, c *jmessage.Client) (*jmessage.Response, error) {
			res, resp, err := c.Messages.Send(t.Context(), jmessage.Message{From: jmessage.FromAdmin("admin_1"),
				To: jmessage.ToUser("javen"), Body: jmessage.Text{Text: "hi"}})
			assert.Nil(t, res)
			return resp, err
		},
		"Groups.Create": func(t *testing.T, c *jmessage.Client) (*jmessage.Response, error) {
			g, resp, err := c.Groups.Create(t.Context(), jmessage.NewGroup{OwnerUsername: "tom01", Name: "g"})
			assert.Nil(t, g)
			return resp, err
		},
		"Upload": func(t *testing.T, c *jmessage.Client) (*jmessage.Response, error) {
			m, resp, err := c.Resources.Upload(t.Context(), jmessage.MediaImage, "a.png", strings.NewReader("png"))
			assert.Nil(t, m)
			return resp, err
		},
		"Chatrooms.Create": func(t *testing.T, c *jmessage.Client) (*jmessage.Response, error) {
			id, resp, err := c.Chatrooms.Create(t.Context(), jmessage.NewChatroom{OwnerUsername: "liming", Name: "room"})
			assert.Zero(t, id)
			return resp, err
		},
		"DownloadURL": func(t *testing.T, c *jmessage.Client) (*jmessage.Response, error) {
			u, resp, err := c.Resources.DownloadURL(t.Context(), "qiniu/image/x")
			assert.Empty(t, u)
			return resp, err
		},
	}
	for name, call := range calls {
		for _, body := range []string{`{}`, `{"msg_id":0,"gid":0,"chatroom_id":0,"media_id":"","url":""}`} {
			t.Run(name+" "+body, func(t *testing.T) {
				t.Parallel()
				c, mock := newTestClient(t)
				capture(mock, http.StatusCreated, body)
				resp, err := call(t, c)
				require.ErrorIs(t, err, jmessage.ErrMalformedResponse)
				var apiErr *jmessage.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusCreated, apiErr.HTTPStatus)
				require.NotNil(t, resp)
				assert.Equal(t, 1, mock.GetTotalCallCount())
			})
		}
	}
}

// withExtras returns img carrying extras of every JSON kind.
func withExtras(img jmessage.Image) jmessage.Image {
	img.Extras = map[string]any{"s": "v", "n": 1.5, "b": true, "o": map[string]any{"x": 1}, "a": []any{}}
	return img
}
