package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
