package server_test

import (
	"context"
	"maps"
	"net/url"

	"tandem/internal/deal"
	"tandem/internal/promise"
)

// newDeal is an open deal of the sales user's, at the world's account.
func (w *world) newDeal() string {
	d, err := w.a.CreateDeal(context.Background(), w.actor("sales"), deal.Deal{AccountID: w.account.ID, Title: "Route deal",
		Amount: promise.Money{Minor: 100000, Currency: "EUR"}})
	if err != nil {
		w.t.Fatal(err)
	}
	return d.ID
}

const pipelineBody = `{"stages":[{"key":"qualify","name":"Qualify","probability":10},{"key":"negotiate","name":"Negotiate","probability":60},` +
	`{"key":"won","name":"Won","probability":100},{"key":"lost","name":"Lost","probability":0}]}`

// addDealRows adds the rows of the deal routes.
func addDealRows(api, pages map[string]row) {
	managers := []string{"admin", "manager"}
	dl := func(suffix, body string) call {
		return func(w *world) (string, string) { return "/api/v1/deals/" + w.newDeal() + suffix, body }
	}
	maps.Copy(api, map[string]row{
		"GET /api/v1/deals": {fixed("/api/v1/deals?open=true&sort=expected_close", ""), apiRead},
		"POST /api/v1/deals": {func(w *world) (string, string) {
			return "/api/v1/deals", `{"account_id":"` + w.account.ID + `","title":"Second warehouse","amount":{"amount_minor":500000,"currency":"EUR"},` +
				`"source":"service_follow_up","case_id":"` + w.newCase() + `","expected_close":"2026-06-30"}`
		}, apiWrite(201)},
		"GET /api/v1/deals/{id}":              {dl("", ""), apiRead},
		"PATCH /api/v1/deals/{id}":            {dl("", `{"title":"Renamed"}`), apiOnly(200, "admin", "manager", "sales")},
		"POST /api/v1/deals/{id}/transitions": {dl("/transitions", `{"to":"won"}`), apiOnly(200, "admin", "manager", "sales")},
		"GET /api/v1/pipeline":                {fixed("/api/v1/pipeline", ""), apiRead},
		"PUT /api/v1/pipeline":                {fixed("/api/v1/pipeline", pipelineBody), apiOnly(200, managers...)},
	})
	maps.Copy(pages, map[string]row{
		"GET /deals":       {fixed("/deals?sort=amount", ""), pageRead},
		"GET /deals/board": {fixed("/deals/board", ""), pageRead},
		"POST /deals/{id}/move": {func(w *world) (string, string) {
			return "/deals/" + w.newDeal() + "/move", form(url.Values{"to": {"won"}, "version": {"1"}})
		}, formOnly(303, "admin", "manager", "sales")},
		"POST /cases/{id}/deals": {func(w *world) (string, string) {
			return "/cases/" + w.newCase() + "/deals", form(url.Values{"deal_title": {"Second warehouse"}, "deal_amount": {"8000"}, "deal_currency": {"EUR"}})
		}, formWrite(303)},
	})
}
