package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"tandem/internal/cases"
	"tandem/internal/event"
)

// benchBook sizes the timeline benchmark's database. The full size is the
// one the timeline target is stated for; TANDEM_BENCH_SCALE=small is a
// quick look.
func benchBook() (accounts, interactions, busy int) {
	if os.Getenv("TANDEM_BENCH_SCALE") == "small" {
		return 10_000, 500_000, 10_000
	}
	return 100_000, 5_000_000, 10_000
}

// openBenchBook opens (building it the first time) a SQLite database of the
// benchmark size in the temp directory, and returns the busy account's id:
// an account with `busy` timeline items, half interactions, half events.
func openBenchBook(b *testing.B) (*Store, string) {
	accounts, interactions, busy := benchBook()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("tandem-bench-%d-%d", accounts, interactions))
	ctx := context.Background()
	ready := filepath.Join(dir, "ready")
	if _, err := os.Stat(ready); err != nil {
		os.RemoveAll(dir)
		start := time.Now()
		s, err := Open(ctx, dir, "")
		if err != nil {
			b.Fatal(err)
		}
		if err := fillBenchBook(ctx, s, accounts, interactions, busy); err != nil {
			b.Fatal(err)
		}
		s.Close()
		os.WriteFile(ready, nil, 0o644)
		b.Logf("built %d accounts, %d interactions in %s", accounts, interactions, time.Since(start).Round(time.Second))
	}
	s, err := Open(ctx, dir, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	var id string
	if err := s.row(ctx, `SELECT id FROM accounts WHERE name = 'Busy Account'`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	return s, id
}

func fillBenchBook(ctx context.Context, s *Store, accounts, interactions, busy int) error {
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	ids := make([]string, accounts)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7()).String()
	}
	const batch = 500
	insert := func(table, cols string, n int, row func(i int) []any) error {
		ncol := len(strings.Split(cols, ","))
		for start := 0; start < n; {
			err := s.InTx(ctx, func(tx *Tx) error {
				for chunk := 0; chunk < 40 && start < n; chunk++ {
					m := min(batch, n-start)
					var sb strings.Builder
					args := make([]any, 0, m*ncol)
					for r := range m {
						if r > 0 {
							sb.WriteString(",")
						}
						sb.WriteString("(")
						for c := range ncol {
							if c > 0 {
								sb.WriteString(",")
							}
							fmt.Fprintf(&sb, "$%d", len(args)+c+1)
						}
						sb.WriteString(")")
						args = append(args, row(start+r)...)
					}
					if _, err := tx.exec(ctx, "INSERT INTO "+table+" ("+cols+") VALUES "+sb.String(), args...); err != nil {
						return err
					}
					start += m
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	err := insert("accounts", "id, name, name_key, kind, tier, domain, phone, phone_e164, created_at, updated_at", accounts, func(i int) []any {
		name := fmt.Sprintf("Account %06d", i)
		if i == 0 {
			name = "Busy Account"
		}
		return []any{ids[i], name, strings.ToLower(name), "organization", "standard", "", "", "", ms(now), ms(now)}
	})
	if err != nil {
		return err
	}
	// Load the interactions first and index them after, as a bulk load would.
	if err := s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DROP INDEX interactions_timeline`)
		return err
	}); err != nil {
		return err
	}
	span := int64(540 * 24 * time.Hour / time.Millisecond)
	err = insert("interactions", "id, account_id, team, channel, direction, kind, summary, outcome, occurred_at, created_at, updated_at",
		interactions, func(i int) []any {
			acc := ids[rng.IntN(accounts)]
			if i < busy/2 {
				acc = ids[0]
			}
			team := "sales"
			if rng.IntN(2) == 0 {
				team = "service"
			}
			at := ms(now) - rng.Int64N(span)
			return []any{uuid.Must(uuid.NewV7()).String(), acc, team, "phone", "out", "touch", "Check-in call", "neutral", at, at, at}
		})
	if err != nil {
		return err
	}
	if err := s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `CREATE INDEX interactions_timeline ON interactions(account_id, occurred_at, id)`)
		return err
	}); err != nil {
		return err
	}
	return insert("events", "id, at, actor_id, account_id, subject_type, subject_id, kind, team, on_timeline", busy/2, func(i int) []any {
		return []any{uuid.Must(uuid.NewV7()).String(), ms(now) - rng.Int64N(span), "", ids[0], "account", ids[0], "account.updated", "", 1}
	})
}

func benchTimeline(b *testing.B, f event.Filter) {
	s, id := openBenchBook(b)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		items, _, err := s.Timeline(ctx, id, f, Page{Limit: 50})
		lat = append(lat, time.Since(start))
		if err != nil || len(items) != 50 {
			b.Fatalf("timeline: %v, %d items", err, len(items))
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
}

// BenchmarkTimelineFirstPage reads the first 50 items of an account with
// 10,000 timeline items in a book of 100,000 accounts and 5,000,000
// interactions.
func BenchmarkTimelineFirstPage(b *testing.B) { benchTimeline(b, event.Filter{}) }

// BenchmarkTimelineFirstPageService is the same with the service filter.
func BenchmarkTimelineFirstPageService(b *testing.B) { benchTimeline(b, event.Filter{Team: "service"}) }

// BenchmarkAccountListPage reads the first page (50) of the account list
// and the activity shown beside it (last contact, unfinished cases) in the
// timeline benchmark's book.
func BenchmarkAccountListPage(b *testing.B) {
	s, _ := openBenchBook(b)
	ctx := context.Background()
	for b.Loop() {
		list, _, err := s.Accounts(ctx, AccountFilter{}, Page{Limit: 50})
		if err != nil || len(list) != 50 {
			b.Fatalf("accounts: %v, %d", err, len(list))
		}
		ids := make([]string, len(list))
		for i, a := range list {
			ids[i] = a.ID
		}
		act, err := s.AccountActivity(ctx, ids, cases.Unfinished)
		if err != nil || len(act) == 0 {
			b.Fatalf("activity: %v, %d", err, len(act))
		}
	}
}
