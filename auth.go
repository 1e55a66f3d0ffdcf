package jmessage

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// redacted replaces a secret wherever one would be printed.
const redacted = "[REDACTED]"

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

// credentials are the app key and the precomputed Authorization header.
// The master secret itself is not kept: only the header that carries it,
// behind a func, so that no fmt verb nor any reflection-based dump of a
// config (even %s of a struct, which bypasses String methods of unexported
// fields) can print it: fmt prints a func as its address.
type credentials struct {
	appKey string
	// authorization returns the Authorization header's value (len == cap: a
	// RoundTripper that appends to it gets a copy).
	authorization func() []string
}

func newCredentials(appKey, masterSecret string) *credentials {
	value := []string{"Basic " + base64.StdEncoding.EncodeToString([]byte(appKey+":"+masterSecret))}
	return &credentials{appKey: appKey, authorization: func() []string { return value }}
}

// String names the app key only.
func (c *credentials) String() string {
	return "credentials{appKey: " + c.appKey + ", masterSecret: " + redacted + "}"
}

// GoString is String, so that %#v never prints the secret.
func (c *credentials) GoString() string { return c.String() }

// Format prints the credentials with every verb as String does.
func (c *credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }
