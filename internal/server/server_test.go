package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/server"
	"tandem/internal/sla"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

type client struct {
	t      *testing.T
	base   string
	token  string
	userID string // whose token it is
}

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

func (c client) do(method, path string, body any, headers ...string) resp {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, c.base+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, header: res.Header, raw: raw}
	json.Unmarshal(raw, &out.body)
	return out
}

func (r resp) want(t *testing.T, status int) resp {
	t.Helper()
	if r.status != status {
		t.Fatalf("want %d, got %d: %s", status, r.status, r.raw)
	}
	if status >= 400 && r.header.Get("Content-Type") != "application/problem+json" && r.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("error answer is not problem+json: %s", r.header.Get("Content-Type"))
	}
	return r
}

func (r resp) str(key string) string { s, _ := r.body[key].(string); return s }

type env struct {
	base                string
	sam, val, mia, read client
	app                 *app.App
}

func setup(t *testing.T, s *store.Store) env {
	t.Helper()
	a := app.New(s)
	srv := httptest.NewServer(server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{}))
	t.Cleanup(srv.Close)
	e := env{base: srv.URL, app: a}
	tok := func(email, role, scope string) client { return e.user(t, email, email, role, scope) }
	e.sam, e.val, e.mia = tok("sam@example.com", "sales", "write"), tok("val@example.com", "service", "write"), tok("mia@example.com", "manager", "write")
	e.read = tok("reader@example.com", "sales", "read")
	return e
}

