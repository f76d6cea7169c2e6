package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/store"
)

// InteractionInput is the body that logs an interaction.
type InteractionInput struct {
	AccountID  string    `json:"account_id"`
	ContactID  string    `json:"contact_id,omitempty"`
	Team       string    `json:"team,omitempty" enum:"sales,service" doc:"Defaults to the caller's team"`
	Channel    string    `json:"channel" enum:"phone,email,meeting,video,chat,visit,letter,other"`
	Direction  string    `json:"direction" enum:"in,out" doc:"in: the customer reached us; out: we reached them"`
	Kind       string    `json:"kind,omitempty" enum:"touch,competitor_quote,comparing" doc:"competitor_quote: the customer got a quote elsewhere (name the competitor); comparing: the customer says they compare offers (competitor optional)"`
	Competitor string    `json:"competitor,omitempty" maxLength:"200" doc:"Required for competitor_quote, optional for comparing; matched to the competitors list by its normalised name and then spelled as the list does"`
	Summary    string    `json:"summary" maxLength:"300"`
	Body       string    `json:"body,omitempty" text:"multiline"`
	Outcome    string    `json:"outcome,omitempty" enum:"positive,neutral,negative" doc:"Defaults to neutral"`
	OccurredAt time.Time `json:"occurred_at,omitzero" doc:"Defaults to now"`
}

// InteractionPatchInput is the body that corrects an interaction.
type InteractionPatchInput struct {
	ContactID  *string    `json:"contact_id,omitempty"`
	Team       *string    `json:"team,omitempty" enum:"sales,service"`
	Channel    *string    `json:"channel,omitempty" enum:"phone,email,meeting,video,chat,visit,letter,other"`
	Direction  *string    `json:"direction,omitempty" enum:"in,out"`
	Kind       *string    `json:"kind,omitempty" enum:"touch,competitor_quote,comparing"`
	Competitor *string    `json:"competitor,omitempty" maxLength:"200"`
	Summary    *string    `json:"summary,omitempty" maxLength:"300"`
	Body       *string    `json:"body,omitempty" text:"multiline"`
	Outcome    *string    `json:"outcome,omitempty" enum:"positive,neutral,negative"`
	OccurredAt *time.Time `json:"occurred_at,omitempty"`
}

type interactionOut struct {
	ETag string `header:"ETag"`
	Body customer.Interaction
}

func (s *server) registerInteractions(api huma.API) {
	tag := "Interactions"
	type listOut struct {
		Body List[customer.Interaction]
	}
	register(api, op("list-interactions", http.MethodGet, "/api/v1/interactions", "List interactions, newest first", tag),
		func(ctx context.Context, in *struct {
			ListParams
			AccountID string `query:"account_id"`
			ContactID string `query:"contact_id"`
			Team      string `query:"team" enum:"sales,service,"`
			Kind      string `query:"kind" enum:"touch,competitor_quote,comparing,"`
		}) (*listOut, error) {
			items, next, err := s.app.Interactions(ctx, actor(ctx), store.InteractionFilter{AccountID: in.AccountID, ContactID: in.ContactID, Team: in.Team, Kind: in.Kind},
				store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &listOut{}
			out.Body.Items, out.Body.NextCursor = nonNil(items), next
			return out, nil
		})

	register(api, op("create-interaction", http.MethodPost, "/api/v1/interactions", "Log an interaction", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body InteractionInput
		}) (*interactionOut, error) {
			b := in.Body
			i, err := s.app.LogInteraction(ctx, actor(ctx), customer.Interaction{AccountID: b.AccountID, ContactID: b.ContactID, Team: b.Team,
				Channel: b.Channel, Direction: b.Direction, Kind: b.Kind, Competitor: b.Competitor, Summary: b.Summary, Body: b.Body,
				Outcome: b.Outcome, OccurredAt: b.OccurredAt})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &interactionOut{ETag: etag(i.Version), Body: i}, nil
		})

	register(api, op("get-interaction", http.MethodGet, "/api/v1/interactions/{id}", "Get an interaction", tag),
		func(ctx context.Context, in *IDParam) (*interactionOut, error) {
			i, err := s.app.Interaction(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &interactionOut{ETag: etag(i.Version), Body: i}, nil
		})

	register(api, op("update-interaction", http.MethodPatch, "/api/v1/interactions/{id}", "Correct an interaction", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body InteractionPatchInput
		}) (*interactionOut, error) {
			b := in.Body
			i, err := s.app.UpdateInteraction(ctx, actor(ctx), in.ID, app.InteractionPatch{ContactID: b.ContactID, Team: b.Team, Channel: b.Channel,
				Direction: b.Direction, Kind: b.Kind, Competitor: b.Competitor, Summary: b.Summary, Body: b.Body, Outcome: b.Outcome,
				OccurredAt: b.OccurredAt}, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &interactionOut{ETag: etag(i.Version), Body: i}, nil
		})

	register(api, op("delete-interaction", http.MethodDelete, "/api/v1/interactions/{id}", "Delete an interaction", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
		}) (*NoContent, error) {
			if err := s.app.DeleteInteraction(ctx, actor(ctx), in.ID, ifMatch(in.IfMatch)); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &NoContent{}, nil
		})
}
