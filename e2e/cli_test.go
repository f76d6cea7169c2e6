package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
		{[]string{"user", "add", "--data", data, "--bogus"}, "unknown flag --bogus"},
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

// subcommands are the commands `tandem --help` lists, as arguments.
func subcommands(t *testing.T) [][]string {
	t.Helper()
	out, _, code := tandem(t, "", "--help")
	if code != 0 {
		t.Fatalf("tandem --help: exit %d", code)
	}
	var cmds [][]string
	_, list, _ := strings.Cut(out, "commands:\n")
	for _, line := range strings.Split(list, "\n") {
		if !strings.HasPrefix(line, "  ") {
			break
		}
		name, _, _ := strings.Cut(strings.TrimSpace(line), "  ")
		cmds = append(cmds, strings.Fields(name))
	}
	var names []string
	for _, c := range cmds {
		names = append(names, strings.Join(c, " "))
	}
	if got := strings.Join(names, ","); got != "serve,migrate,user add,token create,clv fit,clv predict,survey-keys rotate,backup,bench,version" {
		t.Fatalf("tandem --help lists %s", got)
	}
	return cmds
}

// TestCLIHelp: --help, at the top and of every command, prints the usage
// on stdout and exits 0.
func TestCLIHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		out, stderr, code := tandem(t, "", args...)
		if code != 0 || stderr != "" || !strings.HasPrefix(out, "usage: tandem COMMAND") || !strings.Contains(out, "serve") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
	}
	for _, cmd := range subcommands(t) {
		name := strings.Join(cmd, " ")
		for _, help := range []string{"--help", "-h"} {
			out, stderr, code := tandem(t, "", append(cmd, help)...)
			if code != 0 || stderr != "" || !strings.HasPrefix(out, "usage: tandem "+name) {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q", name, help, code, out, stderr)
			}
		}
	}
	out, _, _ := tandem(t, "", "serve", "--help")
	for _, flag := range []string{"--addr", "--data", "--db", "--demo", "--verbose"} {
		if !strings.Contains(out, "\n  "+flag+" ") && !strings.Contains(out, "\n  "+flag+"\n") {
			t.Errorf("serve --help does not list %s:\n%s", flag, out)
		}
	}
	if alias, _, code := tandem(t, "", "help", "serve"); code != 0 || alias != out {
		t.Errorf("help serve: exit %d, %q", code, alias)
	}
}

// TestCLIMistakeIsOneLine: a wrong flag, a flag without its value and a
// stray argument are each one line on stderr that names the mistake and
// the command's --help, with exit 2.
func TestCLIMistakeIsOneLine(t *testing.T) {
	for _, cmd := range subcommands(t) {
		name := strings.Join(cmd, " ")
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--no-such-flag"}, "unknown flag --no-such-flag"},
			{[]string{"-no-such-flag=1"}, "unknown flag --no-such-flag"},
			{[]string{"stray"}, `unexpected argument "stray"`},
		} {
			out, stderr, code := tandem(t, "", append(cmd, c.args...)...)
			want := "tandem: " + c.want + "; see tandem " + name + " --help\n"
			if code != 2 || stderr != want || out != "" {
				t.Errorf("%s %v: want exit 2 and %q, got %d %q (stdout %q)", name, c.args, want, code, stderr, out)
			}
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr"}, "tandem: --addr needs a value; see tandem serve --help\n"},
		{[]string{"bench", "--clients", "many"}, `tandem: invalid value "many" for --clients: parse error; see tandem bench --help` + "\n"},
		{[]string{"serve", "--demo=maybe"}, `tandem: invalid boolean value "maybe" for --demo: parse error; see tandem serve --help` + "\n"},
		{[]string{"frobnicate"}, `tandem: unknown command "frobnicate"; see tandem --help` + "\n"},
		{[]string{"user"}, `tandem: "user" needs a command: tandem user add; see tandem --help` + "\n"},
	} {
		if _, stderr, code := tandem(t, "", c.args...); code != 2 || stderr != c.want {
			t.Errorf("%v: want exit 2 and %q, got %d %q", c.args, c.want, code, stderr)
		}
	}
}

