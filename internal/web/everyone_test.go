package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tandem/internal/customer"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// anonymous sends a request without a session.
func (x *site) anonymous(method, path string) (int, string, http.Header) {
	req, err := http.NewRequest(method, x.srv.URL+path, nil)
	if err != nil {
		x.t.Fatal(err)
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		x.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// TestUnknownAddresses: every address that names no page answers 404
// with a page in Tandem's layout and a way back (home when signed in, the
// sign-in page when not); under /api/ it stays problem details.
func TestUnknownAddresses(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	for _, p := range []string{"/nothing", "/accounts/" + x.account.ID + "/nothing", "/Accounts", "/cases/new/x", "/search/x", "/favicon.png"} {
		status, page := x.get(p)
		if status != http.StatusNotFound || !strings.Contains(page, `<header class="top">`) || !strings.Contains(page, `<a href="/">Back to today</a>`) ||
			!strings.Contains(page, "<title>Page not found · Tandem</title>") {
			t.Errorf("signed in, GET %s: %d %.300s", p, status, page)
		}
		status, page, _ = x.anonymous("GET", p)
		if status != http.StatusNotFound || strings.Contains(page, `<header class="top">`) || !strings.Contains(page, `<a href="/login">`) ||
			!strings.Contains(page, `href="/static/tandem.css"`) {
			t.Errorf("signed out, GET %s: %d %.300s", p, status, page)
		}
	}
	for _, m := range []string{"GET", "POST", "DELETE"} {
		status, body, h := x.anonymous(m, "/api/v1/nothing")
		if status != http.StatusNotFound || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"status":404`) {
			t.Errorf("%s /api/v1/nothing: %d %s %.200s", m, status, h.Get("Content-Type"), body)
		}
	}
	// A route that does not take a method still says so.
	if status, body, h := x.anonymous("DELETE", "/api/v1/accounts"); status != http.StatusMethodNotAllowed || h.Get("Content-Type") != "application/problem+json" {
		t.Errorf("DELETE /api/v1/accounts: %d %s %.200s", status, h.Get("Content-Type"), body)
	}
	if status, _, _ := x.anonymous("DELETE", "/accounts"); status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE /accounts: %d", status)
	}
}

// TestSearchPage: the header's search box is on every page, and its page
// finds an account, a contact and a case by number, each linked.
func TestSearchPage(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	_, home := x.get("/")
	if !strings.Contains(home, `action="/search"`) || !strings.Contains(home, `id="find" name="q"`) {
		t.Fatal("the header has no search box")
	}
	c, err := x.a.Case(context.Background(), x.admin, x.caseID)
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"northw":                              `<a href="/accounts/` + x.account.ID + `">Northwind Traders</a>`,
		"lee chen":                            `<a href="/contacts/` + x.contact.ID + `">Lee Chen</a>`,
		"lee@north":                           `<a href="/contacts/` + x.contact.ID + `">Lee Chen</a>`,
		"#" + strconv.FormatInt(c.Number, 10): `<a href="/cases/` + c.ID + `">#` + strconv.FormatInt(c.Number, 10) + ` Printer jams</a>`,
		strconv.FormatInt(c.Number, 10):       `<a href="/cases/` + c.ID + `">#`,
		"fabrikam":                            "Nothing matches “fabrikam”",
	} {
		status, page := x.get("/search?q=" + url.QueryEscape(q))
		if status != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("search for %q: %d, want %s in %.2000s", q, status, want, page)
		}
		if !strings.Contains(page, `value="`+html.EscapeString(q)+`"`) {
			t.Errorf("search for %q: the box does not keep what was typed", q)
		}
	}
	if status, page := x.get("/search?q=" + strings.Repeat("x", 300)); status != http.StatusUnprocessableEntity || !strings.Contains(page, "at most 200") {
		t.Errorf("a long search: %d %.300s", status, page)
	}
}

// TestAccountListPages: the account list says how many accounts match,
// sorts by its column headings, refuses an order it does not know with a
// message, and has a Previous link from the second page on.
func TestAccountListPages(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	ctx := context.Background()
	for i := range 54 {
		if _, err := x.a.CreateAccount(ctx, x.admin, customer.Account{Name: fmt.Sprintf("Paged %02d", i), Tier: customer.Tiers[i%4]}, true); err != nil {
			t.Fatal(err)
		}
	}
	status, page := x.get("/accounts?q=paged")
	if status != http.StatusOK || !strings.Contains(page, "Showing 1–50 of 54 accounts") || strings.Contains(page, `rel="prev"`) {
		t.Fatalf("first page: %d %.3000s", status, page)
	}
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(page)
	if next == nil {
		t.Fatal("no next page")
	}
	status, page = x.get(html.UnescapeString(next[1]))
	prev := regexp.MustCompile(`<a href="([^"]+)" rel="prev">`).FindStringSubmatch(page)
	if status != http.StatusOK || !strings.Contains(page, "Showing 51–54 of 54 accounts") || prev == nil || !strings.Contains(page, "Paged 53") {
		t.Fatalf("second page: %d %.3000s", status, page)
	}
	status, page = x.get(html.UnescapeString(prev[1]))
	if status != http.StatusOK || !strings.Contains(page, "Paged 00") || !strings.Contains(page, "Paged 49") || strings.Contains(page, "Paged 50") {
		t.Fatalf("back to the first page: %d %.3000s", status, page)
	}
	// The headings sort; the current one says which way, and links the other way.
	status, page = x.get("/accounts?q=paged&sort=" + store.SortTier + "&dir=desc")
	if status != http.StatusOK || !strings.Contains(page, `<th scope="col" aria-sort="descending"><a href="/accounts?dir=asc&amp;q=paged&amp;sort=tier">Tier`) {
		t.Fatalf("sorted by tier: %d %.3000s", status, page)
	}
	if i, j := strings.Index(page, "tier-vip"), strings.Index(page, "tier-standard"); i < 0 || j < 0 || i > j {
		t.Fatal("sorted by tier, most valuable first, a standard account comes before a VIP")
	}
	for _, bad := range []string{"sort=owner", "dir=up", "sort=tier&dir=sideways"} {
		if status, page := x.get("/accounts?" + bad); status != http.StatusUnprocessableEntity || !strings.Contains(page, "sort") {
			t.Errorf("%s: %d %.300s", bad, status, page)
		}
	}
	if status, page := x.get("/accounts?cursor=forged"); status != http.StatusUnprocessableEntity {
		t.Errorf("a forged cursor: %d %.300s", status, page)
	}
}

// TestTimelineSaysWithWhom: each interaction line on the account's page and
// on the contact's page names the contact it was with, linked to them.
func TestTimelineSaysWithWhom(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	if _, err := x.a.LogInteraction(context.Background(), x.admin, customer.Interaction{AccountID: x.account.ID, ContactID: x.contact.ID,
		Channel: "phone", Direction: "out", Summary: "Talked about the renewal"}); err != nil {
		t.Fatal(err)
	}
	with := `with <a class="contact" href="/contacts/` + x.contact.ID + `">Lee Chen</a>`
	for _, p := range []string{"/accounts/" + x.account.ID, "/contacts/" + x.contact.ID} {
		if status, page := x.get(p); status != http.StatusOK || !strings.Contains(page, with) {
			t.Errorf("%s: %d, no %s", p, status, with)
		}
	}
	// The interaction without a contact names nobody.
	_, page := x.get("/accounts/" + x.account.ID)
	if n := strings.Count(page, "· with "); n != 1 {
		t.Errorf("%d lines name a contact, want 1", n)
	}
}

// TestEmptyQueueSaysWhatWasAsked: a queue filter that finds nothing says
// so in words, with the filters it was given, and when two of them rule
// each other out (assigned to me, and unassigned), which.
func TestEmptyQueueSaysWhatWasAsked(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	status, page := x.get("/cases?mine=1&unassigned=1&sla=breached")
	if status != http.StatusOK || !strings.Contains(page, `id="queue-empty"`) ||
		!strings.Contains(page, "No open cases past the deadline and assigned to you and unassigned.") ||
		!strings.Contains(page, "untick one of the two") || !strings.Contains(page, `<a href="/cases">Show all open work</a>`) {
		t.Fatalf("%d %.4000s", status, page)
	}
}

// TestOneSearchButtonPerPage: a page has one button called Search, the
// header's; a list's own form filters.
func TestOneSearchButtonPerPage(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	search := regexp.MustCompile(`<button[^>]*>\s*Search\s*</button>`)
	for _, path := range []string{"/", "/accounts", "/cases", "/search?q=north", "/inbox", "/goodwill", "/promotions", "/deals", "/audit", "/settings/service"} {
		status, page := x.get(path)
		if status != http.StatusOK {
			t.Errorf("%s: %d", path, status)
			continue
		}
		if n := len(search.FindAllString(page, -1)); n != 1 {
			t.Errorf("%s has %d Search buttons", path, n)
		}
	}
}

// TestNewCaseWithoutAnAccountPicksOne: /cases/new without an account asks
// for one, finds it by name and links to its form; an account that is
// not there says so above the same search.
func TestNewCaseWithoutAnAccountPicksOne(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	status, page := x.get("/cases/new")
	if status != http.StatusOK || !strings.Contains(page, `id="account_q"`) || strings.Contains(page, `id="pick-none"`) {
		t.Fatalf("%d %.3000s", status, page)
	}
	status, page = x.get("/cases/new?account_q=northwind")
	if status != http.StatusOK || !strings.Contains(page, `<a href="/cases/new?account_id=`+x.account.ID+`">New case for Northwind Traders</a>`) {
		t.Fatalf("found: %d %.3000s", status, page)
	}
	status, page = x.get("/cases/new?account_q=nothing+like+it")
	if status != http.StatusOK || !strings.Contains(page, `id="pick-none"`) {
		t.Fatalf("none found: %d %.3000s", status, page)
	}
	status, page = x.get("/cases/new?account_id=01a20535-0000-7000-8000-000000000000")
	if status != http.StatusNotFound || !strings.Contains(page, `id="pick-notice"`) || !strings.Contains(page, `id="account_q"`) {
		t.Fatalf("no such account: %d %.3000s", status, page)
	}
	if status, page = x.get("/cases/new?account_id=" + x.account.ID); status != http.StatusOK || !strings.Contains(page, "New case for Northwind Traders") {
		t.Fatalf("the form: %d %.3000s", status, page)
	}
}
