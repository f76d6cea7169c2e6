package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/jobs"
	"tandem/internal/server"
	"tandem/internal/store/storetest"
)

// BenchmarkCreateInteractionAPI logs interactions through the HTTP API
// on SQLite with 16 concurrent clients (parallelism × GOMAXPROCS).
func BenchmarkCreateInteractionAPI(b *testing.B) {
	s := storetest.SQLite(b)
	a := app.New(s)
	ctx := context.Background()
	u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	_, secret, _ := a.CreateToken(ctx, access.System, app.NewToken{UserID: u.ID})
	actor := access.Actor{User: u, Scope: access.ScopeWrite}
	var ids []string
	for i := range 100 {
		acc, err := a.CreateAccount(ctx, actor, customer.Account{Name: "Account " + string(rune('A'+i%26)) + string(rune('a'+i/26))}, true)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, acc.ID)
	}
	postParallel(b, a, "/api/v1/interactions", secret, "creates/s", func(i int) any {
		return map[string]any{"account_id": ids[i%len(ids)], "channel": "phone", "direction": "out", "summary": "Quarterly check-in call"}
	})
}

// BenchmarkOpenCaseAPI opens cases through the HTTP API on SQLite with 16
// concurrent clients; each case schedules its SLA checks on the job queue
// and notifies the account's owner in the same transaction.
func BenchmarkOpenCaseAPI(b *testing.B) {
	s := storetest.SQLite(b)
	a := app.New(s)
	ctx := context.Background()
	if _, err := jobs.New(ctx, s, a, jobs.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		b.Fatal(err)
	}
	owner, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
	agent, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "val@example.com", Name: "Val", Role: "service", Password: "a long enough password"})
	_, secret, _ := a.CreateToken(ctx, access.System, app.NewToken{UserID: agent.ID})
	var ids []string
	for i := range 100 {
		acc, err := a.CreateAccount(ctx, access.Actor{User: owner, Scope: access.ScopeWrite}, customer.Account{Name: fmt.Sprintf("Account %03d", i)}, true)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, acc.ID)
	}
	postParallel(b, a, "/api/v1/cases", secret, "opens/s", func(i int) any {
		return map[string]any{"account_id": ids[i%len(ids)], "subject": "Delivery arrived damaged", "priority": "high"}
	})
}

// postParallel POSTs bodies to path through the real server from 16
// concurrent clients, expecting 201 each time, and reports the rate as
// unit. Each client writes prepared HTTP/1.1 requests on its own
// keep-alive connection and reads only the status and body, as wrk does,
// so that the load generator takes little of the machine it measures.
func postParallel(b *testing.B, a *app.App, path, secret, unit string, body func(i int) any) {
	srv := httptest.NewServer(server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{}))
	defer srv.Close()
	const concurrency = 16
	b.SetParallelism((concurrency + 1) / max(1, runtimeProcs()))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			b.Error(err)
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		var req bytes.Buffer
		i := 0
		for pb.Next() {
			i++
			j, _ := json.Marshal(body(i))
			req.Reset()
			fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, secret, len(j))
			req.Write(j)
			if _, err := conn.Write(req.Bytes()); err != nil {
				b.Error(err)
				return
			}
			res, err := http.ReadResponse(r, nil)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), unit)
}
