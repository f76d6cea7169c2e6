package web_test

import (
	"context"
	"net/url"

	"github.com/google/uuid"

	"tandem/internal/app"
	"tandem/internal/money"
	"tandem/internal/order"
)

// orderForms are the product and order forms, filled in so that they
// would be saved by the admin.
func (x *site) orderForms() map[string]form {
	ctx := context.Background()
	p, err := x.a.CreateProduct(ctx, x.admin, order.Product{SKU: "FORM-" + uuid.NewString(), Name: "Form widget", UnitPrice: money.Money{Minor: 1000, Currency: "EUR"},
		UnitCost: money.Money{Minor: 500, Currency: "EUR"}, Active: true})
	if err != nil {
		x.t.Fatal(err)
	}
	o, err := x.a.RecordOrder(ctx, x.admin, app.OrderInput{AccountID: x.account.ID, Lines: []app.LineInput{{ProductID: p.ID, Quantity: 1}}})
	if err != nil {
		x.t.Fatal(err)
	}
	return map[string]form{
		"POST /products": {"/products", url.Values{"sku": {"FORM-" + uuid.NewString()}, "product_name": {"Another widget"}, "category": {"widgets"},
			"unit_price": {"12.00"}, "unit_cost": {"8.00"}, "product_currency": {"EUR"}}},
		"POST /accounts/{id}/orders": {"/accounts/" + x.account.ID + "/orders", url.Values{"order_product_0": {p.ID}, "order_quantity_0": {"2"},
			"order_promised_delivery_at": {"2030-12-14T17:00"}}},
		"POST /orders/{id}/transitions": {"/orders/" + o.ID + "/transitions", url.Values{"to": {"shipped"}, "version": {"1"}}},
	}
}
