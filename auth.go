package jmessage

import (
	"encoding/base64"
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

// credentials are the app key and the precomputed Basic auth header. The
// master secret itself is not kept: only the header that carries it.
type credentials struct {
	appKey string
	header secret
}

func newCredentials(appKey, masterSecret string) credentials {
	token := base64.StdEncoding.EncodeToString([]byte(appKey + ":" + masterSecret))
	return credentials{appKey: appKey, header: secret("Basic " + token)}
}
