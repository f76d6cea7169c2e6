package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Replay is a response stored under an Idempotency-Key.
type Replay struct {
	Method, Path string
	Status       int // 0 while the first request is still running
	Headers      string
	Body         []byte
}

// ClaimIdempotencyKey claims a key for a request. It returns nil when the
// claim is new, or the stored replay when the key was used before.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, userID, key, method, path string, now time.Time) (*Replay, error) {
	var found *Replay
	err := s.InTx(ctx, func(tx *Tx) error {
		var r Replay
		err := tx.row(ctx, `SELECT method, path, status, headers, body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
			userID, key).Scan(&r.Method, &r.Path, &r.Status, &r.Headers, &r.Body)
		if err == nil {
			found = &r
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO idempotency_keys (user_id, key, method, path, created_at) VALUES ($1, $2, $3, $4, $5)`,
			userID, key, method, path, ms(now))
		return err
	})
	return found, err
}

// CompleteIdempotencyKey stores the response of a claimed key.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, userID, key string, r Replay) error {
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE idempotency_keys SET status = $1, headers = $2, body = $3 WHERE user_id = $4 AND key = $5`,
			r.Status, r.Headers, r.Body, userID, key)
		return err
	})
}

// ReleaseIdempotencyKey forgets a claim whose request failed on our side,
// so that a retry runs again.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, userID, key string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2`, userID, key)
		return err
	})
}
