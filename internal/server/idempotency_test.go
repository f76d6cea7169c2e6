package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestIdempotencyKeys: a retry replays the first answer and creates
// nothing; the key cannot be reused for another request; a bad key is
// refused; a one-time secret is neither stored nor replayed.
func TestIdempotencyKeys(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		ctx := context.Background()
		body := map[string]any{"name": "Tailspin Toys"}
		first := e.sam.do("POST", "/api/v1/accounts", body, "Idempotency-Key", "acct-1").want(t, 201)
		again := e.sam.do("POST", "/api/v1/accounts", body, "Idempotency-Key", "acct-1").want(t, 201)
		if again.str("id") != first.str("id") || again.header.Get("Idempotent-Replayed") != "true" || again.header.Get("ETag") != first.header.Get("ETag") {
			t.Fatalf("the retry is not the first answer: %s %v / %s", first.raw, again.header, again.raw)
		}
		e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Tailspin Toys (other)"}, "Idempotency-Key", "acct-1").want(t, 422)
		e.sam.do("POST", "/api/v1/accounts/"+first.str("id")+"/merge", map[string]any{"from_id": first.str("id")}, "Idempotency-Key", "acct-1").want(t, 422)
		list := e.sam.do("GET", "/api/v1/accounts?q=Tailspin", nil).want(t, 200)
		if items, _ := list.body["items"].([]any); len(items) != 1 {
			t.Fatalf("a retry created another account: %s", list.raw)
		}
		// Keys are per user: another user's same key is a new request.
		e.mia.do("POST", "/api/v1/accounts", map[string]any{"name": "Mia's own"}, "Idempotency-Key", "acct-1").want(t, 201)

		// A refused request is answered the same way again.
		e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Acme", "tier": "diamond"}, "Idempotency-Key", "bad-tier").want(t, 422)
		if r := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Acme", "tier": "diamond"}, "Idempotency-Key", "bad-tier").want(t, 422); r.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("a refusal is not replayed: %v", r.header)
		}

		for _, key := range []string{"tab\tkey", "bad\xffutf8", "\xe2\x80\xa8line", strings.Repeat("k", 201)} {
			e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Bad key"}, "Idempotency-Key", key).want(t, 422)
		}

		// One-time secrets: shown once, never stored, never replayed.
		ada := e.user(t, "ada@example.com", "Ada", "admin", "admin")
		made := ada.do("POST", "/api/v1/tokens", map[string]any{"label": "integration", "scope": "read"}, "Idempotency-Key", "tok-1").want(t, 201)
		if !strings.HasPrefix(made.str("token"), "tdt_") {
			t.Fatalf("the new token is not shown: %s", made.raw)
		}
		replayed := ada.do("POST", "/api/v1/tokens", map[string]any{"label": "integration", "scope": "read"}, "Idempotency-Key", "tok-1").want(t, 201)
		if replayed.str("id") != made.str("id") || replayed.str("token") != "" || strings.Contains(string(replayed.raw), made.str("token")) {
			t.Fatalf("the replay shows the secret or another token: %s", replayed.raw)
		}
		pw := ada.do("POST", "/api/v1/users", map[string]any{"email": "new@example.com", "name": "New", "role": "sales"}, "Idempotency-Key", "user-1").want(t, 201)
		for key, secret := range map[string]string{"tok-1": made.str("token"), "user-1": pw.str("password")} {
			stored, err := s.Replay(ctx, ada.userID, key, time.Now().Add(-time.Hour))
			if err != nil || stored == nil {
				t.Fatalf("%s: nothing stored (%v)", key, err)
			}
			if secret == "" || strings.Contains(string(stored.Body), secret) {
				t.Fatalf("%s: the secret %q is stored: %s", key, secret, stored.Body)
			}
		}
	})
}
