package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestStaleCaseSaysWhy: a save to a case someone changed meanwhile says so
// at the top, not "correct what is marked below" with nothing marked.
func TestStaleCaseSaysWhy(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		status, page := x.post("/cases/"+x.caseID, url.Values{"take": {"1"}, "version": {"99"}}.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="form-error">Nothing was saved: someone changed this case meanwhile`) ||
			strings.Contains(page, "correct what is marked below") {
			t.Errorf("stale save: %d %.600s", status, page[strings.Index(page, "<main"):])
		}
	})
}
