package web

import (
	"net/http"
	"strconv"
	"strings"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/promise"
)

// productPage is one product and, for managers, the form to change it or
// take it off sale.
type productPage struct {
	Product    order.Product
	CanEdit    bool
	Currencies []string
}

func (s *site) showProduct(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderProduct(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderProduct(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	p, err := s.app.Product(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Form == nil {
		v.Form = map[string][]string{"sku": {p.SKU}, "product_name": {p.Name}, "category": {p.Category},
			"unit_price": {promise.Major(p.UnitPrice)}, "unit_cost": {promise.Major(p.UnitCost)}, "product_currency": {p.UnitPrice.Currency}}
		if p.Active {
			v.Form["active"] = []string{"1"}
		}
	}
	v.Title, v.Nav, v.Data = p.Name, "products", productPage{Product: p, CanEdit: actor.Can(access.EditProducts, false), Currencies: currencyCodes}
	s.render(w, r, status, "product", v)
}

// updateProduct saves the product page's form: every field, and whether
// it is still sold (unticked: inactive, so it can no longer be ordered).
func (s *site) updateProduct(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	if err := actor.Require(access.EditProducts, false); err != nil {
		s.fail(w, r, err) // refused before what was typed is read
		return
	}
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		if errs["form"] == "" {
			errs["form"] = "Nothing was saved: correct what is marked."
		}
		s.renderProduct(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	cur := strings.ToUpper(strings.TrimSpace(f.Get("product_currency")))
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
	sku, name, category := f.Get("sku"), f.Get("product_name"), f.Get("category")
	active := f.Get("active") == "1"
	up, uc := money.Money(*price), money.Money(*cost)
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	_, err := s.app.UpdateProduct(r.Context(), actor, r.PathValue("id"), app.ProductPatch{SKU: &sku, Name: &name, Category: &category,
		UnitPrice: &up, UnitCost: &uc, Active: &active}, version)
	if err != nil {
		if fault.KindOf(err) == fault.Stale {
			s.renderProduct(w, r, actor, view{Errors: map[string]string{"form": "Nothing was saved: someone changed this product since you opened it. Here it is as it is now."}},
				http.StatusConflict)
			return
		}
		s.refuse(w, r, err, map[string]string{"name": "product_name", "unit_price.amount_minor": "unit_price", "unit_cost.amount_minor": "unit_cost",
			"unit_price.currency": "product_currency", "unit_cost.currency": "product_currency"}, again)
		return
	}
	http.Redirect(w, r, "/products?notice=saved#product-"+r.PathValue("id"), http.StatusSeeOther)
}
