// Package e2e drives the real tandem binary with a real Chromium.
package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"tandem/internal/mail/mailtest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tandem-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "tandem")
	build := exec.Command("go", "build", "-o", binary, "../cmd/tandem")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building tandem:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// serve starts the binary with the demo book on a free loopback port.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", addr, "--data", t.TempDir()}, args...)...)
	logf, _ := os.Create(filepath.Join(t.TempDir(), "serve.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("tandem did not shut down cleanly: %v", err)
			}
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Error("tandem did not stop within 20s of SIGINT")
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b, _ := os.ReadFile(logf.Name())
	t.Fatalf("tandem did not become ready:\n%s", b)
	return ""
}

// browser starts a headless Chromium.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("TANDEM_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium not found at %s; CI must run the browser tests", path)
		}
		t.Skipf("Chromium not found at %s", path)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 1000), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// landsOnErrors fails unless a page answering a failed form has the first
// field at fault focused and on screen, with its message beside it.
func landsOnErrors(t *testing.T, ctx context.Context, field string) {
	t.Helper()
	var ok bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => {
		const f = document.activeElement;
		if (!f || f.getAttribute('aria-invalid') !== 'true' || f.getAttribute('aria-describedby') !== '`+field+`-error') return false;
		const r = f.getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight && !!document.getElementById('`+field+`-error') && !!document.getElementById('error-summary');
	})()`, &ok)); err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Errorf("after a failed form the field %s is not focused on screen with its message", field)
	}
}

// twoColumns fails unless the page's .columns layout shows its side and
// main parts side by side (the window is desktop-wide).
func twoColumns(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	var side bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => {
		const c = document.querySelector('.columns');
		if (!c || c.children.length < 2) return false;
		const a = c.children[0].getBoundingClientRect(), b = c.children[1].getBoundingClientRect();
		return b.left >= a.right && b.top < a.bottom;
	})()`, &side)); err != nil {
		t.Fatal(err)
	}
	if !side {
		t.Errorf("%s lost its two columns: the side and the main part are stacked", page)
	}
}

