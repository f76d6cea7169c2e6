package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/jobs"
	"tandem/internal/load"
	"tandem/internal/server"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// BenchmarkCreateInteractionAPI logs interactions through the HTTP API
// on SQLite with 16 concurrent clients.
func BenchmarkCreateInteractionAPI(b *testing.B) { benchCreateInteraction(b, storetest.SQLite(b)) }

// BenchmarkCreateInteractionAPIPostgres is the same on the PostgreSQL of
// TANDEM_TEST_POSTGRES.
func BenchmarkCreateInteractionAPIPostgres(b *testing.B) {
	benchCreateInteraction(b, storetest.Postgres(b))
}

func benchCreateInteraction(b *testing.B, s *store.Store) {
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

// BenchmarkTimelineAPI reads the first timeline page (50 items) of 100
// accounts, each with 200 interactions, 20 cases and their events,
// through the HTTP API on SQLite with 16 concurrent clients.
func BenchmarkTimelineAPI(b *testing.B) {
	s := storetest.SQLite(b)
	a := app.New(s)
	ctx := context.Background()
	if _, err := jobs.New(ctx, s, a, jobs.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		b.Fatal(err)
	}
	u, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
	_, secret, _ := a.CreateToken(ctx, access.System, app.NewToken{UserID: u.ID})
	actor := access.Actor{User: u, Scope: access.ScopeWrite}
	ids := make([]string, 100)
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for i := range ids {
		wg.Go(func() {
			acc, err := a.CreateAccount(ctx, actor, customer.Account{Name: fmt.Sprintf("Account %03d", i), OwnerID: u.ID}, true)
			for j := 0; j < 200 && err == nil; j++ {
				_, err = a.LogInteraction(ctx, actor, customer.Interaction{AccountID: acc.ID, Channel: "phone", Direction: "out",
					Summary: fmt.Sprintf("Call %d about the renewal", j), Body: "Talked through the renewal terms and the delivery dates."})
				if j%10 == 0 && err == nil {
					_, err = a.OpenCase(ctx, actor, cases.Case{AccountID: acc.ID, Subject: "Delivery arrived damaged", Priority: "high"})
				}
			}
			if err == nil {
				gold := "gold"
				_, err = a.UpdateAccount(ctx, actor, acc.ID, app.AccountPatch{Tier: &gold}, acc.Version)
			}
			ids[i] = acc.ID
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	runParallel(b, a, secret, "pages/s", load.Shape{Want: http.StatusOK, Next: func(c, i int) load.Request {
		return load.Request{Method: "GET", Path: "/api/v1/accounts/" + ids[(c*7919+i)%len(ids)] + "/timeline?limit=50"}
	}})
}

// postParallel POSTs bodies to path, expecting 201 each time.
func postParallel(b *testing.B, a *app.App, path, secret, unit string, body func(i int) any) {
	runParallel(b, a, secret, unit, load.Shape{Want: http.StatusCreated, Next: func(c, i int) load.Request {
		j, _ := json.Marshal(body(c*1_000_000 + i))
		return load.Request{Method: "POST", Path: path, Body: j}
	}})
}

// runParallel sends b.N requests of shape through the real server from 16
// concurrent clients (internal/load) and reports the rate as unit.
func runParallel(b *testing.B, a *app.App, secret, unit string, shape load.Shape) {
	srv := httptest.NewServer(server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{}))
	defer srv.Close()
	shape.Name = unit
	b.ResetTimer()
	res := load.Run(srv.Listener.Addr().String(), secret, 16, time.Hour, b.N, shape)
	if res.Errors > 0 {
		b.Fatalf("%d errors, the first: %s", res.Errors, res.FirstError)
	}
	b.ReportMetric(res.Throughput, unit)
}
