package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/demo"
	"tandem/internal/server"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// BenchmarkHome renders each role's home ("/") server-side, on the demo
// book and on the demo book grown by 100,000 accounts, shared by 50
// sales reps, and 100,000 open cases, on SQLite, with the planner's
// statistics of the grown book (store.Optimize); it reports the median and the 99th
// percentile of the server time.
//
//	go test -run '^$' -bench Home -benchtime 200x ./internal/web/
func BenchmarkHome(b *testing.B) {
	for _, size := range []struct {
		name            string
		accounts, cases int
	}{{"demo", 0, 0}, {"100k", 100_000, 100_000}} {
		b.Run(size.name, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.SQLite(b)
			a := app.New(s)
			if _, err := demo.Load(ctx, a, 300); err != nil {
				b.Fatal(err)
			}
			users, err := s.Users(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if size.accounts > 0 {
				// 50 sales reps share the grown accounts (2,000 each).
				for i := range 48 {
					u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: fmt.Sprintf("rep%02d@example.com", i), Name: fmt.Sprintf("Rep %02d", i), Role: "sales"})
					if err != nil {
						b.Fatal(err)
					}
					users = append(users, u)
				}
				grow(b, s, users, size.accounts, size.cases, a.Now())
				// As the server's hourly job would, once the book has grown.
				if err := s.Optimize(ctx); err != nil {
					b.Fatal(err)
				}
			}
			h := server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
			for _, email := range []string{"sam@example.com", "val@example.com", "mia@example.com", "ada@example.com"} {
				i := slices.IndexFunc(users, func(u access.User) bool { return u.Email == email })
				cookie := session(b, s, users[i].ID, a.Now())
				b.Run(string(users[i].Role), func(b *testing.B) {
					lat := make([]time.Duration, 0, b.N)
					for b.Loop() {
						req := httptest.NewRequest(http.MethodGet, "/", nil)
						req.AddCookie(&http.Cookie{Name: "tandem_session", Value: cookie})
						rec := httptest.NewRecorder()
						start := time.Now()
						h.ServeHTTP(rec, req)
						lat = append(lat, time.Since(start))
						if rec.Code != http.StatusOK {
							b.Fatalf("%s's home: %d", email, rec.Code)
						}
					}
					slices.Sort(lat)
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				})
			}
		})
	}
}

// session opens a browser session for a user without a password check.
func session(b testing.TB, s *store.Store, userID string, now time.Time) string {
	secret := access.NewSecret("tds_")
	err := s.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.InsertSession(context.Background(), store.Session{ID: uuid.Must(uuid.NewV7()).String(), UserID: userID, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(app.SessionIdle), IP: "127.0.0.9"}, access.HashSecret(secret))
	})
	if err != nil {
		b.Fatal(err)
	}
	return secret
}

// grow adds accounts owned by the sales users, and open cases spread over
// them, assigned to the service users or to nobody, with deadlines from a
// day ago to a week ahead.
func grow(b *testing.B, s *store.Store, users []access.User, accounts, open int, now time.Time) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 11))
	var owners, agents []string
	for _, u := range users {
		switch u.Role {
		case access.Sales:
			owners = append(owners, u.ID)
		case access.Service, access.Manager:
			agents = append(agents, u.ID)
		}
	}
	agents = append(agents, "")
	ids := make([]string, accounts)
	for start := 0; start < accounts; start += 5000 {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := start; i < min(start+5000, accounts); i++ {
				acc := customer.Account{ID: uuid.Must(uuid.NewV7()).String(), Name: fmt.Sprintf("Grown Account %06d", i), Kind: customer.Organization,
					Tier: "standard", OwnerID: owners[i%len(owners)], CreatedAt: now.AddDate(0, 0, -400), UpdatedAt: now}
				if err := tx.InsertAccount(ctx, acc, customer.KeysOf(acc, "US")); err != nil {
					return err
				}
				ids[i] = acc.ID
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	statuses := []cases.Status{cases.New, cases.Open, cases.Open, cases.PendingCustomer}
	n := int64(1_000_000)
	for start := 0; start < open; start += 5000 {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for range min(5000, open-start) {
				n++
				opened := now.Add(-time.Duration(rng.IntN(14*24)) * time.Hour)
				due := now.Add(time.Duration(rng.IntN(8*24)-24) * time.Hour)
				c := cases.Case{ID: uuid.Must(uuid.NewV7()).String(), Number: n, AccountID: ids[rng.IntN(len(ids))], Subject: "Delivery arrived damaged",
					Category: "general", Priority: "normal", Status: statuses[rng.IntN(len(statuses))], AssigneeID: agents[rng.IntN(len(agents))],
					Channel: "phone", OpenedAt: opened, CreatedAt: opened, UpdatedAt: opened}
				c.Clocks = cases.Clocks{FirstResponseTarget: 4 * time.Hour, ResolutionTarget: 40 * time.Hour, FirstResponseDue: due.Add(-20 * time.Hour),
					ResolutionDue: due, AtRiskAt: due.Add(-8 * time.Hour)}
				if c.Status != cases.New {
					c.RespondedAt = opened.Add(time.Hour)
				}
				if c.Status == cases.PendingCustomer {
					c.Clocks.ResolutionDue, c.Clocks.AtRiskAt, c.Clocks.ResolutionPausedAt = time.Time{}, time.Time{}, now.Add(-time.Hour)
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
}
