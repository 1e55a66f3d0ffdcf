package jmessage_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// TestChangelogNamesVersion checks that the newest version of CHANGELOG.md
// is jmessage.Version, the version the User-Agent sends.
func TestChangelogNamesVersion(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("CHANGELOG.md")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+[^\]]*)\]`).FindSubmatch(b)
	require.NotNil(t, m, "CHANGELOG.md has no version heading")
	assert.Equal(t, jmessage.Version, string(m[1]), "the newest CHANGELOG.md entry and jmessage.Version differ")
	assert.Contains(t, string(b), "`jmessage.Version`", "CHANGELOG.md names the constant")
}
