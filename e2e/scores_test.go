package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSurveyResultsOnAPhone: Mia opens the survey results on a 390 px phone
// and at 1366 px: five SVG charts, each an image with a description, the
// numbers beside them in tables, and nothing wider than the screen. A
// number links to the answers behind it, and an account page has its
// scores section.
func TestSurveyResultsOnAPhone(t *testing.T) {
	base := serve(t, "--demo")
	mia := browserOf(t, base, "mia@example.com")
	for _, width := range []int64{390, 1366} {
		var charts, described, tables int
		var chartWidth float64
		if err := chromedp.Run(mia,
			chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile),
			chromedp.Navigate(base+"/surveys/results?group_by=trigger"),
			chromedp.WaitVisible(`#scores-headline`),
			chromedp.Evaluate(`document.querySelectorAll('svg.chart[role="img"]').length`, &charts),
			chromedp.Evaluate(`[...document.querySelectorAll('svg.chart')].filter(s => s.querySelector('desc') && s.querySelector('desc').textContent.length > 10).length`, &described),
			chromedp.Evaluate(`document.querySelectorAll('#by-month, #nps-distribution, #csat-distribution, #ces-distribution').length`, &tables),
			chromedp.Evaluate(`Math.max(...[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().right))`, &chartWidth),
		); err != nil {
			t.Fatal(err)
		}
		if charts != 5 || described != 5 || tables != 4 {
			t.Fatalf("at %d px: %d charts, %d described, %d tables", width, charts, described, tables)
		}
		if n := overflow(t, mia); n > 0 {
			var wide []string // what sticks out, to say so
			_ = chromedp.Run(mia, chromedp.Evaluate(`[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map(e => e.tagName + '#' + e.id)`, &wide))
			t.Errorf("the results page is %d px wider than a %d px screen: %v", n, width, wide)
		}
		if chartWidth > float64(width) {
			t.Errorf("a chart reaches %v px on a %d px screen", chartWidth, width)
		}
		screenshot(t, mia, "survey-results-"+map[int64]string{390: "phone", 1366: "desktop"}[width])
	}
	// A number links to the answers behind it, if there are any yet.
	var links []string
	if err := chromedp.Run(mia, chromedp.Evaluate(`[...document.querySelectorAll('#score-facts a')].map(a => a.href)`, &links)); err != nil {
		t.Fatal(err)
	}
	if len(links) > 0 {
		var heading string
		if err := chromedp.Run(mia, chromedp.Navigate(links[0]), chromedp.Text(`h1`, &heading)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(heading, "answers") && !strings.Contains(heading, "NPS") {
			t.Errorf("the answers page is headed %q", heading)
		}
		if n := overflow(t, mia); n > 0 {
			t.Errorf("the answers page is %d px too wide", n)
		}
	}
	// Every account page has the section.
	var section int
	if err := chromedp.Run(mia,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/accounts?q=northwind"),
		chromedp.Click(`//a[text()="Northwind Traders"]`),
		chromedp.WaitVisible(`#account-scores`),
		chromedp.Evaluate(`document.querySelectorAll('#account-scores').length`, &section),
	); err != nil {
		t.Fatal(err)
	}
	if n := overflow(t, mia); section != 1 || n > 0 {
		t.Errorf("account page: %d sections, %d px too wide", section, n)
	}
}
