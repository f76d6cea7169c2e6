package demo_test

import (
	"context"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/deal"
	"tandem/internal/demo"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestDemoDeals: open deals in every stage for Sam and Sue, won service
// follow-ups, two deals lost to Globex.
func TestDemoDeals(t *testing.T) {
	ctx := context.Background()
	a := app.New(storetest.SQLite(t))
	if _, err := demo.Load(ctx, a, 20); err != nil {
		t.Fatal(err)
	}
	list, _, err := a.Deals(ctx, access.System, store.DealFilter{}, store.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	users, _ := a.Users(ctx, access.System)
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.Email
	}
	stages := map[string]map[string]bool{}
	won, globex := 0, 0
	for _, d := range list {
		o := names[d.OwnerID]
		if stages[o] == nil {
			stages[o] = map[string]bool{}
		}
		stages[o][d.Stage] = true
		if d.Stage == deal.Won && d.Source == deal.SourceServiceFollowUp && d.CaseID != "" {
			won++
		}
		if d.Stage == deal.Lost && d.LostTo == "Globex" {
			globex++
		}
	}
	for _, who := range []string{"sam@example.com", "sue@example.com"} {
		for _, s := range deal.DefaultPipeline().Open() {
			if !stages[who][s.Key] {
				t.Errorf("%s has no deal in %s", who, s.Key)
			}
		}
	}
	if won < 2 || globex != 2 {
		t.Fatalf("won service follow-ups %d, lost to Globex %d", won, globex)
	}
}
