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
	"tandem/internal/deal"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/promise"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

func euro(minor int64) promise.Money { return promise.Money{Minor: minor, Currency: "EUR"} }

func TestDealsCreateMoveWinLose(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		u, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: "sue@example.com", Name: "Sue Seller", Role: "sales", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		sue := access.Actor{User: u, Scope: access.ScopeAdmin}
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)

		d, err := f.app.CreateDeal(ctx, f.sales, deal.Deal{AccountID: acc.ID, Title: " Renewal  2027 ", Amount: euro(1200000),
			ExpectedClose: time.Date(2026, 2, 20, 15, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if d.OwnerID != f.sales.User.ID || d.Stage != "qualify" || d.Source != "new" || d.Title != "Renewal 2027" || d.Version != 1 {
			t.Fatalf("created: %+v", d)
		}
		// Bad input names the fields and writes nothing.
		_, err = f.app.CreateDeal(ctx, f.sales, deal.Deal{AccountID: "nope", Amount: promise.Money{Minor: -5, Currency: "EUR"}, Stage: "won"})
		e := wantKind(t, err, fault.Invalid)
		got := map[string]bool{}
		for _, fe := range e.Fields {
			got[fe.Field] = true
		}
		for _, want := range []string{"account_id", "title", "amount.amount_minor", "stage"} {
			if !got[want] {
				t.Errorf("no error on %s: %+v", want, e.Fields)
			}
		}
		// Sue may not move Sam's deal, nor give herself one of his.
		_, err = f.app.MoveDeal(ctx, sue, d.ID, deal.Transition{To: "propose"}, 0)
		wantKind(t, err, fault.Forbidden)
		_, err = f.app.CreateDeal(ctx, sue, deal.Deal{AccountID: acc.ID, Title: "x", Amount: euro(1), OwnerID: f.sales.User.ID})
		wantKind(t, err, fault.Forbidden)

		f.tick(time.Hour)
		m, err := f.app.MoveDeal(ctx, f.sales, d.ID, deal.Transition{To: "negotiate"}, d.Version)
		if err != nil || m.Stage != "negotiate" || m.Version != 2 {
			t.Fatalf("move: %v %+v", err, m)
		}
		_, err = f.app.MoveDeal(ctx, f.sales, d.ID, deal.Transition{To: "propose"}, d.Version)
		wantKind(t, err, fault.Stale)
		_, err = f.app.MoveDeal(ctx, f.sales, d.ID, deal.Transition{To: "lost"}, 0)
		if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "lost_reason" {
			t.Fatalf("lost without a reason: %+v", e)
		}
		if open, _ := f.app.OpenPipeline(ctx, acc.ID); open != euro(1200000) {
			t.Fatalf("open pipeline: %+v", open)
		}
		w, err := f.app.MoveDeal(ctx, f.sales, d.ID, deal.Transition{To: "won"}, 0)
		if err != nil || w.WonAt.IsZero() {
			t.Fatalf("won: %v %+v", err, w)
		}
		_, err = f.app.MoveDeal(ctx, f.admin, d.ID, deal.Transition{To: "lost", LostReason: "price"}, 0)
		wantKind(t, err, fault.Conflict)
		_, err = f.app.UpdateDeal(ctx, f.sales, d.ID, app.DealPatch{Title: ptr("changed")}, 0)
		wantKind(t, err, fault.Conflict)

		l, err := f.app.CreateDeal(ctx, f.admin, deal.Deal{AccountID: acc.ID, Title: "Pallet wrap", Amount: euro(50000), Stage: "propose"})
		if err != nil || l.OwnerID != f.sales.User.ID {
			t.Fatalf("manager's deal for the account's owner: %v %+v", err, l)
		}
		if _, err := f.app.MoveDeal(ctx, f.admin, l.ID, deal.Transition{To: "lost", LostReason: "price", LostTo: "Globex"}, 0); err != nil {
			t.Fatal(err)
		}
		if open, _ := f.app.OpenPipeline(ctx, acc.ID); open != euro(0) {
			t.Fatalf("open pipeline after win and loss: %+v", open)
		}
		rep, err := f.app.Competitors(ctx, f.admin, 90)
		if err != nil || len(rep.LostTo) != 1 || rep.LostTo[0] != (store.CompetitorCount{Competitor: "Globex", Count: 1}) {
			t.Fatalf("competitors: %v %+v", err, rep)
		}
		_, err = f.app.Competitors(ctx, f.sales, 90)
		wantKind(t, err, fault.Forbidden)

		items, _, err := f.app.Timeline(ctx, f.sales, acc.ID, event.Filter{}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		users := map[string]string{f.sales.User.ID: "Sam Seller", f.admin.User.ID: "Ada Admin"}
		var lines []string
		for _, it := range items {
			if it.Event != nil && strings.HasPrefix(it.Event.Kind, "deal.") {
				lines = append(lines, event.Describe(it.Event, users).Text)
			}
		}
		for _, want := range []string{
			"Sam Seller moved “Renewal 2027” for Contoso to negotiate (60 %)",
			"Sam Seller won “Renewal 2027” for Contoso: €12,000.00",
			"Ada Admin lost “Pallet wrap” for Contoso to Globex: price",
		} {
			if !strings.Contains(strings.Join(lines, "\n"), want) {
				t.Errorf("timeline lacks %q: %q", want, lines)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestServiceStartsDealForOwner(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Pallets arrived short"})
		if err != nil {
			t.Fatal(err)
		}
		// Service starts deals from cases only.
		_, err = f.app.CreateDeal(ctx, f.service, deal.Deal{AccountID: acc.ID, Title: "More pallets", Amount: euro(100)})
		wantKind(t, err, fault.Forbidden)

		d, err := f.app.StartDealFromCase(ctx, f.service, c.ID, "Second warehouse", euro(800000))
		if err != nil {
			t.Fatal(err)
		}
		if d.OwnerID != f.sales.User.ID || d.CreatedByID != f.service.User.ID || d.Source != deal.SourceServiceFollowUp || d.CaseID != c.ID {
			t.Fatalf("service deal: %+v", d)
		}
		list, _, err := f.app.Notifications(ctx, f.sales, store.NotificationFilter{UnreadOnly: true, Kind: inbox.NextSale}, store.Page{})
		if err != nil || len(list) != 1 || list[0].SubjectID != d.ID || !strings.Contains(list[0].Message, "Second warehouse") {
			t.Fatalf("Sam's inbox: %v %+v", err, list)
		}
		// Service cannot move it; Sam wins it, and the report counts it for both.
		_, err = f.app.MoveDeal(ctx, f.service, d.ID, deal.Transition{To: "won"}, 0)
		wantKind(t, err, fault.Forbidden)
		if _, err := f.app.MoveDeal(ctx, f.sales, d.ID, deal.Transition{To: "won"}, 0); err != nil {
			t.Fatal(err)
		}
		r, err := f.app.ServiceRevenue(ctx, f.admin, f.clock.AddDate(0, -1, 0), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Count != 1 || len(r.Total) != 1 || r.Total[0] != euro(800000) || len(r.ByStarter) != 1 || r.ByStarter[0].UserID != f.service.User.ID ||
			r.ByOwner[0].UserID != f.sales.User.ID || r.ByOwner[0].Month != "2026-03" {
			t.Fatalf("report: %+v", r)
		}
		mine, err := f.app.MyOpenDeals(ctx, f.sales, 10)
		if err != nil || len(mine) != 0 {
			t.Fatalf("open deals after the win: %v %+v", err, mine)
		}
	})
}

func TestPipelineSetting(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		p, v, err := f.app.Pipeline(ctx, f.sales)
		if err != nil || v != 0 || len(p.Stages) != 5 {
			t.Fatalf("default: %v %d %+v", err, v, p)
		}
		p.Stages = append([]deal.Stage{{Key: "discover", Probability: 5}}, p.Stages...)
		_, _, err = f.app.SavePipeline(ctx, f.sales, p, 0)
		wantKind(t, err, fault.Forbidden)
		saved, v, err := f.app.SavePipeline(ctx, f.admin, p, 0)
		if err != nil || v != 1 || saved.Stages[0].Name != "Discover" {
			t.Fatalf("save: %v %d %+v", err, v, saved)
		}
		_, _, err = f.app.SavePipeline(ctx, f.admin, p, 0)
		wantKind(t, err, fault.Stale)
		bad := deal.Pipeline{Stages: []deal.Stage{{Key: "won", Probability: 50}}}
		_, _, err = f.app.SavePipeline(ctx, f.admin, bad, -1)
		wantKind(t, err, fault.Invalid)
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		d, err := f.app.CreateDeal(ctx, f.sales, deal.Deal{AccountID: acc.ID, Title: "Trial", Amount: euro(100)})
		if err != nil || d.Stage != "discover" {
			t.Fatalf("first stage: %v %+v", err, d)
		}
	})
}
