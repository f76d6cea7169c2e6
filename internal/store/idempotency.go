package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"
)

// Replay is a response stored under an Idempotency-Key, with the
// fingerprint of the request that caused it.
type Replay struct {
	Fingerprint []byte
	Status      int
	Headers     string
	Body        []byte
}

// Replay returns the response stored under a key of a user since a moment,
// or nil when there is none.
func (s *Store) Replay(ctx context.Context, userID, key string, since time.Time) (*Replay, error) {
	return s.replay(ctx, s.q, userID, key, since)
}

func (s *Store) replay(ctx context.Context, on q, userID, key string, since time.Time) (*Replay, error) {
	var r Replay
	err := on.row(ctx, `SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at >= $3`,
		userID, key, ms(since)).Scan(&r.Fingerprint, &r.Status, &r.Headers, &r.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// errAnswered rolls back a transaction whose key turned out to be answered
// by a request that committed first.
var errAnswered = errors.New("idempotency key already answered")

// Idempotent runs work in one transaction with the key it is done under:
// the key's row is written first, so a concurrent request with the same key
// waits for this one, and the response work returns is stored in the same
// commit as everything work wrote. A crash before the commit leaves neither
// the work nor the key; after it, both. Work's context carries the
// transaction: the store calls made with it join it. When the key was
// answered since a moment already, nothing runs and that answer is
// returned. A key older than since is taken over as new.
func (s *Store) Idempotent(ctx context.Context, userID, key, method, path string, fingerprint []byte, now, since time.Time,
	work func(context.Context) (Replay, error)) (prior *Replay, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `INSERT INTO idempotency_keys (user_id, key, method, path, fingerprint, status, headers, body, created_at)
			VALUES ($1, $2, $3, $4, $5, 0, '', NULL, $6)
			ON CONFLICT (user_id, key) DO UPDATE SET method = excluded.method, path = excluded.path, fingerprint = excluded.fingerprint,
				status = 0, headers = '', body = NULL, created_at = excluded.created_at
			WHERE idempotency_keys.created_at < $7`,
			userID, key, method, path, fingerprint, ms(now), ms(since))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if prior, err = s.replay(ctx, tx.q, userID, key, since); err != nil {
				return err
			}
			return errAnswered
		}
		r, err := work(withTx(ctx, tx))
		if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE idempotency_keys SET status = $1, headers = $2, body = $3 WHERE user_id = $4 AND key = $5`,
			r.Status, r.Headers, r.Body, userID, key)
		return err
	})
	if errors.Is(err, errAnswered) {
		return prior, nil
	}
	return nil, err
}

// Matches reports whether a stored answer was to the request with this
// fingerprint. One stored before fingerprints were kept matches any.
func (r *Replay) Matches(fingerprint []byte) bool {
	return len(r.Fingerprint) == 0 || bytes.Equal(r.Fingerprint, fingerprint)
}

// ForgetIdempotencyKeys removes the keys written before a moment, a batch
// at a time, and returns how many went.
func (s *Store) ForgetIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		var n int64
		err := s.InTx(ctx, func(tx *Tx) error {
			res, err := tx.exec(ctx, `DELETE FROM idempotency_keys WHERE (user_id, key) IN (
				SELECT user_id, key FROM idempotency_keys WHERE created_at < $1 LIMIT 1000)`, ms(before))
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}
