package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/customer"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// scoreBench fills a SQLite book with 1,000 accounts of 4 owners and
// 100,000 responses over 24 months, each with an NPS, a CSAT, the three
// yes/no questions and a yardstick: 600,000 answers.
func scoreBench(b *testing.B) *store.Store {
	s := storetest.SQLite(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 7))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	owners := []string{"o1", "o2", "o3", "o4"}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for i, id := range owners {
			role := access.Sales
			if i == 3 {
				role = access.Manager
			}
			if err := tx.InsertUser(ctx, access.User{ID: id, Email: id + "@example.com", Name: id, Role: role, Active: true, CreatedAt: start, UpdatedAt: start}, ""); err != nil {
				return err
			}
		}
		for i := range 1000 {
			a := customer.Account{ID: fmt.Sprintf("acc%04d", i), Name: fmt.Sprintf("Account %d", i), Kind: "company", OwnerID: owners[i%4], Tier: "standard", CreatedAt: start, UpdatedAt: start}
			if err := tx.InsertAccount(ctx, a, customer.KeysOf(a, "")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for batch := range 100 {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for j := range 1000 {
				i := batch*1000 + j
				acc := i % 1000
				at := start.Add(time.Duration(rng.Int64N(int64(730 * 24 * time.Hour))))
				trigger := []string{"order_delivered", "case_closed", "deal_won", "promise_kept"}[i%4]
				if err := tx.AddTestResponse(ctx, fmt.Sprintf("r%06d", i), fmt.Sprintf("acc%04d", acc), owners[acc%4], trigger, at,
					scale("nps", "nps", float64(rng.IntN(11))), scale("csat", "csat", float64(1+rng.IntN(5))),
					yes("as_expected", rng.IntN(10) > 0), yes("delivered_as_promised", rng.IntN(10) > 1), yes("met_expectations", rng.IntN(10) > 0),
					days(float64(2+rng.IntN(6)))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkScores: what the account page and the results page read, on
// 100,000 responses (600,000 answers) in SQLite.
//
//	go test ./internal/store/ -run '^$' -bench BenchmarkScores -benchtime 20x
func BenchmarkScores(b *testing.B) {
	s := scoreBench(b)
	ctx := context.Background()
	year := store.ScoreFilter{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	b.Run("account_page", func(b *testing.B) {
		i := 0
		for b.Loop() {
			f := year
			f.AccountID = fmt.Sprintf("acc%04d", i%1000)
			i++
			if _, err := s.ScoreCounts(ctx, f, store.ScoreByMonth); err != nil {
				b.Fatal(err)
			}
			if _, err := s.YardstickCounts(ctx, f); err != nil {
				b.Fatal(err)
			}
			if _, _, err := s.ScoreAnswers(ctx, store.AnswerFilter{ScoreFilter: f}, store.Page{Limit: 8}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("book_by_month", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ScoreCounts(ctx, year, store.ScoreByMonth); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("owner_by_trigger", func(b *testing.B) {
		f := year
		f.OwnerID = "o2"
		for b.Loop() {
			if _, err := s.ScoreCounts(ctx, f, store.ScoreByTrigger); err != nil {
				b.Fatal(err)
			}
		}
	})
}
