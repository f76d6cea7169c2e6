package server_test

import (
	"strings"
	"testing"
	"time"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestPoliciesAPI: a rule that does not compile is 422 naming rule and its
// position; a saved policy is versioned with an ETag; the check answers
// warn and block conflicts for a promise-shaped body.
func TestPoliciesAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		bad := e.mia.do("POST", "/api/v1/policies", map[string]any{"name": "Rebate payment window", "statement": "Rebates are paid 6–8 weeks after the claim",
			"rule": `promise.kind == "rebate" && promise.due_in_days <`, "severity": "warn"}).want(t, 422)
		if !strings.Contains(string(bad.raw), `"field":"rule"`) || !strings.Contains(string(bad.raw), "line 1, column 50") {
			t.Fatalf("a rule that does not compile: %s", bad.raw)
		}
		e.mia.do("POST", "/api/v1/policies", map[string]any{"name": "X", "statement": "Y", "rule": `promise.amount_minor`, "severity": "warn"}).want(t, 422)
		e.sam.do("POST", "/api/v1/policies", map[string]any{"name": "X", "statement": "Y", "rule": `true`, "severity": "warn"}).want(t, 403)
		e.mia.do("POST", "/api/v1/policies", map[string]any{"name": "X", "statement": "Y", "rule": `true`, "severity": "warn",
			"effective_from": "2026-03-01T00:00:00Z", "effective_to": "2026-02-01T00:00:00Z"}).want(t, 422)

		warn := e.mia.do("POST", "/api/v1/policies", map[string]any{"name": "Rebate payment window", "statement": "Rebates are paid 6–8 weeks after the claim",
			"rule": `promise.kind == "rebate" && promise.due_in_days < 42`, "severity": "warn"}).want(t, 201)
		if warn.header.Get("ETag") != `"1"` || warn.body["effective_to"] != nil || warn.body["active"] != true {
			t.Fatalf("created: %v %s", warn.header, warn.raw)
		}
		e.mia.do("POST", "/api/v1/policies", map[string]any{"name": "Discount approval", "statement": "Discounts over €5,000 are agreed with a manager first",
			"rule": `promise.kind == "discount" && promise.amount_minor > 500000 && maker.role == "sales"`, "severity": "block"}).want(t, 201)
		id := warn.str("id")
		e.mia.do("PATCH", "/api/v1/policies/"+id, map[string]any{"severity": "block"}, "If-Match", `"7"`).want(t, 412)
		up := e.mia.do("PATCH", "/api/v1/policies/"+id, map[string]any{"rule": `promise.kind == "rebate" && promise.due_in_days < 56`}, "If-Match", `"1"`).want(t, 200)
		if up.header.Get("ETag") != `"2"` || up.str("rule") != `promise.kind == "rebate" && promise.due_in_days < 56` {
			t.Fatalf("patched: %s", up.raw)
		}
		e.mia.do("PATCH", "/api/v1/policies/"+id, map[string]any{"rule": `promise.kindd == "rebate"`}).want(t, 422)

		soon := time.Now().AddDate(0, 0, 10).UTC().Format(time.RFC3339)
		got := e.sam.do("POST", "/api/v1/policies/check", map[string]any{"kind": "rebate", "amount": map[string]any{"amount_minor": 120000, "currency": "EUR"},
			"due_at": soon}).want(t, 200)
		conflicts, _ := got.body["conflicts"].([]any)
		if len(conflicts) != 1 || got.body["blocked"] != false || conflicts[0].(map[string]any)["severity"] != "warn" ||
			conflicts[0].(map[string]any)["statement"] != "Rebates are paid 6–8 weeks after the claim" {
			t.Fatalf("a rebate in 10 days: %s", got.raw)
		}
		got = e.sam.do("POST", "/api/v1/policies/check", map[string]any{"kind": "discount", "amount": map[string]any{"amount_minor": 600000, "currency": "EUR"}}).want(t, 200)
		if got.body["blocked"] != true {
			t.Fatalf("a large discount by sales: %s", got.raw)
		}
		got = e.mia.do("POST", "/api/v1/policies/check", map[string]any{"kind": "discount", "amount": map[string]any{"amount_minor": 600000, "currency": "EUR"}}).want(t, 200)
		if got.body["blocked"] != false || strings.TrimSpace(string(got.raw)) != `{"conflicts":[],"blocked":false}` {
			t.Fatalf("the same discount by a manager: %s", got.raw)
		}
		bad = e.sam.do("POST", "/api/v1/policies/check", map[string]any{"kind": "rebate", "amount": map[string]any{"amount_minor": 1, "currency": "EUR"}, "due_at": "soon"}).want(t, 422)
		if !strings.Contains(string(bad.raw), `"field":"due_at"`) {
			t.Fatalf("bad check: %s", bad.raw)
		}
		e.sam.do("POST", "/api/v1/policies/check", map[string]any{"kind": "rebate", "amount": map[string]any{"amount_minor": 1, "currency": "XYZ"}}).want(t, 422)

		e.mia.do("DELETE", "/api/v1/policies/"+id, nil).want(t, 204)
		list := e.val.do("GET", "/api/v1/policies", nil).want(t, 200)
		if items, _ := list.body["items"].([]any); len(items) != 1 {
			t.Fatalf("after removing one: %s", list.raw)
		}
		e.val.do("GET", "/api/v1/policies/not-an-id", nil).want(t, 404)
	})
}
