package client

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedClientIsCurrent regenerates the client from openapi.yaml in a temporary folder,
// with the pinned generator and the same settings, and fails when it differs from client.gen.go.
func TestGeneratedClientIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	settings, err := os.ReadFile("oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "client.gen.go")
	config := filepath.Join(t.TempDir(), "oapi-codegen.yaml")
	replaced := strings.Replace(string(settings), "output: client.gen.go", "output: "+out, 1)
	if replaced == string(settings) {
		t.Fatal("oapi-codegen.yaml has no `output: client.gen.go` line")
	}
	if err := os.WriteFile(config, []byte(replaced), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", config, "../openapi.yaml")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oapi-codegen: %v\n%s", err, msg)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	current, err := os.ReadFile("client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, current) {
		t.Fatal("client.gen.go is stale: openapi.yaml changed since it was generated; run `go generate ./client` (make generate) and commit the result")
	}
}
