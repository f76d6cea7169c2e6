package event

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	users := map[string]string{"u1": "Sam Seller", "u2": "Mia Manager"}
	snap := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	for _, c := range []struct {
		e           Event
		text, link  string
		wantChanges []string
	}{
		{Event{Kind: "case.opened", SubjectID: "c1", After: snap(map[string]any{"number": 1121, "subject": "Pallets arrived short"})},
			"Case #1121 opened — Pallets arrived short", "/cases/c1", nil},
		{Event{Kind: "case.pending_customer", SubjectID: "c1", After: snap(map[string]any{"number": 7, "subject": "Invoice"})},
			"Case #7 waiting on the customer — Invoice", "/cases/c1", nil},
		{Event{Kind: "case.sla_breached", SubjectID: "c1", After: snap(map[string]any{"number": 7, "alert": "first response is overdue"})},
			"Case #7: first response is overdue", "/cases/c1", nil},
		{Event{Kind: "contact.created", SubjectID: "k1", After: snap(map[string]any{"name": "Rosa Andersen"})},
			"Contact added: Rosa Andersen", "/contacts/k1", nil},
		{Event{Kind: "contact.deleted", SubjectID: "k1", Before: snap(map[string]any{"name": "Rosa Andersen"})},
			"Contact removed: Rosa Andersen", "", nil},
		{Event{Kind: "account.updated", SubjectID: "a1",
			Before: snap(map[string]any{"tier": "silver", "domain": "", "owner_id": "u1", "version": 1}),
			After:  snap(map[string]any{"tier": "gold", "domain": "acme.example", "owner_id": "u1", "version": 2})},
			"Account updated", "", []string{"domain: (none) → acme.example", "tier: silver → gold"}},
		{Event{Kind: "account.owner_changed", SubjectID: "a1",
			Before: snap(map[string]any{"owner_id": "u1"}), After: snap(map[string]any{"owner_id": "u2"})},
			"Owner changed", "", []string{"owner: Sam Seller → Mia Manager"}},
		{Event{Kind: "account.merged", SubjectID: "a1", Before: snap(map[string]any{"merged": map[string]any{"name": "Acme Ltd"}})},
			"Merged Acme Ltd into this account", "", nil},
		{Event{Kind: "case.commented", SubjectID: "c1", After: snap(map[string]any{"body": "Called twice,\n no answer", "internal": true})},
			"Internal note on a case: Called twice, no answer", "/cases/c1", nil},
		{Event{Kind: "case.commented", SubjectID: "c1", After: snap(map[string]any{"body": strings.Repeat("word ", 40), "internal": false})},
			"Reply to the customer on a case: " + strings.TrimSpace(strings.Repeat("word ", 24)) + "…", "/cases/c1", nil},
		{Event{Kind: "case.open", SubjectID: "c1", Before: snap(map[string]any{"status": "new", "number": 7}), After: snap(map[string]any{"status": "open", "number": 7})},
			"Case #7 being worked on", "/cases/c1", nil},
		{Event{Kind: "case.open", SubjectID: "c1", Before: snap(map[string]any{"status": "closed", "number": 7}), After: snap(map[string]any{"status": "open", "number": 7})},
			"Case #7 reopened", "/cases/c1", nil},
		{Event{Kind: "case.assigned", SubjectID: "c1", Before: snap(map[string]any{"assignee_id": "", "number": 7}), After: snap(map[string]any{"assignee_id": "u2", "number": 7})},
			"Case #7 assigned to Mia Manager", "/cases/c1", nil},
		{Event{Kind: "case.assigned", SubjectID: "c1", Before: snap(map[string]any{"assignee_id": "u2", "number": 7}), After: snap(map[string]any{"assignee_id": "", "number": 7})},
			"Case #7 unassigned", "/cases/c1", nil},
		{Event{Kind: "widget.frobbed"}, "Widget frobbed", "", nil},
	} {
		got := Describe(&c.e, users)
		if got.Text != c.text || got.Link != c.link || !slices.Equal(got.Changes, c.wantChanges) {
			t.Errorf("%s: got %+v, want %q %q %q", c.e.Kind, got, c.text, c.link, c.wantChanges)
		}
	}
}

