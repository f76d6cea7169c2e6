package e2e

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"tandem/internal/mail/mailtest"
	"tandem/internal/store/storetest"
)

// TestSurvivesSIGKILL runs the binary under concurrent writes, some with
// an Idempotency-Key and some cut off mid-body, kills it at random moments
// and restarts it. Every write answered 2xx is there exactly once, nothing
// unanswered is half there, case numbers stay unique, every key retried
// after a crash replays or completes, the queued email still goes out and,
// on SQLite, the database passes its integrity check.
func TestSurvivesSIGKILL(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { crashTest(t, "--data", t.TempDir()) })
	t.Run("postgres", func(t *testing.T) { crashTest(t, "--db", storetest.PostgresURL(t)) })
}

const crashRounds = 5

// write is one request of the crash test: its body, its key (or none),
// and the id of what it created once a 2xx said so.
type write struct {
	path, key, marker string
	body              []byte
	id                string
	number            float64
	acked             bool
}

func crashTest(t *testing.T, db ...string) {
	smtp := mailtest.Start(t)
	for _, u := range [][]string{{"sam@example.com", "Sam", "sales"}, {"val@example.com", "Val", "service"}} {
		if out, stderr, code := tandem(t, "a long enough password\n", append([]string{"user", "add", "--email", u[0], "--name", u[1], "--role", u[2], "--password-stdin"}, db...)...); code != 0 {
			t.Fatalf("user add: %s %s", out, stderr)
		}
	}
	token := func(email string) string {
		out, stderr, code := tandem(t, "", append([]string{"token", "create", "--email", email}, db...)...)
		if code != 0 {
			t.Fatalf("token create: %s %s", out, stderr)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return lines[len(lines)-1]
	}
	samTok, valTok := token("sam@example.com"), token("val@example.com")

	addr := freeAddr(t)
	base := "http://" + addr
	logs := filepath.Join(t.TempDir(), "serve.log")
	start := func() *exec.Cmd {
		t.Helper()
		logf, _ := os.OpenFile(logs, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		cmd := exec.Command(binary, append([]string{"serve", "--addr", addr, "--smtp", smtp.URL, "--mail-from", "tandem@example.com"}, db...)...)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if res, err := http.Get(base + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return cmd
				}
			}
		}
		b, _ := os.ReadFile(logs)
		t.Fatalf("tandem did not become ready:\n%s", b)
		return nil
	}
	post := func(tok, path string, body []byte, key string) (int, map[string]any, error) {
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			return 0, nil, err
		}
		var m map[string]any
		json.Unmarshal(raw, &m)
		return res.StatusCode, m, nil
	}

	cmd := start()
	status, acct, err := post(samTok, "/api/v1/accounts", []byte(`{"name":"Northwind Traders"}`), "")
	if err != nil || status != 201 {
		t.Fatalf("account: %d %v %v", status, acct, err)
	}
	accountID := acct["id"].(string)

	var mu sync.Mutex
	var writes []*write
	var unanswered []*write // keyed writes to retry after the crash
	for round := range crashRounds {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for worker := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					marker := fmt.Sprintf("r%d-w%d-n%d", round, worker, n)
					w := &write{marker: marker}
					if n%2 == 0 {
						w.path = "/api/v1/interactions"
						w.body, _ = json.Marshal(map[string]string{"account_id": accountID, "channel": "phone", "direction": "in", "summary": marker})
					} else {
						w.path = "/api/v1/cases"
						w.body, _ = json.Marshal(map[string]string{"account_id": accountID, "subject": "Case " + marker})
					}
					if n%3 != 0 {
						w.key = "key-" + marker
					}
					if n%5 == 4 && w.key != "" {
						// Cut off mid-body: the server must keep nothing of it,
						// and the retry after the crash must do the work.
						cutOff(addr, valTok, w)
						mu.Lock()
						writes, unanswered = append(writes, w), append(unanswered, w)
						mu.Unlock()
						continue
					}
					status, m, err := post(valTok, w.path, w.body, w.key)
					mu.Lock()
					writes = append(writes, w)
					switch {
					case err == nil && status == 201:
						w.acked, w.id = true, m["id"].(string)
						w.number, _ = m["number"].(float64)
					case err == nil:
						t.Errorf("%s: status %d: %v", marker, status, m)
					case w.key != "":
						unanswered = append(unanswered, w)
					}
					mu.Unlock()
					time.Sleep(20 * time.Millisecond) // a busy team, not a flood
					if err != nil {
						time.Sleep(20 * time.Millisecond) // the server is down
					}
				}
			}()
		}
		time.Sleep(time.Duration(300+rand.IntN(1200)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		close(stop)
		wg.Wait()
		cmd = start()
		// Every keyed write left without an answer is retried whole: it
		// replays what committed, or does the work now.
		for _, w := range unanswered {
			status, m, err := post(valTok, w.path, w.body, w.key)
			if err != nil || status != 201 {
				t.Fatalf("round %d: retrying %s: %d %v %v", round, w.marker, status, m, err)
			}
			w.acked, w.id = true, m["id"].(string)
			w.number, _ = m["number"].(float64)
		}
		unanswered = nil
	}

	// What is stored: every acknowledged write exactly once, nothing else
	// but whole unacknowledged writes, unique case numbers.
	get := func(path string) []map[string]any {
		var all []map[string]any
		cursor := ""
		for {
			req, _ := http.NewRequest("GET", base+path+"&limit=500&cursor="+cursor, nil)
			req.Header.Set("Authorization", "Bearer "+valTok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var page struct {
				Items      []map[string]any `json:"items"`
				NextCursor string           `json:"next_cursor"`
			}
			json.NewDecoder(res.Body).Decode(&page)
			res.Body.Close()
			all = append(all, page.Items...)
			if page.NextCursor == "" {
				return all
			}
			cursor = page.NextCursor
		}
	}
	byMarker := map[string]*write{}
	acked := 0
	for _, w := range writes {
		byMarker[w.marker] = w
		if w.acked {
			acked++
		}
	}
	seen := map[string]int{}
	for _, it := range get("/api/v1/interactions?account_id=" + accountID) {
		m, _ := it["summary"].(string)
		if w := byMarker[m]; w == nil || w.path != "/api/v1/interactions" {
			t.Errorf("an interaction nobody sent whole: %v", it)
		} else if w.acked && w.id != it["id"] {
			t.Errorf("%s: stored as %v, acknowledged as %s", m, it["id"], w.id)
		}
		seen[m]++
	}
	numbers := map[float64]string{}
	for _, c := range get("/api/v1/cases?account_id=" + accountID) {
		m := strings.TrimPrefix(fmt.Sprint(c["subject"]), "Case ")
		if w := byMarker[m]; w == nil || w.path != "/api/v1/cases" {
			t.Errorf("a case nobody sent whole: %v", c)
		} else if w.acked && (w.id != c["id"] || w.number != c["number"]) {
			t.Errorf("%s: stored as %v #%v, acknowledged as %s #%v", m, c["id"], c["number"], w.id, w.number)
		}
		n, _ := c["number"].(float64)
		if other, dup := numbers[n]; dup {
			t.Errorf("case number %v twice: %s and %s", n, other, m)
		}
		numbers[n] = m
		seen[m]++
	}
	var cases []string
	for _, w := range writes {
		if w.acked && seen[w.marker] != 1 {
			t.Errorf("%s was acknowledged and is stored %d times", w.marker, seen[w.marker])
		}
		if seen[w.marker] > 1 {
			t.Errorf("%s is stored %d times", w.marker, seen[w.marker])
		}
		if w.acked && w.path == "/api/v1/cases" {
			cases = append(cases, "Case "+w.marker)
		}
	}
	if acked < 50 || len(cases) == 0 {
		t.Fatalf("too little was written to test anything: %d acknowledged writes, %d cases", acked, len(cases))
	}

	// The jobs queued in the commits survive: Sam hears of every case. The
	// wait is generous: after the last kill the new process waits out the
	// old one's leadership before its periodic sends begin, and the outbox
	// then drains a hundred at a time while other test packages share the
	// cores. A lost job fails however long the wait.
	deadline := time.Now().Add(90 * time.Second)
	missing := cases
	for len(missing) > 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		told := map[string]bool{}
		for _, m := range smtp.Messages() {
			if _, subject, ok := strings.Cut(m.Subject, "): "); ok {
				told[subject] = true
			}
		}
		missing = missing[:0:0]
		for _, c := range cases {
			if !told[c] {
				missing = append(missing, c)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("no email to the owner about %d of %d cases, e.g. %q", len(missing), len(cases), missing[0])
	}

	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	if db[0] == "--data" {
		conn, err := sql.Open("sqlite", "file:"+filepath.Join(db[1], "tandem.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var check string
		if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Fatalf("integrity_check: %q %v", check, err)
		}
	}
	t.Logf("%d rounds, %d writes, %d acknowledged, %d cases", crashRounds, len(writes), acked, len(cases))
}

// cutOff sends a write's headers and half its body, then hangs up.
func cutOff(addr, tok string, w *write) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nIdempotency-Key: %s\r\nContent-Length: %d\r\n\r\n",
		w.path, addr, tok, w.key, len(w.body))
	conn.Write(w.body[:len(w.body)/2])
	time.Sleep(10 * time.Millisecond)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
