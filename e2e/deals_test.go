package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestPipelineBoardAndNextSale: Sam moves a deal on the board from the
// keyboard; Val starts a deal from a case at one of Sam's accounts, and
// Sam's inbox has the next sale.
func TestPipelineBoardAndNextSale(t *testing.T) {
	base := serve(t, "--demo")
	sam := browser(t)
	signIn(t, sam, base, "sam@example.com")
	var id, title string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/deals/board"),
		chromedp.WaitVisible(`section[aria-labelledby="stage-qualify"] li.card`),
		chromedp.AttributeValue(`section[aria-labelledby="stage-qualify"] li.card`, "id", &id, nil),
	); err != nil {
		t.Fatal(err)
	}
	id = strings.TrimPrefix(id, "deal-")
	if id == "" {
		t.Fatal("no deal in qualify on Sam's board")
	}
	screenshot(t, sam, "deals-board")
	// On a 390 px phone the columns stack: nothing runs off the side.
	var wide int
	var lefts []float64
	if err := chromedp.Run(sam,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/deals/board"),
		chromedp.WaitVisible(`.board`),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &wide),
		chromedp.Evaluate(`[...document.querySelectorAll('.board-column')].map(c => c.getBoundingClientRect().left)`, &lefts),
	); err != nil {
		t.Fatal(err)
	}
	if wide > 390 || len(lefts) < 3 || lefts[0] != lefts[1] || lefts[1] != lefts[2] {
		t.Fatalf("the board on a phone: %d px wide, columns at %v", wide, lefts)
	}
	screenshot(t, sam, "deals-board-phone")
	if err := chromedp.Run(sam,
		chromedp.Text(`#deal-`+id+` strong`, &title),
		chromedp.Focus(`#next-`+id),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`//p[@role="status"][contains(., "Deal moved")]`),
		chromedp.WaitVisible(`section[aria-labelledby="stage-propose"] #deal-`+id),
	); err != nil {
		t.Fatalf("moving %q with the keyboard: %v", title, err)
	}

	val := browser(t)
	signIn(t, val, base, "val@example.com")
	var links []string
	if err := chromedp.Run(val,
		chromedp.Navigate(base+"/cases"),
		chromedp.Evaluate(`[...document.querySelectorAll('a[href^="/cases/"]')].map(a => a.getAttribute('href')).filter(h => /^\/cases\/[0-9a-f-]+$/.test(h))`, &links),
	); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range links[:min(len(links), 25)] {
		var hint string
		if err := chromedp.Run(val, chromedp.Navigate(base+l), chromedp.WaitVisible(`#next-sale`), chromedp.Text(`#next-sale .hint`, &hint)); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(hint, "Sam Seller") {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("no case at one of Sam's accounts among Val's first cases")
	}
	if err := chromedp.Run(val,
		chromedp.SendKeys(`#deal_title`, "Annual maintenance plan"),
		chromedp.SendKeys(`#deal_amount`, "3,600.00"),
		chromedp.Click(`#start-deal`),
		chromedp.WaitVisible(`//p[@id="case-notice"][contains(., "Deal started")]`),
	); err != nil {
		t.Fatal(err)
	}
	var inbox string
	if err := chromedp.Run(sam, chromedp.Navigate(base+"/inbox"), chromedp.Text(`main`, &inbox)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(inbox, "Annual maintenance plan") || !strings.Contains(strings.ToLower(inbox), "next sale") {
		t.Fatalf("Sam's inbox lacks the next sale: %.600s", inbox)
	}
}
