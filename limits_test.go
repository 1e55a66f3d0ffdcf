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
	send := func(body jmessage.MessageBody) func(ctx context.Context, c *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin_1"),
				To: jmessage.ToUser("javen"), Body: body}))
		}
	}
	tests := []struct {
		field string
		call  func(n int) func(ctx context.Context, c *jmessage.Client) error
	}{
		{"msg_body.media_id", func(n int) func(context.Context, *jmessage.Client) error {
			m := uploadedImage
			m.MediaID = strings.Repeat("m", n)
			return send(m)
		}},
		{"msg_body.format", func(n int) func(context.Context, *jmessage.Client) error {
			m := uploadedImage
			m.Format = strings.Repeat("f", n)
			return send(m)
		}},
		{"msg_body.hash", func(n int) func(context.Context, *jmessage.Client) error {
			m := uploadedImage
			m.Hash = strings.Repeat("h", n)
			return send(m)
		}},
		{"msg_body.img_link", func(n int) func(context.Context, *jmessage.Client) error {
			m := uploadedImage
			m.ImgLink = strings.Repeat("l", n)
			return send(m)
		}},
		{"msg_body.media_id", func(n int) func(context.Context, *jmessage.Client) error {
			v := voice
			v.MediaID = strings.Repeat("m", n)
			return send(v)
		}},
		{"msg_body.format", func(n int) func(context.Context, *jmessage.Client) error {
			v := voice
			v.Format = strings.Repeat("f", n)
			return send(v)
		}},
		{"msg_body.hash", func(n int) func(context.Context, *jmessage.Client) error {
			v := voice
			v.Hash = strings.Repeat("h", n)
			return send(v)
		}},
		{"msg_body.fname", func(n int) func(context.Context, *jmessage.Client) error {
			f := file
			f.FName = strings.Repeat("n", n)
			return send(f)
		}},
		{"msg_body.label", func(n int) func(context.Context, *jmessage.Client) error {
			return send(jmessage.Location{Label: strings.Repeat("l", n)})
		}},
		{"media_id", func(n int) func(context.Context, *jmessage.Client) error {
			return func(ctx context.Context, c *jmessage.Client) error {
				return onlyErr(c.Resources.DownloadURL(ctx, strings.Repeat("m", n)))
			}
		}},
		{"filename", func(n int) func(context.Context, *jmessage.Client) error {
			return func(ctx context.Context, c *jmessage.Client) error {
				return onlyErr(c.Resources.Upload(ctx, jmessage.MediaFile, strings.Repeat("n", n), strings.NewReader("x")))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			capture(mock, http.StatusOK, `{"msg_id":1,"msg_ctime":1,"url":"u","media_id":"m"}`)
			err := tt.call(251)(t.Context(), c)
			var verr *jmessage.ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.field, verr.Field)
			assert.Contains(t, verr.Reason, "250")
			assert.Zero(t, mock.GetTotalCallCount(), "251 bytes are never sent")

			require.NoError(t, tt.call(250)(t.Context(), c), "250 bytes are sent")
			assert.Equal(t, 1, mock.GetTotalCallCount())
		})
	}
}
