package web_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

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
	"tandem/internal/survey"
	"tandem/internal/text"
	"tandem/internal/web"
)

// site is the whole HTTP handler over one store, with an admin signed in
// in a browser and one record of every kind the forms act on.
type site struct {
	t       testing.TB
	s       *store.Store
	a       *app.App
	srv     *httptest.Server
	admin   access.Actor
	cookie  string // the admin's browser session
	account customer.Account
	contact customer.Contact
	inter   customer.Interaction
	caseID  string
	user    access.User // a sales user the admin manages
	token   string      // the id of one of the admin's tokens
	session string      // the id of another session of the admin
	answer  string      // a customer's resolution link token
	// policyID is a service policy (policy makes it).
	policyID string
	promise  string // the id of a promise to the account
}

func newSite(t testing.TB, s *store.Store) *site {
	t.Helper()
	ctx := context.Background()
	a := app.New(s, app.WithEmail("https://tandem.example"))
	srv := httptest.NewServer(server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{}))
	t.Cleanup(srv.Close)
	x := &site{t: t, s: s, a: a, srv: srv}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "admin@example.com", Name: "Ada", Role: "admin", Password: "a long enough password"})
	must(err)
	x.admin = access.Actor{User: u, Scope: access.ScopeAdmin}
	x.user, _, err = a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales"})
	must(err)
	x.cookie, _ = x.newSession()
	_, x.session = x.newSession()
	x.account, err = a.CreateAccount(ctx, x.admin, customer.Account{Name: "Northwind Traders"}, true)
	must(err)
	x.contact, err = a.CreateContact(ctx, x.admin, customer.Contact{AccountID: x.account.ID, Name: "Lee Chen", Email: "lee@northwind.example"}, true)
	must(err)
	x.inter, err = a.LogInteraction(ctx, x.admin, customer.Interaction{AccountID: x.account.ID, Channel: "phone", Direction: "out", Summary: "Called"})
	must(err)
	c, err := a.OpenCase(ctx, x.admin, cases.Case{AccountID: x.account.ID, Subject: "Printer jams"})
	must(err)
	x.caseID = c.ID
	tok, _, err := a.CreateToken(ctx, x.admin, app.NewToken{Label: "sync"})
	must(err)
	x.token = tok.ID
	// A resolved case whose contact was emailed a link to answer.
	rc, err := a.OpenCase(ctx, x.admin, cases.Case{AccountID: x.account.ID, ContactID: x.contact.ID, Subject: "Login fails"})
	must(err)
	_, err = a.TransitionCase(ctx, x.admin, rc.ID, cases.Transition{To: cases.Resolved, Solution: "Reset the password."}, 0)
	must(err)
	emails, err := a.Emails(ctx, x.admin, rc.ID)
	must(err)
	for _, e := range emails {
		if m := regexp.MustCompile(`/r/(\S+)`).FindStringSubmatch(e.Body); m != nil {
			x.answer = m[1]
		}
	}
	if x.answer == "" {
		t.Fatal("no resolution link was emailed")
	}
	pr, err := a.MakePromise(ctx, x.admin, promise.Promise{AccountID: x.account.ID, Kind: promise.Rebate, Description: "Paid by Thursday",
		DueAt: a.Now().Add(72 * time.Hour)})
	must(err)
	x.promise = pr.ID
	return x
}

// newSession opens a browser session of the admin without the cost of a
// password check.
func (x *site) newSession() (secret, id string) { return x.sessionFor(x.admin.User.ID) }

// sessionFor opens a browser session of a user: its cookie's secret and
// its id.
func (x *site) sessionFor(userID string) (secret, id string) {
	now := x.a.Now()
	secret, id = access.NewSecret("tds_"), uuid.Must(uuid.NewV7()).String()
	err := x.s.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.InsertSession(context.Background(), store.Session{ID: id, UserID: userID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(app.SessionIdle), IP: "127.0.0.9"}, access.HashSecret(secret))
	})
	if err != nil {
		x.t.Fatal(err)
	}
	return secret, id
}

// post sends a form as the signed-in admin; body is sent as it is.
func (x *site) post(path, body string) (int, string) { return x.postAs(x.cookie, path, body) }

