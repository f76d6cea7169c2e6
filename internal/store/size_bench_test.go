package store_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// BenchmarkBytesPerRecord writes b.N records of each kind through the app
// (each with its audit event and whatever else its transaction writes: a
// case's SLA check job, say) and reports what the whole database grew by
// per record, every table and index counted; -v lists them one by one:
// go test -run '^$' -bench BytesPerRecord -benchtime 20000x ./internal/store
func BenchmarkBytesPerRecord(b *testing.B) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		open := storetest.SQLite
		if engine == store.Postgres {
			open = storetest.Postgres
		}
		b.Run("interaction/"+engine, func(b *testing.B) {
			bytesPer(b, open(b), "interaction", func(a *app.App, actor access.Actor, account string, i int) error {
				_, err := a.LogInteraction(context.Background(), actor, customer.Interaction{AccountID: account, Channel: "phone", Direction: "out",
					Summary: "Quarterly check-in call", OccurredAt: time.Now().Add(-365 * 24 * time.Hour).Add(time.Duration(i) * time.Minute)})
				return err
			})
		})
		b.Run("case/"+engine, func(b *testing.B) {
			bytesPer(b, open(b), "case", func(a *app.App, actor access.Actor, account string, i int) error {
				_, err := a.OpenCase(context.Background(), actor, cases.Case{AccountID: account, Subject: "Delivery arrived damaged", Priority: "high"})
				return err
			})
		})
	}
}

func bytesPer(b *testing.B, s *store.Store, unit string, write func(a *app.App, actor access.Actor, account string, i int) error) {
	ctx := context.Background()
	a := app.New(s)
	u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia", Role: "manager", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	actor := access.Actor{User: u, Scope: access.ScopeWrite}
	var ids []string
	for i := range 100 {
		acc, err := a.CreateAccount(ctx, actor, customer.Account{Name: "Account " + strings.Repeat("x", i%7) + string(rune('A'+i%26)) + string(rune('a'+i/26))}, true)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, acc.ID)
	}
	size := func() map[string]int64 {
		sizes, err := s.Sizes(ctx)
		if err != nil {
			b.Fatal(err)
		}
		out := map[string]int64{}
		for _, t := range sizes {
			out[t.Name] = t.Bytes
		}
		return out
	}
	before := size()
	b.ResetTimer()
	for i := range b.N {
		if err := write(a, actor, ids[i%len(ids)], i); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	after := size()
	var total int64
	for _, name := range slices.Sorted(maps.Keys(after)) {
		if grew := after[name] - before[name]; grew != 0 {
			total += grew
			if b.N > 1 {
				b.Logf("%s: %.0f bytes/%s", name, float64(grew)/float64(b.N), unit)
			}
		}
	}
	b.ReportMetric(float64(total)/float64(b.N), "bytes/"+unit)
}
