package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// events counts the events of a kind.
func (x *site) events(kind string) int {
	x.t.Helper()
	n := 0
	err := x.a.AuditEach(context.Background(), x.admin, store.AuditFilter{Kind: kind}, func(event.Event) error { n++; return nil })
	if err != nil {
		x.t.Fatal(err)
	}
	return n
}

// TestConfirmBeforeActing: on both engines, deactivating a user, resetting
// a password, revoking a token and signing out a session (one's own or,
// for admins, anyone's) first show what will happen, with a form that
// posts the same fields and confirm=1; a POST without it changes nothing.
func TestConfirmBeforeActing(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		ctx := context.Background()
		samTok, _, err := x.a.CreateToken(ctx, x.admin, app.NewToken{UserID: x.user.ID, Label: "Sam's ERP", Scope: "read"})
		if err != nil {
			t.Fatal(err)
		}
		samSession := x.sessionOf(x.user.ID)
		version := url.Values{"version": {"1"}, "active": {"0"}}.Encode()
		for _, c := range []struct {
			path, body, question string
			kinds                []string
		}{
			{"/admin/users/" + x.user.ID, version, "Deactivate Sam?", []string{"user.deactivated"}},
			{"/admin/users/" + x.user.ID + "/password", "", "Reset Sam’s password?", []string{"user.password_reset"}},
			{"/tokens/" + x.token + "/revoke", "", "Revoke your API token “sync”?", []string{"token.revoked"}},
			{"/tokens/" + samTok.ID + "/revoke", "user_id=" + x.user.ID, "Revoke Sam’s API token “Sam&#39;s ERP”?", []string{"token.revoked"}},
			{"/settings/sessions/" + x.session + "/revoke", "", "Sign out Unknown browser (127.0.0.9)?", []string{"session.revoked"}},
			{"/admin/sessions/" + samSession + "/revoke", "", "Sign out Sam in Unknown browser (127.0.0.9)?", []string{"session.revoked"}},
		} {
			before := x.rows()
			status, page := x.post(c.path, c.body)
			if status != http.StatusOK || !strings.Contains(page, c.question) || !strings.Contains(page, `name="confirm" value="1"`) ||
				!strings.Contains(page, `action="`+c.path+`"`) || !strings.Contains(page, `id="cancel"`) {
				t.Errorf("%s without confirm: %d, want the question %q: %.2000s", c.path, status, c.question, page)
			}
			if strings.Contains(page, `class="secret"`) {
				t.Errorf("%s: a password was made before it was confirmed", c.path)
			}
			if after := x.rows(); !mapsEqual(before, after) {
				t.Errorf("%s without confirm changed the database: %v, %v", c.path, before, after)
			}
			for k := range strings.SplitSeq(c.body, "&") {
				if k != "" && !strings.Contains(page, `name="`+strings.SplitN(k, "=", 2)[0]+`"`) {
					t.Errorf("%s: the confirmation does not carry %s", c.path, k)
				}
			}
		}
		// Confirmed, each acts.
		for _, c := range []struct{ path, body string }{
			{"/admin/users/" + x.user.ID, version + "&confirm=1"},
			{"/admin/users/" + x.user.ID + "/password", "confirm=1"},
			{"/tokens/" + x.token + "/revoke", "confirm=1"},
			{"/settings/sessions/" + x.session + "/revoke", "confirm=1"},
		} {
			if status, page := x.post(c.path, c.body); status >= 400 {
				t.Errorf("%s confirmed: %d: %.300s", c.path, status, page)
			}
		}
		if u, _ := x.a.User(ctx, x.admin, x.user.ID); u.Active {
			t.Error("Sam is still active after a confirmed deactivation")
		}
		for _, kind := range []string{"user.deactivated", "user.password_reset", "token.revoked", "session.revoked"} {
			if n := x.events(kind); n != 1 {
				t.Errorf("%d %s events, want 1", n, kind)
			}
		}
	})
}

// sessionOf opens a browser session of a user and returns its id.
func (x *site) sessionOf(userID string) string {
	x.t.Helper()
	now := x.a.Now()
	id := uuid.Must(uuid.NewV7()).String()
	err := x.s.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.InsertSession(context.Background(), store.Session{ID: id, UserID: userID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(app.SessionIdle), IP: "127.0.0.9"}, access.HashSecret(access.NewSecret("tds_")))
	})
	if err != nil {
		x.t.Fatal(err)
	}
	return id
}

