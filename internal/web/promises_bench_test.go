package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/jobs"
	"tandem/internal/promise"
	"tandem/internal/rules"
	"tandem/internal/server"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// BenchmarkMillionOpenPromises builds a SQLite book with 1,000,000 open
// promises (10,000 accounts with 100 each, due from tomorrow on; set
// TANDEM_BENCH_PROMISES to change the total) and, with the job queue
// running as in production:
//
//   - overdue: makes a promise due 1.5 s ahead through the app and waits
//     for the clock's check to mark it overdue; it reports how long after
//     its due moment that happened (the target: within 5 s);
//
//   - policy_conflicts: checks a saved policy against the 5,000 pending
//     promises due soonest (what a policy's save and page show);
//
//   - account_page: renders an account page (its 100 open promises, the
//     20 soonest listed) through the whole HTTP stack, p50 and p99.
//
//     go test -run '^$' -bench MillionOpenPromises -benchtime 5x ./internal/web/
func BenchmarkMillionOpenPromises(b *testing.B) {
	total := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("TANDEM_BENCH_PROMISES")); err == nil && v > 0 {
		total = v
	}
	const perAccount = 100
	ctx := context.Background()
	s := storetest.SQLite(b)
	a := app.New(s)
	q, err := jobs.New(ctx, s, a, jobs.Config{Workers: 4, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	sam, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	mia, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia", Role: "manager", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	now := a.Now()
	accounts := make([]string, total/perAccount)
	for first := 0; first < len(accounts); first += 5000 {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := first; i < min(first+5000, len(accounts)); i++ {
				acc := customer.Account{ID: uuid.Must(uuid.NewV7()).String(), Name: fmt.Sprintf("Account %06d", i), Kind: customer.Organization,
					Tier: "standard", OwnerID: sam.ID, CreatedAt: now.AddDate(0, 0, -400), UpdatedAt: now}
				if err := tx.InsertAccount(ctx, acc, customer.KeysOf(acc, "US")); err != nil {
					return err
				}
				accounts[i] = acc.ID
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	storetest.BulkPromises(b, s, accounts, sam.ID, perAccount, now.Add(24*time.Hour), time.Second)
	open, _, err := a.Promises(ctx, access.Actor{User: mia, Scope: access.ScopeAdmin}, store.PromiseFilter{AccountID: accounts[0], Statuses: promise.Pending},
		store.Page{Limit: 500})
	if err != nil || len(open) != perAccount {
		b.Fatalf("the book: %d open promises on an account, %v", len(open), err)
	}
	b.Logf("built %d accounts and %d open promises in %s", len(accounts), len(accounts)*perAccount, time.Since(start).Round(time.Second))
	if err := q.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { q.Stop(ctx) })
	samActor := access.Actor{User: sam, Scope: access.ScopeAdmin}

	b.Run("overdue", func(b *testing.B) {
		var late []time.Duration
		for i := 0; b.Loop(); i++ {
			p, err := a.MakePromise(ctx, samActor, promise.Promise{AccountID: accounts[i%len(accounts)], Kind: promise.Callback,
				Description: "A call back in a moment", DueAt: time.Now().Add(1500 * time.Millisecond)})
			if err != nil {
				b.Fatal(err)
			}
			deadline := p.DueAt.Add(30 * time.Second)
			for {
				got, err := a.Promise(ctx, samActor, p.ID)
				if err != nil {
					b.Fatal(err)
				}
				if got.Status == promise.Overdue {
					late = append(late, got.OverdueAt.Sub(p.DueAt))
					break
				}
				if time.Now().After(deadline) {
					b.Fatal("not overdue 30 s after its due moment")
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		slices.Sort(late)
		b.ReportMetric(late[len(late)/2].Seconds(), "p50-s-late")
		b.ReportMetric(late[len(late)-1].Seconds(), "max-s-late")
	})

	b.Run("policy_conflicts", func(b *testing.B) {
		p := rules.Policy{ID: "bench", Name: "Callbacks within a day", Statement: "Callbacks are made within a working day", Severity: rules.Warn,
			Rule: `promise.kind == "callback" && promise.due_in_days >= 1`, Active: true, EffectiveFrom: time.Now().Add(-time.Hour)}
		for b.Loop() {
			r, err := a.PolicyConflictingPromises(ctx, samActor, p)
			if err != nil || r.Complete || r.Count == 0 {
				b.Fatalf("%+v %v", r.Count, err)
			}
		}
	})

	h := server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	cookie := session(b, s, mia.ID, a.Now())
	b.Run("account_page", func(b *testing.B) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			req := httptest.NewRequest(http.MethodGet, "/accounts/"+accounts[(i*7919)%len(accounts)], nil)
			req.AddCookie(&http.Cookie{Name: "tandem_session", Value: cookie})
			rec := httptest.NewRecorder()
			t0 := time.Now()
			h.ServeHTTP(rec, req)
			lat = append(lat, time.Since(t0))
			if rec.Code != http.StatusOK {
				b.Fatalf("the account page: %d", rec.Code)
			}
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	})
}
