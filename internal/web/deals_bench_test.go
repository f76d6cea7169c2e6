package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/deal"
	"tandem/internal/promise"
	"tandem/internal/server"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// BenchmarkDealBoard renders the pipeline board (/deals/board) of a
// salesperson with 2,000 open deals over 200 accounts, spread over the
// three open stages, server-side on SQLite; it reports the median and the
// 99th percentile of the server time.
//
//	go test -run '^$' -bench DealBoard -benchtime 200x ./internal/web/
func BenchmarkDealBoard(b *testing.B) {
	ctx := context.Background()
	s := storetest.SQLite(b)
	a := app.New(s)
	u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam Seller", Role: "sales", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	sam := access.Actor{User: u, Scope: access.ScopeWrite}
	var accounts []string
	for i := range 200 {
		acc, err := a.CreateAccount(ctx, sam, customer.Account{Name: fmt.Sprintf("Board account %03d", i)}, true)
		if err != nil {
			b.Fatal(err)
		}
		accounts = append(accounts, acc.ID)
	}
	stages := []string{"qualify", "propose", "negotiate"}
	now := a.Now()
	err = s.InTx(ctx, func(tx *store.Tx) error {
		for i := range 2000 {
			d := deal.Deal{ID: uuid.NewString(), AccountID: accounts[i%len(accounts)], OwnerID: u.ID, Title: fmt.Sprintf("Deal %04d", i),
				Amount: promise.Money{Minor: int64(100000 + 137*i), Currency: "EUR"}, Stage: stages[i%3], Source: deal.SourceNew,
				ExpectedClose: now.AddDate(0, 0, i%120-30).Truncate(24 * time.Hour), CreatedByID: u.ID, CreatedAt: now, UpdatedAt: now, Version: 1}
			if err := tx.InsertDeal(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	cookie := session(b, s, u.ID, now)
	lat := make([]time.Duration, 0, b.N)
	var size int
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/deals/board", nil)
		req.AddCookie(&http.Cookie{Name: "tandem_session", Value: cookie})
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("the board: %d", rec.Code)
		}
		size = rec.Body.Len()
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(size)/1024, "KiB")
}
