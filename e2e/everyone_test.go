package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestLongWordsWrap: a 300-character word in an interaction's summary and
// a 2,000-character one in its notes do not widen the account page, on a
// desktop (1366 px) or a phone (390 px).
func TestLongWordsWrap(t *testing.T) {
	base := serve(t, "--demo")
	ctx := browser(t)
	signIn(t, ctx, base, "sam@example.com")
	long := strings.Repeat("x", 2000)
	var account string
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/accounts?q=northwind"),
		chromedp.AttributeValue(`//a[text()="Northwind Traders"]`, "href", &account, nil),
		chromedp.Click(`//a[text()="Northwind Traders"]`),
		chromedp.WaitVisible(`#summary`),
		chromedp.SetValue(`#summary`, strings.Repeat("s", 300)),
		chromedp.SetValue(`#body`, long),
		chromedp.Click(`//button[text()="Log it"]`),
		chromedp.WaitVisible(`//p[@role="status"][contains(., "Interaction logged")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{1366, 390} {
		opts := []chromedp.EmulateViewportOption{}
		if width < 500 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		if err := chromedp.Run(ctx, chromedp.EmulateViewport(width, 900, opts...), chromedp.Navigate(base+account), chromedp.WaitVisible(`.timeline .body`)); err != nil {
			t.Fatal(err)
		}
		if n := overflow(t, ctx); n > 0 {
			t.Errorf("at %d px the account page with a 2,000-character word is %d px too wide", width, n)
		}
		if width < 500 {
			screenshot(t, ctx, "phone-long-word")
		} else {
			screenshot(t, ctx, "long-word")
		}
	}

	// On paper: the record, without the menu, buttons, edit links, forms
	// and the headings of forms.
	var printed map[string]bool
	err = chromedp.Run(ctx,
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`(() => {
			const shown = sel => [...document.querySelectorAll(sel)].some(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0);
			return {menu: shown('header.top'), buttons: shown('button, a.button'), edit: shown('a.edit, a[href$="/edit"]'), forms: shown('form'),
				formHeading: shown('#log'), name: shown('h1'), timeline: shown('.timeline .summary'), contacts: shown('#contacts')};
		})()`, &printed),
		emulation.SetEmulatedMedia().WithMedia(""),
	)
	if err != nil {
		t.Fatal(err)
	}
	for part, want := range map[string]bool{"menu": false, "buttons": false, "edit": false, "forms": false, "formHeading": false, "name": true, "timeline": true, "contacts": true} {
		if printed[part] != want {
			t.Errorf("printed, %s shown: %v, want %v", part, printed[part], want)
		}
	}
}

// TestHeaderSearch: the search box at the top finds an account by name,
// and the search page fits a phone.
func TestHeaderSearch(t *testing.T) {
	base := serve(t, "--demo")
	ctx := browser(t)
	signIn(t, ctx, base, "val@example.com")
	var found string
	err := chromedp.Run(ctx,
		chromedp.SendKeys(`#find`, "northwind"),
		chromedp.Submit(`#find`),
		chromedp.WaitVisible(`#found-account-list`),
		chromedp.Text(`#found-account-list`, &found),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(found, "Northwind Traders") {
		t.Fatalf("the header search for northwind found %q", found)
	}
	screenshot(t, ctx, "search")
	var heading string
	if err := chromedp.Run(ctx, chromedp.Click(`//ul[@id="found-account-list"]//a[text()="Northwind Traders"]`), chromedp.WaitVisible(`#timeline`),
		chromedp.Text(`h1`, &heading)); err != nil || heading != "Northwind Traders" {
		t.Fatalf("following the result: %q %v", heading, err)
	}
}

// TestQueueOnAPhone: on a 390 px phone the service queue is a list with
// each case's SLA state on screen and nothing to scroll sideways, and the
// menu is one line until it is opened (without JavaScript's help).
func TestQueueOnAPhone(t *testing.T) {
	base := serve(t, "--demo")
	ctx := browser(t)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, base, "val@example.com")
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/cases?view=all"), chromedp.WaitVisible(`table.list tbody tr`)); err != nil {
		t.Fatal(err)
	}
	if n := overflow(t, ctx); n > 0 {
		t.Errorf("the queue is %d px wider than the phone", n)
	}
	var counts []int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => {
		const rows = [...document.querySelectorAll('table.list tbody tr')];
		const shown = rows.filter(tr => {
			const s = tr.querySelector('.sla');
			if (!s || !s.textContent.trim()) return false;
			const r = s.getBoundingClientRect();
			return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
		});
		return [rows.length, shown.length];
	})()`, &counts)); err != nil || len(counts) != 2 {
		t.Fatal(err, counts)
	}
	rows, shown := counts[0], counts[1]
	if rows == 0 || shown != rows {
		t.Errorf("on a phone %d of %d queue rows show their SLA state on screen", shown, rows)
	}
	screenshot(t, ctx, "phone-queue")

	// The menu: one line, closed; open, it lists the pages.
	var closed, open float64
	var navShown bool
	err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelector('header.top').getBoundingClientRect().height`, &closed),
		chromedp.Click(`.menu summary`),
		chromedp.WaitVisible(`#inbox-link`),
		chromedp.Evaluate(`document.querySelector('header.top').getBoundingClientRect().height`, &open),
		chromedp.Evaluate(`!!document.querySelector('header.top nav a[href="/accounts"]').offsetParent`, &navShown),
	)
	if err != nil {
		t.Fatal(err)
	}
	if closed > 60 || !navShown || open <= closed {
		t.Errorf("the phone's menu: %.0f px high closed, %.0f px open, links shown %v", closed, open, navShown)
	}
	screenshot(t, ctx, "phone-menu")
}

// TestUnreadBadgeContrast: the unread badge's text has a contrast of at
// least 4.5:1 with its background, in light and dark mode.
func TestUnreadBadgeContrast(t *testing.T) {
	base := serve(t, "--demo")
	ctx := browser(t)
	signIn(t, ctx, base, "sam@example.com")
	const contrast = `(() => {
		const b = document.getElementById('unread-count');
		b.classList.remove('zero'); // the badge as it is when something is unread
		const st = getComputedStyle(b);
		const rgb = s => s.match(/[\d.]+/g).slice(0, 3).map(Number);
		const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
		const a = lum(rgb(st.color)), z = lum(rgb(st.backgroundColor));
		return (Math.max(a, z) + 0.05) / (Math.min(a, z) + 0.05);
	})()`
	for _, scheme := range []string{"light", "dark"} {
		var ratio float64
		err := chromedp.Run(ctx,
			emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}),
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(`#unread-count`),
			chromedp.Evaluate(contrast, &ratio),
		)
		if err != nil {
			t.Fatal(err)
		}
		if ratio < 4.5 {
			t.Errorf("in %s mode the unread badge's contrast is %.2f:1, want at least 4.5:1", scheme, ratio)
		}
		screenshot(t, ctx, "badge-"+scheme)
	}
}
