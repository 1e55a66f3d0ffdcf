package jmessage

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
)

// DefaultMaxRoutedBytes is the largest request body a Receiver reads
// unless WithMaxRoutedBytes says otherwise.
const DefaultMaxRoutedBytes = 8 << 20

// Receiver is the http.Handler of JMessage's real-time message routing: a
// backend mounts it at the URL it registered with JMessage (routing is
// turned on by the vendor, not through the API), and JMessage POSTs each
// message there as it is sent.
//
// For each request it checks the Basic credentials against the app's, in
// constant time (401, with nothing read, when they differ), reads at most
// the body cap (413 beyond it), decodes {"total", "messages"} into
// HistoryMessages (400 when the body is not that JSON), and calls the
// handling function with the request's context. It answers 200 only when
// that function returns nil, and 500 otherwise, so that the delivery is
// not taken as done; what JMessage does after a non-200 answer (retry,
// how often, or drop the message) is not documented. Deliveries may come
// in parallel and, as far as anyone knows, twice: handle messages
// idempotently by MsgID and answer quickly.
//
// A Receiver logs nothing unless WithReceiverLogger is given; the master
// secret is never logged, nor kept: only the Authorization header value
// the credentials make.
type Receiver struct {
	want     []byte // the Authorization header value JMessage sends
	handle   func(context.Context, []HistoryMessage) error
	maxBytes int64
	logger   *slog.Logger
}

// ReceiverOption configures a Receiver in NewReceiver.
type ReceiverOption func(*Receiver) error

// WithMaxRoutedBytes caps the request body a Receiver reads (default
// DefaultMaxRoutedBytes).
func WithMaxRoutedBytes(n int64) ReceiverOption {
	return func(r *Receiver) error {
		if n <= 0 {
			return &ValidationError{Field: "maxBytes", Reason: "must be positive"}
		}
		r.maxBytes = n
		return nil
	}
}

// WithReceiverLogger logs each refused or failed delivery at warn level
// (status and reason, never credentials or bodies).
func WithReceiverLogger(l *slog.Logger) ReceiverOption {
	return func(r *Receiver) error {
		if l == nil {
			return &ValidationError{Field: "logger", Reason: "must not be nil"}
		}
		r.logger = l
		return nil
	}
}

// NewReceiver returns the routing receiver of the app of appKey and
// masterSecret (the credentials JMessage sends with each delivery), which
// passes each delivery's messages to handle.
func NewReceiver(appKey, masterSecret string, handle func(ctx context.Context, msgs []HistoryMessage) error,
	opts ...ReceiverOption) (*Receiver, error) {
	if err := validateAppKey("appKey", appKey); err != nil {
		return nil, err
	}
	if masterSecret == "" {
		return nil, &ValidationError{Field: "masterSecret", Reason: "must not be empty"}
	}
	if handle == nil {
		return nil, &ValidationError{Field: "handle", Reason: "must not be nil"}
	}
	r := &Receiver{want: []byte(newCredentials(appKey, masterSecret).authorization()[0]), handle: handle,
		maxBytes: DefaultMaxRoutedBytes, logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// routedBody is the body of a delivery.
type routedBody struct {
	Total    int             `json:"total"`
	Messages historyMessages `json:"messages"`
}

// ServeHTTP answers one delivery.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), rc.want) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="jmessage"`)
		rc.refuse(w, r, http.StatusUnauthorized, "credentials do not match the app's")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		rc.refuse(w, r, http.StatusMethodNotAllowed, "not a POST")
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, rc.maxBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		rc.refuse(w, r, http.StatusRequestEntityTooLarge, "body over the cap")
		return
	case err != nil:
		rc.refuse(w, r, http.StatusBadRequest, "reading the body: "+err.Error())
		return
	}
	var body routedBody
	if err := json.Unmarshal(raw, &body); err != nil || !isObject(raw) {
		rc.refuse(w, r, http.StatusBadRequest, "body is not a JSON object of messages")
		return
	}
	if err := rc.handle(r.Context(), body.Messages); err != nil {
		rc.refuse(w, r, http.StatusInternalServerError, "handling failed: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("{}"))
}

// isObject reports whether raw is a JSON object (json.Unmarshal takes null
// into a struct without error).
func isObject(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// refuse answers status with a short plain reason and logs it.
func (rc *Receiver) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	rc.logger.LogAttrs(r.Context(), slog.LevelWarn, "jmessage routing delivery refused",
		slog.Int("status", status), slog.String("reason", reason))
	http.Error(w, http.StatusText(status), status)
}
