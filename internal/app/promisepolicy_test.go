package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/promise"
	"tandem/internal/rules"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestPromisesAreCheckedAgainstPolicies: making a promise evaluates every
// policy in force: a warn refuses it until acknowledged and is kept on it,
// a block refuses it naming the policy, a rule that fails never blocks.
func TestPromisesAreCheckedAgainstPolicies(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso", Tier: "gold"}, false)
		save := func(name, rule, severity string) {
			t.Helper()
			if _, err := f.app.SaveServicePolicy(ctx, f.admin, rules.Policy{Name: name, Statement: name + " applies", Rule: rule, Severity: severity}, 0); err != nil {
				t.Fatal(err)
			}
		}
		save("Rebate payment window", `promise.kind == "rebate" && promise.due_in_days < 42`, rules.Warn)
		save("Discount approval", `promise.kind == "discount" && promise.amount_minor > 500000 && maker.role == "sales"`, rules.Block)
		save("Faulty", `promise.kind == "callback" && 10 / (promise.amount_minor - promise.amount_minor) > 1`, rules.Block)

		rebate := promise.Promise{AccountID: acc.ID, Kind: promise.Rebate, Description: "Your rebate is paid by Thursday",
			Amount: &promise.Money{Minor: 120000, Currency: "EUR"}, DueAt: f.clock.Add(72 * time.Hour)}
		_, err := f.app.MakePromise(ctx, f.sales, rebate)
		if e := wantKind(t, err, fault.Conflict); !strings.Contains(e.Message, "Rebate payment window") {
			t.Fatalf("a warning without an acknowledgement: %v", e)
		}
		rebate.Acknowledgement = "The customer knows it takes six weeks; we promised to chase it"
		p, err := f.app.MakePromise(ctx, f.sales, rebate)
		if err != nil || len(p.PolicyWarnings) != 1 || p.PolicyWarnings[0].Name != "Rebate payment window" {
			t.Fatalf("acknowledged: %+v %v", p.PolicyWarnings, err)
		}
		rebate.DueAt, rebate.Acknowledgement = f.clock.Add(60*24*time.Hour), ""
		if p, err := f.app.MakePromise(ctx, f.sales, rebate); err != nil || len(p.PolicyWarnings) != 0 {
			t.Fatalf("a rebate in 60 days conflicts with nothing: %+v %v", p.PolicyWarnings, err)
		}

		discount := promise.Promise{AccountID: acc.ID, Kind: promise.Discount, Description: "8% off the renewal",
			Amount: &promise.Money{Minor: 900000, Currency: "EUR"}, DueAt: f.clock.Add(72 * time.Hour), Acknowledgement: "anyway"}
		_, err = f.app.MakePromise(ctx, f.sales, discount)
		if e := wantKind(t, err, fault.Conflict); !strings.Contains(e.Message, "Discount approval") {
			t.Fatalf("a block: %v", e)
		}
		if _, err := f.app.MakePromise(ctx, f.service, discount); err != nil {
			t.Fatalf("the block names sales makers only: %v", err)
		}

		callback := promise.Promise{AccountID: acc.ID, Kind: promise.Callback, Description: "I'll call you back on Friday", DueAt: f.clock.Add(48 * time.Hour)}
		p, err = f.app.MakePromise(ctx, f.sales, callback)
		if err != nil || len(p.PolicyWarnings) != 1 || p.PolicyWarnings[0].Name != "Faulty" || !strings.Contains(p.PolicyWarnings[0].Statement, "failed") {
			t.Fatalf("a failing rule blocks nothing and is named: %+v %v", p.PolicyWarnings, err)
		}
	})
}
