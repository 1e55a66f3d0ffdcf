package jmessage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

func TestResourcesEndpoints(t *testing.T) {
	t.Parallel()
	runEndpointTests(t, []endpointTest{
		{
			name: "DownloadURL", method: "GET", path: "/v1/resource",
			query:  url.Values{"mediaId": {"qiniu/image/F39AA12204DAB6A2"}},
			status: 200, response: "resource_download.response.json",
			call: func(ctx context.Context, c *jmessage.Client) (any, *jmessage.Response, error) {
				return c.Resources.DownloadURL(ctx, "qiniu/image/F39AA12204DAB6A2")
			},
			want:      "https://example.com/qiniu/image/F39AA12204DAB6A2?e=1500000000&token=abc",
			errStatus: 404, errCode: jmessage.ErrInvalidParameter,
		},
	})
}

// TestDownloadURLEncodesMediaID: the id's slashes (and anything else) are
// escaped as a query value, not taken as path or query syntax.
func TestDownloadURLEncodesMediaID(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	seen := capture(mock, http.StatusOK, golden(t, "resource_download.response.json"))
	_, _, err := c.Resources.DownloadURL(t.Context(), "qiniu/image/a&b=c d")
	require.NoError(t, err)
	reqs := seen()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/v1/resource", reqs[0].path)
	// A space goes out as %20 (the pipeline writes every query so).
	assert.Equal(t, "mediaId=qiniu%2Fimage%2Fa%26b%3Dc%20d", reqs[0].rawQuery)
}

// filePart is the one part of an upload's multipart form.
type filePart struct {
	field, filename string
	content         []byte
}

// uploadedPart reads the single part of a captured multipart request.
func uploadedPart(t *testing.T, r captured) filePart {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(r.header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", mediaType)
	mr := multipart.NewReader(bytes.NewReader(r.body), params["boundary"])
	p, err := mr.NextPart()
	require.NoError(t, err)
	content, err := io.ReadAll(p)
	require.NoError(t, err)
	_, err = mr.NextPart()
	require.ErrorIs(t, err, io.EOF, "exactly one part")
	return filePart{field: p.FormName(), filename: p.FileName(), content: content}
}

func TestUpload(t *testing.T) {
	t.Parallel()
	file := jmessage.File{MediaID: "qiniu/file/j/1BB3B833AEABFF62E883C5CE421867A9", MediaCRC32: 1415584260,
		FName: "0839d1c0-48e9-4032-9333-f3691a7d9e48.dmp", FSize: 176512, Hash: "FtH0kPT0YI89HAw1K9wv_vVKiNab"}
	voice := uploadedVoice
	image := uploadedImage
	content := "\x89PNG\r\n\x1a\n not really a picture"
	for _, tt := range []struct {
		mediaType jmessage.MediaType
		response  string
		want      *jmessage.Media
		mediaID   string
	}{
		{jmessage.MediaImage, "resource_upload.response.json",
			&jmessage.Media{Type: jmessage.MediaImage, Image: &image}, image.MediaID},
		{jmessage.MediaFile, "resource_upload_file.response.json",
			&jmessage.Media{Type: jmessage.MediaFile, File: &file}, file.MediaID},
		{jmessage.MediaVoice, "resource_upload_voice.response.json",
			&jmessage.Media{Type: jmessage.MediaVoice, Voice: &voice}, voice.MediaID},
	} {
		t.Run(string(tt.mediaType), func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t)
			seen := capture(mock, http.StatusOK, golden(t, tt.response))
			got, resp, err := c.Resources.Upload(t.Context(), tt.mediaType, `my "cat".png`, strings.NewReader(content))
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.mediaID, got.MediaID())

			reqs := seen()
			require.Len(t, reqs, 1)
			r := reqs[0]
			assert.Equal(t, "POST", r.method)
			assert.Equal(t, "/v1/resource", r.path)
			assert.Equal(t, "type="+string(tt.mediaType), r.rawQuery)
			assert.Equal(t, testAuth, r.header.Get("Authorization"))
			part := uploadedPart(t, r)
			assert.Equal(t, filePart{field: "filename", filename: `my "cat".png`, content: []byte(content)}, part)
		})
	}
}

func TestUploadFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "photo.jpg")
	require.NoError(t, os.WriteFile(path, []byte("jpeg bytes"), 0o600))
	c, mock := newTestClient(t)
	seen := capture(mock, http.StatusOK, golden(t, "resource_upload.response.json"))
	got, _, err := c.Resources.UploadFile(t.Context(), jmessage.MediaImage, path)
	require.NoError(t, err)
	assert.Equal(t, &uploadedImage, got.Image)
	reqs := seen()
	require.Len(t, reqs, 1)
	assert.Equal(t, filePart{field: "filename", filename: "photo.jpg", content: []byte("jpeg bytes")}, uploadedPart(t, reqs[0]))

	_, _, err = c.Resources.UploadFile(t.Context(), jmessage.MediaImage, filepath.Join(t.TempDir(), "missing.jpg"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Len(t, seen(), 1, "a missing file sends nothing")
}

func TestUploadAPIError(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	capture(mock, http.StatusBadRequest, `{"error":{"code":899003,"message":"bad file"}}`)
	got, resp, err := c.Resources.Upload(t.Context(), jmessage.MediaImage, "a.jpg", strings.NewReader("x"))
	assert.Nil(t, got)
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	var apiErr *jmessage.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, jmessage.ErrInvalidParameter)
	assert.Equal(t, "bad file", apiErr.Message)
}

// streamOf is a reader of n bytes whose size is unknown until read (no
// Len, no Stat).
func streamOf(n int64) io.Reader {
	return struct{ io.Reader }{io.LimitReader(repeatReader('z'), n)}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestUploadValidation(t *testing.T) {
	t.Parallel()
	upload := func(mediaType jmessage.MediaType, name string, r io.Reader) func(ctx context.Context, c *jmessage.Client) error {
		return func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Resources.Upload(ctx, mediaType, name, r))
		}
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.jpg")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(jmessage.MaxUploadBytes+1))
	require.NoError(t, f.Close())
	empty := filepath.Join(dir, "empty.jpg")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	// A file whose offset is past its end has nothing left to send.
	pastEnd, err := os.Open(big)
	require.NoError(t, err)
	t.Cleanup(func() { _ = pastEnd.Close() })
	_, err = pastEnd.Seek(jmessage.MaxUploadBytes+10, io.SeekStart)
	require.NoError(t, err)

	runValidationTests(t, []validationTest{
		{"type", "type", upload("video", "a.mp4", strings.NewReader("x"))},
		{"type empty", "type", upload("", "a.jpg", strings.NewReader("x"))},
		{"filename empty", "filename", upload(jmessage.MediaImage, "", strings.NewReader("x"))},
		{"filename a path", "filename", upload(jmessage.MediaImage, "dir/a.jpg", strings.NewReader("x"))},
		{"filename a windows path", "filename", upload(jmessage.MediaImage, `dir\a.jpg`, strings.NewReader("x"))},
		{"filename line break", "filename", upload(jmessage.MediaImage, "a\r\nX-Evil: 1.jpg", strings.NewReader("x"))},
		{"content nil", "content", upload(jmessage.MediaImage, "a.jpg", nil)},
		{"content empty", "content", upload(jmessage.MediaImage, "a.jpg", bytes.NewReader(nil))},
		{"content of a file read past its end", "content", upload(jmessage.MediaImage, "a.jpg", pastEnd)},
		{"content empty, size unknown", "content", upload(jmessage.MediaFile, "a.bin", streamOf(0))},
		{"content over 8 MiB, size known", "content",
			upload(jmessage.MediaImage, "a.jpg", bytes.NewReader(make([]byte, jmessage.MaxUploadBytes+1)))},
		{"content over 8 MiB, size unknown", "content",
			upload(jmessage.MediaFile, "a.bin", streamOf(jmessage.MaxUploadBytes+1))},
		{"UploadFile over 8 MiB", "content", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Resources.UploadFile(ctx, jmessage.MediaImage, big))
		}},
		{"UploadFile empty", "content", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Resources.UploadFile(ctx, jmessage.MediaImage, empty))
		}},
		{"UploadFile type", "type", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Resources.UploadFile(ctx, "video", empty))
		}},
		{"DownloadURL mediaId", "media_id", func(ctx context.Context, c *jmessage.Client) error {
			return onlyErr(c.Resources.DownloadURL(ctx, ""))
		}},
	})
}

