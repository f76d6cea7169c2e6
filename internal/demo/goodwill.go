package demo

import (
	"context"
	"time"

	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/goodwill"
	"tandem/internal/promise"
	"tandem/internal/promotion"
	"tandem/internal/store"
)

// goodwill adds the story's goodwill and promotion: Sam's credit to
// Contoso for the late rebate (within his limit), a request of his above
// it waiting for Mia, one Mia approved for Sue, and the year's-supply
// rebate that a Contoso case refers to.
func (b *book) goodwill(ctx context.Context) error {
	sam, sue, mia, val := b.actors["sam@example.com"], b.actors["sue@example.com"], b.actors["mia@example.com"], b.actors["val@example.com"]
	accs, _, err := b.app.Accounts(ctx, mia, store.AccountFilter{}, store.Page{Limit: 500})
	if err != nil {
		return err
	}
	byName := map[string]customer.Account{}
	for _, a := range accs {
		byName[a.Name] = a
	}
	contoso, northwind, fabrikam := byName["Contoso"], byName["Northwind Traders"], byName["Fabrikam"]

	b.clock = b.now.AddDate(0, -2, 0)
	promo, err := b.app.CreatePromotion(ctx, mia, promotion.Promotion{Name: "Year's supply rebate",
		Terms:    "Buy a year's supply in one order and get 8 % of it back as a rebate, paid within 56 days of the claim.",
		StartsAt: b.now.AddDate(0, -2, 0), EndsAt: b.now.AddDate(0, 4, 0), PromiseKind: "rebate", PromiseDays: 56, Active: true})
	if err != nil {
		return err
	}
	b.clock = b.now.AddDate(0, -1, 0)
	if _, err := b.app.CreatePromotion(ctx, mia, promotion.Promotion{Name: "VIP service weekend",
		Terms:    "VIP customers reach a service agent on Saturdays until the end of the quarter.",
		StartsAt: b.now.AddDate(0, -1, 0), EndsAt: b.now.AddDate(0, 2, 0), PromiseKind: "service_level", Active: true, Tiers: []string{"vip"}}); err != nil {
		return err
	}

	eur := func(euros int64) goodwill.Money { return goodwill.Money{Minor: euros * 100, Currency: "EUR"} }
	b.clock = b.now.AddDate(0, 0, -12)
	g, err := b.app.RequestGoodwill(ctx, sue, goodwill.Goodwill{AccountID: fabrikam.ID, Kind: goodwill.Discount, Amount: eur(300), Reason: "price increase"})
	if err != nil {
		return err
	}
	b.clock = b.clock.Add(3 * time.Hour)
	if _, err := b.app.DecideGoodwill(ctx, mia, g.ID, goodwill.Decision{Approve: true, Note: "They have been with us nine years."}, 0); err != nil {
		return err
	}
	b.clock = b.now.AddDate(0, 0, -3)
	if _, err := b.app.RequestGoodwill(ctx, sam, goodwill.Goodwill{AccountID: contoso.ID, Kind: goodwill.Credit, Amount: eur(150),
		Reason: "late rebate"}); err != nil {
		return err
	}
	// The customer asks service about the promotion.
	b.clock = b.now.Add(-26 * time.Hour)
	c, err := b.app.OpenCase(ctx, val, cases.Case{AccountID: contoso.ID, Subject: "When is the year's supply rebate paid?",
		Description: "They bought a year's supply in October under the " + promo.Name + " promotion and were told the rebate comes within 56 days.",
		Category:    "billing", Priority: "high"})
	if err != nil {
		return err
	}
	// Val answers with the promise the promotion implies, citing it.
	b.clock = b.clock.Add(40 * time.Minute)
	if _, err := b.app.MakePromise(ctx, val, promise.Promise{AccountID: contoso.ID, CaseID: c.ID, PromotionID: promo.ID, Kind: promise.Rebate,
		Description: "Your 8 % year's-supply rebate is paid within 56 days of your claim, by " + b.app.Now().AddDate(0, 0, 56).In(b.app.Zone()).Format("2 January") + ".",
		DueAt:       b.app.Now().AddDate(0, 0, 56)}); err != nil {
		return err
	}
	// Above Sam's limit: it waits for Mia.
	short, _, err := b.app.Cases(ctx, mia, store.CaseFilter{AccountID: northwind.ID, Statuses: cases.Unfinished}, store.Page{Limit: 1})
	if err != nil {
		return err
	}
	caseID := ""
	if len(short) > 0 {
		caseID = short[0].ID
	}
	b.clock = b.now.Add(-5 * time.Hour)
	_, err = b.app.RequestGoodwill(ctx, sam, goodwill.Goodwill{AccountID: northwind.ID, CaseID: caseID, Kind: goodwill.Credit, Amount: eur(450),
		Reason: "short delivery before a production run"})
	return err
}
