package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestIdempotentCommitsWorkAndAnswerTogether: the key, the work and the
// answer commit together or not at all; a second request under the key
// gets the first answer and runs nothing; concurrent ones run the work once;
// an expired key is taken over.
func TestIdempotentCommitsWorkAndAnswerTogether(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		since := now.Add(-24 * time.Hour)
		fp := []byte("fingerprint")
		insert := func(ctx context.Context, id string) error {
			return s.InTx(ctx, func(tx *store.Tx) error {
				return tx.InsertUser(ctx, access.User{ID: id, Email: id + "@example.com", Name: id, Role: access.Sales, Active: true, CreatedAt: now, UpdatedAt: now}, "")
			})
		}
		exists := func(ctx context.Context, id string) bool {
			_, err := s.User(ctx, id)
			return err == nil
		}

		// Work that fails keeps neither its writes nor the key.
		boom := errors.New("failed on our side")
		prior, err := s.Idempotent(ctx, "u", "k1", "POST", "/x", fp, now, since, func(ctx context.Context) (store.Replay, error) {
			if err := insert(ctx, "failed"); err != nil {
				return store.Replay{}, err
			}
			return store.Replay{}, boom
		})
		if !errors.Is(err, boom) || prior != nil {
			t.Fatalf("failed work: %v %v", prior, err)
		}
		if exists(ctx, "failed") {
			t.Fatal("the failed work's write was kept")
		}
		if r, _ := s.Replay(ctx, "u", "k1", since); r != nil {
			t.Fatal("the failed work's key was kept")
		}

		// Work that succeeds: its writes are visible inside it (reads join
		// the transaction) and commit with the answer.
		var runs atomic.Int32
		work := func(ctx context.Context) (store.Replay, error) {
			runs.Add(1)
			if err := insert(ctx, "made"); err != nil {
				return store.Replay{}, err
			}
			if !exists(ctx, "made") {
				return store.Replay{}, errors.New("a read inside the work does not see its write")
			}
			return store.Replay{Status: 201, Headers: `{"ETag":"\"1\""}`, Body: []byte(`{"id":"made"}`)}, nil
		}
		if prior, err := s.Idempotent(ctx, "u", "k1", "POST", "/x", fp, now, since, work); err != nil || prior != nil {
			t.Fatalf("first request: %v %v", prior, err)
		}
		if !exists(ctx, "made") {
			t.Fatal("the work was not committed")
		}

		// Concurrent retries: each gets the answer, none runs the work.
		var wg sync.WaitGroup
		answers := make([]*store.Replay, 8)
		errs := make([]error, 8)
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i], errs[i] = s.Idempotent(ctx, "u", "k1", "POST", "/x", fp, now, since, work)
			}()
		}
		wg.Wait()
		for i, a := range answers {
			if errs[i] != nil || a == nil || a.Status != 201 || string(a.Body) != `{"id":"made"}` || !a.Matches(fp) || a.Matches([]byte("other")) {
				t.Fatalf("retry %d: %+v %v", i, a, errs[i])
			}
		}
		if runs.Load() != 1 {
			t.Fatalf("the work ran %d times", runs.Load())
		}

		// Two new keys at once: each runs once.
		var ran [2]atomic.Int32
		for i := range 2 {
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s.Idempotent(ctx, "u", fmt.Sprintf("race-%d", i), "POST", "/x", fp, now, since, func(ctx context.Context) (store.Replay, error) {
						ran[i].Add(1)
						return store.Replay{Status: 201, Body: []byte("{}")}, nil
					})
				}()
			}
		}
		wg.Wait()
		if ran[0].Load() != 1 || ran[1].Load() != 1 {
			t.Fatalf("concurrent requests under one key ran %d and %d times", ran[0].Load(), ran[1].Load())
		}

		// A day later the key is new again, and the old ones are forgotten.
		later := now.Add(25 * time.Hour)
		if prior, err := s.Idempotent(ctx, "u", "k1", "POST", "/x", []byte("new"), later, later.Add(-24*time.Hour), func(ctx context.Context) (store.Replay, error) {
			return store.Replay{Status: 200, Body: []byte("{}")}, nil
		}); err != nil || prior != nil {
			t.Fatalf("expired key: %v %v", prior, err)
		}
		n, err := s.ForgetIdempotencyKeys(ctx, later.Add(-24*time.Hour))
		if err != nil || n != 2 {
			t.Fatalf("forgot %d keys (%v), want the 2 races", n, err)
		}
		if r, _ := s.Replay(ctx, "u", "k1", later.Add(-24*time.Hour)); r == nil || r.Status != 200 {
			t.Fatalf("the renewed key was forgotten: %+v", r)
		}
	})
}
