package web_test

import (
	"tandem/internal/store"

	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestPromisePages: a promise made on the account page is on the promise
// page, on the account page, beside the account's case and on the home;
// the queue filters the accounts with a promise due; bad amounts and
// past due times are refused beside their fields; keeping it ends it.
func TestPromisePages(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		due := time.Now().Add(48 * time.Hour).In(x.a.Zone()).Format("2006-01-02T15:04")
		form := func(edit func(url.Values)) string {
			f := url.Values{"promise_kind": {"rebate"}, "promise_description": {"Your rebate is paid by Thursday"}, "promise_amount": {"1,200"},
				"promise_currency": {"EUR"}, "promise_due_at": {due}, "promise_case_id": {x.caseID}}
			if edit != nil {
				edit(f)
			}
			return f.Encode()
		}
		for field, edit := range map[string]func(url.Values){
			"promise_amount":   func(f url.Values) { f.Set("promise_amount", "12.345") },
			"promise_currency": func(f url.Values) { f.Set("promise_currency", "XYZ") },
			"promise_due_at": func(f url.Values) {
				f.Set("promise_due_at", time.Now().Add(-time.Hour).In(x.a.Zone()).Format("2006-01-02T15:04"))
			},
			"promise_description": func(f url.Values) { f.Set("promise_description", "") },
		} {
			status, page := x.post("/accounts/"+x.account.ID+"/promises", form(edit))
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="`+field+`-error"`) || !strings.Contains(page, `aria-describedby="`+field+`-error"`) {
				t.Errorf("%s: %d without the message beside the field: %.400s", field, status, page)
			}
		}
		status, page := x.post("/accounts/"+x.account.ID+"/promises", form(nil))
		if status != http.StatusSeeOther {
			t.Fatalf("make: %d %.300s", status, page)
		}
		list, _, err := x.a.Promises(t.Context(), x.admin, storePromisesOf(x.account.ID), pageOf())
		if err != nil || len(list) != 2 { // the one the site was made with, and this one
			t.Fatalf("promises: %v %v", list, err)
		}
		id := ""
		for _, p := range list {
			if p.Description == "Your rebate is paid by Thursday" {
				id = p.ID
			}
		}
		if id == "" || list[0].Amount == nil && list[1].Amount == nil {
			t.Fatalf("the promise as saved: %+v", list)
		}
		for _, path := range []string{"/promises/" + id, "/accounts/" + x.account.ID, "/cases/" + x.caseID} {
			status, page := x.get(path)
			page = html.UnescapeString(page)
			if status != http.StatusOK || !strings.Contains(page, "a rebate of €1,200.00") || !strings.Contains(page, "Your rebate is paid by Thursday") {
				t.Errorf("%s does not show the promise: %d", path, status)
			}
			if path != "/promises/"+id && !strings.Contains(page, "promise-soon") {
				t.Errorf("%s does not highlight a promise due this week", path)
			}
		}
		if _, page := x.get("/"); !strings.Contains(html.UnescapeString(page), "Promises due in the next 7 days") {
			t.Error("the home has no promises due")
		}
		_, page = x.get("/cases?promise_due=1")
		if !strings.Contains(page, x.caseID) || !strings.Contains(page, `name="promise_due" value="1" checked`) {
			t.Error("the queue's promise filter does not keep the account's case")
		}
		// Keeping a kept promise is refused with the reason; keeping it once ends it.
		status, _ = x.post("/promises/"+id+"/transitions", url.Values{"to": {"kept"}, "evidence": {"Credit note CN-7"}}.Encode())
		if status != http.StatusSeeOther {
			t.Fatalf("keep: %d", status)
		}
		status, page = x.post("/promises/"+id+"/transitions", url.Values{"to": {"broken"}, "break_reason": {"x"}}.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "Nothing was saved") {
			t.Errorf("breaking a kept promise: %d", status)
		}
		if _, page := x.get("/promises/" + id); !strings.Contains(page, "Credit note CN-7") || strings.Contains(page, `id="keep-promise"`) {
			t.Error("the kept promise still offers to be kept, or hides its evidence")
		}
	})
}

func storePromisesOf(accountID string) store.PromiseFilter {
	return store.PromiseFilter{AccountID: accountID}
}

func pageOf() store.Page { return store.Page{} }