// postAs sends a form in the browser session of a cookie.
func (x *site) postAs(cookie, path, body string) (int, string) {
	req, err := http.NewRequest(http.MethodPost, x.srv.URL+path, strings.NewReader(body))
	if err != nil {
		x.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "tandem_session", Value: cookie})
	return x.send(req)
}

func (x *site) get(path string) (int, string) { return x.getAs(x.cookie, path) }

// getAs opens a page in the browser session of a cookie.
func (x *site) getAs(cookie, path string) (int, string) {
	req, err := http.NewRequest(http.MethodGet, x.srv.URL+path, nil)
	if err != nil {
		x.t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "tandem_session", Value: cookie})
	return x.send(req)
}

func (x *site) send(req *http.Request) (int, string) {
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		x.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// rows counts the rows of every table: what a refused form must not change.
func (x *site) rows() map[string]int {
	ctx := context.Background()
	db := x.s.JobsDB()
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if x.s.Engine() == store.Postgres {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rs, err := db.QueryContext(ctx, list)
	if err != nil {
		x.t.Fatal(err)
	}
	var tables []string
	for rs.Next() {
		var n string
		rs.Scan(&n)
		tables = append(tables, n)
	}
	rs.Close()
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+tb+`"`).Scan(&n); err != nil {
			x.t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

// form is one HTML form: where it posts and the fields it sends, with
// values that the form would accept.
type form struct {
	path   string
	fields url.Values
}

// forms are the forms of every POST route of the pages, as their
// templates send them, filled in so that they would be saved.
func (x *site) forms() map[string]form {
	v := func(kv ...string) url.Values {
		out := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	withWas := func(typed url.Values, version int64) url.Values {
		f := url.Values{}
		for k, v := range typed {
			f[k], f["was_"+k] = v, []string{""}
		}
		f.Set("version", fmt.Sprint(version))
		return f
	}
	interaction := v("channel", "phone", "direction", "in", "outcome", "", "contact_id", x.contact.ID, "occurred_at", "2026-03-02T14:30",
		"kind", "competitor_quote", "competitor", "Contoso", "summary", "Asked for a quote", "body", "Line one\nline two", "team", "sales")
	calendar := v("calendar_name", "Office", "calendar_version", "0", "time_zone", "Europe/Berlin", "holidays", "2026-12-25\n2026-12-26")
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		calendar.Set("hours."+d, "09:00-17:00")
	}
	policy := v("policy_name", "Standard", "policy_version", "0")
	for _, p := range cases.Priorities {
		policy.Set("targets."+p+".first_response", "4h")
		policy.Set("targets."+p+".resolution", "40h")
	}
	policy.Set("tiers.gold.urgent.first_response", "1h")
	policy.Set("tiers.gold.urgent.resolution", "8h")
	out := map[string]form{
		"POST /login":  {"/login", v("email", "admin@example.com", "password", "a long enough password", "next", "/accounts")},
		"POST /logout": {"/logout", v()},
		"POST /accounts": {"/accounts", v("name", "Fabrikam", "kind", customer.Organization, "tier", "gold", "domain", "fabrikam.example",
			"phone", "+1 771 555 0100", "external_id", "ERP-9", "allow_duplicate", "1")},
		"POST /accounts/{id}": {"/accounts/" + x.account.ID, withWas(v("name", "Northwind Ltd", "kind", customer.Organization, "tier", "gold",
			"owner_id", x.user.ID, "domain", "northwind.example", "phone", "+1 771 555 0101", "external_id", "ERP-1"), x.account.Version)},
		"POST /accounts/{id}/contacts": {"/accounts/" + x.account.ID + "/contacts", v("contact_name", "Rita Ray", "contact_title", "Buyer",
			"contact_email", "rita@northwind.example", "contact_phone", "+1 771 555 0102", "allow_duplicate", "1")},
		"POST /accounts/{id}/interactions": {"/accounts/" + x.account.ID + "/interactions", interaction},
		"POST /contacts/{id}": {"/contacts/" + x.contact.ID, withWas(v("name", "Lee Chan", "title", "Owner", "email", "lee@northwind.example",
			"phone", "+1 771 555 0103"), x.contact.Version)},
		"POST /interactions/{id}":        {"/interactions/" + x.inter.ID, withWas(interaction, x.inter.Version)},
		"POST /interactions/{id}/delete": {"/interactions/" + x.inter.ID + "/delete", v("version", fmt.Sprint(x.inter.Version))},
		"POST /cases": {"/cases", v("account_id", x.account.ID, "contact_id", x.contact.ID, "subject", "Toner low", "description", "It says\nlow",
			"category", "general", "priority", "normal", "channel", "phone")},
		"POST /cases/{id}/transitions": {"/cases/" + x.caseID + "/transitions", v("version", "1", "to", "resolved", "solution", "Replaced\nthe toner",
			"confirmed", "yes", "reason", "Fixed")},
		"POST /cases/{id}/comments":           {"/cases/" + x.caseID + "/comments", v("body", "Called back\nno answer", "internal", "1", "minutes", "15")},
		"POST /cases/{id}":                    {"/cases/" + x.caseID, v("version", "1", "assignee_id", "", "priority", "high", "category", "general")},
		"POST /cases/assign":                  {"/cases/assign", v("case_ids", x.caseID, "assignee_id", "", "back", "/cases?view=all")},
		"POST /inbox/read":                    {"/inbox/read", v("up_to", time.Now().UTC().Format(time.RFC3339Nano))},
		"POST /inbox/{id}/read":               {"/inbox/" + uuid.Must(uuid.NewV7()).String() + "/read", v("to", "/accounts")},
		"POST /settings/password":             {"/settings/password", v("current_password", "a long enough password", "new_password", "another long password")},
		"POST /settings/sessions/{id}/revoke": {"/settings/sessions/" + x.session + "/revoke", v()},
		"POST /settings/tokens":               {"/settings/tokens", v("label", "ERP sync", "scope", "read", "days", "30")},
		"POST /tokens/{id}/revoke":            {"/tokens/" + x.token + "/revoke", v("user_id", x.admin.User.ID)},
		"POST /admin/users":                   {"/admin/users", v("name", "Val", "email", "val@example.com", "role", "service")},
		"POST /admin/users/{id}":              {"/admin/users/" + x.user.ID, v("version", fmt.Sprint(x.user.Version), "role", "service", "active", "0")},
		"POST /admin/users/{id}/password":     {"/admin/users/" + x.user.ID + "/password", v("confirm", "1")},
		"POST /admin/sessions/{id}/revoke":    {"/admin/sessions/" + x.session + "/revoke", v("confirm", "1")},
		"POST /settings/service/calendar":     {"/settings/service/calendar", calendar},
		"POST /settings/service/policy":       {"/settings/service/policy", policy},
		"POST /r/{token}":                     {"/r/" + x.answer, v("answer", "no", "note", "Still\nbroken")},
		// Service policies.
		"POST /policies": {"/policies", v("name", "Rebates", "statement", "Rebates are paid\n6–8 weeks after the claim",
			"rule", "promise.kind == \"rebate\" &&\n promise.due_in_days < 42", "severity", "warn", "effective_from", "2026-03-01", "effective_to", "2027-02-28")},
		"POST /policies/try": {"/policies/try", v("kind", "rebate", "amount", "1,200.50", "currency", "EUR", "due_at", "2026-03-12",
			"description", "A rebate\nof 4%", "account_id", x.account.ID)},
		"POST /policies/{id}": {"/policies/" + x.policy(), v("version", "1", "name", "Rebates", "statement", "Rebates are paid 6–8 weeks after the claim",
			"rule", "promise.kind == \"rebate\"", "severity", "block", "effective_from", "2026-03-01", "effective_to", "")},
		"POST /policies/{id}/remove": {"/policies/" + x.policy() + "/remove", v("version", "1", "confirm", "1")},
		"POST /accounts/{id}/promises": {"/accounts/" + x.account.ID + "/promises", v("promise_kind", "rebate", "promise_description", "Your rebate\nby Thursday",
			"promise_amount", "1200.00", "promise_currency", "EUR", "promise_due_at", time.Now().Add(72*time.Hour).Format("2006-01-02T15:04"),
			"promise_contact_id", x.contact.ID, "promise_case_id", x.caseID, "promise_acknowledgement", "The customer knows", "promise_backdated_reason", "",
			"promise_exception_reason", "")},
		"POST /promises/{id}": {"/promises/" + x.promise, v("version", "1", "description", "Paid by Friday\nat the latest", "amount", "1250",
			"currency", "EUR", "due_at", time.Now().Add(96*time.Hour).Format("2006-01-02T15:04"), "backdated_reason", "")},
		"POST /promises/{id}/transitions": {"/promises/" + x.promise + "/transitions", v("version", "1", "to", "cancelled", "evidence", "",
			"cancel_reason", "Agreed\nMonday", "break_reason", "", "replacement_description", "A call on Monday",
			"replacement_due_at", time.Now().Add(96*time.Hour).Format("2006-01-02T15:04"))},
	}
	maps.Copy(out, x.goodwillForms())
	maps.Copy(out, x.dealForms())
	maps.Copy(out, x.orderForms())
	maps.Copy(out, x.taskForms())
	maps.Copy(out, x.competitorForms())
	maps.Copy(out, x.promiseForms())
	maps.Copy(out, x.surveyForms())
	return out
}

// policy is a service policy the admin wrote, made once per site.
func (x *site) policy() string {
	if x.policyID == "" {
		p, err := x.a.SaveServicePolicy(context.Background(), x.admin, rules.Policy{Name: "Rebate payment window",
			Statement: "Rebates are paid 6–8 weeks after the claim", Rule: `promise.kind == "rebate" && promise.due_in_days < 42`, Severity: rules.Warn}, 0)
		if err != nil {
			x.t.Fatal(err)
		}
		x.policyID = p.ID
	}
	return x.policyID
}

// badText is text no field takes: each breaks the rule of package text.
var badText = map[string]string{
	"NUL":           "before\x00after",
	"invalid UTF-8": "caf\xe9",
	"escape":        "red \x1b[31m",
	"bell":          "ring\a",
	"separator":     "one\u2028two",
	"over-long":     strings.Repeat("é", text.Long+1),
}

// engines runs fn on a fresh site over each engine.
func engines(t *testing.T, fn func(t *testing.T, x *site)) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) { fn(t, newSite(t, s)) })
}