// TestUploadSizeKnownIsNotRead: content known to be too large is refused
// before a byte of it is read.
func TestUploadSizeKnownIsNotRead(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	r := bytes.NewReader(make([]byte, jmessage.MaxUploadBytes+1))
	_, resp, err := c.Resources.Upload(t.Context(), jmessage.MediaImage, "a.jpg", r)
	require.ErrorIs(t, err, jmessage.ErrInvalidArgument)
	assert.Nil(t, resp)
	assert.Equal(t, jmessage.MaxUploadBytes+1, r.Len(), "nothing read")
	assert.Zero(t, mock.GetTotalCallCount())

	// A file's size counts from its current offset.
	path := filepath.Join(t.TempDir(), "a.jpg")
	require.NoError(t, os.WriteFile(path, make([]byte, jmessage.MaxUploadBytes+10), 0o600))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Seek(10, io.SeekStart)
	require.NoError(t, err)
	seen := capture(mock, http.StatusOK, golden(t, "resource_upload.response.json"))
	_, _, err = c.Resources.Upload(t.Context(), jmessage.MediaImage, "a.jpg", f)
	require.NoError(t, err)
	require.Len(t, seen(), 1)
	assert.Len(t, uploadedPart(t, seen()[0]).content, jmessage.MaxUploadBytes)
}

// TestUploadExactlyMax: 8 MiB of unknown size is sent whole.
func TestUploadExactlyMax(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	seen := capture(mock, http.StatusOK, golden(t, "resource_upload_file.response.json"))
	_, _, err := c.Resources.Upload(t.Context(), jmessage.MediaFile, "a.bin", streamOf(jmessage.MaxUploadBytes))
	require.NoError(t, err)
	reqs := seen()
	require.Len(t, reqs, 1)
	part := uploadedPart(t, reqs[0])
	assert.Len(t, part.content, jmessage.MaxUploadBytes)
}

// TestUploadReadError: a failing reader sends nothing and its error is visible.
func TestUploadReadError(t *testing.T) {
	t.Parallel()
	c, mock := newTestClient(t)
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("partial"), failingReader{boom})
	_, _, err := c.Resources.Upload(t.Context(), jmessage.MediaFile, "a.bin", r)
	require.ErrorIs(t, err, boom)
	assert.Zero(t, mock.GetTotalCallCount(), "a partial file is never sent")
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// TestUploadRetries: the multipart form is built in memory, so an upload
// follows the POST rules: retried on 429 and when the connection never
// opened, each attempt sending the same bytes; not retried on 503 (it may
// have been stored), unless the caller opts in.
func TestUploadRetries(t *testing.T) {
	t.Parallel()
	tooMany := func(*http.Request) (*http.Response, error) {
		return newJSONResponse(http.StatusTooManyRequests, `{"error":{"code":2002,"message":"slow down"}}`), nil
	}
	busy := func(*http.Request) (*http.Response, error) {
		return newJSONResponse(http.StatusServiceUnavailable, `{"error":{"code":899030,"message":"busy"}}`), nil
	}
	dial := func(*http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	tests := []struct {
		name   string
		fault  func(*http.Request) (*http.Response, error)
		unsafe bool // under RetryUnsafe
		want   int  // requests sent
	}{
		{name: "429", fault: tooMany, want: fastRetries.MaxAttempts},
		{name: "dial", fault: dial, want: fastRetries.MaxAttempts},
		{name: "503", fault: busy, want: 1},
		{name: "503 RetryUnsafe", fault: busy, unsafe: true, want: fastRetries.MaxAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := newTestClient(t, jmessage.WithRetryPolicy(fastRetries))
			var mu sync.Mutex
			var bodies [][]byte
			var types []string
			mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				b, err := io.ReadAll(req.Body)
				require.NoError(t, err)
				mu.Lock()
				bodies, types = append(bodies, b), append(types, req.Header.Get("Content-Type"))
				mu.Unlock()
				return tt.fault(req)
			})
			ctx := t.Context()
			if tt.unsafe {
				ctx = jmessage.RetryUnsafe(ctx)
			}
			content := strings.Repeat("image bytes ", 100)
			_, resp, err := c.Resources.Upload(ctx, jmessage.MediaImage, "a.jpg", strings.NewReader(content))
			require.Error(t, err)
			assert.Equal(t, tt.want, mock.GetTotalCallCount())
			require.NotNil(t, resp)
			assert.Equal(t, tt.want, resp.Attempts)
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, bodies, tt.want)
			part := uploadedPart(t, captured{header: http.Header{"Content-Type": {types[0]}}, body: bodies[0]})
			assert.Equal(t, content, string(part.content))
			for i := 1; i < len(bodies); i++ {
				assert.Equal(t, bodies[0], bodies[i], "attempt %d replays the same form", i+1)
				assert.Equal(t, types[0], types[i], "attempt %d keeps the boundary", i+1)
			}
		})
	}
}
