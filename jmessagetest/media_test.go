package jmessagetest_test

import (
	"bytes"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
	"github.com/jmessage-go/jmessage/jmessagetest"
)

// picture encodes a w×h image in format (png, jpeg or gif).
func picture(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), []color.Color{color.White, color.Black})
	img.Set(1, 1, color.Black)
	var b bytes.Buffer
	switch format {
	case "png":
		require.NoError(t, png.Encode(&b, img))
	case "jpeg":
		require.NoError(t, jpeg.Encode(&b, img, nil))
	case "gif":
		require.NoError(t, gif.Encode(&b, img, nil))
	}
	return b.Bytes()
}

func TestUploadImages(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t)
	for _, tc := range []struct {
		format, want string
		w, h         int
	}{{"png", "png", 720, 1280}, {"jpeg", "jpg", 64, 48}, {"gif", "gif", 3, 5}} {
		data := picture(t, tc.format, tc.w, tc.h)
		m, resp, err := c.Resources.Upload(t.Context(), jmessage.MediaImage, "pic."+tc.format, bytes.NewReader(data))
		require.NoError(t, err, tc.format)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assertGoldenShape(t, "resource_upload.response.json", resp)
		require.NotNil(t, m.Image)
		img := m.Image
		assert.Equal(t, tc.w, img.Width, tc.format)
		assert.Equal(t, tc.h, img.Height, tc.format)
		assert.Equal(t, tc.want, img.Format)
		assert.Equal(t, int64(len(data)), img.FSize)
		assert.Equal(t, int64(crc32.ChecksumIEEE(data)), img.MediaCRC32)
		assert.True(t, strings.HasPrefix(img.MediaID, "qiniu/image/"), img.MediaID)
		stored, ok := srv.Media(img.MediaID)
		require.True(t, ok)
		assert.Equal(t, data, stored)
	}

	_, _, err := c.Resources.Upload(t.Context(), jmessage.MediaImage, "not.png", strings.NewReader("plain text"))
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrInvalidParameter)
}

func TestUploadFileAndVoice(t *testing.T) {
	t.Parallel()
	_, c := newFake(t)
	m, resp, err := c.Resources.Upload(t.Context(), jmessage.MediaFile, "report.pdf", strings.NewReader("%PDF-1.4 ..."))
	require.NoError(t, err)
	assertGoldenShape(t, "resource_upload_file.response.json", resp)
	require.NotNil(t, m.File)
	assert.Equal(t, "report.pdf", m.File.FName)
	assert.Equal(t, int64(len("%PDF-1.4 ...")), m.File.FSize)
	assert.NotEmpty(t, m.File.Hash)
	assert.True(t, strings.HasPrefix(m.File.MediaID, "qiniu/file/"))

	v, resp, err := c.Resources.Upload(t.Context(), jmessage.MediaVoice, "hello.mp3", strings.NewReader("ID3 fake audio"))
	require.NoError(t, err)
	assertGoldenShape(t, "resource_upload_voice.response.json", resp)
	require.NotNil(t, v.Voice)
	assert.Equal(t, "mp3", v.Voice.Format)
	assert.Equal(t, int64(crc32.ChecksumIEEE([]byte("ID3 fake audio"))), v.Voice.MediaCRC32)
	assert.NotEqual(t, m.MediaID(), v.MediaID())
}

func TestUploadServerSideRules(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	auth := basic(srv)
	const form = "--XX\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX--\r\n"
	status, _, body := raw(t, srv, "POST", "/v1/resource?type=file", auth, "multipart/form-data; boundary=XX",
		strings.Replace(form, "%s", "filename", 1))
	assert.Equal(t, http.StatusOK, status, "%s", body)
	status, _, body = raw(t, srv, "POST", "/v1/resource?type=file", auth, "multipart/form-data; boundary=XX",
		strings.Replace(form, "%s", "upload", 1))
	assert.Equal(t, http.StatusBadRequest, status, "the part must be named filename (or after the type)")
	assert.Contains(t, string(body), "filename")
	status, _, _ = raw(t, srv, "POST", "/v1/resource?type=video", auth, "multipart/form-data; boundary=XX",
		strings.Replace(form, "%s", "filename", 1))
	assert.Equal(t, http.StatusBadRequest, status)
	status, _, _ = raw(t, srv, "POST", "/v1/resource?type=file", auth, "application/json", `{}`)
	assert.Equal(t, http.StatusBadRequest, status)
}

