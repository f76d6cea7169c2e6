package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/customer"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/task"
)

// BenchmarkMyOpenTasks is a home's task list: one owner's first 21 open
// tasks by due time, among 200,000 tasks of 20 owners at 1,000 accounts,
// six in seven of them done; and an account's open tasks.
func BenchmarkMyOpenTasks(b *testing.B) {
	s := storetest.SQLite(b)
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	const owners, accounts, tasks = 20, 1000, 200_000
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for i := range owners {
			id := fmt.Sprintf("u%02d", i)
			if err := tx.InsertUser(ctx, access.User{ID: id, Email: id + "@example.com", Name: id, Role: access.Sales, Active: true, CreatedAt: now, UpdatedAt: now}, ""); err != nil {
				return err
			}
		}
		for i := range accounts {
			id := fmt.Sprintf("a%04d", i)
			if err := tx.InsertAccount(ctx, customer.Account{ID: id, Name: id, Kind: "company", Tier: "standard", CreatedAt: now, UpdatedAt: now},
				customer.AccountKeys{NameKey: id}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; start < tasks; start += 10_000 {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := start; i < start+10_000; i++ {
				t := task.Task{ID: fmt.Sprintf("t%06d", i), Kind: task.Todo, Title: "Call back", OwnerID: fmt.Sprintf("u%02d", i%owners),
					AccountID: fmt.Sprintf("a%04d", i%accounts), DueAt: now.Add(time.Duration(i%5000-2500) * time.Hour), CreatedAt: now, UpdatedAt: now, Version: 1}
				if i%7 != 0 {
					t.DoneAt, t.DoneBy = now, t.OwnerID
				}
				if err := tx.InsertTask(ctx, t); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("owner", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			list, _, err := s.Tasks(ctx, store.TaskFilter{OwnerID: fmt.Sprintf("u%02d", i%owners), Status: task.Open}, store.Page{Limit: 21})
			if err != nil || len(list) != 21 {
				b.Fatal(err, len(list))
			}
		}
	})
	b.Run("account", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, _, err := s.Tasks(ctx, store.TaskFilter{AccountID: fmt.Sprintf("a%04d", i%accounts), Status: task.Open}, store.Page{Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
