package web

import (
	"net/http"
	"strings"

	"tandem/internal/access"
	"tandem/internal/promise"
)

// withItem is a view and one item of it, for a part that needs both.
type withItem struct {
	V    view
	Item any
}

// With pairs the view with one of its items (a timeline interaction).
func (v view) With(item any) withItem { return withItem{v, item} }

// startDealFromInteraction is the timeline's "Start a deal from this" form
// on an interaction: a title and an optional amount; the deal is a service
// follow-up linked to the interaction, for the account's owner.
func (s *site) startDealFromInteraction(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	id := r.PathValue("id")
	in, err := s.app.Interaction(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	again := func(errs map[string]string) {
		if errs["form"] == "" {
			errs["form"] = "Nothing was saved: correct what is marked in the form under the interaction."
		}
		f.Set("deal_interaction", id) // opens the form under this interaction
		r.SetPathValue("id", in.AccountID)
		s.renderAccount(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	cur := strings.ToUpper(strings.TrimSpace(f.Get("deal_currency")))
	if cur == "" {
		cur = "EUR"
	}
	amount := promise.Money{Currency: cur}
	if !promise.KnownCurrency(cur) {
		errs["deal_currency"] = "choose a currency, such as EUR"
	} else if strings.TrimSpace(f.Get("deal_amount")) != "" {
		m, err := promise.ParseMajor(f.Get("deal_amount"), cur)
		if err != nil {
			errs["deal_amount"] = strings.ToUpper(err.Error()[:1]) + err.Error()[1:]
		}
		amount = m
	}
	if len(errs) > 0 {
		again(errs)
		return
	}
	d, err := s.app.StartDealFromInteraction(r.Context(), actor, id, f.Get("deal_title"), amount)
	if err != nil {
		errs, ok := renameErrors(err, map[string]string{"title": "deal_title", "amount.amount_minor": "deal_amount", "amount.currency": "deal_currency"})
		if !ok {
			s.fail(w, r, err)
			return
		}
		again(errs)
		return
	}
	http.Redirect(w, r, "/deals/"+d.ID+"?notice=started", http.StatusSeeOther)
}
