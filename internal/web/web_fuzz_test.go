package web_test

import (
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"tandem/internal/store/storetest"
	"tandem/internal/web"
)

// fuzzSites are the sites a fuzz target posts to: SQLite always, and
// PostgreSQL when TANDEM_TEST_POSTGRES names one (under CI=true it must).
func fuzzSites(f *testing.F) []*site {
	sites := []*site{newSite(f, storetest.SQLite(f))}
	if os.Getenv("TANDEM_TEST_POSTGRES") != "" || os.Getenv("CI") == "true" {
		sites = append(sites, newSite(f, storetest.Postgres(f)))
	}
	return sites
}

// postRoutes are the POST patterns of the pages, sorted.
func postRoutes() []string {
	var out []string
	for _, p := range web.Patterns() {
		if strings.HasPrefix(p, "POST ") {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// pick is the form of route, or, for a name that is none, one chosen by it.
func pick(x *site, route string) form {
	forms := x.forms()
	if f, ok := forms[route]; ok {
		return f
	}
	routes := postRoutes()
	return forms[routes[len(route)%len(routes)]]
}

// fuzzPost posts body to path as the admin and fails on a 5xx. A fuzzed
// form may sign the admin out (or change the password, which ends the
// other sessions); then the next post opens a new session.
func fuzzPost(t *testing.T, x *site, route, path, body string) {
	x.t = t
	status, page := x.post(path, body)
	if status == http.StatusUnauthorized {
		x.cookie, _ = x.newSession()
		status, page = x.post(path, body)
	}
	if status >= 500 {
		t.Fatalf("%s on %s: %d for %q: %.300s", route, x.s.Engine(), status, body, page)
	}
}

// FuzzFormField posts one form of the pages with one field set to any
// value (any field name, too) on both engines: no answer is a 5xx.
func FuzzFormField(f *testing.F) {
	sites := fuzzSites(f)
	// More seeds are in testdata/fuzz/FuzzFormField.
	for _, r := range postRoutes() {
		f.Add(r, "extra", "\xff\xfe")
	}
	f.Add("POST /cases", "contact_id", "ok")
	f.Fuzz(func(t *testing.T, route, name, value string) {
		for _, x := range sites {
			fm := pick(x, route)
			body := url.Values{}
			for k, v := range fm.fields {
				body[k] = v
			}
			body.Set(name, value)
			fuzzPost(t, x, route, fm.path, body.Encode())
		}
	})
}

// FuzzFormBody posts any body, as it is, to the route of a form of the
// pages on both engines: no answer is a 5xx.
func FuzzFormBody(f *testing.F) {
	sites := fuzzSites(f)
	for _, r := range postRoutes() {
		f.Add(r, pick(sites[0], r).fields.Encode())
		f.Add(r, "a=%zz&b")
	}
	f.Fuzz(func(t *testing.T, route, body string) {
		for _, x := range sites {
			fuzzPost(t, x, route, pick(x, route).path, body)
		}
	})
}

// FuzzPage asks for a page of the pages with any id in its path and any
// value in its query, on both engines: no answer is a 5xx.
func FuzzPage(f *testing.F) {
	sites := fuzzSites(f)
	var pages []string
	for _, p := range web.Patterns() {
		if strings.HasPrefix(p, "GET ") {
			pages = append(pages, strings.TrimPrefix(p, "GET "))
		}
	}
	slices.Sort(pages)
	for _, p := range pages {
		f.Add(p, "\x00", "cursor", "\xff")
	}
	f.Add("/accounts", "", "q", "%_")
	f.Fuzz(func(t *testing.T, page, id, key, value string) {
		if !slices.Contains(pages, page) {
			page = pages[len(page)%len(pages)]
		}
		path := strings.NewReplacer("{id}", url.PathEscape(id), "{token}", url.PathEscape(id), "{$}", "").Replace(page)
		for _, x := range sites {
			x.t = t
			req, err := http.NewRequest(http.MethodGet, x.srv.URL+path+"?"+url.Values{key: {value}}.Encode(), nil)
			if err != nil {
				t.Skip(err)
			}
			req.AddCookie(&http.Cookie{Name: "tandem_session", Value: x.cookie})
			if status, body := x.send(req); status >= 500 {
				t.Fatalf("GET %s?%s=%q on %s: %d: %.300s", path, key, value, x.s.Engine(), status, body)
			}
		}
	})
}
