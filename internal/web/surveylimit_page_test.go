package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tandem/internal/survey"
	"tandem/internal/web"
)

// TestLinksCannotBeGuessedByOpening: on every link customers get by email
// (a survey's /s/, a resolution's /r/: every route with a {token}),
// opening links Tandem did not sign counts against the address like
// posting does, so a guesser who opens links instead of posting is
// stopped as soon; opening a good link again and again is never stopped.
func TestLinksCannotBeGuessedByOpening(t *testing.T) {
	links := map[string]func(x *site) (good, answer string){
		"/s/": func(x *site) (string, string) {
			inv, err := x.a.SendSurvey(context.Background(), x.admin, survey.FollowUpID, x.contact.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			return inv.URL[strings.Index(inv.URL, "/s/"):],
				url.Values{"as_expected": {"yes"}, "delivered_as_promised": {"yes"}, "met_expectations": {"yes"}, "nps": {"9"}}.Encode()
		},
		"/r/": func(x *site) (string, string) { return "/r/" + x.answer, url.Values{"answer": {"yes"}}.Encode() },
	}
	for _, p := range web.Patterns() {
		if i := strings.Index(p, "{token}"); i >= 0 && links[p[strings.Index(p, " ")+1:i]] == nil {
			t.Errorf("%s: a customer's link this test does not try", p)
		}
	}
	for prefix, link := range links {
		t.Run(strings.Trim(prefix, "/"), func(t *testing.T) {
			engines(t, func(t *testing.T, x *site) {
				good, answer := link(x)
				for i := range 320 {
					if status, _ := x.get(good); status != http.StatusOK {
						t.Fatalf("opening a good link the %dth time: %d", i+1, status)
					}
				}
				forged := good[:len(good)-2] + "xx"
				for i := range 300 {
					if status, _ := x.get(forged); status != http.StatusNotFound {
						t.Fatalf("guess %d: %d", i+1, status)
					}
				}
				for _, path := range []string{forged, good} {
					if status, page := x.get(path); status != http.StatusTooManyRequests || !strings.Contains(page, "too many tries") {
						t.Errorf("GET %s after 300 guesses: %d", path, status)
					}
				}
				if status, _ := x.post(good, answer); status != http.StatusTooManyRequests {
					t.Errorf("POST after 300 guesses: %d", status)
				}
			})
		})
	}
}
