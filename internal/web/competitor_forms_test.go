package web_test

import (
	"context"
	"net/url"

	"github.com/google/uuid"

	"tandem/internal/competitor"
	"tandem/internal/deal"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/promise"
)

// competitorForms are the competitor, share-of-wallet and deal page forms, filled in
// so that they would be saved by the admin.
func (x *site) competitorForms() map[string]form {
	c, err := x.a.CreateCompetitor(context.Background(), x.admin, competitor.Competitor{Name: "Form Rival " + uuid.NewString(), Active: true})
	if err != nil {
		x.t.Fatal(err)
	}
	d, err := x.a.CreateDeal(context.Background(), x.admin, deal.Deal{AccountID: x.account.ID, Title: "Page deal", Amount: promise.Money{Minor: 1000, Currency: "EUR"}})
	if err != nil {
		x.t.Fatal(err)
	}
	prod, err := x.a.CreateProduct(context.Background(), x.admin, order.Product{SKU: "PAGE-" + uuid.NewString(), Name: "Page widget",
		UnitPrice: money.Money{Minor: 1000, Currency: "EUR"}, UnitCost: money.Money{Minor: 500, Currency: "EUR"}, Active: true})
	if err != nil {
		x.t.Fatal(err)
	}
	return map[string]form{
		"POST /products/{id}": {"/products/" + prod.ID, url.Values{"version": {"1"}, "sku": {prod.SKU}, "product_name": {"Page widget"},
			"category": {"widgets"}, "unit_price": {"12.00"}, "unit_cost": {"8.00"}, "product_currency": {"EUR"}, "active": {"1"}}},
		"POST /interactions/{id}/deals": {"/interactions/" + x.inter.ID + "/deals", url.Values{"deal_title": {"Spare parts bundle"}, "deal_amount": {"900.00"},
			"deal_currency": {"EUR"}}},
		"POST /deals/{id}": {"/deals/" + d.ID, url.Values{"version": {"1"}, "deal_title": {"Page deal, renamed"}, "deal_amount": {"1,500.00"},
			"deal_currency": {"EUR"}, "expected_close": {"2026-09-30"}, "deal_owner_id": {""}}},
		"POST /competitors": {"/competitors", url.Values{"competitor_name": {"Globex " + uuid.NewString()}, "website": {"https://globex.example"},
			"competitor_notes": {"Cheaper on pallets,\nslower to deliver"}}},
		"POST /competitors/{id}": {"/competitors/" + c.ID, url.Values{"version": {"1"}, "competitor_name": {"Form Rival " + uuid.NewString()},
			"website": {""}, "competitor_notes": {"Notes"}, "active": {"1"}}},
		"POST /accounts/{id}/category-spend": {"/accounts/" + x.account.ID + "/category-spend", url.Values{"category_spend": {"80,000.00"},
			"category_spend_currency": {"EUR"}, "wallet_note": {"Their buyer said so"}}},
	}
}
