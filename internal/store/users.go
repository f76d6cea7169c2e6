package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/fault"
)

const userCols = `id, email, name, role, active, created_at, updated_at, version`

func scanUser(sc interface{ Scan(...any) error }) (access.User, error) {
	var u access.User
	var role string
	var active int
	var created, updated int64
	err := sc.Scan(&u.ID, &u.Email, &u.Name, &role, &active, &created, &updated, &u.Version)
	u.Role, u.Active = access.Role(role), active == 1
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, err
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fault.NotFoundf("no %s has that id", what)
	}
	return err
}

// User returns a user by id.
func (q q) User(ctx context.Context, id string) (access.User, error) {
	u, err := scanUser(q.row(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	return u, notFound(err, "user")
}

// UserByEmail returns a user and their password hash by email, any case.
func (q q) UserByEmail(ctx context.Context, email string) (access.User, string, error) {
	var hash string
	row := q.row(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE email_norm = $1`, strings.ToLower(strings.TrimSpace(email)))
	var u access.User
	var role string
	var active int
	var created, updated int64
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &active, &created, &updated, &u.Version, &hash)
	u.Role, u.Active = access.Role(role), active == 1
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, hash, notFound(err, "user")
}

// Users lists users by name.
func (q q) Users(ctx context.Context) ([]access.User, error) {
	rows, err := q.query(ctx, `SELECT `+userCols+` FROM users ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanUser)
}

// CountUsers counts users.
func (q q) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// InsertUser adds a user with a password hash.
func (tx *Tx) InsertUser(ctx context.Context, u access.User, hash string) error {
	_, err := tx.exec(ctx, `INSERT INTO users (id, email, email_norm, name, role, active, password_hash, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)`,
		u.ID, u.Email, strings.ToLower(u.Email), u.Name, string(u.Role), boolInt(u.Active), hash, ms(u.CreatedAt), ms(u.UpdatedAt))
	if IsUnique(err) {
		return &fault.Error{Kind: fault.Conflict, Message: "a user with this email already exists",
			Fields: []fault.FieldError{{Field: "email", Message: "this email is already in use"}}}
	}
	return err
}

// Token is an API token as stored (never the secret itself).
type Token struct {
	ID         string
	UserID     string
	Label      string
	Scope      access.Scope
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time
}

const tokenCols = `id, user_id, label, scope, created_at, last_used_at, expires_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var scope string
	var created int64
	var used, expires, revoked sql.NullInt64
	err := sc.Scan(&t.ID, &t.UserID, &t.Label, &scope, &created, &used, &expires, &revoked)
	t.Scope = access.Scope(scope)
	t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt = fromMS(created), fromNullMS(used), fromNullMS(expires), fromNullMS(revoked)
	return t, err
}

// InsertToken stores a token under the hash of its secret.
func (tx *Tx) InsertToken(ctx context.Context, t Token, hash string) error {
	_, err := tx.exec(ctx, `INSERT INTO api_tokens (id, user_id, label, scope, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.UserID, t.Label, string(t.Scope), hash, ms(t.CreatedAt), nullMS(t.ExpiresAt))
	return err
}

// TokenUser finds a live token by the hash of its secret, with its user.
func (q q) TokenUser(ctx context.Context, hash string, now time.Time) (Token, access.User, error) {
	var t Token
	var u access.User
	var scope, role string
	var created, uCreated, uUpdated int64
	var used, expires, revoked sql.NullInt64
	var active int
	err := q.row(ctx, `SELECT t.id, t.user_id, t.label, t.scope, t.created_at, t.last_used_at, t.expires_at, t.revoked_at,
		u.id, u.email, u.name, u.role, u.active, u.created_at, u.updated_at, u.version
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)`, hash, ms(now)).Scan(
		&t.ID, &t.UserID, &t.Label, &scope, &created, &used, &expires, &revoked,
		&u.ID, &u.Email, &u.Name, &role, &active, &uCreated, &uUpdated, &u.Version)
	t.Scope, u.Role, u.Active = access.Scope(scope), access.Role(role), active == 1
	t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt = fromMS(created), fromNullMS(used), fromNullMS(expires), fromNullMS(revoked)
	u.CreatedAt, u.UpdatedAt = fromMS(uCreated), fromMS(uUpdated)
	return t, u, notFound(err, "token")
}

// Token returns a token by id.
func (q q) Token(ctx context.Context, id string) (Token, error) {
	t, err := scanToken(q.row(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE id = $1`, id))
	return t, notFound(err, "token")
}

// Tokens lists a user's tokens, newest first.
func (q q) Tokens(ctx context.Context, userID string) ([]Token, error) {
	rows, err := q.query(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC`, userID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanToken)
}

// RevokeToken revokes a token.
func (tx *Tx) RevokeToken(ctx context.Context, id string, now time.Time) error {
	_, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, ms(now), id)
	return err
}

// TouchToken records that a token was used, at most once a minute; it
// reports whether it wrote.
func (tx *Tx) TouchToken(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
		ms(now), id, ms(now.Add(-time.Minute)))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Session is a signed-in browser.
type Session struct {
	ID         string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	UserAgent  string
	IP         string
}

// InsertSession stores a session under the hash of its cookie value.
func (tx *Tx) InsertSession(ctx context.Context, s Session, hash string) error {
	_, err := tx.exec(ctx, `INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, expires_at, user_agent, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.ID, s.UserID, hash, ms(s.CreatedAt), ms(s.LastSeenAt), ms(s.ExpiresAt), s.UserAgent, s.IP)
	return err
}

const sessionCols = `id, user_id, created_at, last_seen_at, expires_at, user_agent, ip`

func scanSession(sc interface{ Scan(...any) error }) (Session, error) {
	var s Session
	var created, seen, expires int64
	err := sc.Scan(&s.ID, &s.UserID, &created, &seen, &expires, &s.UserAgent, &s.IP)
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return s, err
}

// SessionByHash finds a live session.
func (q q) SessionByHash(ctx context.Context, hash string, now time.Time) (Session, error) {
	s, err := scanSession(q.row(ctx, `SELECT `+sessionCols+` FROM sessions WHERE token_hash = $1 AND expires_at > $2`, hash, ms(now)))
	return s, notFound(err, "session")
}

// Session returns a session by id.
func (q q) Session(ctx context.Context, id string) (Session, error) {
	s, err := scanSession(q.row(ctx, `SELECT `+sessionCols+` FROM sessions WHERE id = $1`, id))
	return s, notFound(err, "session")
}

// Sessions lists a user's live sessions, most recently used first.
func (q q) Sessions(ctx context.Context, userID string, now time.Time) ([]Session, error) {
	rows, err := q.query(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, id`, userID, ms(now))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSession)
}