// screenshot saves a full-page PNG into the artifacts directory.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("TANDEM_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSignInFindAccountLogInteraction(t *testing.T) {
	base := serve(t, "--demo")
	ctx := browser(t)

	var heading string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/accounts"),
		chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, "sam@example.com"),
		chromedp.SendKeys(`#password`, "wrong password!"),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`#password-error`),
	)
	if err != nil {
		t.Fatalf("wrong password: %v", err)
	}
	var kept string
	if err := chromedp.Run(ctx, chromedp.Value(`#email`, &kept)); err != nil || kept != "sam@example.com" {
		t.Fatalf("the login form lost the email: %q %v", kept, err)
	}
	err = chromedp.Run(ctx,
		chromedp.SetValue(`#password`, "tandem-demo-2026"),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`#q`),
		chromedp.Text(`h1`, &heading),
	)
	if err != nil || heading != "Accounts" {
		t.Fatalf("sign-in did not return to the account list: %q %v", heading, err)
	}

	err = chromedp.Run(ctx,
		chromedp.SendKeys(`#q`, "northwind"),
		chromedp.Submit(`#q`),
		chromedp.WaitVisible(`//a[text()="Northwind Traders"]`),
	)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	var row string
	if err := chromedp.Run(ctx, chromedp.Text(`//tr[td/a[text()="Northwind Traders"]]`, &row)); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?i)silver\s+Sam Seller\s+(\d+ (min|h|days) ago|just now)\s+1\b`).MatchString(row) {
		t.Errorf("the account list does not show Northwind's last contact and its one open case: %q", row)
	}
	screenshot(t, ctx, "accounts-search")
	err = chromedp.Run(ctx,
		chromedp.Click(`//a[text()="Northwind Traders"]`),
		chromedp.WaitVisible(`#summary`),
		chromedp.Text(`h1`, &heading),
	)
	if err != nil || heading != "Northwind Traders" {
		t.Fatalf("account page: %q %v", heading, err)
	}
	var openCases string
	if err := chromedp.Run(ctx, chromedp.Text(`#open-cases + ul`, &openCases)); err != nil ||
		!regexp.MustCompile(`#1001 Pallets arrived short by four units\s+normal, New, (first reply|resolution) (due in|overdue by)`).MatchString(openCases) {
		t.Fatalf("the account page does not list its open case with its next deadline: %v %q", err, openCases)
	}

	// A bad submission keeps what was typed and says what is wrong.
	err = chromedp.Run(ctx,
		chromedp.SendKeys(`#body`, "notes I do not want to lose"),
		chromedp.Click(`//button[text()="Log it"]`),
		chromedp.WaitVisible(`#summary-error`),
	)
	if err != nil {
		t.Fatalf("empty summary was not refused: %v", err)
	}
	var body string
	if err := chromedp.Run(ctx, chromedp.Value(`#body`, &body)); err != nil || body != "notes I do not want to lose" {
		t.Fatalf("the form lost the notes: %q %v", body, err)
	}
	landsOnErrors(t, ctx, "summary")

	summary := fmt.Sprintf("Called about the missing pallets %d", time.Now().UnixNano())
	var timeline string
	err = chromedp.Run(ctx,
		chromedp.SetValue(`#channel`, "phone"),
		chromedp.SetValue(`#outcome`, "positive"),
		chromedp.SendKeys(`#summary`, summary),
		chromedp.Click(`//button[text()="Log it"]`),
		chromedp.WaitVisible(`p.notice[role="status"]`),
		chromedp.Text(`ol.timeline`, &timeline),
	)
	if err != nil {
		t.Fatalf("logging the interaction: %v", err)
	}
	if !strings.Contains(timeline, summary) {
		t.Fatalf("the new interaction is not on the timeline:\n%s", timeline)
	}
	screenshot(t, ctx, "account-timeline")
	twoColumns(t, ctx, "the account page with an open case")

	err = chromedp.Run(ctx,
		chromedp.Click(`//nav[@aria-label="Timeline filter"]/a[text()="Service"]`),
		chromedp.WaitVisible(`//nav[@aria-label="Timeline filter"]/a[text()="Service"][@aria-current="page"]`),
		chromedp.Text(`ol.timeline`, &timeline),
	)
	if err != nil {
		t.Fatalf("service filter: %v", err)
	}
	if strings.Contains(timeline, summary) {
		t.Fatalf("a sales call shows under the service filter")
	}

	// Sam corrects the call he logged, then removes it: the timeline says both.
	corrected := summary + " (they were short by six)"
	err = chromedp.Run(ctx,
		chromedp.Click(`//nav[@aria-label="Timeline filter"]/a[text()="Everyone"]`),
		chromedp.Click(`//p[@class="summary"][starts-with(text(),"`+summary+`")]/a[text()="Edit"]`),
		chromedp.WaitVisible(`#summary`),
		chromedp.SetValue(`#summary`, corrected),
		chromedp.SetValue(`#outcome`, "negative"),
		chromedp.Click(`//button[text()="Save"]`),
		chromedp.WaitVisible(`//p[text()="Interaction corrected."]`),
		chromedp.Text(`ol.timeline`, &timeline),
	)
	if err != nil {
		t.Fatalf("correcting the interaction: %v", err)
	}
	if !strings.Contains(timeline, "Interaction updated: "+corrected) || !strings.Contains(timeline, "outcome: positive → negative") {
		t.Fatalf("the correction is not on the timeline:\n%s", timeline)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`//p[@class="summary"][starts-with(text(),"`+corrected+`")]/a[text()="Edit"]`),
		chromedp.Click(`//button[text()="Remove this interaction"]`),
		chromedp.WaitVisible(`//p[text()="Interaction removed."]`),
		chromedp.Text(`ol.timeline`, &timeline),
	)
	if err != nil {
		t.Fatalf("removing the interaction: %v", err)
	}
	if !strings.Contains(timeline, "Interaction deleted: "+corrected) || strings.Contains(timeline, corrected+" Edit") {
		t.Fatalf("the removal is not on the timeline:\n%s", timeline)
	}

	err = chromedp.Run(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(`#signals`), chromedp.Text(`main`, &timeline))
	if err != nil || !strings.Contains(timeline, "Tailspin Toys") || !strings.Contains(timeline, "Northwind Traders") {
		t.Fatalf("home does not show the story's signals: %v\n%s", err, timeline)
	}
	// Each open case says whose it is and which deadline comes next.
	if !strings.Contains(timeline, "Pallets arrived short by four units at Northwind Traders") ||
		!regexp.MustCompile(`(first reply|resolution) (due in|overdue by) `).MatchString(timeline) {
		t.Fatalf("home's open cases lack the account or the next deadline:\n%s", timeline)
	}
	screenshot(t, ctx, "home")
}

func signIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, email),
		chromedp.SendKeys(`#password`, "tandem-demo-2026"),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`#signals`),
	)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
}

func TestNewAccountWarnsOfDuplicates(t *testing.T) {
	base := serve(t, "--demo")
	ctx := browser(t)
	signIn(t, ctx, base, "sue@example.com")

	var text string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/accounts"),
		chromedp.Click(`//a[text()="New account"]`),
		chromedp.WaitVisible(`#name`),
		chromedp.SendKeys(`#name`, "Northwind Traders LLC"),
		chromedp.SendKeys(`#phone`, "12"),
		chromedp.Click(`//button[text()="Create account"]`),
		chromedp.WaitVisible(`#phone-error`),
	)
	if err != nil {
		t.Fatalf("a bad phone was not refused: %v", err)
	}
	err = chromedp.Run(ctx,
		chromedp.Clear(`#phone`),
		chromedp.Click(`//button[text()="Create account"]`),
		chromedp.WaitVisible(`#duplicates`),
		chromedp.Text(`#duplicates`, &text),
	)
	if err != nil || !strings.Contains(text, "Northwind Traders") || !strings.Contains(text, "same name") {
		t.Fatalf("no duplicate warning naming Northwind Traders: %v %q", err, text)
	}
	screenshot(t, ctx, "new-account-duplicate")
	var heading string
	err = chromedp.Run(ctx,
		chromedp.Click(`input[name="allow_duplicate"]`),
		chromedp.Click(`//button[text()="Create account"]`),
		chromedp.WaitVisible(`#summary`),
		chromedp.Text(`h1`, &heading),
	)
	if err != nil || heading != "Northwind Traders LLC" {
		t.Fatalf("save anyway: %q %v", heading, err)
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`//summary[text()="Add a contact"]`),
		chromedp.SendKeys(`#contact_name`, "Rita Ramos"),
		chromedp.SendKeys(`#contact_email`, "rita@northwind-llc.example"),
		chromedp.Click(`//button[text()="Add contact"]`),
		chromedp.WaitVisible(`//a[text()="Rita Ramos"]`),
	)
	if err != nil {
		t.Fatalf("add contact: %v", err)
	}
}

// TestCrossOriginFormIsRefused posts the log-interaction form from a page
// on another origin with the victim's session cookie.
func TestCrossOriginFormIsRefused(t *testing.T) {
	base := serve(t, "--demo")
	ctx := browser(t)
	signIn(t, ctx, base, "sam@example.com")
	var accountURL string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/accounts?q=contoso"),
		chromedp.Click(`//a[text()="Contoso"]`),
		chromedp.WaitVisible(`#summary`),
		chromedp.Location(&accountURL),
	); err != nil {
		t.Fatal(err)
	}
	// Another site on another port (another origin) hosts a form aimed at Tandem.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := strings.Split(accountURL, "#")[0] + "/interactions"
	evil := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s">
<input name="channel" value="phone"><input name="direction" value="in"><input name="summary" value="forged by another site">
</form><script>document.getElementById("f").submit()</script>`, target)
	})}
	go evil.Serve(l)
	t.Cleanup(func() { evil.Close() })
	var body string
	if err := chromedp.Run(ctx,
		chromedp.Navigate("http://localhost:"+strings.Split(l.Addr().String(), ":")[1]+"/"),
		chromedp.Sleep(1500*time.Millisecond),
		chromedp.Text(`body`, &body),
	); err != nil {
		t.Fatal(err)
	}
	var timeline string
	if err := chromedp.Run(ctx, chromedp.Navigate(accountURL), chromedp.WaitVisible(`ol.timeline`), chromedp.Text(`ol.timeline`, &timeline)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(timeline, "forged by another site") {
		t.Fatalf("a cross-origin form post was accepted")
	}
	if !strings.Contains(strings.ToLower(body), "cross-origin") && !strings.Contains(strings.ToLower(body), "forbidden") {
		t.Fatalf("the forged post was not refused visibly: %q", body)
	}
}

// TestDeactivatedUserIsSignedOut deactivates a user while their browser is
// signed in; their next click lands on the login page.
func TestDeactivatedUserIsSignedOut(t *testing.T) {
	base := serve(t, "--demo")
	sam := browser(t)
	signIn(t, sam, base, "sam@example.com")
	ada := browser(t)
	signIn(t, ada, base, "ada@example.com")
	if err := chromedp.Run(ada,
		chromedp.Navigate(base+"/admin/users"),
		chromedp.Click(`//button[text()="Deactivate Sam Seller"]`),
		chromedp.WaitVisible(`#confirm`),
		chromedp.Click(`#confirm`),
		chromedp.WaitVisible(`//button[text()="Reactivate Sam Seller"]`),
	); err != nil {
		t.Fatalf("deactivating: %v", err)
	}
	screenshot(t, ada, "admin-users")
	var loc string
	if err := chromedp.Run(sam,
		chromedp.Click(`//nav[@aria-label="Main"]/a[text()="Accounts"]`),
		chromedp.WaitVisible(`#password`),
		chromedp.Location(&loc),
	); err != nil {
		t.Fatalf("the deactivated user's next click: %v", err)
	}
	if !strings.Contains(loc, "/login") {
		t.Fatalf("want the login page, got %s", loc)
	}
}