// user adds a user with a password and returns a client holding a new
// token of theirs with the scope.
func (e env) user(t *testing.T, email, name, role, scope string) client {
	t.Helper()
	ctx := context.Background()
	u, _, err := e.app.AddUser(ctx, access.System, app.NewUser{Email: email, Name: name, Role: role, Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := e.app.CreateToken(ctx, access.System, app.NewToken{UserID: u.ID, Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	return client{t: t, base: e.base, token: secret, userID: u.ID}
}

func TestAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		anon := client{t: t, base: e.base}
		anon.do("GET", "/api/v1/me", nil).want(t, 401)
		client{t: t, base: e.base, token: "tdt_bogus"}.do("GET", "/api/v1/accounts", nil).want(t, 401)
		me := e.sam.do("GET", "/api/v1/me", nil).want(t, 200)
		if me.str("email") != "sam@example.com" || me.str("role") != "sales" {
			t.Fatalf("me: %s", me.raw)
		}

		// Create, with ETag; duplicates; bad input.
		created := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Northwind Traders", "domain": "northwind.example"}).want(t, 201)
		id := created.str("id")
		if created.header.Get("ETag") != `"1"` || created.body["version"].(float64) != 1 {
			t.Fatalf("create: %v %s", created.header, created.raw)
		}
		dup := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Northwind Traders Inc"}).want(t, 409)
		if c, _ := dup.body["candidates"].([]any); len(c) != 1 {
			t.Fatalf("409 without the candidate: %s", dup.raw)
		}
		e.sam.do("POST", "/api/v1/accounts?allow_duplicate=true", map[string]any{"name": "Northwind Traders Inc"}).want(t, 201)
		e.sam.do("POST", "/api/v1/accounts", `{"name": "x"`).want(t, 400)
		bad := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Acme", "tier": "diamond", "phone": "12"}).want(t, 422)
		if errs, _ := bad.body["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "tier" {
			t.Fatalf("422 should name the tier: %s", bad.raw)
		}
		bad = e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Acme", "phone": "12"}).want(t, 422)
		if errs, _ := bad.body["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "phone" {
			t.Fatalf("422 should name the phone: %s", bad.raw)
		}
		e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": strings.Repeat("x", 2<<20)}).want(t, 413)
		e.val.do("POST", "/api/v1/accounts", map[string]any{"name": "Service may not"}).want(t, 403)
		e.read.do("POST", "/api/v1/accounts", map[string]any{"name": "Read scope may not"}).want(t, 403)
		e.read.do("GET", "/api/v1/accounts/"+id, nil).want(t, 200)

		// Unknown ids of any form are 404.
		for _, bogus := range []string{"nope", "01a2053b-c7d5-7bf6-add4-ddcecf6f5218", "%27%3B--"} {
			e.sam.do("GET", "/api/v1/accounts/"+bogus, nil).want(t, 404)
		}

		// If-Match: a stale write is 412 and changes nothing.
		e.sam.do("PATCH", "/api/v1/accounts/"+id, map[string]any{"tier": "gold"}, "If-Match", `"1"`).want(t, 200)
		e.sam.do("PATCH", "/api/v1/accounts/"+id, map[string]any{"tier": "vip"}, "If-Match", `"1"`).want(t, 412)
		got := e.sam.do("GET", "/api/v1/accounts/"+id, nil).want(t, 200)
		if got.str("tier") != "gold" || got.header.Get("ETag") != `"2"` {
			t.Fatalf("after stale write: %s %v", got.raw, got.header)
		}

		// Idempotency-Key: the retry replays and creates nothing.
		body := map[string]any{"account_id": id, "channel": "phone", "direction": "in", "summary": "Pallets arrived short", "outcome": "negative"}
		first := e.val.do("POST", "/api/v1/interactions", body, "Idempotency-Key", "k-1").want(t, 201)
		again := e.val.do("POST", "/api/v1/interactions", body, "Idempotency-Key", "k-1").want(t, 201)
		if first.str("id") != again.str("id") || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry created something new: %s vs %s", first.raw, again.raw)
		}
		if first.str("team") != "service" {
			t.Fatalf("a service agent's interaction defaults to the service team: %s", first.raw)
		}
		e.val.do("POST", "/api/v1/interactions", map[string]any{"account_id": id, "channel": "pigeon", "direction": "in", "summary": "x"}).want(t, 422)
		e.sam.do("POST", "/api/v1/interactions", map[string]any{"account_id": id, "channel": "phone", "direction": "in", "kind": "competitor_quote",
			"competitor": "Globex", "summary": "Globex quoted lower"}).want(t, 201)
		list := e.sam.do("GET", "/api/v1/interactions?account_id="+id, nil).want(t, 200)
		if items, _ := list.body["items"].([]any); len(items) != 2 {
			t.Fatalf("want 2 interactions, got %s", list.raw)
		}

		// Timeline: newest first, filterable, paginated.
		tl := e.mia.do("GET", "/api/v1/accounts/"+id+"/timeline?limit=2", nil).want(t, 200)
		items, _ := tl.body["items"].([]any)
		if len(items) != 2 || tl.str("next_cursor") == "" {
			t.Fatalf("timeline page: %s", tl.raw)
		}
		if items[0].(map[string]any)["kind"] != "competitor_quote" {
			t.Fatalf("newest first: %s", tl.raw)
		}
		rest := e.mia.do("GET", "/api/v1/accounts/"+id+"/timeline?limit=50&cursor="+tl.str("next_cursor"), nil).want(t, 200)
		if r, _ := rest.body["items"].([]any); len(r) != 2 { // account.updated, account.created
			t.Fatalf("timeline rest: %s", rest.raw)
		}
		svc := e.mia.do("GET", "/api/v1/accounts/"+id+"/timeline?team=service", nil).want(t, 200)
		if r, _ := svc.body["items"].([]any); len(r) != 1 {
			t.Fatalf("service timeline: %s", svc.raw)
		}
		e.mia.do("GET", "/api/v1/accounts/"+id+"/timeline?cursor=garbage", nil).want(t, 422)
		e.mia.do("GET", "/api/v1/accounts?limit=501", nil).want(t, 422)

		// Contacts and merge.
		other := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Contoso"}).want(t, 201)
		e.sam.do("POST", "/api/v1/contacts", map[string]any{"account_id": other.str("id"), "name": "Lena Vogel", "email": "lena@contoso.example"}).want(t, 201)
		e.sam.do("POST", "/api/v1/contacts", map[string]any{"account_id": id, "name": "L. Vogel", "email": "Lena+x@contoso.example"}).want(t, 409)
		e.sam.do("POST", "/api/v1/accounts/"+id+"/merge", map[string]any{"from_id": other.str("id")}).want(t, 403)
		merged := e.mia.do("POST", "/api/v1/accounts/"+id+"/merge", map[string]any{"from_id": other.str("id")}).want(t, 200)
		if merged.body["version"].(float64) != 3 {
			t.Fatalf("merge: %s", merged.raw)
		}
		e.mia.do("GET", "/api/v1/accounts/"+other.str("id"), nil).want(t, 404)
		cl := e.mia.do("GET", "/api/v1/contacts?account_id="+id, nil).want(t, 200)
		if r, _ := cl.body["items"].([]any); len(r) != 1 {
			t.Fatalf("merged contact: %s", cl.raw)
		}

		// Audit for managers only.
		e.sam.do("GET", "/api/v1/audit", nil).want(t, 403)
		audit := e.mia.do("GET", "/api/v1/audit?kind=account.merged", nil).want(t, 200)
		if r, _ := audit.body["items"].([]any); len(r) != 1 {
			t.Fatalf("audit: %s", audit.raw)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	e := setup(t, storetest.SQLite(t))
	anon := client{t: t, base: e.base}
	anon.do("POST", "/api/v1/session", map[string]any{"email": "sam@example.com", "password": "wrong"}).want(t, 401)
	ok := anon.do("POST", "/api/v1/session", map[string]any{"email": "SAM@example.com", "password": "a long enough password"}).want(t, 200)
	cookie := ok.header.Get("Set-Cookie")
	if !strings.Contains(cookie, "tandem_session=") || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Fatalf("session cookie: %q", cookie)
	}
	session := strings.SplitN(cookie, ";", 2)[0]
	anon.do("GET", "/api/v1/me", nil, "Cookie", session).want(t, 200)
	// A cross-origin state change from a browser is refused.
	anon.do("POST", "/api/v1/accounts", map[string]any{"name": "CSRF"}, "Cookie", session, "Sec-Fetch-Site", "cross-site").want(t, 403)

	tok := e.sam.do("POST", "/api/v1/tokens", map[string]any{"label": "laptop", "scope": "read"}).want(t, 201)
	secret := tok.str("token")
	reader := client{t: t, base: e.base, token: secret}
	reader.do("GET", "/api/v1/me", nil).want(t, 200)
	e.sam.do("POST", "/api/v1/tokens", map[string]any{"scope": "admin"}).want(t, 422)
	e.val.do("DELETE", "/api/v1/tokens/"+tok.str("id"), nil).want(t, 403)
	e.sam.do("DELETE", "/api/v1/tokens/"+tok.str("id"), nil).want(t, 204)
	reader.do("GET", "/api/v1/me", nil).want(t, 401)
	anon.do("DELETE", "/api/v1/session", nil, "Cookie", session).want(t, 204)
	anon.do("GET", "/api/v1/me", nil, "Cookie", session).want(t, 401)
}

func TestOperationalEndpoints(t *testing.T) {
	e := setup(t, storetest.SQLite(t))
	anon := client{t: t, base: e.base}
	for _, p := range []string{"/healthz", "/readyz"} {
		anon.do("GET", p, nil).want(t, 200)
	}
	// The metrics are for admins: a scraper sends an admin's token.
	anon.do("GET", "/metrics", nil).want(t, 401)
	e.sam.do("GET", "/metrics", nil).want(t, 403)
	scraper := e.user(t, "ada@example.com", "Ada", "admin", "read")
	spec := anon.do("GET", "/api/openapi.json", nil).want(t, 200)
	if v := spec.str("openapi"); !strings.HasPrefix(v, "3.1") {
		t.Fatalf("openapi version %q", v)
	}
	paths, _ := spec.body["paths"].(map[string]any)
	for _, p := range []string{"/api/v1/session", "/api/v1/me", "/api/v1/users", "/api/v1/tokens", "/api/v1/audit", "/api/v1/accounts",
		"/api/v1/accounts/{id}", "/api/v1/accounts/{id}/timeline", "/api/v1/accounts/{id}/merge", "/api/v1/contacts", "/api/v1/contacts/{id}",
		"/api/v1/interactions", "/api/v1/interactions/{id}"} {
		if paths[p] == nil {
			t.Errorf("OpenAPI misses %s", p)
		}
	}
	metrics := scraper.do("GET", "/metrics", nil).want(t, 200)
	if !strings.Contains(string(metrics.raw), `tandem_http_requests_total{code="200",route="GET /healthz"}`) {
		t.Fatalf("metrics do not count requests by route")
	}
	page := anon.do("GET", "/accounts", nil)
	if page.status != http.StatusOK || !strings.Contains(string(page.raw), `action="/login"`) {
		t.Fatalf("anonymous page visit should end on the login form, got %d", page.status)
	}
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP: %q", csp)
	}
}

func TestSLASettings(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		cal := e.mia.do("GET", "/api/v1/calendars/default", nil).want(t, 200)
		if cal.str("time_zone") != "UTC" || cal.header.Get("ETag") != `"0"` {
			t.Fatalf("default calendar: %s %v", cal.raw, cal.header)
		}
		e.mia.do("PATCH", "/api/v1/calendars/default", map[string]any{"time_zone": "Mars/Olympus"}).want(t, 422)
		e.mia.do("PATCH", "/api/v1/calendars/default", map[string]any{"hours": map[string]string{"monday": "17:00-09:00"}}).want(t, 422)
		e.mia.do("GET", "/api/v1/calendars/other", nil).want(t, 404)
		saved := e.mia.do("PATCH", "/api/v1/calendars/default", map[string]any{"time_zone": "Europe/Berlin", "holidays": []string{"2026-12-25"}}, "If-Match", `"0"`).want(t, 200)
		if saved.str("time_zone") != "Europe/Berlin" || saved.header.Get("ETag") != `"1"` {
			t.Fatalf("saved calendar: %s", saved.raw)
		}
		e.mia.do("PATCH", "/api/v1/calendars/default", map[string]any{"name": "Late"}, "If-Match", `"0"`).want(t, 412)
		e.sam.do("PATCH", "/api/v1/calendars/default", map[string]any{"name": "Mine"}).want(t, 403)

		bad := e.mia.do("PATCH", "/api/v1/sla-policies/default", map[string]any{"targets": map[string]any{
			"urgent": map[string]string{"first_response": "0s", "resolution": "8h"}, "high": map[string]string{"first_response": "2h", "resolution": "16h"},
			"normal": map[string]string{"first_response": "4h", "resolution": "24h"}, "low": map[string]string{"first_response": "8h", "resolution": "40h"}}}).want(t, 422)
		if errs, _ := bad.body["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "targets.urgent.first_response" {
			t.Fatalf("policy errors: %s", bad.raw)
		}
		e.mia.do("PATCH", "/api/v1/sla-policies/default", map[string]any{"targets": map[string]any{
			"urgent": map[string]string{"first_response": "15m", "resolution": "2h"}, "high": map[string]string{"first_response": "2h", "resolution": "16h"},
			"normal": map[string]string{"first_response": "4h", "resolution": "24h"}, "low": map[string]string{"first_response": "8h", "resolution": "40h"}}}).want(t, 200)
		acc := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Tailspin"}).want(t, 201)
		c := e.val.do("POST", "/api/v1/cases", map[string]any{"account_id": acc.str("id"), "subject": "Down", "priority": "urgent"}).want(t, 201)
		slaOut, _ := c.body["sla"].(map[string]any)
		opened, _ := time.Parse(time.RFC3339, c.str("opened_at"))
		due, _ := time.Parse(time.RFC3339, slaOut["first_response_due_at"].(string))
		berlin, _ := time.LoadLocation("Europe/Berlin")
		if got := sla.Default(berlin); got.Between(opened, due) != 15*time.Minute {
			t.Fatalf("a new urgent case should have 15 minutes of Berlin office time to respond: opened %v, due %v", opened, due)
		}
	})
}

