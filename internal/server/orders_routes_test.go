package server_test

import (
	"context"
	"maps"
	"net/url"
	"testing"

	"github.com/google/uuid"

	"tandem/internal/app"
	"tandem/internal/money"
	"tandem/internal/order"
)

func (w *world) newProduct() order.Product {
	p, err := w.a.CreateProduct(context.Background(), w.actor("manager"), order.Product{SKU: "R-" + uuid.NewString(),
		Name: "Route product", UnitPrice: money.Money{Minor: 10000, Currency: "EUR"}, UnitCost: money.Money{Minor: 6000, Currency: "EUR"}, Active: true})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) newOrder() string {
	o, err := w.a.RecordOrder(context.Background(), w.actor("sales"), app.OrderInput{AccountID: w.account.ID,
		Lines: []app.LineInput{{ProductID: w.newProduct().ID, Quantity: 2}}})
	if err != nil {
		w.t.Fatal(err)
	}
	return o.ID
}

// addOrderRows adds the rows of the product and order routes.
func addOrderRows(api, pages map[string]row) {
	managers := []string{"admin", "manager"}
	sellers := []string{"admin", "manager", "sales"}
	prod := func(w *world) (string, string) { return "/api/v1/products/" + w.newProduct().ID, "" }
	maps.Copy(api, map[string]row{
		"GET /api/v1/products": {fixed("/api/v1/products?active=true", ""), apiRead},
		"POST /api/v1/products": {func(w *world) (string, string) {
			return "/api/v1/products", `{"sku":"P-` + uuid.NewString() + `","name":"Widget","unit_price":{"amount_minor":100,"currency":"EUR"},` +
				`"unit_cost":{"amount_minor":50,"currency":"EUR"}}`
		}, apiOnly(201, managers...)},
		"GET /api/v1/products/{id}": {prod, apiRead},
		"PATCH /api/v1/products/{id}": {func(w *world) (string, string) {
			return "/api/v1/products/" + w.newProduct().ID, `{"name":"Renamed"}`
		}, apiOnly(200, managers...)},
		"GET /api/v1/orders": {fixed("/api/v1/orders?status=placed", ""), apiRead},
		"POST /api/v1/orders": {func(w *world) (string, string) {
			return "/api/v1/orders", `{"account_id":"` + w.account.ID + `","lines":[{"product_id":"` + w.newProduct().ID + `","quantity":3}]}`
		}, apiOnly(201, sellers...)},
		"GET /api/v1/orders/{id}": {func(w *world) (string, string) { return "/api/v1/orders/" + w.newOrder(), "" }, apiRead},
		"POST /api/v1/orders/{id}/transitions": {func(w *world) (string, string) {
			return "/api/v1/orders/" + w.newOrder() + "/transitions", `{"to":"shipped"}`
		}, apiOnly(200, sellers...)},
	})
	maps.Copy(pages, map[string]row{
		"GET /products": {fixed("/products", ""), pageRead},
		"POST /products": {func(w *world) (string, string) {
			return "/products", form(url.Values{"sku": {"F-" + uuid.NewString()}, "product_name": {"Widget"}, "unit_price": {"12.00"},
				"unit_cost": {"8.00"}, "product_currency": {"EUR"}})
		}, formOnly(303, managers...)},
		"POST /accounts/{id}/orders": {func(w *world) (string, string) {
			return "/accounts/" + w.account.ID + "/orders", form(url.Values{"order_product_0": {w.newProduct().ID}, "order_quantity_0": {"2"}})
		}, formOnly(303, sellers...)},
		"GET /orders/{id}": {func(w *world) (string, string) { return "/orders/" + w.newOrder(), "" }, pageRead},
		"POST /orders/{id}/transitions": {func(w *world) (string, string) {
			return "/orders/" + w.newOrder() + "/transitions", form(url.Values{"to": {"shipped"}})
		}, formOnly(303, sellers...)},
	})
}

func init() {
	fuzzTargets["FuzzOrderWrites"] = []string{"create-product", "update-product", "record-order", "transition-order"}
}

func FuzzOrderWrites(f *testing.F) { fuzzWrites(f, "FuzzOrderWrites") }
