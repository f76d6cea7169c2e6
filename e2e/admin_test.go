package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminConfirmsAndSeesEveryonesAccess: an admin deactivates a user
// through the confirmation step, sees the API token another user made for
// themselves and revokes it (confirmed too), and reads both in the audit
// trail as sentences; the pages fit a desktop and a phone.
func TestAdminConfirmsAndSeesEveryonesAccess(t *testing.T) {
	base := serve(t, "--demo")
	sam := browser(t)
	signIn(t, sam, base, "sam@example.com")
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/settings"),
		chromedp.SendKeys(`#label`, "Sam's ERP sync"),
		chromedp.Click(`//button[text()="Create token"]`),
		chromedp.WaitVisible(`#token-secret`),
	); err != nil {
		t.Fatalf("Sam makes a token: %v", err)
	}

	ada := browser(t)
	signIn(t, ada, base, "ada@example.com")
	var question, users string
	if err := chromedp.Run(ada,
		chromedp.Navigate(base+"/admin/users"),
		chromedp.Click(`//button[text()="Deactivate Sue Seller"]`),
		chromedp.WaitVisible(`#confirm`),
		chromedp.Text(`#confirm-question`, &question),
	); err != nil {
		t.Fatalf("asking to deactivate: %v", err)
	}
	if question != "Deactivate Sue Seller?" {
		t.Errorf("the confirmation asks %q", question)
	}
	screenshot(t, ada, "admin-confirm-deactivate")
	if err := chromedp.Run(ada,
		chromedp.Click(`#confirm`),
		chromedp.WaitVisible(`//button[text()="Reactivate Sue Seller"]`),
		chromedp.Text(`table.users`, &users),
	); err != nil {
		t.Fatalf("confirming: %v", err)
	}
	if !strings.Contains(users, "Last sign-in") {
		t.Errorf("the users page has no last sign-in column: %s", users)
	}

	var sams, notice, after string
	if err := chromedp.Run(ada,
		chromedp.Click(`#access-link`),
		chromedp.WaitVisible(`//td[text()="Sam's ERP sync"]`),
		chromedp.Text(`//section[.//td[text()="Sam's ERP sync"]]`, &sams),
	); err != nil {
		t.Fatalf("the access page: %v", err)
	}
	if !strings.Contains(sams, "Sam Seller") || !strings.Contains(sams, "Headless Chrome on Linux") {
		t.Errorf("Sam's section does not name him and his browser: %s", sams)
	}
	screenshot(t, ada, "admin-access")
	if err := chromedp.Run(ada,
		chromedp.Click(`//tr[td[text()="Sam's ERP sync"]]//button`),
		chromedp.WaitVisible(`#confirm`),
		chromedp.Text(`#confirm-question`, &question),
		chromedp.Click(`#confirm`),
		chromedp.WaitVisible(`p.notice[role="status"]`),
		chromedp.Text(`p.notice[role="status"]`, &notice),
		chromedp.Text(`main`, &after),
	); err != nil {
		t.Fatalf("revoking Sam's token: %v", err)
	}
	if question != "Revoke Sam Seller’s API token “Sam's ERP sync”?" || notice != "Token revoked." || strings.Contains(after, "Sam's ERP sync") {
		t.Errorf("revoking: asked %q, then %q; the page still lists it: %v", question, notice, strings.Contains(after, "Sam's ERP sync"))
	}

	var audit string
	if err := chromedp.Run(ada,
		chromedp.Navigate(base+"/audit"),
		chromedp.WaitVisible(`table.audit`),
		chromedp.Text(`table.audit`, &audit),
	); err != nil {
		t.Fatalf("the audit trail: %v", err)
	}
	for _, want := range []string{"Ada Admin deactivated Sue Seller", "Ada Admin revoked Sam Seller’s API token “Sam's ERP sync”", "Sam Seller created the API token “Sam's ERP sync” (write)"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit trail lacks %q", want)
		}
	}
	screenshot(t, ada, "admin-audit")

	if err := chromedp.Run(ada, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/admin/users", "/admin/access", "/audit"} {
		if err := chromedp.Run(ada, chromedp.Navigate(base+path), chromedp.WaitReady(`main`)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if n := overflow(t, ada); n > 0 {
			t.Errorf("%s is %dpx wider than a phone's screen", path, n)
		}
		screenshot(t, ada, "phone"+strings.ReplaceAll(path, "/", "-"))
	}
}
