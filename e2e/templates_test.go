package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestManagerEditsASurveyTemplate: Mia opens the yardstick survey from the
// surveys page and adds a question asked first, a yardstick in hours; she
// forgets its wording, the page says so beside the field and keeps the
// rest; she writes it and saves. The page fits 1366 px and a 390 px phone
// before and after, and the template asks the new question first.
func TestManagerEditsASurveyTemplate(t *testing.T) {
	base := serve(t, "--demo")
	mia := browserOf(t, base, "mia@example.com")
	fits := func(page string, width int64) {
		t.Helper()
		if err := chromedp.Run(mia, chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
		if n := overflow(t, mia); n > 0 {
			var wide []string
			_ = chromedp.Run(mia, chromedp.Evaluate(`[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className)`, &wide))
			t.Errorf("%s is %d px wider than a %d px screen: %v", page, n, width, wide)
		}
		screenshot(t, mia, page+"-"+map[int64]string{390: "phone", 1366: "desktop"}[width])
	}
	row := `fieldset.question-row.new `
	if err := chromedp.Run(mia,
		chromedp.EmulateViewport(1366, 844),
		chromedp.Navigate(base+"/surveys"),
		chromedp.Click(`//h3/a[text()="Your yardstick"]`),
		chromedp.WaitVisible(`#template-version`),
	); err != nil {
		t.Fatal(err)
	}
	fits("survey-template", 1366)
	fits("survey-template", 390)
	// The new question, first, without its wording.
	if err := chromedp.Run(mia,
		chromedp.SendKeys(row+`input[name$=".key"]`, "setup_hours"),
		chromedp.SetValue(row+`select`, "yardstick"),
		chromedp.SendKeys(row+`input[name$=".unit"]`, "hours"),
		chromedp.SetValue(row+`input[name$=".position"]`, "0"),
		chromedp.Click(row+`input[name$=".required"]`),
		chromedp.Click(`#save-template`),
		chromedp.WaitVisible(`#error-summary`),
	); err != nil {
		t.Fatal(err)
	}
	var field, key, unit string
	if err := chromedp.Run(mia,
		chromedp.Evaluate(`document.querySelector('.field-error').id.replace(/-error$/, '')`, &field),
		chromedp.Evaluate(`document.querySelector('`+row+`input[name$=".key"]').value`, &key),
		chromedp.Evaluate(`document.querySelector('`+row+`input[name$=".unit"]').value`, &unit),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(field, ".label") || key != "setup_hours" || unit != "hours" {
		t.Fatalf("after the missing wording: the message is beside %q, key %q, unit %q", field, key, unit)
	}
	landsOnErrors(t, mia, field)
	fits("survey-template-error", 390)
	fits("survey-template-error", 1366)
	// She writes the question and saves.
	var notice, first string
	if err := chromedp.Run(mia,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.SendKeys(`[id="`+field+`"]`, "Within how many hours should we set it up?"),
		chromedp.Click(`#save-template`),
		chromedp.WaitVisible(`#template-saved`),
		chromedp.Text(`#template-saved`, &notice),
		chromedp.Evaluate(`document.querySelector('input[name="questions.0.key"]').value`, &first),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(notice, "Saved") || first != "setup_hours" {
		t.Errorf("after saving: %q, the first question %q", notice, first)
	}
	fits("survey-template-saved", 390)
	fits("survey-template-saved", 1366)
	// The surveys page lists it first, with the targets' form beside.
	var listed string
	if err := chromedp.Run(mia,
		chromedp.Navigate(base+"/surveys"),
		chromedp.Text(`//h3/a[text()="Your yardstick"]/../following-sibling::ol/li[1]`, &listed, chromedp.BySearch),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(listed, "Within how many hours should we set it up?") {
		t.Errorf("the surveys page lists first %q", listed)
	}
	fits("surveys", 390)
	fits("surveys", 1366)
}