// TestUploadAsTheJavaClientSends: the vendor's Java client names the part
// after the type and writes its boundary of '=' signs unquoted; these are
// its exact bytes.
func TestUploadAsTheJavaClientSends(t *testing.T) {
	t.Parallel()
	srv, _ := newFake(t)
	png := picture(t, "png", 4, 4)
	body := "--========7d4a6d158c9\r\nContent-Disposition: form-data;name=\"image\";filename=\"/tmp/javacheck/test.png\"\r\n" +
		"Content-Type:application/octet-stream\r\n\r\n" + string(png) + "\r\n\r\n--========7d4a6d158c9--\r\n"
	status, _, answer := raw(t, srv, "POST", "/v1/resource?type=image", basic(srv),
		"multipart/form-data; boundary=========7d4a6d158c9", body)
	require.Equal(t, http.StatusOK, status, "%s", answer)
	var got struct {
		MediaID       string `json:"media_id"`
		Width, Height int
		Format        string
	}
	require.NoError(t, json.Unmarshal(answer, &got))
	assert.Equal(t, 4, got.Width)
	assert.Equal(t, 4, got.Height)
	assert.Equal(t, "png", got.Format)
	data, ok := srv.Media(got.MediaID)
	require.True(t, ok)
	assert.Equal(t, string(png)+"\r\n", string(data), "the part ends before the CRLF that precedes the delimiter")
}

// get fetches url without credentials.
func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	require.NoError(t, err)
	status, _, b := do(t, req)
	return status, b
}

func TestDownloadURL(t *testing.T) {
	t.Parallel()
	srv, c := newFake(t, jmessagetest.WithApp(otherKey, "other-secret"))
	data := picture(t, "png", 10, 10)
	m, _, err := c.Resources.Upload(t.Context(), jmessage.MediaImage, "a.png", bytes.NewReader(data))
	require.NoError(t, err)

	url, resp, err := c.Resources.DownloadURL(t.Context(), m.MediaID())
	require.NoError(t, err)
	assertGoldenShape(t, "resource_download.response.json", resp)
	assert.True(t, strings.HasPrefix(url, srv.URL()+"/media/qiniu/image/"), url)
	status, got := get(t, url)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, data, got)

	status, _ = get(t, strings.Replace(url, "token=", "token=0", 1))
	assert.Equal(t, http.StatusForbidden, status, "a tampered link")
	srv.Advance(jmessagetest.DownloadURLTTL + time.Second)
	status, _ = get(t, url)
	assert.Equal(t, http.StatusForbidden, status, "an expired link")

	_, _, err = c.Resources.DownloadURL(t.Context(), "qiniu/image/NOPE")
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrInvalidParameter)
	oc := srv.AppByKey(otherKey).Client(jmessage.WithoutRetries())
	_, _, err = oc.Resources.DownloadURL(t.Context(), m.MediaID())
	requireCode(t, err, http.StatusBadRequest, jmessage.ErrInvalidParameter)
	_, ok := srv.AppByKey(otherKey).Media(m.MediaID())
	assert.False(t, ok, "media belong to the app that uploaded them")
}

func TestSendUploadedMedia(t *testing.T) {
	t.Parallel()
	srv, c := newMessagingFake(t)
	ctx := t.Context()
	pic, _, err := c.Resources.Upload(ctx, jmessage.MediaImage, "a.gif", bytes.NewReader(picture(t, "gif", 4, 4)))
	require.NoError(t, err)
	voice, _, err := c.Resources.Upload(ctx, jmessage.MediaVoice, "v.amr", strings.NewReader("#!AMR fake"))
	require.NoError(t, err)
	body := *voice.Voice
	body.Duration = 6

	_, _, err = c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("alice"), Body: pic.Image})
	require.NoError(t, err)
	_, _, err = c.Messages.Send(ctx, jmessage.Message{From: jmessage.FromAdmin("admin_1"), To: jmessage.ToUser("alice"), Body: body})
	require.NoError(t, err)
	msgs := srv.Messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, "image", msgs[0].MsgType)
	assert.Contains(t, string(msgs[0].Body), pic.MediaID())
	assert.Equal(t, "voice", msgs[1].MsgType)
	assert.Contains(t, string(msgs[1].Body), `"duration":6`)
}
