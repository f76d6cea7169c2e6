package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/goodwill"
	"tandem/internal/inbox"
	"tandem/internal/promotion"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

func eur(minor int64) goodwill.Money { return goodwill.Money{Minor: minor, Currency: "EUR"} }

func TestGoodwillWithinLimitAndApproval(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		u, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia Manager", Role: "manager", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		mia := access.Actor{User: u, Scope: access.ScopeAdmin}
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		unread := func(a access.Actor, kind string) []inbox.Notification {
			list, _, err := f.app.Notifications(ctx, a, store.NotificationFilter{UnreadOnly: true, Kind: kind}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}

		// Exactly at Sam's limit (€200): granted at once, nobody else decides.
		g, err := f.app.RequestGoodwill(ctx, f.sales, goodwill.Goodwill{AccountID: acc.ID, Kind: "credit", Amount: eur(20000), Reason: "late rebate"})
		if err != nil {
			t.Fatal(err)
		}
		if g.Status != goodwill.Approved || !g.WithinLimit || g.DecidedByID != "" || g.RequestedByID != f.sales.User.ID || g.Limit != eur(20000) {
			t.Fatalf("within the limit: %+v", g)
		}
		if n := unread(mia, inbox.GoodwillPending); len(n) != 0 {
			t.Fatalf("managers told of goodwill within a limit: %+v", n)
		}
		// One cent above: it waits, and Mia is told.
		p, err := f.app.RequestGoodwill(ctx, f.sales, goodwill.Goodwill{AccountID: acc.ID, Kind: "rebate_top_up", Amount: eur(20001), Reason: "Late rebate"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != goodwill.Pending || p.WithinLimit || !p.DecidedAt.IsZero() {
			t.Fatalf("above the limit: %+v", p)
		}
		if n := unread(mia, inbox.GoodwillPending); len(n) != 1 || n[0].SubjectID != p.ID || !strings.Contains(n[0].Message, "€200.01") {
			t.Fatalf("Mia's inbox: %+v", n)
		}
		// Sam cannot decide (not a manager); Mia cannot decide her own.
		_, err = f.app.DecideGoodwill(ctx, f.sales, p.ID, goodwill.Decision{Approve: true}, 0)
		wantKind(t, err, fault.Forbidden)
		own, err := f.app.RequestGoodwill(ctx, mia, goodwill.Goodwill{AccountID: acc.ID, Kind: "gift", Amount: eur(500001), Reason: "anniversary"})
		if err != nil || own.Status != goodwill.Pending {
			t.Fatalf("Mia above her limit: %v %+v", err, own)
		}
		e := wantKind(t, func() error {
			_, err := f.app.DecideGoodwill(ctx, mia, own.ID, goodwill.Decision{Approve: true}, 0)
			return err
		}(), fault.Invalid)
		if e.Fields[0].Field != "requested_by_id" {
			t.Fatalf("own approval: %+v", e)
		}
		if still, _ := f.app.Goodwill(ctx, mia, own.ID); still.Status != goodwill.Pending {
			t.Fatalf("own approval changed it: %+v", still)
		}
		// The admin decides Mia's; Mia approves Sam's and Sam hears of it.
		if _, err := f.app.DecideGoodwill(ctx, f.admin, own.ID, goodwill.Decision{Note: "too much"}, 0); err != nil {
			t.Fatal(err)
		}
		f.tick(time.Hour)
		d, err := f.app.DecideGoodwill(ctx, mia, p.ID, goodwill.Decision{Approve: true, Note: "worth keeping them"}, p.Version)
		if err != nil || d.Status != goodwill.Approved || d.DecidedByID != mia.User.ID || d.DecisionNote != "worth keeping them" {
			t.Fatalf("approve: %v %+v", err, d)
		}
		told := unread(f.sales, inbox.GoodwillDecided)
		if len(told) != 1 || !strings.Contains(told[0].Message, "Mia Manager approved") || told[0].AccountID != acc.ID {
			t.Fatalf("Sam's inbox: %+v", told)
		}
		if mine := unread(mia, inbox.GoodwillDecided); len(mine) != 1 || !strings.Contains(mine[0].Message, "turned down") {
			t.Fatalf("Mia's own decision: %+v", mine)
		}
		_, err = f.app.DecideGoodwill(ctx, f.admin, p.ID, goodwill.Decision{Note: "no"}, 0)
		wantKind(t, err, fault.Conflict)

		// The timeline has it in sentences.
		items, _, err := f.app.Timeline(ctx, f.sales, acc.ID, event.Filter{}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		users := map[string]string{f.sales.User.ID: "Sam Seller", mia.User.ID: "Mia Manager", f.admin.User.ID: "Ada Admin"}
		var lines []string
		for _, it := range items {
			if it.Event != nil && strings.HasPrefix(it.Event.Kind, "goodwill.") {
				lines = append(lines, event.Describe(it.Event, users).Text)
			}
		}
		for _, want := range []string{
			"sam@example.com granted Contoso a credit of €200.00: late rebate",
			"sam@example.com’s rebate top up of €200.01 for Contoso is waiting for approval: Late rebate",
			"Mia Manager approved sam@example.com’s rebate top up of €200.01 for Contoso (Late rebate): worth keeping them",
			"Ada Admin turned down Mia Manager’s gift of €5,000.01 for Contoso (anniversary): too much",
		} {
			found := false
			for _, l := range lines {
				found = found || l == want
			}
			if !found {
				t.Errorf("timeline lacks %q: %q", want, lines)
			}
		}

		// The report: approved only, reasons grouped ignoring case.
		r, err := f.app.GoodwillReport(ctx, mia, f.clock.Add(-24*time.Hour), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Total) != 1 || r.Total[0].TotalMinor != 40001 || r.Total[0].Count != 2 {
			t.Fatalf("total: %+v", r.Total)
		}
		if len(r.ByReason) != 1 || r.ByReason[0].TotalMinor != 40001 || len(r.ByKind) != 2 || r.ByKind[0].Key != "rebate_top_up" {
			t.Fatalf("by reason %+v, by kind %+v", r.ByReason, r.ByKind)
		}
		if len(r.ByPerson) != 1 || r.ByPerson[0].Key != f.sales.User.ID || len(r.ByAccount) != 1 || r.ByAccount[0].Key != acc.ID {
			t.Fatalf("by person %+v, by account %+v", r.ByPerson, r.ByAccount)
		}
		_, err = f.app.GoodwillReport(ctx, f.sales, time.Time{}, time.Time{})
		wantKind(t, err, fault.Forbidden)
		list, _, err := f.app.GoodwillList(ctx, f.service, store.GoodwillFilter{Status: goodwill.Pending}, store.Page{})
		if err != nil || len(list) != 0 {
			t.Fatalf("pending after deciding: %v %+v", err, list)
		}
	})
}

func TestGoodwillBadInputNamesTheField(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		other, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Fabrikam"}, false)
		c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: other.ID, Subject: "Late rebate"})
		if err != nil {
			t.Fatal(err)
		}
		ok := goodwill.Goodwill{AccountID: acc.ID, Kind: "credit", Amount: eur(100), Reason: "late rebate"}
		for _, bad := range []struct {
			field string
			edit  func(*goodwill.Goodwill)
		}{
			{"amount.amount_minor", func(g *goodwill.Goodwill) { g.Amount.Minor = -100 }},
			{"amount.currency", func(g *goodwill.Goodwill) { g.Amount.Currency = "EUX" }},
			{"kind", func(g *goodwill.Goodwill) { g.Kind = "bribe" }},
			{"reason", func(g *goodwill.Goodwill) { g.Reason = "  " }},
			{"account_id", func(g *goodwill.Goodwill) { g.AccountID = "01a20535-0000-7000-8000-000000000000" }},
			{"case_id", func(g *goodwill.Goodwill) { g.CaseID = c.ID }},
			{"case_id", func(g *goodwill.Goodwill) { g.CaseID = "01a20535-0000-7000-8000-000000000000" }},
		} {
			in := ok
			bad.edit(&in)
			_, err := f.app.RequestGoodwill(ctx, f.sales, in)
			e := wantKind(t, err, fault.Invalid)
			if len(e.Fields) != 1 || e.Fields[0].Field != bad.field {
				t.Errorf("%s: %+v", bad.field, e.Fields)
			}
		}
		list, _, _ := f.app.GoodwillList(ctx, f.sales, store.GoodwillFilter{}, store.Page{})
		if len(list) != 0 { // nothing half-written
			t.Fatalf("bad input wrote %d records", len(list))
		}
		// Goodwill is kept: the account cannot be deleted, and a merge moves it.
		if _, err := f.app.RequestGoodwill(ctx, f.sales, goodwill.Goodwill{AccountID: other.ID, Kind: "gift", Amount: eur(100), Reason: "sorry"}); err != nil {
			t.Fatal(err)
		}
		wantKind(t, f.app.DeleteAccount(ctx, f.admin, other.ID, 0), fault.Conflict)
		if _, err := f.app.MergeAccounts(ctx, f.admin, acc.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		if moved, _, _ := f.app.GoodwillList(ctx, f.sales, store.GoodwillFilter{AccountID: acc.ID}, store.Page{}); len(moved) != 1 {
			t.Fatalf("after the merge %d goodwill at the kept account", len(moved))
		}
		// Linked to its case and a promise by id.
		in := ok
		in.CaseID, in.PromiseID = "", "promise-1"
		g, err := f.app.RequestGoodwill(ctx, f.service, in)
		if err != nil || g.PromiseID != "promise-1" || g.Status != goodwill.Approved {
			t.Fatalf("%v %+v", err, g)
		}
		got, err := f.app.Goodwill(ctx, f.sales, g.ID)
		if err != nil || got.PromiseID != "promise-1" || got.Amount != eur(100) || got.Limit != eur(10000) {
			t.Fatalf("read back %v %+v", err, got)
		}
		// Limits are a setting: only admins change them, and they apply at once.
		ls := goodwill.DefaultLimits()
		ls[access.Sales] = goodwill.Limit{Absolute: eur(50), ShareBP: 1000}
		_, _, err = f.app.SaveGoodwillLimits(ctx, f.sales, ls, 0)
		wantKind(t, err, fault.Forbidden)
		if _, v, err := f.app.SaveGoodwillLimits(ctx, f.admin, ls, 0); err != nil || v != 1 {
			t.Fatalf("save limits: %v %d", err, v)
		}
		_, _, err = f.app.SaveGoodwillLimits(ctx, f.admin, ls, 0)
		wantKind(t, err, fault.Stale)
		g, err = f.app.RequestGoodwill(ctx, f.sales, ok)
		if err != nil || g.Status != goodwill.Pending {
			t.Fatalf("€1 against a €0.50 limit: %v %+v", err, g)
		}
	})
}

