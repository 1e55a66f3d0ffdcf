package jmessage

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// ResourcesService uploads media (images, files, voice) and resolves media ids to temporary download URLs.
type ResourcesService service

// MediaType is the kind of an uploaded file (the upload's type query).
type MediaType string

// Media types.
const (
	MediaImage MediaType = "image" // jpg, png, gif, bmp…; answers an Image
	MediaFile  MediaType = "file"  // any file; answers a File
	MediaVoice MediaType = "voice" // a voice recording; answers a Voice
)

// File is an uploaded file: the answer of ResourcesService.Upload for
// MediaFile, the body of a file message as it is, and a video's file
// (Video.Video).
type File struct {
	// MediaID is the server's key for the file (media_id);
	// ResourcesService.DownloadURL resolves it.
	MediaID string `json:"media_id"`
	// MediaCRC32 is the file's CRC-32 checksum (media_crc32).
	MediaCRC32 int64 `json:"media_crc32"`
	// FName is the file's name as senders and receivers see it.
	FName string `json:"fname"`
	// FSize is the file's size in bytes.
	FSize int64 `json:"fsize"`
	// Hash is the upload's hash of the file, a second check beside
	// MediaCRC32 (hash, optional).
	Hash string `json:"hash,omitempty"`
	// Extras is custom data for the receiving app, in a file message
	// (optional; a video's file carries none).
	Extras map[string]any `json:"extras,omitzero"`
}

// Media is what an upload answered. Exactly one of Image, Voice and File
// is set, as Type says. Image and Voice are message bodies as they are:
//
//	msg := jmessage.Message{From: from, To: to, Body: media.Image}
type Media struct {
	Type  MediaType // MediaImage, MediaVoice or MediaFile
	Image *Image    // set when Type is MediaImage
	Voice *Voice    // set when Type is MediaVoice
	File  *File     // set when Type is MediaFile
}

// MediaID returns the media id of whichever of Image, Voice and File is
// set, for DownloadURL or a user's or group's avatar.
func (m *Media) MediaID() string {
	switch {
	case m == nil:
		return ""
	case m.Image != nil:
		return m.Image.MediaID
	case m.Voice != nil:
		return m.Voice.MediaID
	case m.File != nil:
		return m.File.MediaID
	}
	return ""
}

// Upload uploads content as a file called filename (a base name, such as
// "cat.jpg") and returns what the server stored. Content of more than 8 MiB
// (MaxUploadBytes) is refused with a *ValidationError and nothing is sent:
// before reading when its size is known (a Len method, as bytes.Reader and
// strings.Reader have, or an *os.File), else while reading it, since the
// request is assembled in memory before the first byte goes out. Empty
// content is refused the same way. Content is read once (and not closed)
// into a multipart form in memory, so an upload follows the POST rules of
// RetryPolicy like any call: retried, with the same bytes, on 429 or when
// the connection never opened, and on any retryable fault under
// RetryUnsafe. An answer without a media_id is an error matching
// ErrMalformedResponse.
//
// POST /v1/resource?type=image|file|voice (multipart form, file field "filename")
func (s *ResourcesService) Upload(ctx context.Context, mediaType MediaType, filename string, content io.Reader) (*Media, *Response, error) {
	m := &Media{Type: mediaType}
	var out any
	switch mediaType {
	case MediaImage:
		m.Image = new(Image)
		out = m.Image
	case MediaVoice:
		m.Voice = new(Voice)
		out = m.Voice
	case MediaFile:
		m.File = new(File)
		out = m.File
	}
	if err := firstError(
		validateOneOf("type", mediaType, MediaImage, MediaFile, MediaVoice),
		validateFilename("filename", filename),
		validateContent("content", content),
	); err != nil {
		return nil, nil, err
	}
	data, err := readContent("content", content)
	if err != nil {
		return nil, nil, err
	}
	r := request{method: http.MethodPost, path: "/v1/resource", query: url.Values{"type": {string(mediaType)}},
		upload: &upload{field: "filename", filename: filename, content: data}}
	resp, err := s.client.do(ctx, r, out)
	switch {
	case err != nil:
		return nil, resp, err
	case m.MediaID() == "":
		return nil, resp, answerLacks(r, resp, "media_id")
	}
	return m, resp, nil
}

