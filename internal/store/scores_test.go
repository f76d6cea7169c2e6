package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/customer"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

func n(v float64) *float64 { return &v }

func yes(key string, y bool) store.TestAnswer {
	v := 0.0
	if y {
		v = 1
	}
	return store.TestAnswer{Key: key, Type: "yes_no", Number: &v, Text: map[bool]string{true: "yes", false: "no"}[y]}
}

func scale(key, typ string, v float64) store.TestAnswer {
	return store.TestAnswer{Key: key, Type: typ, Number: &v, Text: fmt.Sprint(v)}
}

func days(v float64) store.TestAnswer {
	return store.TestAnswer{Key: "delivery_days", Type: "yardstick", Number: &v, Metric: "delivery_days", Unit: "days"}
}

// scoreBook: Sam (sales) owns Acme, Sue (service) owns Bolt; three
// responses over January and February 2026.
func scoreBook(t *testing.T, s *store.Store) (acme, bolt customer.Account) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	acme = customer.Account{ID: "acme", Name: "Acme", Kind: "company", OwnerID: "sam", Tier: "standard", CreatedAt: now, UpdatedAt: now}
	bolt = customer.Account{ID: "bolt", Name: "Bolt", Kind: "company", OwnerID: "sue", Tier: "standard", CreatedAt: now, UpdatedAt: now}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for _, u := range []access.User{
			{ID: "sam", Email: "sam@example.com", Name: "Sam", Role: access.Sales, Active: true, CreatedAt: now, UpdatedAt: now},
			{ID: "sue", Email: "sue@example.com", Name: "Sue", Role: access.Service, Active: true, CreatedAt: now, UpdatedAt: now},
		} {
			if err := tx.InsertUser(ctx, u, ""); err != nil {
				return err
			}
		}
		for _, a := range []customer.Account{acme, bolt} {
			if err := tx.InsertAccount(ctx, a, customer.KeysOf(a, "")); err != nil {
				return err
			}
		}
		if err := tx.AddTestResponse(ctx, "r1", "acme", "sam", "order_delivered", time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC),
			scale("nps", "nps", 10), yes("as_expected", true), scale("csat", "csat", 5), scale("ces", "ces", 2), days(3)); err != nil {
			return err
		}
		if err := tx.AddTestResponse(ctx, "r2", "acme", "sam", "case_closed", time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC),
			scale("nps", "nps", 6), yes("as_expected", false), scale("csat", "csat", 2), days(4)); err != nil {
			return err
		}
		return tx.AddTestResponse(ctx, "r3", "bolt", "sue", "order_delivered", time.Date(2026, 2, 28, 23, 59, 0, 0, time.UTC),
			scale("nps", "nps", 8), yes("as_expected", true), scale("ces", "ces", 4), days(7),
			store.TestAnswer{Key: "comment", Type: "text", Text: "Quick, thanks"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return acme, bolt
}

func countsOf(cs []store.ScoreCount) map[string]int {
	m := map[string]int{}
	for _, c := range cs {
		m[fmt.Sprintf("%s|%s|%s|%g", c.Group, c.Type, c.Key, c.Value)] += c.Count
	}
	return m
}

func TestScoreCounts(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		scoreBook(t, s)
		all, err := s.ScoreCounts(ctx, store.ScoreFilter{}, store.ScoreByNone)
		if err != nil {
			t.Fatal(err)
		}
		m := countsOf(all)
		want := map[string]int{"|nps|nps|10": 1, "|nps|nps|6": 1, "|nps|nps|8": 1, "|yes_no|as_expected|1": 2, "|yes_no|as_expected|0": 1,
			"|csat|csat|5": 1, "|csat|csat|2": 1, "|ces|ces|2": 1, "|ces|ces|4": 1}
		if fmt.Sprint(m) != fmt.Sprint(want) {
			t.Fatalf("all: %v", m)
		}
		byMonth, err := s.ScoreCounts(ctx, store.ScoreFilter{}, store.ScoreByMonth)
		if err != nil {
			t.Fatal(err)
		}
		m = countsOf(byMonth)
		if m["2026-01|nps|nps|10"] != 1 || m["2026-02|nps|nps|6"] != 1 || m["2026-02|nps|nps|8"] != 1 || len(m) != 10 {
			t.Fatalf("by month: %v", m)
		}
		byTeam, _ := s.ScoreCounts(ctx, store.ScoreFilter{}, store.ScoreByTeam)
		if m := countsOf(byTeam); m["sales|nps|nps|10"] != 1 || m["service|nps|nps|8"] != 1 {
			t.Fatalf("by team: %v", m)
		}
		for by, key := range map[string]string{store.ScoreByAccount: "bolt|nps|nps|8", store.ScoreByOwner: "sue|nps|nps|8", store.ScoreByTrigger: "case_closed|nps|nps|6"} {
			cs, err := s.ScoreCounts(ctx, store.ScoreFilter{}, by)
			if err != nil || countsOf(cs)[key] != 1 {
				t.Fatalf("by %s: %v %v", by, countsOf(cs), err)
			}
		}
		// Filters: account, owner, team, trigger, period (To is exclusive).
		for name, c := range map[string]struct {
			f   store.ScoreFilter
			nps int
		}{
			"account":  {store.ScoreFilter{AccountID: "acme"}, 2},
			"owner":    {store.ScoreFilter{OwnerID: "sue"}, 1},
			"team":     {store.ScoreFilter{Team: "sales"}, 2},
			"trigger":  {store.ScoreFilter{Trigger: "order_delivered"}, 2},
			"period":   {store.ScoreFilter{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 28, 23, 59, 0, 0, time.UTC)}, 1},
			"combined": {store.ScoreFilter{AccountID: "acme", Trigger: "order_delivered", Team: "sales", OwnerID: "sam"}, 1},
			"nothing":  {store.ScoreFilter{AccountID: "acme", Team: "service"}, 0},
		} {
			cs, err := s.ScoreCounts(ctx, c.f, store.ScoreByNone)
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			for _, x := range cs {
				if x.Type == "nps" {
					got += x.Count
				}
			}
			if got != c.nps {
				t.Errorf("%s: %d nps answers, want %d", name, got, c.nps)
			}
		}
		ys, err := s.YardstickCounts(ctx, store.ScoreFilter{})
		if err != nil || len(ys) != 3 || ys[0] != (store.YardstickCount{Metric: "delivery_days", Unit: "days", Value: 3, Count: 1}) {
			t.Fatalf("yardsticks %v %v", ys, err)
		}
	})
}

