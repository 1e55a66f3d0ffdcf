package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jmessage-go/jmessage/jmessagetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestQuickstart runs the quick start as a fresh machine would: no
// credentials, so against the in-process fake.
func TestQuickstart(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(t.Context(), &out, func(string) string { return "" }))
	for _, want := range []string{
		"Using the in-process fake", "Registered user qs_alice.", "Registered user qs_bob.", "Registered admin qs_admin.",
		`User qs_alice is "Alice"`, `Created group "Quick start" (gid `, "Sent text message ",
		"Uploaded a 64x64 png image of ", "Sent image message ", " to the group.",
		"Group member qs_alice (owner).", "Group member qs_bob (member).",
		"Retracted message ", "Retracting it again fails: already retracted.", "Done.",
	} {
		assert.Contains(t, out.String(), want)
	}
}

// TestQuickstartWithCredentials runs the quick start as it runs against
// the real API, with JMESSAGE_APP_KEY, JMESSAGE_MASTER_SECRET and
// JMESSAGE_BASE_URL set, here pointing at a fake: the names carry a
// suffix, and everything it created is deleted at the end.
func TestQuickstartWithCredentials(t *testing.T) {
	const key, secret = "4f7aef34fb361292c566a1cd", "real-looking-secret"
	srv := jmessagetest.NewServer(t, jmessagetest.WithCredentials(key, secret))
	env := map[string]string{"JMESSAGE_APP_KEY": key, "JMESSAGE_MASTER_SECRET": secret, "JMESSAGE_BASE_URL": srv.URL()}
	var out strings.Builder
	require.NoError(t, run(t.Context(), &out, func(k string) string { return env[k] }))

	assert.Contains(t, out.String(), "Using the JMessage API at "+srv.URL()+" as app "+key+".")
	assert.NotContains(t, out.String(), "fake")
	assert.NotContains(t, out.String(), secret)
	assert.Regexp(t, `Registered user qs_alice_[0-9a-z]+\.`, out.String())
	assert.Contains(t, out.String(), "Retracting it again fails: already retracted.")
	assert.Contains(t, out.String(), "Done.")
	msgs := srv.Messages()
	require.Len(t, msgs, 2, "the text and the image")
	assert.True(t, msgs[0].Retracted)
	assert.Empty(t, srv.GroupIDs(), "the group is deleted")
	for _, name := range []string{msgs[0].FromID, msgs[0].TargetID, msgs[1].FromID} {
		_, ok := srv.User(name)
		assert.False(t, ok, "%s is deleted", name)
	}
}

// TestQuickstartNeedsBothCredentials: with only one of the two variables
// set, the quick start still uses the fake rather than half-configured
// real credentials.
func TestQuickstartNeedsBothCredentials(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(t.Context(), &out, func(k string) string {
		if k == "JMESSAGE_APP_KEY" {
			return "4f7aef34fb361292c566a1cd"
		}
		return ""
	}))
	assert.Contains(t, out.String(), "Using the in-process fake")
}
