package server_test

import (
	"strings"
	"testing"
	"time"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestPromisesAPI makes, reads, changes and keeps a promise through the
// API, and checks the 422s that name their field.
func TestPromisesAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		acc := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Contoso"}).want(t, 201)
		due := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		body := func(edit func(map[string]any)) map[string]any {
			b := map[string]any{"account_id": acc.str("id"), "kind": "rebate", "description": "Your rebate is paid by Thursday",
				"amount": map[string]any{"amount_minor": 120000, "currency": "EUR"}, "due_at": due}
			if edit != nil {
				edit(b)
			}
			return b
		}
		for field, edit := range map[string]func(map[string]any){
			"amount.amount_minor": func(b map[string]any) { b["amount"] = map[string]any{"amount_minor": 12.5, "currency": "EUR"} },
			"amount.currency":     func(b map[string]any) { b["amount"] = map[string]any{"amount_minor": 100, "currency": "XXX"} },
			"due_at":              func(b map[string]any) { b["due_at"] = time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) },
			"kind":                func(b map[string]any) { b["kind"] = "bribe" },
			"description":         func(b map[string]any) { b["description"] = "" },
		} {
			bad := e.sam.do("POST", "/api/v1/promises", body(edit)).want(t, 422)
			if !strings.Contains(string(bad.raw), `"field":"`+field+`"`) {
				t.Errorf("the 422 does not name %s: %s", field, bad.raw)
			}
		}
		neg := e.sam.do("POST", "/api/v1/promises", body(func(b map[string]any) {
			b["amount"] = map[string]any{"amount_minor": -1, "currency": "EUR"}
		})).want(t, 422)
		if !strings.Contains(string(neg.raw), "amount.amount_minor") {
			t.Errorf("a negative amount: %s", neg.raw)
		}
		made := e.sam.do("POST", "/api/v1/promises", body(nil)).want(t, 201)
		id := made.str("id")
		if made.header.Get("ETag") != `"1"` || made.str("status") != "open" || made.str("made_by_id") != e.sam.userID ||
			made.body["kept_at"] != nil || made.body["policy_warnings"] == nil {
			t.Fatalf("made: %s", made.raw)
		}
		amount, _ := made.body["amount"].(map[string]any)
		if amount["amount_minor"] != float64(120000) || amount["currency"] != "EUR" {
			t.Fatalf("amount: %s", made.raw)
		}
		list := e.val.do("GET", "/api/v1/promises?account_id="+acc.str("id")+"&status=open", nil).want(t, 200)
		if items, _ := list.body["items"].([]any); len(items) != 1 {
			t.Fatalf("list: %s", list.raw)
		}
		e.val.do("PATCH", "/api/v1/promises/"+id, map[string]any{"description": "Paid by Friday"}).want(t, 403)
		e.sam.do("PATCH", "/api/v1/promises/"+id, map[string]any{"description": "Paid by Friday"}, "If-Match", `"7"`).want(t, 412)
		upd := e.sam.do("PATCH", "/api/v1/promises/"+id, map[string]any{"description": "Paid by Friday"}, "If-Match", `"1"`).want(t, 200)
		if upd.header.Get("ETag") != `"2"` || upd.str("description") != "Paid by Friday" {
			t.Fatalf("patched: %s", upd.raw)
		}
		kept := e.val.do("POST", "/api/v1/promises/"+id+"/transitions", map[string]any{"to": "kept", "evidence": "Credit note CN-1"}).want(t, 200)
		if kept.str("status") != "kept" || kept.str("kept_by_id") != e.val.userID || kept.body["kept_at"] == nil {
			t.Fatalf("kept: %s", kept.raw)
		}
		cb := e.sam.do("POST", "/api/v1/promises", body(func(b map[string]any) { b["kind"] = "callback"; delete(b, "amount") })).want(t, 201)
		cancelled := e.sam.do("POST", "/api/v1/promises/"+cb.str("id")+"/transitions", map[string]any{"to": "cancelled", "reason": "Agreed Monday",
			"replacement": map[string]any{"description": "A call on Monday", "due_at": due}}).want(t, 200)
		repl, _ := cancelled.body["replaced_by"].(map[string]any)
		if cancelled.str("status") != "cancelled" || repl["replaces_id"] != cb.str("id") || repl["kind"] != "callback" {
			t.Fatalf("cancel and replace: %s", cancelled.raw)
		}
		again := e.val.do("POST", "/api/v1/promises/"+cb.str("id")+"/transitions", map[string]any{"to": "kept"}).want(t, 422)
		if !strings.Contains(string(again.raw), `"field":"to"`) {
			t.Fatalf("keeping a cancelled promise: %s", again.raw)
		}
		e.val.do("GET", "/api/v1/promises/0192a1b2-0000-7000-8000-000000000000", nil).want(t, 404)
	})
}