// UploadFile uploads the file at path under its base name, as Upload does.
// A file of more than 8 MiB is refused before anything is sent.
//
// POST /v1/resource?type=image|file|voice (multipart form, file field "filename")
func (s *ResourcesService) UploadFile(ctx context.Context, mediaType MediaType, path string) (*Media, *Response, error) {
	if err := validateOneOf("type", mediaType, MediaImage, MediaFile, MediaVoice); err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("jmessage: %w", err)
	}
	defer func() { _ = f.Close() }()
	return s.Upload(ctx, mediaType, filepath.Base(path), f)
}

// validateFilename: a non-empty base name of at most 250 bytes (it is the
// file's fname) without control characters.
func validateFilename(field, name string) error {
	switch {
	case name == "":
		return invalid(field, "is required")
	case strings.ContainsAny(name, `/\`):
		return invalid(field, "must be a file name, not a path")
	case strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return invalid(field, "must not contain control characters")
	}
	return validateText(field, name)
}

// validateContent: content is not nil, and not known to be empty or larger
// than MaxUploadBytes.
func validateContent(field string, content io.Reader) error {
	if content == nil {
		return invalid(field, "is required")
	}
	size, known := knownSize(content)
	switch {
	case !known:
		return nil
	case size <= 0: // a file read past its end counts as empty
		return invalid(field, "must not be empty")
	case size > MaxUploadBytes:
		return tooLarge(field)
	}
	return nil
}

func tooLarge(field string) error {
	return invalid(field, "must be at most %d bytes (8 MiB)", MaxUploadBytes)
}

// knownSize returns how many bytes r holds when that is known without
// reading it: a Len method (bytes.Reader, bytes.Buffer, strings.Reader), or
// the unread rest of a regular file.
func knownSize(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len()), true
	case interface{ Stat() (fs.FileInfo, error) }:
		fi, err := v.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return 0, false
		}
		var offset int64
		if seeker, ok := r.(io.Seeker); ok {
			if offset, err = seeker.Seek(0, io.SeekCurrent); err != nil {
				return 0, false
			}
		}
		return fi.Size() - offset, true
	}
	return 0, false
}

// readContent reads an upload's content whole, and refuses it when it is
// empty or larger than MaxUploadBytes: the request is built in memory before
// it is sent, so an oversized file never reaches the network, not even in
// part.
func readContent(field string, content io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(content, MaxUploadBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("jmessage: reading the upload's %s: %w", field, err)
	case len(data) == 0:
		return nil, invalid(field, "must not be empty")
	case len(data) > MaxUploadBytes:
		return nil, tooLarge(field)
	}
	return data, nil
}

// downloadURL is DownloadURL's answer.
type downloadURL struct {
	URL string `json:"url"`
}

// DownloadURL returns a temporary URL from which the media of mediaID
// (an upload's media id, or a user's avatar) can be downloaded. An answer
// without a URL is an error matching ErrMalformedResponse.
//
// GET /v1/resource?mediaId={mediaId}
func (s *ResourcesService) DownloadURL(ctx context.Context, mediaID string) (string, *Response, error) {
	out, resp, err := callRequiring(ctx, s.client, request{method: http.MethodGet, path: "/v1/resource",
		query: url.Values{"mediaId": {mediaID}}, invalid: validateRequiredText("media_id", mediaID)},
		"url", func(d *downloadURL) bool { return d.URL != "" })
	if err != nil {
		return "", resp, err
	}
	return out.URL, resp, nil
}
