package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/jobs"
	"tandem/internal/load"
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
func BenchmarkOpenCaseAPI(b *testing.B) { benchOpenCase(b) }

// BenchmarkOpenCaseAPIWithEmail is BenchmarkOpenCaseAPI with email on: the
// owner's notification also goes to the outbox.
func BenchmarkOpenCaseAPIWithEmail(b *testing.B) {
	benchOpenCase(b, app.WithEmail("https://tandem.example"))
}

func benchOpenCase(b *testing.B, opts ...app.Option) {
	s := storetest.SQLite(b)
	a := app.New(s, opts...)
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
// concurrent clients (internal/load), expecting 201 each time, and reports
// the rate as unit.
func postParallel(b *testing.B, a *app.App, path, secret, unit string, body func(i int) any) {
	srv := httptest.NewServer(server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{}))
	defer srv.Close()
	shape := load.Shape{Name: unit, Want: http.StatusCreated, Next: func(c, i int) load.Request {
		j, _ := json.Marshal(body(c*1_000_000 + i))
		return load.Request{Method: "POST", Path: path, Body: j}
	}}
	b.ResetTimer()
	res := load.Run(srv.Listener.Addr().String(), secret, 16, time.Hour, b.N, shape)
	if res.Errors > 0 {
		b.Fatalf("%d errors, the first: %s", res.Errors, res.FirstError)
	}
	b.ReportMetric(res.Throughput, unit)
}
