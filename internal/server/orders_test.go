package server_test

import (
	"strings"
	"testing"
	"time"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestOrdersAPI: products by managers, an order priced from them with a
// delivery promise, bad lines 422 naming the field, and the account's
// value on GET /accounts/{id}.
func TestOrdersAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		eur := func(n int) map[string]any { return map[string]any{"amount_minor": n, "currency": "EUR"} }
		e.sam.do("POST", "/api/v1/products", map[string]any{"sku": "W-1", "name": "Widget", "unit_price": eur(10000), "unit_cost": eur(6000)}).want(t, 403)
		prod := e.mia.do("POST", "/api/v1/products", map[string]any{"sku": "W-1", "name": "Widget", "unit_price": eur(10000), "unit_cost": eur(6000)}).want(t, 201).str("id")
		e.mia.do("POST", "/api/v1/products", map[string]any{"sku": "W-1", "name": "Again", "unit_price": eur(1), "unit_cost": eur(1)}).want(t, 409)
		acc := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Contoso"}).want(t, 201).str("id")

		for _, tc := range []struct {
			line  map[string]any
			field string
		}{
			{map[string]any{"product_id": prod, "quantity": 0}, "lines[0].quantity"},
			{map[string]any{"product_id": prod, "quantity": -3}, "lines[0].quantity"},
			{map[string]any{"product_id": "nope", "quantity": 1}, "lines[0].product_id"},
			{map[string]any{"product_id": prod, "quantity": 1, "unit_price": map[string]any{"amount_minor": 1, "currency": "USD"}}, "lines[0].unit_price.currency"},
		} {
			bad := e.sam.do("POST", "/api/v1/orders", map[string]any{"account_id": acc, "lines": []any{tc.line}}).want(t, 422)
			if !strings.Contains(string(bad.raw), `"`+tc.field+`"`) {
				t.Errorf("%v: %s", tc.line, bad.raw)
			}
		}
		promised := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		o := e.sam.do("POST", "/api/v1/orders", map[string]any{"account_id": acc, "promised_delivery_at": promised,
			"lines": []any{map[string]any{"product_id": prod, "quantity": 3}}}).want(t, 201)
		if n, _ := o.body["number"].(float64); n != 5001 || o.str("status") != "placed" || o.str("promise_id") == "" {
			t.Fatalf("order: %s", o.raw)
		}
		if m, _ := o.body["margin"].(map[string]any); m["amount_minor"] != float64(12000) || m["currency"] != "EUR" {
			t.Fatalf("margin: %s", o.raw)
		}
		e.val.do("POST", "/api/v1/orders/"+o.str("id")+"/transitions", map[string]any{"to": "delivered"}).want(t, 403)
		d := e.sam.do("POST", "/api/v1/orders/"+o.str("id")+"/transitions", map[string]any{"to": "delivered"}).want(t, 200)
		if d.str("status") != "delivered" || d.body["delivered_at"] == nil {
			t.Fatalf("delivered: %s", d.raw)
		}
		bad := e.sam.do("POST", "/api/v1/orders/"+o.str("id")+"/transitions", map[string]any{"to": "cancelled"}).want(t, 422)
		if !strings.Contains(string(bad.raw), `"field":"to"`) {
			t.Errorf("cancel a delivered order: %s", bad.raw)
		}
		p := e.val.do("GET", "/api/v1/promises/"+o.str("promise_id"), nil).want(t, 200)
		if p.str("status") != "kept" || p.str("kind") != "delivery_date" {
			t.Errorf("delivery promise: %s", p.raw)
		}
		a := e.val.do("GET", "/api/v1/accounts/"+acc, nil).want(t, 200)
		v, _ := a.body["value"].(map[string]any)
		rev, _ := v["revenue_12m"].(map[string]any)
		if a.str("name") != "Contoso" || rev["amount_minor"] != float64(30000) || v["orders_12m"] != float64(1) {
			t.Errorf("account value: %s", a.raw)
		}
	})
}
