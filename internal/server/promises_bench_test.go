package server_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/jobs"
	"tandem/internal/store/storetest"
)

// BenchmarkMakePromiseAPI makes promises through the HTTP API on SQLite
// with 16 concurrent clients, the job queue connected: each promise is
// due in three days, so its overdue check is left to the planner.
func BenchmarkMakePromiseAPI(b *testing.B) { benchMakePromise(b, 72*time.Hour) }

// BenchmarkMakePromiseDueNowAPI is BenchmarkMakePromiseAPI with promises
// due within a minute: each enqueues its check in its transaction.
func BenchmarkMakePromiseDueNowAPI(b *testing.B) { benchMakePromise(b, time.Minute) }

func benchMakePromise(b *testing.B, dueIn time.Duration) {
	s := storetest.SQLite(b)
	a := app.New(s)
	ctx := context.Background()
	if _, err := jobs.New(ctx, s, a, jobs.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		b.Fatal(err)
	}
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
	due := time.Now().Add(dueIn).UTC().Format(time.RFC3339)
	postParallel(b, a, "/api/v1/promises", secret, "promises/s", func(i int) any {
		return map[string]any{"account_id": ids[i%len(ids)], "kind": "rebate", "description": "Your rebate is credited by Thursday",
			"amount": map[string]any{"amount_minor": 120000, "currency": "EUR"}, "due_at": due}
	})
}
