package emulator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHeaderGet_IsHeaderGetForCanonicalNames(t *testing.T) {
	h := http.Header{}
	h.Set("x-amz-acl", "private")
	h.Add("X-Amz-Meta-A", "1")
	h.Add("X-Amz-Meta-A", "2")
	for _, name := range []string{"X-Amz-Acl", "X-Amz-Meta-A", "Content-Type"} {
		assert.Equal(t, h.Get(name), headerGet(h, name), name)
	}
}

// TestHeaderGet_NamesAreCanonical reads this package's source: headerGet
// finds only canonical names, so a literal in another spelling would
// silently never match.
func TestHeaderGet_NamesAreCanonical(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	calls := 0
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "headerGet" {
				return true
			}
			if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				name, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				assert.Equal(t, http.CanonicalHeaderKey(name), name, "%s", fset.Position(lit.Pos()))
				calls++
			}
			return true
		})
	}
	assert.Greater(t, calls, 30, "the check found the calls")
	for _, name := range grantHeaders {
		assert.Equal(t, http.CanonicalHeaderKey(name), name)
	}
}
