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
	"tandem/internal/promise"
	"tandem/internal/promotion"
	"tandem/internal/rules"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

func addManager(t *testing.T, f fixture) access.Actor {
	t.Helper()
	u, _, err := f.app.AddUser(context.Background(), access.System, app.NewUser{Email: "mia@example.com", Name: "Mia Manager", Role: "manager",
		Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return access.Actor{User: u, Scope: access.ScopeAdmin}
}

// TestBlockExceptions: a promise a block policy refuses is recorded by a
// manager as an exception with a reason, never by anyone else; the
// promise keeps the policy and the reason, and the timeline says so.
func TestBlockExceptions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		mia := addManager(t, f)
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		block, err := f.app.SaveServicePolicy(ctx, mia, rules.Policy{Name: "Roadmap features", Statement: "Only features on the roadmap",
			Rule: `promise.kind == "feature"`, Severity: rules.Block}, 0)
		if err != nil {
			t.Fatal(err)
		}
		feature := promise.Promise{AccountID: acc.ID, Kind: promise.Feature, Description: "The ERP export ships in spring", DueAt: f.clock.Add(30 * 24 * time.Hour)}
		wantKind(t, errOf(f.app.MakePromise(ctx, mia, feature)), fault.Conflict)
		feature.ExceptionReason = "Product confirmed it is in the spring release"
		e := wantKind(t, errOf(f.app.MakePromise(ctx, f.sales, feature)), fault.Forbidden)
		if len(e.Fields) != 1 || e.Fields[0].Field != "exception_reason" {
			t.Fatalf("a sales user recording an exception: %+v", e)
		}
		p, err := f.app.MakePromise(ctx, mia, feature)
		if err != nil || !p.IsException() || p.ExceptionPolicyID != block.ID || p.ExceptionPolicyName != "Roadmap features" ||
			p.ExceptionReason != "Product confirmed it is in the spring release" {
			t.Fatalf("the exception: %+v %v", p, err)
		}
		got, _ := f.app.Promise(ctx, f.sales, p.ID)
		if got.ExceptionPolicyID != block.ID || got.ExceptionReason != p.ExceptionReason || got.Team != "sales" {
			t.Fatalf("stored: %+v", got)
		}
		events, _, err := f.app.Audit(ctx, mia, store.AuditFilter{Kind: "promise.made"}, store.Page{})
		if err != nil || len(events) != 1 {
			t.Fatal(events, err)
		}
		if line := event.Sentence(&events[0], map[string]string{mia.User.ID: "Mia Manager"}); !strings.Contains(line,
			"as an exception to the block policy “Roadmap features”: Product confirmed it is in the spring release") {
			t.Fatalf("the timeline: %q", line)
		}
		// Its maker corrects it later: the exception stays.
		words := "The ERP export ships in the spring release"
		if p, err = f.app.UpdatePromise(ctx, mia, p.ID, app.PromisePatch{Description: &words}, 0); err != nil || !p.IsException() {
			t.Fatalf("corrected: %+v %v", p, err)
		}
		// Without a block, there is no exception.
		other := promise.Promise{AccountID: acc.ID, Kind: promise.Callback, Description: "A call", DueAt: f.clock.Add(time.Hour), ExceptionReason: "just in case"}
		if p, err := f.app.MakePromise(ctx, f.sales, other); err != nil || p.IsException() || p.ExceptionReason != "" {
			t.Fatalf("no block: %+v %v", p, err)
		}
	})
}

// TestFaultyPolicyToldOncePerVersion: a rule that errors on a promise
// tells the managers once per version of the policy, not per promise.
func TestFaultyPolicyToldOncePerVersion(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		mia := addManager(t, f)
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		faulty, err := f.app.SaveServicePolicy(ctx, mia, rules.Policy{Name: "Per-unit", Statement: "At most 10 per unit", Severity: rules.Block,
			Rule: `promise.kind == "callback" && 10 / promise.amount_minor > 1`}, 0)
		if err != nil {
			t.Fatal(err)
		}
		call := promise.Promise{AccountID: acc.ID, Kind: promise.Callback, Description: "A call back", DueAt: f.clock.Add(time.Hour)}
		told := func() []inbox.Notification {
			t.Helper()
			list, _, err := f.app.Notifications(ctx, mia, store.NotificationFilter{Kind: inbox.PolicyFaulty}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		for range 3 {
			if p, err := f.app.MakePromise(ctx, f.sales, call); err != nil || len(p.PolicyWarnings) != 1 {
				t.Fatalf("a faulty rule warns: %+v %v", p, err)
			}
		}
		if list := told(); len(list) != 1 || list[0].URL != "/policies/"+faulty.ID || !strings.Contains(list[0].Message, "Per-unit") {
			t.Fatalf("told once: %+v", list)
		}
		if list, _, _ := f.app.Notifications(ctx, f.sales, store.NotificationFilter{Kind: inbox.PolicyFaulty}, store.Page{}); len(list) != 0 {
			t.Fatalf("sales was told: %+v", list)
		}
		faulty.Statement = "At most 10 per unit, really"
		if _, err := f.app.SaveServicePolicy(ctx, mia, faulty, 0); err != nil {
			t.Fatal(err)
		}
		f.tick(6 * time.Second) // past the policy cache of other processes
		if _, err := f.app.MakePromise(ctx, f.sales, call); err != nil {
			t.Fatal(err)
		}
		if list := told(); len(list) != 2 {
			t.Fatalf("a new version is told again: %+v", list)
		}
	})
}

