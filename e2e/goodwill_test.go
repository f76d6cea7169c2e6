package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestGoodwillAboveTheLimitWaitsForMia: Sam asks for goodwill at Contoso
// above his €200 limit (a negative amount is refused beside its field
// first); it waits in Mia's queue, she approves it with a note, and Sam's
// inbox says so. The promotion the customer refers to is beside their case,
// and the queue fits a phone.
func TestGoodwillAboveTheLimitWaitsForMia(t *testing.T) {
	base := serve(t, "--demo")
	sam := browserOf(t, base, "sam@example.com")
	var notice string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/accounts?q=contoso"),
		chromedp.Click(`//a[text()="Contoso"]`),
		chromedp.WaitVisible(`#goodwill`),
		chromedp.Click(`#goodwill summary`),
		chromedp.SetValue(`#goodwill_kind`, "rebate_top_up"),
		chromedp.SendKeys(`#amount`, "-5"),
		chromedp.SendKeys(`#reason`, "second delay of the volume rebate"),
		chromedp.Click(`//button[text()="Grant goodwill"]`),
		chromedp.WaitVisible(`#amount-error`),
	); err != nil {
		t.Fatal(err)
	}
	var typed string
	if err := chromedp.Run(sam, chromedp.Value(`#reason`, &typed)); err != nil || typed != "second delay of the volume rebate" {
		t.Fatalf("the reason typed was not kept: %q %v", typed, err)
	}
	if err := chromedp.Run(sam,
		chromedp.SetValue(`#amount`, "600.00"),
		chromedp.Click(`//button[text()="Grant goodwill"]`),
		chromedp.WaitVisible(`#goodwill-notice`),
		chromedp.Text(`#goodwill-notice`, &notice),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, "waits for a manager") {
		t.Fatalf("after asking above the limit: %q", notice)
	}
	var listed string
	if err := chromedp.Run(sam, chromedp.Text(`#goodwill ul`, &listed)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(listed, "€600.00") || !strings.Contains(listed, "waiting for approval") || !strings.Contains(listed, "€150.00") {
		t.Fatalf("Contoso's goodwill: %q", listed)
	}
	screenshot(t, sam, "goodwill-requested")

	mia := browserOf(t, base, "mia@example.com")
	row := `//li[contains(@class,"goodwill-pending")][contains(., "second delay of the volume rebate")]`
	var queue string
	if err := chromedp.Run(mia,
		chromedp.Navigate(base+"/goodwill"),
		chromedp.WaitVisible(row),
		chromedp.Text(`#queue`, &queue),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(queue, "short delivery") { // the demo's request waits too
		t.Fatalf("Mia's queue: %q", queue)
	}
	screenshot(t, mia, "goodwill-queue")
	if err := chromedp.Run(mia,
		chromedp.SendKeys(row+`//input[@name="note"]`, "Keep them; I will chase finance."),
		chromedp.Click(row+`//button[text()="Approve"]`),
		chromedp.WaitVisible(`//p[@role="status"][contains(., "Approved")]`),
		chromedp.Text(`#queue`, &queue),
	); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(queue, "second delay") {
		t.Fatalf("still waiting after approval: %q", queue)
	}
	var report string
	if err := chromedp.Run(mia, chromedp.Text(`#report`, &report)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(report, "Sam Seller") || !strings.Contains(report, "€750.00") {
		t.Fatalf("the report lacks Sam's €150 + €600 at Contoso: %q", report)
	}

	var inbox string
	if err := chromedp.Run(sam, chromedp.Navigate(base+"/inbox"), chromedp.WaitVisible(`main`), chromedp.Text(`main`, &inbox)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(inbox, "Mia Manager approved your rebate top up of €600.00") || !strings.Contains(inbox, "I will chase finance") {
		t.Fatalf("Sam's inbox: %q", inbox)
	}
	screenshot(t, sam, "goodwill-decided")

	// Service sees the promotion the customer refers to beside the case.
	val := browserOf(t, base, "val@example.com")
	var side string
	if err := chromedp.Run(val,
		chromedp.Navigate(base+"/cases?view=all&q=rebate"),
		chromedp.Click(`//a[contains(., "year's supply rebate paid")]`),
		chromedp.WaitVisible(`#promotions`),
		chromedp.Text(`#promotions`, &side),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(side, "Year's supply rebate") || !strings.Contains(side, "56 days") {
		t.Fatalf("beside the case: %q", side)
	}

	if err := chromedp.Run(mia, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/promotions", "/goodwill"} {
		if err := chromedp.Run(mia, chromedp.Navigate(base+path), chromedp.WaitReady(`main`)); err != nil {
			t.Fatal(err)
		}
		if n := overflow(t, mia); n > 0 {
			t.Errorf("%s is %dpx wider than a phone's screen", path, n)
		}
	}
	screenshot(t, mia, "phone-goodwill")
}
