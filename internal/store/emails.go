package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
)

// Email is one outgoing message in the outbox.
type Email struct {
	ID            string
	ToUserID      string // a user: sent to their address if they want this kind by email
	ToAddress     string // or an address outside (a customer's contact)
	Kind          string
	AccountID     string
	SubjectID     string
	Subject       string
	Body          string
	Status        string // pending, sent, skipped, failed
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	CreatedAt     time.Time
	SentAt        time.Time
}

const emailCols = `id, COALESCE(to_user_id, ''), to_address, kind, account_id, subject_id, subject, body, status, attempts, last_error,
	next_attempt_at, created_at, sent_at`

func scanEmail(r interface{ Scan(...any) error }) (Email, error) {
	var e Email
	var next, created int64
	var sent sql.NullInt64
	err := r.Scan(&e.ID, &e.ToUserID, &e.ToAddress, &e.Kind, &e.AccountID, &e.SubjectID, &e.Subject, &e.Body, &e.Status, &e.Attempts, &e.LastError,
		&next, &created, &sent)
	e.NextAttemptAt, e.CreatedAt, e.SentAt = fromMS(next), fromMS(created), fromNullMS(sent)
	return e, err
}

// InsertEmail puts a message in the outbox.
func (tx *Tx) InsertEmail(ctx context.Context, e Email) error {
	_, err := tx.exec(ctx, `INSERT INTO emails (id, to_user_id, to_address, kind, account_id, subject_id, subject, body, status, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10)`,
		e.ID, nullStr(e.ToUserID), e.ToAddress, e.Kind, e.AccountID, e.SubjectID, e.Subject, e.Body, ms(e.NextAttemptAt), ms(e.CreatedAt))
	return err
}

// ClaimEmails takes up to limit due messages, oldest first, for sending
// until lease, and counts the attempt: it returns those this caller got.
// Two senders never get the same message: the claim's own condition is
// checked again on each row it updates, which on PostgreSQL a sender
// waiting for another's claim to commit sees as no longer due.
func (tx *Tx) ClaimEmails(ctx context.Context, now, lease time.Time, limit int) ([]Email, error) {
	rows, err := tx.query(ctx, `UPDATE emails SET next_attempt_at = $1, attempts = attempts + 1
		WHERE status = 'pending' AND next_attempt_at <= $2 AND id IN (
			SELECT id FROM emails WHERE status = 'pending' AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $3)
		RETURNING `+emailCols, ms(lease), ms(now), limit)
	if err != nil {
		return nil, err
	}
	claimed, err := collect(rows, scanEmail)
	slices.SortFunc(claimed, func(a, b Email) int { return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID)) })
	return claimed, err
}

// FinishEmail records how a message's attempt ended: status sent, skipped
// or failed; or pending with the time of the next attempt.
func (tx *Tx) FinishEmail(ctx context.Context, e Email) error {
	_, err := tx.exec(ctx, `UPDATE emails SET status = $1, last_error = $2, next_attempt_at = $3, sent_at = $4 WHERE id = $5`,
		e.Status, e.LastError, ms(e.NextAttemptAt), nullMS(e.SentAt), e.ID)
	return err
}

// Emails lists the outbox for one subject (a case, a notification's
// subject), oldest first.
func (q q) Emails(ctx context.Context, subjectID string) ([]Email, error) {
	rows, err := q.query(ctx, `SELECT `+emailCols+` FROM emails WHERE subject_id = $1 ORDER BY created_at, id`, subjectID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEmail)
}

// SigningKey returns the named key, making it from newSecret the first
// time it is asked for.
func (tx *Tx) SigningKey(ctx context.Context, name, newSecret string, now time.Time) (string, error) {
	if _, err := tx.exec(ctx, `INSERT INTO signing_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
		name, newSecret, ms(now)); err != nil {
		return "", err
	}
	var secret string
	err := tx.row(ctx, `SELECT secret FROM signing_keys WHERE name = $1`, name).Scan(&secret)
	return secret, err
}