func TestScoreAnswers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		scoreBook(t, s)
		// The detractors: NPS 0–6.
		got, next, err := s.ScoreAnswers(ctx, store.AnswerFilter{Type: "nps", Min: n(0), Max: n(6)}, store.Page{})
		if err != nil || len(got) != 1 || next != "" || got[0].ResponseID != "r2" || got[0].AccountName != "Acme" || got[0].OwnerName != "Sam" || *got[0].Number != 6 {
			t.Fatalf("detractors %+v %q %v", got, next, err)
		}
		// Every answer of Acme's, newest first, two per page.
		var all []store.ScoreAnswer
		cur := ""
		for range 10 {
			page, next, err := s.ScoreAnswers(ctx, store.AnswerFilter{ScoreFilter: store.ScoreFilter{AccountID: "acme"}}, store.Page{Cursor: cur, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if next == "" {
				break
			}
			cur = next
		}
		if len(all) != 9 || all[0].ResponseID != "r2" || all[8].ResponseID != "r1" {
			t.Fatalf("%d answers: %+v", len(all), all)
		}
		seen := map[string]bool{}
		for _, a := range all {
			k := a.ResponseID + "/" + a.Key
			if seen[k] {
				t.Fatalf("twice: %s", k)
			}
			seen[k] = true
		}
		text, _, err := s.ScoreAnswers(ctx, store.AnswerFilter{Key: "comment", ScoreFilter: store.ScoreFilter{Team: "service"}}, store.Page{})
		if err != nil || len(text) != 1 || text[0].Number != nil || text[0].Text != "Quick, thanks" {
			t.Fatalf("text %+v %v", text, err)
		}
		if _, _, err := s.ScoreAnswers(ctx, store.AnswerFilter{}, store.Page{Cursor: "nonsense!"}); err == nil {
			t.Fatal("bad cursor accepted")
		}
	})
}