// TestServeOnATakenPort: serve exits non-zero with one line that names
// --addr, and never says it is running.
func TestServeOnATakenPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "serve", "--addr", l.Addr().String(), "--data", t.TempDir())
	var out, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 || ctx.Err() != nil {
		t.Fatalf("serve on a taken port: %v (%s)", err, stderr.String())
	}
	msg := strings.TrimSuffix(stderr.String(), "\n")
	if strings.Contains(msg, "\n") || !strings.Contains(msg, l.Addr().String()+" is already in use") || !strings.Contains(msg, "--addr") {
		t.Fatalf("want one line naming the address and --addr, got %q", stderr.String())
	}
	if out.String() != "" {
		t.Fatalf("stdout: %q", out.String())
	}
}

// started is a running `tandem serve` and the lines of its log.
type started struct {
	cmd   *exec.Cmd
	lines chan string
	log   []string
}

// startServe starts serve on addr and returns once it logs that it runs;
// at that moment the address must take a connection.
func startServe(t *testing.T, addr, data string, args ...string) *started {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", addr, "--data", data}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &started{cmd: cmd, lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("serve ended before it said it runs: %q", s.log)
			}
			s.log = append(s.log, line)
			if !strings.Contains(line, `msg="tandem is running"`) {
				continue
			}
			if !strings.Contains(line, "url=http://"+addr+" ") {
				t.Errorf("the running line does not name http://%s: %s", addr, line)
			}
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("serve says it runs, but %s takes no connection: %v", addr, err)
			}
			c.Close()
			return s
		case <-timeout:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("serve did not say it runs within 2 minutes: %q", s.log)
		}
	}
}

// stop interrupts serve and returns its whole log once it has exited 0.
func (s *started) stop(t *testing.T) []string {
	t.Helper()
	s.cmd.Process.Signal(os.Interrupt)
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				if err := s.cmd.Wait(); err != nil {
					t.Errorf("serve did not stop cleanly: %v\n%s", err, strings.Join(s.log, "\n"))
				}
				return s.log
			}
			s.log = append(s.log, line)
		case <-timeout:
			s.cmd.Process.Kill()
			s.cmd.Wait()
			t.Fatalf("serve did not stop within 30s: %q", s.log)
		}
	}
}

// TestServeSaysRunningOnceItListens reads serve's log: when "tandem is
// running" appears the port takes connections, and it serves.
func TestServeSaysRunningOnceItListens(t *testing.T) {
	addr := freeAddr(t)
	s := startServe(t, addr, t.TempDir())
	defer s.stop(t)
	res, err := (&net.Dialer{Timeout: 5 * time.Second}).Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(res, "GET /healthz HTTP/1.0\r\nHost: %s\r\n\r\n", addr)
	res.SetReadDeadline(time.Now().Add(10 * time.Second))
	b, _ := io.ReadAll(res)
	res.Close()
	if !strings.HasPrefix(string(b), "HTTP/1.0 200") {
		t.Fatalf("GET /healthz: %q", b)
	}
}

// TestServeStartAndStopAreQuiet starts serve and stops it at once, soon
// and a little later: at the default level the job library says nothing of
// its own doings and nothing is logged as an error.
func TestServeStartAndStopAreQuiet(t *testing.T) {
	data := t.TempDir()
	for _, wait := range []time.Duration{0, 100 * time.Millisecond, 1500 * time.Millisecond} {
		s := startServe(t, freeAddr(t), data)
		time.Sleep(wait)
		log := strings.Join(s.stop(t), "\n")
		for _, chatter := range []string{"Driver does not support listener", "entering poll only mode", "Producer job counts",
			"Error starting transaction", "context canceled", "River client", "producer:", "maintenance."} {
			if strings.Contains(log, chatter) {
				t.Errorf("stopped after %s, the log says %q:\n%s", wait, chatter, log)
			}
		}
		if strings.Contains(log, "level=ERROR") || strings.Contains(log, "level=WARN") {
			t.Errorf("stopped after %s, the log has a warning or an error:\n%s", wait, log)
		}
		if !strings.Contains(log, `msg="shutting down"`) {
			t.Errorf("stopped after %s, the log does not say it shuts down:\n%s", wait, log)
		}
	}
}
