package jmessage_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// TestStringsWithoutALimitAreAtMost250Bytes: every string field the API
// gives no limit of its own is held to WIRE-NOTES' 250 bytes ("any other
// string"): 251 bytes are refused before sending, 250 are sent.
func TestStringsWithoutALimitAreAtMost250Bytes(t *testing.T) {
	t.Parallel()
	voice := uploadedVoice
	voice.Duration = 6
	file := jmessage.File{MediaID: "qiniu/file/j/1", MediaCRC32: 1, FName: "a.pdf", FSize: 10}
	tests := []struct {
		field string
		call  func(ctx context.Context, c *jmessage.Client, s string) error
	}{
		{"msg_body.media_id", sendWith(uploadedImage, func(m *jmessage.Image, s string) { m.MediaID = s })},
		{"msg_body.format", sendWith(uploadedImage, func(m *jmessage.Image, s string) { m.Format = s })},
		{"msg_body.hash", sendWith(uploadedImage, func(m *jmessage.Image, s string) { m.Hash = s })},
		{"msg_body.img_link", sendWith(uploadedImage, func(m *jmessage.Image, s string) { m.ImgLink = s })},
		{"msg_body.media_id", sendWith(voice, func(v *jmessage.Voice, s string) { v.MediaID = s })},
		{"msg_body.format", sendWith(voice, func(v *jmessage.Voice, s string) { v.Format = s })},
		{"msg_body.hash", sendWith(voice, func(v *jmessage.Voice, s string) { v.Hash = s })},
		{"msg_body.fname", sendWith(file, func(f *jmessage.File, s string) { f.FName = s })},
		{"msg_body.label", sendWith(jmessage.Location{}, func(l *jmessage.Location, s string) { l.Label = s })},
		{"media_id", func(ctx context.Context, c *jmessage.Client, s string) error {
			return onlyErr(c.Resources.DownloadURL(ctx, s))
		}},
		{"filename", func(ctx context.Context, c *jmessage.Client, s string) error {
			return onlyErr(c.Resources.Upload(ctx, jmessage.MediaFile, s, strings.NewReader("x")))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, http.StatusOK, `{"msg_id":1,"msg_ctime":1,"url":"u","media_id":"m"}`)
			err := tt.call(t.Context(), c, strings.Repeat("x", 251))
			var verr *jmessage.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.field, verr.Field)
			assert.Contains(t, verr.Reason, "250")
			assert.Zero(t, mock.GetTotalCallCount(), "251 bytes are never sent")

			require.NoError(t, tt.call(t.Context(), c, strings.Repeat("x", 250)), "250 bytes are sent")
			assert.Equal(t, 1, mock.GetTotalCallCount())
		})
	}
}

// sendWith returns a call that sends base as an admin to javen, with set
// giving one of its fields the value s.
func sendWith[B jmessage.MessageBody](base B, set func(*B, string)) func(context.Context, *jmessage.Client, string) error {
	return func(ctx context.Context, c *jmessage.Client, s string) error {
		body := base
		set(&body, s)
		return onlyErr(c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin_1"),
			To: jmessage.ToUser("javen"), Body: body}))
	}
}