// TestEveryFormRefusesBadText posts every field of every form of the
// pages (and a field no form has, and a field name that is not text) with
// each kind of bad text, as a signed-in browser: each answer is a 4xx
// that says what is wrong, never a 5xx, and nothing is stored. A POST
// route without a form here fails the test.
func TestEveryFormRefusesBadText(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		forms := x.forms()
		for _, p := range web.Patterns() {
			if !strings.HasPrefix(p, "POST ") {
				continue
			}
			f, ok := forms[p]
			if !ok {
				t.Errorf("%s: no form in the test; add it", p)
				continue
			}
			before := x.rows()
			names := append(slices.Sorted(func(yield func(string) bool) {
				for k := range f.fields {
					if !yield(k) {
						return
					}
				}
			}), "extra")
			for _, name := range names {
				if strings.HasPrefix(name, "was_") {
					continue // never saved (TestEditsRecordsWithOldText)
				}
				for what, bad := range badText {
					body := url.Values{}
					for k, vs := range f.fields {
						body[k] = vs
					}
					body.Set(name, bad)
					status, page := x.post(f.path, body.Encode())
					if status < 400 || status >= 500 || status == http.StatusUnauthorized {
						t.Errorf("%s: %s in %s: status %d, want a 4xx: %.300s", p, what, name, status, page)
						continue
					}
					if p == "POST /cases" && name == "account_id" && status == http.StatusNotFound {
						continue // the account the case is for: an id that names none
					}
					if !strings.Contains(html.UnescapeString(page), "Nothing was saved") {
						t.Errorf("%s: %s in %s: %d without saying what is wrong: %.300s", p, what, name, status, page)
					}
				}
			}
			// A form that is no edit form does not take the same value
			// twice as "left as it was".
			if !strings.Contains(p, "{id}") || p == "POST /accounts/{id}/contacts" || p == "POST /accounts/{id}/interactions" {
				for name := range f.fields {
					body := url.Values{}
					for k, vs := range f.fields {
						body[k] = vs
					}
					body.Set(name, badText["escape"])
					body.Set("was_"+name, badText["escape"])
					if status, page := x.post(f.path, body.Encode()); status < 400 || status >= 500 {
						t.Errorf("%s: escape in %s and was_%[2]s: status %d: %.300s", p, name, status, page)
					}
				}
			}
			// A field whose name is not text.
			body := f.fields.Encode() + "&" + url.QueryEscape("na\x00me") + "=x"
			if status, page := x.post(f.path, body); status < 400 || status >= 500 {
				t.Errorf("%s: a field name with NUL: status %d: %.300s", p, status, page)
			}
			if after := x.rows(); !mapsEqual(before, after) {
				t.Errorf("%s: refused forms changed the database: before %v, after %v", p, before, after)
			}
		}
		// The session is still there: no refused form signed it out.
		if status, _ := x.get("/settings"); status != http.StatusOK {
			t.Errorf("after the walk, /settings answers %d", status)
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestBadTextShowsBesideTheField: the message stands beside the field
// it is about, with what was typed kept, and in one sentence at the top.
func TestBadTextShowsBesideTheField(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		for _, c := range []struct {
			path, field, value, id, kept string
		}{
			{"/accounts", "name", "North\x1bwind", "name-error", `value="North`},
			{"/accounts/" + x.account.ID + "/contacts", "contact_email", "lee@\x00northwind.example", "contact_email-error", `value="lee@`},
			{"/accounts/" + x.account.ID + "/interactions", "summary", strings.Repeat("s", 301), "summary-error", strings.Repeat("s", 301)},
			{"/login", "email", strings.Repeat("a", 3<<10) + "@example.com", "email-error", strings.Repeat("a", 3<<10)},
			{"/cases/" + x.caseID + "/comments", "body", strings.Repeat("b", text.Long+1), "body-error", strings.Repeat("b", text.Long+1)},
		} {
			f := url.Values{c.field: {c.value}, "channel": {"phone"}, "direction": {"in"}, "name": {"Fabrikam"}}
			if c.field == "name" {
				f.Set("name", c.value)
			}
			status, page := x.post(c.path, f.Encode())
			if status != http.StatusUnprocessableEntity {
				t.Errorf("%s %s: status %d, want 422: %.300s", c.path, c.field, status, page)
				continue
			}
			if !strings.Contains(page, `id="`+c.id+`"`) || !strings.Contains(page, `id="form-error"`) {
				t.Errorf("%s %s: the message is not beside the field and at the top: %s", c.path, c.field, page)
			}
			if !strings.Contains(page, c.kept) {
				t.Errorf("%s %s: what was typed is not kept", c.path, c.field)
			}
		}
		// A field of several lines takes newlines and tabs; one line does not.
		status, page := x.post("/cases/"+x.caseID+"/comments", url.Values{"body": {"one\n\ttwo"}}.Encode())
		if status != http.StatusSeeOther {
			t.Errorf("a comment of two lines: %d: %.300s", status, page)
		}
		status, _ = x.post("/accounts", url.Values{"name": {"one\ntwo"}, "allow_duplicate": {"1"}}.Encode())
		if status != http.StatusUnprocessableEntity {
			t.Errorf("a name of two lines: %d, want 422", status)
		}
		// A form too large to read is refused before it is read.
		status, page = x.post("/login", url.Values{"email": {strings.Repeat("a", 3<<20)}, "password": {"x"}}.Encode())
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(page, "too large") {
			t.Errorf("a 3 MiB email: %d: %.300s", status, page)
		}
	})
}

