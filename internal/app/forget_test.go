package app_test

import (
	"context"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestForgetExpired: failed sign-ins are forgotten once they slow and lock
// no one, and Idempotency-Keys after their 24 hours; nothing sooner.
func TestForgetExpired(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		a := app.New(s, app.WithClock(func() time.Time { return now }))
		for _, email := range []string{"nobody@example.com", "someone@example.com"} {
			if _, _, err := a.SignIn(ctx, email, "wrong password", app.Client{IP: "192.0.2.1"}); err == nil {
				t.Fatal("a wrong sign-in succeeded")
			}
		}
		if _, err := a.Idempotent(ctx, "u", "k", "POST", "/x", []byte("f"), func(context.Context) (store.Replay, error) {
			return store.Replay{Status: 201, Body: []byte("{}")}, nil
		}); err != nil {
			t.Fatal(err)
		}
		throttled := func() int {
			var n int
			if err := s.JobsDB().QueryRow(`SELECT COUNT(*) FROM login_throttle`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if throttled() == 0 {
			t.Fatal("the failed sign-ins were not counted")
		}
		before := throttled()
		if n, err := a.ForgetExpired(ctx); err != nil || n != 0 {
			t.Fatalf("forgot %d rows at once (%v)", n, err)
		}
		now = now.Add(access.FailuresForgive + access.LockFor + time.Minute)
		if n, err := a.ForgetExpired(ctx); err != nil || n != int64(before) {
			t.Fatalf("after the failures were forgiven: forgot %d of %d (%v)", n, before, err)
		}
		if throttled() != 0 {
			t.Fatal("forgiven failures are still there")
		}
		if r, _ := a.Replay(ctx, "u", "k"); r == nil {
			t.Fatal("an Idempotency-Key went before its 24 hours")
		}
		now = now.Add(app.IdempotencyTTL)
		if n, err := a.ForgetExpired(ctx); err != nil || n != 1 {
			t.Fatalf("after 24 hours: forgot %d (%v)", n, err)
		}
	})
}
