package web_test

import (
	"context"
	"net/url"
	"time"

	"tandem/internal/task"
)

// taskForms are the task forms, filled in so that they would be saved by
// the admin: the account page's and the tasks page's add-a-task forms,
// the task page's change form and its Done button.
func (x *site) taskForms() map[string]form {
	tk, err := x.a.CreateTask(context.Background(), x.admin, task.Task{AccountID: x.account.ID, Title: "Form task", DueAt: time.Now().Add(24 * time.Hour)})
	if err != nil {
		x.t.Fatal(err)
	}
	day := time.Now().AddDate(0, 0, 2).Format("2006-01-02")
	return map[string]form{
		"POST /accounts/{id}/tasks": {"/accounts/" + x.account.ID + "/tasks", url.Values{"task_title": {"Call about the rebate"}, "task_due": {day},
			"task_owner_id": {x.user.ID}, "task_notes": {"Ask whether\nthe credit note arrived"}}},
		"POST /tasks": {"/tasks", url.Values{"task_title": {"Write the quarterly review"}, "task_due": {day}, "task_owner_id": {x.admin.User.ID},
			"task_notes": {""}}},
		"POST /tasks/{id}": {"/tasks/" + tk.ID, url.Values{"version": {"1"}, "title": {"Form task, renamed"}, "due": {day}, "owner_id": {x.admin.User.ID},
			"notes": {"Two\nlines"}}},
		"POST /tasks/{id}/move": {"/tasks/" + tk.ID + "/move", url.Values{"to": {"done"}, "version": {"1"}, "back": {"/accounts/" + x.account.ID + "#tasks-section"}}},
	}
}
