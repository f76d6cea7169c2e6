package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestReviewLeftoversAtBothWidths walks what a reviewer found, at a
// desktop's and a phone's width: the calendar form shows every problem
// beside its field at once; an empty queue filter says what it asked
// for; the second page of accounts says which rows it shows; one Search
// button; deactivating an owner says what they own; /cases/new without
// an account finds one; the site has an icon. No page is wider than
// the screen.
func TestReviewLeftoversAtBothWidths(t *testing.T) {
	base := serve(t, "--demo")
	browsers := map[int]context.Context{1366: browser(t), 390: browser(t)}
	for _, width := range []int{1366, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := browsers[width]
			if err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
				t.Fatal(err)
			}
			signIn(t, ctx, base, "ada@example.com")
			fits := func(what string) {
				t.Helper()
				if n := overflow(t, ctx); n > 0 {
					t.Errorf("%s is %dpx wider than the screen at %d px", what, n, width)
				}
			}
			// The calendar: a bad zone and two bad days, all told at once.
			var zone, monday, tuesday string
			err := chromedp.Run(ctx,
				chromedp.Navigate(base+"/settings/service"),
				chromedp.SetValue(`#time_zone`, "Mars/Olympus"),
				chromedp.SetValue(`input[name="hours.monday"]`, "9 to 5"),
				chromedp.SetValue(`input[name="hours.tuesday"]`, "09:00-13:00,12:00-17:00"),
				chromedp.Click(`//button[text()="Save calendar"]`),
				chromedp.WaitVisible(`#time_zone-error`),
				chromedp.Text(`#time_zone-error`, &zone),
				chromedp.Text(`[id="hours.monday-error"]`, &monday),
				chromedp.Text(`[id="hours.tuesday-error"]`, &tuesday),
			)
			if err != nil {
				screenshot(t, ctx, fmt.Sprintf("leftovers-calendar-%d", width))
				t.Fatalf("calendar errors: %v", err)
			}
			if !strings.Contains(zone, "Mars/Olympus") || monday == "" || !strings.Contains(tuesday, "overlap") {
				t.Errorf("calendar errors: %q %q %q", zone, monday, tuesday)
			}
			fits("the calendar with its errors")
			screenshot(t, ctx, fmt.Sprintf("leftovers-calendar-%d", width))
			// The queue: mine and unassigned together find nothing, and say so.
			var empty string
			if err := chromedp.Run(ctx, chromedp.Navigate(base+"/cases?mine=1&unassigned=1"), chromedp.Text(`#queue-empty`, &empty)); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(empty, "assigned to you and unassigned") || !strings.Contains(empty, "untick one") {
				t.Errorf("empty queue: %q", empty)
			}
			fits("the empty queue")
			screenshot(t, ctx, fmt.Sprintf("leftovers-queue-empty-%d", width))
			// The accounts' second page, and one Search button.
			var count string
			var searches int
			if err := chromedp.Run(ctx, chromedp.Navigate(base+"/accounts"), chromedp.Click(`a[rel="next"]`), chromedp.WaitVisible(`a[rel="prev"]`),
				chromedp.Text(`#account-count`, &count),
				chromedp.Evaluate(`[...document.querySelectorAll("button")].filter(b => b.textContent.trim() == "Search").length`, &searches)); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(count, "Showing 51–") || searches != 1 {
				t.Errorf("second page of accounts: %q, %d Search buttons", count, searches)
			}
			fits("the accounts' second page")
			// Deactivating Sam, who owns accounts, says how many and links to them.
			var question string
			if err := chromedp.Run(ctx, chromedp.Navigate(base+"/admin/users"),
				chromedp.Click(`//button[text()="Deactivate Sam Seller"]`), chromedp.WaitVisible(`#confirm-first`),
				chromedp.Text(`#confirm-consequence`, &question), chromedp.Click(`#confirm-first`), chromedp.WaitVisible(`#account-count`),
				chromedp.Text(`#account-count`, &count)); err != nil {
				screenshot(t, ctx, fmt.Sprintf("leftovers-deactivate-%d", width))
				t.Fatal(err)
			}
			if !strings.Contains(question, "owns") || !strings.Contains(count, "owned by Sam Seller") {
				t.Errorf("deactivating an owner: %q, then %q", question, count)
			}
			// A new case without an account: find the account, then the form.
			var heading string
			if err := chromedp.Run(ctx, chromedp.Navigate(base+"/cases/new"), chromedp.SetValue(`#account_q`, "north"),
				chromedp.Click(`//button[text()="Find the account"]`), chromedp.WaitVisible(`#pick-accounts`)); err != nil {
				t.Fatal(err)
			}
			fits("the account picker")
			screenshot(t, ctx, fmt.Sprintf("leftovers-case-pick-%d", width))
			if err := chromedp.Run(ctx, chromedp.Click(`#pick-accounts a`), chromedp.WaitVisible(`#subject`), chromedp.Text(`h1`, &heading)); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(heading, "New case for ") {
				t.Errorf("after picking: %q", heading)
			}
			// The icon.
			var icon string
			if err := chromedp.Run(ctx, chromedp.Evaluate(`fetch("/favicon.ico").then(r => r.status + " " + r.headers.get("content-type"))`, &icon,
				func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })); err != nil {
				t.Fatal(err)
			}
			if icon != "200 image/svg+xml" {
				t.Errorf("/favicon.ico: %q", icon)
			}
		})
	}
}
