package app_test

import (
	"context"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/task"
)

// TestTasksCreateCompleteAndTimeline: service gives the account's owner a
// task from a case (the account is the case's); the owner is told, lists
// it by due time with the overdue first, and completes it, which puts it
// on the account's timeline; others may not complete it, a stale version
// and a second completion are refused, bad input names its fields.
func TestTasksCreateCompleteAndTimeline(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		u, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: "sue@example.com", Name: "Sue Seller", Role: "sales", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		sue := access.Actor{User: u, Scope: access.ScopeAdmin}
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso", OwnerID: f.sales.User.ID}, false)
		other, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind"}, false)
		c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Rebate missing"})
		if err != nil {
			t.Fatal(err)
		}
		now := *f.clock
		tk, err := f.app.CreateTask(ctx, f.service, task.Task{Title: "  Call Contoso   about the rebate ", OwnerID: f.sales.User.ID,
			Cause: task.Cause{Type: "case", ID: c.ID}, DueAt: now.Add(4 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if tk.AccountID != acc.ID || tk.Title != "Call Contoso about the rebate" || tk.Kind != task.Todo || tk.CreatedBy != f.service.User.ID || tk.Version != 1 || !tk.Open() {
			t.Fatalf("created: %+v", tk)
		}
		told, _, err := f.app.Notifications(ctx, f.sales, store.NotificationFilter{UnreadOnly: true, Kind: inbox.TaskAssigned}, store.Page{})
		if err != nil || len(told) != 1 || told[0].URL != "/tasks/"+tk.ID || told[0].AccountID != acc.ID {
			t.Fatalf("the owner is told: %v %+v", err, told)
		}
		// Sam's own task, overdue, comes first; telling oneself is nothing.
		own, err := f.app.CreateTask(ctx, f.sales, task.Task{Title: "Send the price list", AccountID: acc.ID, DueAt: now.Add(-2 * time.Hour)})
		if err != nil || own.OwnerID != f.sales.User.ID {
			t.Fatalf("own task: %v %+v", err, own)
		}
		if n, _, _ := f.app.Notifications(ctx, f.sales, store.NotificationFilter{UnreadOnly: true, Kind: inbox.TaskAssigned}, store.Page{}); len(n) != 1 {
			t.Fatalf("told of their own task: %+v", n)
		}
		mine, err := f.app.MyOpenTasks(ctx, f.sales, 10)
		if err != nil || len(mine) != 2 || mine[0].ID != own.ID || !mine[0].Overdue(now) || mine[1].ID != tk.ID {
			t.Fatalf("my open tasks: %v %+v", err, mine)
		}
		// Bad input names its fields and writes nothing.
		_, err = f.app.CreateTask(ctx, f.sales, task.Task{Title: "", Kind: "chore", AccountID: other.ID, OwnerID: "nobody",
			Cause: task.Cause{Type: "case", ID: c.ID}})
		e := wantKind(t, err, fault.Invalid)
		got := map[string]bool{}
		for _, fe := range e.Fields {
			got[fe.Field] = true
		}
		for _, want := range []string{"title", "kind", "due_at", "owner_id", "cause.id"} {
			if !got[want] {
				t.Errorf("no error on %s: %+v", want, e.Fields)
			}
		}
		_, err = f.app.CreateTask(ctx, f.sales, task.Task{Title: "x", DueAt: now, Cause: task.Cause{Type: "invoice", ID: "1"}})
		if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "cause.type" {
			t.Fatalf("unknown cause type: %+v", e)
		}
		_, err = f.app.CreateTask(ctx, f.sales, task.Task{Title: "x", DueAt: now, Cause: task.Cause{Type: "deal", ID: "missing"}})
		if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "cause.id" {
			t.Fatalf("missing deal: %+v", e)
		}
		if n, _ := s.CountTasks(ctx, store.TaskFilter{}); n != 2 {
			t.Fatalf("bad input wrote a task: %d", n)
		}

		// Sue may not complete Sam's task, nor list his tasks; she lists the account's.
		_, err = f.app.CompleteTask(ctx, sue, tk.ID, 0)
		wantKind(t, err, fault.Forbidden)
		_, _, err = f.app.Tasks(ctx, sue, store.TaskFilter{OwnerID: f.sales.User.ID}, store.Page{})
		wantKind(t, err, fault.Forbidden)
		at, _, err := f.app.Tasks(ctx, sue, store.TaskFilter{AccountID: acc.ID, Status: task.Open}, store.Page{})
		if err != nil || len(at) != 2 {
			t.Fatalf("the account's tasks: %v %+v", err, at)
		}
		if list, _, err := f.app.Tasks(ctx, f.admin, store.TaskFilter{OwnerID: f.sales.User.ID}, store.Page{}); err != nil || len(list) != 2 {
			t.Fatalf("a manager lists Sam's: %v %+v", err, list)
		}
		_, _, err = f.app.Tasks(ctx, f.sales, store.TaskFilter{Status: "finished"}, store.Page{})
		wantKind(t, err, fault.Invalid)

		f.tick(time.Hour)
		_, err = f.app.CompleteTask(ctx, f.sales, tk.ID, 7)
		wantKind(t, err, fault.Stale)
		done, err := f.app.CompleteTask(ctx, f.sales, tk.ID, tk.Version)
		if err != nil || done.DoneBy != f.sales.User.ID || !done.DoneAt.Equal(*f.clock) || done.Version != 2 || done.Status() != task.Done {
			t.Fatalf("done: %v %+v", err, done)
		}
		_, err = f.app.CompleteTask(ctx, f.sales, tk.ID, 0)
		wantKind(t, err, fault.Conflict)
		_, err = f.app.UpdateTask(ctx, f.sales, tk.ID, app.TaskPatch{Title: ptr("Again")}, 0)
		wantKind(t, err, fault.Conflict)

		items, _, err := f.app.Timeline(ctx, f.sales, acc.ID, event.Filter{}, store.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		users := map[string]string{f.sales.User.ID: "Sam", f.service.User.ID: "Val"}
		var lines []string
		for _, it := range items {
			if it.Event != nil && it.Event.SubjectType == "task" {
				l := event.Describe(it.Event, users)
				lines = append(lines, l.Text)
				if l.Link != "/tasks/"+tk.ID {
					t.Errorf("link: %q", l.Link)
				}
			}
		}
		if len(lines) != 1 || lines[0] != "Sam completed the task “Call Contoso about the rebate”" {
			t.Fatalf("the timeline has the done task only: %q", lines)
		}

		// Reopened (done by mistake), then cancelled; a cancelled task stays so.
		re, err := f.app.ReopenTask(ctx, f.sales, tk.ID, done.Version)
		if err != nil || !re.Open() || re.DoneBy != "" {
			t.Fatalf("reopened: %v %+v", err, re)
		}
		cancelled, err := f.app.CancelTask(ctx, f.service, tk.ID, 0) // Val asked for it
		if err != nil || cancelled.Status() != task.Cancelled {
			t.Fatalf("cancelled: %v %+v", err, cancelled)
		}
		_, err = f.app.ReopenTask(ctx, f.sales, tk.ID, 0)
		wantKind(t, err, fault.Conflict)
	})
}

// TestTaskChangesAndPrivacy: a task's owner changes it and gives it to
// someone else, who is told; a task without an account is seen only by
// its owner, its creator and managers; Tandem's own task goes to the
// account's owner.
func TestTaskChangesAndPrivacy(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		now := *f.clock
		personal, err := f.app.CreateTask(ctx, f.sales, task.Task{Title: "Expense report", Notes: "Receipts\nin the drawer", DueAt: now.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.app.Task(ctx, f.service, personal.ID)
		wantKind(t, err, fault.Forbidden)
		if _, err := f.app.Task(ctx, f.admin, personal.ID); err != nil {
			t.Fatal(err)
		}
		due := now.Add(48 * time.Hour)
		moved, err := f.app.UpdateTask(ctx, f.sales, personal.ID, app.TaskPatch{Title: ptr("Expense report for March"), DueAt: &due,
			OwnerID: ptr(f.service.User.ID)}, personal.Version)
		if err != nil || moved.OwnerID != f.service.User.ID || !moved.DueAt.Equal(due) || moved.Version != 2 {
			t.Fatalf("moved: %v %+v", err, moved)
		}
		told, _, _ := f.app.Notifications(ctx, f.service, store.NotificationFilter{Kind: inbox.TaskAssigned}, store.Page{})
		if len(told) != 1 {
			t.Fatalf("the new owner is told: %+v", told)
		}
		_, err = f.app.UpdateTask(ctx, f.sales, personal.ID, app.TaskPatch{OwnerID: ptr("nobody"), Title: ptr("")}, 0)
		e := wantKind(t, err, fault.Invalid)
		if len(e.Fields) != 2 {
			t.Fatalf("fields: %+v", e.Fields)
		}

		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Fabrikam", OwnerID: f.sales.User.ID}, false)
		c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Late delivery"})
		if err != nil {
			t.Fatal(err)
		}
		fu, err := f.app.CreateTask(ctx, access.System, task.Task{Title: "Call Fabrikam about the late delivery", AccountID: acc.ID,
			Cause: task.Cause{Type: "case", ID: c.ID}, DueAt: now.Add(time.Hour)})
		if err != nil || fu.OwnerID != f.sales.User.ID || fu.CreatedBy != "" {
			t.Fatalf("Tandem's task goes to the account's owner: %v %+v", err, fu)
		}
		_, err = f.app.CreateTask(ctx, access.System, task.Task{Kind: task.FollowUp, Title: "Call Fabrikam: the three questions", AccountID: acc.ID,
			Cause: task.Cause{Type: task.CauseFollowUp, ID: "f-1"}, DueAt: now.Add(time.Hour)})
		if e := wantKind(t, err, fault.Invalid); len(e.Fields) != 1 || e.Fields[0].Field != "cause.id" {
			t.Fatalf("a follow-up that is not there: %+v", e.Fields)
		}
		_, err = f.app.CreateTask(ctx, f.sales, task.Task{Kind: task.FollowUp, Title: "x", DueAt: now})
		e = wantKind(t, err, fault.Invalid)
		if len(e.Fields) != 2 {
			t.Fatalf("a follow-up needs an account and its follow-up: %+v", e.Fields)
		}
		// A cause finds its tasks.
		byCause, _, _ := f.app.Tasks(ctx, f.sales, store.TaskFilter{Cause: task.Cause{Type: "case", ID: c.ID}, AccountID: acc.ID}, store.Page{})
		if len(byCause) != 1 {
			t.Fatalf("by cause: %+v", byCause)
		}
	})
}
