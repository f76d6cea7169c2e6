package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestManagerWritesAPolicyAndAPromiseIsCheckedAsTyped: Mia writes a policy
// with a typo in its rule and sees where it is beside the rule field; she
// fixes it and it is saved. On the try-out form, typing a rebate due in
// ten days shows the rebate policy's warning before anything is sent.
func TestManagerWritesAPolicyAndAPromiseIsCheckedAsTyped(t *testing.T) {
	base := serve(t, "--demo")
	mia := browserOf(t, base, "mia@example.com")
	var list string
	if err := chromedp.Run(mia,
		chromedp.Click(`//nav//a[text()="Policies"]`),
		chromedp.WaitVisible(`table.policies`),
		chromedp.Text(`table.policies`, &list),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, "Rebate payment window") || !strings.Contains(list, "Discount approval") {
		t.Fatalf("the demo book's policies are not listed: %q", list)
	}

	var ruleError, kept, described string
	if err := chromedp.Run(mia,
		chromedp.SendKeys(`#name`, "Feature dates"),
		chromedp.SendKeys(`#statement`, "Features are promised for a release at least a quarter away"),
		chromedp.SendKeys(`#rule`, `promise.kind == "feature" && promise.due_in_dys < 90`),
		chromedp.Click(`//button[text()="Save the policy"]`),
		chromedp.WaitVisible(`#rule-error`),
		chromedp.Text(`#rule-error`, &ruleError),
		chromedp.Value(`#rule`, &kept),
		chromedp.AttributeValue(`#rule`, "aria-describedby", &described, nil),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ruleError, "line 1, column 37:") || !strings.Contains(ruleError, "promise.due_in_days") {
		t.Fatalf("the rule's error does not say where and what: %q", ruleError)
	}
	if kept != `promise.kind == "feature" && promise.due_in_dys < 90` || !strings.Contains(described, "rule-error") {
		t.Fatalf("the rule typed was %q, described by %q", kept, described)
	}
	var focused string
	if err := chromedp.Run(mia, chromedp.Evaluate(`document.activeElement.id`, &focused)); err != nil || focused != "rule" {
		t.Errorf("after the refused save the rule field is not focused (%q, %v)", focused, err)
	}
	screenshot(t, mia, "policy-rule-error")

	var notice, at string
	if err := chromedp.Run(mia,
		chromedp.SetValue(`#rule`, `promise.kind == "feature" && promise.due_in_days < 90`),
		chromedp.Click(`//button[text()="Save the policy"]`),
		chromedp.WaitVisible(`.notice[role=status]`),
		chromedp.Text(`.notice[role=status]`, &notice),
		chromedp.Location(&at),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, "Policy saved") || !strings.Contains(at, "/policies/") {
		t.Fatalf("after fixing the rule: %q at %s", notice, at)
	}
	// The saved policy's page comes first (with the open promises it now
	// conflicts with); the list has it.
	if err := chromedp.Run(mia,
		chromedp.Navigate(base+"/policies"),
		chromedp.WaitVisible(`table.policies`),
		chromedp.Text(`table.policies`, &list),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, "Feature dates") {
		t.Fatalf("the saved policy is not listed: %q", list)
	}

	// The try-out form: a rebate due in ten days, as it is typed.
	due := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	var shown, url string
	if err := chromedp.Run(mia,
		chromedp.SetValue(`#try-kind`, "rebate"),
		chromedp.SetValue(`#try-due_at`, due),
		chromedp.SendKeys(`#try-description`, "A rebate of 4% on the year's supply"),
		chromedp.WaitVisible(`[data-policy-conflicts] .notice.warn`),
		chromedp.Text(`[data-policy-conflicts]`, &shown),
		chromedp.Location(&url),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(shown, "Rebate payment window") || !strings.Contains(shown, "Rebates are paid 6–8 weeks after the claim") {
		t.Fatalf("the warning shown as typed: %q", shown)
	}
	if strings.Contains(url, "/policies/try") {
		t.Fatalf("the warning came from sending the form (%s), not as it was typed", url)
	}
	screenshot(t, mia, "policy-try-out")

	// A discount above the limit by a sales user would be refused.
	sam := browserOf(t, base, "sam@example.com")
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/policies"),
		chromedp.SetValue(`#try-kind`, "discount"),
		chromedp.SendKeys(`#try-amount`, "6000"),
		chromedp.WaitVisible(`[data-policy-conflicts] .notice.error`),
		chromedp.Text(`[data-policy-conflicts]`, &shown),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(shown, "would be refused") || !strings.Contains(shown, "Discount approval") {
		t.Fatalf("a large discount by sales: %q", shown)
	}
	var forms int
	if err := chromedp.Run(sam, chromedp.Evaluate(`document.querySelectorAll('form[action="/policies"]').length`, &forms)); err != nil || forms != 0 {
		t.Fatalf("sales sees the form to write a policy (%d, %v)", forms, err)
	}
}
