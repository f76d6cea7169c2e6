package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/order"
	"tandem/internal/store"
)

// AccountInput is the body that creates an account.
type AccountInput struct {
	Name       string `json:"name" minLength:"1" maxLength:"200" doc:"The company's or person's name"`
	Kind       string `json:"kind,omitempty" enum:"organization,person" doc:"Defaults to organization"`
	OwnerID    string `json:"owner_id,omitempty" doc:"The sales user who owns the relationship; defaults to the caller when they are in sales"`
	Tier       string `json:"tier,omitempty" enum:"standard,silver,gold,vip" doc:"Defaults to standard"`
	ExternalID string `json:"external_id,omitempty" maxLength:"100" doc:"The account's id in another system; unique"`
	Domain     string `json:"domain,omitempty" maxLength:"253"`
	Phone      string `json:"phone,omitempty" maxLength:"50"`
}

// AccountPatchInput is the body that changes an account; absent fields stay.
type AccountPatchInput struct {
	Name       *string `json:"name,omitempty" maxLength:"200"`
	Kind       *string `json:"kind,omitempty" enum:"organization,person"`
	OwnerID    *string `json:"owner_id,omitempty"`
	Tier       *string `json:"tier,omitempty" enum:"standard,silver,gold,vip"`
	ExternalID *string `json:"external_id,omitempty" maxLength:"100"`
	Domain     *string `json:"domain,omitempty" maxLength:"253"`
	Phone      *string `json:"phone,omitempty" maxLength:"50"`
}

// accountValueOut is an account with its value (docs/sales.md says what counts).
type accountValueOut struct {
	ETag string `header:"ETag"`
	Body struct {
		customer.Account
		Value order.Value `json:"value" doc:"The last 12 months of delivered orders in the account's main currency"`
	}
}

type accountOut struct {
	ETag string `header:"ETag"`
	Body customer.Account
}

type accountList struct {
	Body List[customer.Account]
}

// EventOut is an event as the API shows it.
type EventOut struct {
	ID          string          `json:"id"`
	At          time.Time       `json:"at"`
	ActorID     string          `json:"actor_id"`
	AccountID   string          `json:"account_id"`
	SubjectType string          `json:"subject_type"`
	SubjectID   string          `json:"subject_id"`
	Kind        string          `json:"kind"`
	Team        string          `json:"team"`
	Before      json.RawMessage `json:"before,omitempty"`
	After       json.RawMessage `json:"after,omitempty"`
}

func eventOut(e event.Event) *EventOut {
	o := EventOut(e)
	return &o
}

// TimelineItem is one line of an account's timeline. It is lean unless
// expand=changes asks for the records in full.
type TimelineItem struct {
	Type        string               `json:"type" enum:"interaction,event"`
	ID          string               `json:"id"`
	At          time.Time            `json:"at" doc:"When the interaction happened, or when the event was recorded"`
	Kind        string               `json:"kind"`
	Team        string               `json:"team"`
	ActorID     string               `json:"actor_id"`
	Interaction *TimelineInteraction `json:"interaction,omitempty"`
	Event       *TimelineEvent       `json:"event,omitempty"`
}

// TimelineInteraction is an interaction on the timeline: what a line shows
// (its kind is the line's). GET /api/v1/interactions/{id} has it whole.
type TimelineInteraction struct {
	ContactID  string `json:"contact_id,omitempty"`
	Channel    string `json:"channel"`
	Direction  string `json:"direction"`
	Competitor string `json:"competitor,omitempty"`
	Summary    string `json:"summary"`
	Outcome    string `json:"outcome"`
	Body       string `json:"body,omitempty" doc:"Only with expand=changes"`
}

// TimelineEvent is an event on the timeline: what it happened to, what
// happened in words, and what an edit changed.
type TimelineEvent struct {
	SubjectType string              `json:"subject_type"`
	SubjectID   string              `json:"subject_id"`
	Text        string              `json:"text" doc:"What happened, in a sentence (as the timeline page says it)"`
	Changes     []event.FieldChange `json:"changes,omitempty" doc:"The fields an edit changed, before and after (its version and time are the event's)"`
	Before      json.RawMessage     `json:"before,omitempty" doc:"Only with expand=changes: the event's before, as the audit log has it"`
	After       json.RawMessage     `json:"after,omitempty" doc:"Only with expand=changes: the event's after, as the audit log has it"`
}