// TestFormsDeclareTheirLimits: every text input and textarea of every
// posted form of the pages declares a maxlength, and that is the limit the
// form enforces: one character more is refused with a message saying so.
func TestFormsDeclareTheirLimits(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	forms := regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	fields := regexp.MustCompile(`<(?:input|textarea)\b[^>]*>`)
	attr := func(tag, name string) string {
		m := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	checked := map[string]bool{}
	for _, path := range []string{"/accounts/new", "/accounts/" + x.account.ID, "/accounts/" + x.account.ID + "/edit", "/contacts/" + x.contact.ID + "/edit",
		"/interactions/" + x.inter.ID + "/edit", "/cases/new?account_id=" + x.account.ID, "/cases/" + x.caseID, "/settings", "/admin/users",
		"/settings/service", "/r/" + x.answer, "/login", "/policies", "/policies/" + x.policy(), "/promises/" + x.promise,
		"/surveys", "/surveys/new", "/surveys/" + survey.YardstickID} {
		status, page := x.get(path)
		if path == "/login" { // signed out
			req, _ := http.NewRequest(http.MethodGet, x.srv.URL+path, nil)
			status, page = x.send(req)
		}
		if status != http.StatusOK {
			t.Fatalf("%s: %d", path, status)
		}
		for _, f := range forms.FindAllStringSubmatch(page, -1) {
			if attr(f[1], "method") != "post" {
				continue // a search
			}
			action := attr(f[1], "action")
			if action == "" {
				action = path
			}
			hidden := url.Values{}
			for _, tag := range fields.FindAllString(f[2], -1) {
				if attr(tag, "type") == "hidden" {
					hidden.Set(attr(tag, "name"), attr(tag, "value"))
				}
			}
			for _, tag := range fields.FindAllString(f[2], -1) {
				typ, name := attr(tag, "type"), attr(tag, "name")
				if name == "" || slices.Contains([]string{"hidden", "checkbox", "radio", "number", "datetime-local", "date"}, typ) {
					continue
				}
				key := action + " " + name
				if checked[key] {
					continue
				}
				checked[key] = true
				var n int
				if _, err := fmt.Sscan(attr(tag, "maxlength"), &n); err != nil || n < 1 || n > text.Long {
					t.Errorf("%s: %s declares maxlength %q", path, tag, attr(tag, "maxlength"))
					continue
				}
				body := url.Values{}
				for k, v := range hidden {
					body[k] = v
				}
				body.Set(name, strings.Repeat("x", n+1))
				status, page := x.post(action, body.Encode())
				if want := fmt.Sprintf("must be at most %d characters", n); status != http.StatusUnprocessableEntity || !strings.Contains(page, want) {
					t.Errorf("%s %s: %d characters answer %d without %q", action, name, n+1, status, want)
				}
			}
		}
	}
	if len(checked) < 40 {
		t.Errorf("only %d fields checked: %v", len(checked), checked)
	}
}

// TestPathsThatCannotBeIds: an id in a page's path that no id can be is
// 404, like any unknown id, on both engines; a query value that is not
// text is 400; neither is ever a 5xx.
func TestPathsThatCannotBeIds(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		for _, id := range []string{"%00", "%FF", "a%1Bb", strings.Repeat("7", text.ID+1), uuid.Must(uuid.NewV7()).String()} {
			for _, p := range []string{"/accounts/" + id, "/accounts/" + id + "/edit", "/contacts/" + id, "/interactions/" + id + "/edit", "/cases/" + id, "/r/" + id} {
				if status, page := x.get(p); status != http.StatusNotFound {
					t.Errorf("GET %s: %d, want 404: %.200s", p, status, page)
				}
			}
			for _, p := range []string{"/accounts/" + id, "/contacts/" + id, "/interactions/" + id, "/interactions/" + id + "/delete", "/cases/" + id + "/comments",
				"/cases/" + id + "/transitions", "/settings/sessions/" + id + "/revoke", "/tokens/" + id + "/revoke", "/admin/users/" + id, "/admin/users/" + id + "/password"} {
				if status, page := x.post(p, "version=1&body=hi&to=open&role=sales"); status != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404: %.200s", p, status, page)
				}
			}
		}
		for _, q := range []string{"/accounts?q=%00", "/accounts?q=%FF", "/accounts?cursor=%00", "/cases?category=%00", "/audit?kind=%00", "/audit?account_id=%FF",
			"/inbox?cursor=%1B", "/accounts?%00=1", "/cases/new?account_id=%00"} {
			if status, page := x.get(q); status != http.StatusBadRequest {
				t.Errorf("GET %s: %d, want 400: %.200s", q, status, page)
			}
		}
		if status, _ := x.get("/accounts?q=" + url.QueryEscape("%")); status != http.StatusOK {
			t.Errorf("a search for %%: %d", status)
		}
	})
}