// TestOwnerHearsOfANewCaseWithoutReloading: a service agent opens a case on
// Sam's account through the API; Sam's unread count rises in the open page,
// and the agent works the case to a confirmed close in the browser.
func TestOwnerHearsOfANewCaseWithoutReloading(t *testing.T) {
	base := serve(t, "--demo")
	sam := browser(t)
	signIn(t, sam, base, "sam@example.com")
	var before string
	if err := chromedp.Run(sam, chromedp.Text(`#unread-count`, &before)); err != nil {
		t.Fatal(err)
	}

	// Val opens a case at Northwind through the API with her session.
	val := browser(t)
	signIn(t, val, base, "val@example.com")
	var accountURL string
	if err := chromedp.Run(val,
		chromedp.Navigate(base+"/accounts?q=northwind"),
		chromedp.Click(`//a[text()="Northwind Traders"]`),
		chromedp.WaitVisible(`//a[text()="Open a case"]`),
		chromedp.Click(`//a[text()="Open a case"]`),
		chromedp.WaitVisible(`#subject`),
		chromedp.SendKeys(`#subject`, "Pallets arrived short by four units"),
		chromedp.SetValue(`#priority`, "urgent"),
		chromedp.Click(`//button[text()="Open case"]`),
		chromedp.WaitVisible(`#sla-state`),
		chromedp.Location(&accountURL),
	); err != nil {
		t.Fatalf("opening a case: %v", err)
	}

	// Without a reload, Sam's count goes up within a few seconds.
	deadline := time.Now().Add(10 * time.Second)
	var after string
	for {
		if err := chromedp.Run(sam, chromedp.Text(`#unread-count`, &after)); err != nil {
			t.Fatal(err)
		}
		if after != before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the unread count stayed at %s", before)
		}
		time.Sleep(250 * time.Millisecond)
	}
	b, _ := strconv.Atoi(before)
	a, _ := strconv.Atoi(after)
	if a != b+1 {
		t.Fatalf("unread went from %s to %s", before, after)
	}
	var inbox string
	if err := chromedp.Run(sam, chromedp.Click(`#inbox-link`), chromedp.WaitVisible(`.worklist`), chromedp.Text(`.worklist`, &inbox)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(inbox, "Pallets arrived short by four units") {
		t.Fatalf("inbox: %s", inbox)
	}
	screenshot(t, sam, "inbox")
	var unread string
	if err := chromedp.Run(sam,
		chromedp.Click(`//button[text()="Mark all read"]`),
		chromedp.WaitNotPresent(`.worklist li.unread`),
		chromedp.Text(`#unread-count`, &unread),
	); err != nil || unread != "0" {
		t.Fatalf("mark all read: %v, %q unread", err, unread)
	}

	// Val works the case: resolve without a solution is refused, with one it resolves, then it closes confirmed.
	var status string
	if err := chromedp.Run(val,
		chromedp.Click(`//button[text()="Mark open (working on it)"]`),
		chromedp.WaitNotPresent(`//button[text()="Mark open (working on it)"]`),
		chromedp.WaitVisible(`//button[text()="Resolve"]`),
		chromedp.Click(`//button[text()="Resolve"]`),
		chromedp.WaitVisible(`#solution-error`),
		chromedp.SendKeys(`#solution`, "Sent the four missing units by courier"),
		chromedp.Click(`//button[text()="Resolve"]`),
		chromedp.WaitVisible(`//button[text()="Close"]`),
		chromedp.Click(`input[name="confirmed"][value="yes"]`),
		chromedp.Click(`//button[text()="Close"]`),
		chromedp.WaitVisible(`//strong[text()="confirmed by the customer"]`),
		chromedp.Text(`#sla-state`, &status),
	); err != nil {
		screenshot(t, val, "case-failure")
		t.Fatalf("working the case: %v", err)
	}
	if status != "Met" {
		t.Fatalf("SLA after a quick resolution: %q", status)
	}
	if err := chromedp.Run(val,
		chromedp.SendKeys(`#comment-body`, "Courier tracking: the four units arrive on Thursday morning; the customer's receiving team has been told and will count them at the dock."),
		chromedp.Click(`//button[text()="Add comment"]`),
		chromedp.WaitVisible(`article.comment`),
	); err != nil {
		t.Fatalf("commenting: %v", err)
	}
	screenshot(t, val, "case")
	twoColumns(t, val, "the case page with a comment")
	var heading string
	if err := chromedp.Run(val, chromedp.Text(`h1`, &heading)); err != nil {
		t.Fatal(err)
	}
	number := strings.Fields(heading)[0] // "#1121"
	var queue string
	if err := chromedp.Run(val, chromedp.Navigate(base+"/cases?view=closed"), chromedp.WaitVisible(`table.list`), chromedp.Text(`table.list`, &queue)); err != nil || !strings.Contains(queue, "Pallets arrived short") {
		t.Fatalf("the closed case is not in the closed queue: %v %s", err, queue)
	}

	// Sam reads on the account's timeline what became of the case, and follows it there.
	var timeline string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/accounts?q=northwind"),
		chromedp.Click(`//a[text()="Northwind Traders"]`),
		chromedp.WaitVisible(`ol.timeline`),
		chromedp.Text(`ol.timeline`, &timeline),
	); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Case " + number + " opened — Pallets arrived short by four units · Val Service", "Case " + number + " closed — Pallets"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline does not say %q:\n%s", want, timeline)
		}
	}
	if err := chromedp.Run(sam,
		chromedp.Click(`//ol[@class="timeline"]//a[starts-with(text(),"Case `+number+` closed")]`),
		chromedp.WaitVisible(`//strong[text()="confirmed by the customer"]`),
	); err != nil {
		t.Fatalf("following the case from the timeline: %v", err)
	}
}

