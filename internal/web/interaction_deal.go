package web

import (
	"net/http"

	"tandem/internal/access"
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
	amount := readDealAmount(f, errs)
	if len(errs) > 0 {
		again(errs)
		return
	}
	d, err := s.app.StartDealFromInteraction(r.Context(), actor, id, f.Get("deal_title"), amount)
	if err != nil {
		s.refuse(w, r, err, map[string]string{"title": "deal_title", "amount.amount_minor": "deal_amount", "amount.currency": "deal_currency"}, again)
		return
	}
	http.Redirect(w, r, "/deals/"+d.ID+"?notice=started", http.StatusSeeOther)
}
