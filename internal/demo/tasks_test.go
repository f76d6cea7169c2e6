package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/demo"
	"tandem/internal/event"
	"tandem/internal/inbox"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/task"
)

// TestDemoTasks: Sam's home has tasks due today and overdue, one Val gave
// him (unread in his inbox); Val has her own; Contoso's timeline has the
// task Sam did.
func TestDemoTasks(t *testing.T) {
	ctx := context.Background()
	a := app.New(storetest.SQLite(t))
	if _, err := demo.Load(ctx, a, 20); err != nil {
		t.Fatal(err)
	}
	users, _ := a.Users(ctx, access.System)
	actors := map[string]access.Actor{}
	names := map[string]string{}
	for _, u := range users {
		actors[u.Email] = access.Actor{User: u, Scope: access.ScopeAdmin}
		names[u.ID] = u.Name
	}
	now := a.Now()
	for who, want := range map[string]int{"sam@example.com": 3, "val@example.com": 2} {
		list, err := a.MyOpenTasks(ctx, actors[who], 20)
		// The follow-up calls the surveys' triggers made are counted in
		// TestDemoSurveys; these are the rest.
		followUps := len(list)
		list = slices.DeleteFunc(list, func(t task.Task) bool { return t.Kind == task.FollowUp })
		if followUps -= len(list); who == "sam@example.com" && followUps == 0 {
			t.Errorf("Sam has no follow-up calls due today")
		}
		if err != nil || len(list) != want {
			t.Fatalf("%s's open tasks: %v %+v", who, err, list)
		}
		if !list[0].Overdue(now) || list[len(list)-1].Overdue(now) {
			t.Errorf("%s's tasks: the overdue first, and some not yet: %+v", who, list)
		}
	}
	told, _, _ := a.Notifications(ctx, actors["sam@example.com"], store.NotificationFilter{UnreadOnly: true, Kind: inbox.TaskAssigned}, store.Page{})
	// Only Val's: the follow-up calls Tandem made are told too.
	told = slices.DeleteFunc(told, func(n inbox.Notification) bool { return !strings.Contains(n.Message, "Val Service") })
	if len(told) != 1 {
		t.Fatalf("Val's task for Sam in his inbox: %+v", told)
	}
	sam := actors["sam@example.com"]
	done, _, err := a.Tasks(ctx, sam, store.TaskFilter{OwnerID: sam.User.ID, Status: task.Done}, store.Page{})
	if err != nil || len(done) != 1 {
		t.Fatalf("done: %v %+v", err, done)
	}
	items, _, err := a.Timeline(ctx, sam, done[0].AccountID, event.Filter{}, store.Page{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range items {
		if it.Event != nil && it.Event.Kind == "task.completed" {
			found = event.Describe(it.Event, names).Text == "Sam Seller completed the task “Confirm the renewal terms with Contoso”"
		}
	}
	if !found {
		t.Fatal("Contoso's timeline has no completed task")
	}
}
