package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/server"
	"tandem/internal/survey"
)

// TestSurveyPage: the customer's page asks every question with a
// fieldset per choice, keeps the answers beside each message, thanks the
// customer, and after that says kindly that the link was used.
func TestSurveyPage(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		inv, err := x.a.SendSurvey(context.Background(), x.admin, survey.FollowUpID, x.contact.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		path := inv.URL[strings.Index(inv.URL, "/s/"):]
		status, page := x.get(path)
		for _, want := range []string{`<legend>Have we delivered as promised?`, `name="delivered_as_promised" id="delivered_as_promised-no" value="no"`,
			`id="nps-10" value="10"`, `<label for="comment">`, `novalidate`} {
			if status != 200 || !strings.Contains(page, want) {
				t.Errorf("GET %s: %d, no %q", path, status, want)
			}
		}
		status, page = x.post(path, url.Values{"as_expected": {"yes"}, "delivered_as_promised": {"no"}, "nps": {"12"}, "comment": {"Late\nagain"}}.Encode())
		for _, want := range []string{`id="error-summary"`, `id="nps-error"`, `id="met_expectations-error"`, `id="delivered_as_promised-no" value="no" checked`,
			"Late\nagain"} {
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, want) {
				t.Errorf("bad answers: %d, no %q", status, want)
			}
		}
		if strings.Contains(page, `id="as_expected-error"`) {
			t.Error("a good answer is marked")
		}
		// A comment too long does not hide a question left out: both are marked at once.
		status, page = x.post(path, url.Values{"as_expected": {"yes"}, "delivered_as_promised": {"no"}, "nps": {"8"},
			"comment": {strings.Repeat("late ", 500)}}.Encode())
		for _, want := range []string{`id="comment-error">the answer must be at most 2000 characters`, `id="met_expectations-error">please answer`} {
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, want) {
				t.Errorf("a long comment and a missing answer: %d, no %q", status, want)
			}
		}
		status, page = x.post(path, url.Values{"as_expected": {"yes"}, "delivered_as_promised": {"no"}, "met_expectations": {"yes"}, "nps": {"8"}}.Encode())
		if status != 200 || !strings.Contains(page, `id="survey-thanks"`) {
			t.Errorf("answer: %d %.400s", status, page)
		}
		status, page = x.get(path)
		if status != http.StatusGone || !strings.Contains(page, "answered already") {
			t.Errorf("used link: %d %.400s", status, page)
		}
		// A forged link tells the customer what to do, not the signed-in 404.
		if status, page := x.get(path[:len(path)-2] + "xx"); status != http.StatusNotFound || !strings.Contains(page, `id="survey-broken"`) || strings.Contains(page, "Back to today") {
			t.Errorf("forged link: %d %.400s", status, page)
		}
		if status, page := x.post(path[:len(path)-2]+"xx", url.Values{"nps": {"8"}}.Encode()); status != http.StatusNotFound || !strings.Contains(page, `id="survey-broken"`) {
			t.Errorf("answers to a forged link: %d %.400s", status, page)
		}
	})
}

// TestSentSurveyLinkIsWhole: the link the contact page offers to paste
// into a chat is a whole address: the public one when email is set up,
// else the one the page was reached at.
func TestSentSurveyLinkIsWhole(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		noEmail := httptest.NewServer(server.New(app.New(x.s), slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{}))
		defer noEmail.Close()
		for base, want := range map[string]string{x.srv.URL: `<a href="https://tandem.example/s/`, noEmail.URL: `<a href="` + noEmail.URL + `/s/`} {
			inv, err := x.a.SendSurvey(context.Background(), x.admin, survey.FollowUpID, x.contact.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodGet, base+"/contacts/"+x.contact.ID+"?survey="+inv.ID, nil)
			req.AddCookie(&http.Cookie{Name: "tandem_session", Value: x.cookie})
			status, page := x.send(req)
			i := strings.Index(page, `id="survey-sent"`)
			if status != 200 || i < 0 {
				t.Fatalf("contact page: %d, no survey-sent notice", status)
			}
			notice := page[i:]
			notice = notice[:strings.Index(notice, "</p>")]
			if !strings.Contains(notice, want) {
				t.Errorf("the link to paste is not %s…: %s", want, notice)
			}
		}
	})
}

