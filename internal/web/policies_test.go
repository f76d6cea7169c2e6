package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPolicyPages: a rule with a typo is refused with its position beside
// the rule field and what was typed kept; a good one is saved and listed;
// the try-out form answers without script.
func TestPolicyPages(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		f := url.Values{"name": {"Rebate payment window"}, "statement": {"Rebates are paid 6–8 weeks after the claim"},
			"rule": {`promise.kind == "rebate" && promise.due_in_dys < 42`}, "severity": {"warn"}, "effective_from": {"2026-03-01"}}
		status, page := x.post("/policies", f.Encode())
		page = html.UnescapeString(page)
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `<p class="field-error" id="rule-error">line 1, column 36: undeclared reference to 'promise.due_in_dys'`) {
			t.Fatalf("typo: %d %s", status, page)
		}
		if !strings.Contains(page, `aria-describedby="rule-help rule-error"`) || !strings.Contains(page, `promise.due_in_dys < 42</textarea>`) {
			t.Errorf("the rule field does not point at its message or lost what was typed: %s", page)
		}
		f.Set("rule", `promise.kind == "rebate" && promise.due_in_days < 42`)
		if status, page := x.post("/policies", f.Encode()); status != http.StatusSeeOther {
			t.Fatalf("fixed: %d %s", status, page)
		}
		_, page = x.get("/policies")
		if !strings.Contains(html.UnescapeString(page), "Rebates are paid 6–8 weeks after the claim") {
			t.Errorf("the list does not show the policy: %s", page)
		}
		status, page = x.post("/policies/try", url.Values{"kind": {"rebate"}, "due_at": {x.a.Now().AddDate(0, 0, 10).Format("2006-01-02")}}.Encode())
		if status != http.StatusOK || !strings.Contains(html.UnescapeString(page), "This promise goes against 1 policy") {
			t.Errorf("try-out: %d %s", status, page)
		}
		status, page = x.post("/policies/try", url.Values{"kind": {"rebate"}, "amount": {"12.345"}, "currency": {"EUR"}}.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="try-amount-error"`) {
			t.Errorf("a bad amount: %d %s", status, page)
		}
	})
}
