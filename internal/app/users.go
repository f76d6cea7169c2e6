package app

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/text"
)

// Session lifetimes: a session ends after this long without use, and in
// any case this long after sign-in.
const (
	SessionIdle     = 12 * time.Hour
	SessionAbsolute = 7 * 24 * time.Hour
)

// NewUser is the input for adding a user.
type NewUser struct {
	Email    string
	Name     string
	Role     string
	Password string // empty: generate one
}

// AddUser adds a user and returns the password they sign in with (the one
// given, or a generated one to be shown once).
func (a *App) AddUser(ctx context.Context, actor access.Actor, in NewUser) (access.User, string, error) {
	if err := actor.Require(access.ManageUsers, false); err != nil {
		return access.User{}, "", err
	}
	var f fault.Fields
	email := strings.TrimSpace(in.Email)
	if p := text.Problem(email, access.MaxEmailLength, false); p != "" {
		f.Add("email", "the email "+p)
	} else if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		f.Add("email", "enter an email address such as name@example.com")
	}
	name := strings.Join(strings.Fields(in.Name), " ")
	if name == "" {
		f.Add("name", "give the user a name")
	}
	role, ok := access.ParseRole(in.Role)
	if !ok {
		f.Add("role", "use one of: admin, manager, sales, service")
	}
	pw := in.Password
	if pw == "" {
		pw = access.GeneratePassword()
	} else if msg := access.CheckPassword(pw); msg != "" {
		f.Add("password", msg)
	}
	if err := f.Err(); err != nil {
		return access.User{}, "", err
	}
	now := a.Now()
	u := access.User{ID: newID(), Email: email, Name: name, Role: role, Active: true, CreatedAt: now, UpdatedAt: now, Version: 1}
	hash := access.HashPassword(pw)
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertUser(ctx, u, hash); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "user.created", subjectType: "user", subjectID: u.ID, after: publicUser(u)})
	})
	return u, pw, err
}

func publicUser(u access.User) map[string]any {
	return map[string]any{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role, "active": u.Active}
}

// Users lists every user.
func (a *App) Users(ctx context.Context, actor access.Actor) ([]access.User, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.Users(ctx)
}

// User returns one user.
func (a *App) User(ctx context.Context, actor access.Actor, id string) (access.User, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return access.User{}, err
	}
	return a.store.User(ctx, id)
}

// maxPasswordBytes bounds what a sign-in hashes: no password may be longer
// (access.CheckPassword).
const maxPasswordBytes = 1000

var errBadLogin = &fault.Error{Kind: fault.Unauthorized, Message: "that email and password do not match an active user"}

// Client describes where a sign-in comes from.
type Client struct {
	IP        string
	UserAgent string
}

// SignIn checks a password and opens a session; it returns the cookie
// secret. Failures are throttled per email (known or not) and per address,
// an email locks after access.LockAfter failures in a row, and an unknown
// email costs the same time as a wrong password.
func (a *App) SignIn(ctx context.Context, email, password string, c Client) (string, access.User, error) {
	now := a.Now()
	// Limits first: a sign-in nobody is signed in for writes a throttle row
	// and an event, so what it may write is bounded before anything is.
	var f fault.Fields
	if p := text.Problem(email, access.MaxEmailLength, false); p != "" {
		f.Add("email", "the email "+p)
	}
	if len(password) > maxPasswordBytes {
		f.Add("password", "a password has at most 1,000 characters")
	}
	if err := f.Err(); err != nil {
		return "", access.User{}, err
	}
	normEmail := strings.ToLower(strings.TrimSpace(email))
	et, err := a.store.Throttle(ctx, access.ThrottleKey("email", normEmail))
	if err != nil {
		return "", access.User{}, err
	}
	it, err := a.store.Throttle(ctx, access.ThrottleKey("ip", c.IP))
	if err != nil {
		return "", access.User{}, err
	}
	if wait, locked := et.Wait(now); wait > 0 {
		msg := "too many failed sign-ins; wait a moment and try again"
		if locked {
			msg = "too many failed sign-ins: this account is locked for now; try again later or ask an admin to reset the password"
		}
		return "", access.User{}, &fault.Error{Kind: fault.Throttled, Message: msg, Detail: wait}
	}
	if wait, _ := it.Wait(now); wait > 0 {
		return "", access.User{}, &fault.Error{Kind: fault.Throttled, Message: "too many failed sign-ins from this address; wait a moment and try again", Detail: wait}
	}
	u, hash, err := a.store.UserByEmail(ctx, normEmail)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return "", access.User{}, err
	}
	ok := access.VerifyPassword(hash, password)
	if err != nil || !ok || !u.Active {
		err := a.store.InTx(ctx, func(tx *store.Tx) error {
			lockedNow := et.Fail(now, access.FreeFailures, true)
			it.Fail(now, access.IPFreeFailures, false)
			if err := tx.SaveThrottle(ctx, et); err != nil {
				return err
			}
			if err := tx.SaveThrottle(ctx, it); err != nil {
				return err
			}
			detail := map[string]any{"email": normEmail, "ip": c.IP}
			if err := a.record(ctx, tx, access.Actor{}, now, change{kind: "session.sign_in_failed", subjectType: "user", subjectID: u.ID,
				offTimeline: true, after: detail}); err != nil {
				return err
			}
			if lockedNow {
				if err := a.record(ctx, tx, access.Actor{}, now, change{kind: "user.locked", subjectType: "user", subjectID: u.ID,
					offTimeline: true, after: map[string]any{"email": normEmail, "until": et.LockedUntil}}); err != nil {
					return err
				}
				return a.emailLockout(ctx, tx, u, et.LockedUntil, now)
			}
			return nil
		})
		if err != nil {
			return "", access.User{}, err
		}
		return "", access.User{}, errBadLogin
	}
	secret := access.NewSecret("tds_")
	s := store.Session{ID: newID(), UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(SessionIdle),
		UserAgent: truncate(c.UserAgent, 300), IP: c.IP}
	actor := access.Actor{User: u, Scope: access.ScopeAdmin}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClearThrottle(ctx, et.Key); err != nil {
			return err
		}
		if err := tx.InsertSession(ctx, s, access.HashSecret(secret)); err != nil {
			return err
		}
		if err := tx.SetLastSignIn(ctx, u.ID, now); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "session.signed_in", subjectType: "user", subjectID: u.ID, offTimeline: true,
			after: map[string]any{"session_id": s.ID, "ip": c.IP}})
	})
	return secret, u, err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// SessionActor returns the signed-in user of a session cookie and keeps the
