package deploy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// TestOnePostgresMajor: development and the throwaway test servers
// (scripts/pg.sh), the npm server packages (scripts/postgres), the version check
// of the tests (pgtest.Major), the compose stack and the docs all name the
// same PostgreSQL major version.
func TestOnePostgresMajor(t *testing.T) {
	want := fmt.Sprint(pgtest.Major)

	script := readRepoFile(t, "scripts/pg.sh")
	if m := regexp.MustCompile(`(?m)^PG_MAJOR=(\d+)$`).FindStringSubmatch(script); m == nil || m[1] != want {
		t.Errorf("scripts/pg.sh: PG_MAJOR line %q, want PG_MAJOR=%s", m, want)
	}

	var pkg struct {
		Optional map[string]string `json:"optionalDependencies"`
	}
	if err := json.Unmarshal([]byte(readRepoFile(t, "scripts/postgres/package.json")), &pkg); err != nil {
		t.Fatal(err)
	}
	var lock struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	if err := json.Unmarshal([]byte(readRepoFile(t, "scripts/postgres/package-lock.json")), &lock); err != nil {
		t.Fatal(err)
	}
	for _, plat := range []string{"linux-x64", "linux-arm64", "darwin-arm64", "darwin-x64"} {
		name := "@embedded-postgres/" + plat
		v, ok := pkg.Optional[name]
		if !ok || !strings.HasPrefix(v, want+".") {
			t.Errorf("scripts/postgres/package.json: %s is %q, want an exact %s.x version", name, v, want)
		}
		if got := lock.Packages["node_modules/"+name].Version; got != v {
			t.Errorf("scripts/postgres/package-lock.json pins %s %q, package.json %q: run npm install there", name, got, v)
		}
	}

	image := service(t, loadCompose(t, composeFile), "db").Image
	if _, tag, _ := splitImage(image); !strings.HasPrefix(tag, want+".") {
		t.Errorf("docker-compose.yml: db image %s, want PostgreSQL %s", image, want)
	}
	if !strings.Contains(readRepoFile(t, "deploy/README.md"), "`"+image+"`") {
		t.Errorf("deploy/README.md does not name the db image %s", image)
	}
	readme := readRepoFile(t, "README.md")
	for _, m := range regexp.MustCompile(`PostgreSQL (\d+)\b`).FindAllStringSubmatch(readme, -1) {
		if m[1] != want {
			t.Errorf("README.md says %q; the project uses PostgreSQL %s", m[0], want)
		}
	}
	if !strings.Contains(readme, "PostgreSQL "+want) {
		t.Errorf("README.md does not name PostgreSQL %s", want)
	}
}

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
