package server_test

import (
	"context"
	"testing"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

// TestFollowUpsAPI: an account's follow-ups come newest first with who
// was asked and, once answered, the response and the case it opened; a
// follow-up is read by its id; a missing account is a 404, no account a
// 422, a service agent may read them but not record Sam's customer's
// answers.
func TestFollowUpsAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		ctx := context.Background()
		acc := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Contoso"}).want(t, 201).str("id")
		e.sam.do("POST", "/api/v1/contacts", map[string]any{"account_id": acc, "name": "Ann Lee", "email": "ann@contoso.example"}).want(t, 201)
		var ids []string
		for range 2 {
			cs := e.val.do("POST", "/api/v1/cases", map[string]any{"account_id": acc, "subject": "Late delivery"}).want(t, 201).str("id")
			fu, err := e.app.RunFollowUp(ctx, survey.CaseClosed, "case", cs)
			if err != nil || fu.ID == "" {
				t.Fatal(fu, err)
			}
			ids = append(ids, fu.ID)
		}
		answers := map[string]any{"as_expected": "yes", "delivered_as_promised": "no", "met_expectations": "yes", "nps": "7"}
		e.val.do("POST", "/api/v1/survey-responses", map[string]any{"follow_up_id": ids[0], "answers": answers}).want(t, 403)
		e.sam.do("POST", "/api/v1/survey-responses", map[string]any{"follow_up_id": ids[0], "answers": answers}).want(t, 201)

		list := e.val.do("GET", "/api/v1/follow-ups?account_id="+acc, nil).want(t, 200)
		items, _ := list.body["items"].([]any)
		if len(items) != 2 {
			t.Fatalf("follow-ups: %s", list.raw)
		}
		newest, oldest := items[0].(map[string]any), items[1].(map[string]any)
		if newest["id"] != ids[1] || newest["response"] != nil || newest["contact_name"] != "Ann Lee" || newest["owner_id"] != e.sam.userID {
			t.Errorf("newest: %v", newest)
		}
		r, _ := oldest["response"].(map[string]any)
		if oldest["id"] != ids[0] || r == nil || r["outcome"] != "problem" || r["case_id"] == nil || r["recorded_by_id"] != e.sam.userID {
			t.Errorf("answered: %v", oldest)
		}
		if one := e.val.do("GET", "/api/v1/follow-ups/"+ids[0], nil).want(t, 200); one.str("response_id") != r["id"] {
			t.Errorf("one: %s", one.raw)
		}
		if items, _ := e.val.do("GET", "/api/v1/follow-ups?account_id="+acc+"&limit=1", nil).want(t, 200).body["items"].([]any); len(items) != 1 {
			t.Errorf("limit 1: %v", items)
		}
		e.val.do("GET", "/api/v1/follow-ups?account_id=01a20535-0000-7000-8000-000000000000", nil).want(t, 404)
		e.val.do("GET", "/api/v1/follow-ups", nil).want(t, 422)
		e.val.do("GET", "/api/v1/follow-ups/01a20535-0000-7000-8000-000000000000", nil).want(t, 404)
	})
}
