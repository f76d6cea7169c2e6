package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/jobs"
	"tandem/internal/rules"
	"tandem/internal/store/storetest"
)

// BenchmarkMakePromiseAPI makes promises through the HTTP API on SQLite
// with 16 concurrent clients and 50 service policies in force (of the
// shapes managers write; five of them warn on these promises, so each is
// sent with an acknowledgement and keeps five policy warnings), the job
// queue connected: each promise is due in three days, so its overdue
// check is left to the planner.
func BenchmarkMakePromiseAPI(b *testing.B) { benchMakePromise(b, 72*time.Hour, true) }

// BenchmarkMakePromiseNoPoliciesAPI is BenchmarkMakePromiseAPI without
// service policies: the difference is what the checks cost.
func BenchmarkMakePromiseNoPoliciesAPI(b *testing.B) { benchMakePromise(b, 72*time.Hour, false) }

// BenchmarkMakePromiseDueNowAPI is BenchmarkMakePromiseAPI with promises
// due within a minute: each enqueues its check in its transaction.
func BenchmarkMakePromiseDueNowAPI(b *testing.B) { benchMakePromise(b, time.Minute, true) }

func benchMakePromise(b *testing.B, dueIn time.Duration, policies bool) {
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
	if policies {
		if n := benchPolicies(b, a); n != 50 {
			b.Fatalf("%d policies in force, want 50", n)
		}
	}
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
			"amount": map[string]any{"amount_minor": 120000, "currency": "EUR"}, "due_at": due,
			"acknowledgement": "The customer knows the payment window"}
	})
}

// benchPolicies writes 50 service policies as an admin: five warn on a
// rebate due within a week, the others (warn and block) miss it. It
// returns how many are in force.
func benchPolicies(b *testing.B, a *app.App) int {
	ctx := context.Background()
	ada, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "ada@example.com", Name: "Ada", Role: "admin", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	admin := access.Actor{User: ada, Scope: access.ScopeAdmin}
	shapes := []string{
		`promise.kind == "discount" && promise.currency == "EUR" && promise.amount_minor > %d00`,
		`account.tier == "vip" && promise.kind in ["callback", "service_level"] && promise.due_in_days > %d`,
		`maker.role == "service" && promise.description.contains("free %d")`,
		`promise.kind == "delivery_date" && promise.due_in_days < %d && account.tier != "gold"`,
		`promise.kind == "feature" && promise.due_in_days < %d`,
	}
	for i := range 50 {
		rule, severity := fmt.Sprintf(shapes[i%len(shapes)], i), []string{rules.Warn, rules.Block}[i%2]
		if i%10 == 0 {
			rule, severity = fmt.Sprintf(`promise.kind == "rebate" && promise.due_in_days < %d`, 42+i), rules.Warn
		}
		if _, err := a.SaveServicePolicy(ctx, admin, rules.Policy{Name: fmt.Sprintf("Policy %02d", i), Statement: "Policy " + rule, Rule: rule,
			Severity: severity, EffectiveFrom: time.Now().Add(-time.Hour)}, 0); err != nil {
			b.Fatal(err)
		}
	}
	ps, err := a.ServicePolicies(ctx, admin, false)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, p := range ps {
		if p.InForce(time.Now()) {
			n++
		}
	}
	return n
}
