package app_test

import (
	"context"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestTokensNeverExceedTheirScope: whatever the owner's role, a token
// creates no token of a wider scope than its own, and only an admin-scope
// token (or a browser session) does admin actions.
func TestTokensNeverExceedTheirScope(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		token := func(owner access.Actor, scope string) access.Actor {
			t.Helper()
			_, secret, err := f.app.CreateToken(ctx, access.System, app.NewToken{UserID: owner.User.ID, Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			a, err := f.app.TokenActor(ctx, secret)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		read, write, admin := token(f.admin, "read"), token(f.admin, "write"), token(f.admin, "admin")
		live := func() int {
			t.Helper()
			list, err := f.app.Tokens(ctx, f.admin, "")
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		before := live()

		for _, c := range []struct {
			name  string
			actor access.Actor
			in    app.NewToken
		}{
			{"write token creates an admin token", write, app.NewToken{Scope: "admin"}},
			{"read token creates a read token", read, app.NewToken{Scope: "read"}},
			{"read token creates a token of the default scope", read, app.NewToken{}},
			{"write token creates a token for another user", write, app.NewToken{UserID: f.sales.User.ID, Scope: "read"}},
		} {
			_, secret, err := f.app.CreateToken(ctx, c.actor, c.in)
			if fault.KindOf(err) != fault.Forbidden || secret != "" {
				t.Errorf("%s: want forbidden and no secret, got %v %q", c.name, err, secret)
			}
		}
		if n := live(); n != before {
			t.Fatalf("refused requests stored %d tokens", n-before)
		}

		// Within its scope a token may create tokens; the default is never wider.
		tok, _, err := f.app.CreateToken(ctx, write, app.NewToken{})
		if err != nil || tok.Scope != access.ScopeWrite {
			t.Fatalf("write token's default: %v %+v", err, tok)
		}
		if tok, _, err := f.app.CreateToken(ctx, write, app.NewToken{Scope: "read"}); err != nil || tok.Scope != access.ScopeRead {
			t.Fatalf("write token narrowing: %v %+v", err, tok)
		}
		if tok, _, err := f.app.CreateToken(ctx, admin, app.NewToken{Scope: "admin"}); err != nil || tok.Scope != access.ScopeAdmin {
			t.Fatalf("admin token: %v %+v", err, tok)
		}
		if _, _, err := f.app.CreateToken(ctx, admin, app.NewToken{UserID: f.sales.User.ID, Scope: "write"}); err != nil {
			t.Fatalf("admin token for another user: %v", err)
		}
		// A browser session (the whole role) is bound by the role only.
		if tok, _, err := f.app.CreateToken(ctx, f.admin, app.NewToken{Scope: "admin"}); err != nil || tok.Scope != access.ScopeAdmin {
			t.Fatalf("admin session: %v %+v", err, tok)
		}
		wantKind(t, func() error { _, _, err := f.app.CreateToken(ctx, f.sales, app.NewToken{Scope: "admin"}); return err }(), fault.Invalid)

		// Admin actions: only with an admin token.
		salesTok, _, _ := f.app.CreateToken(ctx, access.System, app.NewToken{UserID: f.sales.User.ID})
		role := "manager"
		for name, do := range map[string]func(a access.Actor) error{
			"add a user": func(a access.Actor) error {
				_, _, err := f.app.AddUser(ctx, a, app.NewUser{Email: "new-" + string(a.Scope) + "@example.com", Name: "New", Role: "admin"})
				return err
			},
			"change a role": func(a access.Actor) error {
				_, err := f.app.UpdateUser(ctx, a, f.service.User.ID, app.UserPatch{Role: &role}, 0)
				return err
			},
			"reset a password": func(a access.Actor) error { _, err := f.app.ResetPassword(ctx, a, f.service.User.ID, ""); return err },
			"list another's tokens": func(a access.Actor) error {
				_, err := f.app.Tokens(ctx, a, f.sales.User.ID)
				return err
			},
			"revoke another's token": func(a access.Actor) error { return f.app.RevokeToken(ctx, a, salesTok.ID) },
		} {
			for _, a := range []access.Actor{read, write} {
				if err := do(a); fault.KindOf(err) != fault.Forbidden {
					t.Errorf("%s with a %s token: want forbidden, got %v", name, a.Scope, err)
				}
			}
			if err := do(admin); err != nil {
				t.Errorf("%s with an admin token: %v", name, err)
			}
		}
	})
}
