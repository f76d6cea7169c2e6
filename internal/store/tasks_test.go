package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/task"
)

// TestTasksByDueAndStatus: the owner's open tasks come by due time, the
// overdue first, a page at a time; done ones the latest first; an
// account's tasks and a cause's are found; a stale write is refused.
func TestTasksByDueAndStatus(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for _, id := range []string{"sam", "val"} {
				if err := tx.InsertUser(ctx, access.User{ID: id, Email: id + "@example.com", Name: id, Role: access.Sales, Active: true, CreatedAt: now, UpdatedAt: now}, ""); err != nil {
					return err
				}
			}
			if err := tx.InsertAccount(ctx, customer.Account{ID: "acc", Name: "Contoso", Kind: "company", Tier: "standard", CreatedAt: now, UpdatedAt: now},
				customer.AccountKeys{NameKey: "contoso"}); err != nil {
				return err
			}
			for i := range 7 {
				tk := task.Task{ID: fmt.Sprintf("t%d", i), Kind: task.Todo, Title: fmt.Sprintf("Task %d", i), OwnerID: "sam",
					DueAt: now.Add(time.Duration(3-i) * time.Hour), CreatedBy: "val", CreatedAt: now, UpdatedAt: now, Version: 1}
				if i%2 == 0 {
					tk.AccountID, tk.Cause = "acc", task.Cause{Type: task.CauseCase, ID: fmt.Sprintf("case%d", i)}
				}
				if i == 6 {
					tk.OwnerID = "val"
				}
				if err := tx.InsertTask(ctx, tk); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		cursor := ""
		for {
			list, next, err := s.Tasks(ctx, store.TaskFilter{OwnerID: "sam", Status: task.Open}, store.Page{Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range list {
				ids = append(ids, tk.ID)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if fmt.Sprint(ids) != "[t5 t4 t3 t2 t1 t0]" {
			t.Fatalf("sam's open tasks by due: %v", ids)
		}
		overdue, _, _ := s.Tasks(ctx, store.TaskFilter{OwnerID: "sam", DueBefore: now}, store.Page{})
		if len(overdue) != 2 {
			t.Fatalf("overdue: %+v", overdue)
		}
		acc, _, _ := s.Tasks(ctx, store.TaskFilter{AccountID: "acc", Status: task.Open}, store.Page{})
		if len(acc) != 4 || acc[0].ID != "t6" {
			t.Fatalf("the account's tasks: %+v", acc)
		}
		byCause, _, _ := s.Tasks(ctx, store.TaskFilter{Cause: task.Cause{Type: task.CauseCase, ID: "case2"}}, store.Page{})
		if len(byCause) != 1 || byCause[0].ID != "t2" || byCause[0].Cause.ID != "case2" {
			t.Fatalf("by cause: %+v", byCause)
		}

		for i, id := range []string{"t1", "t3"} {
			tk, err := s.Task(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if err := tk.Complete("sam", now.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateTask(ctx, tk, tk.Version) }); err != nil {
				t.Fatal(err)
			}
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateTask(ctx, tk, tk.Version) }); fault.KindOf(err) != fault.Stale {
				t.Fatalf("a stale write: %v", err)
			}
		}
		done, _, _ := s.Tasks(ctx, store.TaskFilter{OwnerID: "sam", Status: task.Done}, store.Page{Limit: 1})
		if len(done) != 1 || done[0].ID != "t3" || done[0].DoneBy != "sam" || done[0].Version != 2 || !done[0].DoneAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("done, the latest first: %+v", done)
		}
		if n, _ := s.CountTasks(ctx, store.TaskFilter{OwnerID: "sam", Status: task.Open}); n != 4 {
			t.Fatalf("open count: %d", n)
		}
		if _, err := s.Task(ctx, "nope"); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("no such task: %v", err)
		}
	})
}
