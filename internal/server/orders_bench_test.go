package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/jobs"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/store/storetest"
)

// BenchmarkRecordOrderAPI records orders of 5 lines through the HTTP API
// on SQLite with 16 concurrent clients, the job queue connected: each
// line is priced from its product, the totals computed and the order
// numbered in its transaction, with its event.
func BenchmarkRecordOrderAPI(b *testing.B) {
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
	m, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia", Role: "manager", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	_, secret, _ := a.CreateToken(ctx, access.System, app.NewToken{UserID: u.ID})
	actor, manager := access.Actor{User: u, Scope: access.ScopeWrite}, access.Actor{User: m, Scope: access.ScopeWrite}
	var products []string
	for i := range 20 {
		p, err := a.CreateProduct(ctx, manager, order.Product{SKU: fmt.Sprintf("B-%02d", i), Name: fmt.Sprintf("Bench product %02d", i),
			UnitPrice: money.Money{Minor: int64(1000 + 250*i), Currency: "EUR"}, UnitCost: money.Money{Minor: int64(600 + 120*i), Currency: "EUR"}, Active: true})
		if err != nil {
			b.Fatal(err)
		}
		products = append(products, p.ID)
	}
	var ids []string
	for i := range 100 {
		acc, err := a.CreateAccount(ctx, actor, customer.Account{Name: fmt.Sprintf("Account %03d", i)}, true)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, acc.ID)
	}
	postParallel(b, a, "/api/v1/orders", secret, "orders/s", func(i int) any {
		lines := make([]any, 5)
		for k := range lines {
			lines[k] = map[string]any{"product_id": products[(i+k*3)%len(products)], "quantity": 1 + (i+k)%7}
		}
		return map[string]any{"account_id": ids[i%len(ids)], "lines": lines}
	})
}
