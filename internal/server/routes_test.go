package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/promise"
	"tandem/internal/rules"
	"tandem/internal/server"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/web"
)

// A caller is who tries a route: nobody, a revoked token, a token of one
// scope held by a user of one role, or a browser session of one role.
type caller struct {
	name    string
	role    string       // "" for the anonymous and the revoked
	scope   access.Scope // the token's scope; "" for a session
	session bool
}

// callers is the matrix's caller axis: every role with every token scope
// it can hold, and with a browser session.
var callers = func() []caller {
	out := []caller{{name: "anonymous"}, {name: "revoked"}}
	for _, role := range []string{"admin", "manager", "sales", "service"} {
		scopes := []access.Scope{access.ScopeRead, access.ScopeWrite}
		if role == "admin" {
			scopes = append(scopes, access.ScopeAdmin)
		}
		for _, sc := range scopes {
			out = append(out, caller{name: role + "/" + string(sc) + "-token", role: role, scope: sc})
		}
		out = append(out, caller{name: role + "/session", role: role, session: true})
	}
	return out
}()

// rule is the expectation of one route for every caller.
type rule struct {
	ok     int          // the status of a caller who may
	roles  []string     // the roles who may; nil: every role
	scope  access.Scope // the token scope the route needs
	out    int          // the status of a caller who is not signed in
	page   bool         // an HTML route: only browser sessions sign in
	except map[string]int
}

func (r rule) want(c caller) int {
	if v, ok := r.except[c.name]; ok {
		return v
	}
	signedIn := c.role != "" && (c.session || !r.page)
	switch {
	case !signedIn:
		return r.out
	case !c.session && !c.scope.Covers(r.scope):
		return http.StatusForbidden
	case r.roles != nil && !slices.Contains(r.roles, c.role):
		return http.StatusForbidden
	}
	return r.ok
}

// Common expectations.
var (
	apiRead = rule{ok: 200, scope: access.ScopeRead, out: 401}
	// apiRole: the roles who may, with a token of at least scope sc.
	apiRole = func(ok int, sc access.Scope, roles ...string) rule {
		return rule{ok: ok, roles: roles, scope: sc, out: 401}
	}
	apiWrite = func(ok int) rule { return apiRole(ok, access.ScopeWrite) }
	apiOnly  = func(ok int, roles ...string) rule { return apiRole(ok, access.ScopeWrite, roles...) }
	apiAdmin = func(ok int) rule { return apiRole(ok, access.ScopeAdmin, "admin") }
	pageRead = rule{ok: 200, out: 303, page: true}
	pageOnly = func(roles ...string) rule { return rule{ok: 200, roles: roles, out: 303, page: true} }
	// formWrite and formOnly are posted forms: a caller without a session gets 401.
	formWrite = func(ok int) rule { return rule{ok: ok, out: 401, page: true} }
	formOnly  = func(ok int, roles ...string) rule { return rule{ok: ok, roles: roles, out: 401, page: true} }
	public    = func(status int) rule { return rule{ok: status, out: status} }
)

