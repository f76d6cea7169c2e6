package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFollowUpCallFromHomeToAccount: Sam follows a follow-up call from
// his home to its page, records that the delivery was not as promised,
// and the account page's follow-ups say the case it opened; on a 390 px
// phone the follow-ups fit. Val, who owns none of it, sees who records
// the answers instead of the form.
func TestFollowUpCallFromHomeToAccount(t *testing.T) {
	base := serve(t, "--demo")
	sam := browserOf(t, base, "sam@example.com")
	var followUp string
	if err := chromedp.Run(sam,
		chromedp.WaitVisible(`#home-tasks-section`),
		chromedp.AttributeValue(`#home-tasks-section a[href^="/follow-ups/"]`, "href", &followUp, nil),
	); err != nil {
		t.Fatalf("no follow-up call on Sam's home: %v", err)
	}
	val := browserOf(t, base, "val@example.com")
	var notYours string
	if err := chromedp.Run(val, chromedp.Navigate(base+followUp), chromedp.WaitVisible(`#follow-up-not-yours`), chromedp.Text(`#follow-up-not-yours`, &notYours)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notYours, "Sam Seller, the account's owner, or a manager records") {
		t.Errorf("Val's view of Sam's follow-up: %q", notYours)
	}
	var answered, account string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+followUp),
		chromedp.WaitVisible(`#record-answers`),
		chromedp.Click(`#as_expected-yes`),
		chromedp.Click(`#delivered_as_promised-no`),
		chromedp.Click(`#met_expectations-yes`),
		chromedp.Click(`#nps-7`),
		chromedp.Click(`#record-answers`),
		chromedp.WaitVisible(`#follow-up-answered`),
		chromedp.Text(`#follow-up-answered`, &answered),
		chromedp.AttributeValue(`//a[text()="Back to the account"]`, "href", &account, nil),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(answered, "a case was opened") {
		t.Fatalf("after recording: %q", answered)
	}
	id := strings.TrimPrefix(followUp, "/follow-ups/")
	var item string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+account),
		chromedp.WaitVisible(`#follow-ups-section`),
		chromedp.Text(`#follow-up-`+id, &item),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(item, "Case closed") || !strings.Contains(item, "by phone: a case was opened") {
		t.Errorf("the account's follow-up: %q", item)
	}
	screenshot(t, sam, "account-follow-ups")
	phone := browserOf(t, base, "sam@example.com")
	if err := chromedp.Run(phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(base+account),
		chromedp.WaitVisible(`#follow-ups-section`), chromedp.ScrollIntoView(`#follow-ups-section`)); err != nil {
		t.Fatal(err)
	}
	if n := overflow(t, phone); n > 0 {
		t.Errorf("the account page is %dpx wider than a phone's screen", n)
	}
	screenshot(t, phone, "phone-account-follow-ups")
}
