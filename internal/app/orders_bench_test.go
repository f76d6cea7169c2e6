package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"tandem/internal/order"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// BenchmarkAccountValue: the value facts of an account with 5,000 orders
// over 18 months (SQLite), as the account page and every case read them.
func BenchmarkAccountValue(b *testing.B) {
	s := storetest.SQLite(b)
	f := orderSetup(&testing.T{}, s)
	ctx := context.Background()
	now := *f.clock
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for i := range 5000 {
			at := now.Add(-time.Duration(i) * 150 * time.Minute)
			o := order.Order{ID: uuid.NewString(), Number: int64(100000 + i), AccountID: f.acc.ID, CreatedByID: f.sales.User.ID, OrderedAt: at,
				Status: order.Delivered, DeliveredAt: at.Add(time.Hour), CreatedAt: at, UpdatedAt: at, Version: 1,
				Lines: []order.Line{{ProductID: f.widget.ID, Quantity: 2, UnitPrice: eur(10000), UnitCost: eur(6000)}}}
			if err := o.Total(); err != nil {
				return err
			}
			if err := tx.InsertOrder(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.app.AccountValue(ctx, f.service, f.acc.ID); err != nil {
			b.Fatal(err)
		}
	}
}
