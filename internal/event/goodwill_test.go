package event

import (
	"encoding/json"
	"testing"
)

func TestGoodwillSentences(t *testing.T) {
	users := map[string]string{"sam": "Sam Seller", "mia": "Mia Manager"}
	snap := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	gw := func(status, note string) json.RawMessage {
		return snap(map[string]any{"kind": "credit", "amount": map[string]any{"amount_minor": 15000, "currency": "EUR"}, "reason": "late rebate",
			"status": status, "requested_by_id": "sam", "account_name": "Contoso", "decision_note": note})
	}
	for _, c := range []struct {
		e    Event
		want string
	}{
		{Event{Kind: "goodwill.requested", ActorID: "sam", After: gw("approved", "")}, "Sam Seller granted Contoso a credit of €150.00: late rebate"},
		{Event{Kind: "goodwill.requested", ActorID: "sam", After: gw("pending", "")}, "Sam Seller’s credit of €150.00 for Contoso is waiting for approval: late rebate"},
		{Event{Kind: "goodwill.approved", ActorID: "mia", After: gw("approved", "fair")}, "Mia Manager approved Sam Seller’s credit of €150.00 for Contoso (late rebate): fair"},
		{Event{Kind: "goodwill.rejected", ActorID: "mia", After: gw("rejected", "")}, "Mia Manager turned down Sam Seller’s credit of €150.00 for Contoso (late rebate)"},
		{Event{Kind: "promotion.created", ActorID: "mia", After: snap(map[string]any{"name": "Year's supply rebate"})}, "Mia Manager added the promotion “Year's supply rebate”"},
		{Event{Kind: "goodwill.limits_changed", ActorID: ""}, "Tandem changed the goodwill approval limits"},
	} {
		if got := Describe(&c.e, users).Text; got != c.want {
			t.Errorf("%s: %q, want %q", c.e.Kind, got, c.want)
		}
		// The audit trail's sentence names the actor once.
		if got := Sentence(&c.e, users); got != c.want {
			t.Errorf("%s: sentence %q", c.e.Kind, got)
		}
	}
}
