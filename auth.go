package jmessage

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// redacted replaces a secret wherever one would be printed.
const redacted = "[REDACTED]"

// secretKeys are the JSON keys whose values must never be reported.
var secretKeys = [...]string{"password", "new_password"}

// isSecretKey reports whether a JSON key's value must never reach a log.
func isSecretKey(key string) bool { return key == secretKeys[0] || key == secretKeys[1] }

// secretMembers are secretKeys as json.Marshal writes them before a string value.
var secretMembers = [...][]byte{[]byte(`"password":"`), []byte(`"new_password":"`)}

// passwordsIn returns the values of the secret keys in a JSON body, as
// they stand in it (still JSON-escaped), sharing body's bytes.
func passwordsIn(body []byte) [][]byte {
	var found [][]byte
	for _, member := range secretMembers {
		for rest := body; ; {
			i := bytes.Index(rest, member)
			if i < 0 {
				break
			}
			rest = rest[i+len(member):]
			end := 0
			for end < len(rest) && rest[end] != '"' {
				if rest[end] == '\\' {
					end++
				}
				end++
			}
			end = min(end, len(rest))
			found = append(found, rest[:end])
			rest = rest[end:]
		}
	}
	return found
}

// scrub replaces in body every secret a request carried: the master
// secret, its Authorization token and the passwords it sent. It copies
// body only when a secret is in it.
func (c *credentials) scrub(body []byte, passwords [][]byte) []byte {
	for _, s := range c.secrets() {
		body = replaceSecret(body, s)
	}
	for _, s := range passwords {
		body = replaceSecret(body, s)
	}
	return body
}

func replaceSecret(body, secret []byte) []byte {
	if len(secret) == 0 || !bytes.Contains(body, secret) {
		return body
	}
	return bytes.ReplaceAll(body, secret, []byte(redacted))
}

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
	// secrets returns the master secret and the token that carries it, for scrub.
	secrets func() [2][]byte
}

func newCredentials(appKey, masterSecret string) *credentials {
	token := base64.StdEncoding.EncodeToString([]byte(appKey + ":" + masterSecret))
	value := []string{"Basic " + token}
	secrets := [2][]byte{[]byte(masterSecret), []byte(token)}
	return &credentials{appKey: appKey, authorization: func() []string { return value },
		secrets: func() [2][]byte { return secrets }}
}

// String names the app key only.
func (c *credentials) String() string {
	return "credentials{appKey: " + c.appKey + ", masterSecret: " + redacted + "}"
}

// GoString is String, so that %#v never prints the secret.
func (c *credentials) GoString() string { return c.String() }

// Format prints the credentials with every verb as String does.
func (c *credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }
