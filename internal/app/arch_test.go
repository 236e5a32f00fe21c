package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// root is the module's root, two folders up from this package.
const root = "../.."

// imports lists what the non-test files of a package folder import.
func imports(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	files, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out[p] = true
		}
	}
	return out
}

// TestDomainKnowsNoHTTP: data flows one way, web → domain → store. No
// domain package imports gin or the web layer; the store knows no domain.
func TestDomainKnowsNoHTTP(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(root, "internal"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "web" {
			continue
		}
		for imp := range imports(t, filepath.Join("internal", e.Name())) {
			if strings.Contains(imp, "gin-gonic") || strings.HasSuffix(imp, "/internal/web") {
				t.Errorf("internal/%s imports %s: domain code must not know HTTP", e.Name(), imp)
			}
		}
	}
	for imp := range imports(t, "internal/store") {
		for _, domain := range []string{"booking", "attendance", "access", "directory", "auth", "report", "kit", "desk", "app"} {
			if strings.HasSuffix(imp, "/internal/"+domain) {
				t.Errorf("internal/store imports %s: the store knows no domain", imp)
			}
		}
	}
}

// TestWebHoldsNoStore: no file of internal/web reaches the store; handlers
// call domain services, which decide access.
func TestWebHoldsNoStore(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, "internal/web/*.go"))
	if err != nil {
		t.Fatal(err)
	}
	// What web may use from package store: types and constants.
	allowed := func(name string) bool {
		return name != "Store" && name != "Open" && !strings.HasPrefix(name, "New")
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "store" && !allowed(sel.Sel.Name) {
				t.Errorf("%s uses store.%s: web must not reach the store", filepath.Base(f), sel.Sel.Name)
			}
			return true
		})
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if slices.Contains([]string{"gorm.io/gorm", "database/sql"}, p) {
				t.Errorf("%s imports %s", filepath.Base(f), p)
			}
		}
	}
}
