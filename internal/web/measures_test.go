package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tandem/internal/promise"
)

// TestPromiseManagerPages: a saved policy's page lists the open promises it
// conflicts with (the site's and one more); the measures page and the promise list answer, a bad
// filter beside its field; the grace periods refuse a bad number beside
// its field and save a good one.
func TestPromiseManagerPages(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		ctx := context.Background()
		p, err := x.a.MakePromise(ctx, x.admin, promise.Promise{AccountID: x.account.ID, Kind: promise.Rebate, Description: "Your rebate by Friday",
			DueAt: x.a.Now().Add(72 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		f := url.Values{"name": {"Rebate payment window"}, "statement": {"Rebates are paid 6–8 weeks after the claim"},
			"rule": {`promise.kind == "rebate" && promise.due_in_days < 42`}, "severity": {"warn"}}
		if status, page := x.post("/policies", f.Encode()); status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", status, page)
		}
		ps, _ := x.a.ServicePolicies(ctx, x.admin, false)
		_, page := x.get("/policies/" + ps[0].ID + "?notice=saved")
		if !strings.Contains(page, "Open promises it conflicts with (2)") || !strings.Contains(page, `href="/promises/`+p.ID+`"`) {
			t.Fatalf("the policy's page: %s", page)
		}
		status, page := x.get("/promises/measures")
		if status != http.StatusOK || !strings.Contains(page, `id="total-rate"`) {
			t.Fatalf("measures: %d %s", status, page)
		}
		status, page = x.get("/promises/measures?from=yesterday")
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="from-error"`) {
			t.Fatalf("a bad day: %d %s", status, page)
		}
		status, page = x.get("/promises?status=open&team=sales")
		if status != http.StatusOK || !strings.Contains(html.UnescapeString(page), "Your rebate by Friday") {
			t.Fatalf("the list: %d %s", status, page)
		}
		status, page = x.get("/promises?status=lost")
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="status-error"`) {
			t.Fatalf("a bad status: %d %s", status, page)
		}
		status, page = x.post("/promises/grace", url.Values{"grace_callback": {"999"}, "grace_rebate": {"20"}, "version": {"0"}}.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="grace_callback-error"`) || !strings.Contains(page, `value="999"`) {
			t.Fatalf("a bad grace period: %d %s", status, page)
		}
		if status, page := x.post("/promises/grace", url.Values{"grace_callback": {"2"}, "version": {"0"}}.Encode()); status != http.StatusSeeOther {
			t.Fatalf("grace saved: %d %s", status, page)
		}
		if g, _ := x.a.PromiseGrace(ctx, x.admin); g.Days[promise.Callback] != 2 {
			t.Fatalf("grace: %+v", g)
		}
	})
}
