package app

import (
	"context"
	"strings"

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
