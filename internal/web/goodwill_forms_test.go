package web_test

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"tandem/internal/access"
	"tandem/internal/goodwill"
	"tandem/internal/promotion"
)

// goodwillForms are the goodwill and promotion forms, filled in so that
// they would be saved by the admin: a request by Sam waiting for approval,
// and a promotion to edit.
func (x *site) goodwillForms() map[string]form {
	ctx := context.Background()
	sam := access.Actor{User: x.user, Scope: access.ScopeAdmin}
	g, err := x.a.RequestGoodwill(ctx, sam, goodwill.Goodwill{AccountID: x.account.ID, Kind: "credit", Amount: goodwill.Money{Minor: 90000, Currency: "EUR"},
		Reason: "late rebate"})
	if err != nil {
		x.t.Fatal(err)
	}
	now := x.a.Now()
	p, err := x.a.CreatePromotion(ctx, x.admin, promotion.Promotion{Name: "Year's supply rebate", Terms: "8 % back", StartsAt: now.Add(-time.Hour),
		EndsAt: now.AddDate(0, 2, 0), PromiseKind: "rebate", PromiseDays: 56, Active: true})
	if err != nil {
		x.t.Fatal(err)
	}
	promo := func(version string) url.Values {
		v := url.Values{"name": {"Spring"}, "terms": {"10 % off\nall spring"}, "starts_at": {"2026-03-01"}, "ends_at": {"2026-06-01"},
			"promise_kind": {"discount"}, "promise_days": {"30"}, "active": {"1"}, "tiers": {"gold"}}
		if version != "" {
			v.Set("version", version)
		}
		return v
	}
	return map[string]form{
		"POST /accounts/{id}/goodwill": {"/accounts/" + x.account.ID + "/goodwill", url.Values{"goodwill_kind": {"credit"}, "amount": {"150.00"},
			"currency": {"EUR"}, "reason": {"late rebate"}, "case_id": {x.caseID}}},
		"POST /goodwill/{id}/approve": {"/goodwill/" + g.ID + "/approve", url.Values{"version": {"1"}, "note": {"worth it"}}},
		"POST /goodwill/{id}/reject":  {"/goodwill/" + g.ID + "/reject", url.Values{"version": {"1"}, "note": {"too much\nfor a late rebate"}}},
		"POST /promotions":            {"/promotions", promo("")},
		"POST /promotions/{id}":       {"/promotions/" + p.ID, promo(fmt.Sprint(p.Version))},
	}
}
