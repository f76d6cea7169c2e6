package server_test

import (
	"context"
	"maps"
	"net/url"
	"time"

	"tandem/internal/task"
)

// newTask is an open task of the sales user's, at the world's account.
func (w *world) newTask() string {
	t, err := w.a.CreateTask(context.Background(), w.actor("sales"), task.Task{AccountID: w.account.ID, Title: "Route task",
		DueAt: time.Now().Add(24 * time.Hour)})
	if err != nil {
		w.t.Fatal(err)
	}
	return t.ID
}

// addTaskRows adds the rows of the task routes: everyone adds tasks, for
// anyone, and reads an account's; the owner (here the sales user), its
// creator and managers change and complete one.
func addTaskRows(api, pages map[string]row) {
	owners := []string{"admin", "manager", "sales"}
	tk := func(suffix, body string) call {
		return func(w *world) (string, string) { return "/api/v1/tasks/" + w.newTask() + suffix, body }
	}
	maps.Copy(api, map[string]row{
		"GET /api/v1/tasks": {fixed("/api/v1/tasks?status=open&due_before=2030-01-01T00:00:00Z", ""), apiRead},
		"POST /api/v1/tasks": {func(w *world) (string, string) {
			return "/api/v1/tasks", `{"title":"Call Contoso about the rebate","owner_id":"` + w.actor("sales").User.ID + `",` +
				`"cause":{"type":"case","id":"` + w.newCase() + `"},"due_at":"2030-06-30T17:00:00Z"}`
		}, apiWrite(201)},
		"GET /api/v1/tasks/{id}":              {tk("", ""), apiRead},
		"PATCH /api/v1/tasks/{id}":            {tk("", `{"title":"Renamed","due_at":"2030-07-01T12:00:00Z"}`), apiOnly(200, owners...)},
		"POST /api/v1/tasks/{id}/transitions": {tk("/transitions", `{"to":"done"}`), apiOnly(200, owners...)},
	})
	day := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
	pg := func(suffix string, f url.Values) call {
		return func(w *world) (string, string) { return "/tasks/" + w.newTask() + suffix, form(f) }
	}
	maps.Copy(pages, map[string]row{
		"GET /tasks":      {fixed("/tasks?status=done", ""), pageRead},
		"GET /tasks/{id}": {func(w *world) (string, string) { return "/tasks/" + w.newTask(), "" }, pageRead},
		"POST /tasks":     {fixed("/tasks", form(url.Values{"task_title": {"Write the review"}, "task_due": {day}})), formWrite(303)},
		"POST /tasks/{id}": {pg("", url.Values{"version": {"1"}, "title": {"Renamed"}, "due": {day}, "owner_id": {""}, "notes": {""}}),
			formOnly(303, owners...)},
		"POST /tasks/{id}/move": {pg("/move", url.Values{"to": {"done"}, "version": {"1"}, "back": {"/"}}), formOnly(303, owners...)},
		"POST /accounts/{id}/tasks": {func(w *world) (string, string) {
			return "/accounts/" + w.account.ID + "/tasks", form(url.Values{"task_title": {"Call back"}, "task_due": {day}})
		}, formWrite(303)},
	})
}
