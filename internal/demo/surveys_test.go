package demo_test

import (
	"context"
	"sort"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/demo"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

// TestDemoSurveys: eighteen months of answers with a believable NPS, the
// customers' delivery yardstick at 3–4 days, Fabrikam's happy answer with
// its deal and Contoso's "no" with its case from yesterday.
func TestDemoSurveys(t *testing.T) {
	ctx := context.Background()
	a := app.New(storetest.SQLite(t))
	if _, err := demo.Load(ctx, a, 40); err != nil {
		t.Fatal(err)
	}
	var all []survey.Response
	page := store.Page{Limit: 500}
	for {
		list, next, err := a.SurveyResponses(ctx, access.System, store.ResponseFilter{}, page)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, list...)
		if next == "" {
			break
		}
		page.Cursor = next
	}
	promoters, detractors, n := 0, 0, 0
	var delivery []float64
	accounts := map[string]string{}
	for _, r := range all {
		for _, ans := range r.Answers {
			switch ans.Key {
			case survey.KeyNPS:
				n++
				if ans.Value() >= 9 {
					promoters++
				} else if ans.Value() <= 6 {
					detractors++
				}
			case survey.KeyDeliveryDays:
				delivery = append(delivery, *ans.Number)
			}
		}
		acc, _ := a.Store().AccountOwner(ctx, r.AccountID)
		if r.AnsweredAt.After(a.Now().AddDate(0, 0, -2)) {
			accounts[acc.Name] = r.Outcome + map[bool]string{true: "+case", false: ""}[r.CaseID != ""] + map[bool]string{true: "+deal", false: ""}[r.DealID != ""]
		}
	}
	if n < 100 {
		t.Fatalf("%d NPS answers", n)
	}
	nps := 100 * float64(promoters-detractors) / float64(n)
	if nps < 25 || nps > 50 {
		t.Errorf("NPS %.0f from %d answers", nps, n)
	}
	sort.Float64s(delivery)
	if len(delivery) < 50 || delivery[len(delivery)/2] < 3 || delivery[len(delivery)/2] > 4 {
		t.Errorf("delivery yardstick median of %d: %v", len(delivery), delivery)
	}
	if accounts["Fabrikam"] != "happy+deal" || accounts["Contoso"] != "problem+case" {
		t.Errorf("yesterday's answers: %v", accounts)
	}
}
