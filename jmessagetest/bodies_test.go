package jmessagetest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// TestEveryBodyKind: the fake accepts every body of the message protocol,
// extras included, as the SDK sends it, and refuses one that lacks a
// required field.
func TestEveryBodyKind(t *testing.T) {
	t.Parallel()
	srv := jmessagetest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	_, err := c.Users.RegisterAdmin(ctx, jmessage.NewAdmin{Username: "admin_1", Password: "secret1"})
	require.NoError(t, err)
	_, err = c.Users.Register(ctx, jmessage.NewUser{Username: "alice", Password: "secret1"})
	require.NoError(t, err)
	extras := map[string]any{"nested": map[string]any{"n": 1, "list": []any{true, "x"}}}
	file := jmessage.File{MediaID: "qiniu/file/j/A", MediaCRC32: 7, FSize: 10, FName: "a.pdf", Hash: "h"}
	thumb := jmessage.Image{MediaID: "qiniu/image/j/T", MediaCRC32: 8, Width: 4, Height: 3, Format: "png", FSize: 9}
	bodies := []jmessage.MessageBody{
		jmessage.Text{Text: "hi", Extras: extras},
		jmessage.Image{MediaID: "qiniu/image/j/B", MediaCRC32: 9, Width: 4, Height: 3, Format: "jpg", FSize: 9,
			Hash: "h", ImgLink: "https://example.com/b.jpg", Extras: extras},
		jmessage.Voice{MediaID: "qiniu/voice/j/C", MediaCRC32: 10, Duration: 3, Format: "amr", FSize: 9, Extras: extras},
		jmessage.Custom{"any": extras},
		func() jmessage.File { f := file; f.Extras = extras; return f }(),
		jmessage.Location{Latitude: 22.3, Longitude: 114.1, Scale: 15, Label: "bay", Extras: extras},
		jmessage.Video{Video: file, Duration: 12, Thumb: &thumb, Extras: extras},
	}
	for _, body := range bodies {
		_, _, err := c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("alice"), Body: body})
		assert.NoError(t, err, "%s", body.MessageType())
	}
	msgs := srv.Messages()
	require.Len(t, msgs, len(bodies))
	for i, m := range msgs {
		assert.Equal(t, string(bodies[i].MessageType()), m.MsgType)
		assert.Contains(t, string(m.Body), `"nested":{`, "%s keeps its extras", m.MsgType)
	}
}
