package jmessagetest

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"github.com/jmessage-go/jmessage"
	"hash/crc32"
	"image"
	_ "image/gif"  // image.DecodeConfig reads GIF
	_ "image/jpeg" // image.DecodeConfig reads JPEG
	_ "image/png"  // image.DecodeConfig reads PNG
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmessage-go/jmessage/internal/rules"
)

// DownloadURLTTL is how long a download URL answered by the server stays valid.
const DownloadURLTTL = time.Hour

func routeMedia(s *Server) {
	s.handle("POST /v1/resource", http.StatusOK, upload)
	s.handle("GET /v1/resource", http.StatusOK, downloadURL)
	s.mux.Handle("GET /media/{id...}", http.HandlerFunc(s.serveMedia))
}

// mediaFile is an uploaded file.
type mediaFile struct {
	id       string
	kind     string // image, file or voice
	filename string
	data     []byte
	app      string
}

// Media returns the bytes of a file uploaded to the app, and whether the
// media id is one of the app's.
func (a *App) Media(mediaID string) ([]byte, bool) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	m := a.s.st.media[mediaID]
	if m == nil || m.app != a.key {
		return nil, false
	}
	return slices.Clone(m.data), true
}

// upload stores a multipart file (part "filename", or named after its
// type as the vendor's Java client sends it) of type image, file or voice
// and answers like the real service: media_id and media_crc32, and width,
// height and format for an image (PNG, JPEG or GIF), fname and hash for a
// file, hash and format for a voice, and fsize.
func upload(c *call) (any, error) {
	kind := c.r.URL.Query().Get("type")
	if kind != "image" && kind != "file" && kind != "voice" {
		return nil, fail(jmessage.ErrInvalidParameter, "query type must be image, file or voice, not %q", kind)
	}
	filename, data, err := c.multipartFile("filename", kind)
	if err != nil {
		return nil, err
	}
	switch {
	case len(data) == 0:
		return nil, fail(jmessage.ErrInvalidParameter, "the file is empty")
	case len(data) > rules.MaxUploadBytes:
		return nil, fail(jmessage.ErrInvalidParameter, "a file may hold at most %d bytes", rules.MaxUploadBytes)
	}
	sum := sha1.Sum(data)
	out := map[string]any{"media_crc32": crc32.ChecksumIEEE(data), "fsize": len(data)}
	hash := "Fq" + base64.RawURLEncoding.EncodeToString(sum[:])
	switch kind {
	case "image":
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, fail(jmessage.ErrInvalidParameter, "the image is not a PNG, JPEG or GIF")
		}
		if format == "jpeg" {
			format = "jpg"
		}
		out["width"], out["height"], out["format"] = cfg.Width, cfg.Height, format
	case "file":
		out["fname"], out["hash"] = filename, hash
	case "voice":
		format := strings.TrimPrefix(path.Ext(filename), ".")
		if format == "" {
			format = "amr"
		}
		out["hash"], out["format"] = hash, format
	}
	id := fmt.Sprintf("qiniu/%s/%s", kind, strings.ToUpper(hex.EncodeToString(sum[:4]))+fmt.Sprintf("%08X", c.st.seq()))
	c.st.media[id] = &mediaFile{id: id, kind: kind, filename: filename, data: data, app: c.app.key}
	out["media_id"] = id
	return out, nil
}

// multipartFile returns the file of the first multipart form part named
// one of names.
func (c *call) multipartFile(names ...string) (filename string, data []byte, err error) {
	boundary := formBoundary(c.r.Header.Get("Content-Type"))
	if boundary == "" {
		return "", nil, fail(jmessage.ErrInvalidParameter, "the body must be multipart/form-data")
	}
	mr := multipart.NewReader(bytes.NewReader(c.body), boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return "", nil, fail(jmessage.ErrInvalidParameter, "multipart part %q missing", names[0])
		}
		if err != nil {
			return "", nil, fail(jmessage.ErrInvalidParameter, "reading the multipart body: %v", err)
		}
		if !slices.Contains(names, p.FormName()) {
			continue
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return "", nil, fail(jmessage.ErrInvalidParameter, "reading the multipart body: %v", err)
		}
		return p.FileName(), data, nil
	}
}

// formBoundary returns the boundary of a multipart/form-data Content-Type,
// or "" for any other. The vendor's Java client writes a boundary of '='
// signs unquoted (boundary=========7d4a6d158c9), which mime.ParseMediaType
// refuses: such a boundary is taken as written.
func formBoundary(contentType string) string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err == nil {
		if mt != "multipart/form-data" {
			return ""
		}
		return params["boundary"]
	}
	mt, rest, _ := strings.Cut(contentType, ";")
	_, boundary, ok := strings.Cut(rest, "boundary=")
	if !ok || !strings.EqualFold(strings.TrimSpace(mt), "multipart/form-data") {
		return ""
	}
	boundary, _, _ = strings.Cut(boundary, ";")
	return strings.TrimSpace(boundary)
}

// downloadURL answers a temporary URL the server itself serves.
func downloadURL(c *call) (any, error) {
	id := c.r.URL.Query().Get("mediaId")
	m := c.st.media[id]
	if m == nil || m.app != c.app.key {
		return nil, fail(jmessage.ErrInvalidParameter, "mediaId %q not exist", id)
	}
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	expires := c.now().Add(DownloadURLTTL).Unix()
	u := url.URL{Scheme: scheme, Host: c.r.Host, Path: "/media/" + id,
		RawQuery: url.Values{"e": {strconv.FormatInt(expires, 10)}, "token": {mediaToken(id, expires)}}.Encode()}
	return map[string]string{"url": u.String()}, nil
}

// mediaToken signs a download URL (a stand-in for the storage's signature).
func mediaToken(id string, expires int64) string {
	sum := sha1.Sum([]byte(id + "\x00" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(sum[:8])
}

// serveMedia serves the bytes behind a download URL, without
// authentication, while the URL's token is valid and not expired.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) {
	if s.applyFaults(w, r) {
		return
	}
	id := r.PathValue("id")
	expires, err := strconv.ParseInt(r.URL.Query().Get("e"), 10, 64)
	s.mu.Lock()
	m := s.st.media[id]
	now := s.Now()
	s.mu.Unlock()
	switch {
	case m == nil:
		http.Error(w, "no such file", http.StatusNotFound)
	case err != nil || r.URL.Query().Get("token") != mediaToken(id, expires):
		http.Error(w, "bad token", http.StatusForbidden)
	case now.Unix() > expires:
		http.Error(w, "link expired", http.StatusForbidden)
	default:
		w.Header().Set("Content-Type", http.DetectContentType(m.data))
		w.Header().Set("Content-Length", strconv.Itoa(len(m.data)))
		_, _ = w.Write(m.data)
	}
}
