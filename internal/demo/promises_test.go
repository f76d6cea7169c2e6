package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/demo"
	"tandem/internal/promise"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestDemoPromises: the book tells the promise story on the first visit.
func TestDemoPromises(t *testing.T) {
	ctx := context.Background()
	s := storetest.SQLite(t)
	a := app.New(s)
	if _, err := demo.Load(ctx, a, 20); err != nil {
		t.Fatal(err)
	}
	users, err := a.Users(ctx, access.System)
	if err != nil {
		t.Fatal(err)
	}
	var mia access.Actor
	for _, u := range users {
		if u.Email == "mia@example.com" {
			mia = access.Actor{User: u, Scope: access.ScopeAdmin}
		}
	}
	list, _, err := a.Promises(ctx, mia, store.PromiseFilter{}, store.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	count := map[promise.Status]int{}
	rebate := false
	orders := map[promise.Status]int{}
	for _, p := range list {
		if strings.HasPrefix(p.Description, "Order #") { // the orders' delivery promises (orders.go)
			orders[p.Status]++
			continue
		}
		count[p.Status]++
		if p.Kind == promise.Rebate && p.Status == promise.Open && p.DueAt.In(a.Zone()).Weekday() == time.Thursday && p.DueAt.Sub(a.Now()) < 8*24*time.Hour {
			rebate = true
		}
	}
	if !rebate || count[promise.Overdue] != 1 || count[promise.Kept] < 2 || count[promise.Broken] != 1 {
		t.Fatalf("the demo's promises: %v, rebate due Thursday: %v", count, rebate)
	}
	if orders[promise.Broken] < 2 || orders[promise.Kept] < 20 {
		t.Fatalf("the orders' delivery promises: %v (some deliveries were late)", orders)
	}
	accs, _, err := a.Accounts(ctx, mia, store.AccountFilter{}, store.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, acc := range accs {
		if acc.Name != "Contoso" && acc.Name != "Fabrikam" {
			continue
		}
		v, err := a.AccountValue(ctx, mia, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if acc.Name == "Contoso" && (v.Orders12m < 10 || v.Margin12m.Minor <= 0 || v.Revenue12m.Currency != "EUR") {
			t.Errorf("Contoso buys every month: %+v", v)
		}
		if acc.Name == "Fabrikam" && (v.LastOrderAt == nil || a.Now().Sub(*v.LastOrderAt) < 120*24*time.Hour) {
			t.Errorf("Fabrikam lapsed months ago: %+v", v)
		}
	}
	caseID := ""
	exception, cited := false, false
	for _, p := range list {
		if p.CaseID != "" && p.PromotionID == "" {
			caseID = p.CaseID
		}
		exception = exception || (p.IsException() && p.ExceptionPolicyName == "Roadmap features" && p.ExceptionReason != "")
		cited = cited || (p.PromotionID != "" && p.Kind == promise.Rebate && p.CaseID != "")
	}
	if !exception || !cited {
		t.Fatalf("the demo's exception to a block policy (%v) and the promise citing a promotion (%v)", exception, cited)
	}
	beside, err := a.PromisesDueSoon(ctx, mia, store.PromiseFilter{CaseID: caseID}, 10)
	if err != nil || caseID == "" || len(beside) != 2 {
		t.Fatalf("promises beside Northwind's case: %v %v", beside, err)
	}
	c, err := a.Case(ctx, mia, caseID)
	if err != nil || c.Subject != "Pallets arrived short by four units" {
		t.Fatalf("the case: %+v %v", c, err)
	}
}
