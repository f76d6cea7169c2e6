package server_test

import (
	"context"
	"maps"
	"net/url"
	"time"

	"tandem/internal/access"
	"tandem/internal/goodwill"
	"tandem/internal/promotion"
)

// pendingGoodwill is a request by the sales user above their limit.
func (w *world) pendingGoodwill() string {
	g, err := w.a.RequestGoodwill(context.Background(), w.actor("sales"), goodwill.Goodwill{AccountID: w.account.ID, Kind: "credit",
		Amount: goodwill.Money{Minor: 90000, Currency: "EUR"}, Reason: "late rebate"})
	if err != nil || g.Status != goodwill.Pending {
		w.t.Fatal(err, g.Status)
	}
	return g.ID
}

func (w *world) newPromotion() string {
	now := w.a.Now()
	p, err := w.a.CreatePromotion(context.Background(), w.actor("manager"), promotion.Promotion{Name: "Route promotion", Terms: "terms",
		StartsAt: now.Add(-time.Hour), EndsAt: now.Add(24 * time.Hour), Active: true})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

const limitsBody = `{"admin":{"absolute":{"amount_minor":500000,"currency":"EUR"},"share_bp":2500},` +
	`"manager":{"absolute":{"amount_minor":500000,"currency":"EUR"},"share_bp":2500},` +
	`"sales":{"absolute":{"amount_minor":20000,"currency":"EUR"},"share_bp":1000},` +
	`"service":{"absolute":{"amount_minor":10000,"currency":"EUR"},"share_bp":500}}`

// addGoodwillRows adds the rows of the goodwill and promotion routes.
func addGoodwillRows(api, pages map[string]row) {
	managers := []string{"admin", "manager"}
	gw := func(suffix, body string) call {
		return func(w *world) (string, string) { return "/api/v1/goodwill/" + w.pendingGoodwill() + suffix, body }
	}
	maps.Copy(api, map[string]row{
		"GET /api/v1/goodwill": {fixed("/api/v1/goodwill?status=pending", ""), apiRead},
		"POST /api/v1/goodwill": {func(w *world) (string, string) {
			return "/api/v1/goodwill", `{"account_id":"` + w.account.ID + `","kind":"credit","amount":{"amount_minor":5000,"currency":"EUR"},"reason":"late rebate"}`
		}, apiWrite(201)},
		"GET /api/v1/goodwill/{id}":          {gw("", ""), apiRead},
		"POST /api/v1/goodwill/{id}/approve": {gw("/approve", `{}`), apiOnly(200, managers...)},
		"POST /api/v1/goodwill/{id}/reject":  {gw("/reject", `{"note":"not this time"}`), apiOnly(200, managers...)},
		"GET /api/v1/goodwill-report":        {fixed("/api/v1/goodwill-report", ""), apiRole(200, access.ScopeRead, managers...)},
		"GET /api/v1/goodwill-limits":        {fixed("/api/v1/goodwill-limits", ""), apiRead},
		"PUT /api/v1/goodwill-limits":        {fixed("/api/v1/goodwill-limits", limitsBody), apiAdmin(200)},
		"GET /api/v1/promotions":             {fixed("/api/v1/promotions?running=true", ""), apiRead},
		"POST /api/v1/promotions": {fixed("/api/v1/promotions", `{"name":"Year's supply rebate","terms":"8 % back","starts_at":"2026-01-01T00:00:00Z",`+
			`"ends_at":"2027-01-01T00:00:00Z","promise_kind":"rebate","promise_days":56}`), apiOnly(201, managers...)},
		"GET /api/v1/promotions/{id}": {func(w *world) (string, string) { return "/api/v1/promotions/" + w.newPromotion(), "" }, apiRead},
		"PATCH /api/v1/promotions/{id}": {func(w *world) (string, string) { return "/api/v1/promotions/" + w.newPromotion(), `{"active":false}` },
			apiOnly(200, managers...)},
	})
	maps.Copy(pages, map[string]row{
		"GET /goodwill": {fixed("/goodwill?days=30", ""), pageRead},
		"POST /accounts/{id}/goodwill": {func(w *world) (string, string) {
			return "/accounts/" + w.account.ID + "/goodwill", form(url.Values{"goodwill_kind": {"credit"}, "amount": {"50.00"}, "currency": {"EUR"}, "reason": {"late rebate"}})
		}, formWrite(303)},
		"POST /goodwill/{id}/approve": {func(w *world) (string, string) { return "/goodwill/" + w.pendingGoodwill() + "/approve", "" },
			formOnly(303, managers...)},
		"POST /goodwill/{id}/reject": {func(w *world) (string, string) {
			return "/goodwill/" + w.pendingGoodwill() + "/reject", form(url.Values{"note": {"not this time"}})
		}, formOnly(303, managers...)},
		"GET /promotions": {fixed("/promotions", ""), pageRead},
		"POST /promotions": {fixed("/promotions", form(url.Values{"name": {"Spring"}, "terms": {"10 % off"}, "starts_at": {"2026-03-01"},
			"ends_at": {"2026-06-01"}, "promise_kind": {"discount"}, "promise_days": {"30"}, "active": {"1"}})), formOnly(303, managers...)},
		"POST /promotions/{id}": {func(w *world) (string, string) {
			return "/promotions/" + w.newPromotion(), form(url.Values{"name": {"Renamed"}, "terms": {"terms"}, "starts_at": {"2026-03-01"},
				"ends_at": {"2027-06-01"}, "version": {"1"}})
		}, formOnly(303, managers...)},
	})
}
