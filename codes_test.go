package jmessage_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jmessage-go/jmessage"
)

// restCodes reads the codes of ERROR-CODES.md that a REST call can answer:
// every table row of its sections except SDK login and session
// (800xxx–802xxx) and the features no REST operation has (856xxx–859xxx,
// 765xxx–787xxx, the 7-digit codes), plus 899051–899053 and 2002, which
// the REST document names outside the table.
func restCodes(t *testing.T) []int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(filepath.Dir(wireNotes(t)), "ERROR-CODES.md"))
	require.NoError(t, err)
	row := regexp.MustCompile(`(?m)^\| (\d{4,7}) \|`)
	codes := []int{899051, 899052, 899053, 2002}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		n, _ := strconv.Atoi(m[1])
		if n >= 803000 && n < 856000 || n >= 898000 && n < 900000 {
			codes = append(codes, n)
		}
	}
	return codes
}

// TestEveryRESTCodeHasASentinel: every code a REST call can answer is
// matched by an exported constant, by its own or (a 898xxx code) by its
// 899xxx twin's, and has a text.
func TestEveryRESTCodeHasASentinel(t *testing.T) {
	t.Parallel()
	codes := restCodes(t)
	require.GreaterOrEqual(t, len(codes), 120, "the table was not read")
	sentinels := exportedCodes(t)
	byValue := map[jmessage.ErrorCode]string{}
	for name, code := range sentinels {
		require.NotContains(t, byValue, code, "%s and %s have one value", name, byValue[code])
		byValue[code] = name
	}
	for _, code := range codes {
		err := error(&jmessage.APIError{HTTPStatus: 400, Code: jmessage.ErrorCode(code)})
		_, own := byValue[jmessage.ErrorCode(code)]
		twin, hasTwin := byValue[jmessage.ErrorCode(code+1000)]
		switch {
		case own:
			assert.ErrorIs(t, err, jmessage.ErrorCode(code))
		case code/1000 == 898 && hasTwin:
			assert.ErrorIs(t, err, jmessage.ErrorCode(code+1000), "%d matches its twin %s", code, twin)
		default:
			t.Errorf("code %d has no sentinel", code)
		}
		assert.Regexp(t, `^jmessage: error \d+ \(.+\)$`, jmessage.ErrorCode(code).Error())
	}
}

// TestCodeTextsAreGenerated: each constant's text is its line comment in
// codes.go, so codes_string.go is up to date (else: go generate).
func TestCodeTextsAreGenerated(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, parser.ParseComments)
	require.NoError(t, err)
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || vs.Comment == nil {
			return true
		}
		lit := vs.Values[0].(*ast.BasicLit)
		v, err := strconv.Atoi(lit.Value)
		require.NoError(t, err)
		text := strings.TrimSpace(vs.Comment.Text())
		assert.Equal(t, text, jmessage.ErrorCode(v).String(), "%s: run go generate", vs.Names[0])
		assert.Equal(t, "jmessage: error "+lit.Value+" ("+text+")", jmessage.ErrorCode(v).Error())
		n++
		return true
	})
	assert.Greater(t, n, 100)
}

func TestErrorCodeMatching(t *testing.T) {
	t.Parallel()
	is := func(code int, target error) bool {
		return errors.Is(&jmessage.APIError{HTTPStatus: 400, Code: jmessage.ErrorCode(code)}, target)
	}
	assert.True(t, is(898001, jmessage.ErrUserExists), "a 898xxx code matches its 899xxx twin")
	assert.True(t, is(898030, jmessage.ErrServerBusy))
	assert.False(t, is(898011, jmessage.ErrUserInGroup), "898011 is not 899011's twin")
	assert.True(t, is(898011, jmessage.ErrCrossAppQueryDenied))
	assert.Equal(t, "jmessage: error 898001 (user already exists)", jmessage.ErrorCode(898001).Error())

	assert.True(t, is(850001, jmessage.ErrChatroomNotFound), "a general sentinel matches the specific codes")
	assert.True(t, is(850001, jmessage.ErrChatroomDeleteNotFound))
	assert.False(t, is(899081, jmessage.ErrChatroomDeleteNotFound), "not the other way round")
	assert.True(t, is(853002, jmessage.ErrUserNotInChatroom))
	assert.True(t, is(833002, jmessage.ErrUserNotInGroup), "through ErrNoDisturbNotInGroup")
	assert.True(t, is(803010, jmessage.ErrRateLimited))
	assert.False(t, is(899014, jmessage.ErrNoDisturbNotInGroup))

	for code := 899043; code <= 899050; code++ {
		assert.True(t, is(code, jmessage.ErrorCode(code)), "%d has its own sentinel", code)
		assert.Equal(t, code != 899045, is(code, jmessage.ErrNoDisturbConflict), "%d a conflict", code)
	}
	assert.True(t, is(831001, jmessage.ErrNoDisturbConflict))
	assert.True(t, is(899051, jmessage.ErrNoDisturbGroupNotFound))
	assert.True(t, is(899045, jmessage.ErrGroupNotFound))
	assert.False(t, is(899051, jmessage.ErrNoDisturbConflict))
	assert.False(t, is(899052, jmessage.ErrNoDisturbConflict))
	assert.Equal(t, "jmessage: error 123", jmessage.ErrorCode(123).Error())
}
