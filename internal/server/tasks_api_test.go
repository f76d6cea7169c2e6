package server_test

import (
	"testing"
	"time"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestTasksAPI: Val gives Sam a task from a case (its account is the
// case's); Sam's GET /api/v1/tasks is his open tasks; bad input is a 422
// naming the field; done twice is a 409, a stale If-Match a 412; someone
// else's list is for managers.
func TestTasksAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		acc := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Contoso"}).want(t, 201).str("id")
		cs := e.val.do("POST", "/api/v1/cases", map[string]any{"account_id": acc, "subject": "Rebate missing"}).want(t, 201).str("id")
		due := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		tk := e.val.do("POST", "/api/v1/tasks", map[string]any{"title": "Call Contoso about the rebate", "owner_id": e.sam.userID,
			"cause": map[string]any{"type": "case", "id": cs}, "due_at": due}).want(t, 201)
		id := tk.str("id")
		if tk.str("account_id") != acc || tk.str("status") != "open" || tk.body["overdue"] != true || tk.header.Get("ETag") != `"1"` {
			t.Fatalf("created: %s", tk.raw)
		}
		mine := e.sam.do("GET", "/api/v1/tasks", nil).want(t, 200)
		if items, _ := mine.body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != id {
			t.Fatalf("Sam's open tasks: %s", mine.raw)
		}
		if items, _ := e.val.do("GET", "/api/v1/tasks", nil).want(t, 200).body["items"].([]any); len(items) != 0 {
			t.Fatalf("Val has no task of her own: %v", items)
		}
		e.val.do("GET", "/api/v1/tasks?owner_id="+e.sam.userID, nil).want(t, 403)
		e.mia.do("GET", "/api/v1/tasks?owner_id="+e.sam.userID, nil).want(t, 200)
		e.val.do("GET", "/api/v1/tasks?account_id="+acc, nil).want(t, 200)
		e.sam.do("GET", "/api/v1/tasks?due_before=yesterday", nil).want(t, 422)

		for body, field := range map[string]string{
			`{"title":"x","due_at":"2030-01-01T00:00:00Z","cause":{"type":"deal","id":"nope"}}`: "cause.id",
			`{"title":"","due_at":"2030-01-01T00:00:00Z"}`:                                      "title",
			`{"title":"x","due_at":"2030-01-01T00:00:00Z","owner_id":"nobody"}`:                 "owner_id",
			`{"title":"x","due_at":"2030-01-01T00:00:00Z","kind":"follow_up"}`:                  "account_id",
		} {
			bad := e.sam.do("POST", "/api/v1/tasks", body).want(t, 422)
			found := false
			for _, fe := range bad.body["errors"].([]any) {
				found = found || fe.(map[string]any)["field"] == field
			}
			if !found {
				t.Errorf("%s: no error on %s: %s", body, field, bad.raw)
			}
		}

		e.sam.do("PATCH", "/api/v1/tasks/"+id, map[string]any{"title": "Call Contoso today"}, "If-Match", `"1"`).want(t, 200)
		e.sam.do("POST", "/api/v1/tasks/"+id+"/transitions", map[string]any{"to": "done"}, "If-Match", `"1"`).want(t, 412)
		done := e.sam.do("POST", "/api/v1/tasks/"+id+"/transitions", map[string]any{"to": "done"}, "If-Match", `"2"`).want(t, 200)
		if done.str("status") != "done" || done.str("done_by") != e.sam.userID || done.body["done_at"] == nil || done.body["overdue"] != false {
			t.Fatalf("done: %s", done.raw)
		}
		e.sam.do("POST", "/api/v1/tasks/"+id+"/transitions", map[string]any{"to": "done"}).want(t, 409)
		e.sam.do("POST", "/api/v1/tasks/"+id+"/transitions", map[string]any{"to": "sideways"}).want(t, 422)
		if items, _ := e.sam.do("GET", "/api/v1/tasks?status=done", nil).want(t, 200).body["items"].([]any); len(items) != 1 {
			t.Fatalf("Sam's done tasks: %v", items)
		}
	})
}
