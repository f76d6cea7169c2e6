package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
		{[]string{"serve", "--data", data, "--time-zone", "Mars/Olympus"}, "not a time zone"},
		{[]string{"serve", "--data", data, "--trusted-proxy", "not-an-ip"}, "--trusted-proxy"},
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

	// A backup, restored into a directory of its own, is a working database.
	backup := filepath.Join(t.TempDir(), "tandem-backup.db")
	if out, stderr, code := tandem(t, "", "backup", "--data", data, "--to", backup); code != 0 || !strings.Contains(out, "checked") {
		t.Fatalf("backup: %d %q %q", code, out, stderr)
	}
	restored := t.TempDir()
	if err := os.Rename(backup, filepath.Join(restored, "tandem.db")); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := tandem(t, "", "token", "create", "--data", restored, "--email", "sam@example.com"); code != 0 {
		t.Fatalf("token create on the restored backup: %d %q %q", code, out, stderr)
	}
	if _, stderr, code := tandem(t, "", "backup", "--data", data, "--to", filepath.Join(restored, "tandem.db")); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("backup over an existing file: %d %q", code, stderr)
	}
	for _, args := range [][]string{{"backup", "--data", data}, {"backup", "--db", "postgres://db.internal/tandem", "--to", backup}} {
		if _, stderr, code := tandem(t, "", args...); code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: want one line and exit 2, got %d %q", args, code, stderr)
		}
	}

	if out, _, code := tandem(t, "", "version"); code != 0 || !strings.HasPrefix(out, "tandem ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestCLVCommands(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct{ body, want string }{
		{"", "line 1: the file is empty"},
		{"customer_id,amount\n1,5\n", "line 1, column date"},
		{"customer_id,date,amount\n1,1997-02-30,5\n", "line 2, column date"},
		{"customer_id,date,amount\n1,1997-01-01,5\n1,1997-01-09,-1\n", "line 3, column amount"},
	} {
		_, stderr, code := tandem(t, "", "clv", "fit", "--transactions", write("bad.csv", c.body))
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%q: want exit 2 and one line with %q, got %d %q", c.body, c.want, code, stderr)
		}
	}
	// The CDNOW sample, rewritten as the CSV the command reads.
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "cdnow", "CDNOW_sample.txt"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip("the CDNOW data set is not beside the repository")
	}
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) == 5 {
			fmt.Fprintf(&b, "%s,%s,%s\n", f[1], f[2], f[4])
		}
	}
	csvPath := write("cdnow.csv", b.String())
	out, stderr, code := tandem(t, "", "clv", "fit", "--transactions", csvPath, "--calibration-end", "1997-09-30")
	if code != 0 {
		t.Fatalf("clv fit: %d %s", code, stderr)
	}
	var fit struct {
		Customers int `json:"customers"`
		BGNBD     struct {
			R, Alpha, A, B float64
			Converged      bool
		} `json:"bgnbd"`
		GammaGamma struct {
			P, Q, Gamma float64
			Customers   int
		} `json:"gamma_gamma"`
	}
	if err := json.Unmarshal([]byte(out), &fit); err != nil {
		t.Fatal(err)
	}
	if fit.Customers != 2357 || !fit.BGNBD.Converged || fmt.Sprintf("%.3f", fit.BGNBD.R) != "0.243" || fmt.Sprintf("%.2f", fit.GammaGamma.P) != "6.25" || fit.GammaGamma.Customers != 946 {
		t.Fatalf("clv fit: %s", out)
	}
	predictions := filepath.Join(dir, "clv.csv")
	if _, stderr, code := tandem(t, "", "clv", "predict", "--transactions", csvPath, "--calibration-end", "1997-09-30", "--horizon", "39", "--out", predictions); code != 0 {
		t.Fatalf("clv predict: %d %s", code, stderr)
	}
	rows, _ := os.ReadFile(predictions)
	lines := strings.Split(strings.TrimSpace(string(rows)), "\n")
	if len(lines) != 2358 || lines[0] != "customer_id,x,t_x,T,p_alive,expected_purchases,expected_spend,clv,rfm_segment" ||
		!strings.HasPrefix(lines[1], "0001,2,30.4286,38.8571,") {
		t.Fatalf("clv predict wrote %d lines: %q …", len(lines), lines[:2])
	}
	if _, stderr, code := tandem(t, "", "clv", "predict", "--transactions", csvPath); code != 2 || !strings.Contains(stderr, "--horizon") {
		t.Fatalf("predict without a horizon: %d %q", code, stderr)
	}
}

// TestBenchCommand: `tandem bench` starts a server of its own, drives each
// shape and reports it in the contract's JSON.
func TestBenchCommand(t *testing.T) {
	stdout, stderr, code := tandem(t, "", "bench", "--scale", "small", "--duration", "300ms", "--clients", "4", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Shapes []struct {
			Name       string  `json:"name"`
			Throughput float64 `json:"throughput"`
			P50        float64 `json:"p50_ms"`
			P99        float64 `json:"p99_ms"`
			Errors     int     `json:"errors"`
			PeakRSSMB  float64 `json:"peak_rss_mb"`
		} `json:"shapes"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	var names []string
	for _, s := range out.Shapes {
		names = append(names, s.Name)
		if s.Throughput <= 0 || s.Errors != 0 || s.P50 <= 0 || s.P99 < s.P50 || s.PeakRSSMB <= 0 {
			t.Errorf("shape %+v", s)
		}
	}
	if strings.Join(names, ",") != "create_interaction,open_case,timeline_first_page,queue_first_page" {
		t.Fatalf("shapes %v", names)
	}
	if _, stderr, code := tandem(t, "", "bench", "--scale", "huge"); code != 2 || !strings.Contains(stderr, "--scale") {
		t.Fatalf("a bad scale: %d %q", code, stderr)
	}
}
