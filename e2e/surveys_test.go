package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tandem/internal/mail/mailtest"
	"tandem/internal/survey"
)

// apiCall sends a JSON request with the client's session and decodes
// the answer into out.
func apiCall(t *testing.T, c *http.Client, method, u, body string, want int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != want {
		var b strings.Builder
		json.NewDecoder(res.Body).Decode(&map[string]any{})
		t.Fatalf("%s %s: %d, want %d %s", method, u, res.StatusCode, want, b.String())
	}
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCustomerSaysNoToTheSurvey: Sam sends Contoso the follow-up survey;
// the invitation arrives over SMTP; the customer follows its link on a
// phone and answers "no" to "Have we delivered as promised?"; Sam's
// inbox has the survey_problem notification and the case it opened.
func TestCustomerSaysNoToTheSurvey(t *testing.T) {
	smtp := mailtest.Start(t)
	base := serve(t, "--demo", "--smtp", smtp.URL, "--mail-from", "service@tandem.example")
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	apiCall(t, c, "POST", base+"/api/v1/session", `{"email":"sam@example.com","password":"tandem-demo-2026"}`, 200, nil)
	var accs struct {
		Items []struct{ ID, Name string } `json:"items"`
	}
	apiCall(t, c, "GET", base+"/api/v1/accounts?q="+url.QueryEscape("Tailspin"), "", 200, &accs)
	if len(accs.Items) == 0 {
		t.Fatal("no Tailspin")
	}
	var cts struct {
		Items []struct{ ID, Name, Email string } `json:"items"`
	}
	apiCall(t, c, "GET", base+"/api/v1/contacts?account_id="+accs.Items[0].ID, "", 200, &cts)
	contact := ""
	for _, ct := range cts.Items {
		if ct.Email != "" {
			contact = ct.ID
			break
		}
	}
	if contact == "" {
		t.Fatalf("no contact with email at %s: %+v", accs.Items[0].Name, cts)
	}
	var inv struct {
		URL        string  `json:"url"`
		Channel    string  `json:"channel"`
		AnsweredAt *string `json:"answered_at"`
	}
	apiCall(t, c, "POST", base+"/api/v1/surveys/"+survey.FollowUpID+"/send", `{"contact_id":"`+contact+`","trigger":"order_delivered"}`, 201, &inv)
	if inv.Channel != "email" || !strings.HasPrefix(inv.URL, base+"/s/") || inv.AnsweredAt != nil { // not 0001-01-01 while open
		t.Fatalf("invitation %+v", inv)
	}

	got := waitFor(t, smtp, "three questions")
	link := regexp.MustCompile(`http://\S+/s/\S+`).FindString(got.Body)
	if link != inv.URL || !strings.Contains(got.Body, "Have we delivered as promised?") {
		t.Fatalf("the invitation: %+v", got)
	}

	customer := browser(t)
	if err := chromedp.Run(customer,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#survey-send`),
	); err != nil {
		t.Fatalf("opening the link: %v", err)
	}
	if n := overflow(t, customer); n > 0 {
		t.Errorf("the survey page is %dpx wider than a phone's screen", n)
	}
	screenshot(t, customer, "survey")
	// First without an NPS: the page says so beside it and keeps the rest.
	if err := chromedp.Run(customer,
		chromedp.Click(`#as_expected-yes`),
		chromedp.Click(`#delivered_as_promised-no`),
		chromedp.Click(`#met_expectations-yes`),
		chromedp.SendKeys(`#comment`, "The pallets came two days late."),
		chromedp.Click(`#survey-send`),
		chromedp.WaitVisible(`#nps-error`),
	); err != nil {
		screenshot(t, customer, "survey-failure")
		t.Fatalf("answering without NPS: %v", err)
	}
	var kept bool
	if err := chromedp.Run(customer, chromedp.Evaluate(`document.querySelector('#delivered_as_promised-no').checked`, &kept)); err != nil || !kept {
		t.Fatalf("the answer was not kept: %v %v", kept, err)
	}
	var thanks string
	if err := chromedp.Run(customer,
		chromedp.Click(`#nps-4`),
		chromedp.Click(`#survey-send`),
		chromedp.WaitVisible(`#survey-thanks`),
		chromedp.Text(`#survey-thanks`, &thanks),
	); err != nil {
		screenshot(t, customer, "survey-failure")
		t.Fatalf("answering: %v", err)
	}
	if !strings.Contains(thanks, "someone is already on it") {
		t.Errorf("thanks: %q", thanks)
	}

	sam := browser(t)
	signIn(t, sam, base, "sam@example.com")
	var inbox, caseText string
	if err := chromedp.Run(sam,
		chromedp.Navigate(base+"/inbox"),
		chromedp.WaitVisible(`.worklist`),
		chromedp.Text(`.worklist`, &inbox),
		chromedp.Click(`(//button[contains(., "Tailspin") and contains(., "answered the follow-up survey")])[1]`),
		chromedp.WaitVisible(`#sla-state`),
		chromedp.Text(`main`, &caseText),
	); err != nil {
		screenshot(t, sam, "survey-inbox-failure")
		t.Fatalf("Sam's inbox: %v\n%s", err, inbox)
	}
	if !strings.Contains(inbox, "no to “Have we delivered as promised?”") {
		t.Errorf("inbox: %s", inbox)
	}
	if !strings.Contains(caseText, "follow-up problem") || !strings.Contains(caseText, "The pallets came two days late.") {
		t.Errorf("the case: %s", caseText)
	}
	screenshot(t, sam, "survey-case")
}
