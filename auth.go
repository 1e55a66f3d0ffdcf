package jmessage

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
)

// redacted replaces a secret wherever one would be printed.
const redacted = "[REDACTED]"

// secret is a string that never prints itself: fmt (every verb), slog and
// encoding/json all see "[REDACTED]". Only reveal returns the value.
type secret string

func (s secret) reveal() string { return string(s) }

// String hides the secret.
func (secret) String() string { return redacted }

// GoString hides the secret from %#v.
func (secret) GoString() string { return redacted }

// Format hides the secret from every fmt verb.
func (secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue hides the secret from slog.
func (secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON hides the secret from JSON dumps.
func (secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// isSecretKey reports whether a JSON key's value must never reach a log.
func isSecretKey(key string) bool { return key == "password" || key == "new_password" }

// redactBody encodes a request body as JSON for a debug log, with every
// password value replaced by "[REDACTED]".
func redactBody(body any) string {
	b, err := json.Marshal(body)
	if err != nil {
		return "(unencodable body)"
	}
	var tree any
	if json.Unmarshal(b, &tree) != nil {
		return "(unencodable body)"
	}
	redactTree(tree)
	b, _ = json.Marshal(tree)
	return string(b)
}

func redactTree(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			if isSecretKey(k) {
				t[k] = redacted
				continue
			}
			redactTree(child)
		}
	case []any:
		for _, child := range t {
			redactTree(child)
		}
	}
}

// credentials are the app key and the precomputed Basic auth header. The
// master secret itself is not kept: only the header that carries it.
type credentials struct {
	appKey string
	header secret
	// headerValue is header as the value of a request's Authorization
	// header, built once (len == cap: a RoundTripper that appends to it
	// gets a copy).
	headerValue []string
}

func newCredentials(appKey, masterSecret string) *credentials {
	token := base64.StdEncoding.EncodeToString([]byte(appKey + ":" + masterSecret))
	header := secret("Basic " + token)
	return &credentials{appKey: appKey, header: header, headerValue: []string{header.reveal()}}
}

// String names the app key only.
func (c *credentials) String() string {
	return "credentials{appKey: " + c.appKey + ", masterSecret: " + redacted + "}"
}

// GoString is String, so that %#v never prints the secret.
func (c *credentials) GoString() string { return c.String() }

// Format prints the credentials with every verb as String does.
func (c *credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }
