package server_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	// The client oapi-codegen writes imports its runtime: keeping it
	// required lets TestGeneratedGoClientCompiles build that client.
	_ "github.com/oapi-codegen/runtime"

	"tandem/internal/store/storetest"
)

// servedOpenAPI is the document as /api/openapi.json serves it.
func servedOpenAPI(t *testing.T) []byte {
	t.Helper()
	e := setup(t, storetest.SQLite(t))
	r := client{t: t, base: e.base}.do("GET", "/api/openapi.json", nil).want(t, 200)
	return r.raw
}

// TestWriteOpenAPI writes the served OpenAPI document to the file named by
// TANDEM_OPENAPI_OUT, for the linters CI runs on it (.ci/run).
func TestWriteOpenAPI(t *testing.T) {
	out := os.Getenv("TANDEM_OPENAPI_OUT")
	if out == "" {
		t.Skip("TANDEM_OPENAPI_OUT names no file")
	}
	if err := os.WriteFile(out, servedOpenAPI(t), 0o644); err != nil {
		t.Fatal(err)
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// TestGeneratedGoClientCompiles generates a Go client from the served
// document with oapi-codegen (the tool pinned in go.mod) and compiles it
// with go vet, in a module of its own that has this module's requirements.
func TestGeneratedGoClientCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated client")
	}
	root, dir := moduleRoot(t), t.TempDir()
	spec := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(spec, servedOpenAPI(t), 0o644); err != nil {
		t.Fatal(err)
	}
	gen := exec.Command("go", "tool", "oapi-codegen", "-generate", "types,client", "-package", "tandemclient", spec)
	gen.Dir = root
	src, err := gen.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("oapi-codegen: %v: %s", err, stderr)
	}
	// Every operation has its client method.
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(mustRead(t, spec), &doc); err != nil {
		t.Fatal(err)
	}
	for _, item := range doc.Paths {
		for _, o := range item {
			name := goIdent(o.OperationID)
			if !regexp.MustCompile(`func \(c \*Client\) ` + name + `\(`).Match(src) {
				t.Errorf("the generated client has no method %s for %s", name, o.OperationID)
			}
		}
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		if err := os.WriteFile(filepath.Join(dir, f), mustRead(t, filepath.Join(root, f)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "tandemclient"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tandemclient", "client.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	vet := exec.Command("go", "vet", "./tandemclient")
	vet.Dir = dir
	vet.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := vet.CombinedOutput(); err != nil {
		t.Fatalf("the generated Go client does not compile: %v\n%s", err, out)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goIdent is oapi-codegen's name for an operation id: "list-accounts" →
// "ListAccounts".
func goIdent(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
