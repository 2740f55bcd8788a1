package deploy_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v4"
)

// secretName matches variable names whose values are secrets.
var secretName = regexp.MustCompile(`(?i)PASSWORD|PASSWD|SECRET|KEY|TOKEN|CREDENTIAL`)

// reference is a value that only refers to a variable, without a default
// that could hold a literal: ${VAR}, ${VAR:?message}, ${VAR?message}.
var reference = regexp.MustCompile(`^\$\{[A-Za-z_][A-Za-z0-9_]*(:?\?[^}]*)?\}$`)

// userinfoPassword finds a password in a URL (scheme://user:password@host).
var userinfoPassword = regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@`)

// TestComposeNoSecretValues scans the files as written (before
// interpolation) for secret values: secret-named variables must be empty,
// a ${VAR} reference or a NAME_FILE path under /run/secrets/; no URL carries
// a password.
func TestComposeNoSecretValues(t *testing.T) {
	for _, f := range []string{composeFile, prodFile} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		checked := 0
		walkYAML(&doc, "", func(path, key, value string) {
			checked++
			if m := userinfoPassword.FindStringSubmatch(value); m != nil && !reference.MatchString(m[1]) {
				t.Errorf("%s: %s holds a URL with a password", f, path)
			}
			if key == "" || !secretName.MatchString(key) {
				return
			}
			if strings.HasSuffix(key, "_FILE") {
				if !strings.HasPrefix(value, "/run/secrets/") {
					t.Errorf("%s: %s=%q: a secret file must be mounted under /run/secrets/", f, path, value)
				}
				return
			}
			if value != "" && !reference.MatchString(value) {
				t.Errorf("%s: %s has a secret value written in the file; use %s_FILE and a secret", f, path, key)
			}
		})
		if checked == 0 {
			t.Errorf("%s: found no environment to check", f)
		}
	}
}

// walkYAML calls fn for every scalar under an environment, build args or
// labels mapping (key = the variable name) or list ("KEY=value" items), and
// with an empty key for every other scalar.
func walkYAML(n *yaml.Node, path string, fn func(path, key, value string)) {
	parent := path[strings.LastIndex(path, ".")+1:]
	envLike := parent == "environment" || parent == "args" || parent == "labels"
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walkYAML(c, path, fn)
		}
	case yaml.AliasNode:
		// The anchor's own walk covers it.
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := strings.TrimPrefix(path+"."+k.Value, ".")
			if envLike && v.Kind == yaml.ScalarNode {
				fn(p, k.Value, v.Value)
				continue
			}
			walkYAML(v, p, fn)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if envLike && c.Kind == yaml.ScalarNode {
				k, v, _ := strings.Cut(c.Value, "=")
				fn(p, k, v)
				continue
			}
			walkYAML(c, p, fn)
		}
	case yaml.ScalarNode:
		fn(path, "", n.Value)
	}
}
