package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/server"
	"tandem/internal/store/storetest"
	"tandem/internal/web"
)

// The callers every route is tried with.
var callers = []string{"anonymous", "revoked", "read", "admin", "manager", "sales", "service"}

// expect gives the status per caller; missing callers get def.
func expect(def int, m map[string]int) map[string]int {
	out := map[string]int{}
	for _, c := range callers {
		out[c] = def
	}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Common expectations.
var (
	apiRead  = expect(200, map[string]int{"anonymous": 401, "revoked": 401})
	apiWrite = func(ok int) map[string]int {
		return expect(ok, map[string]int{"anonymous": 401, "revoked": 401, "read": 403})
	}
	apiOnly   = func(ok int, roles ...string) map[string]int { return only(401, ok, roles...) }
	pageRead  = expect(200, map[string]int{"anonymous": 303, "revoked": 303})
	formWrite = func(ok int) map[string]int {
		return expect(ok, map[string]int{"anonymous": 401, "revoked": 401, "read": 403})
	}
	formOnly = func(ok int, roles ...string) map[string]int { return only(401, ok, roles...) }
	public   = expect(200, nil)
)

func only(anon, ok int, roles ...string) map[string]int {
	m := expect(403, map[string]int{"anonymous": anon, "revoked": anon})
	for _, r := range roles {
		m[r] = ok
	}
	return m
}

type world struct {
	t       *testing.T
	a       *app.App
	users   map[string]access.Actor
	secrets map[string]string
	account customer.Account // owned by the sales user
}

func (w *world) actor(role string) access.Actor { return w.users[role] }

func (w *world) newAccount() customer.Account {
	acc, err := w.a.CreateAccount(context.Background(), w.actor("sales"), customer.Account{Name: "Route Test"}, true)
	if err != nil {
		w.t.Fatal(err)
	}
	return acc
}

func (w *world) newContact() customer.Contact {
	c, err := w.a.CreateContact(context.Background(), w.actor("sales"), customer.Contact{AccountID: w.account.ID, Name: "Rita Route"}, true)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) newInteraction() customer.Interaction {
	i, err := w.a.LogInteraction(context.Background(), w.actor("sales"), customer.Interaction{AccountID: w.account.ID, Channel: "phone", Direction: "out", Summary: "call"})
	if err != nil {
		w.t.Fatal(err)
	}
	return i
}

func (w *world) newCase() string {
	c, err := w.a.OpenCase(context.Background(), w.actor("service"), cases.Case{AccountID: w.account.ID, Subject: "Route test"})
	if err != nil {
		w.t.Fatal(err)
	}
	return c.ID
}

func (w *world) newUser() access.User {
	u, _, err := w.a.AddUser(context.Background(), access.System, app.NewUser{Email: strings.ToLower(access.GeneratePassword()[:8]) + "@example.com", Name: "Temp", Role: "sales"})
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

func (w *world) adminSession() string {
	_, _, err := w.a.SignIn(context.Background(), "admin@example.com", "a long enough password", app.Client{IP: "127.0.0.9"})
	if err != nil {
		w.t.Fatal(err)
	}
	list, _ := w.a.Sessions(context.Background(), w.actor("admin"))
	return list[0].ID
}

func (w *world) adminToken() string {
	t, _, err := w.a.CreateToken(context.Background(), w.actor("admin"), app.NewToken{Label: "victim"})
	if err != nil {
		w.t.Fatal(err)
	}
	return t.ID
}

// call is one request: a path and a body made fresh for every caller.
type call func(w *world) (path string, body string)

func fixed(path, body string) call { return func(*world) (string, string) { return path, body } }

type row struct {
	call call
	want map[string]int
}

const login = `{"email":"admin@example.com","password":"a long enough password"}`

func apiRows() map[string]row {
	acc := func(suffix, body string) call {
		return func(w *world) (string, string) { return "/api/v1/accounts/" + w.newAccount().ID + suffix, body }
	}
	return map[string]row{
		"POST /api/v1/session":            {fixed("/api/v1/session", login), public},
		"DELETE /api/v1/session":          {fixed("/api/v1/session", ""), apiWrite(204)},
		"GET /api/v1/me":                  {fixed("/api/v1/me", ""), apiRead},
		"PUT /api/v1/me/password":         {fixed("/api/v1/me/password", `{"current_password":"wrong","new_password":"another long password"}`), apiWrite(422)},
		"GET /api/v1/me/sessions":         {fixed("/api/v1/me/sessions", ""), apiRead},
		"DELETE /api/v1/me/sessions/{id}": {func(w *world) (string, string) { return "/api/v1/me/sessions/" + w.adminSession(), "" }, only(401, 204, "admin")},
		"GET /api/v1/users":               {fixed("/api/v1/users", ""), apiRead},
		"GET /api/v1/users/{id}":          {func(w *world) (string, string) { return "/api/v1/users/" + w.actor("sales").User.ID, "" }, apiRead},
		"POST /api/v1/users": {func(w *world) (string, string) {
			return "/api/v1/users", `{"email":"` + strings.ToLower(access.GeneratePassword()[:8]) + `@example.com","name":"N","role":"sales"}`
		}, apiOnly(201, "admin")},
		"PATCH /api/v1/users/{id}":           {func(w *world) (string, string) { return "/api/v1/users/" + w.newUser().ID, `{"name":"Renamed"}` }, apiOnly(200, "admin")},
		"POST /api/v1/users/{id}/password":   {func(w *world) (string, string) { return "/api/v1/users/" + w.newUser().ID + "/password", `{}` }, apiOnly(200, "admin")},
		"GET /api/v1/tokens":                 {fixed("/api/v1/tokens", ""), apiRead},
		"POST /api/v1/tokens":                {fixed("/api/v1/tokens", `{"label":"x","scope":"read"}`), apiWrite(201)},
		"DELETE /api/v1/tokens/{id}":         {func(w *world) (string, string) { return "/api/v1/tokens/" + w.adminToken(), "" }, only(401, 204, "admin")},
		"GET /api/v1/audit":                  {fixed("/api/v1/audit", ""), apiOnly(200, "admin", "manager")},
		"GET /api/v1/audit/export":           {fixed("/api/v1/audit/export", ""), apiOnly(200, "admin", "manager")},
		"GET /api/v1/accounts":               {fixed("/api/v1/accounts", ""), apiRead},
		"POST /api/v1/accounts":              {fixed("/api/v1/accounts?allow_duplicate=true", `{"name":"Route Test"}`), apiOnly(201, "admin", "manager", "sales")},
		"GET /api/v1/accounts/{id}":          {acc("", ""), apiRead},
		"PATCH /api/v1/accounts/{id}":        {acc("", `{"tier":"gold"}`), apiOnly(200, "admin", "manager", "sales")},
		"DELETE /api/v1/accounts/{id}":       {acc("", ""), apiOnly(204, "admin", "manager")},
		"GET /api/v1/accounts/{id}/timeline": {acc("/timeline", ""), apiRead},
		"POST /api/v1/accounts/{id}/merge": {func(w *world) (string, string) {
			return "/api/v1/accounts/" + w.newAccount().ID + "/merge", `{"from_id":"` + w.newAccount().ID + `"}`
		}, apiOnly(200, "admin", "manager")},
		"GET /api/v1/cases": {fixed("/api/v1/cases?status=new&status=open", ""), apiRead},
		"POST /api/v1/cases": {func(w *world) (string, string) {
			return "/api/v1/cases", `{"account_id":"` + w.account.ID + `","subject":"Help"}`
		}, apiWrite(201)},
		"GET /api/v1/cases/{id}": {func(w *world) (string, string) { return "/api/v1/cases/" + w.newCase(), "" }, apiRead},
		"POST /api/v1/cases/{id}/transitions": {func(w *world) (string, string) {
			return "/api/v1/cases/" + w.newCase() + "/transitions", `{"to":"open"}`
		},
			apiOnly(200, "admin", "manager", "service")},
		"GET /api/v1/cases/{id}/comments": {func(w *world) (string, string) { return "/api/v1/cases/" + w.newCase() + "/comments", "" }, apiRead},
		"POST /api/v1/cases/{id}/comments": {func(w *world) (string, string) {
			return "/api/v1/cases/" + w.newCase() + "/comments", `{"body":"Called back"}`
		}, apiWrite(201)},
		"PATCH /api/v1/cases/{id}": {func(w *world) (string, string) { return "/api/v1/cases/" + w.newCase(), `{"priority":"high"}` },
			apiOnly(200, "admin", "manager", "service")},
		"GET /api/v1/case-metrics/confirmation":   {fixed("/api/v1/case-metrics/confirmation", ""), apiRead},
		"GET /api/v1/me/notification-preferences": {fixed("/api/v1/me/notification-preferences", ""), apiRead},
		"PUT /api/v1/me/notification-preferences": {fixed("/api/v1/me/notification-preferences", `{"competitor_quote":false}`), apiWrite(200)},
		"GET /api/v1/case-categories":             {fixed("/api/v1/case-categories", ""), apiRead},
		"PUT /api/v1/case-categories/{name}":      {fixed("/api/v1/case-categories/returns", `{"active":true}`), apiOnly(200, "admin", "manager")},
		"GET /api/v1/calendars":                   {fixed("/api/v1/calendars", ""), apiRead},
		"GET /api/v1/calendars/{id}":              {fixed("/api/v1/calendars/default", ""), apiRead},
		"PATCH /api/v1/calendars/{id}":            {fixed("/api/v1/calendars/default", `{"name":"Office hours"}`), apiOnly(200, "admin", "manager")},
		"GET /api/v1/sla-policies":                {fixed("/api/v1/sla-policies", ""), apiRead},
		"GET /api/v1/sla-policies/{id}":           {fixed("/api/v1/sla-policies/default", ""), apiRead},
		"PATCH /api/v1/sla-policies/{id}":         {fixed("/api/v1/sla-policies/default", `{"name":"Standard service"}`), apiOnly(200, "admin", "manager")},
		"GET /api/v1/notifications":               {fixed("/api/v1/notifications?unread=true", ""), apiRead},
		"POST /api/v1/notifications/read":         {fixed("/api/v1/notifications/read", ""), apiWrite(204)},
		"POST /api/v1/notifications/{id}/read":    {fixed("/api/v1/notifications/01a20535-0000-7000-8000-000000000000/read", ""), apiWrite(404)},
		"GET /api/v1/contacts":                    {fixed("/api/v1/contacts", ""), apiRead},
		"POST /api/v1/contacts": {func(w *world) (string, string) {
			return "/api/v1/contacts?allow_duplicate=true", `{"account_id":"` + w.account.ID + `","name":"Rita Route"}`
		}, apiWrite(201)},
		"GET /api/v1/contacts/{id}":    {func(w *world) (string, string) { return "/api/v1/contacts/" + w.newContact().ID, "" }, apiRead},
		"PATCH /api/v1/contacts/{id}":  {func(w *world) (string, string) { return "/api/v1/contacts/" + w.newContact().ID, `{"title":"CFO"}` }, apiWrite(200)},
		"DELETE /api/v1/contacts/{id}": {func(w *world) (string, string) { return "/api/v1/contacts/" + w.newContact().ID, "" }, apiOnly(204, "admin", "manager", "sales")},
		"GET /api/v1/interactions":     {fixed("/api/v1/interactions", ""), apiRead},
		"POST /api/v1/interactions": {func(w *world) (string, string) {
			return "/api/v1/interactions", `{"account_id":"` + w.account.ID + `","channel":"phone","direction":"in","summary":"hi"}`
		}, apiWrite(201)},
		"GET /api/v1/interactions/{id}": {func(w *world) (string, string) { return "/api/v1/interactions/" + w.newInteraction().ID, "" }, apiRead},
		"PATCH /api/v1/interactions/{id}": {func(w *world) (string, string) {
			return "/api/v1/interactions/" + w.newInteraction().ID, `{"outcome":"positive"}`
		},
			apiOnly(200, "admin", "manager", "sales")},
		"DELETE /api/v1/interactions/{id}": {func(w *world) (string, string) { return "/api/v1/interactions/" + w.newInteraction().ID, "" },
			apiOnly(204, "admin", "manager", "sales")},
	}
}

func form(v url.Values) string { return v.Encode() }

func webRows() map[string]row {
	redirectHome := expect(303, map[string]int{"anonymous": 200, "revoked": 200})
	return map[string]row{
		"GET /login":         {fixed("/login", ""), redirectHome},
		"POST /login":        {fixed("/login", form(url.Values{"email": {"admin@example.com"}, "password": {"a long enough password"}})), expect(303, nil)},
		"POST /logout":       {fixed("/logout", ""), formWrite(303)},
		"GET /{$}":           {fixed("/", ""), pageRead},
		"GET /accounts":      {fixed("/accounts", ""), pageRead},
		"GET /accounts/new":  {fixed("/accounts/new", ""), pageRead},
		"POST /accounts":     {fixed("/accounts", form(url.Values{"name": {"Route Test"}, "allow_duplicate": {"1"}})), formOnly(303, "admin", "manager", "sales")},
		"GET /accounts/{id}": {func(w *world) (string, string) { return "/accounts/" + w.account.ID, "" }, pageRead},
		"GET /accounts/{id}/edit": {func(w *world) (string, string) { return "/accounts/" + w.account.ID + "/edit", "" },
			only(303, 200, "admin", "manager", "sales", "read")},
		"POST /accounts/{id}": {func(w *world) (string, string) {
			return "/accounts/" + w.newAccount().ID, form(url.Values{"name": {"Route Test Renamed"}, "tier": {"gold"}, "version": {"1"}})
		}, formOnly(303, "admin", "manager", "sales")},
		"POST /accounts/{id}/contacts": {func(w *world) (string, string) {
			return "/accounts/" + w.account.ID + "/contacts", form(url.Values{"contact_name": {"Rita Route"}, "allow_duplicate": {"1"}})
		}, formWrite(303)},
		"POST /accounts/{id}/interactions": {func(w *world) (string, string) {
			return "/accounts/" + w.account.ID + "/interactions", form(url.Values{"channel": {"phone"}, "direction": {"in"}, "summary": {"hi"}})
		}, formWrite(303)},
		"GET /contacts/{id}":      {func(w *world) (string, string) { return "/contacts/" + w.newContact().ID, "" }, pageRead},
		"GET /contacts/{id}/edit": {func(w *world) (string, string) { return "/contacts/" + w.newContact().ID + "/edit", "" }, pageRead},
		"POST /contacts/{id}": {func(w *world) (string, string) {
			return "/contacts/" + w.newContact().ID, form(url.Values{"title": {"Buyer"}, "version": {"1"}})
		}, formWrite(303)},
		"GET /interactions/{id}/edit": {func(w *world) (string, string) { return "/interactions/" + w.newInteraction().ID + "/edit", "" },
			only(303, 200, "admin", "manager", "sales", "read")},
		"POST /interactions/{id}": {func(w *world) (string, string) {
			return "/interactions/" + w.newInteraction().ID, form(url.Values{"summary": {"Corrected"}, "version": {"1"}})
		}, formOnly(303, "admin", "manager", "sales")},
		"POST /interactions/{id}/delete": {func(w *world) (string, string) {
			return "/interactions/" + w.newInteraction().ID + "/delete", form(url.Values{"version": {"1"}})
		}, formOnly(303, "admin", "manager", "sales")},
		"GET /cases":     {fixed("/cases?view=all", ""), pageRead},
		"GET /cases/new": {func(w *world) (string, string) { return "/cases/new?account_id=" + w.account.ID, "" }, pageRead},
		"POST /cases": {func(w *world) (string, string) {
			return "/cases", form(url.Values{"account_id": {w.account.ID}, "subject": {"Help"}})
		}, formWrite(303)},
		"GET /cases/{id}": {func(w *world) (string, string) { return "/cases/" + w.newCase(), "" }, pageRead},
		"POST /cases/{id}/transitions": {func(w *world) (string, string) {
			return "/cases/" + w.newCase() + "/transitions", form(url.Values{"to": {"open"}})
		}, formOnly(303, "admin", "manager", "service")},
		"POST /cases/{id}/comments": {func(w *world) (string, string) {
			return "/cases/" + w.newCase() + "/comments", form(url.Values{"body": {"Called"}})
		}, formWrite(303)},
		"GET /inbox":                          {fixed("/inbox", ""), pageRead},
		"POST /inbox/read":                    {fixed("/inbox/read", ""), formWrite(303)},
		"POST /inbox/{id}/read":               {fixed("/inbox/01a20535-0000-7000-8000-000000000000/read", ""), formWrite(303)},
		"GET /settings":                       {fixed("/settings", ""), pageRead},
		"POST /settings/password":             {fixed("/settings/password", form(url.Values{"current_password": {"wrong"}, "new_password": {"another long password"}})), formWrite(422)},
		"POST /settings/sessions/{id}/revoke": {func(w *world) (string, string) { return "/settings/sessions/" + w.adminSession() + "/revoke", "" }, formOnly(303, "admin")},
		"POST /settings/tokens":               {fixed("/settings/tokens", form(url.Values{"label": {"x"}, "scope": {"read"}})), formWrite(201)},
		"POST /tokens/{id}/revoke":            {func(w *world) (string, string) { return "/tokens/" + w.adminToken() + "/revoke", "" }, formOnly(303, "admin")},
		"GET /admin/users":                    {fixed("/admin/users", ""), only(303, 200, "admin")},
		"POST /admin/users": {func(w *world) (string, string) {
			return "/admin/users", form(url.Values{"name": {"N"}, "email": {strings.ToLower(access.GeneratePassword()[:8]) + "@example.com"}, "role": {"sales"}})
		}, formOnly(201, "admin")},
		"POST /admin/users/{id}": {func(w *world) (string, string) {
			return "/admin/users/" + w.newUser().ID, form(url.Values{"role": {"service"}})
		}, formOnly(303, "admin")},
		"POST /admin/users/{id}/password": {func(w *world) (string, string) { return "/admin/users/" + w.newUser().ID + "/password", "" }, formOnly(200, "admin")},
		"GET /audit":                      {fixed("/audit", ""), only(303, 200, "admin", "manager")},
		"GET /audit.csv":                  {fixed("/audit.csv", ""), only(303, 200, "admin", "manager")},
		"GET /static/":                    {fixed("/static/tandem.css", ""), public},
		"GET /settings/service":           {fixed("/settings/service?days=30", ""), pageRead},
		"POST /settings/service/calendar": {fixed("/settings/service/calendar", form(url.Values{"calendar_name": {"Office"}, "calendar_version": {"-1"},
			"time_zone": {"Europe/Berlin"}, "hours.monday": {"09:00-17:00"}})), formOnly(303, "admin", "manager")},
		"POST /settings/service/policy": {fixed("/settings/service/policy", form(url.Values{"policy_name": {"Mars"}, "policy_version": {"-1"},
			"targets.low.first_response": {"-4h"}})), formOnly(422, "admin", "manager")},
		// The customer's answer page is public; its link is the credential.
		"GET /r/{token}":  {fixed("/r/01a20535-0000-7000-8000-000000000000.abc.forged", ""), expect(404, nil)},
		"POST /r/{token}": {fixed("/r/01a20535-0000-7000-8000-000000000000.abc.forged", form(url.Values{"answer": {"yes"}})), expect(404, nil)},
	}
}

// TestEveryRouteForEveryCaller asserts the exact status of every API
// operation and every page for every role, anonymous, a revoked token and a
// read-scoped token. A route without a row fails the test.
func TestEveryRouteForEveryCaller(t *testing.T) {
	s := storetest.SQLite(t)
	a := app.New(s)
	h := server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := context.Background()
	w := &world{t: t, a: a, users: map[string]access.Actor{}, secrets: map[string]string{}}
	for _, role := range []string{"admin", "manager", "sales", "service"} {
		u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: role + "@example.com", Name: role, Role: role, Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		w.users[role] = access.Actor{User: u, Scope: access.ScopeAdmin}
		scope := "write"
		if role == "admin" {
			scope = "admin"
		}
		_, secret, err := a.CreateToken(ctx, access.System, app.NewToken{UserID: u.ID, Scope: scope})
		if err != nil {
			t.Fatal(err)
		}
		w.secrets[role] = secret
	}
	_, w.secrets["read"], _ = a.CreateToken(ctx, access.System, app.NewToken{UserID: w.users["sales"].User.ID, Scope: "read"})
	revoked, secret, _ := a.CreateToken(ctx, access.System, app.NewToken{UserID: w.users["admin"].User.ID, Scope: "admin"})
	a.RevokeToken(ctx, w.actor("admin"), revoked.ID)
	w.secrets["revoked"] = secret
	w.account = w.newAccount()

	api, pages := apiRows(), webRows()
	var ops []string
	for path, item := range h.API.OpenAPI().Paths {
		for method, o := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put, "PATCH": item.Patch, "DELETE": item.Delete} {
			if o != nil {
				ops = append(ops, method+" "+path)
			}
		}
	}
	var missing []string
	check := func(key string, r row, isAPI bool) {
		for _, c := range callers {
			path, body := r.call(w)
			method := strings.SplitN(key, " ", 2)[0]
			var rd io.Reader
			if body != "" {
				rd = strings.NewReader(body)
			}
			req, _ := http.NewRequest(method, srv.URL+path, rd)
			if body != "" {
				if isAPI {
					req.Header.Set("Content-Type", "application/json")
				} else {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
			}
			if c != "anonymous" {
				req.Header.Set("Authorization", "Bearer "+w.secrets[c])
			}
			res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != r.want[c] {
				t.Errorf("%s as %s: want %d, got %d: %.200s", key, c, r.want[c], res.StatusCode, b)
			}
		}
	}
	sort.Strings(ops)
	for _, key := range ops {
		r, ok := api[key]
		if !ok {
			missing = append(missing, key)
			continue
		}
		check(key, r, true)
	}
	for _, key := range web.Patterns() {
		r, ok := pages[key]
		if !ok {
			missing = append(missing, key)
			continue
		}
		check(key, r, false)
	}
	if len(missing) > 0 {
		t.Fatalf("routes without a row in the access table: %v", missing)
	}
	if len(ops) != len(api) {
		t.Fatalf("the table has %d API rows for %d operations", len(api), len(ops))
	}
}
