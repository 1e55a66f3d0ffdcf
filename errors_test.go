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

// wireNotes finds shared/spec/WIRE-NOTES.md beside the repository (CI
// checks shared/ out next to it) or beside one of its parents (a git
// worktree under a directory next to shared/). It fails the test when the
// file is missing: the check below is never skipped.
func wireNotes(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".") // the repository root
	require.NoError(t, err)
	var tried []string
	for {
		p := filepath.Join(filepath.Dir(dir), "shared", "spec", "WIRE-NOTES.md")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		tried = append(tried, p)
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	t.Fatalf("WIRE-NOTES.md is missing: every error code of its table must have a sentinel, "+
		"so check out shared/ beside the repository; looked for %s", strings.Join(tried, ", "))
	return ""
}

// documentedCodes reads the codes of WIRE-NOTES' "Error codes" table: single
// codes, codes separated by "/", and ranges such as "899043–899050".
func documentedCodes(t *testing.T) []int {
	t.Helper()
	b, err := os.ReadFile(wireNotes(t))
	require.NoError(t, err)
	_, table, found := strings.Cut(string(b), "## Error codes")
	require.True(t, found, "WIRE-NOTES has no \"Error codes\" section")
	if i := strings.Index(table, "\n#"); i >= 0 {
		table = table[:i]
	}
	number := regexp.MustCompile(`^\d+$`)
	span := regexp.MustCompile(`^(\d+)\s*[–-]\s*(\d+)$`)
	var codes []int
	for line := range strings.SplitSeq(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(strings.TrimSpace(line), "|") {
			continue
		}
		for item := range strings.SplitSeq(cells[1], "/") {
			item = strings.TrimSpace(item)
			switch {
			case number.MatchString(item):
				n, _ := strconv.Atoi(item)
				codes = append(codes, n)
			case span.MatchString(item):
				m := span.FindStringSubmatch(item)
				lo, _ := strconv.Atoi(m[1])
				hi, _ := strconv.Atoi(m[2])
				require.LessOrEqual(t, lo, hi, item)
				for n := lo; n <= hi; n++ {
					codes = append(codes, n)
				}
			case item == "code" || strings.Trim(item, "-") == "":
				// the header row and the separator row
			default:
				t.Fatalf("cannot read the code cell %q of the row %q", item, line)
			}
		}
	}
	return codes
}

// exportedCodes returns the package's exported ErrorCode constants by name,
// read from its source.
func exportedCodes(t *testing.T) map[string]jmessage.ErrorCode {
	t.Helper()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	out := map[string]jmessage.ErrorCode{}
	for _, entry := range entries {
		name := entry.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				if typ, ok := vs.Type.(*ast.Ident); !ok || typ.Name != "ErrorCode" {
					continue
				}
				for i, name := range vs.Names {
					if !name.IsExported() {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					require.True(t, ok && lit.Kind == token.INT, "%s is not an integer literal", name.Name)
					n, err := strconv.Atoi(lit.Value)
					require.NoError(t, err)
					out[name.Name] = jmessage.ErrorCode(n)
				}
			}
		}
	}
	return out
}

// TestEveryDocumentedCodeHasASentinel: for every code of WIRE-NOTES' table
// an exported ErrorCode constant exists that errors.Is matches against an
// *APIError carrying that code.
func TestEveryDocumentedCodeHasASentinel(t *testing.T) {
	t.Parallel()
	codes := documentedCodes(t)
	require.GreaterOrEqual(t, len(codes), 40, "the table was not read")
	sentinels := exportedCodes(t)
	require.Contains(t, sentinels, "ErrUserExists")
	assert.Equal(t, jmessage.ErrUserExists, sentinels["ErrUserExists"], "constants read from the source")
	for _, code := range codes {
		err := error(&jmessage.APIError{Method: "GET", Path: "/v1/x", HTTPStatus: 400, Code: jmessage.ErrorCode(code)})
		var matched []string
		for name, sentinel := range sentinels {
			if errors.Is(err, sentinel) {
				matched = append(matched, name)
			}
		}
		assert.NotEmpty(t, matched, "code %d has no exported sentinel", code)
	}
}