// TestStaticFilesOnly: /static/ serves its files and lists no directory.
func TestStaticFilesOnly(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	if status, page := x.get("/static/tandem.css"); status != http.StatusOK || page == "" {
		t.Errorf("the style sheet: %d", status)
	}
	for _, p := range []string{"/static/", "/static/nothing.css", "/static/%00", "/static/tandem.css/"} {
		if status, page := x.get(p); status != http.StatusNotFound || strings.Contains(page, "tandem.css") {
			t.Errorf("GET %s: %d, want 404 without a listing: %.200s", p, status, page)
		}
	}
}

// TestNewCaseNamesOneOfTheAccountsContacts: a case form naming a contact
// that is not one of the account's is shown again, not a 500.
func TestNewCaseNamesOneOfTheAccountsContacts(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		before := x.rows()
		for _, id := range []string{"ok", uuid.Must(uuid.NewV7()).String()} {
			status, page := x.post("/cases", url.Values{"account_id": {x.account.ID}, "contact_id": {id}, "subject": {"Toner"}}.Encode())
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="contact_id-error"`) {
				t.Errorf("contact %q: %d: %.300s", id, status, page)
			}
		}
		if after := x.rows(); !mapsEqual(before, after) {
			t.Errorf("refused cases changed the database: %v, %v", before, after)
		}
	})
}

// TestOneWayToReadAForm: no handler reads a posted form but through
// postForm, which holds every field to the text rule.
func TestOneWayToReadAForm(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			ast.Inspect(fn, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, isIdent := sel.X.(*ast.Ident); (sel.Sel.Name == "Form" || sel.Sel.Name == "MultipartForm") && (!isIdent || x.Name != "r") {
					return true // a view's Form, not the request's
				}
				switch sel.Sel.Name {
				case "ParseForm", "ParseMultipartForm", "FormValue", "PostFormValue", "FormFile", "MultipartForm", "Form":
					if fn.Name.Name == "postForm" && sel.Sel.Name == "ParseForm" {
						found++
						return true
					}
					t.Errorf("%s: %s reads the form with %s; use postForm", fset.Position(sel.Pos()), fn.Name.Name, sel.Sel.Name)
				}
				return true
			})
		}
	}
	if found != 1 {
		t.Errorf("postForm parses the form %d times, want once", found)
	}
}

// TestEditsRecordsWithOldText: a record holding text the rule refuses now
// (kept before the rule, or longer than the form takes) can still be
// edited: what was left as it was is not checked, as it is not saved, and
// the bad text itself can be corrected.
func TestEditsRecordsWithOldText(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		ctx := context.Background()
		long := strings.Repeat("b", text.Long+500) // the app takes longer bodies than a form does
		i, err := x.a.LogInteraction(ctx, x.admin, customer.Interaction{AccountID: x.account.ID, Channel: "phone", Direction: "out", Summary: "Long call", Body: long})
		if err != nil {
			t.Fatal(err)
		}
		f := url.Values{"summary": {"Long call, corrected"}, "was_summary": {"Long call"}, "body": {long}, "was_body": {long}, "version": {fmt.Sprint(i.Version)}}
		if status, page := x.post("/interactions/"+i.ID, f.Encode()); status != http.StatusSeeOther {
			t.Fatalf("editing the summary beside a long body: %d: %.300s", status, page)
		}
		// The body changed and still too long: refused.
		f = url.Values{"body": {long + "c"}, "was_body": {long}, "version": {fmt.Sprint(i.Version + 1)}}
		if status, _ := x.post("/interactions/"+i.ID, f.Encode()); status != http.StatusUnprocessableEntity {
			t.Errorf("a changed body over the limit: %d, want 422", status)
		}
		// A name with an escape character, kept before the rule, is corrected.
		acc, err := x.a.CreateAccount(ctx, x.admin, customer.Account{Name: "Old \x1b[1mName"}, true)
		if err != nil {
			t.Skipf("the app refuses the old text itself: %v", err)
		}
		f = url.Values{"name": {"Old Name"}, "was_name": {acc.Name}, "version": {fmt.Sprint(acc.Version)}}
		if status, page := x.post("/accounts/"+acc.ID, f.Encode()); status != http.StatusSeeOther {
			t.Fatalf("correcting a name: %d: %.300s", status, page)
		}
		if now, _ := x.a.Account(ctx, x.admin, acc.ID); now.Name != "Old Name" {
			t.Errorf("the name is %q", now.Name)
		}
	})
}