func (s *server) registerAccounts(api huma.API) {
	tag := "Accounts"
	register(api, op("list-accounts", http.MethodGet, "/api/v1/accounts", "List accounts by name", tag),
		func(ctx context.Context, in *struct {
			ListParams
			Q          string `query:"q" maxLength:"200" doc:"Search name, domain or external id"`
			OwnerID    string `query:"owner_id"`
			ExternalID string `query:"external_id"`
			Tier       string `query:"tier" enum:"standard,silver,gold,vip,"`
		}) (*accountList, error) {
			items, next, err := s.app.Accounts(ctx, actor(ctx), store.AccountFilter{Q: in.Q, OwnerID: in.OwnerID, ExternalID: in.ExternalID, Tier: in.Tier},
				store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &accountList{}
			out.Body.Items, out.Body.NextCursor = nonNil(items), next
			return out, nil
		})

	register(api, op("create-account", http.MethodPost, "/api/v1/accounts", "Create an account; likely duplicates answer 409 with candidates", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			AllowDuplicate bool `query:"allow_duplicate" doc:"Create it even if it looks like an existing account"`
			Body           AccountInput
		}) (*accountOut, error) {
			b := in.Body
			a, err := s.app.CreateAccount(ctx, actor(ctx), customer.Account{Name: b.Name, Kind: b.Kind, OwnerID: b.OwnerID, Tier: b.Tier,
				ExternalID: b.ExternalID, Domain: b.Domain, Phone: b.Phone}, in.AllowDuplicate)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &accountOut{ETag: etag(a.Version), Body: a}, nil
		})

	register(api, op("get-account", http.MethodGet, "/api/v1/accounts/{id}", "Get an account", tag),
		func(ctx context.Context, in *IDParam) (*accountValueOut, error) {
			a, err := s.app.Account(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			v, err := s.app.AccountValue(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &accountValueOut{ETag: etag(a.Version)}
			out.Body.Account, out.Body.Value = a, v
			return out, nil
		})

	register(api, op("update-account", http.MethodPatch, "/api/v1/accounts/{id}", "Change an account", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body AccountPatchInput
		}) (*accountOut, error) {
			b := in.Body
			a, err := s.app.UpdateAccount(ctx, actor(ctx), in.ID, app.AccountPatch{Name: b.Name, Kind: b.Kind, OwnerID: b.OwnerID, Tier: b.Tier,
				ExternalID: b.ExternalID, Domain: b.Domain, Phone: b.Phone}, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &accountOut{ETag: etag(a.Version), Body: a}, nil
		})

	register(api, op("delete-account", http.MethodDelete, "/api/v1/accounts/{id}", "Delete an account with its contacts and interactions", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
		}) (*NoContent, error) {
			if err := s.app.DeleteAccount(ctx, actor(ctx), in.ID, ifMatch(in.IfMatch)); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &NoContent{}, nil
		})

	merge := op("merge-account", http.MethodPost, "/api/v1/accounts/{id}/merge", "Merge another account into this one", tag)
	merge.DefaultStatus = http.StatusOK
	register(api, merge,
		func(ctx context.Context, in *struct {
			IDParam
			Idempotent
			Body struct {
				FromID string `json:"from_id" doc:"The account to merge into this one; it is removed"`
			}
		}) (*accountOut, error) {
			a, err := s.app.MergeAccounts(ctx, actor(ctx), in.ID, in.Body.FromID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &accountOut{ETag: etag(a.Version), Body: a}, nil
		})

	type timelineOut struct {
		Body List[TimelineItem]
	}
	register(api, op("account-timeline", http.MethodGet, "/api/v1/accounts/{id}/timeline", "Every event and interaction of the account, newest first", tag),
		func(ctx context.Context, in *struct {
			IDParam
			ListParams
			Team   string `query:"team" enum:"sales,service," doc:"Only this team's items"`
			Kind   string `query:"kind" maxLength:"100" doc:"Only items of this kind, e.g. competitor_quote or account.updated"`
			Expand string `query:"expand" enum:"changes," doc:"changes: each interaction with its body and each event with its before and after in full"`
		}) (*timelineOut, error) {
			items, next, err := s.app.Timeline(ctx, actor(ctx), in.ID, event.Filter{Team: in.Team, Kind: in.Kind}, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &timelineOut{}
			out.Body.Items, out.Body.NextCursor = make([]TimelineItem, len(items)), next
			full := in.Expand == "changes"
			for i, it := range items {
				ti := TimelineItem{Type: it.Type, ID: it.ID, At: it.At, Kind: it.Kind, Team: it.Team, ActorID: it.ActorID}
				if x := it.Interaction; x != nil {
					ti.Interaction = &TimelineInteraction{ContactID: x.ContactID, Channel: x.Channel, Direction: x.Direction,
						Competitor: x.Competitor, Summary: x.Summary, Outcome: x.Outcome}
					if full {
						ti.Interaction.Body = x.Body
					}
				}
				if e := it.Event; e != nil {
					ti.Event = &TimelineEvent{SubjectType: e.SubjectType, SubjectID: e.SubjectID, Text: event.Describe(e, nil).Text,
						Changes: event.Diff(e.Before, e.After, "updated_at", "version")}
					if full {
						ti.Event.Before, ti.Event.After = e.Before, e.After
					}
				}
				out.Body.Items[i] = ti
			}
			return out, nil
		})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
