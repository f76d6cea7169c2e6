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
