package server_test

import (
	"strings"
	"testing"
	"time"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestPromiseMeasuresAPI: a block policy's exception is a manager's (403
// for sales, naming exception_reason); a saved policy answers the open
// promises it conflicts with; the measures count the exception and are
// for managers; a bad period is 422 naming the field.
func TestPromiseMeasuresAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		acc := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Contoso"}).want(t, 201).str("id")
		due := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		open := e.sam.do("POST", "/api/v1/promises", map[string]any{"account_id": acc, "kind": "feature", "description": "The ERP export in spring",
			"due_at": due}).want(t, 201).str("id")
		saved := e.mia.do("POST", "/api/v1/policies", map[string]any{"name": "Roadmap features", "statement": "Only features on the roadmap",
			"rule": `promise.kind == "feature"`, "severity": "block"}).want(t, 201)
		list, _ := saved.body["conflicting_promises"].([]any)
		if saved.body["conflicting_count"] != 1.0 || len(list) != 1 || list[0].(map[string]any)["id"] != open ||
			list[0].(map[string]any)["account"] != "Contoso" || saved.body["complete"] != true {
			t.Fatalf("the saved policy's conflicts: %s", saved.raw)
		}
		body := map[string]any{"account_id": acc, "kind": "feature", "description": "Dark mode by Friday", "due_at": due,
			"exception_reason": "Product confirmed it"}
		bad := e.sam.do("POST", "/api/v1/promises", body).want(t, 403)
		if !strings.Contains(string(bad.raw), `"field":"exception_reason"`) {
			t.Fatalf("sales recording an exception: %s", bad.raw)
		}
		exc := e.mia.do("POST", "/api/v1/promises", body).want(t, 201)
		if exc.str("exception_reason") != "Product confirmed it" || exc.str("exception_policy_name") != "Roadmap features" || exc.str("team") != "sales" {
			t.Fatalf("the exception: %s", exc.raw)
		}
		from, to := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), time.Now().AddDate(0, 0, 10).UTC().Format(time.RFC3339)
		e.sam.do("GET", "/api/v1/promise-measures?from="+from+"&to="+to, nil).want(t, 403)
		m := e.mia.do("GET", "/api/v1/promise-measures?from="+from+"&to="+to, nil).want(t, 200)
		total, _ := m.body["total"].(map[string]any)
		exceptions, _ := m.body["exceptions"].([]any)
		if total["due"] != 2.0 || total["exceptions"] != 1.0 || total["open"] != 2.0 || len(exceptions) != 1 {
			t.Fatalf("the measures: %s", m.raw)
		}
		bad = e.mia.do("GET", "/api/v1/promise-measures?from="+to+"&to="+from, nil).want(t, 422)
		if !strings.Contains(string(bad.raw), `"field":"to"`) {
			t.Fatalf("a period backwards: %s", bad.raw)
		}
		l := e.mia.do("GET", "/api/v1/promises?exception=true", nil).want(t, 200)
		if items, _ := l.body["items"].([]any); len(items) != 1 {
			t.Fatalf("the exceptions listed: %s", l.raw)
		}
		g := e.mia.do("PUT", "/api/v1/promise-grace", map[string]any{"days": map[string]any{"callback": 400}}).want(t, 422)
		if !strings.Contains(string(g.raw), "callback") {
			t.Fatalf("a grace period too long: %s", g.raw)
		}
		g = e.mia.do("PUT", "/api/v1/promise-grace", map[string]any{"days": map[string]any{"callback": 2}}).want(t, 200)
		if days, _ := g.body["days"].(map[string]any); days["callback"] != 2.0 || days["rebate"] != 14.0 {
			t.Fatalf("the grace periods: %s", g.raw)
		}
	})
}
