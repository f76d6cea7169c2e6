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
	"tandem/internal/customer"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// BenchmarkBytesPerInteraction logs b.N interactions through the app (each
// with its audit event) and reports the bytes they take with their indexes:
// go test -run '^$' -bench BytesPerInteraction -benchtime 20000x ./internal/store
func BenchmarkBytesPerInteraction(b *testing.B) {
	b.Run(store.SQLite, func(b *testing.B) { bytesPerInteraction(b, storetest.SQLite(b)) })
	b.Run(store.Postgres, func(b *testing.B) { bytesPerInteraction(b, storetest.Postgres(b)) })
}

func bytesPerInteraction(b *testing.B, s *store.Store) {
	ctx := context.Background()
	a := app.New(s)
	u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
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
			if t.Name == "interactions" || t.Name == "events" || strings.HasPrefix(t.Name, "interactions_") || strings.HasPrefix(t.Name, "events_") ||
				strings.HasPrefix(t.Name, "sqlite_autoindex_interactions") || strings.HasPrefix(t.Name, "sqlite_autoindex_events") {
				out[t.Name] = t.Bytes
			}
		}
		return out
	}
	before := size()
	start := time.Now().Add(-365 * 24 * time.Hour)
	b.ResetTimer()
	for i := range b.N {
		if _, err := a.LogInteraction(ctx, actor, customer.Interaction{AccountID: ids[i%len(ids)], Channel: "phone", Direction: "out",
			Summary: "Quarterly check-in call", OccurredAt: start.Add(time.Duration(i) * time.Minute)}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	after := size()
	names := slices.Sorted(maps.Keys(after))
	var total int64
	for _, name := range names {
		total += after[name] - before[name]
		if b.N > 1 {
			b.Logf("%s: %.0f bytes/interaction", name, float64(after[name]-before[name])/float64(b.N))
		}
	}
	b.ReportMetric(float64(total)/float64(b.N), "bytes/interaction")
}
