package order

import (
	"strings"
	"testing"
	"time"

	"tandem/internal/fault"
	"tandem/internal/money"
)

func eur(n int64) money.Money { return money.Money{Minor: n, Currency: "EUR"} }

func fields(t *testing.T, err error) string {
	t.Helper()
	fe, ok := fault.As(err)
	if !ok || fe.Kind != fault.Invalid {
		t.Fatalf("want an invalid-input fault, got %v", err)
	}
	var names []string
	for _, f := range fe.Fields {
		names = append(names, f.Field)
	}
	return strings.Join(names, " ")
}

func TestTotals(t *testing.T) {
	o := Order{Lines: []Line{{Quantity: 3, UnitPrice: eur(1999), UnitCost: eur(1200)}, {Quantity: 1, UnitPrice: eur(420000), UnitCost: eur(300001)}}}
	if err := o.Total(); err != nil {
		t.Fatal(err)
	}
	if o.Currency != "EUR" || o.Revenue != eur(3*1999+420000) || o.Cost != eur(3*1200+300001) || o.Margin != eur(3*1999+420000-3*1200-300001) {
		t.Errorf("totals = %v %v %v %v", o.Currency, o.Revenue, o.Cost, o.Margin)
	}
	// A sale below cost has a negative margin.
	o = Order{Lines: []Line{{Quantity: 2, UnitPrice: eur(100), UnitCost: eur(150)}}}
	if err := o.Total(); err != nil || o.Margin.Minor != -100 {
		t.Errorf("negative margin = %v, %v", o.Margin, err)
	}
}

func TestBadOrders(t *testing.T) {
	for _, tc := range []struct {
		lines []Line
		want  string
	}{
		{nil, "lines"},
		{[]Line{{Quantity: 0, UnitPrice: eur(1), UnitCost: eur(1)}}, "lines[0].quantity"},
		{[]Line{{Quantity: -2, UnitPrice: eur(1), UnitCost: eur(1)}}, "lines[0].quantity"},
		{[]Line{{Quantity: 1, UnitPrice: eur(1), UnitCost: eur(1)}, {Quantity: 1, UnitPrice: money.Money{Minor: 1, Currency: "USD"}, UnitCost: eur(1)}}, "lines[1].unit_price.currency"},
		{[]Line{{Quantity: 1, UnitPrice: eur(-1), UnitCost: eur(1)}}, "lines[0].unit_price.amount_minor"},
	} {
		o := Order{Lines: tc.lines}
		if got := fields(t, o.Total()); !strings.Contains(got, tc.want) {
			t.Errorf("%v: fields %q, want %q", tc.lines, got, tc.want)
		}
	}
}

func TestStateMachine(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	o := Order{Status: Placed, OrderedAt: at}
	if err := o.Apply(Returned, at); err == nil {
		t.Error("a placed order was returned")
	}
	if err := o.Apply(Shipped, at.Add(time.Hour)); err != nil || o.ShippedAt.IsZero() {
		t.Fatalf("ship: %v", err)
	}
	if got := fields(t, o.Apply(Delivered, at.Add(-time.Hour))); got != "at" {
		t.Errorf("delivery before the order: fields %q", got)
	}
	if err := o.Apply(Delivered, at.Add(48*time.Hour)); err != nil || o.Status != Delivered {
		t.Fatalf("deliver: %v", err)
	}
	if got := fields(t, o.Apply(Cancelled, at.Add(49*time.Hour))); got != "to" {
		t.Errorf("cancel a delivered order: fields %q", got)
	}
	if err := o.Apply(Returned, at.Add(72*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := fields(t, o.Apply("lost", at.Add(73*time.Hour))); got != "to" {
		t.Errorf("unknown status: %q", got)
	}
	c := Order{Status: Cancelled, OrderedAt: at}
	if err := c.Apply(Delivered, at); err == nil {
		t.Error("a cancelled order was delivered")
	}
}

func TestOnTimeBoundary(t *testing.T) {
	p := time.Date(2026, 3, 5, 17, 0, 0, 0, time.UTC)
	if o := (Order{PromisedDeliveryAt: p, DeliveredAt: p}); !o.OnTime() {
		t.Error("delivered exactly at the promised moment is on time")
	}
	if o := (Order{PromisedDeliveryAt: p, DeliveredAt: p.Add(time.Millisecond)}); o.OnTime() {
		t.Error("a millisecond late is late")
	}
}

func TestProductValidate(t *testing.T) {
	p := Product{SKU: " ", Name: "", UnitPrice: eur(100), UnitCost: money.Money{Minor: 1, Currency: "USD"}}
	p.Normalize()
	if got := fields(t, p.Validate()); got != "sku name unit_cost.currency" {
		t.Errorf("fields %q", got)
	}
}

func TestFigures(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	facts := []Fact{
		{Status: Delivered, OrderedAt: day(100), DeliveredAt: day(98), Currency: "EUR", Revenue: 10000, Cost: 6000},
		{Status: Delivered, OrderedAt: day(40), DeliveredAt: day(38), Currency: "EUR", Revenue: 20000, Cost: 15000},
		{Status: Delivered, OrderedAt: day(10), DeliveredAt: day(8), Currency: "EUR", Revenue: 5000, Cost: 1000},
		{Status: Delivered, OrderedAt: day(400), DeliveredAt: day(398), Currency: "EUR", Revenue: 99999, Cost: 1},   // before the window
		{Status: Returned, OrderedAt: day(20), DeliveredAt: day(18), Currency: "EUR", Revenue: 77777, Cost: 1},      // returned
		{Status: Cancelled, OrderedAt: day(1), Currency: "EUR", Revenue: 55555, Cost: 1},                            // cancelled
		{Status: Shipped, OrderedAt: day(3), Currency: "EUR", Revenue: 3000, Cost: 2000},                            // on order
		{Status: Delivered, OrderedAt: day(50), DeliveredAt: day(49), Currency: "USD", Revenue: 100000, Cost: 1000}, // other currency
	}
	v := Figures(facts, now, "EUR")
	if v.Currency != "EUR" || v.Revenue12m != eur(35000) || v.Margin12m != eur(13000) || v.Orders12m != 3 {
		t.Errorf("value = %+v", v)
	}
	if v.OnOrder != eur(3000) || v.OnOrderCount != 1 || v.LeftOut != 1 {
		t.Errorf("on order %v (%d), left out %d", v.OnOrder, v.OnOrderCount, v.LeftOut)
	}
	if v.LastOrderAt == nil || !v.LastOrderAt.Equal(day(3)) {
		t.Errorf("last order at %v", v.LastOrderAt)
	}
	if v.AvgDaysBetweenOrders == nil || *v.AvgDaysBetweenOrders != 45 {
		t.Errorf("avg days %v", v.AvgDaysBetweenOrders)
	}
	v.WithWallet(eur(70000))
	if v.ShareOfWallet == nil || *v.ShareOfWallet != 0.5 {
		t.Errorf("share of wallet %v", v.ShareOfWallet)
	}
	if e := Figures(nil, now, "EUR"); e.Orders12m != 0 || e.LastOrderAt != nil || e.Revenue12m != eur(0) {
		t.Errorf("empty value = %+v", e)
	}
}
