package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/competitor"
	"tandem/internal/money"
	"tandem/internal/store"
)

type competitorBody struct {
	ETag string `header:"ETag"`
	Body competitor.Competitor
}

// CompetitorIn is a competitor being added.
type CompetitorIn struct {
	Name    string `json:"name" maxLength:"200" example:"Globex" doc:"Unique when compared without case, punctuation and company forms (Inc., Ltd, GmbH)"`
	Website string `json:"website,omitempty" maxLength:"300" example:"https://globex.example"`
	Notes   string `json:"notes,omitempty" maxLength:"5000"`
	Active  *bool  `json:"active,omitempty" doc:"Default true"`
}

// WalletOut is sales' estimate of a customer's spend in our category.
type WalletOut struct {
	CategorySpend *money.Money `json:"category_spend" doc:"The customer's estimated total spend in our category over 12 months; null: no estimate"`
	Note          string       `json:"note" doc:"Where the estimate comes from"`
	UpdatedByID   string       `json:"updated_by_id,omitempty"`
}

func walletOut(w *store.Wallet) WalletOut {
	if w == nil {
		return WalletOut{}
	}
	return WalletOut{CategorySpend: &w.Spend, Note: w.Note, UpdatedByID: w.UpdatedByID}
}

func (s *server) registerCompetitors(api huma.API) {
	tag := "Competitors"
	register(api, op("list-competitors", http.MethodGet, "/api/v1/competitors", "The competitors list, by name", tag),
		func(ctx context.Context, _ *struct{}) (*struct{ Body List[competitor.Competitor] }, error) {
			list, err := s.app.CompetitorList(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[competitor.Competitor] }{}
			out.Body.Items = list
			return out, nil
		})

	register(api, op("create-competitor", http.MethodPost, "/api/v1/competitors",
		"Add a competitor (managers and admins); quotes and lost deals naming it by any spelling with the same key count for it", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body CompetitorIn
		}) (*competitorBody, error) {
			b := in.Body
			c, err := s.app.CreateCompetitor(ctx, actor(ctx), competitor.Competitor{Name: b.Name, Website: b.Website, Notes: b.Notes,
				Active: b.Active == nil || *b.Active})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &competitorBody{ETag: etag(c.Version), Body: c}, nil
		})

	register(api, op("get-competitor", http.MethodGet, "/api/v1/competitors/{id}", "Get a competitor", tag),
		func(ctx context.Context, in *IDParam) (*competitorBody, error) {
			c, err := s.app.Competitor(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &competitorBody{ETag: etag(c.Version), Body: c}, nil
		})

	register(api, op("update-competitor", http.MethodPatch, "/api/v1/competitors/{id}",
		"Change a competitor (managers and admins); signals keep the name they were recorded with", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Name    *string `json:"name,omitempty" maxLength:"200"`
				Website *string `json:"website,omitempty" maxLength:"300"`
				Notes   *string `json:"notes,omitempty" maxLength:"5000"`
				Active  *bool   `json:"active,omitempty" doc:"false takes it off the forms; its signals stay"`
			}
		}) (*competitorBody, error) {
			b := in.Body
			c, err := s.app.UpdateCompetitor(ctx, actor(ctx), in.ID, app.CompetitorPatch{Name: b.Name, Website: b.Website, Notes: b.Notes,
				Active: b.Active}, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &competitorBody{ETag: etag(c.Version), Body: c}, nil
		})

	register(api, op("get-shopping-signals", http.MethodGet, "/api/v1/accounts/{id}/shopping-signals",
		"The account's shopping signals of the last 90 days: competitor quotes, its saying it compares offers (interactions of kind "+
			"comparing) and deals lost, newest first (at most 50), matched to the competitors list", tag),
		func(ctx context.Context, in *IDParam) (*struct{ Body competitor.Signals }, error) {
			if _, err := s.app.Account(ctx, actor(ctx), in.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			sig, err := s.app.ShoppingSignals(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct{ Body competitor.Signals }{Body: sig}, nil
		})

	register(api, op("get-category-spend", http.MethodGet, "/api/v1/accounts/{id}/category-spend",
		"Sales' estimate of the customer's total spend in our category, which the value's share_of_wallet divides revenue_12m by", tag),
		func(ctx context.Context, in *IDParam) (*struct{ Body WalletOut }, error) {
			if _, err := s.app.Account(ctx, actor(ctx), in.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			w, err := s.app.Wallet(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct{ Body WalletOut }{Body: walletOut(w)}, nil
		})

	set := op("set-category-spend", http.MethodPut, "/api/v1/accounts/{id}/category-spend",
		"Enter the estimate of the customer's total spend in our category over 12 months (the owner, managers, admins); null removes it", tag)
	register(api, set, func(ctx context.Context, in *struct {
		IDParam
		Body struct {
			CategorySpend *money.Money `json:"category_spend,omitempty" doc:"The customer's total spend in our category over 12 months; null or absent removes the estimate"`
			Note          string       `json:"note,omitempty" maxLength:"500" example:"Their buyer said about 80k a year"`
		}
	}) (*struct{ Body WalletOut }, error) {
		w, err := s.app.SetWallet(ctx, actor(ctx), in.ID, in.Body.CategorySpend, in.Body.Note)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &struct{ Body WalletOut }{Body: walletOut(w)}, nil
	})
}
