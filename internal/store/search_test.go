package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"tandem/internal/customer"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestAccountSearchMatchesWhatWasTyped: % and _ in a search are the
// characters themselves, not LIKE wildcards, on both engines; a search
// still finds names by part, domains by their start and external ids whole.
func TestAccountSearchMatchesWhatWasTyped(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now()
		for _, a := range []customer.Account{
			{Name: "Northwind Traders", Domain: "northwind.example", ExternalID: "ERP-1"},
			{Name: "Contoso", Domain: "contoso.example", ExternalID: "ERP_2"},
			{Name: "Fabrikam 100% Cotton", Domain: "fab_rikam.example"},
			{Name: "Back\\slash Ltd", Domain: "backslash.example"},
		} {
			a.ID, a.Kind, a.Tier, a.CreatedAt, a.UpdatedAt = uuid.Must(uuid.NewV7()).String(), customer.Organization, "standard", now, now
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertAccount(ctx, a, customer.KeysOf(a, "US")) }); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string][]string{
			"%":           nil,
			"_":           nil,
			"%%":          nil,
			"\\":          nil,
			"n%d":         nil,
			"c_ntoso":     nil,
			"ERP_":        nil,
			"ERP%":        nil,
			"fab_":        {"Fabrikam 100% Cotton"},
			"ERP_2":       {"Contoso"},
			"erp-1":       nil, // an external id is matched whole, as typed
			"ERP-1":       {"Northwind Traders"},
			"wind":        {"Northwind Traders"},
			"contoso.ex":  {"Contoso"},
			"100% cotton": {"Fabrikam 100% Cotton"},
		} {
			list, _, err := s.Accounts(ctx, store.AccountFilter{Q: q}, store.Page{Limit: 50})
			if err != nil {
				t.Fatalf("q=%q: %v", q, err)
			}
			var got []string
			for _, a := range list {
				got = append(got, a.Name)
			}
			if !slices.Equal(got, want) {
				t.Errorf("q=%q: got %q, want %q", q, got, want)
			}
		}
	})
}