// TestAdminSeesEveryonesTokens: the admin's page of sessions and tokens
// shows another user's token with its last use and their browser by name,
// and revokes the token after the confirmation.
func TestAdminSeesEveryonesTokens(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	ctx := context.Background()
	tok, secret, err := x.a.CreateToken(ctx, x.admin, app.NewToken{UserID: x.user.ID, Label: "Sam's sync", Scope: "read"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.a.TokenActor(ctx, secret); err != nil { // used once
		t.Fatal(err)
	}
	status, page := x.get("/admin/access")
	page = html.UnescapeString(page)
	if status != http.StatusOK || !strings.Contains(page, "Sam's sync") || !strings.Contains(page, "just now") || !strings.Contains(page, `id="user-`+x.user.ID+`"`) {
		t.Fatalf("the access page: %d: %s", status, page)
	}
	if status, _ := x.post("/tokens/"+tok.ID+"/revoke", "user_id="+x.user.ID+"&confirm=1"); status != http.StatusSeeOther {
		t.Fatalf("revoking: %d", status)
	}
	if _, page := x.get("/admin/access"); strings.Contains(html.UnescapeString(page), "Sam's sync") {
		t.Error("a revoked token is still listed")
	}
	// The users page has a last sign-in column and a way to the page.
	if _, page := x.get("/admin/users"); !strings.Contains(page, "Last sign-in") || !strings.Contains(page, `href="/admin/access"`) {
		t.Errorf("the users page: %.2000s", page)
	}
}

// TestSLABoundsOnThePageAndTheAPI: a resolution shorter than the first
// response is refused beside its field on the page, and with a 422
// problem naming the field on the API; an absurd target too.
func TestSLABoundsOnThePageAndTheAPI(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		f := x.forms()["POST /settings/service/policy"].fields
		f.Set("targets.urgent.first_response", "8h")
		f.Set("targets.urgent.resolution", "1m")
		status, page := x.post("/settings/service/policy", f.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="targets.urgent.resolution-error"`) ||
			!strings.Contains(page, "cannot be shorter than the first response target (8h)") || !strings.Contains(page, `value="1m"`) {
			t.Errorf("the page: %d: %.3000s", status, page)
		}
		f.Set("targets.urgent.resolution", "24h")
		f.Set("targets.low.first_response", "999999h")
		status, page = x.post("/settings/service/policy", f.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="targets.low.first_response-error"`) || !strings.Contains(page, "at most 720h") {
			t.Errorf("999999h on the page: %d", status)
		}
		_, secret, err := x.a.CreateToken(context.Background(), x.admin, app.NewToken{Label: "api", Scope: "write"})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPatch, x.srv.URL+"/api/v1/sla-policies/default",
			strings.NewReader(`{"targets":{"urgent":{"first_response":"8h","resolution":"1m"},"high":{"first_response":"2h","resolution":"16h"},"normal":{"first_response":"4h","resolution":"24h"},"low":{"first_response":"8h","resolution":"40h"}}}`))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") ||
			!strings.Contains(string(b), "targets.urgent.resolution") || !strings.Contains(string(b), "shorter than the first response") {
			t.Errorf("the API: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), b)
		}
	})
}