func TestPromotionsRunningForAnAccount(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		now := f.app.Now()
		p := promotion.Promotion{Name: "Year's supply rebate", Terms: "Buy a year's supply, get 8 % back", StartsAt: now.Add(-time.Hour),
			EndsAt: now.AddDate(0, 3, 0), PromiseKind: "rebate", PromiseDays: 56, Active: true}
		_, err := f.app.CreatePromotion(ctx, f.sales, p)
		wantKind(t, err, fault.Forbidden)
		yr, err := f.app.CreatePromotion(ctx, f.admin, p)
		if err != nil {
			t.Fatal(err)
		}
		vip := p
		vip.Name, vip.Tiers = "VIP spring", []string{"VIP"}
		if _, err := f.app.CreatePromotion(ctx, f.admin, vip); err != nil {
			t.Fatal(err)
		}
		bad := p
		bad.EndsAt = bad.StartsAt
		e := wantKind(t, func() error { _, err := f.app.CreatePromotion(ctx, f.admin, bad); return err }(), fault.Invalid)
		if e.Fields[0].Field != "ends_at" {
			t.Fatalf("%+v", e)
		}
		running, err := f.app.PromotionsFor(ctx, f.service, "standard")
		if err != nil || len(running) != 1 || running[0].ID != yr.ID || running[0].PromiseDays != 56 {
			t.Fatalf("standard: %v %+v", err, running)
		}
		if running, _ := f.app.PromotionsFor(ctx, f.service, "vip"); len(running) != 2 {
			t.Fatalf("vip: %+v", running)
		}
		off := false
		up, err := f.app.UpdatePromotion(ctx, f.admin, yr.ID, app.PromotionPatch{Active: &off}, yr.Version)
		if err != nil || up.Active || up.Version != 2 {
			t.Fatalf("%v %+v", err, up)
		}
		_, err = f.app.UpdatePromotion(ctx, f.admin, yr.ID, app.PromotionPatch{Active: &off}, 1)
		wantKind(t, err, fault.Stale)
		if running, _ := f.app.PromotionsFor(ctx, f.service, "standard"); len(running) != 0 {
			t.Fatalf("an inactive promotion runs: %+v", running)
		}
	})
}
