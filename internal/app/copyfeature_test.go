package app

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCopyFeature follows the README's "Adding a feature" walk-through in a
// copy of the repository: `make feature NAME=projects SINGULAR=project`
// (a renamed copy of internal/tasks, wired in), `UPDATE_GOLDEN=1 go test
// ./internal/app -run TestRouteTable`, then the tests that the new feature
// touches (instead of the whole `make test`, for time): the new package's
// own tests, the route table, the import graph, the OpenAPI coverage, the
// relay of its events and the migrations' round trip, and the tasks'
// two-browser live test renamed for the copy (the README's "a Chromium
// test of the main flow"), so the shared web/static/js/live.js must work
// for a copied feature too. If internal/tasks stops being copyable, this
// fails.
func TestCopyFeature(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the repository and builds it (skipped with -short)")
	}
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("TEST_DATABASE_URL is not set (make test sets it)")
	}
	t.Parallel()
	dir := copyRepository(t, filepath.Join("..", ".."))

	runIn(t, dir, nil, "make", "feature", "NAME=projects", "SINGULAR=project")
	runIn(t, dir, []string{"UPDATE_GOLDEN=1"}, "go", "test", "-count=1", "-run", "^TestRouteTable$", "./internal/app")
	routes, err := os.ReadFile(filepath.Join(dir, "internal/app/testdata/routes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"GET     /projects/\n", "PATCH   /api/v1/projects/{id}\n"} {
		if !strings.Contains(string(routes), want) {
			t.Errorf("route table of the copy lacks %q:\n%s", want, routes)
		}
	}
	runIn(t, dir, nil, "go", "vet", "./internal/projects/", "./internal/app/")
	runIn(t, dir, nil, "go", "test", "-count=1", "./internal/projects/")
	runIn(t, dir, nil, "go", "test", "-count=1", "-run", "^(TestRouteTable|TestImportGraph|TestOpenAPIRouteCoverage|TestEveryEventLogIsRelayed)$", "./internal/app")
	runIn(t, dir, nil, "go", "test", "-count=1", "-run", "^TestMigrationsRoundTrip$", "./internal/platform/postgres")

	live := renamedTest(t, filepath.Join(dir, "internal/app/browser_sse_test.go"), "TestBrowserLiveTasks", strings.NewReplacer(
		"tasks", "projects", "Tasks", "Projects", "task", "project", "Task", "Project"))
	if err := os.WriteFile(filepath.Join(dir, "internal/app/browser_projects_test.go"), live, 0o644); err != nil {
		t.Fatal(err)
	}
	runIn(t, dir, nil, "go", "test", "-count=1", "-run", "^TestBrowserLiveProjects$", "./internal/app")
}

// renamedTest returns a Go file of the package of file holding only the
// function name from file, and the imports it uses, renamed by r.
func renamedTest(t *testing.T, file, name string, r *strings.Replacer) []byte {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var fn *ast.FuncDecl
	for _, d := range f.Decls {
		if d, ok := d.(*ast.FuncDecl); ok && d.Name.Name == name {
			fn = d
		}
	}
	if fn == nil {
		t.Fatalf("%s has no func %s", file, name)
	}
	used := map[string]bool{}
	ast.Inspect(fn, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	var out bytes.Buffer
	out.WriteString("package " + f.Name.Name + "\n\nimport (\n")
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if used[path[strings.LastIndex(path, "/")+1:]] {
			out.WriteString("\t" + imp.Path.Value + "\n")
		}
	}
	out.WriteString(")\n\n")
	if err := printer.Fprint(&out, fset, fn); err != nil {
		t.Fatal(err)
	}
	return []byte(r.Replace(out.String()))
}

// copyRepository copies the source tree at root (without .git, installed
// packages and build output) into a temporary directory.
func copyRepository(t *testing.T, root string) string {
	t.Helper()
	dst := t.TempDir()
	skip := map[string]bool{".git": true, "node_modules": true, "tmp": true, "bin": true, "screenshots": true}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if skip[d.Name()] {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// runIn runs a command in dir with the test's environment plus env, and
// fails the test with its output if it fails.
func runIn(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
