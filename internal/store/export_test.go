package store

import "context"

// RunLean runs migration 10 again on an open store.
func (s *Store) RunLean(ctx context.Context) error { return lean(ctx, s.writer) }
