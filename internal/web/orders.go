package web

import (
	"net/http"
	"strconv"
	"strings"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// orderLines is how many lines the record-an-order form offers.
const orderLines = 3

// accountOrders is the account page's section on value and orders.
type accountOrders struct {
	AccountID string
	Value     order.Value
	List      []order.Order
	Products  []order.Product
	Lines     []int
	CanRecord bool
}

func (s *site) ordersOf(r *http.Request, actor access.Actor, accountID string) (accountOrders, error) {
	out := accountOrders{AccountID: accountID, CanRecord: actor.Can(access.RecordOrders, false)}
	var err error
	if out.Value, err = s.app.AccountValue(r.Context(), actor, accountID); err != nil {
		return out, err
	}
	if out.List, _, err = s.app.Orders(r.Context(), actor, store.OrderFilter{AccountID: accountID}, store.Page{Limit: 10}); err != nil {
		return out, err
	}
	if out.CanRecord {
		if out.Products, err = s.app.Products(r.Context(), actor, true); err != nil {
			return out, err
		}
		for i := range orderLines {
			out.Lines = append(out.Lines, i)
		}
	}
	return out, nil
}

// recordOrder records an order from the account page's form: up to
// orderLines lines (order_product_N, order_quantity_N) and an optional
// promised delivery date.
func (s *site) recordOrder(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderAccount(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	in := app.OrderInput{AccountID: r.PathValue("id")}
	rename := map[string]string{"account_id": "form", "lines": "order_product_0", "promised_delivery_at": "order_promised_delivery_at"}
	for i := range orderLines {
		n := strconv.Itoa(i)
		pid, qty := strings.TrimSpace(f.Get("order_product_"+n)), strings.TrimSpace(f.Get("order_quantity_"+n))
		if pid == "" && (qty == "" || i > 0) {
			continue
		}
		q, err := strconv.ParseInt(qty, 10, 64)
		if err != nil {
			errs["order_quantity_"+n] = "write a whole number above zero"
			continue
		}
		at := "lines[" + strconv.Itoa(len(in.Lines)) + "]"
		rename[at+".product_id"], rename[at+".quantity"] = "order_product_"+n, "order_quantity_"+n
		rename[at+".unit_price.currency"], rename[at+".unit_cost.currency"] = "order_product_"+n, "order_product_"+n
		in.Lines = append(in.Lines, app.LineInput{ProductID: pid, Quantity: q})
	}
	in.PromisedDeliveryAt = s.readDue(f.Get("order_promised_delivery_at"), "order_promised_delivery_at", errs)
	if len(errs) > 0 {
		again(errs)
		return
	}
	o, err := s.app.RecordOrder(r.Context(), actor, in)
	if err != nil {
		s.refuse(w, r, err, rename, again)
		return
	}
	http.Redirect(w, r, "/orders/"+o.ID+"?notice=recorded", http.StatusSeeOther)
}

// orderPage is what the order page shows.
type orderPage struct {
	order.Order
	AccountRecord customer.Account
	Promise       *promise.Promise
	Allowed       []order.Status
	OnTime        bool
	Said          string
}

var orderNotices = map[string]string{
	"recorded": "Order recorded. It is on the account's timeline; a promised delivery date is in the promise ledger.",
	"moved":    "Order updated.",
}

func (s *site) showOrder(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderOrder(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderOrder(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	ctx := r.Context()
	o, err := s.app.Order(ctx, actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acc, err := s.app.Account(ctx, actor, o.AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.app.OrderPromise(ctx, actor, o.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := orderPage{Order: o, AccountRecord: acc, Promise: p, OnTime: o.OnTime(), Said: orderNotices[v.Notice]}
	if actor.Can(access.RecordOrders, false) {
		pg.Allowed = order.Allowed(o.Status)
	}
	v.Title, v.Nav, v.Users, v.Data = "Order #"+strconv.FormatInt(o.Number, 10), "accounts", s.userNames(r, actor), pg
	s.render(w, r, status, "order", v)
}

// transitionOrder moves an order from its page's buttons.
func (s *site) transitionOrder(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		s.renderOrder(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return
	}
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	_, err := s.app.TransitionOrder(r.Context(), actor, r.PathValue("id"), order.Status(f.Get("to")), s.app.Now(), version)
	if err != nil {
		errs, ok := renameErrors(err, nil)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.renderOrder(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return
	}
	http.Redirect(w, r, "/orders/"+r.PathValue("id")+"?notice=moved", http.StatusSeeOther)
}

// productsPage is the product list and, for managers, the form to add one.
type productsPage struct {
	List       []order.Product
	CanEdit    bool
	Currencies []string
}

func (s *site) products(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderProducts(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderProducts(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	list, err := s.app.Products(r.Context(), actor, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Title, v.Nav, v.Data = "Products", "products", productsPage{List: list, CanEdit: actor.Can(access.EditProducts, false), Currencies: currencyCodes}
	s.render(w, r, status, "products", v)
}

// saveProduct adds a product from the products page.
func (s *site) saveProduct(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	if err := actor.Require(access.EditProducts, false); err != nil {
		s.fail(w, r, err) // refused before what was typed is read
		return
	}
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderProducts(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	cur := strings.ToUpper(strings.TrimSpace(f.Get("product_currency")))
	p := order.Product{SKU: f.Get("sku"), Name: f.Get("product_name"), Category: f.Get("category"), Active: true}
	price := readAmount(f.Get("unit_price"), cur, "unit_price", "product_currency", errs)
	cost := readAmount(f.Get("unit_cost"), cur, "unit_cost", "product_currency", errs)
	if price == nil && errs["unit_price"] == "" && errs["product_currency"] == "" {
		errs["unit_price"] = "write the unit price, such as 120.00"
	}
	if cost == nil && errs["unit_cost"] == "" && errs["product_currency"] == "" {
		errs["unit_cost"] = "write the unit cost, such as 80.00"
	}
	if len(errs) > 0 {
		again(errs)
		return
	}
	p.UnitPrice, p.UnitCost = money.Money(*price), money.Money(*cost)
	if _, err := s.app.CreateProduct(r.Context(), actor, p); err != nil {
		s.refuse(w, r, err, map[string]string{"name": "product_name", "unit_price.amount_minor": "unit_price", "unit_cost.amount_minor": "unit_cost",
			"unit_price.currency": "product_currency", "unit_cost.currency": "product_currency"}, again)
		return
	}
	http.Redirect(w, r, "/products?notice=added", http.StatusSeeOther)
}