// TestRatesWindowSaysWhatIsWrong: a window of 0, 99999 or "abc" days is
// refused beside the field, and the page says which days it shows.
func TestRatesWindowSaysWhatIsWrong(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	for _, days := range []string{"0", "99999", "abc", "-5"} {
		status, page := x.get("/settings/service?days=" + days)
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="days-error"`) || !strings.Contains(page, "from 1 to 730") ||
			!strings.Contains(page, "showing the last 90 days") || !strings.Contains(page, `value="`+days+`"`) || !strings.Contains(page, `aria-describedby="days-error"`) {
			t.Errorf("days=%s: %d: %.300s", days, status, page)
		}
	}
	for _, days := range []string{"", "1", "730", "30"} {
		if status, page := x.get("/settings/service?days=" + days); status != http.StatusOK || strings.Contains(page, `id="days-error"`) {
			t.Errorf("days=%s: %d", days, status)
		}
	}
}

// TestAuditReadsAsSentences: on both engines the audit page says what
// happened in words (a role change names who changed whose role from what
// to what), says Tandem for what Tandem did, names and links the account,
// finds an account by name, keeps newest first, and says what is wrong
// with dates beside the field.
func TestAuditReadsAsSentences(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		ctx := context.Background()
		role := "service"
		if _, err := x.a.UpdateUser(ctx, x.admin, x.user.ID, app.UserPatch{Role: &role}, 0); err != nil {
			t.Fatal(err)
		}
		status, page := x.get("/audit")
		text := html.UnescapeString(page)
		for _, want := range []string{"Ada changed Sam’s role from sales to service", "Tandem added Ada (admin@example.com) as admin", "<em>Tandem</em>",
			`<a href="/accounts/` + x.account.ID + `">Northwind Traders</a>`, "Dates are days in UTC", "When <small class=\"meta\">(UTC)</small>"} {
			if !strings.Contains(text, want) {
				t.Errorf("the audit page lacks %q", want)
			}
		}
		if status != http.StatusOK || strings.Contains(text, ">open</a>") || strings.Contains(text, "not signed in") {
			t.Errorf("the audit page: %d", status)
		}
		if i, j := strings.Index(text, "changed Sam’s role"), strings.Index(text, "Tandem added Ada"); i < 0 || j < 0 || i > j {
			t.Error("the newest event is not first")
		}
		// By account name.
		_, page = x.get("/audit?account=northwind")
		if text := html.UnescapeString(page); !strings.Contains(text, "Northwind Traders") || strings.Contains(text, "changed Sam’s role") {
			t.Errorf("by account name: %.3000s", text)
		}
		status, page = x.get("/audit?account=fabrikam")
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="account-error"`) {
			t.Errorf("an account no name matches: %d", status)
		}
		// From after To.
		status, page = x.get("/audit?from=2026-03-05&to=2026-03-01")
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="to-error"`) || !strings.Contains(page, "not after the start") ||
			!strings.Contains(page, `aria-describedby="to-error"`) {
			t.Errorf("from after to: %d: %.3000s", status, page)
		}
		if status, _ := x.get("/audit?from=2026-03-05&to=2026-03-05"); status != http.StatusOK {
			t.Errorf("one day: %d", status)
		}
		// The export keeps its columns and adds the sentence.
		_, csv := x.get("/audit.csv")
		if !strings.HasPrefix(csv, "id,at,actor_id,account_id,kind,subject_type,subject_id,team,before,after,sentence\n") || !strings.Contains(csv, "Ada changed Sam’s role from sales to service") {
			t.Errorf("the export: %.500s", csv)
		}
		if status, _ := x.get("/audit.csv?from=2026-03-05&to=2026-03-01"); status != http.StatusUnprocessableEntity {
			t.Errorf("an export with to before from: %d", status)
		}
	})
}

// TestDeactivatingAnOwnerSaysWhatTheyOwn: the question before a user is
// deactivated says how many accounts they own and links to those
// accounts, to reassign them.
func TestDeactivatingAnOwnerSaysWhatTheyOwn(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	ctx := context.Background()
	rep, _, err := x.a.AddUser(ctx, access.System, app.NewUser{Email: "rep@example.com", Name: "Rik", Role: "sales", Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Rik's first", "Rik's second"} {
		if _, err := x.a.CreateAccount(ctx, x.admin, customer.Account{Name: name, OwnerID: rep.ID}, true); err != nil {
			t.Fatal(err)
		}
	}
	status, page := x.post("/admin/users/"+rep.ID, url.Values{"version": {"1"}, "active": {"0"}}.Encode())
	link := `<a href="/accounts?owner=` + rep.ID + `" id="confirm-first">Reassign Rik&#39;s 2 accounts</a>`
	if status != http.StatusOK || !strings.Contains(page, "Rik owns 2 accounts, which stay theirs until you reassign them.") || !strings.Contains(page, link) {
		t.Fatalf("%d %.3000s", status, page)
	}
	status, page = x.get("/accounts?owner=" + rep.ID)
	if status != http.StatusOK || !strings.Contains(page, "2 accounts owned by Rik") || !strings.Contains(page, "Rik&#39;s second") {
		t.Fatalf("their accounts: %d %.3000s", status, page)
	}
}

// TestCalendarFormShowsEveryProblemAtOnce: a calendar with a bad name,
// zone, two bad days and a bad holiday comes back with each problem
// beside its field, all at once, and what was typed kept.
func TestCalendarFormShowsEveryProblemAtOnce(t *testing.T) {
	x := newSite(t, storetest.SQLite(t))
	f := url.Values{"calendar_name": {" "}, "calendar_version": {"-1"}, "time_zone": {"Mars/Olympus"}, "hours.monday": {"9-5"},
		"hours.tuesday": {"09:00-13:00,12:00-17:00"}, "hours.wednesday": {"09:00-17:00"}, "holidays": {"2026-13-01\nchristmas"}}
	status, page := x.post("/settings/service/calendar", f.Encode())
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("%d %.2000s", status, page)
	}
	for _, id := range []string{"calendar_name", "time_zone", "hours.monday", "hours.tuesday", "holidays"} {
		if !strings.Contains(page, `id="`+id+`-error"`) || !strings.Contains(page, `aria-describedby="`+id+`-error"`) {
			t.Errorf("no message beside %s", id)
		}
	}
	if strings.Contains(page, `id="hours.wednesday-error"`) || !strings.Contains(page, `value="Mars/Olympus"`) || !strings.Contains(page, `value="9-5"`) ||
		!strings.Contains(page, "christmas") || !strings.Contains(page, "2026-13-01") {
		t.Errorf("a good day marked, or what was typed lost: %.6000s", page)
	}
}
