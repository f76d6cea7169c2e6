package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/load"
	"tandem/internal/store"
)

// scales are how big a bench run is: accounts in the book, interactions
// per account before the run, and how long each shape runs.
var scales = map[string]struct {
	accounts, interactions int
	each                   time.Duration
}{
	"small":  {100, 20, 5 * time.Second},
	"medium": {1000, 50, 15 * time.Second},
	"large":  {10000, 50, 30 * time.Second},
}

// benchShape is one line of `tandem bench --json`.
type benchShape struct {
	load.Result
	PeakRSSMB float64 `json:"peak_rss_mb"`
}

// bench builds a book in a fresh SQLite database, starts `tandem serve` on
// it as a separate process, and drives it over HTTP from this process
// with 16 clients, one shape after another.
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stdout)
	scale := fs.String("scale", "small", "small, medium or large")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	clients := fs.Int("clients", 16, "concurrent clients")
	each := fs.Duration("duration", 0, "how long each shape runs (default: by scale, 5s/15s/30s)")
	if err := parse(fs, args); err != nil {
		return err
	}
	sc, ok := scales[*scale]
	if !ok {
		return usageError{fmt.Sprintf("--scale %q: use small, medium or large", *scale)}
	}
	if *clients < 1 || *clients > 1000 {
		return usageError{"--clients: use 1 to 1000"}
	}
	if *each < 0 {
		return usageError{"--duration must be positive"}
	} else if *each > 0 {
		sc.each = *each
	}
	dir, err := os.MkdirTemp("", "tandem-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(stderr, "building a %s book (%d accounts, %d interactions) in %s\n", *scale, sc.accounts, sc.accounts*sc.interactions, dir)
	token, ids, size, err := benchBook(ctx, dir, sc.accounts, sc.interactions)
	if err != nil {
		return fmt.Errorf("building the book: %w", err)
	}
	n := sc.accounts * sc.interactions
	perMillion := float64(size) / float64(n) * 1e6 / 1e6
	fmt.Fprintf(stderr, "the book takes %.1f MB on disk with every index: %.0f MB per million interactions\n", float64(size)/1e6, perMillion)
	srv, addr, err := startServer(ctx, dir)
	if err != nil {
		return err
	}
	defer func() {
		srv.Process.Signal(syscall.SIGTERM)
		srv.Wait()
	}()
	shapes := []load.Shape{
		{Name: "create_interaction", Want: http.StatusCreated, Next: func(c, i int) load.Request {
			return load.Request{Method: "POST", Path: "/api/v1/interactions",
				Body: []byte(`{"account_id":"` + ids[(c*7919+i)%len(ids)] + `","channel":"phone","direction":"out","summary":"Quarterly check-in call"}`)}
		}},
		{Name: "open_case", Want: http.StatusCreated, Next: func(c, i int) load.Request {
			return load.Request{Method: "POST", Path: "/api/v1/cases",
				Body: []byte(`{"account_id":"` + ids[(c*7919+i)%len(ids)] + `","subject":"Delivery arrived damaged","priority":"high"}`)}
		}},
		{Name: "timeline_first_page", Want: http.StatusOK, Next: func(c, i int) load.Request {
			return load.Request{Method: "GET", Path: "/api/v1/accounts/" + ids[(c*7919+i)%len(ids)] + "/timeline?limit=50"}
		}},
		{Name: "queue_first_page", Want: http.StatusOK, Next: func(c, i int) load.Request {
			return load.Request{Method: "GET", Path: "/api/v1/cases?limit=50"}
		}},
	}
	var out []benchShape
	for _, s := range shapes {
		fmt.Fprintf(stderr, "running %s for %s\n", s.Name, sc.each)
		r := load.Run(addr, token, *clients, sc.each, 0, s)
		out = append(out, benchShape{Result: r, PeakRSSMB: peakRSS(srv.Process.Pid)})
	}
	if *asJSON {
		e := json.NewEncoder(stdout)
		e.SetIndent("", "  ")
		return e.Encode(map[string]any{"shapes": out, "db_bytes": size, "db_mb_per_million_interactions": perMillion})
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "shape\tper second\tp50 ms\tp95 ms\tp99 ms\terrors\tpeak RSS MB\t")
	for _, s := range out {
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%.0f\t\n", s.Name, s.Throughput, s.P50, s.P95, s.P99, s.Errors, s.PeakRSSMB)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\ndatabase: %.1f MB for %d interactions, %.0f MB per million\n", float64(size)/1e6, n, perMillion)
	return err
}

// benchBook fills a new database: an admin whose token drives the load,
// the sales owner of every account, and interactions on each account. It
// returns the admin's token, the accounts and the bytes the book takes.
func benchBook(ctx context.Context, dir string, accounts, interactions int) (string, []string, int64, error) {
	st, err := store.Open(ctx, dir, "")
	if err != nil {
		return "", nil, 0, err
	}
	defer st.Close()
	a := app.New(st)
	admin, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "bench@example.com", Name: "Bench", Role: "admin"})
	if err != nil {
		return "", nil, 0, err
	}
	owner, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "owner@example.com", Name: "Owner", Role: "sales"})
	if err != nil {
		return "", nil, 0, err
	}
	_, token, err := a.CreateToken(ctx, access.System, app.NewToken{UserID: admin.ID, Scope: "admin"})
	if err != nil {
		return "", nil, 0, err
	}
	actor := access.Actor{User: admin, Scope: access.ScopeAdmin}
	ids := make([]string, 0, accounts)
	start := time.Now().Add(-365 * 24 * time.Hour)
	for i := range accounts {
		acc, err := a.CreateAccount(ctx, actor, customer.Account{Name: "Bench account " + strconv.Itoa(i), OwnerID: owner.ID}, true)
		if err != nil {
			return "", nil, 0, err
		}
		ids = append(ids, acc.ID)
		for j := range interactions {
			if _, err := a.LogInteraction(ctx, actor, customer.Interaction{AccountID: acc.ID, Channel: "email", Direction: "in",
				Summary: "Order question", OccurredAt: start.Add(time.Duration(j) * time.Hour)}); err != nil {
				return "", nil, 0, err
			}
		}
	}
	sizes, err := st.Sizes(ctx)
	if err != nil {
		return "", nil, 0, err
	}
	var size int64
	for _, t := range sizes {
		size += t.Bytes
	}
	return token, ids, size, nil
}

// startServer runs `tandem serve` on dir at a free loopback port and waits
// until it is ready.
func startServer(ctx context.Context, dir string) (*exec.Cmd, string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	addr := l.Addr().String()
	l.Close()
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	var logs bytes.Buffer
	cmd := exec.CommandContext(ctx, self, "serve", "--addr", addr, "--data", dir)
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return cmd, addr, nil
			}
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, "", fmt.Errorf("the server did not get ready: %s", logs.String())
}

// peakRSS is a process's peak resident memory in MB (Linux), or 0.
func peakRSS(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
