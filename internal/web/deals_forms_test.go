package web_test

import (
	"context"
	"net/url"

	"tandem/internal/access"
	"tandem/internal/deal"
	"tandem/internal/promise"
)

// dealForms are the deal forms, filled in so that they would be saved by
// the admin: a board card's move, and the case page's next-sale form.
func (x *site) dealForms() map[string]form {
	sam := access.Actor{User: x.user, Scope: access.ScopeAdmin}
	d, err := x.a.CreateDeal(context.Background(), sam, deal.Deal{AccountID: x.account.ID, Title: "Form deal", Amount: promise.Money{Minor: 1000, Currency: "EUR"}})
	if err != nil {
		x.t.Fatal(err)
	}
	return map[string]form{
		"POST /deals/{id}/move": {"/deals/" + d.ID + "/move", url.Values{"to": {"propose"}, "version": {"1"}, "owner": {""}}},
		"POST /cases/{id}/deals": {"/cases/" + x.caseID + "/deals", url.Values{"deal_title": {"Second warehouse"}, "deal_amount": {"8,000.00"},
			"deal_currency": {"EUR"}}},
	}
}
