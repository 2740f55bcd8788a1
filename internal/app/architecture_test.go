package app

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// listedPackage is what TestImportGraph reads of `go list -json`.
type listedPackage struct {
	ImportPath   string
	Deps         []string // every package it builds with, transitively
	TestImports  []string
	XTestImports []string
}

// TestImportGraph keeps the floor plan of DESIGN.md: features stand side
// by side (no feature imports another, not even in its tests), and the
// platform is the ground floor (nothing under internal/platform imports
// web/ or a feature).
func TestImportGraph(t *testing.T) {
	t.Parallel()
	const module = "github.com/groundwork-dev/groundwork"
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	feature := func(path string) string { // "account" for …/internal/account/…, else ""
		rest, ok := strings.CutPrefix(path, module+"/internal/")
		name, _, _ := strings.Cut(rest, "/")
		if !ok || name == "app" || name == "platform" {
			return ""
		}
		return name
	}
	var features []string
	for _, p := range pkgs {
		if f := feature(p.ImportPath); f != "" && !slices.Contains(features, f) {
			features = append(features, f)
		}
	}
	if len(features) < 3 {
		t.Fatalf("found features %v; want at least home, account and tasks (is go list working?)", features)
	}
	for _, p := range pkgs {
		own := feature(p.ImportPath)
		platform := strings.HasPrefix(p.ImportPath, module+"/internal/platform/")
		for _, dep := range slices.Concat(p.Deps, p.TestImports, p.XTestImports) {
			if !strings.HasPrefix(dep, module+"/") {
				continue
			}
			switch other := feature(dep); {
			case platform && other != "":
				t.Errorf("%s imports the feature %s: the platform must not know features", p.ImportPath, dep)
			case platform && strings.HasPrefix(dep, module+"/web"):
				t.Errorf("%s imports %s: the platform must not know the UI (internal/app hands views over)", p.ImportPath, dep)
			case own != "" && other != "" && other != own:
				t.Errorf("feature %s imports feature %s (%s): features stand side by side", own, other, dep)
			}
		}
	}
}
