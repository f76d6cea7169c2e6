package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/store"
)

// ContactInput is the body that creates a contact.
type ContactInput struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name" minLength:"1" maxLength:"200"`
	Email     string `json:"email,omitempty" maxLength:"254"`
	Phone     string `json:"phone,omitempty" maxLength:"50"`
	Title     string `json:"title,omitempty" maxLength:"200"`
}

// ContactPatchInput is the body that changes a contact.
type ContactPatchInput struct {
	AccountID *string `json:"account_id,omitempty"`
	Name      *string `json:"name,omitempty" maxLength:"200"`
	Email     *string `json:"email,omitempty" maxLength:"254"`
	Phone     *string `json:"phone,omitempty" maxLength:"50"`
	Title     *string `json:"title,omitempty" maxLength:"200"`
}

type contactOut struct {
	ETag string `header:"ETag"`
	Body customer.Contact
}

func (s *server) registerContacts(api huma.API) {
	tag := "Contacts"
	type listOut struct {
		Body List[customer.Contact]
	}
	register(api, op("list-contacts", http.MethodGet, "/api/v1/contacts", "List contacts", tag),
		func(ctx context.Context, in *struct {
			ListParams
			AccountID string `query:"account_id"`
		}) (*listOut, error) {
			items, next, err := s.app.Contacts(ctx, actor(ctx), in.AccountID, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &listOut{}
			out.Body.Items, out.Body.NextCursor = nonNil(items), next
			return out, nil
		})

	register(api, op("create-contact", http.MethodPost, "/api/v1/contacts", "Create a contact; likely duplicates answer 409 with candidates", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			AllowDuplicate bool `query:"allow_duplicate"`
			Body           ContactInput
		}) (*contactOut, error) {
			b := in.Body
			c, err := s.app.CreateContact(ctx, actor(ctx), customer.Contact{AccountID: b.AccountID, Name: b.Name, Email: b.Email, Phone: b.Phone, Title: b.Title}, in.AllowDuplicate)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &contactOut{ETag: etag(c.Version), Body: c}, nil
		})

	register(api, op("get-contact", http.MethodGet, "/api/v1/contacts/{id}", "Get a contact", tag),
		func(ctx context.Context, in *IDParam) (*contactOut, error) {
			c, err := s.app.Contact(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &contactOut{ETag: etag(c.Version), Body: c}, nil
		})

	register(api, op("update-contact", http.MethodPatch, "/api/v1/contacts/{id}", "Change a contact", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body ContactPatchInput
		}) (*contactOut, error) {
			b := in.Body
			c, err := s.app.UpdateContact(ctx, actor(ctx), in.ID, app.ContactPatch{AccountID: b.AccountID, Name: b.Name, Email: b.Email, Phone: b.Phone, Title: b.Title}, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &contactOut{ETag: etag(c.Version), Body: c}, nil
		})

	register(api, op("delete-contact", http.MethodDelete, "/api/v1/contacts/{id}", "Delete a contact", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
		}) (*NoContent, error) {
			if err := s.app.DeleteContact(ctx, actor(ctx), in.ID, ifMatch(in.IfMatch)); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &NoContent{}, nil
		})
}
