package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/event"
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
	Version    int64      `json:"version" doc:"Always 1: a token does not change, it is revoked"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func tokenOut(t store.Token) TokenOut {
	return TokenOut{ID: t.ID, Label: t.Label, Scope: string(t.Scope), CreatedAt: t.CreatedAt, LastUsedAt: optTime(t.LastUsedAt), ExpiresAt: optTime(t.ExpiresAt), Version: 1}
}

type userBody struct {
	ETag string `header:"ETag"`
	Body UserOut
}

func userAnswer(u access.User) *userBody { return &userBody{ETag: etag(u.Version), Body: userOut(u)} }

// SessionOut is a signed-in browser.
type SessionOut struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	UserAgent  string    `json:"user_agent"`
	IP         string    `json:"ip"`
	Current    bool      `json:"current" doc:"This is the session making the request"`
}

func (s *server) registerSession(api huma.API) {
	tag := "Session"
	signIn := op("sign-in", http.MethodPost, "/api/v1/session", "Sign in with email and password; sets the session cookie", tag)
	signIn.DefaultStatus = http.StatusOK
	signIn.Metadata = map[string]any{public: true}
	signIn.Security = []map[string][]string{}
	register(api, signIn, func(ctx context.Context, in *struct {
		Body struct {
			Email    string `json:"email" maxLength:"254"`
			Password string `json:"password" maxLength:"1000"`
		}
	}) (*struct {
		SetCookie http.Cookie `header:"Set-Cookie"`
		Body      UserOut
	}, error) {
		secret, u, err := s.app.SignIn(ctx, in.Body.Email, in.Body.Password, httpauth.OriginFrom(ctx).Client)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &struct {
			SetCookie http.Cookie `header:"Set-Cookie"`
			Body      UserOut
		}{Body: userOut(u)}
		out.SetCookie = *httpauth.Cookie(ctx, secret)
		return out, nil
	})

	register(api, op("sign-out", http.MethodDelete, "/api/v1/session", "Sign out this browser session", tag),
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
			}{SetCookie: *httpauth.ClearCookie(ctx)}, nil
		})

	register(api, op("me", http.MethodGet, "/api/v1/me", "Who the caller is", tag),
		func(ctx context.Context, _ *struct{}) (*userBody, error) {
			return userAnswer(actor(ctx).User), nil
		})

	pw := op("change-password", http.MethodPut, "/api/v1/me/password", "Change the caller's password; ends their other sessions", tag)
	pw.DefaultStatus = http.StatusNoContent
	register(api, pw, func(ctx context.Context, in *struct {
		Body struct {
			CurrentPassword string `json:"current_password" maxLength:"1000"`
			NewPassword     string `json:"new_password" maxLength:"1000"`
		}
	}) (*NoContent, error) {
		c, _ := access.CallerFrom(ctx)
		if err := s.app.ChangePassword(ctx, c.Actor, in.Body.CurrentPassword, in.Body.NewPassword, c.SessionID); err != nil {
			return nil, s.problem(ctx, err)
		}
		return &NoContent{}, nil
	})

	register(api, op("list-sessions", http.MethodGet, "/api/v1/me/sessions", "The caller's signed-in browsers", tag),
		func(ctx context.Context, in *ListParams) (*struct{ Body List[SessionOut] }, error) {
			c, _ := access.CallerFrom(ctx)
			list, err := s.app.Sessions(ctx, c.Actor)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			all := make([]SessionOut, len(list))
			for i, x := range list {
				all[i] = SessionOut{ID: x.ID, CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt, ExpiresAt: x.ExpiresAt,
					UserAgent: x.UserAgent, IP: x.IP, Current: x.ID == c.SessionID}
			}
			out := &struct{ Body List[SessionOut] }{}
			if out.Body.Items, out.Body.NextCursor, err = pageOf(all, *in); err != nil {
				return nil, s.problem(ctx, err)
			}
			return out, nil
		})

	register(api, op("revoke-session", http.MethodDelete, "/api/v1/me/sessions/{id}", "Sign out one of the caller's browsers", tag),
		func(ctx context.Context, in *IDParam) (*NoContent, error) {
			if err := s.app.RevokeSession(ctx, actor(ctx), in.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &NoContent{}, nil
		})
}

func (s *server) registerUsers(api huma.API) {
	tag := "Users"
	type listOut struct {
		Body List[UserOut]
	}
	register(api, op("list-users", http.MethodGet, "/api/v1/users", "List users", tag),
		func(ctx context.Context, in *ListParams) (*listOut, error) {
			users, err := s.app.Users(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			all := make([]UserOut, len(users))
			for i, u := range users {
				all[i] = userOut(u)
			}
			out := &listOut{}
			if out.Body.Items, out.Body.NextCursor, err = pageOf(all, *in); err != nil {
				return nil, s.problem(ctx, err)
			}
			return out, nil
		})

	register(api, op("get-user", http.MethodGet, "/api/v1/users/{id}", "Get a user", tag),
		func(ctx context.Context, in *IDParam) (*userBody, error) {
			u, err := s.app.User(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return userAnswer(u), nil
		})

	create := op("create-user", http.MethodPost, "/api/v1/users", "Add a user (admins)", tag)
	create.Metadata = map[string]any{needAdmin: true}
	register(api, create, func(ctx context.Context, in *struct {
		Idempotent
		Body struct {
			Email    string `json:"email" maxLength:"254"`
			Name     string `json:"name" maxLength:"200"`
			Role     string `json:"role" enum:"admin,manager,sales,service"`
			Password string `json:"password,omitempty" maxLength:"1000" doc:"Leave out to generate one, returned once"`
		}
	}) (*struct {
		ETag string `header:"ETag"`
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
			ETag string `header:"ETag"`
			Body struct {
				UserOut
				Password string `json:"password,omitempty" doc:"The generated password, shown only once"`
			}
		}{ETag: etag(u.Version)}
		out.Body.UserOut = userOut(u)
		if in.Body.Password == "" {
			out.Body.Password = pw
		}
		return out, nil
	})

	update := op("update-user", http.MethodPatch, "/api/v1/users/{id}", "Rename a user, change their role, or (de)activate them (admins)", tag)
	update.Metadata = map[string]any{needAdmin: true}
	register(api, update, func(ctx context.Context, in *struct {
		IDParam
		Precondition
		Body struct {
			Name   *string `json:"name,omitempty" maxLength:"200"`
			Role   *string `json:"role,omitempty" enum:"admin,manager,sales,service"`
			Active *bool   `json:"active,omitempty" doc:"false: sessions and tokens stop working at once"`
		}
	}) (*struct {
		ETag string `header:"ETag"`
		Body UserOut
	}, error) {
		u, err := s.app.UpdateUser(ctx, actor(ctx), in.ID, app.UserPatch{Name: in.Body.Name, Role: in.Body.Role, Active: in.Body.Active}, ifMatch(in.IfMatch))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &struct {
			ETag string `header:"ETag"`
			Body UserOut
		}{ETag: etag(u.Version), Body: userOut(u)}, nil
	})

	reset := op("reset-password", http.MethodPost, "/api/v1/users/{id}/password", "Set a user's password and end their sessions (admins)", tag)
	reset.Metadata = map[string]any{needAdmin: true}
	reset.DefaultStatus = http.StatusOK
	register(api, reset, func(ctx context.Context, in *struct {
		IDParam
		Body struct {
			Password string `json:"password,omitempty" maxLength:"1000" doc:"Leave out to generate one"`
		}
	}) (*struct {
		Body struct {
			Password string `json:"password,omitempty" doc:"The generated password, shown only once"`
		}
	}, error) {
		pw, err := s.app.ResetPassword(ctx, actor(ctx), in.ID, in.Body.Password)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &struct {
			Body struct {
				Password string `json:"password,omitempty" doc:"The generated password, shown only once"`
			}
		}{}
		if in.Body.Password == "" {
			out.Body.Password = pw
		}
		return out, nil
	})

	tokTag := "Tokens"
	register(api, op("list-tokens", http.MethodGet, "/api/v1/tokens", "The caller's API tokens (admins: anyone's with user_id)", tokTag),
		func(ctx context.Context, in *struct {
			ListParams
			UserID string `query:"user_id" doc:"Admins: list this user's tokens"`
		}) (*struct {
			Body List[TokenOut]
		}, error) {
			toks, err := s.app.Tokens(ctx, actor(ctx), in.UserID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			all := make([]TokenOut, len(toks))
			for i, t := range toks {
				all[i] = tokenOut(t)
			}
			out := &struct {
				Body List[TokenOut]
			}{}
			if out.Body.Items, out.Body.NextCursor, err = pageOf(all, in.ListParams); err != nil {
				return nil, s.problem(ctx, err)
			}
			return out, nil
		})

	register(api, op("create-token", http.MethodPost, "/api/v1/tokens", "Create an API token for the caller", tokTag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				UserID    string    `json:"user_id,omitempty" doc:"Admins: create the token for this user"`
				Label     string    `json:"label,omitempty" maxLength:"100"`
				Scope     string    `json:"scope,omitempty" enum:"read,write,admin" doc:"Defaults to write; never more than the owner's role or the calling token's scope"`
				ExpiresAt time.Time `json:"expires_at,omitzero"`
			}
		}) (*struct {
			ETag string `header:"ETag"`
			Body TokenOut
		}, error) {
			t, secret, err := s.app.CreateToken(ctx, actor(ctx), app.NewToken{UserID: in.Body.UserID, Label: in.Body.Label, Scope: in.Body.Scope, ExpiresAt: in.Body.ExpiresAt})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := tokenOut(t)
			out.Token = secret
			return &struct {
				ETag string `header:"ETag"`
				Body TokenOut
			}{ETag: etag(out.Version), Body: out}, nil
		})

	register(api, op("revoke-token", http.MethodDelete, "/api/v1/tokens/{id}", "Revoke a token (the caller's own; admins: anyone's)", tokTag),
		func(ctx context.Context, in *IDParam) (*NoContent, error) {
			if err := s.app.RevokeToken(ctx, actor(ctx), in.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &NoContent{}, nil
		})
}

// userNames names every user by id, for the sentences of an export.
func (s *server) userNames(ctx context.Context, a access.Actor) map[string]string {
	names := map[string]string{}
	users, _ := s.app.Users(ctx, a)
	for _, u := range users {
		names[u.ID] = u.Name
	}
	return names
}

// AuditQuery filters the event log.
type AuditQuery struct {
	ActorID   string    `query:"actor_id"`
	AccountID string    `query:"account_id"`
	Kind      string    `query:"kind"`
	From      time.Time `query:"from" doc:"RFC 3339; events at or after"`
	To        time.Time `query:"to" doc:"RFC 3339; events before"`
}

func (q AuditQuery) filter() store.AuditFilter {
	return store.AuditFilter{ActorID: q.ActorID, AccountID: q.AccountID, Kind: q.Kind, From: q.From, To: q.To}
}

func (s *server) registerAudit(api huma.API) {
	register(api, op("export-audit", http.MethodGet, "/api/v1/audit/export", "The event log as CSV (managers and admins)", "Audit"),
		func(ctx context.Context, in *AuditQuery) (*huma.StreamResponse, error) {
			a := actor(ctx)
			if err := a.Require(access.ReadAudit, false); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) {
				hctx.SetHeader("Content-Type", "text/csv; charset=utf-8")
				hctx.SetHeader("Content-Disposition", `attachment; filename="tandem-audit.csv"`)
				w, err := event.NewCSVWriter(hctx.BodyWriter(), s.userNames(ctx, a))
				if err == nil {
					err = s.app.AuditEach(ctx, a, in.filter(), w.Write)
				}
				if err == nil {
					err = w.Flush()
				}
				if err != nil {
					s.log.ErrorContext(ctx, "audit export", "err", err)
				}
			}}, nil
		})

	type listOut struct {
		Body List[EventOut]
	}
	register(api, op("list-audit", http.MethodGet, "/api/v1/audit", "The event log, newest first (managers and admins)", "Audit"),
		func(ctx context.Context, in *struct {
			ListParams
			AuditQuery
		}) (*listOut, error) {
			evs, next, err := s.app.Audit(ctx, actor(ctx), in.filter(), store.Page{Cursor: in.Cursor, Limit: in.Limit})
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
