package jmessage

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestConfigNeverPrintsTheSecret: the values that hold the credentials
// print redacted, so that no log line, error or panic message built from
// them (by the SDK or a caller's debugging) carries the secret.
func TestConfigNeverPrintsTheSecret(t *testing.T) {
	const appKey, masterSecret = "4f7aef34fb361292c566a1cd", "s3cr3t-master-key-do-not-print"
	c, err := New(appKey, masterSecret)
	if err != nil {
		t.Fatal(err)
	}
	token := base64.StdEncoding.EncodeToString([]byte(appKey + ":" + masterSecret))
	for _, v := range []any{c, c.cfg, *c.cfg, c.cfg.creds, *c.cfg.creds, c.hc} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			s := fmt.Sprintf(verb, v)
			if strings.Contains(s, masterSecret) || strings.Contains(s, token) {
				t.Errorf("%s of %T prints the secret: %s", verb, v, s)
			}
		}
	}
}

// TestTunedTransportVerifiesTLS: the SDK's own transport never turns
// certificate verification off.
func TestTunedTransportVerifiesTLS(t *testing.T) {
	tr := tunedTransport()
	if tr.TLSClientConfig != nil && tr.TLSClientConfig.InsecureSkipVerify {
		t.Fatal("InsecureSkipVerify set")
	}
	if tr.MaxIdleConnsPerHost < 64 {
		t.Fatalf("MaxIdleConnsPerHost %d: concurrent callers would reopen connections", tr.MaxIdleConnsPerHost)
	}
}

// TestBackoffStaysWithinThePolicy: every wait is between MinBackoff and
// MaxBackoff, whatever the attempt number (no overflow).
func TestBackoffStaysWithinThePolicy(t *testing.T) {
	p := DefaultRetryPolicy()
	for attempt := 1; attempt < 200; attempt++ {
		ceiling := p.MaxBackoff
		if attempt < 30 {
			ceiling = min(p.MinBackoff<<(attempt-1), p.MaxBackoff)
		}
		for range 20 {
			d := p.backoff(attempt)
			if d < p.MinBackoff || d < ceiling/2 || d > ceiling {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, max(p.MinBackoff, ceiling/2), ceiling)
			}
		}
	}
	huge := RetryPolicy{MaxAttempts: 100, MinBackoff: time.Hour, MaxBackoff: 1 << 62}
	for attempt := 1; attempt < 100; attempt++ {
		if d := huge.backoff(attempt); d < huge.MinBackoff || d > huge.MaxBackoff {
			t.Fatalf("attempt %d: wait %v", attempt, d)
		}
	}
}
