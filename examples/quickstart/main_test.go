package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
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
