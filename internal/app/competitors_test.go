package app_test

import (
	"context"
	"testing"
	"time"

	"tandem/internal/app"
	"tandem/internal/competitor"
	"tandem/internal/customer"
	"tandem/internal/deal"
	"tandem/internal/fault"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

func TestCompetitorsAndShoppingSignals(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		b := orderSetup(t, s)
		ctx := context.Background()
		if _, err := b.app.CreateCompetitor(ctx, b.sales, competitor.Competitor{Name: "Globex"}); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("sales added a competitor: %v", err)
		}
		globex, err := b.app.CreateCompetitor(ctx, b.manager, competitor.Competitor{Name: " Globex ", Website: "https://globex.example", Active: true})
		if err != nil || globex.Name != "Globex" {
			t.Fatalf("created %+v %v", globex, err)
		}
		_, err = b.app.CreateCompetitor(ctx, b.manager, competitor.Competitor{Name: "GLOBEX Inc.", Active: true})
		if e := wantKind(t, err, fault.Conflict); len(e.Fields) != 1 || e.Fields[0].Field != "name" {
			t.Errorf("duplicate by key: %+v", e)
		}
		if got := fieldsOf(t, func() error {
			_, err := b.app.CreateCompetitor(ctx, b.manager, competitor.Competitor{Name: "", Website: "globex"})
			return err
		}()); got["name"] == "" || got["website"] == "" {
			t.Errorf("bad competitor: %v", got)
		}

		// A quote typed "globex inc" is spelled as the list does; a
		// comparison needs no competitor; a deal lost to "GLOBEX" counts.
		old := b.clock.Add(-100 * 24 * time.Hour)
		q, err := b.app.LogInteraction(ctx, b.service, customer.Interaction{AccountID: b.acc.ID, Channel: "phone", Direction: "in",
			Kind: customer.CompetitorQuote, Competitor: "globex inc", Summary: "Globex offered 8% less"})
		if err != nil || q.Competitor != "Globex" {
			t.Fatalf("quote %+v %v", q, err)
		}
		if _, err := b.app.LogInteraction(ctx, b.sales, customer.Interaction{AccountID: b.acc.ID, Channel: "meeting", Direction: "in",
			Kind: customer.Comparing, Summary: "They are comparing three suppliers"}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.app.LogInteraction(ctx, b.sales, customer.Interaction{AccountID: b.acc.ID, Channel: "phone", Direction: "in",
			Kind: customer.CompetitorQuote, Competitor: "Globex", Summary: "Too old to count", OccurredAt: old}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.app.LogInteraction(ctx, b.sales, customer.Interaction{AccountID: b.acc.ID, Channel: "phone", Direction: "in",
			Kind: customer.CompetitorQuote, Summary: "No name"}); fieldsOf(t, err)["competitor"] == "" {
			t.Errorf("a quote without a competitor: %v", err)
		}
		d, err := b.app.CreateDeal(ctx, b.sales, deal.Deal{AccountID: b.acc.ID, Title: "Pallet wrap", Amount: euro(50000)})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = b.app.MoveDeal(ctx, b.sales, d.ID, deal.Transition{To: deal.Lost, LostReason: "price", LostTo: "GLOBEX"}, 0); err != nil || d.LostTo != "Globex" {
			t.Fatalf("lost %+v %v", d, err)
		}
		other, _ := b.app.CreateAccount(ctx, b.sales, customer.Account{Name: "Fabrikam"}, false)
		if _, err := b.app.LogInteraction(ctx, b.sales, customer.Interaction{AccountID: other.ID, Channel: "email", Direction: "in",
			Kind: customer.CompetitorQuote, Competitor: "Hooli", Summary: "Hooli quoted"}); err != nil {
			t.Fatal(err)
		}

		sig, err := b.app.ShoppingSignals(ctx, b.service, b.acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sig.Quotes != 1 || sig.Compares != 1 || sig.Lost != 1 || len(sig.List) != 3 {
			t.Fatalf("signals %+v", sig)
		}
		for _, sg := range sig.List {
			if sg.Kind != competitor.Compares && sg.CompetitorID != globex.ID {
				t.Errorf("not matched to Globex: %+v", sg)
			}
		}
		if _, _, err := b.app.ShoppingTallies(ctx, b.sales, 90); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("sales saw the tallies: %v", err)
		}
		tallies, _, err := b.app.ShoppingTallies(ctx, b.manager, 90)
		if err != nil || len(tallies) != 2 || tallies[0].Competitor.ID != globex.ID || tallies[0].Quotes != 1 || tallies[0].LostDeals != 1 ||
			tallies[1].Competitor.Name != "Hooli" || tallies[1].Competitor.ID != "" {
			t.Fatalf("tallies %+v %v", tallies, err)
		}
		per, err := b.app.CompetitorSignals(ctx, b.sales, globex.ID)
		if err != nil || per.Quotes != 1 || per.Lost != 1 || per.Compares != 0 {
			t.Fatalf("Globex's signals %+v %v", per, err)
		}
		report, err := b.app.Competitors(ctx, b.manager, 90)
		if err != nil || len(report.Tallies) != 2 {
			t.Fatalf("report %+v %v", report, err)
		}

		// Renaming keeps the signals (they match by key, and a rename to
		// another key leaves the old spelling unmatched).
		notes, off := "Cheaper on wrap", false
		g2, err := b.app.UpdateCompetitor(ctx, b.manager, globex.ID, app.CompetitorPatch{Notes: &notes, Active: &off}, globex.Version)
		if err != nil || g2.Active || g2.Notes != notes || g2.Version != 2 {
			t.Fatalf("update %+v %v", g2, err)
		}
		if _, err := b.app.UpdateCompetitor(ctx, b.manager, globex.ID, app.CompetitorPatch{Notes: &notes}, 1); fault.KindOf(err) != fault.Stale {
			t.Errorf("stale update: %v", err)
		}
	})
}

