package jmessage

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlexIntDecodesNumbersAndStringsExactly(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]flexInt{
		`9007199254740993`:    9007199254740993, // 2^53+1: float64 would lose it
		`"9007199254740993"`:  9007199254740993,
		`9223372036854775807`: 9223372036854775807,
		`0`:                   0,
		`null`:                0,
		`""`:                  0,
		`"12345"`:             12345,
	} {
		var id flexInt
		require.NoError(t, json.Unmarshal([]byte(in), &id), in)
		assert.Equal(t, want, id, in)
	}
	for _, bad := range []string{`1.5`, `"abc"`, `9223372036854775808`, `true`, `{}`} {
		var id flexInt
		assert.Error(t, json.Unmarshal([]byte(bad), &id), bad)
	}
}
