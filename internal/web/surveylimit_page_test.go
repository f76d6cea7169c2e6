package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tandem/internal/survey"
)

// TestSurveyLinksCannotBeGuessedByOpening: opening links Tandem did not
// sign counts against the address like posting answers does, so a guesser
// who opens links instead of posting is stopped as soon; opening a good
// link again and again is never stopped.
func TestSurveyLinksCannotBeGuessedByOpening(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		inv, err := x.a.SendSurvey(context.Background(), x.admin, survey.FollowUpID, x.contact.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		good := inv.URL[strings.Index(inv.URL, "/s/"):]
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
		answers := url.Values{"as_expected": {"yes"}, "delivered_as_promised": {"yes"}, "met_expectations": {"yes"}, "nps": {"9"}}.Encode()
		if status, _ := x.post(good, answers); status != http.StatusTooManyRequests {
			t.Errorf("POST after 300 guesses: %d", status)
		}
	})
}
