package app

import (
	"context"
	"time"

	"tandem/internal/access"
	"tandem/internal/store"
)

// IdempotencyTTL is how long a response is kept for replay under its
// Idempotency-Key; after it the key may be used afresh.
const IdempotencyTTL = 24 * time.Hour

// Replay returns the response stored under one of the user's keys, nil
// when there is none.
func (a *App) Replay(ctx context.Context, userID, key string) (*store.Replay, error) {
	now := a.Now()
	return a.store.Replay(ctx, userID, key, now.Add(-IdempotencyTTL))
}

// Idempotent runs a request's work under one of the user's keys, in one
// transaction with the response it stores (see store.Idempotent). It
// returns the stored answer instead when the key was answered meanwhile.
func (a *App) Idempotent(ctx context.Context, userID, key, method, path string, fingerprint []byte,
	work func(context.Context) (store.Replay, error)) (*store.Replay, error) {
	now := a.Now()
	return a.store.Idempotent(ctx, userID, key, method, path, fingerprint, now, now.Add(-IdempotencyTTL), work)
}

// ForgetExpired removes what no longer counts for anything: the
// Idempotency-Keys past IdempotencyTTL and the sign-in failures that were
// forgiven and slow or lock no one. It returns how many rows went.
func (a *App) ForgetExpired(ctx context.Context) (int64, error) {
	now := a.Now()
	keys, err := a.store.ForgetIdempotencyKeys(ctx, now.Add(-IdempotencyTTL))
	if err != nil {
		return keys, err
	}
	throttles, err := a.store.ForgetThrottles(ctx, now.Add(-access.FailuresForgive), now)
	return keys + throttles, err
}