// TestCustomerConfirmsFromTheEmail: an agent resolves a case; the contact
// gets an email over SMTP with a link, opens it in a browser, and says
// yes; the agent sees the case closed, confirmed by the customer.
func TestCustomerConfirmsFromTheEmail(t *testing.T) {
	smtp := mailtest.Start(t)
	base := serve(t, "--demo", "--smtp", smtp.URL, "--mail-from", "service@tandem.example")
	val := browser(t)
	signIn(t, val, base, "val@example.com")
	var contact string
	if err := chromedp.Run(val,
		chromedp.Navigate(base+"/accounts?q=contoso"),
		chromedp.Click(`//a[starts-with(text(),"Contoso")]`),
		chromedp.WaitVisible(`//a[text()="Open a case"]`),
		chromedp.Click(`//a[text()="Open a case"]`),
		chromedp.WaitVisible(`#subject`),
		chromedp.SendKeys(`#subject`, "Cannot sign in to the portal"),
		chromedp.Evaluate(`(() => { const s = document.querySelector('#contact_id'); s.selectedIndex = 1; return s.options[1].text })()`, &contact),
		chromedp.Click(`//button[text()="Open case"]`),
		chromedp.WaitVisible(`#sla-state`),
		chromedp.Click(`//button[text()="Mark open (working on it)"]`),
		chromedp.WaitNotPresent(`//button[text()="Mark open (working on it)"]`), // the moved case's page, not the one before
		chromedp.WaitVisible(`#solution`),
		chromedp.SendKeys(`#solution`, "Reset the portal password and sent a new invitation"),
		chromedp.Click(`//button[text()="Resolve"]`),
		chromedp.WaitVisible(`#asked`),
	); err != nil {
		screenshot(t, val, "resolve-failure")
		t.Fatalf("resolving: %v", err)
	}
	got := waitFor(t, smtp, "is your problem solved")
	link := regexp.MustCompile(`http://\S+/r/\S+`).FindString(got.Body)
	if link == "" || !strings.Contains(got.Body, "Reset the portal password") {
		t.Fatalf("the customer's email: %+v", got)
	}

	customer := browser(t) // on a phone, as most customers read their email
	var thanks string
	if err := chromedp.Run(customer,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#answer-yes`),
	); err != nil {
		t.Fatalf("opening the link: %v", err)
	}
	if n := overflow(t, customer); n > 0 {
		t.Errorf("the answer page is %dpx wider than a phone's screen", n)
	}
	screenshot(t, customer, "customer-answer")
	if err := chromedp.Run(customer,
		chromedp.Click(`#answer-yes`),
		chromedp.WaitVisible(`.notice`),
		chromedp.Text(`.notice`, &thanks),
	); err != nil {
		t.Fatalf("answering: %v", err)
	}
	if !strings.Contains(thanks, "Thank you for confirming") {
		t.Fatalf("after yes: %q", thanks)
	}
	if err := chromedp.Run(val, chromedp.Reload(), chromedp.WaitVisible(`//strong[text()="confirmed by the customer"]`)); err != nil {
		t.Fatalf("the agent does not see the confirmation: %v", err)
	}
}

