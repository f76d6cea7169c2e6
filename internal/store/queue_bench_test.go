package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"tandem/internal/cases"
	"tandem/internal/customer"
)

// BenchmarkQueueFirstPage reads the first page (50) of the service queue
// (new, open and waiting cases, next deadline first) among 100,000 open
// cases and 20,000 closed ones on SQLite.
func BenchmarkQueueFirstPage(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir(), "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(9, 9))
	now := time.Now().UTC().Truncate(time.Millisecond)
	var accounts []string
	err = s.InTx(ctx, func(tx *Tx) error {
		for i := range 1000 {
			a := customer.Account{ID: uuid.Must(uuid.NewV7()).String(), Name: fmt.Sprintf("Account %04d", i), Kind: "organization", Tier: "standard", CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertAccount(ctx, a, customer.KeysOf(a, "US")); err != nil {
				return err
			}
			accounts = append(accounts, a.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	statuses := []cases.Status{cases.New, cases.Open, cases.PendingCustomer}
	n := int64(1000)
	for batch := range 120 {
		err := s.InTx(ctx, func(tx *Tx) error {
			for range 1000 {
				n++
				opened := now.Add(-time.Duration(rng.IntN(30*24)) * time.Hour)
				c := cases.Case{ID: uuid.Must(uuid.NewV7()).String(), Number: n, AccountID: accounts[rng.IntN(len(accounts))], Subject: "Delivery arrived damaged",
					Category: "delivery", Priority: "normal", Status: statuses[rng.IntN(3)], OpenedAt: opened, CreatedAt: opened, UpdatedAt: opened}
				if batch >= 100 {
					c.Status = cases.Closed
				}
				c.Clocks = cases.Clocks{FirstResponseTarget: 4 * time.Hour, ResolutionTarget: 24 * time.Hour,
					FirstResponseDue: opened.Add(4 * time.Hour), ResolutionDue: opened.Add(time.Duration(24+rng.IntN(200)) * time.Hour)}
				if c.Status == cases.PendingCustomer || c.Status == cases.Closed {
					c.Clocks.ResolutionDue = time.Time{}
				}
				if err := tx.InsertCase(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		list, _, err := s.Cases(ctx, CaseFilter{Statuses: statuses}, Page{Limit: 50})
		lat = append(lat, time.Since(start))
		if err != nil || len(list) != 50 {
			b.Fatalf("%v %d", err, len(list))
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
}

// BenchmarkBreachedByAccount counts the cases past their deadline by
// account (the manager's home) among 100,000 open cases at 50,000
// accounts, 12,500 of them past their deadline, on SQLite with the
// statistics taken: the store's query, and beside it for comparison the
// same count naming its index (SQLite only, so never in the store).
//
//	go test -run '^$' -bench BreachedByAccount ./internal/store/
func BenchmarkBreachedByAccount(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir(), "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	now := time.Now().UTC().Truncate(time.Millisecond)
	rng := rand.New(rand.NewPCG(3, 3))
	var accounts []string
	err = s.InTx(ctx, func(tx *Tx) error {
		for i := range 50_000 {
			a := customer.Account{ID: uuid.Must(uuid.NewV7()).String(), Name: fmt.Sprintf("Account %06d", i), Kind: "organization", Tier: "standard", CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertAccount(ctx, a, customer.KeysOf(a, "US")); err != nil {
				return err
			}
			accounts = append(accounts, a.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for batch := range 20 {
		err := s.InTx(ctx, func(tx *Tx) error {
			for i := range 5000 {
				opened := now.Add(-time.Duration(rng.IntN(14*24)) * time.Hour)
				due := now.Add(time.Duration(rng.IntN(8*24)-24) * time.Hour)
				c := cases.Case{ID: uuid.Must(uuid.NewV7()).String(), Number: int64(1000 + batch*5000 + i), AccountID: accounts[rng.IntN(len(accounts))],
					Subject: "Damaged", Category: "general", Priority: "normal", Status: cases.Open, OpenedAt: opened, RespondedAt: opened.Add(time.Hour),
					CreatedAt: opened, UpdatedAt: opened}
				c.Clocks = cases.Clocks{FirstResponseTarget: 4 * time.Hour, ResolutionTarget: 40 * time.Hour, FirstResponseDue: due.Add(-20 * time.Hour),
					ResolutionDue: due, AtRiskAt: due.Add(-8 * time.Hour)}
				if err := tx.InsertCase(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("portable", func(b *testing.B) {
		for b.Loop() {
			if got, err := s.BreachedByAccount(ctx, now, 10); err != nil || len(got) != 10 {
				b.Fatal(err, len(got))
			}
		}
	})
	b.Run("indexed-by", func(b *testing.B) {
		w := CaseFilter{Statuses: cases.Unfinished, SLAState: "breached", Now: now}.where()
		query := `SELECT account_id, count(*) AS n FROM cases INDEXED BY cases_queue` + w.String() + ` GROUP BY account_id ORDER BY n DESC, account_id LIMIT ` + w.next(10)
		for b.Loop() {
			rows, err := s.query(ctx, query, w.args...)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
}