func TestShareOfWallet(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		b := orderSetup(t, s)
		ctx := context.Background()
		o, err := b.app.RecordOrder(ctx, b.sales, app.OrderInput{AccountID: b.acc.ID, Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.app.TransitionOrder(ctx, b.sales, o.ID, order.Delivered, time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		v, err := b.app.AccountValue(ctx, b.service, b.acc.ID)
		if err != nil || v.ShareOfWallet != nil || v.CategorySpend != nil {
			t.Fatalf("no estimate yet: %+v %v", v, err)
		}
		if _, err := b.app.SetWallet(ctx, b.service, b.acc.ID, &money.Money{Minor: 80000, Currency: "EUR"}, ""); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("service estimated: %v", err)
		}
		got := fieldsOf(t, func() error {
			_, err := b.app.SetWallet(ctx, b.sales, b.acc.ID, &money.Money{Minor: 0, Currency: "XXX"}, "")
			return err
		}())
		if got["category_spend.amount_minor"] == "" || got["category_spend.currency"] == "" {
			t.Errorf("bad estimate: %v", got)
		}
		// 2 widgets at €100.00 delivered, of €800.00 a year: 25 %.
		if _, err := b.app.SetWallet(ctx, b.sales, b.acc.ID, &money.Money{Minor: 80000, Currency: "EUR"}, "their buyer"); err != nil {
			t.Fatal(err)
		}
		v, err = b.app.AccountValue(ctx, b.service, b.acc.ID)
		if err != nil || v.ShareOfWallet == nil || *v.ShareOfWallet != 0.25 || v.CategorySpend == nil || v.CategorySpend.Minor != 80000 {
			t.Fatalf("share %+v %v", v, err)
		}
		// In another currency it is kept but no share is shown.
		if _, err := b.app.SetWallet(ctx, b.sales, b.acc.ID, &money.Money{Minor: 80000, Currency: "USD"}, ""); err != nil {
			t.Fatal(err)
		}
		if v, _ = b.app.AccountValue(ctx, b.service, b.acc.ID); v.ShareOfWallet != nil || v.CategorySpend == nil {
			t.Errorf("another currency: %+v", v)
		}
		if _, err := b.app.SetWallet(ctx, b.sales, b.acc.ID, nil, ""); err != nil {
			t.Fatal(err)
		}
		if w, err := b.app.Wallet(ctx, b.service, b.acc.ID); err != nil || w != nil {
			t.Errorf("removed: %+v %v", w, err)
		}
	})
}

func TestStartDealFromInteraction(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		b := orderSetup(t, s)
		ctx := context.Background()
		in, err := b.app.LogInteraction(ctx, b.service, customer.Interaction{AccountID: b.acc.ID, Channel: "phone", Direction: "in",
			Outcome: "positive", Summary: "Happy with the fix; asked about a second line"})
		if err != nil {
			t.Fatal(err)
		}
		d, err := b.app.StartDealFromInteraction(ctx, b.service, in.ID, "Second line", euro(900000))
		if err != nil {
			t.Fatal(err)
		}
		if d.OwnerID != b.sales.User.ID || d.InteractionID != in.ID || d.Source != deal.SourceServiceFollowUp || d.CreatedByID != b.service.User.ID {
			t.Fatalf("deal %+v", d)
		}
		if got := fieldsOf(t, func() error {
			_, err := b.app.StartDealFromInteraction(ctx, b.service, in.ID, "", euro(1))
			return err
		}()); got["title"] == "" {
			t.Errorf("no title: %v", got)
		}
		if _, err := b.app.StartDealFromInteraction(ctx, b.service, "nope", "x", euro(1)); fault.KindOf(err) != fault.NotFound {
			t.Errorf("unknown interaction: %v", err)
		}
	})
}