func TestCaseWork(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		acc := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Fabrikam"}).want(t, 201)
		open := func(category string) string {
			return e.val.do("POST", "/api/v1/cases", map[string]any{"account_id": acc.str("id"), "subject": "Broken", "category": category}).want(t, 201).str("id")
		}
		id := open("delivery")
		me := e.val.do("GET", "/api/v1/me", nil).want(t, 200).str("id")
		before := e.val.do("GET", "/api/v1/cases/"+id, nil).want(t, 200)
		up := e.val.do("PATCH", "/api/v1/cases/"+id, map[string]any{"priority": "urgent", "assignee_id": me}, "If-Match", before.header.Get("ETag")).want(t, 200)
		if up.str("priority") != "urgent" || up.str("assignee_id") != me {
			t.Fatalf("patch: %s", up.raw)
		}
		b, _ := before.body["sla"].(map[string]any)
		a, _ := up.body["sla"].(map[string]any)
		if a["first_response_due_at"] == b["first_response_due_at"] {
			t.Fatalf("a new priority keeps the old targets: %v", a)
		}
		e.val.do("PATCH", "/api/v1/cases/"+id, map[string]any{"assignee_id": e.sam.do("GET", "/api/v1/me", nil).str("id")}).want(t, 422)
		e.val.do("PATCH", "/api/v1/cases/"+id, map[string]any{"priority": "asap"}).want(t, 422)
		e.val.do("PATCH", "/api/v1/cases/"+id, map[string]any{"subject": "x"}, "If-Match", before.header.Get("ETag")).want(t, 412)
		e.val.do("POST", "/api/v1/cases/"+id+"/transitions", map[string]any{"to": "pending_customer"}).want(t, 200)
		e.val.do("POST", "/api/v1/cases/"+id+"/transitions", map[string]any{"to": "closed", "confirmed": true}).want(t, 422)
		bad := e.val.do("POST", "/api/v1/cases/"+id+"/transitions", map[string]any{"to": "resolved"}).want(t, 422)
		if errs, _ := bad.body["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "solution" {
			t.Fatalf("resolve without a solution: %s", bad.raw)
		}
		closeCase := func(id string, confirmed bool) {
			e.val.do("POST", "/api/v1/cases/"+id+"/transitions", map[string]any{"to": "resolved", "solution": "Fixed"}).want(t, 200)
			body := map[string]any{"to": "closed", "confirmed": confirmed}
			if !confirmed {
				body["reason"] = "no answer"
			}
			e.val.do("POST", "/api/v1/cases/"+id+"/transitions", body).want(t, 200)
		}
		e.val.do("POST", "/api/v1/cases", map[string]any{"account_id": acc.str("id"), "subject": "Broken", "category": "returns"}).want(t, 422)
		e.val.do("PUT", "/api/v1/case-categories/returns", map[string]any{"active": true}).want(t, 403)
		e.mia.do("PUT", "/api/v1/case-categories/Returns", map[string]any{"active": true}).want(t, 200)
		open("returns")
		closeCase(id, true)
		closeCase(open("billing"), false)
		closeCase(open("billing"), true)
		prefs := e.sam.do("PUT", "/api/v1/me/notification-preferences", map[string]bool{"competitor_quote": false}).want(t, 200)
		if prefs.body["competitor_quote"] != false || prefs.body["case_opened"] != true {
			t.Fatalf("preferences: %s", prefs.raw)
		}
		e.sam.do("PUT", "/api/v1/me/notification-preferences", map[string]bool{"gossip": true}).want(t, 422)
		rates := e.mia.do("GET", "/api/v1/case-metrics/confirmation", nil).want(t, 200)
		byCat, _ := rates.body["by_category"].([]any)
		got := map[string]float64{}
		for _, r := range byCat {
			m := r.(map[string]any)
			got[m["key"].(string)] = m["rate"].(float64)
		}
		if got["delivery"] != 1 || got["billing"] != 0.5 {
			t.Fatalf("confirmation by category: %s", rates.raw)
		}
	})
}
