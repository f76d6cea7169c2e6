package app_test

import (
	"context"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/promise"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

type orderBook struct {
	fixture
	manager access.Actor
	acc     customer.Account
	widget  order.Product
	gadget  order.Product
}

func orderSetup(t *testing.T, s *store.Store) orderBook {
	t.Helper()
	f := setup(t, s)
	ctx := context.Background()
	mu, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia Manager", Role: "manager", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	b := orderBook{fixture: f, manager: access.Actor{User: mu, Scope: access.ScopeAdmin}}
	if b.acc, err = f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false); err != nil {
		t.Fatal(err)
	}
	if b.widget, err = f.app.CreateProduct(ctx, b.manager, order.Product{SKU: "W-1", Name: "Widget", UnitPrice: eur(10000), UnitCost: eur(6000), Active: true}); err != nil {
		t.Fatal(err)
	}
	if b.gadget, err = f.app.CreateProduct(ctx, b.manager, order.Product{SKU: "G-1", Name: "Gadget", UnitPrice: eur(2500), UnitCost: eur(1000), Active: true}); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestProducts(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		b := orderSetup(t, s)
		ctx := context.Background()
		if _, err := b.app.CreateProduct(ctx, b.sales, order.Product{SKU: "X", Name: "X", UnitPrice: eur(1), UnitCost: eur(1)}); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("sales created a product: %v", err)
		}
		_, err := b.app.CreateProduct(ctx, b.manager, order.Product{SKU: "W-1", Name: "Again", UnitPrice: eur(1), UnitCost: eur(1), Active: true})
		if e := wantKind(t, err, fault.Conflict); len(e.Fields) != 1 || e.Fields[0].Field != "sku" {
			t.Errorf("duplicate SKU: %+v", e)
		}
		off := false
		p, err := b.app.UpdateProduct(ctx, b.manager, b.gadget.ID, app.ProductPatch{Active: &off}, b.gadget.Version)
		if err != nil || p.Active || p.Version != 2 {
			t.Fatalf("deactivate: %+v %v", p, err)
		}
		list, err := b.app.Products(ctx, b.service, true)
		if err != nil || len(list) != 1 || list[0].ID != b.widget.ID {
			t.Fatalf("active products: %+v %v", list, err)
		}
		_, err = b.app.RecordOrder(ctx, b.sales, app.OrderInput{AccountID: b.acc.ID, Lines: []app.LineInput{{ProductID: b.gadget.ID, Quantity: 1}}})
		if got := fieldsOf(t, err); got["lines[0].product_id"] == "" {
			t.Errorf("inactive product: %v", got)
		}
	})
}

