package web

import (
	"net/url"
	"testing"
)

func TestEditedHoldsOnlyWhatChanged(t *testing.T) {
	f := url.Values{"name": {"Northwind Traders Ltd"}, "was_name": {"Northwind Traders"}, "tier": {"gold"}, "was_tier": {"gold"},
		"phone": {""}, "was_phone": {"+1 771 555 0100"}, "was_owner_id": {"u1"}}
	got := edited(f, accountFields)
	if len(got) != 2 || got["name"] != "Northwind Traders Ltd" || got["phone"] != "" {
		t.Fatalf("edited: %v", got)
	}
	if patchField(got, "tier") != nil || patchField(got, "owner_id") != nil || *patchField(got, "phone") != "" {
		t.Errorf("patch fields: tier %v, owner %v", patchField(got, "tier"), patchField(got, "owner_id"))
	}
}
