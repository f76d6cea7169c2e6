package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestShoppingSignals: Val opens a case at Contoso and sees, beside it,
// that Contoso got a quote from Globex and says it is comparing; Sam
// opens a deal's own page, loses it to "globex inc." there, and the deal
// page names Globex of the competitors list, shows the loss in its history
// and among the account's shopping signals; Mia sees Globex counted on the
// competitors page.
func TestShoppingSignals(t *testing.T) {
	base := serve(t, "--demo")
	sam := browser(t)
	signIn(t, sam, base, "sam@example.com")
	var account, caseURL, signals string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/accounts?q=Contoso"),
		chromedp.AttributeValue(`//td/a[starts-with(@href, "/accounts/")][normalize-space(.)="Contoso"]`, "href", &account, nil),
	); err != nil {
		t.Fatalf("finding Contoso: %v", err)
	}
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+account),
		chromedp.Text(`#shopping-signals`, &signals),
		chromedp.AttributeValue(`section[aria-labelledby="open-cases"] a`, "href", &caseURL, nil),
	); err != nil {
		t.Fatalf("Contoso's page %s: %v", account, err)
	}
	signals = strings.ToLower(signals)
	if !strings.Contains(signals, "globex") || !strings.Contains(signals, "compares") || !strings.Contains(signals, "quote") {
		t.Fatalf("Contoso's shopping signals on its page: %q", signals)
	}

	val := browser(t)
	signIn(t, val, base, "val@example.com")
	if err := chromedp.Run(val,
		chromedp.Navigate(base+caseURL),
		chromedp.WaitVisible(`#shopping-signals`),
		chromedp.Text(`#shopping-signals`, &signals),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(signals, "Globex offered 8% below our renewal price") || !strings.Contains(signals, "comparing our renewal with Globex") {
		t.Fatalf("the shopping signals beside Contoso's case: %q", signals)
	}
	screenshot(t, val, "case-shopping-signals")

	// Sam loses a deal on its own page, typing the competitor loosely.
	var id string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/deals/board"),
		chromedp.AttributeValue(`section[aria-labelledby="stage-qualify"] li.card`, "id", &id, nil),
	); err != nil {
		t.Fatal(err)
	}
	id = strings.TrimPrefix(id, "deal-")
	var lost, history string
	if err := chromedp.Run(sam,
		chromedp.Click(`#deal-`+id+` strong a`),
		chromedp.WaitVisible(`#move-deal-button`),
		chromedp.SetValue(`#to`, "lost"),
		chromedp.SendKeys(`#lost_to`, "globex inc."),
		chromedp.Click(`#move-deal-button`),
		// Without a reason it is refused, beside the field, with what was typed kept.
		chromedp.WaitVisible(`#lost_reason-error`),
		chromedp.WaitVisible(`#error-summary`),
		chromedp.Value(`#lost_to`, &lost),
	); err != nil {
		t.Fatal(err)
	}
	if lost != "globex inc." {
		t.Fatalf("the competitor typed was not kept: %q", lost)
	}
	if err := chromedp.Run(sam,
		chromedp.SetValue(`#to`, "lost"),
		chromedp.SendKeys(`#lost_reason`, "price"),
		chromedp.Click(`#move-deal-button`),
		chromedp.WaitVisible(`//p[@role="status"][contains(., "Deal moved")]`),
		chromedp.Text(`#deal-lost`, &lost),
		chromedp.Text(`#history`, &history),
		chromedp.Text(`#shopping-signals`, &signals),
	); err != nil {
		t.Fatal(err)
	}
	if lost != "price, to Globex" || !strings.Contains(history, "lost") || !strings.Contains(history, "to Globex") ||
		!strings.Contains(strings.ToLower(signals), "lost deal") || !strings.Contains(signals, "Globex") {
		t.Fatalf("after losing: lost %q, history %q, signals %q", lost, history, signals)
	}
	var href string
	if err := chromedp.Run(sam, chromedp.AttributeValue(`#deal-lost a`, "href", &href, nil)); err != nil || !strings.HasPrefix(href, "/competitors/") {
		t.Fatalf("the lost deal does not link to Globex on the list: %q %v", href, err)
	}
	screenshot(t, sam, "deal-page-lost")
	// On a phone, nothing runs off the side.
	var wide int
	if err := chromedp.Run(sam,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/deals/"+id),
		chromedp.WaitVisible(`#history`),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &wide),
	); err != nil {
		t.Fatal(err)
	}
	if wide > 390 {
		t.Fatalf("the deal page on a phone is %d px wide", wide)
	}
	screenshot(t, sam, "deal-page-phone")

	mia := browser(t)
	signIn(t, mia, base, "mia@example.com")
	var row string
	if err := chromedp.Run(mia,
		chromedp.Navigate(base+href),
		chromedp.Navigate(base+"/competitors"),
		chromedp.Text(`//table[@id="competitor-tallies"]//tr[th/a[normalize-space(.)="Globex"]]`, &row),
	); err != nil {
		t.Fatal(err)
	}
	// Globex: the demo's quotes, Contoso's comparison and at least three
	// deals lost (two in the demo book, Sam's now).
	f := strings.Fields(row)
	if len(f) != 4 {
		t.Fatalf("Globex's row on the competitors page: %q", row)
	}
	compares, _ := strconv.Atoi(f[2])
	lostDeals, _ := strconv.Atoi(f[3])
	if f[0] != "Globex" || compares < 1 || lostDeals < 3 {
		t.Fatalf("Globex's row on the competitors page: %q", row)
	}
	screenshot(t, mia, "competitors")
}
