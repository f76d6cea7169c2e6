package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTaskOnHomeDoneOnTimeline: Sam's home lists his open tasks, the
// overdue first; he marks "Call Contoso about the rebate" done with its
// button (a plain form), it leaves his home, and Contoso's timeline says
// he completed it. On the account page an empty task is refused beside
// its field, then added; on a 390 px phone the home's tasks fit.
func TestTaskOnHomeDoneOnTimeline(t *testing.T) {
	base := serve(t, "--demo")
	sam := browserOf(t, base, "sam@example.com")
	const title = "Call Contoso about the rebate"
	var list, first string
	if err := chromedp.Run(sam,
		chromedp.WaitVisible(`#home-tasks-section`),
		chromedp.Text(`#home-tasks-section`, &list),
		chromedp.Text(`#home-tasks-section li.task`, &first),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, title) || !strings.Contains(first, "overdue") {
		t.Fatalf("Sam's tasks, the overdue first: %q", list)
	}
	screenshot(t, sam, "home-tasks")
	var said, after string
	if err := chromedp.Run(sam,
		chromedp.Click(`//section[@id="home-tasks-section"]//li[contains(., "`+title+`")]//button[text()="Done"]`),
		chromedp.WaitVisible(`#task-notice`),
		chromedp.Text(`#task-notice`, &said),
		chromedp.Text(`#home-tasks-section`, &after),
	); err != nil {
		t.Fatal(err)
	}
	if said != "Task done." || strings.Contains(after, title) {
		t.Fatalf("after Done the home says %q and lists %q", said, after)
	}

	var timeline string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/accounts?q=contoso"),
		chromedp.Click(`//a[text()="Contoso"]`),
		chromedp.WaitVisible(`#tasks-section`),
		chromedp.Text(`#timeline`, &timeline),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(timeline, "Sam Seller completed the task “"+title+"”") {
		t.Fatalf("Contoso's timeline does not have the task: %.800s", timeline)
	}

	var added string
	if err := chromedp.Run(sam,
		chromedp.Click(`#add-task summary`),
		chromedp.Click(`#add-task-button`),
		chromedp.WaitVisible(`#task_title-error`),
		chromedp.SendKeys(`#task_title`, "Send Contoso the renewal proposal"),
		chromedp.Click(`#add-task-button`),
		chromedp.WaitVisible(`#task-notice`),
		chromedp.Text(`#tasks-section`, &added),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(added, "Send Contoso the renewal proposal") || !strings.Contains(added, "due today") {
		t.Fatalf("the account's tasks after adding one: %q", added)
	}
	screenshot(t, sam, "account-tasks")

	var wide int
	if err := chromedp.Run(sam,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#home-tasks-section`),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &wide),
	); err != nil {
		t.Fatal(err)
	}
	if wide > 390 {
		t.Fatalf("the home is %d px wide on a 390 px phone", wide)
	}
	screenshot(t, sam, "home-tasks-phone")

	// Mia, a manager, picks whose tasks /tasks shows; she opens one of Sam's.
	mia := browserOf(t, base, "mia@example.com")
	var samList, page string
	if err := chromedp.Run(mia, chromedp.Navigate(base+"/tasks"), chromedp.WaitVisible(`#owner`)); err != nil {
		t.Fatal(err)
	}
	samID := mustOption(t, mia, "#owner", "Sam Seller")
	if err := chromedp.Run(mia,
		chromedp.SetValue(`#owner`, samID),
		chromedp.Submit(`#owner`),
		chromedp.WaitVisible(`//h1[text()="Sam Seller's tasks"]`),
		chromedp.Text(`main`, &samList),
		chromedp.Click(`//a[contains(., "Send Northwind the revised quote")]`),
		chromedp.WaitVisible(`#task-status`),
		chromedp.Text(`main`, &page),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(samList, "Ring Northwind's buyer about the short delivery") || strings.Contains(samList, title) {
		t.Fatalf("Sam's open tasks as Mia sees them: %.600s", samList)
	}
	if !strings.Contains(page, "overdue") || !strings.Contains(page, "Northwind Traders") || !strings.Contains(page, "Change the task") {
		t.Fatalf("the task page: %.600s", page)
	}
	screenshot(t, mia, "task")
}
