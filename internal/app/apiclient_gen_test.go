package app

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// clientDir is the generated Go client, relative to this package.
const clientDir = "../../apiclient"

// TestAPIClientUpToDate regenerates the typed client (apiclient) from the
// document the server serves, with the oapi-codegen pinned in go.mod, and
// fails if the committed client.gen.go differs. UPDATE_CLIENT=1 writes it
// instead (`make generate` does).
func TestAPIClientUpToDate(t *testing.T) {
	t.Parallel()
	doc, err := openAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	docPath, out := filepath.Join(tmp, "openapi.json"), filepath.Join(tmp, "client.gen.go")
	if err := os.WriteFile(docPath, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", "oapi-codegen.yaml", "-o", out, docPath)
	cmd.Dir = clientDir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oapi-codegen: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join(clientDir, "client.gen.go")
	if os.Getenv("UPDATE_CLIENT") != "" {
		if err := os.WriteFile(committed, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(committed)
	if err != nil {
		t.Fatalf("%v (run make generate)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("apiclient/client.gen.go is stale: run make generate and commit it")
	}
}
