package app

import (
	"context"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/fault"
	"tandem/internal/store"
)

// UserPatch holds the user fields an admin changes; nil leaves one as it is.
type UserPatch struct {
	Name   *string
	Role   *string
	Active *bool
}

// UpdateUser renames a user, changes their role, or (de)activates them.
// A deactivated user's sessions and tokens stop working at once. The last
// active admin cannot demote or deactivate themselves.
func (a *App) UpdateUser(ctx context.Context, actor access.Actor, id string, p UserPatch, version int64) (access.User, error) {
	if err := actor.Require(access.ManageUsers, false); err != nil {
		return access.User{}, err
	}
	var out access.User
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("user")
		}
		after := before
		var f fault.Fields
		if p.Name != nil {
			if after.Name = strings.Join(strings.Fields(*p.Name), " "); after.Name == "" {
				f.Add("name", "give the user a name")
			}
		}
		if p.Role != nil {
			role, ok := access.ParseRole(*p.Role)
			if !ok {
				f.Add("role", "use one of: admin, manager, sales, service")
			}
			after.Role = role
		}
		if p.Active != nil {
			after.Active = *p.Active
		}
		if err := f.Err(); err != nil {
			return err
		}
		wasAdmin := before.Role == access.Admin && before.Active
		if wasAdmin && (after.Role != access.Admin || !after.Active) {
			n, err := tx.CountActiveAdmins(ctx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return (&fault.Fields{{Field: "role", Message: "Tandem needs at least one active admin; make someone else admin first"}}).Err()
			}
		}
		now := a.Now()
		after.UpdatedAt, after.Version = now, before.Version+1
		if err := tx.UpdateUser(ctx, after, before.Version); err != nil {
			return err
		}
		if !after.Active {
			if err := tx.DeleteUserSessions(ctx, id, ""); err != nil {
				return err
			}
		}
		out = after
		kind := "user.updated"
		switch {
		case before.Active && !after.Active:
			kind = "user.deactivated"
		case !before.Active && after.Active:
			kind = "user.reactivated"
		case before.Role != after.Role:
			kind = "user.role_changed"
		}
		return a.record(ctx, tx, actor, now, change{kind: kind, subjectType: "user", subjectID: id, offTimeline: true,
			before: publicUser(before), after: publicUser(after)})
	})
	return out, err
}

// ResetPassword sets a user's password (a generated one when pw is empty),
// ends their sessions, and returns the password to hand over.
func (a *App) ResetPassword(ctx context.Context, actor access.Actor, id, pw string) (string, error) {
	if err := actor.Require(access.ManageUsers, false); err != nil {
		return "", err
	}
	if pw == "" {
		pw = access.GeneratePassword()
	} else if msg := access.CheckPassword(pw); msg != "" {
		return "", (&fault.Fields{{Field: "password", Message: msg}}).Err()
	}
	hash := access.HashPassword(pw)
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.User(ctx, id)
		if err != nil {
			return err
		}
		now := a.Now()
		if err := tx.SetPassword(ctx, u.ID, hash, now); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
		if err := tx.ClearThrottle(ctx, access.ThrottleKey("email", u.Email)); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "user.password_reset", subjectType: "user", subjectID: u.ID, offTimeline: true})
	})
	return pw, err
}

// ChangePassword changes the actor's own password after checking the
// current one, and ends their other sessions.
func (a *App) ChangePassword(ctx context.Context, actor access.Actor, current, next, keepSession string) error {
	hash, err := a.store.PasswordHash(ctx, actor.User.ID)
	if err != nil {
		return err
	}
	var f fault.Fields
	if !access.VerifyPassword(hash, current) {
		f.Add("current_password", "this is not your current password")
	}
	if msg := access.CheckPassword(next); msg != "" {
		f.Add("new_password", msg)
	} else if next == current {
		f.Add("new_password", "choose a password different from the current one")
	}
	if err := f.Err(); err != nil {
		return err
	}
	newHash := access.HashPassword(next)
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		now := a.Now()
		if err := tx.SetPassword(ctx, actor.User.ID, newHash, now); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, actor.User.ID, keepSession); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "user.password_changed", subjectType: "user", subjectID: actor.User.ID, offTimeline: true})
	})
}

// LastSignIns returns when each user last signed in, by id (admins).
func (a *App) LastSignIns(ctx context.Context, actor access.Actor) (map[string]time.Time, error) {
	if err := actor.Require(access.ManageUsers, false); err != nil {
		return nil, err
	}
	return a.store.LastSignIns(ctx)
}

// UserAccess is what lets one user in: their live sessions and tokens.
type UserAccess struct {
	User     access.User
	Sessions []store.Session
	Tokens   []store.Token
}

// Access lists every user's live sessions and tokens, for admins to see
// and end them.
func (a *App) Access(ctx context.Context, actor access.Actor) ([]UserAccess, error) {
	if err := actor.Require(access.ManageUsers, false); err != nil {
		return nil, err
	}
	if err := actor.Require(access.ManageOtherTokens, false); err != nil {
		return nil, err
	}
	users, err := a.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	out := make([]UserAccess, 0, len(users))
	for _, u := range users {
		ua := UserAccess{User: u}
		if ua.Sessions, err = a.store.Sessions(ctx, u.ID, now); err != nil {
			return nil, err
		}
		if ua.Tokens, err = a.store.Tokens(ctx, u.ID); err != nil {
			return nil, err
		}
		out = append(out, ua)
	}
	return out, nil
}

// Session returns one live session: the actor's own, or, for admins,
// anyone's.
func (a *App) Session(ctx context.Context, actor access.Actor, id string) (store.Session, error) {
	s, err := a.store.Session(ctx, id)
	if err != nil {
		return s, err
	}
	if s.UserID != actor.User.ID && !actor.Can(access.ManageUsers, false) {
		return store.Session{}, fault.Forbiddenf("this session is not yours")
	}
	return s, nil
}

// RevokeUserSession ends anyone's session (admins): that browser is
// signed out on its next request.
func (a *App) RevokeUserSession(ctx context.Context, actor access.Actor, id string) error {
	if err := actor.Require(access.ManageUsers, false); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		s, err := tx.Session(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, a.Now(), change{kind: "session.revoked", subjectType: "user", subjectID: s.UserID, offTimeline: true,
			after: map[string]any{"session_id": id}})
	})
}

// Token returns one live token: the actor's own, or, for admins, anyone's.
func (a *App) Token(ctx context.Context, actor access.Actor, id string) (store.Token, error) {
	t, err := a.store.Token(ctx, id)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return t, err
	}
	if err != nil || !t.RevokedAt.IsZero() {
		return store.Token{}, fault.NotFoundf("no live token has that id")
	}
	if t.UserID != actor.User.ID && !actor.Can(access.ManageOtherTokens, false) {
		return store.Token{}, fault.Forbiddenf("this token is not yours")
	}
	return t, nil
}
