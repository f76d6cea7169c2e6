package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOrderWithADeliveryPromise: Sam records an order with a promised
// delivery date on Contoso's page (a quantity of zero is refused beside
// the field first); the order page links its delivery promise, the
// account page shows Contoso's value, and Val sees that value beside a
// Contoso case.
func TestOrderWithADeliveryPromise(t *testing.T) {
	base := serve(t, "--demo")
	sam := browserOf(t, base, "sam@example.com")
	due := time.Now().Add(96 * time.Hour).Format("2006-01-02T15:04") // the demo's zone is UTC
	var account string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/accounts?q=contoso"),
		chromedp.Click(`//a[text()="Contoso"]`),
		chromedp.WaitVisible(`#orders-section`),
		chromedp.Location(&account),
		chromedp.Click(`#record-order summary`),
		chromedp.Evaluate(`document.querySelector('#order_product_0').selectedIndex = 1`, nil),
		chromedp.SendKeys(`#order_quantity_0`, "0"),
		chromedp.SetValue(`#order_promised_delivery_at`, due),
		chromedp.Click(`#record-order-button`),
		chromedp.WaitVisible(`#order_quantity_0-error`),
	); err != nil {
		t.Fatal(err)
	}
	var said, promiseLink string
	if err := chromedp.Run(sam,
		chromedp.Clear(`#order_quantity_0`),
		chromedp.SendKeys(`#order_quantity_0`, "4"),
		chromedp.SetValue(`#order_promised_delivery_at`, due),
		chromedp.Click(`#record-order-button`),
		chromedp.WaitVisible(`#order-notice`),
		chromedp.Text(`#order-notice`, &said),
		chromedp.Text(`#order-promise`, &promiseLink),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(said, "Order recorded") || promiseLink != "promise open" {
		t.Fatalf("the order page says %q, its promise %q", said, promiseLink)
	}
	screenshot(t, sam, "order")

	var revenue, timeline string
	if err := chromedp.Run(sam,
		chromedp.Navigate(account),
		chromedp.WaitVisible(`#account-value`),
		chromedp.Text(`#value-revenue`, &revenue),
		chromedp.Text(`#timeline`, &timeline),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(revenue, "€") || revenue == "€0.00" {
		t.Fatalf("Contoso's revenue over 12 months: %q", revenue)
	}
	if !strings.Contains(timeline, "Sam Seller recorded order #") {
		t.Fatalf("the timeline does not have the order: %.600s", timeline)
	}

	val := browserOf(t, base, "val@example.com")
	accountID := account[strings.LastIndex(account, "/")+1:]
	var beside string
	if err := chromedp.Run(val,
		chromedp.Navigate(base+"/cases/new?account_id="+accountID),
		chromedp.SendKeys(`#subject`, "Asks when the toner arrives"),
		chromedp.Submit(`#subject`),
		chromedp.WaitVisible(`#case-value`),
		chromedp.Text(`#account-value`, &beside),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(beside, "Revenue, 12 months") || !strings.Contains(beside, revenue) {
		t.Fatalf("beside Contoso's case: %q (the account page says %s)", beside, revenue)
	}
	screenshot(t, val, "case-with-value")
}