type world struct {
	t       *testing.T
	s       *store.Store
	a       *app.App
	users   map[string]access.Actor
	secrets map[string]string // token secrets by caller name
	account customer.Account  // owned by the sales user
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

// newPolicy is a service policy written by the admin.
func (w *world) newPolicy() string {
	p, err := w.a.SaveServicePolicy(context.Background(), w.actor("admin"), rules.Policy{Name: "Route test", Statement: "Rebates are paid 6–8 weeks after the claim",
		Rule: `promise.kind == "rebate"`, Severity: rules.Warn}, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

// session opens a browser session for a user without the cost of a
// password check, and returns its cookie value and id.
func (w *world) session(userID string) (secret, id string) {
	now := w.a.Now()
	secret, id = access.NewSecret("tds_"), uuid.Must(uuid.NewV7()).String()
	err := w.s.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.InsertSession(context.Background(), store.Session{ID: id, UserID: userID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(app.SessionIdle), IP: "127.0.0.9"}, access.HashSecret(secret))
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return secret, id
}

// adminSession is another session of the admin, for revoking.
func (w *world) adminSession() string {
	_, id := w.session(w.actor("admin").User.ID)
	return id
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
	want rule
}

const login = `{"email":"admin@example.com","password":"a long enough password"}`

func apiRows() map[string]row {
	acc := func(suffix, body string) call {
		return func(w *world) (string, string) { return "/api/v1/accounts/" + w.newAccount().ID + suffix, body }
	}
	return map[string]row{
		"GET /healthz":          {fixed("/healthz", ""), public(200)},
		"GET /readyz":           {fixed("/readyz", ""), public(200)},
		"GET /api/openapi.json": {fixed("/api/openapi.json", ""), public(200)},
		// A Prometheus scraper sends an admin's read token.
		"GET /metrics":                    {fixed("/metrics", ""), apiRole(200, access.ScopeRead, "admin")},
		"POST /api/v1/session":            {fixed("/api/v1/session", login), public(200)},
		"DELETE /api/v1/session":          {fixed("/api/v1/session", ""), apiWrite(204)},
		"GET /api/v1/me":                  {fixed("/api/v1/me", ""), apiRead},
		"PUT /api/v1/me/password":         {fixed("/api/v1/me/password", `{"current_password":"wrong","new_password":"another long password"}`), apiWrite(422)},
		"GET /api/v1/me/sessions":         {fixed("/api/v1/me/sessions", ""), apiRead},
		"DELETE /api/v1/me/sessions/{id}": {func(w *world) (string, string) { return "/api/v1/me/sessions/" + w.adminSession(), "" }, apiOnly(204, "admin")},
		"GET /api/v1/users":               {fixed("/api/v1/users", ""), apiRead},
		"GET /api/v1/users/{id}":          {func(w *world) (string, string) { return "/api/v1/users/" + w.actor("sales").User.ID, "" }, apiRead},
		"POST /api/v1/users": {func(w *world) (string, string) {
			return "/api/v1/users", `{"email":"` + strings.ToLower(access.GeneratePassword()[:8]) + `@example.com","name":"N","role":"sales"}`
		}, apiAdmin(201)},
		"PATCH /api/v1/users/{id}":           {func(w *world) (string, string) { return "/api/v1/users/" + w.newUser().ID, `{"name":"Renamed"}` }, apiAdmin(200)},
		"POST /api/v1/users/{id}/password":   {func(w *world) (string, string) { return "/api/v1/users/" + w.newUser().ID + "/password", `{}` }, apiAdmin(200)},
		"GET /api/v1/tokens":                 {fixed("/api/v1/tokens", ""), apiRead},
		"POST /api/v1/tokens":                {fixed("/api/v1/tokens", `{"label":"x","scope":"read"}`), apiWrite(201)},
		"DELETE /api/v1/tokens/{id}":         {func(w *world) (string, string) { return "/api/v1/tokens/" + w.adminToken(), "" }, apiOnly(204, "admin")},
		"GET /api/v1/audit":                  {fixed("/api/v1/audit", ""), apiRole(200, access.ScopeRead, "admin", "manager")},
		"GET /api/v1/audit/export":           {fixed("/api/v1/audit/export", ""), apiRole(200, access.ScopeRead, "admin", "manager")},
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
		// Service policies: everyone reads and checks; managers and admins write.
		"GET /api/v1/policies":      {fixed("/api/v1/policies", ""), apiRead},
		"GET /api/v1/policies/{id}": {func(w *world) (string, string) { return "/api/v1/policies/" + w.newPolicy(), "" }, apiRead},
		"POST /api/v1/policies": {fixed("/api/v1/policies", `{"name":"Rebates","statement":"Rebates are paid 6–8 weeks after the claim","rule":"promise.kind == \"rebate\" && promise.due_in_days < 42","severity":"warn"}`),
			apiOnly(201, "admin", "manager")},
		"PATCH /api/v1/policies/{id}": {func(w *world) (string, string) { return "/api/v1/policies/" + w.newPolicy(), `{"severity":"block"}` },
			apiOnly(200, "admin", "manager")},
		"DELETE /api/v1/policies/{id}": {func(w *world) (string, string) { return "/api/v1/policies/" + w.newPolicy(), "" }, apiOnly(204, "admin", "manager")},
		"POST /api/v1/policies/check": {func(w *world) (string, string) {
			return "/api/v1/policies/check", `{"kind":"rebate","amount":{"amount_minor":120000,"currency":"EUR"},"due_at":"2030-01-01T00:00:00Z","account_id":"` + w.account.ID + `"}`
		}, apiWrite(200)},
		// Promises: everyone makes and keeps them; their maker (here the
		// sales user) or a manager changes them.
		"GET /api/v1/promises": {fixed("/api/v1/promises?status=open", ""), apiRead},
		"POST /api/v1/promises": {func(w *world) (string, string) {
			return "/api/v1/promises", `{"account_id":"` + w.account.ID + `","kind":"callback","description":"I call you back by Thursday",` +
				`"amount":{"amount_minor":120000,"currency":"EUR"},"due_at":"` + w.a.Now().Add(72*time.Hour).Format(time.RFC3339) + `"}`
		}, apiWrite(201)},
		"GET /api/v1/promises/{id}": {func(w *world) (string, string) { return "/api/v1/promises/" + w.newPromise(), "" }, apiRead},
		"PATCH /api/v1/promises/{id}": {func(w *world) (string, string) {
			return "/api/v1/promises/" + w.newPromise(), `{"description":"Paid by Friday"}`
		}, apiOnly(200, "admin", "manager", "sales")},
		"POST /api/v1/promises/{id}/transitions": {func(w *world) (string, string) {
			return "/api/v1/promises/" + w.newPromise() + "/transitions", `{"to":"kept","evidence":"Credit note"}`
		}, apiWrite(200)},
	}
}

func form(v url.Values) string { return v.Encode() }

func webRows() map[string]row {
	redirectHome := rule{ok: 303, out: 200, page: true}
	return map[string]row{
		"GET /login":         {fixed("/login", ""), redirectHome},
		"POST /login":        {fixed("/login", form(url.Values{"email": {"admin@example.com"}, "password": {"a long enough password"}})), public(303)},
		"POST /logout":       {fixed("/logout", ""), formWrite(303)},
		"GET /{$}":           {fixed("/", ""), pageRead},
		"GET /accounts":      {fixed("/accounts", ""), pageRead},
		"GET /accounts/new":  {fixed("/accounts/new", ""), pageRead},
		"POST /accounts":     {fixed("/accounts", form(url.Values{"name": {"Route Test"}, "allow_duplicate": {"1"}})), formOnly(303, "admin", "manager", "sales")},
		"GET /accounts/{id}": {func(w *world) (string, string) { return "/accounts/" + w.account.ID, "" }, pageRead},
		"GET /search":        {fixed("/search?q=route", ""), pageRead},
		"GET /accounts/{id}/edit": {func(w *world) (string, string) { return "/accounts/" + w.account.ID + "/edit", "" },
			pageOnly("admin", "manager", "sales")},
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
			pageOnly("admin", "manager", "sales")},
		"POST /interactions/{id}": {func(w *world) (string, string) {
			return "/interactions/" + w.newInteraction().ID, form(url.Values{"summary": {"Corrected"}, "version": {"1"}})
		}, formOnly(303, "admin", "manager", "sales")},
		"POST /interactions/{id}/delete": {func(w *world) (string, string) {
			return "/interactions/" + w.newInteraction().ID + "/delete", form(url.Values{"version": {"1"}})
		}, formOnly(303, "admin", "manager", "sales")},
		"POST /accounts/{id}/promises": {func(w *world) (string, string) {
			return "/accounts/" + w.account.ID + "/promises", form(url.Values{"promise_kind": {"callback"}, "promise_description": {"A call back"},
				"promise_due_at": {w.a.Now().Add(72 * time.Hour).In(w.a.Zone()).Format("2006-01-02T15:04")}})
		}, formWrite(303)},
		"GET /promises/{id}": {func(w *world) (string, string) { return "/promises/" + w.newPromise(), "" }, pageRead},
		"POST /promises/{id}": {func(w *world) (string, string) {
			return "/promises/" + w.newPromise(), form(url.Values{"description": {"A call back on Friday"}})
		}, formOnly(303, "admin", "manager", "sales")},
		"POST /promises/{id}/transitions": {func(w *world) (string, string) {
			return "/promises/" + w.newPromise() + "/transitions", form(url.Values{"to": {"kept"}})
		}, formWrite(303)},
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
		"POST /cases/{id}": {func(w *world) (string, string) {
			return "/cases/" + w.newCase(), form(url.Values{"priority": {"high"}})
		}, formOnly(303, "admin", "manager", "service")},
		"POST /cases/assign": {func(w *world) (string, string) {
			return "/cases/assign", form(url.Values{"case_ids": {w.newCase()}, "assignee_id": {""}})
		}, formOnly(303, "admin", "manager", "service")},
		"GET /inbox":              {fixed("/inbox", ""), pageRead},
		"POST /inbox/read":        {fixed("/inbox/read", ""), formWrite(303)},
		"POST /inbox/{id}/read":   {fixed("/inbox/01a20535-0000-7000-8000-000000000000/read", ""), formWrite(303)},
		"GET /settings":           {fixed("/settings", ""), pageRead},
		"POST /settings/password": {fixed("/settings/password", form(url.Values{"current_password": {"wrong"}, "new_password": {"another long password"}})), formWrite(422)},
		"POST /settings/sessions/{id}/revoke": {func(w *world) (string, string) {
			return "/settings/sessions/" + w.adminSession() + "/revoke", "confirm=1"
		}, formOnly(303, "admin")},
		"POST /settings/tokens":    {fixed("/settings/tokens", form(url.Values{"label": {"x"}, "scope": {"read"}})), formWrite(201)},
		"POST /tokens/{id}/revoke": {func(w *world) (string, string) { return "/tokens/" + w.adminToken() + "/revoke", "confirm=1" }, formOnly(303, "admin")},
		"GET /admin/users":         {fixed("/admin/users", ""), pageOnly("admin")},
		"GET /policies":            {fixed("/policies", ""), pageRead},
		"POST /policies": {fixed("/policies", form(url.Values{"name": {"Rebates"}, "statement": {"Rebates are paid 6–8 weeks after the claim"},
			"rule": {`promise.kind == "rebate" && promise.due_in_days < 42`}, "severity": {"warn"}})), formOnly(303, "admin", "manager")},
		"POST /policies/try": {func(w *world) (string, string) {
			return "/policies/try", form(url.Values{"kind": {"rebate"}, "due_at": {"2030-01-01"}, "account_id": {w.account.ID}})
		}, formWrite(200)},
		"GET /policies/{id}": {func(w *world) (string, string) { return "/policies/" + w.newPolicy(), "" }, pageRead},
		"POST /policies/{id}": {func(w *world) (string, string) {
			return "/policies/" + w.newPolicy(), form(url.Values{"version": {"1"}, "name": {"Rebates"}, "statement": {"Rebates are paid 6–8 weeks after the claim"},
				"rule": {`promise.kind == "rebate"`}, "severity": {"block"}, "effective_from": {"2026-03-01"}})
		}, formOnly(303, "admin", "manager")},
		"POST /policies/{id}/remove": {func(w *world) (string, string) {
			return "/policies/" + w.newPolicy() + "/remove", form(url.Values{"version": {"1"}, "confirm": {"1"}})
		}, formOnly(303, "admin", "manager")},
		"POST /admin/users": {func(w *world) (string, string) {
			return "/admin/users", form(url.Values{"name": {"N"}, "email": {strings.ToLower(access.GeneratePassword()[:8]) + "@example.com"}, "role": {"sales"}})
		}, formOnly(201, "admin")},
		"POST /admin/users/{id}": {func(w *world) (string, string) {
			return "/admin/users/" + w.newUser().ID, form(url.Values{"role": {"service"}})
		}, formOnly(303, "admin")},
		"POST /admin/users/{id}/password": {func(w *world) (string, string) { return "/admin/users/" + w.newUser().ID + "/password", "confirm=1" }, formOnly(200, "admin")},
		// Everyone's sessions and tokens, and signing out anyone's session.
		"GET /admin/access": {fixed("/admin/access", ""), pageOnly("admin")},
		"POST /admin/sessions/{id}/revoke": {func(w *world) (string, string) {
			_, id := w.session(w.actor("sales").User.ID)
			return "/admin/sessions/" + id + "/revoke", "confirm=1"
		}, formOnly(303, "admin")},
		"GET /audit":            {fixed("/audit", ""), pageOnly("admin", "manager")},
		"GET /audit.csv":        {fixed("/audit.csv", ""), pageOnly("admin", "manager")},
		"GET /static/":          {fixed("/static/tandem.css", ""), public(200)},
		"GET /settings/service": {fixed("/settings/service?days=30", ""), pageRead},
		"POST /settings/service/calendar": {fixed("/settings/service/calendar", form(url.Values{"calendar_name": {"Office"}, "calendar_version": {"-1"},
			"time_zone": {"Europe/Berlin"}, "hours.monday": {"09:00-17:00"}})), formOnly(303, "admin", "manager")},
		"POST /settings/service/policy": {fixed("/settings/service/policy", form(url.Values{"policy_name": {"Mars"}, "policy_version": {"-1"},
			"targets.low.first_response": {"-4h"}})), formOnly(422, "admin", "manager")},
		// The customer's answer page is public; its link is the credential.
		"GET /r/{token}":  {fixed("/r/01a20535-0000-7000-8000-000000000000.abc.forged", ""), public(404)},
		"POST /r/{token}": {fixed("/r/01a20535-0000-7000-8000-000000000000.abc.forged", form(url.Values{"answer": {"yes"}})), public(404)},
	}
}

// newWorld is a server with a user of every role, a token of every scope
// each role may hold, and a revoked token.
func newWorld(t *testing.T) (*world, *server.Handler, *httptest.Server) {
	return newWorldOn(t, storetest.SQLite(t))
}

func newWorldOn(t *testing.T, st *store.Store) (*world, *server.Handler, *httptest.Server) {
	a := app.New(st)
	h := server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	w := &world{t: t, s: st, a: a, users: map[string]access.Actor{}, secrets: map[string]string{}}
	for _, role := range []string{"admin", "manager", "sales", "service"} {
		u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: role + "@example.com", Name: role, Role: role, Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		w.users[role] = access.Actor{User: u, Scope: access.ScopeAdmin}
	}
	for _, c := range callers {
		if c.role == "" || c.session {
			continue
		}
		_, secret, err := a.CreateToken(ctx, access.System, app.NewToken{UserID: w.users[c.role].User.ID, Scope: string(c.scope)})
		if err != nil {
			t.Fatal(err)
		}
		w.secrets[c.name] = secret
	}
	revoked, secret, _ := a.CreateToken(ctx, access.System, app.NewToken{UserID: w.users["admin"].User.ID, Scope: "admin"})
	if err := a.RevokeToken(ctx, w.actor("admin"), revoked.ID); err != nil {
		t.Fatal(err)
	}
	w.secrets["revoked"] = secret
	w.account = w.newAccount()
	return w, h, srv
}

// do sends one request as caller c: a token in the Authorization header,
// or the cookie of a fresh browser session (so that signing out in one
// row does not sign the caller out of the next).
func (w *world) do(srv *httptest.Server, c caller, method, path, body string, isAPI bool) (int, string, http.Header) {
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
	switch {
	case c.session:
		secret, _ := w.session(w.actor(c.role).User.ID)
		req.AddCookie(&http.Cookie{Name: "tandem_session", Value: secret})
	case c.name != "anonymous":
		req.Header.Set("Authorization", "Bearer "+w.secrets[c.name])
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(b), res.Header
}

// TestEveryRouteForEveryCaller asserts the exact status of every API
// operation and every page for every caller: anonymous, a revoked token,
// every role with a token of every scope it can hold, and every role with
// a browser session. A route without a row fails the test, and so does a
// row without a route.
func TestEveryRouteForEveryCaller(t *testing.T) {
	w, h, srv := newWorld(t)
	api, pages := apiRows(), webRows()
	addGoodwillRows(api, pages)
	addDealRows(api, pages)
	addOrderRows(api, pages)
	addSurveyRows(api, pages)
	addTaskRows(api, pages)
	addEngineRows(api, pages)
	addCompetitorRows(api, pages)
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
		method := strings.SplitN(key, " ", 2)[0]
		for _, c := range callers {
			path, body := r.call(w)
			got, b, _ := w.do(srv, c, method, path, body, isAPI)
			if want := r.want.want(c); got != want {
				t.Errorf("%s as %s: want %d, got %d: %.200s", key, c.name, want, got, b)
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
	patterns := web.Patterns()
	for _, key := range patterns {
		r, ok := pages[key]
		if !ok {
			missing = append(missing, key)
			continue
		}
		if !r.want.page && r.want.ok != r.want.out {
			t.Errorf("%s: a page that signs callers in must be marked page, so that tokens are refused", key)
		}
		check(key, r, false)
	}
	if len(missing) > 0 {
		t.Fatalf("routes without a row in the access table: %v", missing)
	}
	if len(ops) != len(api) {
		t.Fatalf("the table has %d API rows for %d operations", len(api), len(ops))
	}
	if len(patterns) != len(pages) {
		t.Fatalf("the table has %d page rows for %d page routes", len(pages), len(patterns))
	}
}

// TestRedirectsStayOnSite: every redirect to a target the request names
// goes to a path on this site, whatever was sent.
func TestRedirectsStayOnSite(t *testing.T) {
	w, _, srv := newWorld(t)
	sales := caller{name: "sales/session", role: "sales", session: true}
	// A target with control characters may be refused with the form (422);
	// anything else is redirected to the fallback.
	stays := func(status int, h http.Header, fallback string) bool {
		return (status == 303 && h.Get("Location") == fallback) || (status == 422 && h.Get("Location") == "")
	}
	for _, target := range []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example", "/\r\n/evil.example", "javascript:alert(1)"} {
		status, _, h := w.do(srv, caller{name: "anonymous"}, "POST", "/login",
			form(url.Values{"email": {"sales@example.com"}, "password": {"a long enough password"}, "next": {target}}), false)
		if !stays(status, h, "/") {
			t.Errorf("sign-in with next=%q: %d to %q", target, status, h.Get("Location"))
		}
		status, _, h = w.do(srv, sales, "POST", "/inbox/01a20535-0000-7000-8000-000000000000/read", form(url.Values{"to": {target}}), false)
		if !stays(status, h, "/inbox") {
			t.Errorf("inbox with to=%q: %d to %q", target, status, h.Get("Location"))
		}
	}
	status, _, h := w.do(srv, caller{name: "anonymous"}, "POST", "/login",
		form(url.Values{"email": {"sales@example.com"}, "password": {"a long enough password"}, "next": {"/accounts?q=a#top"}}), false)
	if status != 303 || h.Get("Location") != "/accounts?q=a#top" {
		t.Errorf("a local next: %d to %q", status, h.Get("Location"))
	}
}

// storedBytes is what anonymous requests can have written: the rows and
// bytes of the sign-in throttle and of the event log.
func storedBytes(t *testing.T, st *store.Store) (rows, bytes int64) {
	t.Helper()
	var r1, b1, r2, b2 int64
	if err := st.JobsDB().QueryRow(`SELECT COUNT(*), COALESCE(SUM(LENGTH(key)), 0) FROM login_throttle`).Scan(&r1, &b1); err != nil {
		t.Fatal(err)
	}
	if err := st.JobsDB().QueryRow(`SELECT COUNT(*), COALESCE(SUM(LENGTH(COALESCE(after_json, '')) + LENGTH(subject_id)), 0) FROM events`).Scan(&r2, &b2); err != nil {
		t.Fatal(err)
	}
	return r1 + r2, b1 + b2
}

// TestAnonymousRequestsStoreLittle: on both engines, a sign-in with a huge
// email, on the API or the sign-in form, is refused with a 4xx that says
// why and writes nothing; failed sign-ins with the longest email there is
// write a bounded number of bytes each; a forged answer link writes nothing.
func TestAnonymousRequestsStoreLittle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		w, _, srv := newWorldOn(t, st)
		anon := caller{name: "anonymous"}
		rows, bytes := storedBytes(t, st)
		for _, size := range []int{300, 3 << 20, 5 << 20} {
			email := strings.Repeat("a", size) + "@example.com"
			body, _ := json.Marshal(map[string]string{"email": email, "password": "whatever password"})
			status, b, h := w.do(srv, anon, "POST", "/api/v1/session", string(body), true)
			if status < 400 || status >= 500 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || !strings.Contains(b, "email") && status != 413 {
				t.Errorf("API sign-in with a %d-byte email: %d %s %.200s", size, status, h.Get("Content-Type"), b)
			}
			status, b, _ = w.do(srv, anon, "POST", "/login", form(url.Values{"email": {email}, "password": {"whatever password"}}), false)
			switch {
			case size < 1<<20 && (status != 422 || !strings.Contains(b, `id="email-error"`)):
				t.Errorf("sign-in form with a %d-byte email: want 422 with the message beside the field, got %d %.300s", size, status, b)
			case status < 400 || status >= 500:
				t.Errorf("sign-in form with a %d-byte email: %d", size, status)
			}
		}
		for _, path := range []string{"/r/01a20535-0000-7000-8000-000000000000.abc.forged", "/r/" + strings.Repeat("x", 100000)} {
			w.do(srv, anon, "POST", path, form(url.Values{"answer": {"no"}, "note": {strings.Repeat("n", 1500)}}), false)
		}
		if r, b := storedBytes(t, st); r != rows || b != bytes {
			t.Fatalf("refused anonymous requests wrote %d rows and %d bytes", r-rows, b-bytes)
		}
		const n = 10
		for i := range n {
			email := strings.Repeat(string(rune('a'+i)), access.MaxEmailLength-12) + "@example.com"
			status, _, _ := w.do(srv, anon, "POST", "/login", form(url.Values{"email": {email}, "password": {"whatever password"}}), false)
			if status != 401 {
				t.Fatalf("a failed sign-in: %d", status)
			}
		}
		if r, b := storedBytes(t, st); r-rows > 3*n || b-bytes > n*1200 {
			t.Fatalf("%d failed sign-ins wrote %d rows and %d bytes", n, r-rows, b-bytes)
		}
	})
}

// TestMovingAContactNeedsBothAccounts: the API inherits the app's rule; a
// sales user cannot move another's contact onto an account of their own
// to delete it there.
func TestMovingAContactNeedsBothAccounts(t *testing.T) {
	w, _, srv := newWorld(t)
	ctx := context.Background()
	theirs, err := w.a.CreateAccount(ctx, w.actor("admin"), customer.Account{Name: "Someone else's", OwnerID: w.actor("manager").User.ID}, true)
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.a.CreateContact(ctx, w.actor("admin"), customer.Contact{AccountID: theirs.ID, Name: "Rita Route"}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, sales := range []caller{{name: "sales/session", role: "sales", session: true}, {name: "sales/write-token", role: "sales", scope: access.ScopeWrite}} {
		if status, b, _ := w.do(srv, sales, "PATCH", "/api/v1/contacts/"+c.ID, `{"account_id":"`+w.account.ID+`"}`, true); status != 403 {
			t.Errorf("%s moved another's contact to their account: %d %.200s", sales.name, status, b)
		}
		if status, _, _ := w.do(srv, sales, "DELETE", "/api/v1/contacts/"+c.ID, "", true); status != 403 {
			t.Errorf("%s deleted another's contact: %d", sales.name, status)
		}
	}
	if now, err := w.a.Contact(ctx, w.actor("admin"), c.ID); err != nil || now.AccountID != theirs.ID {
		t.Fatalf("the contact moved: %v %+v", err, now)
	}
}

// newPromise is a promise the sales user made to the world's account.
func (w *world) newPromise() string {
	p, err := w.a.MakePromise(context.Background(), w.actor("sales"), promise.Promise{AccountID: w.account.ID, Kind: promise.Callback,
		Description: "A call back", DueAt: w.a.Now().Add(48 * time.Hour)})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}