// waitFor waits for a message whose subject holds s.
func waitFor(t *testing.T, smtp *mailtest.Server, s string) mailtest.Received {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range smtp.Messages() {
			if strings.Contains(m.Subject, s) {
				return m
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no message about %q among %+v", s, smtp.Messages())
	return mailtest.Received{}
}

// TestManagerEditsServiceSettings: a manager changes a target, a wrong
// one is shown beside its field with what was typed kept, a right one is
// saved; the confirmation rates of the demo book are on the same page.
func TestManagerEditsServiceSettings(t *testing.T) {
	base := serve(t, "--demo")
	mia := browser(t)
	signIn(t, mia, base, "mia@example.com")
	var problem, kept, rates string
	if err := chromedp.Run(mia,
		chromedp.Navigate(base+"/cases"),
		chromedp.Click(`#service-settings`),
		chromedp.WaitVisible(`#rates-agent`),
		chromedp.Text(`#rates-agent`, &rates),
		chromedp.SetValue(`input[name="targets.urgent.first_response"]`, "soon"),
		chromedp.Click(`//button[text()="Save SLA targets"]`),
		chromedp.WaitVisible(`td.invalid .field-error`),
		chromedp.Text(`td.invalid .field-error`, &problem),
		chromedp.Value(`input[name="targets.urgent.first_response"]`, &kept),
	); err != nil {
		screenshot(t, mia, "service-failure")
		t.Fatalf("a wrong target: %v", err)
	}
	if !strings.Contains(problem, "not a positive duration") || kept != "soon" {
		t.Fatalf("problem %q, kept %q", problem, kept)
	}
	if !strings.Contains(rates, "Val Service") {
		t.Fatalf("confirmation rates: %q", rates)
	}
	screenshot(t, mia, "service-settings-error")
	landsOnErrors(t, mia, "targets.urgent.first_response")
	var notice, saved string
	if err := chromedp.Run(mia,
		chromedp.SetValue(`input[name="targets.urgent.first_response"]`, "45m"),
		chromedp.Click(`//button[text()="Save SLA targets"]`),
		chromedp.WaitVisible(`p.notice[role="status"]`),
		chromedp.Text(`p.notice[role="status"]`, &notice),
		chromedp.Value(`input[name="targets.urgent.first_response"]`, &saved),
	); err != nil {
		t.Fatalf("saving: %v", err)
	}
	if !strings.Contains(notice, "SLA policy saved") || saved != "45m" {
		t.Fatalf("after saving: %q %q", notice, saved)
	}
}

// TestPagesFitAPhone: on a phone's screen no page is wider than the
// screen; wide tables scroll inside themselves, the menu folds away, and
// neither the search page nor the page for an unknown address is wider.
func TestPagesFitAPhone(t *testing.T) {
	base := serve(t, "--demo")
	ctx := browser(t)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	signIn(t, ctx, base, "ada@example.com")
	var account, contact, kase string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/accounts?q=northwind"),
		chromedp.AttributeValue(`//a[text()="Northwind Traders"]`, "href", &account, nil),
		chromedp.Click(`//a[text()="Northwind Traders"]`),
		chromedp.AttributeValue(`a[href^="/contacts/"]`, "href", &contact, nil),
		chromedp.Navigate(base+"/cases"),
		chromedp.AttributeValue(`table.list tbody a`, "href", &kase, nil),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/accounts", "/accounts/new", account, account + "/edit", contact, contact + "/edit", "/cases", "/cases/new", kase,
		"/inbox", "/audit", "/admin/users", "/settings", "/settings/service", "/search?q=north", "/no/such/page",
		"/tasks", "/deals", "/deals/board", "/products", "/competitors", "/promises", "/promises/measures", "/promises/grace",
		"/policies", "/promotions", "/goodwill", "/surveys", "/surveys/results", "/surveys/results/answers"} {
		if err := chromedp.Run(ctx, chromedp.Navigate(base+path), chromedp.WaitReady(`main`)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if n := overflow(t, ctx); n > 0 {
			t.Errorf("%s is %dpx wider than a phone's screen", path, n)
		}
	}
	chromedp.Run(ctx, chromedp.Navigate(base+"/cases"), chromedp.WaitReady(`main`))
	screenshot(t, ctx, "phone-cases")
	// Each role's home on a phone, and at desktop width.
	for _, who := range []struct{ email, role string }{{"sam@example.com", "sales"}, {"val@example.com", "service"}, {"mia@example.com", "manager"}} {
		phone := browser(t)
		if err := chromedp.Run(phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
		signIn(t, phone, base, who.email)
		if n := overflow(t, phone); n > 0 {
			t.Errorf("%s's home is %dpx wider than a phone's screen", who.role, n)
		}
		screenshot(t, phone, "phone-home-"+who.role)
	}
	desk := browser(t)
	signIn(t, desk, base, "sam@example.com")
	screenshot(t, desk, "home-sales")
}

// overflow is how many pixels the page is wider than the window.
func overflow(t *testing.T, ctx context.Context) int {
	t.Helper()
	var n int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &n)); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestEditAccount: the owner edits an account; a bad value is shown beside
// its field with what was typed kept; a manager's save meanwhile to another
// field is kept beside the owner's; a save to the same field is not lost
// without a word; the timeline says what changed.
func TestEditAccount(t *testing.T) {
	base := serve(t, "--demo")
	sam, mia := browser(t), browser(t)
	signIn(t, sam, base, "sam@example.com")
	signIn(t, mia, base, "mia@example.com")
	var edit, tier string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/accounts?q=northwind"),
		chromedp.Click(`//a[text()="Northwind Traders"]`),
		chromedp.Click(`//a[text()="Edit"]`),
		chromedp.WaitVisible(`#tier`),
		chromedp.Location(&edit),
		chromedp.SetValue(`#tier`, "gold"),
		chromedp.SetValue(`#phone`, "call me maybe"),
		chromedp.Click(`//button[text()="Save"]`),
		chromedp.WaitVisible(`#phone-error`),
		chromedp.Value(`#tier`, &tier),
	); err != nil || tier != "gold" {
		t.Fatalf("a bad phone number: %v, tier kept as %q", err, tier)
	}
	var noOwnerChoice bool
	if err := chromedp.Run(sam, chromedp.Evaluate(`document.querySelector('#owner_id') === null`, &noOwnerChoice)); err != nil || !noOwnerChoice {
		t.Fatalf("a salesperson is offered to change the owner: %v", err)
	}

	// Mia, a manager, may choose the owner; she changes the domain meanwhile.
	if err := chromedp.Run(mia,
		chromedp.Navigate(edit),
		chromedp.WaitVisible(`#owner_id`),
		chromedp.SetValue(`#domain`, "northwind-traders.example"),
		chromedp.Click(`//button[text()="Save"]`),
		chromedp.WaitVisible(`//p[text()="Account saved."]`),
	); err != nil {
		t.Fatalf("the manager's edit: %v", err)
	}
	var timeline string
	if err := chromedp.Run(sam,
		chromedp.SetValue(`#phone`, "+1 771 555 0199"),
		chromedp.Click(`//button[text()="Save"]`),
		chromedp.WaitVisible(`//p[text()="Account saved."]`),
		chromedp.Text(`ol.timeline`, &timeline),
	); err != nil {
		t.Fatalf("saving beside the manager's edit: %v", err)
	}
	for _, want := range []string{"tier: silver → gold", "phone: +1 771 555 0100 → +1 771 555 0199", "domain: northwindtraders.example → northwind-traders.example"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline does not show %q:\n%s", want, timeline)
		}
	}

	// Both change the tier: Sam is told, and his second save is his choice.
	var warning string
	if err := chromedp.Run(sam, chromedp.Navigate(edit), chromedp.WaitVisible(`#tier`), chromedp.SetValue(`#tier`, "silver")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(mia, chromedp.Navigate(edit), chromedp.WaitVisible(`#tier`), chromedp.SetValue(`#tier`, "vip"),
		chromedp.Click(`//button[text()="Save"]`), chromedp.WaitVisible(`//p[text()="Account saved."]`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(sam,
		chromedp.Click(`//button[text()="Save"]`),
		chromedp.WaitVisible(`#version-error`),
		chromedp.Text(`#version-error`, &warning),
		chromedp.Value(`#tier`, &tier),
	); err != nil || !strings.Contains(warning, `tier is now "vip"`) || tier != "silver" {
		t.Fatalf("a clash on the tier: %v %q, typed %q", err, warning, tier)
	}
	screenshot(t, sam, "account-edit-clash")
	var shown string
	if err := chromedp.Run(sam,
		chromedp.Click(`//button[text()="Save"]`),
		chromedp.WaitVisible(`//p[text()="Account saved."]`),
		chromedp.Text(`header.record .tier`, &shown),
	); err != nil || !strings.EqualFold(shown, "silver") {
		t.Fatalf("the second save: %v, tier shown %q", err, shown)
	}

	// A contact moved on to another role.
	var name, with string
	if err := chromedp.Run(sam,
		chromedp.Click(`#contacts ~ ul a`),
		chromedp.WaitVisible(`//a[text()="Edit"]`),
		chromedp.Text(`h1`, &name),
		chromedp.Click(`//a[text()="Edit"]`),
		chromedp.WaitVisible(`#title`),
		chromedp.SetValue(`#title`, "Head of Purchasing"),
		chromedp.SetValue(`#email`, "not an address"),
		chromedp.Click(`//button[text()="Save"]`),
		chromedp.WaitVisible(`#email-error`),
		chromedp.SetValue(`#email`, "buyer@northwindtraders.example"),
		chromedp.Click(`//button[text()="Save"]`),
		chromedp.WaitVisible(`//p[text()="Contact saved."]`),
		chromedp.Click(`//a[starts-with(text(),"Log an interaction with")]`),
		chromedp.WaitVisible(`#summary`),
		chromedp.Evaluate(`document.querySelector('#contact_id').selectedOptions[0].text`, &with),
		chromedp.Text(`ol.timeline`, &timeline),
	); err != nil {
		t.Fatalf("editing a contact: %v", err)
	}
	if with != name {
		t.Errorf("logging from %s's page, the form is with %q", name, with)
	}
	if !strings.Contains(timeline, "Contact "+name+" updated") || !strings.Contains(timeline, "→ Head of Purchasing") {
		t.Errorf("the timeline does not show the contact's change:\n%s", timeline)
	}
}

// TestTimesAreTheTeams: pages show and read times in the team's time zone
// (the service calendar's), whatever the server's own zone.
func TestTimesAreTheTeams(t *testing.T) {
	base := serve(t, "--demo", "--time-zone", "America/New_York")
	ctx := browser(t)
	signIn(t, ctx, base, "sam@example.com")
	var accountURL, timeline, stored string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/accounts?q=northwind"),
		chromedp.Click(`//a[text()="Northwind Traders"]`),
		chromedp.WaitVisible(`#summary`),
		chromedp.Location(&accountURL),
		chromedp.SetValue(`#occurred_at`, "2026-03-02T14:30"),
		chromedp.SendKeys(`#summary`, "Breakfast meeting in Manhattan"),
		chromedp.Click(`//button[text()="Log it"]`),
		chromedp.WaitVisible(`.notice`),
		chromedp.Text(`ol.timeline`, &timeline),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(timeline, "2 Mar 2026 14:30") {
		t.Errorf("the timeline does not show 14:30 New York time:\n%s", timeline)
	}
	id := strings.TrimPrefix(strings.Split(accountURL, "?")[0], base+"/accounts/")
	err = chromedp.Run(ctx, chromedp.Evaluate(`fetch('/api/v1/interactions?account_id=`+id+`&limit=500').then(r => r.json())
		.then(b => b.items.find(i => i.summary === "Breakfast meeting in Manhattan").occurred_at)`, &stored,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if err != nil || stored != "2026-03-02T19:30:00Z" {
		t.Fatalf("stored as %q (%v), want 2026-03-02T19:30:00Z", stored, err)
	}
}
