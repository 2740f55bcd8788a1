package deploy_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// TestMakeRename runs `make rename` on a copy of the repository, then builds
// and vets the copy and looks for the old module path.
func TestMakeRename(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a renamed copy of the repository (-short)")
	}
	for _, tool := range []string{"make", "go", "grep", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: %v", tool, err)
		}
	}
	old := modulePath(t, root)
	module := "example.com/acme/shop"
	if old == module {
		module = "example.com/acme/store"
	}
	dir := copyRepository(t)

	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		// A clean make, even when the tests run under `make test`.
		cmd.Env = append(os.Environ(), "MAKEFLAGS=", "MAKELEVEL=", "MFLAGS=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	for _, bad := range []string{"", old, "not a path", "a/b|c", "/leading/slash"} {
		if out, err := run("make", "rename", "MODULE="+bad); err == nil {
			t.Errorf("make rename MODULE=%q succeeded; want a refusal:\n%s", bad, out)
		}
	}
	if got := modulePath(t, dir); got != old {
		t.Fatalf("a refused rename changed go.mod to %q", got)
	}

	if out, err := run("make", "rename", "MODULE="+module); err != nil {
		t.Fatalf("make rename MODULE=%s: %v\n%s", module, err, out)
	}
	if got := modulePath(t, dir); got != module {
		t.Errorf("after make rename, go.mod says module %q, want %q", got, module)
	}
	if out, err := run("go", "build", "./..."); err != nil {
		t.Fatalf("go build ./... in the renamed copy: %v\n%s", err, out)
	}
	if out, err := run("go", "vet", "./..."); err != nil {
		t.Fatalf("go vet ./... in the renamed copy: %v\n%s", err, out)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte(old)) {
			rel, _ := filepath.Rel(dir, path)
			t.Errorf("%s still contains %s", rel, old)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := run("make", "rename", "MODULE="+module); err == nil {
		t.Errorf("a second make rename to the same module succeeded:\n%s", out)
	}
}

// copyRepository copies the repository's files (tracked and untracked, not
// git-ignored; without .git) into a temporary directory, plus the built
// web/static/dist if present.
func copyRepository(t *testing.T) string {
	t.Helper()
	var files []string
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err == nil {
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
	} else {
		// Not a git checkout: everything but build output and dependencies.
		skip := []string{".git", "tmp", "bin", "web/node_modules", "deploy/secrets"}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if d.IsDir() && slices.Contains(skip, filepath.ToSlash(rel)) {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if dist, err := os.ReadDir(filepath.Join(root, "web/static/dist")); err == nil {
		for _, e := range dist {
			files = append(files, filepath.Join("web/static/dist", e.Name()))
		}
	}
	dir := t.TempDir()
	for _, f := range files {
		src := filepath.Join(root, f)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the working tree, or not a regular file
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// modulePath reads the module path from dir/go.mod.
func modulePath(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	return modfile.ModulePath(b)
}