// DeleteUserSessions ends every session of a user but keep (may be "").
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID, keep string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keep)
	return err
}

// UpdateUser writes a user's name, role and active flag if the version is
// still expected.
func (tx *Tx) UpdateUser(ctx context.Context, u access.User, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE users SET name = $1, role = $2, active = $3, updated_at = $4, version = version + 1
		WHERE id = $5 AND version = $6`, u.Name, string(u.Role), boolInt(u.Active), ms(u.UpdatedAt), u.ID, expected)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "user")
}

// SetPassword replaces a user's password hash.
func (tx *Tx) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	_, err := tx.exec(ctx, `UPDATE users SET password_hash = $1, updated_at = $2, version = version + 1 WHERE id = $3`, hash, ms(now), userID)
	return err
}

// PasswordHash returns a user's password hash.
func (q q) PasswordHash(ctx context.Context, userID string) (string, error) {
	var h string
	err := q.row(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&h)
	return h, notFound(err, "user")
}

// CountActiveAdmins counts the active admins.
func (q q) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1`).Scan(&n)
	return n, err
}

// Throttle returns the sign-in failures recorded for a key.
func (q q) Throttle(ctx context.Context, key string) (access.Throttle, error) {
	t := access.Throttle{Key: key}
	var last, next, locked int64
	err := q.row(ctx, `SELECT failures, last_failure_at, next_allowed_at, locked_until FROM login_throttle WHERE key = $1`, key).
		Scan(&t.Failures, &last, &next, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	t.LastFailureAt, t.NextAllowedAt, t.LockedUntil = fromMS(last), fromMS(next), fromMS(locked)
	return t, err
}

// SaveThrottle writes the failures of a key.
func (tx *Tx) SaveThrottle(ctx context.Context, t access.Throttle) error {
	_, err := tx.exec(ctx, `INSERT INTO login_throttle (key, failures, last_failure_at, next_allowed_at, locked_until) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (key) DO UPDATE SET failures = $2, last_failure_at = $3, next_allowed_at = $4, locked_until = $5`,
		t.Key, t.Failures, ms(t.LastFailureAt), ms(t.NextAllowedAt), ms(t.LockedUntil))
	return err
}

// ClearThrottle forgets the failures of a key.
func (tx *Tx) ClearThrottle(ctx context.Context, key string) error {
	_, err := tx.exec(ctx, `DELETE FROM login_throttle WHERE key = $1`, key)
	return err
}

// ForgetThrottles removes the sign-in failures whose keys are free again
// by a moment and were last counted before another: they no longer slow or
// lock anyone.
func (s *Store) ForgetThrottles(ctx context.Context, lastBefore, freeBy time.Time) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM login_throttle WHERE last_failure_at < $1 AND next_allowed_at <= $2 AND locked_until <= $2`,
			ms(lastBefore), ms(freeBy))
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return n, err
}

// TouchSession moves a session's idle deadline, at most once a minute.
func (s *Store) TouchSession(ctx context.Context, id string, now, expires time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3 AND last_seen_at < $4`,
			ms(now), ms(expires), id, ms(now.Add(-time.Minute)))
		return err
	})
}

// DeleteSession ends a session.
func (tx *Tx) DeleteSession(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	return err
}

// SetLastSignIn records when a user signed in; the user's version stays,
// so that an admin's open form of the user is not stale for it.
func (tx *Tx) SetLastSignIn(ctx context.Context, userID string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE users SET last_sign_in_at = $1 WHERE id = $2`, ms(at), userID)
	return err
}

// LastSignIns returns when each user who ever signed in last did, by id.
func (q q) LastSignIns(ctx context.Context) (map[string]time.Time, error) {
	rows, err := q.query(ctx, `SELECT id, last_sign_in_at FROM users WHERE last_sign_in_at IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = fromMS(at)
	}
	return out, rows.Err()
}
