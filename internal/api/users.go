package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/httpauth"
	"tandem/internal/store"
)

// UserOut is a user as the API shows it.
type UserOut struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role" enum:"admin,manager,sales,service"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	Version   int64     `json:"version"`
}

func userOut(u access.User) UserOut {
	return UserOut{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Active: u.Active, CreatedAt: u.CreatedAt, Version: u.Version}
}

// TokenOut is an API token as the API shows it; Token is set only on create.
type TokenOut struct {
	ID         string     `json:"id"`
	Label      string     `json:"label"`
	Scope      string     `json:"scope" enum:"read,write,admin"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	Token      string     `json:"token,omitempty" doc:"The secret, shown only once"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func tokenOut(t store.Token) TokenOut {
	return TokenOut{ID: t.ID, Label: t.Label, Scope: string(t.Scope), CreatedAt: t.CreatedAt, LastUsedAt: optTime(t.LastUsedAt), ExpiresAt: optTime(t.ExpiresAt)}
}

type userBody struct{ Body UserOut }

func (s *server) registerSession(api huma.API) {
	tag := "Session"
	signIn := op("sign-in", http.MethodPost, "/api/v1/session", "Sign in with email and password; sets the session cookie", tag)
	signIn.DefaultStatus = http.StatusOK
	signIn.Metadata = map[string]any{public: true}
	signIn.Security = []map[string][]string{}
	huma.Register(api, signIn, func(ctx context.Context, in *struct {
		Body struct {
			Email    string `json:"email" maxLength:"254"`
			Password string `json:"password" maxLength:"1000"`
		}
	}) (*struct {
		SetCookie http.Cookie `header:"Set-Cookie"`
		Body      UserOut
	}, error) {
		secret, u, err := s.app.SignIn(ctx, in.Body.Email, in.Body.Password)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &struct {
			SetCookie http.Cookie `header:"Set-Cookie"`
			Body      UserOut
		}{Body: userOut(u)}
		out.SetCookie = *httpauth.Cookie(secret, false)
		return out, nil
	})

	huma.Register(api, op("sign-out", http.MethodDelete, "/api/v1/session", "Sign out this browser session", tag),
		func(ctx context.Context, _ *struct{}) (*struct {
			SetCookie http.Cookie `header:"Set-Cookie"`
		}, error) {
			c, _ := access.CallerFrom(ctx)
			if c.SessionID != "" {
				if err := s.app.SignOut(ctx, c.Actor, c.SessionID); err != nil {
					return nil, s.problem(ctx, err)
				}
			}
			return &struct {
				SetCookie http.Cookie `header:"Set-Cookie"`
			}{SetCookie: *httpauth.ClearCookie(false)}, nil
		})

	huma.Register(api, op("me", http.MethodGet, "/api/v1/me", "Who the caller is", tag),
		func(ctx context.Context, _ *struct{}) (*userBody, error) {
			return &userBody{Body: userOut(actor(ctx).User)}, nil
		})
}

func (s *server) registerUsers(api huma.API) {
	tag := "Users"
	type listOut struct {
		Body List[UserOut]
	}
	huma.Register(api, op("list-users", http.MethodGet, "/api/v1/users", "List users", tag),
		func(ctx context.Context, _ *struct{}) (*listOut, error) {
			users, err := s.app.Users(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &listOut{}
			out.Body.Items = make([]UserOut, len(users))
			for i, u := range users {
				out.Body.Items[i] = userOut(u)
			}
			return out, nil
		})

	huma.Register(api, op("get-user", http.MethodGet, "/api/v1/users/{id}", "Get a user", tag),
		func(ctx context.Context, in *IDParam) (*userBody, error) {
			u, err := s.app.User(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &userBody{Body: userOut(u)}, nil
		})

	create := op("create-user", http.MethodPost, "/api/v1/users", "Add a user (admins)", tag)
	create.Metadata = map[string]any{needAdmin: true}
	huma.Register(api, create, func(ctx context.Context, in *struct {
		Idempotent
		Body struct {
			Email    string `json:"email" maxLength:"254"`
			Name     string `json:"name" maxLength:"200"`
			Role     string `json:"role" doc:"admin, manager, sales or service"`
			Password string `json:"password,omitempty" maxLength:"1000" doc:"Leave out to generate one, returned once"`
		}
	}) (*struct {
		Body struct {
			UserOut
			Password string `json:"password,omitempty" doc:"The generated password, shown only once"`
		}
	}, error) {
		u, pw, err := s.app.AddUser(ctx, actor(ctx), app.NewUser{Email: in.Body.Email, Name: in.Body.Name, Role: in.Body.Role, Password: in.Body.Password})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &struct {
			Body struct {
				UserOut
				Password string `json:"password,omitempty" doc:"The generated password, shown only once"`
			}
		}{}
		out.Body.UserOut = userOut(u)
		if in.Body.Password == "" {
			out.Body.Password = pw
		}
		return out, nil
	})

	tokTag := "Tokens"
	huma.Register(api, op("list-tokens", http.MethodGet, "/api/v1/tokens", "The caller's API tokens", tokTag),
		func(ctx context.Context, _ *struct{}) (*struct {
			Body List[TokenOut]
		}, error) {
			toks, err := s.app.Tokens(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct {
				Body List[TokenOut]
			}{}
			out.Body.Items = make([]TokenOut, len(toks))
			for i, t := range toks {
				out.Body.Items[i] = tokenOut(t)
			}
			return out, nil
		})

	huma.Register(api, op("create-token", http.MethodPost, "/api/v1/tokens", "Create an API token for the caller", tokTag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				Label     string    `json:"label,omitempty" maxLength:"100"`
				Scope     string    `json:"scope,omitempty" doc:"read, write (default) or admin"`
				ExpiresAt time.Time `json:"expires_at,omitzero"`
			}
		}) (*struct{ Body TokenOut }, error) {
			t, secret, err := s.app.CreateToken(ctx, actor(ctx), app.NewToken{Label: in.Body.Label, Scope: in.Body.Scope, ExpiresAt: in.Body.ExpiresAt})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := tokenOut(t)
			out.Token = secret
			return &struct{ Body TokenOut }{Body: out}, nil
		})

	huma.Register(api, op("revoke-token", http.MethodDelete, "/api/v1/tokens/{id}", "Revoke one of the caller's tokens", tokTag),
		func(ctx context.Context, in *IDParam) (*NoContent, error) {
			if err := s.app.RevokeToken(ctx, actor(ctx), in.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &NoContent{}, nil
		})
}

func (s *server) registerAudit(api huma.API) {
	type listOut struct {
		Body List[EventOut]
	}
	huma.Register(api, op("list-audit", http.MethodGet, "/api/v1/audit", "The event log, newest first (managers and admins)", "Audit"),
		func(ctx context.Context, in *struct {
			ListParams
			ActorID   string    `query:"actor_id"`
			AccountID string    `query:"account_id"`
			Kind      string    `query:"kind"`
			From      time.Time `query:"from" doc:"RFC 3339; events at or after"`
			To        time.Time `query:"to" doc:"RFC 3339; events before"`
		}) (*listOut, error) {
			evs, next, err := s.app.Audit(ctx, actor(ctx), store.AuditFilter{ActorID: in.ActorID, AccountID: in.AccountID, Kind: in.Kind, From: in.From, To: in.To},
				store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &listOut{}
			out.Body.Items = make([]EventOut, len(evs))
			for i, e := range evs {
				out.Body.Items[i] = *eventOut(e)
			}
			out.Body.NextCursor = next
			return out, nil
		})
}
