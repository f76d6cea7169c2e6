package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPromiseSeenBesideTheCase: Sam promises Contoso a discount on its
// account page (a fractional cent is refused beside the amount first);
// Val, opening a case for Contoso, sees the promise beside it, and on a
// phone the promise page fits the screen.
func TestPromiseSeenBesideTheCase(t *testing.T) {
	base := serve(t, "--demo")
	sam := browserOf(t, base, "sam@example.com")
	var home string
	if err := chromedp.Run(sam, chromedp.Text(`main`, &home)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(home, "Promises due in the next 7 days") || !strings.Contains(home, "a rebate of €1,200.00 to Contoso") {
		t.Fatalf("Sam's home does not list his rebate to Contoso: %.600s", home)
	}
	due := time.Now().Add(72 * time.Hour).Format("2006-01-02T15:04") // the demo's zone is UTC
	words := "You get 3% off the next order of display stands."
	var account string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/accounts?q=contoso"),
		chromedp.Click(`//a[text()="Contoso"]`),
		chromedp.WaitVisible(`#promises-section`),
		chromedp.Location(&account),
		chromedp.Click(`#make-promise summary`),
		chromedp.SetValue(`#promise_kind`, "discount"),
		chromedp.SendKeys(`#promise_description`, words),
		chromedp.SendKeys(`#promise_amount`, "240.005"),
		chromedp.SetValue(`#promise_due_at`, due),
		chromedp.Click(`#make-promise-button`),
		chromedp.WaitVisible(`#promise_amount-error`),
	); err != nil {
		t.Fatal(err)
	}
	var said string
	if err := chromedp.Run(sam,
		chromedp.Clear(`#promise_amount`),
		chromedp.SendKeys(`#promise_amount`, "240"),
		chromedp.SetValue(`#promise_due_at`, due),
		chromedp.Click(`#make-promise-button`),
		chromedp.WaitVisible(`#promise-notice`),
		chromedp.Text(`#promise-words`, &said),
	); err != nil {
		t.Fatal(err)
	}
	if said != words {
		t.Fatalf("the promise page says %q", said)
	}
	screenshot(t, sam, "promise")

	val := browserOf(t, base, "val@example.com")
	accountID := account[strings.LastIndex(account, "/")+1:]
	var beside string
	if err := chromedp.Run(val,
		chromedp.Navigate(base+"/cases/new?account_id="+accountID),
		chromedp.SendKeys(`#subject`, "Asks when the discount applies"),
		chromedp.Submit(`#subject`),
		chromedp.WaitVisible(`#case-promises`),
		chromedp.Text(`#case-promises + ul`, &beside),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(beside, "a discount of €240.00") || !strings.Contains(beside, words) || !strings.Contains(beside, "a rebate of €1,200.00") {
		t.Fatalf("beside Contoso's case: %q", beside)
	}
	screenshot(t, val, "case-with-promises")

	if err := chromedp.Run(val, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Click(`#case-promises + ul a`),
		chromedp.WaitVisible(`#promise-words`)); err != nil {
		t.Fatal(err)
	}
	if n := overflow(t, val); n > 0 {
		t.Errorf("the promise page is %dpx wider than a phone", n)
	}
	chromedp.Run(val, chromedp.Navigate(account), chromedp.WaitVisible(`#promises-section`))
	if n := overflow(t, val); n > 0 {
		t.Errorf("the account page with its promises is %dpx wider than a phone", n)
	}
	screenshot(t, val, "phone-promise")
}

// TestPromiseConflictShownAsTyped: Sam types a rebate due in five days on
// Contoso's page; before he saves, the form says it goes against the
// demo's rebate payment window; saving without a reason is refused, with
// one it is recorded with the warning, and Val sees it beside a Contoso
// case.
func TestPromiseConflictShownAsTyped(t *testing.T) {
	base := serve(t, "--demo")
	sam := browserOf(t, base, "sam@example.com")
	due := time.Now().Add(5 * 24 * time.Hour).Format("2006-01-02T15:04") // due this week: beside the case
	words := "Your rebate on the display stands is paid within five days."
	var account, live string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/accounts?q=contoso"),
		chromedp.Click(`//a[text()="Contoso"]`),
		chromedp.WaitVisible(`#promises-section`),
		chromedp.Location(&account),
		chromedp.Click(`#make-promise summary`),
		chromedp.SetValue(`#promise_kind`, "rebate"),
		chromedp.SetValue(`#promise_due_at`, due),
		chromedp.SendKeys(`#promise_amount`, "800"),
		chromedp.SendKeys(`#promise_description`, words),
		chromedp.WaitVisible(`//*[@data-policy-conflicts]//strong[contains(., "Rebate payment window")]`),
		chromedp.Text(`[data-policy-conflicts]`, &live),
	); err != nil {
		t.Fatalf("the conflict was not shown as typed: %v", err)
	}
	var refused string
	if err := chromedp.Run(sam,
		chromedp.Click(`#make-promise-button`),
		chromedp.WaitVisible(`#error-summary`),
		chromedp.Text(`#error-summary`, &refused),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(refused, "Rebate payment window") || !strings.Contains(refused, "acknowledgement") {
		t.Fatalf("saving without a reason: %q", refused)
	}
	var warned string
	if err := chromedp.Run(sam,
		chromedp.SetValue(`#promise_due_at`, due),
		chromedp.SendKeys(`#promise_acknowledgement`, "The customer agreed we chase it and call if it slips"),
		chromedp.Click(`#make-promise-button`),
		chromedp.WaitVisible(`#promise-notice`),
		chromedp.Text(`main`, &warned),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(warned, "Rebate payment window") {
		t.Fatalf("the promise page does not list its policy warning: %.500s", warned)
	}
	screenshot(t, sam, "promise-with-warning")

	val := browserOf(t, base, "val@example.com")
	var beside string
	if err := chromedp.Run(val,
		chromedp.Navigate(base+"/cases/new?account_id="+account[strings.LastIndex(account, "/")+1:]),
		chromedp.SendKeys(`#subject`, "Asks about the rebate"),
		chromedp.Submit(`#subject`),
		chromedp.WaitVisible(`#case-promises`),
		chromedp.Text(`#case-promises + ul`, &beside),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(beside, words) {
		t.Fatalf("beside Contoso's case: %q", beside)
	}
}

// TestPromiseMeasures: Mia opens the promise measures from her home; the
// rate's numbers open the lists behind them; a period that reaches ahead
// shows the demo's exception to the block policy with its reason; the
// page fits a phone; a sales user may not see it.
func TestPromiseMeasures(t *testing.T) {
	base := serve(t, "--demo")
	mia := browserOf(t, base, "mia@example.com")
	var rate string
	if err := chromedp.Run(mia,
		chromedp.Click(`#team-promise-measures`),
		chromedp.WaitVisible(`#total-rate`),
		chromedp.Text(`#total-rate`, &rate),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rate, "kept on time of") || !strings.Contains(rate, "broken") {
		t.Fatalf("the rate: %q", rate)
	}
	screenshot(t, mia, "promise-measures")
	var heading, list string
	if err := chromedp.Run(mia,
		chromedp.Click(`#total-due`),
		chromedp.WaitVisible(`#promise-list`),
		chromedp.Text(`h1`, &heading),
		chromedp.Text(`#promise-list`, &list),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(heading, "due from") || !strings.Contains(list, "Tailspin Toys") {
		t.Fatalf("the promises due: %q / %.400s", heading, list)
	}
	from, to := time.Now().AddDate(0, 0, -40).Format("2006-01-02"), time.Now().AddDate(0, 0, 60).Format("2006-01-02")
	var exceptions, broken string
	if err := chromedp.Run(mia,
		chromedp.Navigate(base+"/promises/measures?from="+from+"&to="+to),
		chromedp.WaitVisible(`#exceptions`),
		chromedp.Text(`#exceptions`, &exceptions),
		chromedp.Click(`#broken-count`),
		chromedp.WaitVisible(`#promise-list`),
		chromedp.Text(`#promise-list`, &broken),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(exceptions, "Roadmap features") || !strings.Contains(exceptions, "Product confirmed") {
		t.Fatalf("the exceptions: %q", exceptions)
	}
	if !strings.Contains(broken, "Why broken: The supplier missed its slot") {
		t.Fatalf("the broken promises: %q", broken)
	}
	if err := chromedp.Run(mia, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/promises/measures?from="+from+"&to="+to), chromedp.WaitVisible(`#total-rate`)); err != nil {
		t.Fatal(err)
	}
	if n := overflow(t, mia); n > 0 {
		t.Errorf("the measures page is %d px wider than a phone", n)
	}
	screenshot(t, mia, "promise-measures-phone")
	sam := browserOf(t, base, "sam@example.com")
	var page string
	if err := chromedp.Run(sam, chromedp.Navigate(base+"/promises/measures"), chromedp.Text(`main`, &page)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page, "kept on time of") {
		t.Fatalf("a sales user sees the measures: %.300s", page)
	}
}
