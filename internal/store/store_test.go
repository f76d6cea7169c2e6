package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestConcurrentWritesCommitOrRollBackAlone: many writes at once, some of
// which fail after writing; each failed one leaves nothing, each other one
// is committed, whatever batch it shared.
func TestConcurrentWritesCommitOrRollBackAlone(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 200)
		boom := errors.New("changed my mind")
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.InTx(ctx, func(tx *store.Tx) error {
					now := time.Now()
					u := access.User{ID: fmt.Sprintf("u%03d", i), Email: fmt.Sprintf("u%03d@example.com", i), Name: "U", Role: access.Sales, Active: true, CreatedAt: now, UpdatedAt: now}
					if err := tx.InsertUser(ctx, u, ""); err != nil {
						return err
					}
					if i%5 == 0 {
						return boom
					}
					if i%7 == 0 { // a write that breaks a constraint after its first insert
						return tx.InsertUser(ctx, access.User{ID: u.ID + "b", Email: u.Email, Name: "dup", Role: access.Sales, CreatedAt: now, UpdatedAt: now}, "")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		want := 0
		for i, err := range errs {
			switch {
			case i%5 == 0:
				if !errors.Is(err, boom) {
					t.Fatalf("write %d: %v", i, err)
				}
			case i%7 == 0:
				if err == nil {
					t.Fatalf("write %d broke a constraint and succeeded", i)
				}
			default:
				if err != nil {
					t.Fatalf("write %d: %v", i, err)
				}
				want++
			}
		}
		n, err := s.CountUsers(ctx)
		if err != nil || n != want {
			t.Fatalf("%d users stored, want %d (%v)", n, want, err)
		}
		for i := range errs {
			_, _, err := s.UserByEmail(ctx, fmt.Sprintf("u%03d@example.com", i))
			if stored := err == nil; stored != (i%5 != 0 && i%7 != 0) {
				t.Fatalf("user %d stored=%v", i, stored)
			}
		}
	})
}

// TestAfterCommitAndPanics: AfterCommit runs only for work that committed;
// a panic inside a transaction reaches its own caller, keeps nothing of
// its work, and leaves the calls sharing its commit unharmed.
func TestAfterCommitAndPanics(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		insert := func(tx *store.Tx, id string) error {
			now := time.Now()
			return tx.InsertUser(ctx, access.User{ID: id, Email: id + "@example.com", Name: id, Role: access.Sales, Active: true, CreatedAt: now, UpdatedAt: now}, "")
		}
		var mu sync.Mutex
		ran := map[string]bool{}
		var wg sync.WaitGroup
		panicked := make([]any, 40)
		for i := range panicked {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { panicked[i] = recover() }()
				id := fmt.Sprintf("p%02d", i)
				s.InTx(ctx, func(tx *store.Tx) error {
					tx.AfterCommit(func() { mu.Lock(); ran[id] = true; mu.Unlock() })
					if err := insert(tx, id); err != nil {
						return err
					}
					switch i % 4 {
					case 1:
						panic("lost my place")
					case 2:
						return errors.New("no")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i, p := range panicked {
			id := fmt.Sprintf("p%02d", i)
			if (p != nil) != (i%4 == 1) {
				t.Fatalf("call %d: panic %v", i, p)
			}
			committed := i%4 == 0 || i%4 == 3
			if ran[id] != committed {
				t.Fatalf("call %d: after-commit ran=%v", i, ran[id])
			}
			_, _, err := s.UserByEmail(ctx, id+"@example.com")
			if (err == nil) != committed {
				t.Fatalf("call %d: stored=%v", i, err == nil)
			}
		}
	})
}
