package app

import (
	"context"

	"tandem/internal/store"
)

// ClaimIdempotencyKey claims an Idempotency-Key for a request of the actor;
// it returns the stored response when the key was used before.
func (a *App) ClaimIdempotencyKey(ctx context.Context, userID, key, method, path string) (*store.Replay, error) {
	return a.store.ClaimIdempotencyKey(ctx, userID, key, method, path, a.Now())
}

// CompleteIdempotencyKey stores the response to replay for a claimed key.
func (a *App) CompleteIdempotencyKey(ctx context.Context, userID, key string, r store.Replay) error {
	return a.store.CompleteIdempotencyKey(ctx, userID, key, r)
}

// ReleaseIdempotencyKey forgets a claim whose request failed on our side.
func (a *App) ReleaseIdempotencyKey(ctx context.Context, userID, key string) error {
	return a.store.ReleaseIdempotencyKey(ctx, userID, key)
}
