package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAgentsDay: Val's home lists her cases and those waiting for someone;
// she takes one, answers the customer (the case moves to open and the
// page says it was not emailed, as email is off), and hands it to Mia,
// who finds it on her home and in her inbox.
func TestAgentsDay(t *testing.T) {
	base := serve(t, "--demo")
	val := browser(t)
	signIn(t, val, base, "val@example.com")
	var mine, waiting int
	if err := chromedp.Run(val,
		chromedp.Evaluate(`document.querySelectorAll('#my-cases li').length`, &mine),
		chromedp.Evaluate(`document.querySelectorAll('#unassigned-cases li').length`, &waiting),
	); err != nil {
		t.Fatal(err)
	}
	if mine == 0 || waiting == 0 {
		t.Fatalf("Val's home lists %d of her cases and %d waiting", mine, waiting)
	}
	// Her cases come next deadline first: the words beside each say so.
	var words []string
	if err := chromedp.Run(val, chromedp.Evaluate(`[...document.querySelectorAll('#my-cases .sla')].map(e => e.textContent)`, &words)); err != nil {
		t.Fatal(err)
	}
	for _, w := range words {
		if strings.HasPrefix(w, "At risk") && strings.Contains(w, "overdue") || strings.HasPrefix(w, "On track") && strings.Contains(w, "overdue") {
			t.Errorf("the state and its words disagree: %q", w)
		}
	}
	screenshot(t, val, "home-service")

	var subject, notice, assignee, status string
	if err := chromedp.Run(val,
		chromedp.Text(`#unassigned-cases li a`, &subject),
		chromedp.Click(`#unassigned-cases li a`),
		chromedp.WaitVisible(`#take`),
		chromedp.Click(`#take`),
		chromedp.WaitVisible(`#case-notice`),
		chromedp.Text(`#case-notice`, &notice),
		chromedp.Text(`#assignee`, &assignee),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, "yours") || assignee != "Val Service" {
		t.Fatalf("after Take it: %q, assignee %q", notice, assignee)
	}
	if err := chromedp.Run(val,
		chromedp.SendKeys(`#comment-body`, "We are on it and will call you back today."),
		chromedp.Click(`//button[text()="Add comment"]`),
		chromedp.WaitVisible(`//p[@id="case-notice"][contains(., "Reply added")]`), // not the notice of taking it
		chromedp.Text(`#case-notice`, &notice),
		chromedp.Text(`//dt[text()="Status"]/following-sibling::dd[1]`, &status),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(notice, "Not emailed: email is off") || status != "Open" {
		t.Fatalf("after the first reply: %q, status %q", notice, status)
	}
	// Hand it to Mia.
	if err := chromedp.Run(val,
		chromedp.SetValue(`#assignee_id`, mustOption(t, val, `#assignee_id`, "Mia Manager")),
		chromedp.Click(`#save-handling`),
		// The notice of taking the case is still shown until the saved page
		// loads: wait for the new assignee, not for a notice.
		chromedp.WaitVisible(`//*[@id="assignee"][contains(., "Mia Manager")]`),
		chromedp.Text(`#assignee`, &assignee),
	); err != nil {
		t.Fatal(err)
	}
	if assignee != "Mia Manager" {
		t.Fatalf("assigned to %q", assignee)
	}
	screenshot(t, val, "case-handed-over")

	mia := browser(t)
	signIn(t, mia, base, "mia@example.com")
	var handed, unread string
	if err := chromedp.Run(mia,
		chromedp.Text(`#handed-cases`, &handed),
		chromedp.Text(`#unread-count`, &unread),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(handed, subject[strings.Index(subject, " ")+1:]) || !strings.Contains(handed, "by Val Service") {
		t.Fatalf("Mia's home, handed to her: %q (case %q)", handed, subject)
	}
	if n, _ := strconv.Atoi(unread); n == 0 {
		t.Fatal("Mia's inbox says 0")
	}
}

// browserOf is a browser signed in as email, on its home.
func browserOf(t *testing.T, base, email string) context.Context {
	t.Helper()
	ctx := browser(t)
	signIn(t, ctx, base, email)
	return ctx
}

// mustOption is the value of the option of a select that reads label.
func mustOption(t *testing.T, ctx context.Context, sel, label string) string {
	t.Helper()
	var v string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelector('`+sel+`').options].find(o => o.textContent.trim() === '`+label+`').value`, &v)); err != nil {
		t.Fatalf("no option %q in %s: %v", label, sel, err)
	}
	return v
}

// TestManagersHome: every figure on Mia's home is the length of the list
// it links to; Val can bulk-assign cases ticked in the queue.
func TestManagersHome(t *testing.T) {
	base := serve(t, "--demo")
	mia := browser(t)
	signIn(t, mia, base, "mia@example.com")
	screenshot(t, mia, "home-manager")
	figures := map[string]*regexp.Regexp{
		"#team-open": nil, "#team-unassigned": nil, "#team-breached": nil, "#team-at-risk": nil, "#team-unconfirmed": nil,
		"#team-this-week": regexp.MustCompile(`of (\d+) resolved`), "#team-last-week": regexp.MustCompile(`of (\d+)\)`),
	}
	var links map[string][2]string // selector → label, address
	if err := chromedp.Run(mia, chromedp.Evaluate(`Object.fromEntries([...document.querySelectorAll('ul.figures a')].map(a => ['#' + a.id, [a.textContent, a.getAttribute('href')]]))`, &links)); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for sel, re := range figures {
		link, ok := links[sel]
		if !ok {
			t.Fatalf("no figure %s on the manager's home", sel)
		}
		label, href := link[0], link[1]
		var count string
		if err := chromedp.Run(mia, chromedp.Navigate(base+href), chromedp.Text(`#queue-count`, &count)); err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		want := strings.Fields(label)[0]
		if re != nil {
			m := re.FindStringSubmatch(label)
			if m == nil {
				t.Fatalf("%s reads %q", sel, label)
			}
			want = m[1]
		}
		if got := strings.Fields(count)[0]; got != want {
			t.Errorf("%s says %s (%q) but its list %s holds %s", sel, want, label, href, got)
		}
		if want != "0" {
			seen++
		}
	}
	if seen < 3 {
		t.Errorf("only %d of the manager's figures are above zero on the demo book", seen)
	}
	// Queue per agent: Val's number is the length of her list.
	var load []string // count, address
	var count string
	if err := chromedp.Run(mia, chromedp.Navigate(base+"/"), chromedp.WaitVisible(`#team-loads`),
		chromedp.Evaluate(`(l => [l.querySelector('strong').textContent, l.querySelector('a').getAttribute('href')])(document.querySelector('#team-loads li'))`, &load)); err != nil {
		t.Fatal(err)
	}
	href := load[1]
	if err := chromedp.Run(browserOf(t, base, "mia@example.com"),
		chromedp.Navigate(base+href),
		chromedp.Text(`#queue-count`, &count),
	); err != nil {
		t.Fatal(err)
	}
	if strings.Fields(count)[0] != load[0] {
		t.Errorf("an agent's load is %s but %s lists %s", load, href, count)
	}

	// Val ticks two unassigned cases in the queue and takes both.
	val := browserOf(t, base, "val@example.com")
	var before, after, notice string
	if err := chromedp.Run(val,
		chromedp.Navigate(base+"/cases?unassigned=1"),
		chromedp.Text(`#queue-count`, &before),
		chromedp.Click(`(//td[@class="tick"]/input)[1]`),
		chromedp.Click(`(//td[@class="tick"]/input)[2]`),
		chromedp.Click(`//button[text()="Assign"]`),
		chromedp.WaitVisible(`.notice`),
		chromedp.Text(`.notice`, &notice),
		chromedp.Text(`#queue-count`, &after),
	); err != nil {
		t.Fatal(err)
	}
	b, _ := strconv.Atoi(strings.Fields(before)[0])
	a, _ := strconv.Atoi(strings.Fields(after)[0])
	if notice != "2 cases assigned." || a != b-2 {
		t.Fatalf("bulk assign: %q, unassigned %d → %d", notice, b, a)
	}
}