// TestPolicyListsConflictingPromises: a saved policy lists the open and
// overdue promises it now conflicts with, and not the kept ones.
func TestPolicyListsConflictingPromises(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso", Tier: "gold"}, false)
		make := func(kind promise.Kind, words string, days int) promise.Promise {
			t.Helper()
			p, err := f.app.MakePromise(ctx, f.sales, promise.Promise{AccountID: acc.ID, Kind: kind, Description: words, DueAt: f.clock.Add(time.Duration(days) * 24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		soon := make(promise.Rebate, "Rebate by Friday", 3)
		make(promise.Rebate, "Rebate in two months", 60)
		kept := make(promise.Rebate, "Rebate tomorrow", 1)
		if _, _, err := f.app.TransitionPromise(ctx, f.sales, kept.ID, promise.Transition{To: promise.Kept}, nil, 0); err != nil {
			t.Fatal(err)
		}
		make(promise.Callback, "A call", 1)
		p, err := f.app.SaveServicePolicy(ctx, f.admin, rules.Policy{Name: "Rebate window", Statement: "Rebates take 6 weeks",
			Rule: `promise.kind == "rebate" && promise.due_in_days < 42 && account.tier == "gold" && maker.role == "sales"`, Severity: rules.Warn}, 0)
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.app.PolicyConflictingPromises(ctx, f.sales, p)
		if err != nil || r.Count != 1 || len(r.Promises) != 1 || r.Promises[0].ID != soon.ID || r.Promises[0].Account != "Contoso" ||
			r.Checked != 3 || !r.Complete {
			t.Fatalf("conflicting: %+v %v", r, err)
		}
		p.Active = false
		if r, _ := f.app.PolicyConflictingPromises(ctx, f.sales, p); r.Count != 0 {
			t.Fatalf("a removed policy conflicts with nothing: %+v", r)
		}
	})
}

// TestPromiseMeasures: the rate counts the promises due in the period
// (cancelled ones left out), kept on time over due, per person, team and
// account; the lists and the filters behind each number agree.
func TestPromiseMeasures(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		mia := addManager(t, f)
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		other, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Fabrikam"}, false)
		start := *f.clock
		day := 24 * time.Hour
		mk := func(who access.Actor, a customer.Account, days int, words string) promise.Promise {
			t.Helper()
			p, err := f.app.MakePromise(ctx, who, promise.Promise{AccountID: a.ID, Kind: promise.Callback, Description: words, DueAt: start.Add(time.Duration(days) * day)})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		onTime := mk(f.sales, acc, 1, "on time")
		late := mk(f.sales, acc, 2, "late")
		broken := mk(f.service, other, 3, "broken")
		overdue := mk(f.service, acc, 4, "overdue")
		cancelled := mk(f.sales, acc, 5, "cancelled")
		outside := mk(f.sales, other, 40, "outside the period")
		if _, err := f.app.SaveServicePolicy(ctx, mia, rules.Policy{Name: "Callbacks by noon", Statement: "No callbacks", Rule: `promise.kind == "callback"`,
			Severity: rules.Block}, 0); err != nil {
			t.Fatal(err)
		}
		exc, err := f.app.MakePromise(ctx, mia, promise.Promise{AccountID: other.ID, Kind: promise.Callback, Description: "exception", DueAt: start.Add(6 * day),
			ExceptionReason: "the customer's CEO asked"})
		if err != nil {
			t.Fatal(err)
		}
		keep := func(p promise.Promise, tr promise.Transition) {
			t.Helper()
			if _, _, err := f.app.TransitionPromise(ctx, mia, p.ID, tr, nil, 0); err != nil {
				t.Fatal(err)
			}
		}
		keep(onTime, promise.Transition{To: promise.Kept})
		keep(cancelled, promise.Transition{To: promise.Cancelled, Reason: "agreed"})
		keep(broken, promise.Transition{To: promise.Broken, Reason: "the van broke down"})
		f.tick(2*day + time.Hour) // late is past due
		keep(late, promise.Transition{To: promise.Kept})
		f.tick(10 * day)
		if err := f.app.CheckPromiseDue(ctx, overdue.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.app.PromiseMeasures(ctx, f.sales, start, start.Add(30*day))
		wantKind(t, err, fault.Forbidden)
		_, err = f.app.PromiseMeasures(ctx, mia, start, start)
		wantKind(t, err, fault.Invalid)

		m, err := f.app.PromiseMeasures(ctx, mia, start, start.Add(30*day))
		if err != nil {
			t.Fatal(err)
		}
		tot := m.Total
		if tot.Due != 5 || tot.KeptOnTime != 1 || tot.KeptLate != 1 || tot.Broken != 1 || tot.Overdue != 1 || tot.Open != 1 || tot.Exceptions != 1 || tot.Rate != 0.2 {
			t.Fatalf("total: %+v", tot)
		}
		byKey := func(list []app.PromiseRate) map[string]app.PromiseRate {
			out := map[string]app.PromiseRate{}
			for _, r := range list {
				out[r.Key] = r
			}
			return out
		}
		people, teams, accounts := byKey(m.ByPerson), byKey(m.ByTeam), byKey(m.ByAccount)
		if r := people[f.sales.User.ID]; r.Due != 2 || r.KeptOnTime != 1 || r.Rate != 0.5 || r.Name != f.sales.User.Name {
			t.Fatalf("sales person: %+v", r)
		}
		if r := teams["service"]; r.Due != 2 || r.Broken != 1 || r.Overdue != 1 || r.Rate != 0 {
			t.Fatalf("service team: %+v", r)
		}
		if r := teams["sales"]; r.Due != 3 || r.Exceptions != 1 {
			t.Fatalf("sales team (the manager speaks for sales): %+v", r)
		}
		if r := accounts[acc.ID]; r.Due != 3 || r.Name != "Contoso" || r.KeptOnTime != 1 || r.KeptLate != 1 {
			t.Fatalf("Contoso: %+v", r)
		}
		if len(m.Overdue) != 1 || m.Overdue[0].ID != overdue.ID || len(m.Broken) != 1 || m.Broken[0].BrokenReason != "the van broke down" ||
			len(m.Exceptions) != 1 || m.Exceptions[0].ID != exc.ID {
			t.Fatalf("lists: %+v %+v %+v", m.Overdue, m.Broken, m.Exceptions)
		}
		// The lists behind the numbers.
		list := func(pf store.PromiseFilter) []string {
			t.Helper()
			pf.DueAfter, pf.DueBefore = start, start.Add(30*day)
			l, _, err := f.app.Promises(ctx, mia, pf, store.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range l {
				ids = append(ids, p.ID)
			}
			return ids
		}
		no, yes := false, true
		if ids := list(store.PromiseFilter{Statuses: []promise.Status{promise.Kept}, KeptLate: &no}); len(ids) != 1 || ids[0] != onTime.ID {
			t.Fatalf("kept on time: %v", ids)
		}
		if ids := list(store.PromiseFilter{KeptLate: &yes}); len(ids) != 1 || ids[0] != late.ID {
			t.Fatalf("kept late: %v", ids)
		}
		if ids := list(store.PromiseFilter{Team: "service"}); len(ids) != 2 {
			t.Fatalf("service: %v", ids)
		}
		if ids := list(store.PromiseFilter{Exception: true}); len(ids) != 1 || ids[0] != exc.ID {
			t.Fatalf("exceptions: %v", ids)
		}
		if ids := list(store.PromiseFilter{Statuses: []promise.Status{promise.Open, promise.Overdue, promise.Kept, promise.Broken}}); len(ids) != 5 {
			t.Fatalf("due: %v", ids)
		}
		_ = outside
	})
}

// TestPromiseCitesPromotion: a promise names the promotion it comes from;
// one that does not exist is refused naming promotion_id.
func TestPromiseCitesPromotion(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		promo, err := f.app.CreatePromotion(ctx, f.admin, promotion.Promotion{Name: "Year's supply rebate", Terms: "8 % back", StartsAt: f.clock.Add(-time.Hour),
			EndsAt: f.clock.Add(90 * 24 * time.Hour), PromiseKind: "rebate", PromiseDays: 56, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		in := promise.Promise{AccountID: acc.ID, Kind: promise.Rebate, Description: "Your rebate within 56 days", DueAt: f.clock.Add(56 * 24 * time.Hour),
			PromotionID: "0190c6b2-0000-7000-8000-000000000000"}
		e := wantKind(t, errOf(f.app.MakePromise(ctx, f.service, in)), fault.Invalid)
		if fieldNames(e) != "promotion_id" {
			t.Fatalf("fields %s", fieldNames(e))
		}
		in.PromotionID = promo.ID
		p, err := f.app.MakePromise(ctx, f.service, in)
		if err != nil || p.PromotionID != promo.ID || p.Team != "service" {
			t.Fatalf("%+v %v", p, err)
		}
		if l, _, err := f.app.Promises(ctx, f.sales, store.PromiseFilter{PromotionID: promo.ID}, store.Page{}); err != nil || len(l) != 1 || l[0].PromotionID != promo.ID {
			t.Fatalf("by promotion: %+v %v", l, err)
		}
	})
}