func TestOrdersAndDeliveryPromises(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		b := orderSetup(t, s)
		ctx := context.Background()
		promised := b.clock.Add(72 * time.Hour)
		o, err := b.app.RecordOrder(ctx, b.sales, app.OrderInput{AccountID: b.acc.ID, PromisedDeliveryAt: promised,
			Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: 2}, {ProductID: b.gadget.ID, Quantity: 4, UnitPrice: ptr(eur(2000))}}})
		if err != nil {
			t.Fatal(err)
		}
		if o.Number != 5001 || o.Status != order.Placed || o.Revenue != eur(28000) || o.Cost != eur(16000) || o.Margin != eur(12000) {
			t.Fatalf("order: %+v", o)
		}
		got, err := b.app.Order(ctx, b.service, o.ID)
		if err != nil || len(got.Lines) != 2 || got.Lines[1].UnitPrice != eur(2000) || got.Lines[0].SKU != "W-1" || got.Margin != eur(12000) {
			t.Fatalf("read back: %+v %v", got, err)
		}
		p, err := b.app.OrderPromise(ctx, b.service, o.ID)
		if err != nil || p == nil || p.Kind != promise.DeliveryDate || !p.DueAt.Equal(promised) || p.MadeByID != b.sales.User.ID || p.Status != promise.Open {
			t.Fatalf("delivery promise: %+v %v", p, err)
		}

		// Bad input, every field named, nothing written.
		for _, tc := range []struct {
			in    app.OrderInput
			field string
		}{
			{app.OrderInput{AccountID: b.acc.ID, Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: 0}}}, "lines[0].quantity"},
			{app.OrderInput{AccountID: b.acc.ID, Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: -1}}}, "lines[0].quantity"},
			{app.OrderInput{AccountID: b.acc.ID, Lines: []app.LineInput{{ProductID: "nope", Quantity: 1}}}, "lines[0].product_id"},
			{app.OrderInput{AccountID: b.acc.ID, Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: 1}, {ProductID: b.widget.ID, Quantity: 1,
				UnitPrice: ptr(money.Money{Minor: 1, Currency: "USD"})}}}, "lines[1].unit_price.currency"},
			{app.OrderInput{AccountID: "nope", Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: 1}}}, "account_id"},
			{app.OrderInput{AccountID: b.acc.ID}, "lines"},
			{app.OrderInput{AccountID: b.acc.ID, PromisedDeliveryAt: b.clock.Add(-time.Hour), Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: 1}}}, "promised_delivery_at"},
		} {
			if got := fieldsOf(t, func() error { _, err := b.app.RecordOrder(ctx, b.sales, tc.in); return err }()); got[tc.field] == "" {
				t.Errorf("%+v: fields %v, want %s", tc.in, got, tc.field)
			}
		}
		if list, _, _ := b.app.Orders(ctx, b.sales, store.OrderFilter{AccountID: b.acc.ID}, store.Page{}); len(list) != 1 {
			t.Errorf("bad orders were written: %d orders", len(list))
		}
		if _, err := b.app.RecordOrder(ctx, b.service, app.OrderInput{AccountID: b.acc.ID, Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: 1}}}); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("service recorded an order: %v", err)
		}

		// Delivered exactly at the promised moment: kept.
		if _, err := b.app.TransitionOrder(ctx, b.sales, o.ID, order.Shipped, time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		b.tick(72 * time.Hour)
		d, err := b.app.TransitionOrder(ctx, b.sales, o.ID, order.Delivered, time.Time{}, 0)
		if err != nil || d.Status != order.Delivered || !d.DeliveredAt.Equal(promised) {
			t.Fatalf("deliver: %+v %v", d, err)
		}
		if p, _ := b.app.OrderPromise(ctx, b.sales, o.ID); p.Status != promise.Kept {
			t.Errorf("on time: promise %s", p.Status)
		}
		if _, err := b.app.TransitionOrder(ctx, b.sales, o.ID, order.Cancelled, time.Time{}, 0); fieldsOf(t, err)["to"] == "" {
			t.Errorf("cancelled a delivered order: %v", err)
		}

		// Late (a millisecond after the promise): broken, "delivered late".
		late, err := b.app.RecordOrder(ctx, b.sales, app.OrderInput{AccountID: b.acc.ID, PromisedDeliveryAt: b.clock.Add(time.Hour),
			Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		b.tick(time.Hour + time.Millisecond)
		if _, err := b.app.TransitionOrder(ctx, b.sales, late.ID, order.Delivered, time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		if p, _ := b.app.OrderPromise(ctx, b.sales, late.ID); p.Status != promise.Broken || p.BrokenReason != "delivered late" {
			t.Errorf("late: promise %s %q", p.Status, p.BrokenReason)
		}

		// Cancelled: broken, "cancelled".
		gone, err := b.app.RecordOrder(ctx, b.sales, app.OrderInput{AccountID: b.acc.ID, PromisedDeliveryAt: b.clock.Add(24 * time.Hour),
			Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.app.TransitionOrder(ctx, b.sales, gone.ID, order.Cancelled, time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		if p, _ := b.app.OrderPromise(ctx, b.sales, gone.ID); p.Status != promise.Broken || p.BrokenReason != "cancelled" {
			t.Errorf("cancelled: promise %s %q", p.Status, p.BrokenReason)
		}
		if _, err := b.app.TransitionOrder(ctx, b.sales, gone.ID, order.Delivered, time.Time{}, 0); fieldsOf(t, err)["to"] == "" {
			t.Errorf("delivered a cancelled order: %v", err)
		}
		evs, _, err := b.app.Timeline(ctx, b.service, b.acc.ID, event.Filter{}, store.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, e := range evs {
			kinds[e.Kind]++
		}
		if kinds["order.recorded"] != 3 || kinds["order.delivered"] != 2 || kinds["order.cancelled"] != 1 || kinds["promise.kept"] != 1 || kinds["promise.broken"] != 2 {
			t.Errorf("timeline kinds: %v", kinds)
		}
	})
}

func TestAccountValue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		b := orderSetup(t, s)
		ctx := context.Background()
		now := *b.clock
		day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
		rec := func(ordered, delivered time.Time, status order.Status, qty int64) order.Order {
			t.Helper()
			o, err := b.app.RecordOrder(ctx, b.sales, app.OrderInput{AccountID: b.acc.ID, OrderedAt: ordered, Status: status, DeliveredAt: delivered, ShippedAt: ordered,
				Lines: []app.LineInput{{ProductID: b.widget.ID, Quantity: qty}}})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		rec(day(200), day(198), order.Delivered, 1)            // 10000 revenue, 4000 margin
		rec(day(100), day(99), order.Delivered, 2)             // 20000, 8000
		ret := rec(day(50), day(48), order.Delivered, 5)       // returned below
		rec(day(400), day(398), order.Delivered, 9)            // before the window
		rec(day(2), time.Time{}, order.Placed, 3)              // on order: 30000
		cancelled := rec(day(1), time.Time{}, order.Placed, 7) // cancelled below
		if _, err := b.app.TransitionOrder(ctx, b.sales, ret.ID, order.Returned, time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := b.app.TransitionOrder(ctx, b.sales, cancelled.ID, order.Cancelled, time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		v, err := b.app.AccountValue(ctx, b.service, b.acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Currency != "EUR" || v.Revenue12m != eur(30000) || v.Margin12m != eur(12000) || v.Orders12m != 2 {
			t.Errorf("value: %+v", v)
		}
		if v.OnOrder != eur(30000) || v.OnOrderCount != 1 || v.OpenPipeline != eur(0) {
			t.Errorf("on order %v (%d), pipeline %v", v.OnOrder, v.OnOrderCount, v.OpenPipeline)
		}
		if v.LastOrderAt == nil || !v.LastOrderAt.Equal(day(2)) {
			t.Errorf("last order at %v", v.LastOrderAt)
		}
		if v.AvgDaysBetweenOrders == nil || *v.AvgDaysBetweenOrders != 100 {
			t.Errorf("avg days %v", v.AvgDaysBetweenOrders)
		}
		if _, err := b.app.AccountValue(ctx, b.service, "nope"); fault.KindOf(err) != fault.NotFound {
			t.Errorf("unknown account: %v", err)
		}
	})
}
