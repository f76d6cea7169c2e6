package event

import (
	"encoding/json"
	"testing"
)

func TestOrderSentences(t *testing.T) {
	for _, tc := range []struct {
		kind, after, want string
	}{
		{"order.recorded", `{"number":5001,"account_name":"Contoso","by_name":"Sam Seller","revenue":{"amount_minor":420000,"currency":"EUR"}}`,
			"Sam Seller recorded order #5001 for Contoso: €4,200.00"},
		{"order.delivered", `{"number":5001,"on_time":true}`, "Order #5001 delivered, on time"},
		{"order.delivered", `{"number":5002,"on_time":false}`, "Order #5002 delivered, late"},
		{"order.delivered", `{"number":5003}`, "Order #5003 delivered"},
		{"order.cancelled", `{"number":5004}`, "Order #5004 cancelled"},
		{"product.created", `{"name":"Widget","sku":"W-1"}`, "Product added: Widget (W-1)"},
	} {
		e := &Event{Kind: tc.kind, SubjectID: "x", After: json.RawMessage(tc.after)}
		if got := Describe(e, nil).Text; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.kind, got, tc.want)
		}
	}
}
