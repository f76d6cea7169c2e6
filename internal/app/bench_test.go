package app_test

import (
	"context"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/store/storetest"
)

// BenchmarkNotificationFanOut opens cases on an account whose owner is told
// (notify) and on one whose owner is the agent opening them (no one to
// tell); the difference is what telling the owner adds to the request.
func BenchmarkNotificationFanOut(b *testing.B) {
	a := app.New(storetest.SQLite(b))
	ctx := context.Background()
	add := func(email, role string) access.Actor {
		u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: email, Name: email, Role: role, Password: "a long enough password"})
		if err != nil {
			b.Fatal(err)
		}
		return access.Actor{User: u, Scope: access.ScopeAdmin}
	}
	sam, mia := add("sam@example.com", "sales"), add("mia@example.com", "manager")
	told, _ := a.CreateAccount(ctx, sam, customer.Account{Name: "Told"}, true)
	own, _ := a.CreateAccount(ctx, mia, customer.Account{Name: "Own", OwnerID: mia.User.ID}, true)
	for _, c := range []struct {
		name    string
		account string
	}{{"notify", told.ID}, {"none", own.ID}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := a.OpenCase(ctx, mia, cases.Case{AccountID: c.account, Subject: "Delivery arrived damaged"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
