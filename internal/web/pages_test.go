package web

import (
	"net/url"
	"slices"
	"testing"
)

func TestAccountPatchHoldsOnlyWhatChanged(t *testing.T) {
	f := url.Values{"name": {"Northwind Traders Ltd"}, "was_name": {"Northwind Traders"}, "tier": {"gold"}, "was_tier": {"gold"},
		"phone": {""}, "was_phone": {"+1 771 555 0100"}, "was_owner_id": {"u1"}}
	p, changed := accountPatch(f)
	if !slices.Equal(changed, []string{"name", "phone"}) {
		t.Fatalf("changed: %v", changed)
	}
	if p.Name == nil || *p.Name != "Northwind Traders Ltd" || p.Phone == nil || *p.Phone != "" {
		t.Errorf("patch lacks a change: %+v", p)
	}
	if p.Tier != nil || p.OwnerID != nil || p.Domain != nil {
		t.Errorf("patch holds a field nobody changed or the form did not offer: %+v", p)
	}
}
