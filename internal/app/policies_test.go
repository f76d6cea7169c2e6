package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/rules"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

var rebatePolicy = rules.Policy{Name: "Rebate payment window", Statement: "Rebates are paid 6–8 weeks after the claim",
	Rule: `promise.kind == "rebate" && promise.due_in_days < 42`, Severity: rules.Warn}

func TestServicePoliciesSaveCheckAndNotify(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		add := func(email, role string) access.Actor {
			u, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: email, Name: email, Role: role, Password: "correct horse battery"})
			if err != nil {
				t.Fatal(err)
			}
			return access.Actor{User: u, Scope: access.ScopeAdmin}
		}
		mia, sue := add("mia@example.com", "manager"), add("sue@example.com", "sales")
		mia.User.Name = "Mia Manager"

		// Only managers and admins write policies; a read token may not either.
		for _, who := range []access.Actor{f.sales, f.service, {User: mia.User, Scope: access.ScopeRead}} {
			_, err := f.app.SaveServicePolicy(ctx, who, rebatePolicy, 0)
			wantKind(t, err, fault.Forbidden)
		}
		// A rule with a typo is refused naming the rule and the position.
		bad := rebatePolicy
		bad.Rule = `promise.kind == "rebate" && promise.due_in_dys < 42`
		e := wantKind(t, errOf(f.app.SaveServicePolicy(ctx, mia, bad, 0)), fault.Invalid)
		if len(e.Fields) != 1 || e.Fields[0].Field != "rule" || !strings.HasPrefix(e.Fields[0].Message, "line 1, column 36:") {
			t.Fatalf("typo: %+v", e.Fields)
		}
		bad.Rule = `promise.amount_minor + 1`
		e = wantKind(t, errOf(f.app.SaveServicePolicy(ctx, mia, bad, 0)), fault.Invalid)
		if e.Fields[0].Field != "rule" || !strings.Contains(e.Fields[0].Message, "true or false") {
			t.Fatalf("not a bool: %+v", e.Fields)
		}
		bad = rebatePolicy
		bad.Severity, bad.EffectiveFrom, bad.EffectiveTo = "stop", f.clock.Add(time.Hour), *f.clock
		e = wantKind(t, errOf(f.app.SaveServicePolicy(ctx, mia, bad, 0)), fault.Invalid)
		if fields := fieldNames(e); fields != "severity,effective_to" {
			t.Fatalf("fields %s", fields)
		}
		if ps, _ := f.app.ServicePolicies(ctx, f.sales, true); len(ps) != 0 {
			t.Fatalf("a refused policy was saved: %+v", ps)
		}

		p, err := f.app.SaveServicePolicy(ctx, mia, rebatePolicy, 0)
		if err != nil || p.Version != 1 || p.ID == "" || !p.EffectiveFrom.Equal(*f.clock) || !p.Active {
			t.Fatalf("save: %v %+v", err, p)
		}
		// Every sales user hears of it, nobody else.
		for _, who := range []access.Actor{f.sales, sue} {
			list, _, _ := f.app.Notifications(ctx, who, store.NotificationFilter{}, store.Page{})
			if len(list) != 1 || list[0].Kind != inbox.PolicyChanged || list[0].URL != "/policies/"+p.ID ||
				!strings.Contains(list[0].Message, "Rebates are paid 6–8 weeks after the claim") {
				t.Fatalf("%s was not told: %+v", who.User.Email, list)
			}
		}
		for _, who := range []access.Actor{f.service, f.admin, mia} {
			if list, _, _ := f.app.Notifications(ctx, who, store.NotificationFilter{}, store.Page{}); len(list) != 0 {
				t.Fatalf("%s was told: %+v", who.User.Email, list)
			}
		}
		// The save is an event in words.
		events, _, err := f.app.Audit(ctx, mia, store.AuditFilter{Kind: "policy.set"}, store.Page{})
		if err != nil || len(events) != 1 {
			t.Fatalf("audit: %v %+v", err, events)
		}
		users := map[string]string{mia.User.ID: "Mia Manager"}
		if got := event.Sentence(&events[0], users); got != "Mia Manager set the policy “Rebate payment window”: Rebates are paid 6–8 weeks after the claim (warn)" {
			t.Errorf("sentence %q", got)
		}

		block := rules.Policy{Name: "Discounts over 20%", Statement: "Discounts above 20% of the order need the sales director",
			Rule: `promise.kind == "discount" && promise.description.contains("%") && maker.role == "sales"`, Severity: rules.Block}
		if _, err := f.app.SaveServicePolicy(ctx, f.admin, block, 0); err != nil {
			t.Fatal(err)
		}
		vip, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso", Tier: "vip"}, false)
		tierRule := rules.Policy{Name: "VIP callbacks", Statement: "VIP callbacks are within a day", Severity: rules.Warn,
			Rule: `account.tier == "vip" && promise.kind == "callback" && promise.due_in_days > 1`}
		if _, err := f.app.SaveServicePolicy(ctx, mia, tierRule, 0); err != nil {
			t.Fatal(err)
		}

		check := func(who access.Actor, d app.PromiseDraft) []rules.Conflict {
			t.Helper()
			cs, err := f.app.CheckPromise(ctx, who, d)
			if err != nil {
				t.Fatal(err)
			}
			return cs
		}
		day := 24 * time.Hour
		if cs := check(f.sales, app.PromiseDraft{Kind: "rebate", AmountMinor: 120000, Currency: "EUR", DueAt: f.clock.Add(10 * day)}); len(cs) != 1 ||
			cs[0].PolicyID != p.ID || cs[0].Severity != rules.Warn || rules.Blocked(cs) {
			t.Fatalf("rebate in 10 days: %+v", cs)
		}
		if cs := check(f.sales, app.PromiseDraft{Kind: "rebate", DueAt: f.clock.Add(50 * day)}); len(cs) != 0 {
			t.Fatalf("rebate in 50 days: %+v", cs)
		}
		if cs := check(f.sales, app.PromiseDraft{Kind: "discount", Description: "25% off the next order", DueAt: f.clock.Add(day)}); !rules.Blocked(cs) || cs[0].Name != block.Name {
			t.Fatalf("discount by sales: %+v", cs)
		}
		if cs := check(mia, app.PromiseDraft{Kind: "discount", Description: "25% off the next order"}); len(cs) != 0 {
			t.Fatalf("discount by a manager: %+v", cs)
		}
		if cs := check(f.service, app.PromiseDraft{Kind: "callback", AccountID: vip.ID, DueAt: f.clock.Add(3 * day)}); len(cs) != 1 || cs[0].Name != "VIP callbacks" {
			t.Fatalf("VIP callback in 3 days: %+v", cs)
		}
		_, err = f.app.CheckPromise(ctx, f.sales, app.PromiseDraft{Kind: "bribe", AmountMinor: -1, Currency: "XYZ", AccountID: "0190c6b2-0000-7000-8000-000000000000"})
		if fields := fieldNames(wantKind(t, err, fault.Invalid)); fields != "kind,amount.amount_minor,amount.currency,account_id" {
			t.Fatalf("bad draft fields %s", fields)
		}

		// A new version replaces the rule at once; a stale version is refused.
		changed := p
		changed.Rule = `promise.kind == "rebate" && promise.due_in_days < 56`
		_, err = f.app.SaveServicePolicy(ctx, mia, changed, 7)
		wantKind(t, err, fault.Stale)
		changed, err = f.app.SaveServicePolicy(ctx, mia, changed, 1)
		if err != nil || changed.Version != 2 {
			t.Fatalf("update: %v %+v", err, changed)
		}
		if cs := check(f.sales, app.PromiseDraft{Kind: "rebate", DueAt: f.clock.Add(50 * day)}); len(cs) != 1 {
			t.Fatalf("after the change, rebate in 50 days: %+v", cs)
		}
		if list, _, _ := f.app.Notifications(ctx, sue, store.NotificationFilter{}, store.Page{}); len(list) != 4 || !strings.HasPrefix(list[0].Message, "Service policy changed") {
			t.Fatalf("the change was not told: %+v", list)
		}

		// A rule that fails on the facts is a faulty warning, never a block.
		faulty := rules.Policy{Name: "Per-day amount", Statement: "No more than 100 a day", Severity: rules.Block,
			Rule: `promise.amount_minor / promise.due_in_days > 10000`}
		if _, err := f.app.SaveServicePolicy(ctx, mia, faulty, 0); err != nil {
			t.Fatal(err)
		}
		cs, err := f.app.CheckPromiseFacts(ctx, f.sales, rules.Facts{Kind: "other", AmountMinor: 100, DueInDays: 0})
		if err != nil || len(cs) != 1 || !cs[0].Faulty || cs[0].Severity != rules.Warn || rules.Blocked(cs) {
			t.Fatalf("faulty: %v %+v", err, cs)
		}

		// Removed, a policy no longer applies.
		if _, err := f.app.RemoveServicePolicy(ctx, f.sales, changed.ID, 0); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("sales removed a policy: %v", err)
		}
		if _, err := f.app.RemoveServicePolicy(ctx, mia, changed.ID, 0); err != nil {
			t.Fatal(err)
		}
		if cs := check(f.sales, app.PromiseDraft{Kind: "rebate", DueAt: f.clock.Add(day)}); len(cs) != 0 {
			t.Fatalf("a removed policy applies: %+v", cs)
		}
		if ps, _ := f.app.ServicePolicies(ctx, f.service, false); len(ps) != 3 {
			t.Fatalf("active policies: %d", len(ps))
		}

		// A policy effective next week does not apply yet.
		later := rebatePolicy
		later.Name, later.EffectiveFrom = "Later", f.clock.Add(7*day)
		if _, err := f.app.SaveServicePolicy(ctx, mia, later, 0); err != nil {
			t.Fatal(err)
		}
		if cs := check(f.sales, app.PromiseDraft{Kind: "rebate", DueAt: f.clock.Add(day)}); len(cs) != 0 {
			t.Fatalf("a future policy applies: %+v", cs)
		}
		f.tick(8 * day)
		if cs := check(f.sales, app.PromiseDraft{Kind: "rebate", DueAt: f.clock.Add(day)}); len(cs) != 1 || cs[0].Name != "Later" {
			t.Fatalf("a policy in force does not apply: %+v", cs)
		}
	})
}

// TestServicePoliciesAreReadFromTheStore shows a second process (another
// app over the same store) following a saved policy.
func TestServicePoliciesAreReadFromTheStore(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		if _, err := f.app.SaveServicePolicy(ctx, f.admin, rebatePolicy, 0); err != nil {
			t.Fatal(err)
		}
		other := app.New(s, app.WithClock(func() time.Time { return *f.clock }))
		cs, err := other.CheckPromiseFacts(ctx, f.sales, rules.Facts{Kind: "rebate", DueInDays: 3})
		if err != nil || len(cs) != 1 || cs[0].Faulty {
			t.Fatalf("another process: %v %+v", err, cs)
		}
	})
}

func errOf[T any](_ T, err error) error { return err }

func fieldNames(e *fault.Error) string {
	var names []string
	for _, f := range e.Fields {
		names = append(names, f.Field)
	}
	return strings.Join(names, ",")
}
