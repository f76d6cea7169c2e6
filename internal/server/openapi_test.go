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

	"tandem/internal/store"
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

// TestAPIConventions holds the conventions a generated client relies on,
// on both engines.
func TestAPIConventions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		anon := client{t: t, base: e.base}

		// The mux's own answers under /api/ are problems too.
		for _, p := range []string{"/api/v1/nothing-here", "/api/nothing", "/api/v1/accounts/x/y/z"} {
			if r := e.sam.do("GET", p, nil).want(t, 404); r.header.Get("Content-Type") != "application/problem+json" || r.body["status"] != float64(404) {
				t.Fatalf("GET %s: %v %s", p, r.header, r.raw)
			}
		}
		r := e.sam.do("PUT", "/api/v1/accounts", map[string]any{}).want(t, 405)
		if r.header.Get("Content-Type") != "application/problem+json" || !strings.Contains(r.header.Get("Allow"), "GET") {
			t.Fatalf("405: %v %s", r.header, r.raw)
		}
		session := strings.SplitN(anon.do("POST", "/api/v1/session", map[string]any{"email": "sam@example.com", "password": "a long enough password"}).
			want(t, 200).header.Get("Set-Cookie"), ";", 2)[0]
		r = anon.do("POST", "/api/v1/accounts", map[string]any{"name": "CSRF"}, "Cookie", session, "Sec-Fetch-Site", "cross-site").want(t, 403)
		if r.header.Get("Content-Type") != "application/problem+json" || r.body["status"] != float64(403) {
			t.Fatalf("cross-origin 403 is not a problem: %v %s", r.header, r.raw)
		}

		// Creates answer with version and ETag; so does GET of a user.
		admin := e.user(t, "ada@example.com", "Ada", "admin", "admin")
		u := admin.do("POST", "/api/v1/users", map[string]any{"email": "new@example.com", "name": "New", "role": "sales"}).want(t, 201)
		if u.header.Get("ETag") != `"1"` || u.body["version"] != float64(1) {
			t.Fatalf("create user: %v %s", u.header, u.raw)
		}
		g := admin.do("GET", "/api/v1/users/"+u.str("id"), nil).want(t, 200)
		if g.header.Get("ETag") != `"1"` {
			t.Fatalf("get user has no ETag: %v", g.header)
		}
		// If-Match compares strongly: a weak tag matches nothing.
		admin.do("PATCH", "/api/v1/users/"+u.str("id"), map[string]any{"name": "Weak"}, "If-Match", `W/"1"`).want(t, 412)
		admin.do("PATCH", "/api/v1/users/"+u.str("id"), map[string]any{"name": "Bare"}, "If-Match", `1`).want(t, 412)
		admin.do("PATCH", "/api/v1/users/"+u.str("id"), map[string]any{"name": "Strong"}, "If-Match", `"1"`).want(t, 200)
		tok := e.sam.do("POST", "/api/v1/tokens", map[string]any{"label": "laptop"}).want(t, 201)
		if tok.header.Get("ETag") != `"1"` || tok.body["version"] != float64(1) {
			t.Fatalf("create token: %v %s", tok.header, tok.raw)
		}
		acc := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Conventions Ltd"}).want(t, 201).str("id")
		cs := e.val.do("POST", "/api/v1/cases", map[string]any{"account_id": acc, "subject": "Broken"}).want(t, 201)
		for _, f := range []string{"responded_at", "resolved_at", "closed_at", "confirmed"} {
			if v, ok := cs.body[f]; !ok || v != nil {
				t.Errorf("an open case's %s should be null, got %v", f, v)
			}
		}
		if strings.Contains(string(cs.raw), "0001-01-01") {
			t.Fatalf("a zero time went out: %s", cs.raw)
		}
		cm := e.val.do("POST", "/api/v1/cases/"+cs.str("id")+"/comments", map[string]any{"body": "On it"}).want(t, 201)
		if cm.header.Get("ETag") != `"1"` || cm.body["version"] != float64(1) {
			t.Fatalf("comment: %v %s", cm.header, cm.raw)
		}

		// Short lists page like the others.
		page := admin.do("GET", "/api/v1/users?limit=2", nil).want(t, 200)
		items, _ := page.body["items"].([]any)
		if len(items) != 2 || page.str("next_cursor") == "" {
			t.Fatalf("users page: %s", page.raw)
		}
		seen := map[string]bool{}
		for cursor := ""; ; {
			p := admin.do("GET", "/api/v1/users?limit=2&cursor="+cursor, nil).want(t, 200)
			its, _ := p.body["items"].([]any)
			for _, it := range its {
				seen[it.(map[string]any)["id"].(string)] = true
			}
			if cursor = p.str("next_cursor"); cursor == "" {
				break
			}
		}
		if len(seen) != 6 { // sam, val, mia, reader, ada, new
			t.Fatalf("paging users saw %d, want 6", len(seen))
		}
		admin.do("GET", "/api/v1/users?cursor=garbage", nil).want(t, 422)
		admin.do("GET", "/api/v1/tokens?limit=501", nil).want(t, 422)
		for _, p := range []string{"/api/v1/tokens", "/api/v1/calendars", "/api/v1/sla-policies", "/api/v1/case-categories", "/api/v1/me/sessions"} {
			l := admin.do("GET", p+"?limit=1", nil).want(t, 200)
			if its, ok := l.body["items"].([]any); !ok || len(its) > 1 {
				t.Errorf("%s?limit=1: %s", p, l.raw)
			}
		}
		empty := admin.do("GET", "/api/v1/me/sessions", nil).want(t, 200)
		if !strings.Contains(string(empty.raw), `"items":[]`) {
			t.Fatalf("an empty list is not []: %s", empty.raw)
		}

		// Notifications filter by account: the owner hears of the case.
		other := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Elsewhere Inc"}).want(t, 201).str("id")
		e.val.do("POST", "/api/v1/cases", map[string]any{"account_id": other, "subject": "Also broken"}).want(t, 201)
		all := e.sam.do("GET", "/api/v1/notifications", nil).want(t, 200)
		if its, _ := all.body["items"].([]any); len(its) != 2 {
			t.Fatalf("sam's notifications: %s", all.raw)
		}
		one := e.sam.do("GET", "/api/v1/notifications?limit=1&account_id="+acc, nil).want(t, 200)
		its, _ := one.body["items"].([]any)
		if len(its) != 1 || its[0].(map[string]any)["account_id"] != acc || its[0].(map[string]any)["read_at"] != nil {
			t.Fatalf("notifications of one account: %s", one.raw)
		}
	})
}