func TestHuman(t *testing.T) {
	for in, want := range map[string]string{"pending_customer": "Pending customer", "sla_at_risk": "SLA at risk", "case.opened": "Case opened", "": ""} {
		if got := Human(in); got != want {
			t.Errorf("Human(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDescribeAccess: every kind of event about users, sessions, tokens
// and settings reads as a sentence naming who did what to whom; what
// Tandem did on its own is Tandem's.
func TestDescribeAccess(t *testing.T) {
	users := map[string]string{"ada": "Ada Admin", "val": "Val Jones"}
	snap := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	for _, c := range []struct {
		e    Event
		text string
	}{
		{Event{Kind: "user.role_changed", ActorID: "ada", SubjectID: "val",
			Before: snap(map[string]any{"name": "Val Jones", "role": "service"}), After: snap(map[string]any{"name": "Val Jones", "role": "manager"})},
			"Ada Admin changed Val Jones’s role from service to manager"},
		{Event{Kind: "user.created", ActorID: "ada", SubjectID: "val", After: snap(map[string]any{"name": "Val Jones", "email": "val@example.com", "role": "service"})},
			"Ada Admin added Val Jones (val@example.com) as service"},
		{Event{Kind: "user.created", SubjectID: "ada", After: snap(map[string]any{"name": "Ada Admin", "email": "ada@example.com", "role": "admin"})},
			"Tandem added Ada Admin (ada@example.com) as admin"},
		{Event{Kind: "user.deactivated", ActorID: "ada", SubjectID: "val", Before: snap(map[string]any{"name": "Val Jones", "active": true}),
			After: snap(map[string]any{"name": "Val Jones", "active": false})}, "Ada Admin deactivated Val Jones"},
		{Event{Kind: "user.reactivated", ActorID: "ada", SubjectID: "val", Before: snap(map[string]any{"name": "Val Jones", "active": false, "role": "sales"}),
			After: snap(map[string]any{"name": "Val Jones", "active": true, "role": "service"})},
			"Ada Admin reactivated Val Jones and changed their role from sales to service"},
		{Event{Kind: "user.updated", ActorID: "ada", SubjectID: "val", Before: snap(map[string]any{"name": "Val Smith"}), After: snap(map[string]any{"name": "Val Jones"})},
			"Ada Admin renamed Val Smith to Val Jones"},
		{Event{Kind: "user.password_reset", ActorID: "ada", SubjectID: "val"}, "Ada Admin reset Val Jones’s password"},
		{Event{Kind: "user.password_changed", ActorID: "val", SubjectID: "val"}, "Val Jones changed their password"},
		{Event{Kind: "user.locked", SubjectID: "val", After: snap(map[string]any{"email": "val@example.com"})},
			"Tandem locked sign-in for val@example.com after repeated failed sign-ins"},
		{Event{Kind: "user.notification_preferences_changed", ActorID: "val", SubjectID: "val"}, "Val Jones changed their notification preferences"},
		{Event{Kind: "session.signed_in", ActorID: "val", SubjectID: "val", After: snap(map[string]any{"ip": "192.0.2.7"})}, "Val Jones signed in from 192.0.2.7"},
		{Event{Kind: "session.signed_out", ActorID: "val", SubjectID: "val"}, "Val Jones signed out"},
		{Event{Kind: "session.sign_in_failed", After: snap(map[string]any{"email": "x@example.com", "ip": "192.0.2.8"})},
			"A sign-in as x@example.com from 192.0.2.8 failed"},
		{Event{Kind: "session.revoked", ActorID: "val", SubjectID: "val"}, "Val Jones signed out one of their other sessions"},
		{Event{Kind: "session.revoked", ActorID: "ada", SubjectID: "val"}, "Ada Admin signed out a session of Val Jones"},
		{Event{Kind: "token.created", ActorID: "ada", SubjectID: "t1", After: snap(map[string]any{"user_id": "val", "label": "ERP sync", "scope": "read"})},
			"Ada Admin created the API token “ERP sync” (read) for Val Jones"},
		{Event{Kind: "token.created", ActorID: "val", SubjectID: "t1", After: snap(map[string]any{"user_id": "val", "label": "ERP sync", "scope": "write"})},
			"Val Jones created the API token “ERP sync” (write)"},
		{Event{Kind: "token.used", ActorID: "val", SubjectID: "t1"}, "Val Jones used an API token"},
		{Event{Kind: "token.revoked", ActorID: "ada", SubjectID: "t1", After: snap(map[string]any{"user_id": "val", "label": "ERP sync"})},
			"Ada Admin revoked Val Jones’s API token “ERP sync”"},
		{Event{Kind: "token.revoked", ActorID: "val", SubjectID: "t1", After: snap(map[string]any{"user_id": "val", "label": "ERP sync"})},
			"Val Jones revoked their API token “ERP sync”"},
		{Event{Kind: "sla.policy_changed", ActorID: "ada"}, "Ada Admin changed the SLA targets"},
		{Event{Kind: "sla.calendar_changed", ActorID: "ada"}, "Ada Admin changed the service calendar"},
		{Event{Kind: "case_category.saved", ActorID: "ada", After: snap(map[string]any{"name": "returns", "active": true})},
			"Ada Admin saved the case category “returns” (in use)"},
	} {
		if got := Describe(&c.e, users).Text; got != c.text {
			t.Errorf("%s: got %q, want %q", c.e.Kind, got, c.text)
		}
	}
	for _, c := range []struct {
		e    Event
		want string
	}{
		{Event{Kind: "case.sla_breached"}, "Tandem"},
		{Event{Kind: "session.sign_in_failed"}, "Someone not signed in"},
		{Event{Kind: "user.role_changed", ActorID: "ada"}, "Ada Admin"},
	} {
		if got := Actor(&c.e, users); got != c.want {
			t.Errorf("the actor of %s: %q, want %q", c.e.Kind, got, c.want)
		}
	}
}

// TestSentence: the export's sentence names who did it.
func TestSentence(t *testing.T) {
	users := map[string]string{"ada": "Ada Admin"}
	for _, c := range []struct {
		e    Event
		want string
	}{
		{Event{Kind: "case.opened", ActorID: "ada", SubjectID: "c1", After: json.RawMessage(`{"number":7,"subject":"Invoice"}`)}, "Ada Admin: Case #7 opened — Invoice"},
		{Event{Kind: "case.sla_breached", SubjectID: "c1", After: json.RawMessage(`{"number":7,"alert":"first response is overdue"}`)}, "Tandem: Case #7: first response is overdue"},
		{Event{Kind: "user.password_reset", ActorID: "ada", SubjectID: "ada"}, "Ada Admin reset their password"},
	} {
		if got := Sentence(&c.e, users); got != c.want {
			t.Errorf("%s: %q, want %q", c.e.Kind, got, c.want)
		}
	}
}