// session alive.
func (a *App) SessionActor(ctx context.Context, secret string) (access.Actor, store.Session, error) {
	now := a.Now()
	hash := access.HashSecret(secret)
	e, ok := a.auth.get(hash, now)
	if !ok {
		e.gen = a.auth.generation()
		s, err := a.store.SessionByHash(ctx, hash, now)
		if err != nil {
			return access.Actor{}, s, unauthorized(err)
		}
		u, err := a.store.User(ctx, s.UserID)
		if err != nil {
			return access.Actor{}, s, unauthorized(err)
		}
		e.at, e.session, e.user = now, s, u
		a.auth.put(hash, e)
	}
	s, u := e.session, e.user
	if e.session.ID == "" || !u.Active || !s.ExpiresAt.After(now) {
		return access.Actor{}, s, unauthorized(nil)
	}
	if now.Sub(s.LastSeenAt) > time.Minute {
		expires := now.Add(SessionIdle)
		if abs := s.CreatedAt.Add(SessionAbsolute); expires.After(abs) {
			expires = abs
		}
		if err := a.store.TouchSession(ctx, s.ID, now, expires); err != nil {
			a.log.Warn("session touch failed", "err", err)
		} else {
			e.session.LastSeenAt, e.session.ExpiresAt = now, expires
			a.auth.put(hash, e)
		}
	}
	// A browser session carries the user's full role.
	return access.Actor{User: u, Scope: access.ScopeAdmin}, s, nil
}

func unauthorized(err error) error {
	if err == nil || fault.KindOf(err) == fault.NotFound {
		return fault.New(fault.Unauthorized, "sign in to continue")
	}
	return err
}

// SignOut ends a session.
func (a *App) SignOut(ctx context.Context, actor access.Actor, sessionID string) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSession(ctx, sessionID); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, a.Now(), change{kind: "session.signed_out", subjectType: "user", subjectID: actor.User.ID, offTimeline: true})
	})
}

// Sessions lists the actor's own live sessions.
func (a *App) Sessions(ctx context.Context, actor access.Actor) ([]store.Session, error) {
	return a.store.Sessions(ctx, actor.User.ID, a.Now())
}

// RevokeSession ends one of the actor's own sessions.
func (a *App) RevokeSession(ctx context.Context, actor access.Actor, id string) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		s, err := tx.Session(ctx, id)
		if err != nil {
			return err
		}
		if s.UserID != actor.User.ID {
			return fault.Forbiddenf("this session is not yours")
		}
		if err := tx.DeleteSession(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, a.Now(), change{kind: "session.revoked", subjectType: "user", subjectID: actor.User.ID, offTimeline: true,
			after: map[string]any{"session_id": id}})
	})
}

