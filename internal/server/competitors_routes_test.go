package server_test

import (
	"context"
	"maps"
	"net/url"
	"testing"

	"github.com/google/uuid"

	"tandem/internal/competitor"
)

// newCompetitor is a competitor on the list, named uniquely.
func (w *world) newCompetitor() string {
	c, err := w.a.CreateCompetitor(context.Background(), w.actor("manager"), competitor.Competitor{Name: "Rival " + uuid.NewString(), Active: true})
	if err != nil {
		w.t.Fatal(err)
	}
	return c.ID
}

// addCompetitorRows adds the rows of the competitor, shopping signal and
// share-of-wallet routes, and of the deal page.
func addCompetitorRows(api, pages map[string]row) {
	managers := []string{"admin", "manager"}
	owners := []string{"admin", "manager", "sales"} // the world's account is the sales user's
	cp := func(suffix, body string) call {
		return func(w *world) (string, string) { return "/api/v1/competitors/" + w.newCompetitor() + suffix, body }
	}
	maps.Copy(api, map[string]row{
		"GET /api/v1/competitors": {fixed("/api/v1/competitors", ""), apiRead},
		"POST /api/v1/competitors": {func(*world) (string, string) {
			return "/api/v1/competitors", `{"name":"Globex ` + uuid.NewString() + `","website":"https://globex.example"}`
		}, apiOnly(201, managers...)},
		"GET /api/v1/competitors/{id}":   {cp("", ""), apiRead},
		"PATCH /api/v1/competitors/{id}": {cp("", `{"notes":"Cheaper on pallets","active":false}`), apiOnly(200, managers...)},
		"GET /api/v1/accounts/{id}/shopping-signals": {func(w *world) (string, string) {
			return "/api/v1/accounts/" + w.account.ID + "/shopping-signals", ""
		}, apiRead},
		"GET /api/v1/accounts/{id}/category-spend": {func(w *world) (string, string) {
			return "/api/v1/accounts/" + w.account.ID + "/category-spend", ""
		}, apiRead},
		"PUT /api/v1/accounts/{id}/category-spend": {func(w *world) (string, string) {
			return "/api/v1/accounts/" + w.account.ID + "/category-spend", `{"category_spend":{"amount_minor":8000000,"currency":"EUR"},"note":"buyer"}`
		}, apiOnly(200, owners...)},
	})
	maps.Copy(pages, map[string]row{
		"GET /competitors": {fixed("/competitors", ""), pageRead},
		"POST /competitors": {func(*world) (string, string) {
			return "/competitors", form(url.Values{"competitor_name": {"Initech " + uuid.NewString()}, "website": {"https://initech.example"}})
		}, formOnly(303, managers...)},
		"GET /competitors/{id}": {func(w *world) (string, string) { return "/competitors/" + w.newCompetitor(), "" }, pageRead},
		"POST /competitors/{id}": {func(w *world) (string, string) {
			return "/competitors/" + w.newCompetitor(), form(url.Values{"competitor_name": {"Renamed " + uuid.NewString()}, "active": {"1"}})
		}, formOnly(303, managers...)},
		"POST /accounts/{id}/category-spend": {func(w *world) (string, string) {
			return "/accounts/" + w.account.ID + "/category-spend", form(url.Values{"category_spend": {"80,000.00"}, "category_spend_currency": {"EUR"}})
		}, formOnly(303, owners...)},
		"POST /interactions/{id}/deals": {func(w *world) (string, string) {
			return "/interactions/" + w.newInteraction().ID + "/deals", form(url.Values{"deal_title": {"Spare parts"}, "deal_amount": {"900"}, "deal_currency": {"EUR"}})
		}, formWrite(303)},
		// The product page.
		"GET /products/{id}": {func(w *world) (string, string) { return "/products/" + w.newProduct().ID, "" }, pageRead},
		"POST /products/{id}": {func(w *world) (string, string) {
			p := w.newProduct()
			return "/products/" + p.ID, form(url.Values{"sku": {p.SKU}, "product_name": {"Renamed"}, "category": {"widgets"}, "unit_price": {"12.00"},
				"unit_cost": {"8.00"}, "product_currency": {"EUR"}, "version": {"1"}})
		}, formOnly(303, managers...)},
		// The deal page: the world's deals are the sales user's.
		"GET /deals/{id}": {func(w *world) (string, string) { return "/deals/" + w.newDeal(), "" }, pageRead},
		"POST /deals/{id}": {func(w *world) (string, string) {
			return "/deals/" + w.newDeal(), form(url.Values{"deal_title": {"Renamed"}, "deal_amount": {"1,500.00"}, "deal_currency": {"EUR"},
				"expected_close": {"2026-09-30"}, "version": {"1"}})
		}, formOnly(303, owners...)},
	})
}

func init() {
	fuzzTargets["FuzzCompetitorWrites"] = []string{"create-competitor", "update-competitor", "set-category-spend"}
}

func FuzzCompetitorWrites(f *testing.F) { fuzzWrites(f, "FuzzCompetitorWrites") }
