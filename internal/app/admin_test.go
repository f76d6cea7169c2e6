package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// fieldOf returns the message of one field of an invalid-input error.
func fieldOf(t *testing.T, err error, field string) string {
	t.Helper()
	e := wantKind(t, err, fault.Invalid)
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Message
		}
	}
	t.Fatalf("no message for %s in %v", field, err)
	return ""
}

// TestSLATargetsAreBounded: on both engines, a target past its bound or a
// resolution shorter than the first response is refused naming the field,
// and nothing is saved.
func TestSLATargetsAreBounded(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		for _, c := range []struct {
			first, resolution, field, message string
		}{
			{"999999h", "999999h", "targets.urgent.first_response", "at most 720h"},
			{"1h", "9000h", "targets.urgent.resolution", "at most 8760h"},
			{"8h", "1m", "targets.urgent.resolution", "cannot be shorter than the first response"},
		} {
			spec := cases.DefaultPolicySpec()
			spec.Targets["urgent"] = cases.TargetSpec{FirstResponse: c.first, Resolution: c.resolution}
			_, err := f.app.SavePolicy(ctx, f.admin, app.PolicySetting{Name: "Typo", Spec: spec}, -1)
			if msg := fieldOf(t, err, c.field); !strings.Contains(msg, c.message) {
				t.Errorf("%s/%s: %q", c.first, c.resolution, msg)
			}
		}
		if p, err := f.app.Policy(ctx, f.admin); err != nil || p.Version != 0 {
			t.Fatalf("a refused policy was saved: %+v %v", p, err)
		}
	})
}

// TestAuditFilters: on both engines, the audit trail finds an account by
// a part of its name, says when no account matches, and refuses an end
// before the start naming the field.
func TestAuditFilters(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		north, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind Traders"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, true); err != nil {
			t.Fatal(err)
		}
		evs, _, err := f.app.Audit(ctx, f.admin, store.AuditFilter{AccountName: "northwind"}, store.Page{})
		if err != nil || len(evs) != 1 || evs[0].AccountID != north.ID || evs[0].Kind != "account.created" {
			t.Fatalf("by name: %v %+v", err, evs)
		}
		_, _, err = f.app.Audit(ctx, f.admin, store.AuditFilter{AccountName: "Fabrikam"}, store.Page{})
		if msg := fieldOf(t, err, "account"); !strings.Contains(msg, "Fabrikam") {
			t.Errorf("no match: %q", msg)
		}
		day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		_, _, err = f.app.Audit(ctx, f.admin, store.AuditFilter{From: day, To: day.AddDate(0, 0, -3)}, store.Page{})
		if msg := fieldOf(t, err, "to"); !strings.Contains(msg, "not after the start") {
			t.Errorf("to before from: %q", msg)
		}
		n := 0
		err = f.app.AuditEach(ctx, f.admin, store.AuditFilter{AccountName: "contoso"}, func(event.Event) error { n++; return nil })
		if err != nil || n != 1 {
			t.Fatalf("the export by name: %d %v", n, err)
		}
	})
}

// TestAuditIsInTimeOrder: events recorded by a clock that is not the wall
// clock (the demo book dates records when they would have been made) are
// listed newest first by their time, page after page.
func TestAuditIsInTimeOrder(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		base := *f.clock
		// Recorded in this order, at these times: the last recorded is the oldest.
		for i, d := range []time.Duration{48 * time.Hour, 72 * time.Hour, time.Hour, 24 * time.Hour} {
			*f.clock = base.Add(d)
			if _, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Order " + string(rune('A'+i))}, true); err != nil {
				t.Fatal(err)
			}
		}
		*f.clock = base.Add(-24 * time.Hour)
		if _, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Order E"}, true); err != nil {
			t.Fatal(err)
		}
		var got []string
		cursor := ""
		for {
			evs, next, err := f.app.Audit(ctx, f.admin, store.AuditFilter{Kind: "account.created"}, store.Page{Cursor: cursor, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range evs {
				if i > 0 && e.At.After(evs[i-1].At) {
					t.Errorf("%v listed after %v", e.At, evs[i-1].At)
				}
				got = append(got, e.At.Sub(base).String())
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if got, want := strings.Join(got, " "), "72h0m0s 48h0m0s 24h0m0s 1h0m0s -24h0m0s"; got != want {
			t.Fatalf("order across pages: %s, want %s", got, want)
		}
	})
}

// TestAdminsSeeEveryonesAccess: an admin sees another user's sessions
// and tokens with their last use, ends them, and sees when each user last
// signed in; others may not.
func TestAdminsSeeEveryonesAccess(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		if _, _, err := f.app.SignIn(ctx, "sam@example.com", "correct horse battery", app.Client{IP: "192.0.2.1", UserAgent: "curl/8"}); err != nil {
			t.Fatal(err)
		}
		tok, _, err := f.app.CreateToken(ctx, f.sales, app.NewToken{Label: "ERP sync", Scope: "read"})
		if err != nil {
			t.Fatal(err)
		}
		all, err := f.app.Access(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		var sam app.UserAccess
		for _, ua := range all {
			if ua.User.ID == f.sales.User.ID {
				sam = ua
			}
		}
		if len(sam.Sessions) != 1 || len(sam.Tokens) != 1 || sam.Tokens[0].ID != tok.ID {
			t.Fatalf("Sam's access: %+v", sam)
		}
		last, err := f.app.LastSignIns(ctx, f.admin)
		if err != nil || !last[f.sales.User.ID].Equal(*f.clock) {
			t.Fatalf("last sign-ins: %v %v", last, err)
		}
		if _, err := f.app.Access(ctx, f.sales); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("a salesperson saw everyone's access: %v", err)
		}
		if err := f.app.RevokeUserSession(ctx, f.service, sam.Sessions[0].ID); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("a service agent ended Sam's session: %v", err)
		}
		if err := f.app.RevokeUserSession(ctx, f.admin, sam.Sessions[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := f.app.RevokeToken(ctx, f.admin, tok.ID); err != nil {
			t.Fatal(err)
		}
		left, err := f.app.Access(ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, ua := range left {
			if ua.User.ID == f.sales.User.ID && len(ua.Sessions)+len(ua.Tokens) != 0 {
				t.Fatalf("still there: %+v", ua)
			}
		}
		evs, _, err := f.app.Audit(ctx, f.admin, store.AuditFilter{Kind: "session.revoked"}, store.Page{})
		if err != nil || len(evs) != 1 || evs[0].SubjectID != f.sales.User.ID || evs[0].ActorID != f.admin.User.ID {
			t.Fatalf("the revocation's event: %v %+v", err, evs)
		}
	})
}