// TestFollowUpFormIsTheOwners: the admin records a follow-up's answers;
// a seller who owns neither the follow-up nor its account sees who does
// instead of the form, and is refused when posting them anyway; nothing
// is recorded.
func TestFollowUpFormIsTheOwners(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		ctx := context.Background()
		sue, _, err := x.a.AddUser(ctx, access.System, app.NewUser{Email: "sue@example.com", Name: "Sue", Role: "sales"})
		if err != nil {
			t.Fatal(err)
		}
		acc, err := x.a.CreateAccount(ctx, x.admin, customer.Account{Name: "Sue's own", OwnerID: sue.ID}, true)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x.a.OpenCase(ctx, x.admin, cases.Case{AccountID: acc.ID, Subject: "Late"})
		if err != nil {
			t.Fatal(err)
		}
		fu, err := x.a.RunFollowUp(ctx, survey.CaseClosed, "case", c.ID)
		if err != nil || fu.ID == "" {
			t.Fatal(fu, err)
		}
		path := "/follow-ups/" + fu.ID
		if status, page := x.get(path); status != 200 || !strings.Contains(page, `id="record-answers"`) {
			t.Fatalf("the owner's follow-up: %d, no form", status)
		}
		cookie := session(x.t, x.s, x.user.ID, x.a.Now())
		as := func(method, path, body string) (int, string) {
			req, _ := http.NewRequest(method, x.srv.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "tandem_session", Value: cookie})
			return x.send(req)
		}
		status, page := as(http.MethodGet, path, "")
		if status != 200 || strings.Contains(page, `id="record-answers"`) || !strings.Contains(page, `id="follow-up-not-yours"`) || !strings.Contains(page, "Sue, the account's owner, or a manager records") {
			t.Errorf("another seller's view: %d %s", status, page[strings.Index(page, "<main"):])
		}
		answers := url.Values{"as_expected": {"yes"}, "delivered_as_promised": {"yes"}, "met_expectations": {"yes"}, "nps": {"8"}}.Encode()
		if status, _ := as(http.MethodPost, path+"/answers", answers); status != http.StatusForbidden {
			t.Errorf("another seller's answers: %d", status)
		}
		if got, _ := x.a.FollowUp(context.Background(), x.admin, fu.ID); got.ResponseID != "" {
			t.Errorf("the refused answers were recorded: %+v", got)
		}
	})
}

// TestAccountPageListsFollowUps: the account page lists its follow-ups
// with who was asked, waiting until answered, then what came of it.
func TestAccountPageListsFollowUps(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		path := "/accounts/" + x.account.ID
		if _, page := x.get(path); !strings.Contains(page, `id="follow-ups-section"`) || !strings.Contains(page, "No follow-up yet") {
			t.Fatal("no empty follow-ups section")
		}
		c, err := x.a.OpenCase(context.Background(), x.admin, cases.Case{AccountID: x.account.ID, ContactID: x.contact.ID, Subject: "Late"})
		if err != nil {
			t.Fatal(err)
		}
		fu, err := x.a.RunFollowUp(context.Background(), survey.CaseClosed, "case", c.ID)
		if err != nil || fu.ID == "" {
			t.Fatal(fu, err)
		}
		_, page := x.get(path)
		item := between(page, `id="follow-up-`+fu.ID+`"`, "</li>")
		for _, want := range []string{`href="/follow-ups/` + fu.ID + `"`, "Case closed", "Lee Chen", "waiting for the answers; the survey was sent"} {
			if !strings.Contains(item, want) {
				t.Errorf("waiting follow-up: no %q in %s", want, item)
			}
		}
		answers := url.Values{"as_expected": {"yes"}, "delivered_as_promised": {"no"}, "met_expectations": {"yes"}, "nps": {"8"}}.Encode()
		if status, _ := x.post("/follow-ups/"+fu.ID+"/answers", answers); status != http.StatusSeeOther {
			t.Fatalf("record: %d", status)
		}
		_, page = x.get(path)
		if item := between(page, `id="follow-up-`+fu.ID+`"`, "</li>"); !strings.Contains(item, "by phone: a <a href=\"/cases/") {
			t.Errorf("answered follow-up: %s", item)
		}
	})
}

// between is the part of s from the first start to the next end.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

// TestContactPageSaysWhenRecentlyAsked: before a rep sends a survey by
// hand, the contact page says the contact was sent one within the
// fatigue limit; the API's answer to a send says so too.
func TestContactPageSaysWhenRecentlyAsked(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		path := "/contacts/" + x.contact.ID
		if _, page := x.get(path); strings.Contains(page, `id="survey-recent"`) {
			t.Fatal("a contact never asked is said to be asked recently")
		}
		first, err := x.a.SendSurvey(context.Background(), x.admin, survey.FollowUpID, x.contact.ID, "", "")
		if err != nil || first.RecentlyAsked != "" {
			t.Fatalf("first send: %+v %v", first, err)
		}
		_, page := x.get(path)
		if note := between(page, `id="survey-recent"`, "</p>"); !strings.Contains(note, "Lee Chen was sent a survey today") || !strings.Contains(note, "goes all the same") {
			t.Errorf("recently asked: %q", note)
		}
		again, err := x.a.SendSurvey(context.Background(), x.admin, survey.FollowUpID, x.contact.ID, "", "")
		if err != nil || again.Channel != survey.ChannelEmail || !strings.Contains(again.RecentlyAsked, "was sent a survey today") {
			t.Errorf("a second send by hand: %+v %v", again, err)
		}
	})
}
