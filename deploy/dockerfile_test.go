package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
)

func TestDockerfile(t *testing.T) {
	f, err := os.Open(filepath.Join(root, dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("BuildKit parser: %v", err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		t.Fatalf("BuildKit instructions: %v", err)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stage(s); want a multi-stage build", len(stages))
	}
	args := map[string]string{}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value != nil {
				args[kv.Key] = *kv.Value
			}
		}
	}
	expand := func(s string) (string, error) {
		return os.Expand(s, func(k string) string { return args[k] }), nil
	}

	// Bases: earlier stages, or images pinned to a version (distroless tags
	// name variants, so they only must not be latest).
	var names []string
	for _, st := range stages {
		base, _ := expand(st.BaseName)
		if !slices.Contains(names, base) {
			img, tag, digest := splitImage(base)
			switch {
			case digest != "":
			case tag == "" || strings.Contains(tag, "latest"):
				t.Errorf("FROM %s is not pinned (no tag or latest)", st.BaseName)
			case !strings.HasPrefix(img, "gcr.io/distroless/") && !regexp.MustCompile(`[0-9]`).MatchString(tag):
				t.Errorf("FROM %s is not an exact version", base)
			}
		}
		names = append(names, st.Name)

		for _, cmd := range st.Commands {
			if add, ok := cmd.(*instructions.AddCommand); ok {
				for _, src := range add.SourcePaths {
					if strings.Contains(src, "://") || strings.HasPrefix(src, "git@") {
						t.Errorf("ADD %s fetches from the network; download in a RUN with a checksum, or COPY", src)
					}
				}
			}
		}
	}

	module := modulePath(t, root)
	var goBuild, npmCI bool
	for _, st := range stages {
		for _, cmd := range st.Commands {
			run, ok := cmd.(*instructions.RunCommand)
			if !ok {
				continue
			}
			if err := run.Expand(expand); err != nil {
				t.Fatal(err)
			}
			line := strings.Join(run.CmdLine, " ")
			if strings.Contains(line, "npm ci") {
				npmCI = true
			}
			if !strings.Contains(line, "go build") {
				continue
			}
			goBuild = true
			for _, want := range []string{"-trimpath", "-s -w", "-X " + module + "/internal/app.version=${VERSION}", "./cmd/app"} {
				if !strings.Contains(line, want) {
					t.Errorf("the go build does not use %q: %s", want, line)
				}
			}
			if !strings.Contains(line, "CGO_ENABLED=0") && !stageEnv(st, "CGO_ENABLED", "0") {
				t.Errorf("the go build does not set CGO_ENABLED=0 (the final image has no libc)")
			}
			var targets []string
			for _, m := range instructions.GetMounts(run) {
				if m.Type == instructions.MountTypeCache {
					targets = append(targets, m.Target)
				}
			}
			for _, want := range []string{"/go/pkg/mod", "/root/.cache/go-build"} {
				if !slices.Contains(targets, want) {
					t.Errorf("the go build has no cache mount for %s (has %v)", want, targets)
				}
			}
		}
	}
	if !goBuild || !npmCI {
		t.Errorf("want a stage running `npm ci` (assets from the lockfile) and one running `go build`; npm ci %v, go build %v", npmCI, goBuild)
	}

	final := stages[len(stages)-1]
	var user string
	var health *instructions.HealthCheckCommand
	var entrypoint, cmdline []string
	for _, cmd := range final.Commands {
		switch c := cmd.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.HealthCheckCommand:
			health = c
		case *instructions.EntrypointCommand:
			if c.PrependShell {
				t.Errorf("ENTRYPOINT must use the exec form: the final image has no shell")
			}
			entrypoint = c.CmdLine
		case *instructions.CmdCommand:
			cmdline = c.CmdLine
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("the final stage runs as %q; want a non-root USER", user)
	}
	if len(entrypoint) != 1 || !slices.Equal(cmdline, []string{"serve"}) {
		t.Errorf("want ENTRYPOINT [binary] and CMD [\"serve\"], have %q %q", entrypoint, cmdline)
	}
	binary := "/app"
	if len(entrypoint) > 0 {
		binary = entrypoint[0]
	}
	if health == nil {
		t.Errorf("the final stage has no HEALTHCHECK")
	} else if test := health.Health.Test; !slices.Equal(test, []string{"CMD", binary, "healthcheck"}) {
		t.Errorf("HEALTHCHECK runs %q; want the exec form [\"CMD\", %q, \"healthcheck\"] (no shell in the image)", test, binary)
	}
}

// stageEnv reports whether an ENV in st sets key to value.
func stageEnv(st instructions.Stage, key, value string) bool {
	for _, cmd := range st.Commands {
		if e, ok := cmd.(*instructions.EnvCommand); ok {
			for _, kv := range e.Env {
				if kv.Key == key && kv.Value == value {
					return true
				}
			}
		}
	}
	return false
}

func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, line)
		}
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{".git", ".git/config", "web/node_modules/htmx.org/package.json", "tmp", "tmp/postgres/data",
		".env", "deploy/secrets/secret_key", "bin/app", "web/static/dist/htmx.min.js"} {
		if ok, err := pm.MatchesOrParentMatches(path); err != nil || !ok {
			t.Errorf(".dockerignore does not exclude %s", path)
		}
	}
	for _, path := range []string{"go.mod", "go.sum", "cmd/app/main.go", "web/package-lock.json", "web/static/css/app.css",
		"migrations/embed.go"} {
		if ok, _ := pm.MatchesOrParentMatches(path); ok {
			t.Errorf(".dockerignore excludes %s, which the build needs", path)
		}
	}
}
