package e2e

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// tandem runs the binary and returns its stdout, stderr and exit code.
func tandem(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errOut.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), 0
}

func TestCLI(t *testing.T) {
	data := t.TempDir()
	if out, _, code := tandem(t, "", "migrate", "--data", data); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %d %q", code, out)
	}
	out, _, code := tandem(t, "a long enough password\n", "user", "add", "--data", data, "--email", "ada@example.com", "--name", "Ada", "--role", "admin", "--password-stdin")
	if code != 0 || strings.Contains(out, "password (shown once)") {
		t.Fatalf("user add with --password-stdin: %d %q", code, out)
	}
	out, _, code = tandem(t, "", "user", "add", "--data", data, "--email", "sam@example.com", "--name", "Sam", "--role", "SALES")
	if code != 0 || !strings.Contains(out, "password (shown once): ") {
		t.Fatalf("user add with a generated password: %d %q", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "add", "--data", data, "--email", "x@example.com", "--name", "X", "--role", "boss"}, "unknown role"},
		{[]string{"user", "add", "--data", data, "--bogus"}, "flag provided but not defined"},
		{[]string{"user", "add", "--data", data, "--email", "not-an-email", "--name", "X", "--role", "sales"}, "email"},
		{[]string{"token", "create", "--data", data, "--email", "sam@example.com", "--scope", "root"}, "unknown scope"},
		{[]string{"token", "create", "--data", data, "--email", "sam@example.com", "--scope", "admin"}, "only admins"},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		_, stderr, code := tandem(t, "", c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: want exit 2 saying %q, got %d %q", c.args, c.want, code, stderr)
		}
	}
	_, stderr, code := tandem(t, "", "user", "add", "--data", data, "--email", "SAM@example.com", "--name", "Sam again", "--role", "sales")
	if code != 1 || !strings.Contains(stderr, "already exists") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("duplicate user: want one line and exit 1, got %d %q", code, stderr)
	}
	out, _, code = tandem(t, "", "token", "create", "--data", data, "--email", "sam@example.com", "--name", "script", "--scope", "read")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || !strings.HasPrefix(lines[len(lines)-1], "tdt_") || strings.Contains(lines[len(lines)-1], " ") {
		t.Fatalf("token create must print the token alone on its last line: %d %q", code, out)
	}
	if out, _, code := tandem(t, "", "version"); code != 0 || !strings.HasPrefix(out, "tandem ") {
		t.Fatalf("version: %d %q", code, out)
	}
}
