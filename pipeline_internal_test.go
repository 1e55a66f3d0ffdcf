package jmessage

import (
	"encoding/base64"
	"fmt"
	"net/http"
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
	for _, v := range []any{c, c.cfg, *c.cfg, c.cfg.creds, *c.cfg.creds, c.rest, *c.rest, c.rest.GetClient()} {
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

// TestRestyNeverCutsAWait: resty bounds the wait retryAfter returns to
// [RetryWaitTime, RetryMaxWaitTime]; for every policy that range holds
// every wait the SDK asks for (any backoff, any server-requested wait up to
// MaxRetryAfter), so resty never shortens nor lengthens one.
func TestRestyNeverCutsAWait(t *testing.T) {
	for _, p := range []RetryPolicy{
		DefaultRetryPolicy(),
		{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Hour},
		{MaxAttempts: 3, MinBackoff: time.Hour, MaxBackoff: 2 * time.Hour, MaxRetryAfter: time.Second},
		{MaxAttempts: 3, MinBackoff: time.Second, MaxBackoff: time.Second},
	} {
		c, err := New("4f7aef34fb361292c566a1cd", "secret", WithRetryPolicy(p))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.rest.RetryCount; got != p.MaxAttempts-1 {
			t.Errorf("%+v: resty retries %d times", p, got)
		}
		if c.rest.RetryWaitTime != 0 {
			t.Errorf("%+v: resty raises waits below %v", p, c.rest.RetryWaitTime)
		}
		if ceiling := c.rest.RetryMaxWaitTime; ceiling < p.MaxRetryAfter || ceiling < p.MaxBackoff {
			t.Errorf("%+v: resty cuts waits at %v", p, ceiling)
		}
	}
}

// TestRestyHoldsNoCredentials: the master secret is set on each request,
// never on the resty client, whose headers, token, user info or debug dump
// could print it.
func TestRestyHoldsNoCredentials(t *testing.T) {
	const appKey, masterSecret = "4f7aef34fb361292c566a1cd", "s3cr3t-master-key-do-not-print"
	var sent []string
	c, err := New(appKey, masterSecret, WithTransport(roundTripFunc(func(req *http.Request) (*http.Response, error) {
		sent = append(sent, req.Header.Get("Authorization"))
		return &http.Response{StatusCode: http.StatusNoContent, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Delete(t.Context(), "javen"); err != nil {
		t.Fatal(err)
	}
	token := base64.StdEncoding.EncodeToString([]byte(appKey + ":" + masterSecret))
	if len(sent) != 1 || sent[0] != "Basic "+token {
		t.Fatalf("Authorization sent: %q", sent)
	}
	rc := c.rest
	if len(rc.Header) != 0 || rc.Token != "" || rc.UserInfo != nil || rc.Debug {
		t.Fatalf("resty client holds headers %v, token %q, user info %v, debug %v", rc.Header, rc.Token, rc.UserInfo, rc.Debug)
	}
	if hc := rc.GetClient(); hc.Jar != nil || hc.CheckRedirect == nil {
		t.Fatalf("cookie jar %v, redirect policy set %v", hc.Jar, hc.CheckRedirect != nil)
	}
}