// TokenActor returns the actor of an API token.
func (a *App) TokenActor(ctx context.Context, secret string) (access.Actor, error) {
	now := a.Now()
	hash := access.HashSecret(secret)
	e, ok := a.auth.get(hash, now)
	if !ok {
		e.gen = a.auth.generation()
		t, u, err := a.store.TokenUser(ctx, hash, now)
		if err != nil {
			return access.Actor{}, unauthorized(err)
		}
		e.at, e.token, e.user = now, t, u
		a.auth.put(hash, e)
	}
	t, u := e.token, e.user
	if t.ID == "" || !u.Active || (!t.ExpiresAt.IsZero() && !t.ExpiresAt.After(now)) {
		return access.Actor{}, unauthorized(nil)
	}
	actor := access.Actor{User: u, Scope: t.Scope}
	if now.Sub(t.LastUsedAt) > time.Minute {
		// Token use is audited at most once a minute per token.
		err := a.store.InTx(ctx, func(tx *store.Tx) error {
			wrote, err := tx.TouchToken(ctx, t.ID, now)
			if err != nil || !wrote {
				return err
			}
			return a.record(ctx, tx, actor, now, change{kind: "token.used", subjectType: "token", subjectID: t.ID, offTimeline: true})
		})
		if err != nil {
			a.log.Warn("token touch failed", "err", err)
		} else {
			e.token.LastUsedAt = now
			a.auth.put(hash, e)
		}
	}
	return actor, nil
}

// NewToken is the input for creating an API token.
type NewToken struct {
	UserID    string // empty: the actor's own
	Label     string
	Scope     string
	ExpiresAt time.Time
}

// CreateToken creates an API token and returns its secret, shown once.
func (a *App) CreateToken(ctx context.Context, actor access.Actor, in NewToken) (store.Token, string, error) {
	if in.UserID == "" {
		in.UserID = actor.User.ID
	}
	own := in.UserID == actor.User.ID
	if err := actor.Require(access.CreateOwnToken, false); err != nil {
		return store.Token{}, "", err
	}
	if !own {
		if err := actor.Require(access.ManageOtherTokens, false); err != nil {
			return store.Token{}, "", err
		}
	}
	owner, err := a.store.User(ctx, in.UserID)
	if err != nil {
		return store.Token{}, "", err
	}
	var f fault.Fields
	label := strings.TrimSpace(in.Label)
	if label == "" {
		label = "API token"
	}
	if len(label) > 100 {
		f.Add("label", "keep the label under 100 characters")
	}
	scope := access.ScopeWrite
	if in.Scope != "" {
		var ok bool
		if scope, ok = access.ParseScope(in.Scope); !ok {
			f.Add("scope", "use one of: read, write, admin")
		}
	}
	if scope == access.ScopeAdmin && owner.Role != access.Admin {
		f.Add("scope", "only admins can hold admin tokens")
	}
	now := a.Now()
	if !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(now) {
		f.Add("expires_at", "choose a time in the future")
	}
	if err := f.Err(); err != nil {
		return store.Token{}, "", err
	}
	if !actor.Scope.Covers(scope) {
		// A token never obtains more than its own scope.
		return store.Token{}, "", fault.Forbiddenf("this token's scope (%s) may not create tokens of scope %s; use a token of that scope or a browser session", actor.Scope, scope)
	}
	secret := access.NewSecret("tdt_")
	t := store.Token{ID: newID(), UserID: owner.ID, Label: label, Scope: scope, CreatedAt: now, ExpiresAt: in.ExpiresAt}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertToken(ctx, t, access.HashSecret(secret)); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "token.created", subjectType: "token", subjectID: t.ID, offTimeline: true,
			after: map[string]any{"user_id": t.UserID, "label": t.Label, "scope": t.Scope}})
	})
	return t, secret, err
}

// Tokens lists a user's live tokens: the actor's own, or, for admins, anyone's.
func (a *App) Tokens(ctx context.Context, actor access.Actor, userID string) ([]store.Token, error) {
	if userID == "" {
		userID = actor.User.ID
	}
	if userID != actor.User.ID {
		if err := actor.Require(access.ManageOtherTokens, false); err != nil {
			return nil, err
		}
	}
	return a.store.Tokens(ctx, userID)
}

// RevokeToken revokes a token: the actor's own, or, for admins, anyone's.
// Revocation is effective on the next request.
func (a *App) RevokeToken(ctx context.Context, actor access.Actor, id string) error {
	now := a.Now()
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.Token(ctx, id)
		if err != nil && fault.KindOf(err) != fault.NotFound {
			return err
		}
		if err != nil || !t.RevokedAt.IsZero() {
			return fault.NotFoundf("no live token has that id")
		}
		if t.UserID != actor.User.ID && !actor.Can(access.ManageOtherTokens, false) {
			return fault.Forbiddenf("this token is not yours")
		}
		if err := tx.RevokeToken(ctx, id, now); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "token.revoked", subjectType: "token", subjectID: id, offTimeline: true,
			after: map[string]any{"user_id": t.UserID, "label": t.Label}})
	})
}

// UserByEmail finds a user for the CLI.
func (a *App) UserByEmail(ctx context.Context, email string) (access.User, error) {
	u, _, err := a.store.UserByEmail(ctx, email)
	if errors.Is(err, nil) || fault.KindOf(err) != fault.NotFound {
		return u, err
	}
	return u, fault.NotFoundf("no user has the email %s", email)
}
